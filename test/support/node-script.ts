// A Node script run in a fresh process, as the dynamic-provider host or a user's program would run
// our built code. The environment is clean (PATH and HOME, plus what the test gives), so no credential
// variable leaks in from the machine running the tests.

import { runSeparated, type SeparatedRun } from "./run-command";

export function runNodeScript(script: string, cwd: string, env: Record<string, string> = {}): Promise<SeparatedRun> {
  return runSeparated(process.execPath, ["-e", script], cwd, { PATH: process.env["PATH"] ?? "", HOME: process.env["HOME"] ?? "", ...env });
}
