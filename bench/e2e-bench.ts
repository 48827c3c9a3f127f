// `npm run bench:e2e`: the figures of issue 9 for the real engine against the emulator. For each size N
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
import { formatReport, jsonLine, RATE_LIMITS, type E2eBenchResult, type RateLimitedSample, type SizeResult } from "./e2e-report";
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
  const sizes: SizeResult[] = [];
  for (const invitations of args.invitations) sizes.push(await runSize(env, invitations, args.repeat, problems));

  const rateLimitedSamples: RateLimitedSample[] = [];
  if (args.rateLimited) {
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
    rateLimited: args.rateLimited,
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
  process.stdout.write(`${formatReport(result)}\n`);
  if (args.json) process.stdout.write(`${jsonLine(result)}\n`);
  return problems.length > 0 ? 1 : 0;
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
