// The figures of `npm run bench:e2e` (issue 9) from its samples: medians, ratios to the no-op floor,
// requests per invitation, growth with size, the least possible time under a rate limit, the targets
// table, and the printed report. Pure: no engine and no emulator, so the tests run it on made-up samples.

import type { RequestLogEntry } from "../emulator/types";
import { median } from "./median";

export const PHASES = ["up", "preview", "refresh", "destroy"] as const;
export type Phase = (typeof PHASES)[number];
export type ProgramKind = "real" | "noop";
export const PROGRAM_LABEL: Record<ProgramKind, string> = { real: "real", noop: "no-op" };

/** The targets of issue 9; each is "value <= target". */
export const TARGETS = {
  upRequestsPerInvitation: 1.1,
  refreshDestroyRequestsPerInvitation: 1.05,
  upVsNoop: 1.15,
  destroyVsNoop: 1.15,
  requestLimited: 1.15,
  invitationLimited: 1.1,
  storedProviderBytes: 2000,
  growth: 1.2,
} as const;

/** The phases whose time per invitation must not grow with size. */
export const GROWTH_PHASES = ["up", "refresh", "destroy"] as const satisfies readonly Phase[];

// ---------------------------------------------------------------------------------------------
// Samples

export interface PhaseSample {
  invitations: number;
  /** 1-based. */
  repetition: number;
  program: ProgramKind;
  phase: Phase;
  /** Wall clock of the Automation API call. */
  ms: number;
  /** Requests to /api/… the emulator logged during the phase, the Digest 401 challenge included. */
  apiRequests: number;
  /** Those requests by method, route and status (see requestKind). */
  byKind: Record<string, number>;
}

/** What the state export shows of one program's stored providers. */
export interface StoredProviderFigures {
  program: ProgramKind;
  resources: number;
  /** UTF-8 bytes of the smallest and largest `__provider` (inputs and outputs of every resource). */
  minBytes: number;
  maxBytes: number;
  /** No private key or client secret anywhere in the program's resources. */
  noSecret: boolean;
  /** Every `__provider` requires the installed pulumi-cloudmanager (its runtime or the type's stored module). */
  loadsRuntime: boolean;
}

export interface SizeResult {
  invitations: number;
  /** Repetitions asked for (fewer samples exist when one failed). */
  repetitions: number;
  samples: PhaseSample[];
  /** One entry per program; undefined entries were not measured (a failed first repetition). */
  storedProvider: StoredProviderFigures[];
}

export type RateLimitKind = "requests" | "invitations";

export interface RateLimitSpec {
  kind: RateLimitKind;
  label: string;
  /** What must fit in the windows: requests (per organization) or invitation POSTs. */
  perWindow: number;
  windowMs: number;
  /** The body of PUT /__emulator/rateLimits. */
  limits: Record<string, number>;
  target: number;
}

export const RATE_LIMITED_INVITATIONS = 40;

export const RATE_LIMITS: readonly RateLimitSpec[] = [
  {
    kind: "requests",
    label: "20 requests per 4 s window per organization",
    perWindow: 20,
    windowMs: 4000,
    limits: { requestsPerWindow: 20, requestWindowMs: 4000 },
    target: TARGETS.requestLimited,
  },
  {
    kind: "invitations",
    label: "10 invitation POSTs per 4 s window",
    perWindow: 10,
    windowMs: 4000,
    limits: { invitationsPerWindow: 10, invitationWindowMs: 4000 },
    target: TARGETS.invitationLimited,
  },
];

export interface RateLimitedSample {
  kind: RateLimitKind;
  repetition: number;
  invitations: number;
  /** The no-op `up` of the same size, same run: the engine floor. */
  floorMs: number;
  /** The real `up` under the limit. */
  ms: number;
  apiRequests: number;
  /** Answered 2xx, plus the unsigned Digest challenge (401): the requests the limit let through. */
  unrefused: number;
  /** Refused by the limit: 429, or 400 to an invitation POST. */
  refused: number;
  byKind: Record<string, number>;
}

export interface MachineInfo {
  cpus: number;
  cpuModel: string;
  platform: string;
  node: string;
  pulumi: string;
  loadStart: number[];
  loadEnd: number[];
}

export interface E2eBenchResult {
  /** The command line that ran. */
  command: string;
  invitations: number[];
  repeat: number;
  rateLimitedRepeat: number;
  rateLimited: boolean;
  machine: MachineInfo;
  sizes: SizeResult[];
  rateLimitedSamples: RateLimitedSample[];
  /** Wrong outcomes (the exit status is 1 when there is any). */
  problems: string[];
  elapsedMs: number;
}

// ---------------------------------------------------------------------------------------------
// Request log

/** Only requests to the API (/api/…): the control plane's are never logged, this keeps anything else out too. */
export function apiRequests(log: readonly RequestLogEntry[]): RequestLogEntry[] {
  return log.filter((entry) => entry.path.startsWith("/api/"));
}

export function isChallenge(entry: RequestLogEntry): boolean {
  return entry.status === 401 && entry.auth.type === "none";
}

/** 2xx answers and the unsigned Digest challenge: what a rate limit let through. */
export function unrefusedCount(log: readonly RequestLogEntry[]): number {
  return log.filter((entry) => (entry.status >= 200 && entry.status < 300) || isChallenge(entry)).length;
}

/** 429, or 400 to an invitation POST (INVITATIONS_RATE_LIMITED_IP): what a rate limit refused. */
export function refusedCount(log: readonly RequestLogEntry[]): number {
  return log.filter((entry) => entry.status === 429 || (entry.status === 400 && entry.method === "POST" && /\/invites$/.test(entry.path)))
    .length;
}

/** "POST /orgs/{id}/invites 201": method, path with ids replaced, status (and "challenge" for the unsigned 401). */
export function requestKind(entry: RequestLogEntry): string {
  const route = entry.path
    .replace(/^\/api\/public\/v1\.0/, "")
    .replace(/\/users\/byName\/[^/]+/, "/users/byName/{username}")
    .replace(/\/[0-9a-f]{24}(?=\/|$)/g, "/{id}");
  return `${entry.method} ${route} ${entry.status}${isChallenge(entry) ? " challenge" : ""}`;
}

export function countKinds(log: readonly RequestLogEntry[]): Record<string, number> {
  const counts: Record<string, number> = {};
  for (const entry of log) {
    const kind = requestKind(entry);
    counts[kind] = (counts[kind] ?? 0) + 1;
  }
  return counts;
}

// ---------------------------------------------------------------------------------------------
// Stored providers

export interface StateResourceLike {
  type: string;
  inputs?: Record<string, unknown>;
  outputs?: Record<string, unknown>;
}

/** The thin provider's require of the runtime, or (installed) the require of the type's stored module. */
export const RUNTIME_REQUIRE =
  /require\(\s*["']pulumi-cloudmanager\/(?:provider\/runtime|dist\/provider\/resources\/[a-z-]+\/stored\.js)["']\s*\)/;

/** The `__provider` figures of the resources of one type, from a state export. */
export function storedProviderFigures(
  program: ProgramKind,
  resources: readonly StateResourceLike[],
  type: string,
  secrets: readonly string[],
): StoredProviderFigures {
  const mine = resources.filter((r) => r.type === type);
  const texts = mine.flatMap((r) => [r.inputs?.["__provider"], r.outputs?.["__provider"]]).filter((p) => typeof p === "string");
  const bytes = texts.map((text) => Buffer.byteLength(text, "utf8"));
  return {
    program,
    resources: mine.length,
    minBytes: bytes.length > 0 ? Math.min(...bytes) : Number.NaN,
    maxBytes: bytes.length > 0 ? Math.max(...bytes) : Number.NaN,
    noSecret: mine.every((r) => {
      const text = JSON.stringify(r);
      return secrets.every((secret) => secret === "" || !text.includes(secret));
    }),
    loadsRuntime: texts.length > 0 && texts.every((text) => RUNTIME_REQUIRE.test(text)),
  };
}

/** Two looks at the same program's state (after up, after refresh) as one. */
export function mergeStoredProvider(a: StoredProviderFigures, b: StoredProviderFigures): StoredProviderFigures {
  return {
    program: a.program,
    resources: Math.max(a.resources, b.resources),
    minBytes: Math.min(a.minBytes, b.minBytes),
    maxBytes: Math.max(a.maxBytes, b.maxBytes),
    noSecret: a.noSecret && b.noSecret,
    loadsRuntime: a.loadsRuntime && b.loadsRuntime,
  };
}

// ---------------------------------------------------------------------------------------------
// Arithmetic

/**
 * The least time an `up` can take under a fixed-window limit: the engine floor plus the windows the
 * needed requests must wait for. `needed` requests fill ceil(needed / perWindow) windows; all but
 * the first must be waited for (the first window starts with the first request).
 */
export function leastPossibleMs(floorMs: number, needed: number, perWindow: number, windowMs: number): number {
  const windows = Math.max(1, Math.ceil(needed / perWindow));
  return floorMs + (windows - 1) * windowMs;
}

/** What the limit of `kind` makes wait: (a) the requests it let through; (b) the invitations sent. */
export function neededUnderLimit(sample: Pick<RateLimitedSample, "kind" | "unrefused" | "invitations">): number {
  return sample.kind === "requests" ? sample.unrefused : sample.invitations;
}

export function rateLimitSpec(kind: RateLimitKind): RateLimitSpec {
  const spec = RATE_LIMITS.find((s) => s.kind === kind);
  if (spec === undefined) throw new Error(`unknown rate limit ${kind}`);
  return spec;
}

export function leastPossibleFor(sample: RateLimitedSample): number {
  const spec = rateLimitSpec(sample.kind);
  return leastPossibleMs(sample.floorMs, neededUnderLimit(sample), spec.perWindow, spec.windowMs);
}

// ---------------------------------------------------------------------------------------------
// Summaries

export interface PhaseSummary {
  invitations: number;
  phase: Phase;
  /** Repetitions with both programs measured. */
  runs: number;
  realMs: number;
  noopMs: number;
  /** median(real) / median(no-op). */
  ratio: number;
  /** Smallest and largest per-repetition real / no-op. */
  ratioRange: [number, number] | undefined;
  realMsPerInvitation: number;
  noopMsPerInvitation: number;
  /** Median over repetitions of the real program's API requests. */
  requests: number;
  requestsPerInvitation: number;
  /** The repetition with the most requests, per invitation (what the targets judge). */
  worstRequestsPerInvitation: number;
  /** Most requests any no-op phase made (0: the no-op program calls no API). */
  noopRequests: number;
}

export function summarizeSize(size: SizeResult): PhaseSummary[] {
  const n = size.invitations;
  return PHASES.map((phase) => {
    const of = (program: ProgramKind) => size.samples.filter((s) => s.phase === phase && s.program === program);
    const real = of("real");
    const noop = of("noop");
    const ratios = real.flatMap((r) => {
      const pair = noop.find((s) => s.repetition === r.repetition);
      return pair !== undefined && pair.ms > 0 ? [r.ms / pair.ms] : [];
    });
    const realMs = median(real.map((s) => s.ms));
    const noopMs = median(noop.map((s) => s.ms));
    const requests = median(real.map((s) => s.apiRequests));
    return {
      invitations: n,
      phase,
      runs: ratios.length,
      realMs,
      noopMs,
      ratio: realMs / noopMs,
      ratioRange: ratios.length > 0 ? [Math.min(...ratios), Math.max(...ratios)] : undefined,
      realMsPerInvitation: realMs / n,
      noopMsPerInvitation: noopMs / n,
      requests,
      requestsPerInvitation: requests / n,
      worstRequestsPerInvitation: real.length > 0 ? Math.max(...real.map((s) => s.apiRequests)) / n : Number.NaN,
      noopRequests: noop.length > 0 ? Math.max(...noop.map((s) => s.apiRequests)) : Number.NaN,
    };
  });
}

export interface GrowthFigure {
  phase: (typeof GROWTH_PHASES)[number];
  from: number;
  to: number;
  /** (median ms / invitation at `to`) / (median ms / invitation at `from`), real program. */
  real: number;
  /** The same for the no-op program: how the engine alone grows. */
  noop: number;
}

/** Time per invitation at the largest size / at the smallest; empty with one size. */
export function growth(summaries: readonly PhaseSummary[][]): GrowthFigure[] {
  const bySize = summaries
    .filter((s) => s.length > 0)
    .sort((a, b) => (a[0] as PhaseSummary).invitations - (b[0] as PhaseSummary).invitations);
  const first = bySize[0];
  const last = bySize[bySize.length - 1];
  if (first === undefined || last === undefined || first === last) return [];
  return GROWTH_PHASES.map((phase) => {
    const small = first.find((s) => s.phase === phase) as PhaseSummary;
    const large = last.find((s) => s.phase === phase) as PhaseSummary;
    return {
      phase,
      from: small.invitations,
      to: large.invitations,
      real: large.realMsPerInvitation / small.realMsPerInvitation,
      noop: large.noopMsPerInvitation / small.noopMsPerInvitation,
    };
  });
}

export interface RateLimitedSummary {
  kind: RateLimitKind;
  label: string;
  runs: number;
  invitations: number;
  measuredMs: number;
  floorMs: number;
  needed: number;
  leastMs: number;
  /** Median over runs of measured / least possible (each run against its own floor). */
  ratio: number;
  refused: number;
  apiRequests: number;
}

export function summarizeRateLimited(samples: readonly RateLimitedSample[]): RateLimitedSummary[] {
  return RATE_LIMITS.flatMap((spec) => {
    const runs = samples.filter((s) => s.kind === spec.kind);
    if (runs.length === 0) return [];
    return [
      {
        kind: spec.kind,
        label: spec.label,
        runs: runs.length,
        invitations: (runs[0] as RateLimitedSample).invitations,
        measuredMs: median(runs.map((s) => s.ms)),
        floorMs: median(runs.map((s) => s.floorMs)),
        needed: median(runs.map(neededUnderLimit)),
        leastMs: median(runs.map(leastPossibleFor)),
        ratio: median(runs.map((s) => s.ms / leastPossibleFor(s))),
        refused: median(runs.map((s) => s.refused)),
        apiRequests: median(runs.map((s) => s.apiRequests)),
      },
    ];
  });
}

// ---------------------------------------------------------------------------------------------
// Targets

export type TargetVerdict = "MET" | "NOT MET" | "NOT MEASURED";

export interface TargetRow {
  measure: string;
  value: string;
  target: string;
  verdict: TargetVerdict;
}

export interface E2eFigures {
  sizes: { invitations: number; phases: PhaseSummary[] }[];
  /** Over all sizes, per program. */
  storedProvider: StoredProviderFigures[];
  growth: GrowthFigure[];
  /** undefined: the rate-limited runs were skipped. */
  rateLimited: RateLimitedSummary[] | undefined;
}

export function figuresOf(result: E2eBenchResult): E2eFigures {
  const storedProvider: StoredProviderFigures[] = [];
  for (const program of ["real", "noop"] as const) {
    const all = result.sizes.flatMap((size) => size.storedProvider.filter((p) => p.program === program));
    const first = all[0];
    if (first !== undefined) storedProvider.push(all.slice(1).reduce(mergeStoredProvider, first));
  }
  const sizes = result.sizes.map((size) => ({ invitations: size.invitations, phases: summarizeSize(size) }));
  return {
    sizes,
    storedProvider,
    growth: growth(sizes.map((s) => s.phases)),
    rateLimited: result.rateLimited ? summarizeRateLimited(result.rateLimitedSamples) : undefined,
  };
}

function judged(measure: string, value: number, text: string, limit: number, targetText = `<= ${limit}`): TargetRow {
  return { measure, value: Number.isFinite(value) ? text : "n/a", target: targetText, verdict: verdictOf(value, limit) };
}

export function verdictOf(value: number, limit: number): TargetVerdict {
  if (!Number.isFinite(value)) return "NOT MEASURED";
  return value <= limit ? "MET" : "NOT MET";
}

function notMeasured(measure: string, why: string, target: string): TargetRow {
  return { measure, value: why, target, verdict: "NOT MEASURED" };
}

/** The targets table of issue 9, one row per measure (the per-size ones once per size measured). */
export function targetRows(figures: E2eFigures): TargetRow[] {
  const rows: TargetRow[] = [];
  const phaseOf = (phases: PhaseSummary[], phase: Phase) => phases.find((p) => p.phase === phase) as PhaseSummary;
  for (const { invitations: n, phases } of figures.sizes) {
    const up = phaseOf(phases, "up");
    const refresh = phaseOf(phases, "refresh");
    const destroy = phaseOf(phases, "destroy");
    rows.push(
      judged(
        `API requests per invitation, up of ${n} (worst run)`,
        up.worstRequestsPerInvitation,
        fixed(up.worstRequestsPerInvitation, 3),
        TARGETS.upRequestsPerInvitation,
      ),
      judged(
        `API requests per invitation, refresh of ${n} (worst run)`,
        refresh.worstRequestsPerInvitation,
        fixed(refresh.worstRequestsPerInvitation, 3),
        TARGETS.refreshDestroyRequestsPerInvitation,
      ),
      judged(
        `API requests per invitation, destroy of ${n} (worst run)`,
        destroy.worstRequestsPerInvitation,
        fixed(destroy.worstRequestsPerInvitation, 3),
        TARGETS.refreshDestroyRequestsPerInvitation,
      ),
      judged(`up of ${n} / no-op up of ${n} (medians)`, up.ratio, fixed(up.ratio, 2), TARGETS.upVsNoop),
      judged(`destroy of ${n} / no-op destroy of ${n} (medians)`, destroy.ratio, fixed(destroy.ratio, 2), TARGETS.destroyVsNoop),
    );
  }
  if (figures.sizes.length === 0)
    rows.push(notMeasured("requests per invitation and ratios to the no-op program", "no size measured", "-"));

  for (const spec of RATE_LIMITS) {
    const measure = `up of ${RATE_LIMITED_INVITATIONS} under ${spec.label} / least possible`;
    const summary = figures.rateLimited?.find((r) => r.kind === spec.kind);
    if (figures.rateLimited === undefined) rows.push(notMeasured(measure, "skipped (--no-rate-limited)", `<= ${spec.target}`));
    else if (summary === undefined) rows.push(notMeasured(measure, "no run completed", `<= ${spec.target}`));
    else rows.push(judged(measure, summary.ratio, fixed(summary.ratio, 2), spec.target));
  }

  const real = figures.storedProvider.find((p) => p.program === "real");
  const providerMeasure = "stored __provider per resource (largest), no secret, loads the installed runtime";
  const providerTarget = `<= ${group(TARGETS.storedProviderBytes)} B, no secret, runtime`;
  if (real === undefined || !Number.isFinite(real.maxBytes)) rows.push(notMeasured(providerMeasure, "n/a", providerTarget));
  else {
    const met = real.maxBytes <= TARGETS.storedProviderBytes && real.noSecret && real.loadsRuntime;
    rows.push({
      measure: providerMeasure,
      value: `${group(real.maxBytes)} B, ${real.noSecret ? "no secret" : "SECRET FOUND"}, ${real.loadsRuntime ? "runtime" : "NO RUNTIME REQUIRE"}`,
      target: providerTarget,
      verdict: met ? "MET" : "NOT MET",
    });
  }

  for (const phase of GROWTH_PHASES) {
    const g = figures.growth.find((x) => x.phase === phase);
    const measure = g
      ? `time per invitation of ${phase}, ${g.to} vs ${g.from}`
      : `time per invitation of ${phase}, largest vs smallest size`;
    if (g === undefined) rows.push(notMeasured(measure, "one size only", `<= ${TARGETS.growth}x`));
    else rows.push(judged(measure, g.real, `${fixed(g.real, 2)}x`, TARGETS.growth, `<= ${TARGETS.growth}x`));
  }
  return rows;
}

// ---------------------------------------------------------------------------------------------
// Text

export function fixed(value: number, digits: number): string {
  return Number.isFinite(value) ? value.toFixed(digits) : "n/a";
}

export function seconds(ms: number): string {
  return Number.isFinite(ms) ? `${(ms / 1000).toFixed(2)} s` : "n/a";
}

function group(value: number): string {
  return Number.isFinite(value) ? Math.round(value).toLocaleString("en-US") : "n/a";
}

function perInvitationMs(ms: number): string {
  if (!Number.isFinite(ms)) return "n/a";
  return ms >= 100 ? ms.toFixed(0) : ms.toFixed(1);
}

/** Columns padded to their widest cell; `right` marks the right-aligned ones. */
export function formatTable(header: readonly string[], rows: readonly (readonly string[])[], right: readonly boolean[] = []): string[] {
  const widths = header.map((h, i) => Math.max(h.length, ...rows.map((r) => (r[i] ?? "").length)));
  const line = (cells: readonly string[]) =>
    cells
      .map((cell, i) => (right[i] ? cell.padStart(widths[i] as number) : cell.padEnd(widths[i] as number)))
      .join("  ")
      .trimEnd();
  return [line(header), line(widths.map((w) => "-".repeat(w))), ...rows.map(line)];
}

export function formatTargets(rows: readonly TargetRow[]): string[] {
  return formatTable(
    ["measure", "value", "target", "verdict"],
    rows.map((r) => [r.measure, r.value, r.target, r.verdict]),
    [false, true, false, false],
  );
}

function loadText(load: readonly number[]): string {
  return load.map((l) => l.toFixed(2)).join(" ");
}

function kindsText(byKind: Record<string, number>): string {
  const entries = Object.entries(byKind).sort((a, b) => b[1] - a[1] || a[0].localeCompare(b[0]));
  return entries.length === 0 ? "none" : entries.map(([kind, count]) => `${kind} x${count}`).join(", ");
}

export function formatReport(result: E2eBenchResult): string {
  const figures = figuresOf(result);
  const { machine } = result;
  const out: string[] = [];
  out.push(`$ ${result.command}`);
  out.push("End-to-end benchmark (issue 9): the real Pulumi engine (Automation API, inline programs) against the in-process emulator");
  out.push(
    `  machine: ${machine.cpus} CPUs (${machine.cpuModel}), ${machine.platform}, Node ${machine.node}, Pulumi ${machine.pulumi}; ` +
      `load average (1, 5, 15 min) at start ${loadText(machine.loadStart)}, at the end ${loadText(machine.loadEnd)}`,
  );
  out.push(
    `  programs: real = N OrgInvitation resources (the built package); no-op = N pulumi.dynamic.Resource whose create returns { id: name }`,
  );
  out.push(
    `  each repetition: a fresh emulator and a fresh file backend holding both stacks; real and no-op interleaved phase by phase ` +
      `(up, preview --expect-no-changes, refresh --expect-no-changes, destroy), which one goes first alternating between repetitions`,
  );
  out.push(`  times: wall clock of each Automation API call; medians over repetitions; ratio = median real / median no-op`);
  out.push(
    `  API requests: the requests to /api/… in the emulator's request log during the phase, the Digest 401 challenge included ` +
      `(the control plane's are never logged); the targets judge the worst repetition`,
  );
  out.push(`  total time ${seconds(result.elapsedMs)}`);

  for (const size of figures.sizes) {
    const result_ = result.sizes.find((s) => s.invitations === size.invitations) as SizeResult;
    const runs = Math.min(...size.phases.map((p) => p.runs));
    out.push("");
    out.push(`N = ${size.invitations} invitations, ${runs} of ${result_.repetitions} repetitions complete`);
    out.push(
      ...formatTable(
        [
          "phase",
          "real",
          "no-op",
          "real/no-op",
          "(range)",
          "ms/inv real",
          "ms/inv no-op",
          "API requests",
          "per inv",
          "worst/inv",
          "no-op req",
        ],
        size.phases.map((p) => [
          p.phase,
          seconds(p.realMs),
          seconds(p.noopMs),
          fixed(p.ratio, 2),
          p.ratioRange ? `(${fixed(p.ratioRange[0], 2)}-${fixed(p.ratioRange[1], 2)})` : "",
          perInvitationMs(p.realMsPerInvitation),
          perInvitationMs(p.noopMsPerInvitation),
          fixed(p.requests, 0),
          fixed(p.requestsPerInvitation, 3),
          fixed(p.worstRequestsPerInvitation, 3),
          fixed(p.noopRequests, 0),
        ]),
        [false, true, true, true, false, true, true, true, true, true, true],
      ),
    );
    const last = Math.max(0, ...result_.samples.map((s) => s.repetition));
    out.push(`  API requests of the real program by kind (repetition ${last}):`);
    for (const phase of PHASES) {
      const sample = result_.samples.find((s) => s.repetition === last && s.program === "real" && s.phase === phase);
      if (sample !== undefined) out.push(`    ${phase}: ${kindsText(sample.byKind)}`);
    }
    const providers = result_.storedProvider.map(
      (p) =>
        `${PROGRAM_LABEL[p.program]} ${p.minBytes === p.maxBytes ? group(p.maxBytes) : `${group(p.minBytes)}-${group(p.maxBytes)}`} B over ${p.resources} resources` +
        (p.program === "real"
          ? ` (${p.noSecret ? "no secret" : "SECRET FOUND"}; ${p.loadsRuntime ? "requires the installed pulumi-cloudmanager" : "NO RUNTIME REQUIRE"})`
          : ""),
    );
    out.push(`  stored __provider per resource (state export after up and after refresh): ${providers.join("; ") || "not measured"}`);
  }

  if (figures.growth.length > 0) {
    out.push("");
    const g0 = figures.growth[0] as GrowthFigure;
    out.push(`Growth: median time per invitation at N=${g0.to} / at N=${g0.from} (no-op: the engine alone)`);
    out.push(
      ...formatTable(
        ["phase", "real", "no-op"],
        figures.growth.map((g) => [g.phase, `${fixed(g.real, 2)}x`, `${fixed(g.noop, 2)}x`]),
        [false, true, true],
      ),
    );
  }

  out.push("");
  if (figures.rateLimited === undefined) out.push("Rate-limited runs: skipped (--no-rate-limited)");
  else {
    out.push(
      `Rate-limited up of ${RATE_LIMITED_INVITATIONS} invitations: limits set through the control plane (PUT /__emulator/rateLimits) ` +
        `after the stacks were prepared, turned off after the up; ${result.rateLimitedRepeat} run(s) each, medians`,
    );
    out.push(
      `  least possible = engine floor (the no-op up of ${RATE_LIMITED_INVITATIONS}, same run) + (ceil(needed / per window) - 1) x window; ` +
        `needed = (a) the requests let through (2xx + the 401 challenge), (b) the ${RATE_LIMITED_INVITATIONS} invitation POSTs`,
    );
    out.push(
      ...formatTable(
        ["limit", "runs", "measured", "floor", "needed", "least possible", "measured/least", "API requests", "refused"],
        figures.rateLimited.map((r) => [
          r.label,
          String(r.runs),
          seconds(r.measuredMs),
          seconds(r.floorMs),
          fixed(r.needed, 0),
          seconds(r.leastMs),
          fixed(r.ratio, 2),
          fixed(r.apiRequests, 0),
          fixed(r.refused, 0),
        ]),
        [false, true, true, true, true, true, true, true, true],
      ),
    );
    for (const spec of RATE_LIMITS) {
      const sample = [...result.rateLimitedSamples].reverse().find((s) => s.kind === spec.kind);
      if (sample !== undefined) out.push(`  ${spec.kind} limit, requests by kind (run ${sample.repetition}): ${kindsText(sample.byKind)}`);
    }
  }

  out.push("");
  out.push("Targets (issue 9; figures, never asserted on time in a test)");
  out.push(...formatTargets(targetRows(figures)));
  out.push("");
  if (result.problems.length === 0)
    out.push("Outcomes: every run ended as expected (N pending after up, none after destroy, no duplicate).");
  else {
    out.push(`Outcomes: ${result.problems.length} WRONG (exit status 1):`);
    for (const problem of result.problems) out.push(`  - ${problem}`);
  }
  return out.join("\n");
}

/** The report's figures as one JSON line (for scripts). */
export function jsonLine(result: E2eBenchResult): string {
  const figures = figuresOf(result);
  return JSON.stringify({
    command: result.command,
    machine: result.machine,
    invitations: result.invitations,
    repeat: result.repeat,
    rateLimitedRepeat: result.rateLimitedRepeat,
    elapsedMs: Math.round(result.elapsedMs),
    sizes: figures.sizes,
    storedProvider: figures.storedProvider,
    growth: figures.growth,
    rateLimited: figures.rateLimited ?? null,
    targets: targetRows(figures),
    problems: result.problems,
  });
}
