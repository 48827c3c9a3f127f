// Command-line flags of `npm run bench:http` (node:util parseArgs).
import { parseArgs } from "node:util";
import type { HttpBenchOptions } from "./run-http-bench";
import { ARRIVALS } from "./workload";

/** The measured-run settings of `runHttpBench`, plus --help. */
export type BenchArgs = Pick<HttpBenchOptions, "calls" | "createEvery" | "repeat" | "concurrency" | "arrivals" | "warmupCalls"> & {
  help: boolean;
};

export const BENCH_USAGE = `Usage: npm run bench:http -- [options]
  --calls N          API calls per measured run (default 440)
  --create-every K   every K-th call is a POST create, the rest GET one invitation; 0 = GETs only (default 11)
  --repeat R         measured runs per client and concurrency, interleaved; medians are reported (default 5)
  --concurrency L    comma-separated concurrency levels (default 1,16)
  --arrival L        how calls start above concurrency 1: pool (N always in flight), waves (N at once, then the
                     next N), or both (default pool,waves)
  --warmup N         unmeasured calls per client before the first run (default 44)
  --help`;

function integer(name: string, text: string, min: number): number {
  if (!/^\d+$/.test(text.trim())) throw new Error(`--${name} must be a whole number, got "${text}"`);
  const value = Number(text);
  if (value < min) throw new Error(`--${name} must be at least ${min}, got ${value}`);
  return value;
}

/** Throws an Error with a message fit for the user on a bad flag. */
export function parseBenchArgs(argv: readonly string[]): BenchArgs {
  const { values } = parseArgs({
    args: [...argv],
    strict: true,
    allowPositionals: false,
    options: {
      calls: { type: "string", default: "440" },
      "create-every": { type: "string", default: "11" },
      repeat: { type: "string", default: "5" },
      concurrency: { type: "string", default: "1,16" },
      arrival: { type: "string", default: "pool,waves" },
      warmup: { type: "string", default: "44" },
      help: { type: "boolean", default: false },
    },
  });
  const concurrency = values.concurrency.split(",").map((part) => integer("concurrency", part, 1));
  if (new Set(concurrency).size !== concurrency.length) throw new Error("--concurrency lists a level twice");
  const arrivals = values.arrival.split(",").map((part) => {
    const arrival = ARRIVALS.find((known) => known === part.trim());
    if (arrival === undefined) throw new Error(`--arrival takes ${ARRIVALS.join(", ")}; got "${part}"`);
    return arrival;
  });
  if (new Set(arrivals).size !== arrivals.length) throw new Error("--arrival lists a mode twice");
  return {
    calls: integer("calls", values.calls, 1),
    createEvery: integer("create-every", values["create-every"], 0),
    repeat: integer("repeat", values.repeat, 1),
    concurrency,
    arrivals,
    warmupCalls: integer("warmup", values.warmup, 0),
    help: values.help,
  };
}
