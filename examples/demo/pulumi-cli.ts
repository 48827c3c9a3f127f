// Locating the Pulumi CLI, the one way this repository does it: tools/pulumi-cli/ensure-pulumi.sh
// finds or builds it (cached outside the clone) and prints the folder holding it as its last line.
// Used by the demo, bench/e2e-bench.ts and the e2e suite's global setup (test/e2e/harness/cli.ts);
// it lives here because the demo and the bench are built (dist/) and test/ is not.
// The script's progress (stderr) is passed on as it comes, since a first build from Go modules takes
// minutes, and kept for whoever reports a failure.

import { spawn } from "node:child_process";
import { join } from "node:path";

/** The script could not make a CLI available; its own explanation is in `scriptStderr`. */
export class PulumiCliUnavailableError extends Error {
  constructor(
    readonly exitCode: number | null,
    readonly scriptStderr: string,
  ) {
    super(
      `the Pulumi CLI is not available (tools/pulumi-cli/ensure-pulumi.sh exited with ${exitCode}; its message is above). ` +
        `Put Pulumi 3.x with pulumi-language-nodejs on PATH, let this machine reach get.pulumi.com, or install Go >= 1.26.`,
    );
    this.name = "PulumiCliUnavailableError";
  }
}

/**
 * The folder holding `pulumi`, `pulumi-language-nodejs` and `pulumi-resource-pulumi-nodejs`.
 * `signal` stops the script (a build may take minutes) when the caller is interrupted.
 */
export async function ensurePulumiCli(repoRoot: string, signal?: AbortSignal): Promise<string> {
  const script = join(repoRoot, "tools", "pulumi-cli", "ensure-pulumi.sh");
  const { code, stdout, stderr } = await new Promise<{ code: number | null; stdout: string; stderr: string }>((resolve, reject) => {
    const child = spawn("bash", [script], { cwd: repoRoot, stdio: ["ignore", "pipe", "pipe"], ...(signal ? { signal } : {}) });
    let out = "";
    let err = "";
    child.stdout.setEncoding("utf8").on("data", (chunk: string) => (out += chunk));
    child.stderr.setEncoding("utf8").on("data", (chunk: string) => {
      err += chunk;
      process.stderr.write(chunk);
    });
    child.on("error", reject);
    child.on("close", (exit) => resolve({ code: exit, stdout: out, stderr: err }));
  });
  const binDir = stdout.trim().split("\n").pop()?.trim() ?? "";
  if (code !== 0 || binDir === "") throw new PulumiCliUnavailableError(code, stderr);
  return binDir;
}
