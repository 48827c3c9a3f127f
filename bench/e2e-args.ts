// Command-line flags of `npm run bench:e2e` (node:util parseArgs).
import { parseArgs } from "node:util";
import { PHASES, type Phase } from "./e2e-report";

/**
 * How the programs are run: "api" the Automation API with inline programs (issue 9's figures, and the
 * rate-limited runs); "cli" the `pulumi` CLI in a project folder with the packed package installed;
 * "plugin" a Pulumi YAML program through the provider plugin, under the CLI. Both CLI fronts are
 * measured against the minimal no-op under the CLI.
 */
export const FRONTS = ["api", "cli", "plugin", "shaped"] as const;
export type Front = (typeof FRONTS)[number];

export interface E2eBenchArgs {
  /** Program sizes (invitations per stack), ascending, distinct. */
  invitations: number[];
  /** Interleaved repetitions per size. */
  repeat: number;
  /** Repetitions of each rate-limited run: --repeat when given, else 1. */
  rateLimitedRepeat: number;
  /** Run the two rate-limited `up`s of 40 (on by default; --no-rate-limited skips them). */
  rateLimited: boolean;
  /** Which fronts run (in this order: the CLI ones first). */
  fronts: Front[];
  /** Phases of the CLI fronts (the Automation API front runs all four). Always starts with up. */
  phases: Phase[];
  /** PULUMI_SKIP_CHECKPOINTS=true for the CLI fronts' runs (floor included). */
  skipCheckpoints: boolean;
  /** --parallel for the CLI fronts' runs (floor included); undefined: the CLI's default. */
  parallel: number | undefined;
  /** Sample CPU time by process (engine, language host, program, provider) of every CLI run. */
  cpu: boolean;
  /** Print one JSON line after the report. */
  json: boolean;
  help: boolean;
}

export const DEFAULT_INVITATIONS = [50];
export const DEFAULT_REPEAT = 3;
export const DEFAULT_RATE_LIMITED_REPEAT = 1;
export const DEFAULT_FRONTS: readonly Front[] = ["cli", "plugin", "api"];
/** Every front in the order they run: the CLI ones first. */
const FRONT_ORDER: readonly Front[] = ["cli", "plugin", "shaped", "api"];

export const E2E_BENCH_USAGE = `Usage: npm run bench:e2e -- [options]
  --invitations N[,N…]  program sizes: invitations per stack, comma-separated (default 50; issue 9 uses 50,500)
  --repeat R            interleaved repetitions per size, medians reported (default 3); the rate-limited runs
                        repeat R times too when --repeat is given, once otherwise
  --no-rate-limited     skip the two rate-limited \`up\`s of 40 (by default they run with the api front)
  --front F[,F…]        cli: the pulumi CLI on a JavaScript program in its own folder, the packed package installed;
                        plugin: a Pulumi YAML program of cloudmanager:OrgInvitation under the CLI; both against the
                        minimal no-op under the CLI; shaped: a no-op with OrgInvitation's keys and methods under
                        the CLI (our code's cost: real vs shaped); api: the Automation API's inline programs
                        (issue 9) and the rate-limited runs (default cli,plugin,api)
  --phases P[,P…]       phases of the cli and plugin fronts, from up,preview,refresh,destroy; up first (default all)
  --skip-checkpoints    run the cli and plugin fronts (and their floor) with PULUMI_SKIP_CHECKPOINTS=true
  --cpu                 sample the CPU time of each CLI run's processes (engine, language host, program, provider)
  --parallel P          pass --parallel P to every CLI command (default: the CLI's own, 4 x GOMAXPROCS)
  --json                after the report, print its figures as one JSON line
  --help`;

function wholeNumber(name: string, text: string, min: number): number {
  if (!/^\d+$/.test(text.trim())) throw new Error(`--${name} must be a whole number, got "${text}"`);
  const value = Number(text);
  if (value < min) throw new Error(`--${name} must be at least ${min}, got ${value}`);
  return value;
}

/** A comma-separated list of known names, each once. */
function listOf<T extends string>(name: string, text: string, known: readonly T[]): T[] {
  const items = text.split(",").map((part) => {
    const item = known.find((k) => k === part.trim());
    if (item === undefined) throw new Error(`--${name} takes ${known.join(", ")}; got "${part}"`);
    return item;
  });
  if (new Set(items).size !== items.length) throw new Error(`--${name} lists a value twice`);
  return items;
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
      front: { type: "string", default: DEFAULT_FRONTS.join(",") },
      phases: { type: "string", default: PHASES.join(",") },
      "skip-checkpoints": { type: "boolean", default: false },
      cpu: { type: "boolean", default: false },
      parallel: { type: "string" },
      json: { type: "boolean", default: false },
      help: { type: "boolean", default: false },
    },
  });
  const invitations = values.invitations.split(",").map((part) => wholeNumber("invitations", part, 1));
  if (new Set(invitations).size !== invitations.length) throw new Error("--invitations lists a size twice");
  const repeat = values.repeat === undefined ? undefined : wholeNumber("repeat", values.repeat, 1);
  const fronts = listOf("front", values.front, FRONTS);
  const phases = listOf("phases", values.phases, PHASES);
  if (phases[0] !== "up") throw new Error(`--phases must start with up (the other phases need the stack it makes), got "${values.phases}"`);
  return {
    invitations: invitations.sort((a, b) => a - b),
    // A fixed order whatever the flag's: the CLI fronts, then the Automation API.
    fronts: FRONT_ORDER.filter((f) => fronts.includes(f)),
    phases: PHASES.filter((p) => phases.includes(p)),
    skipCheckpoints: values["skip-checkpoints"],
    cpu: values.cpu,
    parallel: values.parallel === undefined ? undefined : wholeNumber("parallel", values.parallel, 1),
    repeat: repeat ?? DEFAULT_REPEAT,
    rateLimitedRepeat: repeat ?? DEFAULT_RATE_LIMITED_REPEAT,
    rateLimited: values["rate-limited"],
    json: values.json,
    help: values.help,
  };
}
