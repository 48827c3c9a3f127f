// A Node script run in a fresh process, as the dynamic-provider host or a user's program would run
// our built code: its exit code and everything it printed. The environment is clean (PATH and HOME,
// plus what the test gives), so no credential variable leaks in from the machine running the tests.

import { spawn } from "node:child_process";

export interface ScriptRun {
  code: number | null;
  stdout: string;
  stderr: string;
}

export function runNodeScript(script: string, cwd: string, env: Record<string, string> = {}): Promise<ScriptRun> {
  return new Promise((done, fail) => {
    const child = spawn(process.execPath, ["-e", script], {
      cwd,
      env: { PATH: process.env["PATH"] ?? "", HOME: process.env["HOME"] ?? "", ...env },
    });
    let stdout = "";
    let stderr = "";
    child.stdout.on("data", (d: Buffer) => (stdout += d.toString()));
    child.stderr.on("data", (d: Buffer) => (stderr += d.toString()));
    child.on("error", fail);
    child.on("close", (code) => done({ code, stdout, stderr }));
  });
}
