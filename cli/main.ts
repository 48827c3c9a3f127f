#!/usr/bin/env node
// The package's command line, `pulumi-cloudmanager <command>`: dispatches to one command. Each command
// takes its arguments, its streams and its environment, so that tests run it in-process; here they are
// the process's own. Exit status: 0 done, 1 the command failed (Cloud Manager, credentials, a file),
// 2 a usage error.

import { runAdopt, ADOPT_USAGE } from "./adopt/command";
import type { CommandIo } from "./command-io";

const USAGE = `Usage: pulumi-cloudmanager <command> [options]

Commands:
  adopt    read an organization's members, invitations, teams and project roles and write the
           people.yaml that examples/org-membership reads (pulumi-cloudmanager adopt --help)
`;

export async function main(argv: readonly string[], io: CommandIo): Promise<number> {
  const [command, ...rest] = argv;
  if (command === "adopt") return runAdopt(rest, io);
  if (command === undefined || command === "--help" || command === "-h" || command === "help") {
    io.stdout.write(USAGE);
    return command === undefined ? 2 : 0;
  }
  io.stderr.write(`pulumi-cloudmanager: unknown command "${command}".\n${USAGE}`);
  return 2;
}

export { ADOPT_USAGE };

if (require.main === module) {
  main(process.argv.slice(2), { stdout: process.stdout, stderr: process.stderr, env: process.env, now: () => new Date() }).then(
    (code) => {
      process.exitCode = code;
    },
    (e: unknown) => {
      // Every expected failure is reported by the command itself; this is a bug, said as plainly.
      process.stderr.write(`pulumi-cloudmanager: unexpected failure: ${e instanceof Error ? e.message : String(e)}\n`);
      process.exitCode = 1;
    },
  );
}
