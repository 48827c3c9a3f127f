// `npm run bench:http`: wire requests per API call, 401s, failures and calls per second of our Digest
// client, digest-fetch and the Go transport's two-round-trip scheme against the emulator (issue 2 §4).
// The table goes to stdout, progress to stderr. Exit code 1 when our client misses the target, 2 on bad flags.
import { BENCH_USAGE, parseBenchArgs, type BenchArgs } from "./bench-args";
import { formatReport, verdict } from "./bench-report";
import { runHttpBench } from "./run-http-bench";

async function main(argv: readonly string[]): Promise<number> {
  let args: BenchArgs;
  try {
    args = parseBenchArgs(argv);
  } catch (error) {
    process.stderr.write(`${error instanceof Error ? error.message : String(error)}\n${BENCH_USAGE}\n`);
    return 2;
  }
  if (args.help) {
    process.stdout.write(`${BENCH_USAGE}\n`);
    return 0;
  }
  const result = await runHttpBench({
    calls: args.calls,
    createEvery: args.createEvery,
    repeat: args.repeat,
    concurrency: args.concurrency,
    arrivals: args.arrivals,
    warmupCalls: args.warmupCalls,
    progress: (line) => process.stderr.write(`${line}\n`),
  });
  const command = `npm run bench:http -- --calls ${args.calls} --create-every ${args.createEvery} --repeat ${args.repeat} --concurrency ${args.concurrency.join(",")} --arrival ${args.arrivals.join(",")} --warmup ${args.warmupCalls}`;
  process.stdout.write(`${formatReport(result, command)}\n`);
  return verdict(result).met ? 0 : 1;
}

main(process.argv.slice(2)).then(
  (code) => {
    process.exitCode = code;
  },
  (error: unknown) => {
    process.stderr.write(`bench:http failed: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}\n`);
    process.exitCode = 1;
  },
);
