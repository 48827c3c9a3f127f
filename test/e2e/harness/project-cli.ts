// The `pulumi` binary itself, run in a project's folder as a CI job runs it (`--stack`,
// `--non-interactive`, `--color never`), for tests that check its exit code and printed output; and
// that output read back: the provider's warnings and the "Resources:" summary.

import { join } from "node:path";
import { afterAll, expect } from "vitest";
import type { E2eContext } from "./e2e-context";
import { withoutNpmLifecycle } from "./packed-package";
import { runCommand, type CommandRun } from "../../support/run-command";
import type { TestStack } from "./test-stack";

/** The GitOps gate: exit 0 when nothing drifted, 7 when the refreshed state or the program would change something. */
export const GATE = ["preview", "--refresh", "--expect-no-changes", "--diff"];

/** Plain functions (no `this`): a test file takes them apart. */
export interface ProjectCli {
  /** `pulumi <args>` in the project folder; fails the test if the output shows the stack's private key. */
  pulumi: (stack: TestStack, args: string[]) => Promise<CommandRun>;
  /** Like `pulumi`, failing with the CLI's output unless it exits 0. */
  mustPulumi: (stack: TestStack, args: string[]) => Promise<string>;
  /** `pulumi up --yes <extra>`, which must exit 0. */
  up: (stack: TestStack, ...extra: string[]) => Promise<string>;
  /** `pulumi stack output --json`, parsed. */
  outputs: <T>(stack: TestStack) => Promise<T>;
}

/**
 * The CLI of `e2e` in the folder of `project`, with the suite's environment (npm's lifecycle variables
 * left out: they describe this repository). After the file's tests it prints how long each run took,
 * under `file`'s name.
 */
export function useProjectCli(file: string, e2e: () => E2eContext, project: { readonly dir: string }): ProjectCli {
  const timings: string[] = [];
  afterAll(() => {
    if (timings.length > 0) console.log(`pulumi runs of ${file}:\n  ${timings.join("\n  ")}`);
  });

  const pulumi = async (stack: TestStack, args: string[]): Promise<CommandRun> => {
    const context = e2e();
    const started = performance.now();
    const run = await runCommand(
      join(context.cli.binDir, "pulumi"),
      [...args, "--stack", stack.name, "--non-interactive", "--color", "never"],
      project.dir,
      withoutNpmLifecycle(context.env),
    );
    // The key is stack config (secret): it must never be printed.
    expect(run.output).not.toContain(context.emulator.credentials.privateKey);
    timings.push(`pulumi ${args.join(" ")}: exit ${run.code}, ${((performance.now() - started) / 1000).toFixed(1)} s`);
    return run;
  };

  const mustPulumi = async (stack: TestStack, args: string[]): Promise<string> => {
    const run = await pulumi(stack, args);
    if (run.code !== 0) throw new Error(`\`pulumi ${args.join(" ")}\` exited with ${run.code}:\n${run.output}`);
    return run.output;
  };

  return {
    pulumi,
    mustPulumi,
    up: (stack, ...extra) => mustPulumi(stack, ["up", "--yes", ...extra]),
    outputs: async <T>(stack: TestStack) => JSON.parse(await mustPulumi(stack, ["stack", "output", "--json"])) as T,
  };
}

/** The provider's warnings as the CLI printed them (each once, in order). */
export function warnings(output: string): string[] {
  const found = output
    .split("\n")
    .map((l) => l.trim())
    .filter((l) => l.startsWith("warning: cloudmanager:"));
  return [...new Set(found)];
}

/** The "Resources:" summary the CLI printed last: { created: 9 }, { updated: 1, unchanged: 8 }, … */
export function summary(output: string): Record<string, number> {
  const at = output.lastIndexOf("Resources:");
  expect(at, output).toBeGreaterThanOrEqual(0);
  const counts: Record<string, number> = {};
  for (const line of output.slice(at).split("\n").slice(1)) {
    if (line.trim() === "") break;
    // "+ 9 created", "+-5 replaced", "8 changes. 1 unchanged", "9 unchanged"
    for (const m of line.matchAll(/(\d+) (created|updated|deleted|replaced|unchanged)\b/g)) counts[m[2] as string] = Number(m[1]);
  }
  return counts;
}
