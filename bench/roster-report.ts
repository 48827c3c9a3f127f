// bench:roster's report, apart from the runs (./roster-scale): its flags, the figures of one size and
// their text, the targets of issue 22's item 4 met or not, and the checks that make a run wrong. Pure,
// so that its tests can hold what the bench prints and judges.

import { parseArgs } from "node:util";
import type { Deployment } from "@pulumi/pulumi/automation";
import type { RequestLogEntry } from "../emulator/types";
import { rosterLines } from "../provider";
import { median } from "./median";
import { describeHeap, describeHeapDifference, type HeapAtPeak } from "./heap-probe";

/** Item 4's two organizations, members:invitations: the default `--sizes` of bench:roster and bench:wire. */
export const DEFAULT_SIZES = "1000:250,20000:5000";

export const USAGE = `Usage: npm run bench:roster -- [--sizes ${DEFAULT_SIZES}] [--managed 50] [--repeat 3] [--plugin] [--node-options=<flags>]
  --sizes         members:invitations per run, comma-separated (default ${DEFAULT_SIZES})
  --managed       people the roster manages, each an OrgMembership (default 50)
  --repeat        refreshes timed per size (default 3; the median is printed)
  --plugin        also run the same roster and memberships through the cloudmanager plugin (a Pulumi YAML
                  program), its provider process measured the same way
  --node-options  Node flags for the stacks' processes, the providers' too (added to NODE_OPTIONS),
                  e.g. --node-options=--max-semi-space-size=16 (with "=": the value starts with a dash)`;

export const TARGET_PEAK_BYTES = 300 * 1000 * 1000;
export const TARGET_RATIO = 3;
export const NEWCOMER = "zed-newcomer@evil.example";
export const ROSTER_TYPE = "pulumi-nodejs:dynamic/cloudmanager:OrgRoster";

export type Phase = "up" | "refresh" | "preview";
export type PhasePeaks = Partial<Record<Phase, number>>;
/** What each phase's peak consists of (the provider's sample nearest its peak). */
export type PhaseHeaps = Partial<Record<Phase, HeapAtPeak>>;

/** A provider process's figures: its peak by phase, what each peak is made of, the refresh times. */
export interface FrontFigures {
  peakByPhase: PhasePeaks;
  heapByPhase: PhaseHeaps;
  refreshSeconds: number[];
}

export interface SizeFigures {
  members: number;
  invitations: number;
  /** GET requests of each list, by operation: pages of the members list, reads of the invitations. */
  reads: Record<"up" | "refresh" | "preview", { memberPages: number; invitationReads: number; other: number }>;
  refreshSeconds: number[];
  providerPeakBytes: number;
  /** The provider process's peak (VmHWM) by phase: up, the refreshes, the preview. */
  peakByPhase: PhasePeaks;
  heapByPhase: PhaseHeaps;
  /** The no-op carrying the same outputs: its provider's peak by phase, its refresh times. */
  carrier: FrontFigures;
  /** With --plugin: the same roster and memberships through the cloudmanager plugin. */
  plugin?: FrontFigures | undefined;
  stateBytes: number;
  rosterOutputBytes: number;
  /** The same entries as the maps before the lines (keyed by username, the username not inside the entry). */
  mapShapeBytes: number;
  rosterEntries: number;
  diffBytes: number;
  diffLines: number;
  /** Lines marked +, - or ~ (a change); the others are context. */
  markedLines: number;
  /** Lines of the preview that mention the newcomer (the one change). */
  newcomerLines: number;
  gateNotice: string;
}

/** What the flags ask for, or why they cannot be taken. */
export type RosterArgs =
  | { kind: "run"; sizes: [members: number, invitations: number][]; managed: number; repeat: number; plugin: boolean; nodeOptions: string }
  | { kind: "help" }
  | { kind: "bad"; message: string };

export function parseRosterArgs(args: readonly string[]): RosterArgs {
  let values;
  try {
    ({ values } = parseArgs({
      args: [...args],
      options: {
        sizes: { type: "string" },
        managed: { type: "string" },
        repeat: { type: "string" },
        "node-options": { type: "string" },
        plugin: { type: "boolean" },
        help: { type: "boolean" },
      },
    }));
  } catch (e) {
    return { kind: "bad", message: `${e instanceof Error ? e.message : String(e)}\n${USAGE}` };
  }
  if (values.help === true) return { kind: "help" };
  const sizes = parseSizes(values.sizes ?? DEFAULT_SIZES);
  const managed = Number(values.managed ?? 50);
  const repeat = Number(values.repeat ?? 3);
  if (
    sizes === undefined ||
    sizes.some(([members]) => members < managed) ||
    !Number.isInteger(managed) ||
    managed < 1 ||
    !Number.isInteger(repeat) ||
    repeat < 1
  ) {
    return {
      kind: "bad",
      message: `--sizes must be members:invitations pairs with at least --managed members; --managed and --repeat whole numbers.\n${USAGE}`,
    };
  }
  return { kind: "run", sizes, managed, repeat, plugin: values.plugin === true, nodeOptions: values["node-options"] ?? "" };
}

/** `--sizes` as members:invitations pairs of whole numbers, comma-separated; undefined when it is not that. */
export function parseSizes(text: string): [members: number, invitations: number][] | undefined {
  const pairs = text.split(",").map((pair) => pair.split(":").map(Number));
  if (pairs.some((p) => p.length !== 2 || p.some((n) => !Number.isInteger(n) || n < 0))) return undefined;
  return pairs as [number, number][];
}

/** The seeded organizations' people: member `i` and the invitee of pending invitation `i`. */
export const memberName = (i: number): string => `user${String(i).padStart(5, "0")}@example.com`;
export const inviteeName = (i: number): string => `invitee${String(i).padStart(5, "0")}@example.com`;

/** What makes a size's run wrong: a list read more than once (pages of 500), or a gate that does not name the newcomer first. */
export function problemsOf(f: SizeFigures): string[] {
  const problems: string[] = [];
  for (const [op, r] of Object.entries(f.reads)) {
    if (r.memberPages !== Math.ceil((f.members + (op === "preview" ? 1 : 0)) / 500) || r.invitationReads !== 1) {
      problems.push(
        `${f.members} members, ${op}: ${r.memberPages} member pages and ${r.invitationReads} invitation reads (one paged read each expected)`,
      );
    }
  }
  const first = /\): ([^ ;]+)/.exec(f.gateNotice)?.[1];
  if (first !== NEWCOMER) problems.push(`${f.members} members: the gate named ${first ?? "nobody"} first, not the newcomer ${NEWCOMER}`);
  return problems;
}

/** GETs of the organization's members (pages) and pending invitations since `seq`; other API requests. */
export function listReads(
  requests: readonly RequestLogEntry[],
  seq: number,
  org: string,
): { memberPages: number; invitationReads: number; other: number } {
  const log = requests.filter((e) => e.seq > seq && e.path.startsWith("/api/") && e.status !== 401);
  const isList = (e: RequestLogEntry, what: string) => e.method === "GET" && e.path.endsWith(`/orgs/${org}/${what}`);
  const memberPages = log.filter((e) => isList(e, "users")).length;
  const invitationReads = log.filter((e) => isList(e, "invites")).length;
  return { memberPages, invitationReads, other: log.length - memberPages - invitationReads };
}

/** The roster's outputs in an exported state, without its stored provider. */
export function rosterOutputsOf(exported: Deployment): Record<string, unknown> {
  const deployment = exported.deployment as { resources?: { type: string; outputs?: Record<string, unknown> }[] };
  const { __provider: _provider, ...outputs } = (deployment.resources ?? []).find((r) => r.type === ROSTER_TYPE)?.outputs ?? {};
  return outputs;
}

export function stateFigures(
  exported: Deployment,
  outputs: Record<string, unknown>,
): Pick<SizeFigures, "stateBytes" | "rosterOutputBytes" | "mapShapeBytes" | "rosterEntries"> {
  // JSON Lines: one entry per line, its username inside.
  const text = (key: string) => (typeof outputs[key] === "string" ? outputs[key] : "");
  const lines = { unmanagedInvitations: text("unmanagedInvitations"), unmanagedMembers: text("unmanagedMembers") };
  const entries = {
    unmanagedInvitations: rosterLines<{ username: string; invitationId: string }>(lines.unmanagedInvitations),
    unmanagedMembers: rosterLines<{ username: string; userId: string }>(lines.unmanagedMembers),
  };
  // What was stored before the lines for the same entries: maps keyed by username (a second entry of the same name by
  // `username#id`), the username not inside the entry.
  const asMap = (list: readonly Record<string, unknown>[], idField: string) => {
    const map: Record<string, unknown> = {};
    for (const { username, ...rest } of list) {
      const name = String(username);
      map[Object.hasOwn(map, name) ? `${name}#${String(rest[idField])}` : name] = rest;
    }
    return map;
  };
  const maps = {
    unmanagedInvitations: asMap(entries.unmanagedInvitations, "invitationId"),
    unmanagedMembers: asMap(entries.unmanagedMembers, "userId"),
  };
  return {
    stateBytes: Buffer.byteLength(JSON.stringify(exported)),
    // As the state holds them: each string JSON-encoded (its quotes escaped).
    rosterOutputBytes: Buffer.byteLength(JSON.stringify(lines)),
    mapShapeBytes: Buffer.byteLength(JSON.stringify(maps)),
    rosterEntries: entries.unmanagedInvitations.length + entries.unmanagedMembers.length,
  };
}

const mb = (bytes: number) => `${(bytes / 1e6).toFixed(1)} MB`;
const kb = (bytes: number) => `${(bytes / 1e3).toFixed(1)} KB`;
/** E.g. `2.90 s, 2.30 s, 2.80 s (median 2.80 s)`. */
const refreshTimes = (seconds: readonly number[]) =>
  `${seconds.map((s) => `${s.toFixed(2)} s`).join(", ")} (median ${median(seconds).toFixed(2)} s)`;
const verdict = (met: boolean) => (met ? "met" : "NOT met");

/** One size's figures as printed: requests, refresh times, peaks and what they are made of, state, diff, gate. */
export function sizeReport(f: SizeFigures): string[] {
  const out: string[] = [];
  out.push(`\n${f.members.toLocaleString("en-US")} members, ${f.invitations.toLocaleString("en-US")} pending invitations`);
  for (const [op, r] of Object.entries(f.reads)) {
    out.push(`  ${op.padEnd(8)} member pages ${r.memberPages}, invitation reads ${r.invitationReads}, other API requests ${r.other}`);
  }
  out.push(`  refresh: ${refreshTimes(f.refreshSeconds)}`);
  out.push(`  provider peak RSS (VmHWM): ${mb(f.providerPeakBytes)} (${phasePeaks(f.peakByPhase)})`);
  out.push(...heapReport("  the provider at its peak (the heap probe's sample nearest it)", f.heapByPhase));
  out.push(...frontReport("a no-op carrying the same outputs", "the no-op carrying the same outputs", f.carrier));
  if (f.plugin !== undefined) {
    out.push(...frontReport("the same roster and memberships through the plugin (a Pulumi YAML program)", "the plugin", f.plugin));
  }
  out.push(
    `  state: ${kb(f.stateBytes)}, of which the roster's outputs ${kb(f.rosterOutputBytes)} for ${f.rosterEntries.toLocaleString("en-US")} entries ` +
      `(as maps: ${kb(f.mapShapeBytes)})`,
  );
  out.push(
    `  one newcomer, preview --diff --refresh: ${kb(f.diffBytes)}, ${f.diffLines} lines, ${f.markedLines} marked +/-/~ (the rest unchanged context), ` +
      `${f.newcomerLines} naming the newcomer`,
  );
  out.push(`  gate: ${f.gateNotice.length > 300 ? `${f.gateNotice.slice(0, 300)}…` : f.gateNotice} (${f.gateNotice.length} characters)`);
  return out;
}

/** E.g. `up 188.7 MB, refresh 189.0 MB, preview 203.5 MB`. */
const phasePeaks = (p: PhasePeaks) =>
  Object.entries(p)
    .map(([phase, bytes]) => `${phase} ${mb(bytes)}`)
    .join(", ");

/** Another provider process measured beside the real one (`what`; `short` at its peaks): peaks, refreshes, what the peaks are made of. */
function frontReport(what: string, short: string, front: FrontFigures): string[] {
  return [
    `  ${what}: provider peak ${phasePeaks(front.peakByPhase)}; refresh ${refreshTimes(front.refreshSeconds)}`,
    ...heapReport(`  ${short} at its peak`, front.heapByPhase),
  ];
}

function heapReport(title: string, heaps: PhaseHeaps): string[] {
  const entries = Object.entries(heaps);
  if (entries.length === 0) return [];
  return [`${title}:`, ...entries.map(([phase, heap]) => `    ${phase.padEnd(8)} ${describeHeap(heap)}`)];
}

/** The targets of item 4, met or not, against the smallest and the largest size; the real provider against the carrier. */
export function summaryReport(results: readonly SizeFigures[], managed: number, nodeOptions: string): string[] {
  const small = results[0];
  const large = results[results.length - 1];
  if (small === undefined || large === undefined) return [];
  const out: string[] = [];
  const ratio = median(large.refreshSeconds) / median(small.refreshSeconds);
  const peak = Math.max(...results.map((r) => r.providerPeakBytes));
  const flags = nodeOptions === "" ? "" : `, the stacks' processes with the Node flags ${nodeOptions}`;
  out.push(`\nroster managing ${managed} (+ ${managed} OrgMemberships)${flags}; targets (issue 22, item 4):`);
  out.push(
    `  refresh ${large.members.toLocaleString("en-US")} / ${small.members.toLocaleString("en-US")} members: ${ratio.toFixed(2)}× (target ≤ ${TARGET_RATIO}×) ${verdict(ratio <= TARGET_RATIO)}`,
  );
  const carried = median(large.carrier.refreshSeconds) / median(small.carrier.refreshSeconds);
  out.push(`    the no-op carrying the same outputs: ${carried.toFixed(2)}× (the host's and the engine's own growth)`);
  const peakLine = (label: string, bytes: number) =>
    `  ${label}: ${mb(bytes)} (target ≤ ${mb(TARGET_PEAK_BYTES)}) ${verdict(bytes <= TARGET_PEAK_BYTES)}`;
  out.push(peakLine("provider peak RSS", peak));
  const pluginPeaks = results.flatMap((r) => (r.plugin === undefined ? [] : Object.values(r.plugin.peakByPhase)));
  if (pluginPeaks.length > 0) out.push(peakLine("through the plugin, provider peak RSS", Math.max(...pluginPeaks)));
  for (const r of results) {
    const byPhase = Object.entries(r.peakByPhase).map(([phase, bytes]) => {
      const carried = r.carrier.peakByPhase[phase as keyof PhasePeaks] ?? 0;
      return `${phase} ${mb(bytes)} vs ${mb(carried)} (ours ${mb(bytes - carried)})`;
    });
    out.push(`    ${r.members.toLocaleString("en-US")} members, real vs the no-op carrying the same outputs: ${byPhase.join("; ")}`);
    if (r.plugin !== undefined) {
      const plugin = r.plugin;
      const versus = Object.entries(r.peakByPhase).map(
        ([phase, bytes]) => `${phase} ${mb(plugin.peakByPhase[phase as Phase] ?? 0)} vs ${mb(bytes)}`,
      );
      out.push(`    ${r.members.toLocaleString("en-US")} members, the plugin vs the dynamic provider: ${versus.join("; ")}`);
    }
    for (const phase of Object.keys(r.heapByPhase) as Phase[]) {
      const real = r.heapByPhase[phase];
      const carried = r.carrier.heapByPhase[phase];
      if (real !== undefined && carried !== undefined)
        out.push(`      ours at the ${phase} peak, by part: ${describeHeapDifference(real, carried)}`);
    }
  }
  return out;
}
