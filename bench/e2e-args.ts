// Command-line flags of `npm run bench:e2e` (node:util parseArgs).
import { parseArgs } from "node:util";

export interface E2eBenchArgs {
  /** Program sizes (invitations per stack), ascending, distinct. */
  invitations: number[];
  /** Interleaved repetitions per size. */
  repeat: number;
  /** Repetitions of each rate-limited run: --repeat when given, else 1. */
  rateLimitedRepeat: number;
  /** Run the two rate-limited `up`s of 40 (on by default; --no-rate-limited skips them). */
  rateLimited: boolean;
  /** Print one JSON line after the report. */
  json: boolean;
  help: boolean;
}

export const DEFAULT_INVITATIONS = [50];
export const DEFAULT_REPEAT = 3;
export const DEFAULT_RATE_LIMITED_REPEAT = 1;

export const E2E_BENCH_USAGE = `Usage: npm run bench:e2e -- [options]
  --invitations N[,N…]  program sizes: invitations per stack, comma-separated (default 50; issue 9 uses 50,500)
  --repeat R            interleaved repetitions per size, medians reported (default 3); the rate-limited runs
                        repeat R times too when --repeat is given, once otherwise
  --no-rate-limited     skip the two rate-limited \`up\`s of 40 (by default they run)
  --json                after the report, print its figures as one JSON line
  --help`;

function wholeNumber(name: string, text: string, min: number): number {
  if (!/^\d+$/.test(text.trim())) throw new Error(`--${name} must be a whole number, got "${text}"`);
  const value = Number(text);
  if (value < min) throw new Error(`--${name} must be at least ${min}, got ${value}`);
  return value;
}

/** Throws an Error with a message fit for the user on a bad flag. */
export function parseE2eBenchArgs(argv: readonly string[]): E2eBenchArgs {
  const { values } = parseArgs({
    args: [...argv],
    strict: true,
    allowPositionals: false,
    allowNegative: true,
    options: {
      invitations: { type: "string", default: DEFAULT_INVITATIONS.join(",") },
      repeat: { type: "string" },
      "rate-limited": { type: "boolean", default: true },
      json: { type: "boolean", default: false },
      help: { type: "boolean", default: false },
    },
  });
  const invitations = values.invitations.split(",").map((part) => wholeNumber("invitations", part, 1));
  if (new Set(invitations).size !== invitations.length) throw new Error("--invitations lists a size twice");
  const repeat = values.repeat === undefined ? undefined : wholeNumber("repeat", values.repeat, 1);
  return {
    invitations: invitations.sort((a, b) => a - b),
    repeat: repeat ?? DEFAULT_REPEAT,
    rateLimitedRepeat: repeat ?? DEFAULT_RATE_LIMITED_REPEAT,
    rateLimited: values["rate-limited"],
    json: values.json,
    help: values.help,
  };
}
