// The Pulumi CLI for the demo: tools/pulumi-cli/ensure-pulumi.sh finds or builds it (cached outside
// the clone) and prints the folder holding it. Its progress goes straight to the terminal, since a
// first build from Go modules takes minutes.

import { spawn } from "node:child_process";
import { join } from "node:path";

/** `signal` stops the script (a build may take minutes) when the demo is interrupted. */
export async function ensurePulumiCli(repoRoot: string, signal?: AbortSignal): Promise<string> {
  const script = join(repoRoot, "tools", "pulumi-cli", "ensure-pulumi.sh");
  const { code, stdout } = await new Promise<{ code: number | null; stdout: string }>((resolve, reject) => {
    const child = spawn("bash", [script], { cwd: repoRoot, stdio: ["ignore", "pipe", "inherit"], ...(signal ? { signal } : {}) });
    let out = "";
    child.stdout.setEncoding("utf8").on("data", (chunk: string) => (out += chunk));
    child.on("error", reject);
    child.on("close", (exit) => resolve({ code: exit, stdout: out }));
  });
  const binDir = stdout.trim().split("\n").pop()?.trim() ?? "";
  if (code !== 0 || binDir === "") {
    throw new Error(
      `the Pulumi CLI is not available (tools/pulumi-cli/ensure-pulumi.sh exited with ${code}; its message is above). ` +
        `Put Pulumi 3.x with pulumi-language-nodejs on PATH, let this machine reach get.pulumi.com, or install Go >= 1.26.`,
    );
  }
  return binDir;
}
