// Runs a program to its end for a test, stdout and stderr collected together and apart: the one
// runner the tests share (each passes the environment its program needs).

import { spawn } from "node:child_process";

export interface CommandRun {
  code: number | null;
  /** stdout and stderr as they arrived. */
  output: string;
}

/** A run with stdout and stderr also apart (a program that prints JSON on stdout and notices on stderr). */
export interface SeparatedRun extends CommandRun {
  stdout: string;
  stderr: string;
}

/** `env` is the program's whole environment. */
export async function runCommand(command: string, args: string[], cwd: string, env: NodeJS.ProcessEnv): Promise<CommandRun> {
  const { code, output } = await runSeparated(command, args, cwd, env);
  return { code, output };
}

/** Like runCommand, keeping stdout and stderr apart as well. */
export function runSeparated(command: string, args: string[], cwd: string, env: NodeJS.ProcessEnv): Promise<SeparatedRun> {
  return new Promise((resolve, reject) => {
    const child = spawn(command, args, { cwd, env, stdio: ["ignore", "pipe", "pipe"] });
    let output = "";
    let stdout = "";
    let stderr = "";
    child.stdout.setEncoding("utf8").on("data", (d: string) => {
      output += d;
      stdout += d;
    });
    child.stderr.setEncoding("utf8").on("data", (d: string) => {
      output += d;
      stderr += d;
    });
    child.on("error", reject);
    child.on("close", (code) => resolve({ code, output, stdout, stderr }));
  });
}

/** Like runCommand, failing with the program's output when it exits other than 0; `what` names the step. */
export async function mustRunCommand(command: string, args: string[], cwd: string, env: NodeJS.ProcessEnv, what?: string): Promise<string> {
  const result = await runCommand(command, args, cwd, env);
  if (result.code !== 0) {
    const call = `\`${command} ${args.join(" ")}\``;
    throw new Error(
      what === undefined
        ? `${call} failed (exit ${result.code}) in ${cwd}:\n${result.output}`
        : `${what} failed (${call} exited with ${result.code}):\n${result.output}`,
    );
  }
  return result.output;
}
