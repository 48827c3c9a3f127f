// The real Pulumi CLI for the end-to-end suite, made available by tools/pulumi-cli/ensure-pulumi.sh
// (on PATH, the official installer, or a build from Go modules; cached outside the clone), which
// examples/demo/pulumi-cli.ts runs for the demo, the bench and this suite alike.
// The script runs ONCE per `vitest run`, in the global setup (main process), which hands the folder
// it printed to the test files' workers through vitest's provide/inject.
// A missing CLI is an error that says how to get one, never a reason to skip.

import { existsSync } from "node:fs";
import { dirname, join } from "node:path";
import { PulumiCommand } from "@pulumi/pulumi/automation";
import { inject } from "vitest";
import { ensurePulumiCli, PulumiCliUnavailableError } from "../../../examples/demo/pulumi-cli";

declare module "vitest" {
  interface ProvidedContext {
    /** The folder holding the Pulumi CLI, found by test/e2e/harness/global-setup.ts. */
    pulumiBinDir: string;
  }
}

export const REPO_ROOT = join(__dirname, "..", "..", "..");

export interface PulumiCli {
  /** Folder holding `pulumi`, `pulumi-language-nodejs` and `pulumi-resource-pulumi-nodejs`. */
  binDir: string;
  command: PulumiCommand;
  /** PATH for the CLI and the processes it starts: the CLI first, then the repo's Node 24. */
  path: string;
}

/** Global setup only: runs the ensure script (its progress, on stderr, is shown as it goes) and returns the folder it printed. */
export async function findPulumiBinDir(): Promise<string> {
  try {
    return await ensurePulumiCli(REPO_ROOT);
  } catch (error) {
    if (!(error instanceof PulumiCliUnavailableError)) throw error;
    throw new Error(
      `The Pulumi CLI is not available: tools/pulumi-cli/ensure-pulumi.sh exited with ${error.exitCode}.\n` +
        `${error.scriptStderr.trim()}\n` +
        `The end-to-end suite needs it. Put Pulumi 3.x (with pulumi-language-nodejs) on PATH, let this machine ` +
        `reach get.pulumi.com, or install Go >= 1.26 with access to a Go module proxy; then run ` +
        `\`bash tools/pulumi-cli/ensure-pulumi.sh\` (or just \`npm test\` again).`,
      { cause: error },
    );
  }
}

let cached: Promise<PulumiCli> | undefined;

/** In a test file's worker: the CLI the global setup found (no second run of the script). */
export function ensureCli(): Promise<PulumiCli> {
  cached ??= fromProvidedBinDir().catch((e: unknown) => {
    cached = undefined;
    throw e;
  });
  return cached;
}

async function fromProvidedBinDir(): Promise<PulumiCli> {
  const binDir = inject("pulumiBinDir");
  if (typeof binDir !== "string" || binDir === "") {
    throw new Error(
      "The e2e global setup (test/e2e/harness/global-setup.ts) did not provide the Pulumi CLI folder. " +
        "Run the end-to-end tests through vitest's e2e project (`npx vitest run --project e2e` or `npm test`), " +
        "whose globalSetup runs tools/pulumi-cli/ensure-pulumi.sh once.",
    );
  }
  if (!existsSync(join(binDir, "pulumi"))) {
    throw new Error(
      `The global setup named ${binDir} as the Pulumi CLI folder, but it holds no \`pulumi\`. ` +
        `Run \`bash tools/pulumi-cli/ensure-pulumi.sh\` to see why, then run the tests again.`,
    );
  }
  // PulumiCommand looks for `<root>/bin/pulumi`.
  const command = await PulumiCommand.get({ root: dirname(binDir) });
  const path = [binDir, join(REPO_ROOT, "node_modules", ".bin"), process.env["PATH"] ?? ""].join(":");
  return { binDir, command, path };
}
