// `npm run bench:e2e`: the real engine against the emulator, on three fronts (--front). "cli" and
// "plugin" (issue 22) run as users do: the `pulumi` CLI as a subprocess in project folders where the
// packed package is installed, a JavaScript program of N OrgInvitation and a YAML program of N
// cloudmanager:OrgInvitation, both against a minimal no-op (a provider of `create` alone) in the same
// run; see e2e-cli.ts. "api" is issue 9's Automation API mode, below. For each size N
// (--invitations, default 50) the real program (N OrgInvitations) and a no-op one (N dynamic resources
// that do nothing) run interleaved, up / preview / refresh / destroy, --repeat times; then an up of 40
// under each of two emulator rate limits. It prints wall-clock medians and their ratio to the no-op
// floor, API requests per invitation from the emulator's request log, the stored __provider's size,
// the growth from the smallest size to the largest, the rate-limited times against the least possible,
// and the targets table.
// A report, not a test: exit status 0 whatever the figures; 1 when a run ended in the wrong state
// (not N pending after up, any pending after destroy, a duplicate); 2 on a bad flag.
// The report goes to stdout, progress to stderr.

import { cpus, loadavg } from "node:os";
import { dirname } from "node:path";
import { PulumiCommand } from "@pulumi/pulumi/automation";
import { findRepoRoot } from "../examples/demo/example-project";
import { ensurePulumiCli } from "../examples/demo/pulumi-cli";
import { E2E_BENCH_USAGE, parseE2eBenchArgs, type E2eBenchArgs } from "./e2e-args";
import { packAndInstall, runCliSize } from "./e2e-cli";
import { cliJsonLine, formatCliReport, type ApiFloors, type CliBenchResult, type CliProgram, type CliSizeResult } from "./e2e-cli-report";
import {
  formatReport,
  jsonLine,
  RATE_LIMITS,
  summarizeSize,
  type E2eBenchResult,
  type Phase,
  type RateLimitedSample,
  type SizeResult,
} from "./e2e-report";
import { briefError, OutcomeError, runRateLimited, runSize, type BenchEnvironment } from "./e2e-run";

async function main(argv: readonly string[]): Promise<number> {
  let args: E2eBenchArgs;
  try {
    args = parseE2eBenchArgs(argv);
  } catch (error) {
    process.stderr.write(`${error instanceof Error ? error.message : String(error)}\n${E2E_BENCH_USAGE}\n`);
    return 2;
  }
  if (args.help) {
    process.stdout.write(`${E2E_BENCH_USAGE}\n`);
    return 0;
  }
  const started = performance.now();
  const loadStart = loadavg();
  const repoRoot = findRepoRoot();
  const binDir = await ensurePulumiCli(repoRoot);
  const pulumiCommand = await PulumiCommand.get({ root: dirname(binDir) });
  const env: BenchEnvironment = { repoRoot, binDir, pulumiCommand, progress: (line) => process.stderr.write(`${line}\n`) };

  const problems: string[] = [];

  // The CLI fronts: the package packed and installed once, then each size with the programs interleaved.
  const cliPrograms: CliProgram[] = [
    ...(args.fronts.includes("cli") ? (["real"] as const) : []),
    ...(args.fronts.includes("plugin") ? (["plugin"] as const) : []),
    ...(args.fronts.includes("shaped") ? (["shaped"] as const) : []),
  ];
  let cli: CliBenchResult | undefined;
  if (cliPrograms.length > 0) {
    const cliStarted = performance.now();
    const settings = { skipCheckpoints: args.skipCheckpoints, parallel: args.parallel, cpu: args.cpu };
    env.progress("CLI fronts: npm pack and npm install of the package into a folder outside the repository");
    const install = await packAndInstall(env);
    const cliSizes: CliSizeResult[] = [];
    try {
      for (const invitations of args.invitations) {
        cliSizes.push(await runCliSize(env, install, invitations, args.repeat, [...cliPrograms, "noop"], args.phases, settings, problems));
      }
    } finally {
      install.remove();
    }
    cli = { sizes: cliSizes, settings, problems: [...problems], elapsedMs: performance.now() - cliStarted };
  }

  const api = args.fronts.includes("api");
  const sizes: SizeResult[] = [];
  if (api) for (const invitations of args.invitations) sizes.push(await runSize(env, invitations, args.repeat, problems));

  const rateLimitedSamples: RateLimitedSample[] = [];
  if (api && args.rateLimited) {
    for (let repetition = 1; repetition <= args.rateLimitedRepeat; repetition++) {
      for (const spec of RATE_LIMITS) {
        try {
          rateLimitedSamples.push(await runRateLimited(env, spec, repetition, args.rateLimitedRepeat));
        } catch (e) {
          const problem = e instanceof OutcomeError ? e.message : `${spec.kind} limit run ${repetition}: ${briefError(e)}`;
          problems.push(problem);
          env.progress(`WRONG: ${problem}`);
        }
      }
    }
  }

  const result: E2eBenchResult = {
    command: ["npm run bench:e2e", ...(argv.length > 0 ? ["--", ...argv] : [])].join(" "),
    invitations: args.invitations,
    repeat: args.repeat,
    rateLimitedRepeat: args.rateLimitedRepeat,
    rateLimited: api && args.rateLimited,
    machine: {
      cpus: cpus().length,
      cpuModel: cpus()[0]?.model.trim() ?? "unknown CPU",
      platform: `${process.platform} ${process.arch}`,
      node: process.version,
      pulumi: pulumiCommand.version?.format() ?? "unknown",
      loadStart,
      loadEnd: loadavg(),
    },
    sizes,
    rateLimitedSamples,
    problems,
    elapsedMs: performance.now() - started,
  };
  if (api) process.stdout.write(`${formatReport(result)}\n`);
  else {
    process.stdout.write(`$ ${result.command}\n`);
    process.stdout.write(`End-to-end benchmark: the real Pulumi engine against the in-process emulator\n`);
  }
  if (cli !== undefined) {
    const { machine } = result;
    if (!api) {
      process.stdout.write(
        `  machine: ${machine.cpus} CPUs (${machine.cpuModel}), ${machine.platform}, Node ${machine.node}, Pulumi ${machine.pulumi}; ` +
          `load average (1, 5, 15 min) at start ${machine.loadStart.map((l) => l.toFixed(2)).join(" ")}, ` +
          `at the end ${machine.loadEnd.map((l) => l.toFixed(2)).join(" ")}\n`,
      );
    }
    process.stdout.write(`\n${formatCliReport(cli, apiFloors(sizes))}\n`);
  }
  if (args.json) {
    if (api) process.stdout.write(`${jsonLine(result)}\n`);
    if (cli !== undefined) process.stdout.write(`${cliJsonLine(cli)}\n`);
  }
  return problems.length > 0 ? 1 : 0;
}

/** The Automation API front's no-op medians per size and phase: the other floor, printed beside the CLI's. */
function apiFloors(sizes: readonly SizeResult[]): ApiFloors {
  const floors: ApiFloors = new Map();
  for (const size of sizes) {
    const byPhase: Partial<Record<Phase, number>> = {};
    for (const summary of summarizeSize(size)) byPhase[summary.phase] = summary.noopMs;
    floors.set(size.invitations, byPhase);
  }
  return floors;
}

main(process.argv.slice(2)).then(
  (code) => {
    process.exitCode = code;
  },
  (error: unknown) => {
    process.stderr.write(`bench:e2e failed: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}\n`);
    process.exitCode = 1;
  },
);
