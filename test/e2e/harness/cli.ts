// The real Pulumi CLI for the end-to-end suite, made available by tools/pulumi-cli/ensure-pulumi.sh
// (on PATH, the official installer, or a build from Go modules; cached outside the clone).
// A missing CLI is an error that says how to get one, never a reason to skip.

import { spawn } from "node:child_process";
import { dirname, join } from "node:path";
import { PulumiCommand } from "@pulumi/pulumi/automation";

export const REPO_ROOT = join(__dirname, "..", "..", "..");
const SCRIPT = join(REPO_ROOT, "tools", "pulumi-cli", "ensure-pulumi.sh");

export interface PulumiCli {
  /** Folder holding `pulumi`, `pulumi-language-nodejs` and `pulumi-resource-pulumi-nodejs`. */
  binDir: string;
  command: PulumiCommand;
  /** PATH for the CLI and the processes it starts: the CLI first, then the repo's Node 24. */
  path: string;
}

let cached: Promise<PulumiCli> | undefined;

/** Runs the ensure script once per process; its progress (stderr) is shown as it goes. */
export function ensureCli(): Promise<PulumiCli> {
  cached ??= locate().catch((e: unknown) => {
    cached = undefined;
    throw e;
  });
  return cached;
}

async function locate(): Promise<PulumiCli> {
  const { code, stdout, stderr } = await run("bash", [SCRIPT]);
  const binDir = stdout.trim().split("\n").pop()?.trim() ?? "";
  if (code !== 0 || binDir === "") {
    throw new Error(
      `The Pulumi CLI is not available: tools/pulumi-cli/ensure-pulumi.sh exited with ${code}.\n` +
        `${stderr.trim()}\n` +
        `The end-to-end suite needs it. Put Pulumi 3.x (with pulumi-language-nodejs) on PATH, let this machine ` +
        `reach get.pulumi.com, or install Go >= 1.26 with access to a Go module proxy; then run ` +
        `\`bash tools/pulumi-cli/ensure-pulumi.sh\` (or just \`npm test\` again).`,
    );
  }
  // PulumiCommand looks for `<root>/bin/pulumi`.
  const command = await PulumiCommand.get({ root: dirname(binDir) });
  const path = [binDir, join(REPO_ROOT, "node_modules", ".bin"), process.env["PATH"] ?? ""].join(":");
  return { binDir, command, path };
}

function run(cmd: string, args: string[]): Promise<{ code: number | null; stdout: string; stderr: string }> {
  return new Promise((resolve, reject) => {
    const child = spawn(cmd, args, { cwd: REPO_ROOT, stdio: ["ignore", "pipe", "pipe"] });
    let stdout = "";
    let stderr = "";
    child.stdout.setEncoding("utf8").on("data", (chunk: string) => (stdout += chunk));
    child.stderr.setEncoding("utf8").on("data", (chunk: string) => {
      stderr += chunk;
      process.stderr.write(chunk);
    });
    child.on("error", reject);
    child.on("close", (code) => resolve({ code, stdout, stderr }));
  });
}
