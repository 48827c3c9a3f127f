// The figures of `npm run bench:e2e --front cli,plugin` (issue 22) from its samples: the programs run
// the way users run them (the `pulumi` CLI as a subprocess, in a project folder of its own where the
// packed package is installed), medians per program, ratios to the minimal no-op floor, requests per
// invitation, time per invitation across sizes, and the targets table. Pure: no engine and no
// emulator, so the tests run it on made-up samples.

import { CPU_ROLES, type CpuRole } from "./cpu-by-process";
import { median } from "./median";
import { fixed, formatTable, formatTargets, PHASES, seconds, verdictOf, type Phase, type TargetRow } from "./e2e-report";

/**
 * The CLI's programs: "real" (N OrgInvitation in a JavaScript program), "plugin" (N
 * cloudmanager:OrgInvitation in a Pulumi YAML program, through the provider plugin) and "noop" (N
 * dynamic resources whose provider is `create` alone: the smallest stored provider the language
 * allows). The no-op is the floor of both other programs. "shaped" (`--front shaped`): N dynamic
 * resources with OrgInvitation's keys and a provider of its methods that sends nothing, to tell our
 * code's cost (real vs shaped) from the shape's (shaped vs no-op); it has no target of its own.
 */
export const CLI_PROGRAMS = ["real", "plugin", "noop", "shaped"] as const;
export type CliProgram = (typeof CLI_PROGRAMS)[number];
export const CLI_PROGRAM_LABEL: Record<CliProgram, string> = {
  real: "real (CLI)",
  plugin: "plugin (YAML)",
  noop: "minimal no-op",
  shaped: "shaped no-op",
};

/** The targets of issue 22, each "value <= target", judged under the CLI against the minimal no-op. */
export const CLI_TARGETS = {
  vsNoop: 1.15,
  upRequestsPerInvitation: 1.06,
  refreshRequestsPerInvitation: 0.04,
  destroyRequestsPerInvitation: 1.02,
} as const;

const REQUEST_TARGET: Partial<Record<Phase, number>> = {
  up: CLI_TARGETS.upRequestsPerInvitation,
  refresh: CLI_TARGETS.refreshRequestsPerInvitation,
  destroy: CLI_TARGETS.destroyRequestsPerInvitation,
};

export interface CliSample {
  invitations: number;
  /** 1-based. */
  repetition: number;
  program: CliProgram;
  phase: Phase;
  /** Wall clock of the `pulumi` subprocess, start to exit. */
  ms: number;
  /** Requests to /api/… the emulator logged during the phase, the Digest 401 challenge included. */
  apiRequests: number;
  byKind: Record<string, number>;
  /** os.loadavg()[0] just before the phase ran. */
  load1: number;
  /** CPU milliseconds by process role (--cpu only). */
  cpuMs?: Record<CpuRole, number>;
}

/** Engine settings every run of the bench used (the same for every program). */
export interface CliEngineSettings {
  /** PULUMI_SKIP_CHECKPOINTS=true in the CLI's environment. */
  skipCheckpoints: boolean;
  /** --parallel given to every command; undefined: the CLI's default (4 x GOMAXPROCS). */
  parallel: number | undefined;
  /** CPU time by process was sampled (--cpu). */
  cpu: boolean;
}

export interface CliSizeResult {
  invitations: number;
  repetitions: number;
  programs: CliProgram[];
  phases: Phase[];
  samples: CliSample[];
}

export interface CliPhaseSummary {
  invitations: number;
  phase: Phase;
  program: CliProgram;
  /** Repetitions with this program and the no-op both measured. */
  runs: number;
  ms: number;
  floorMs: number;
  /** median(program) / median(no-op); 1 for the no-op itself. */
  ratio: number;
  ratioRange: [number, number] | undefined;
  msPerInvitation: number;
  requestsPerInvitation: number;
  /** The repetition with the most requests, per invitation (what the targets judge). */
  worstRequestsPerInvitation: number;
  load1: number;
  /** Median CPU milliseconds by process role; undefined without --cpu. */
  cpuMs: Record<CpuRole, number> | undefined;
}

export function summarizeCliSize(size: CliSizeResult): CliPhaseSummary[] {
  const n = size.invitations;
  return size.phases.flatMap((phase) =>
    size.programs.map((program) => {
      const of = (p: CliProgram) => size.samples.filter((s) => s.phase === phase && s.program === p);
      const mine = of(program);
      const floor = of("noop");
      const ratios = mine.flatMap((s) => {
        const pair = floor.find((f) => f.repetition === s.repetition);
        return pair !== undefined && pair.ms > 0 ? [s.ms / pair.ms] : [];
      });
      const ms = median(mine.map((s) => s.ms));
      const floorMs = median(floor.map((s) => s.ms));
      return {
        invitations: n,
        phase,
        program,
        runs: ratios.length,
        ms,
        floorMs,
        ratio: ms / floorMs,
        ratioRange: ratios.length > 0 ? [Math.min(...ratios), Math.max(...ratios)] : undefined,
        msPerInvitation: ms / n,
        requestsPerInvitation: median(mine.map((s) => s.apiRequests)) / n,
        worstRequestsPerInvitation: mine.length > 0 ? Math.max(...mine.map((s) => s.apiRequests)) / n : Number.NaN,
        load1: median(mine.map((s) => s.load1)),
        cpuMs: cpuMedians(mine),
      } satisfies CliPhaseSummary;
    }),
  );
}

function cpuMedians(samples: readonly CliSample[]): Record<CpuRole, number> | undefined {
  const measured = samples.flatMap((s) => (s.cpuMs === undefined ? [] : [s.cpuMs]));
  if (measured.length === 0) return undefined;
  return Object.fromEntries(CPU_ROLES.map((role) => [role, median(measured.map((m) => m[role]))])) as Record<CpuRole, number>;
}

/**
 * Time per invitation of each program at each size after the first, against the first size (the
 * growth the engine alone shows is the no-op's row).
 */
export interface CliGrowth {
  program: CliProgram;
  phase: Phase;
  from: number;
  to: number;
  /** (ms per invitation at `to`) / (ms per invitation at `from`). */
  factor: number;
}

export function cliGrowth(summaries: readonly CliPhaseSummary[]): CliGrowth[] {
  const sizes = [...new Set(summaries.map((s) => s.invitations))].sort((a, b) => a - b);
  const out: CliGrowth[] = [];
  for (let i = 1; i < sizes.length; i++) {
    const from = sizes[i - 1] as number;
    const to = sizes[i] as number;
    for (const large of summaries.filter((s) => s.invitations === to)) {
      const small = summaries.find((s) => s.invitations === from && s.program === large.program && s.phase === large.phase);
      if (small === undefined) continue;
      out.push({ program: large.program, phase: large.phase, from, to, factor: large.msPerInvitation / small.msPerInvitation });
    }
  }
  return out;
}

/** The targets of issue 22: per size, per front (real under the CLI, plugin), each phase's ratio and requests. */
export function cliTargetRows(summaries: readonly CliPhaseSummary[]): TargetRow[] {
  const rows: TargetRow[] = [];
  for (const s of summaries) {
    if (s.program === "noop" || s.program === "shaped") continue;
    const who = `${CLI_PROGRAM_LABEL[s.program]}, N=${s.invitations}`;
    rows.push({
      measure: `${who}: ${s.phase} / minimal no-op ${s.phase} (CLI floor, medians of ${s.runs})`,
      value: fixed(s.ratio, 2),
      target: `<= ${CLI_TARGETS.vsNoop}`,
      verdict: verdictOf(s.ratio, CLI_TARGETS.vsNoop),
    });
    const limit = REQUEST_TARGET[s.phase];
    if (limit !== undefined) {
      rows.push({
        measure: `${who}: API requests per invitation, ${s.phase} (worst run)`,
        value: fixed(s.worstRequestsPerInvitation, 3),
        target: `<= ${limit}`,
        verdict: verdictOf(s.worstRequestsPerInvitation, limit),
      });
    }
  }
  return rows;
}

/** The Automation API mode's no-op medians, per size and phase, to print beside the CLI's floor. */
export type ApiFloors = Map<number, Partial<Record<Phase, number>>>;

export interface CliBenchResult {
  sizes: CliSizeResult[];
  settings: CliEngineSettings;
  /** Wrong outcomes (the exit status is 1 when there is any). */
  problems: string[];
  elapsedMs: number;
}

function perInvitation(ms: number): string {
  if (!Number.isFinite(ms)) return "n/a";
  return ms >= 100 ? ms.toFixed(0) : ms.toFixed(1);
}

function kindsText(byKind: Record<string, number>): string {
  const entries = Object.entries(byKind).sort((a, b) => b[1] - a[1] || a[0].localeCompare(b[0]));
  return entries.length === 0 ? "none" : entries.map(([kind, count]) => `${kind} x${count}`).join(", ");
}

export function settingsText(settings: CliEngineSettings): string {
  const parts = [
    settings.skipCheckpoints ? "PULUMI_SKIP_CHECKPOINTS=true" : "checkpoints saved (the default)",
    settings.parallel === undefined ? "--parallel: the CLI's default (4 x GOMAXPROCS)" : `--parallel ${settings.parallel}`,
  ];
  return parts.join(", ");
}

export function formatCliReport(result: CliBenchResult, apiFloors: ApiFloors = new Map()): string {
  const out: string[] = [];
  out.push("Under the CLI (issue 22): `pulumi` run as a subprocess in a project folder of its own, the packed package installed there");
  out.push(
    "  programs: real = N OrgInvitation (a JavaScript program: no TypeScript compile in any program); plugin = a Pulumi YAML " +
      "program of N cloudmanager:OrgInvitation (the provider plugin); minimal no-op = N dynamic resources whose provider is " +
      "`create` alone, an installed module stored as one `require` line (the smallest stored provider JavaScript allows), " +
      "the floor of BOTH other programs" +
      (result.sizes.some((size) => size.programs.includes("shaped"))
        ? "; shaped no-op = N dynamic resources with OrgInvitation's keys on a provider of its methods that sends nothing " +
          "(no target: real / shaped is our code, shaped / minimal no-op the resource's shape)"
        : ""),
  );
  out.push(
    "  commands: up --yes --skip-preview; preview --expect-no-changes; refresh --yes --skip-preview --expect-no-changes; " +
      "destroy --yes --skip-preview; each repetition a fresh emulator, backend and PULUMI_HOME, the programs interleaved " +
      "phase by phase in an order that rotates between repetitions",
  );
  out.push(`  engine settings: ${settingsText(result.settings)}`);
  out.push(`  total time ${seconds(result.elapsedMs)}`);
  const all: CliPhaseSummary[] = [];
  for (const size of result.sizes) {
    const summaries = summarizeCliSize(size);
    all.push(...summaries);
    const runs = Math.min(...summaries.map((s) => s.runs));
    out.push("");
    out.push(`N = ${size.invitations}, ${Number.isFinite(runs) ? runs : 0} of ${size.repetitions} repetitions complete (CLI)`);
    out.push(
      ...formatTable(
        ["phase", "program", "median", "/ no-op", "(range)", "ms/inv", "API req/inv", "worst/inv", "load (1 min)"],
        summaries.map((s) => [
          s.phase,
          CLI_PROGRAM_LABEL[s.program],
          seconds(s.ms),
          s.program === "noop" ? "floor" : fixed(s.ratio, 2),
          s.program === "noop" || s.ratioRange === undefined ? "" : `(${fixed(s.ratioRange[0], 2)}-${fixed(s.ratioRange[1], 2)})`,
          perInvitation(s.msPerInvitation),
          fixed(s.requestsPerInvitation, 3),
          fixed(s.worstRequestsPerInvitation, 3),
          fixed(s.load1, 2),
        ]),
        [false, false, true, true, false, true, true, true, true],
      ),
    );
    const api = apiFloors.get(size.invitations);
    const floors = size.phases.map((phase) => {
      const cli = summaries.find((s) => s.phase === phase && s.program === "noop")?.ms ?? Number.NaN;
      const automation = api?.[phase];
      return `${phase} ${seconds(cli)}${automation === undefined ? "" : ` (Automation API no-op: ${seconds(automation)})`}`;
    });
    out.push(`  floors: minimal no-op under the CLI ${floors.join("; ")}`);
    if (summaries.some((s) => s.cpuMs !== undefined)) {
      out.push("  CPU by process (medians, seconds; sampled from /proc every 100 ms; YAML's program runs inside its language host):");
      out.push(
        ...formatTable(
          ["phase", "program", ...CPU_ROLES, "wall"],
          summaries.map((s) => [
            s.phase,
            CLI_PROGRAM_LABEL[s.program],
            ...CPU_ROLES.map((role) => (s.cpuMs === undefined ? "n/a" : (s.cpuMs[role] / 1000).toFixed(2))),
            (s.ms / 1000).toFixed(2),
          ]),
          [false, false, ...CPU_ROLES.map(() => true), true],
        ).map((line) => `    ${line}`),
      );
    }
    const last = Math.max(0, ...size.samples.map((s) => s.repetition));
    for (const program of size.programs.filter((p) => p === "real" || p === "plugin")) {
      out.push(`  API requests of ${CLI_PROGRAM_LABEL[program]} by kind (repetition ${last}):`);
      for (const phase of size.phases) {
        const sample = size.samples.find((s) => s.repetition === last && s.program === program && s.phase === phase);
        if (sample !== undefined) out.push(`    ${phase}: ${kindsText(sample.byKind)}`);
      }
    }
  }
  const growth = cliGrowth(all);
  if (growth.length > 0) {
    out.push("");
    out.push("Time per invitation, larger size / the size before it (the no-op's row: the engine alone)");
    out.push(
      ...formatTable(
        ["sizes", "program", ...PHASES.filter((p) => growth.some((g) => g.phase === p))],
        [...new Set(growth.map((g) => `${g.from}->${g.to}|${g.program}`))].map((key) => {
          const [sizes, program] = key.split("|") as [string, CliProgram];
          const row = growth.filter((g) => `${g.from}->${g.to}` === sizes && g.program === program);
          return [
            sizes,
            CLI_PROGRAM_LABEL[program],
            ...PHASES.filter((p) => growth.some((g) => g.phase === p)).map((p) => {
              const g = row.find((x) => x.phase === p);
              return g === undefined ? "" : `${fixed(g.factor, 2)}x`;
            }),
          ];
        }),
      ),
    );
  }
  out.push("");
  out.push(
    "Targets (issue 22; every ratio is to the minimal no-op under the CLI, the same run, the same engine settings; never asserted in a test)",
  );
  out.push(...formatTargets(cliTargetRows(all)));
  out.push("");
  if (result.problems.length === 0) out.push("Outcomes (CLI): every run ended as expected (N pending after up, none after destroy).");
  else {
    out.push(`Outcomes (CLI): ${result.problems.length} WRONG (exit status 1):`);
    for (const problem of result.problems) out.push(`  - ${problem}`);
  }
  return out.join("\n");
}

/** The CLI figures as one JSON line (for scripts). */
export function cliJsonLine(result: CliBenchResult): string {
  const summaries = result.sizes.flatMap(summarizeCliSize);
  return JSON.stringify({
    settings: result.settings,
    elapsedMs: Math.round(result.elapsedMs),
    summaries,
    growth: cliGrowth(summaries),
    targets: cliTargetRows(summaries),
    problems: result.problems,
  });
}
