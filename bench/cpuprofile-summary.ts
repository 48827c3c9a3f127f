// Summarizes a V8 .cpuprofile (node --cpu-prof, or the inspector's Profiler.stop): where the
// sampled time went, by module and by function. Used by `bench/e2e-profile.ts`; also runnable on
// its own: `node dist/bench/cpuprofile-summary.js FILE.cpuprofile [--top N]`.
//
// A module is what a frame's script belongs to: a package under node_modules (`@pulumi/pulumi`,
// `undici` …), a folder of this repository (`ours:provider`, `ours:sdk` …), `node:internal`, or a
// pseudo-frame of V8 (`(idle)`, `(garbage collector)`, `(program)`). Self time is the time a frame
// was on top of the stack; inclusive time by module counts a sample once for every module on its stack.

import { readFileSync } from "node:fs";

interface CallFrame {
  functionName: string;
  url: string;
  lineNumber: number;
  columnNumber: number;
}

interface ProfileNode {
  id: number;
  callFrame: CallFrame;
  children?: number[];
}

export interface CpuProfile {
  nodes: ProfileNode[];
  startTime: number;
  endTime: number;
  samples?: number[];
  timeDeltas?: number[];
}

export interface Row {
  name: string;
  ms: number;
}

export interface ProfileSummary {
  /** From the first to the last sample. */
  wallMs: number;
  /** Sampled time that was not `(idle)`. */
  busyMs: number;
  selfByModule: Row[];
  inclusiveByModule: Row[];
  selfByFunction: Row[];
  inclusiveByFunction: Row[];
}

const PSEUDO = new Set(["(idle)", "(garbage collector)", "(program)", "(root)"]);

/** The module a frame belongs to (see the header). */
export function moduleOf(frame: CallFrame): string {
  if (PSEUDO.has(frame.functionName) && frame.url === "") return frame.functionName;
  const url = frame.url.replace(/^file:\/\//, "");
  if (url === "") return "(native)";
  if (url.startsWith("node:")) return "node:internal";
  const pkg = /.*\/node_modules\/((?:@[^/]+\/)?[^/]+)\//.exec(url);
  if (pkg?.[1] !== undefined) return pkg[1];
  const ours = /\/dist\/([^/]+)\//.exec(url);
  if (ours?.[1] !== undefined) return `ours:${ours[1]}`;
  // require-from-string: the stored provider's text runs as a module of this pseudo-path.
  return url.includes("/") ? `(other) ${url.split("/").slice(-2).join("/")}` : `(script) ${url}`;
}

function functionLabel(frame: CallFrame): string {
  const file = frame.url
    .replace(/^file:\/\//, "")
    .replace(/.*\/node_modules\//, "")
    .replace(/.*\/dist\//, "dist/");
  return `${frame.functionName || "(anonymous)"} ${file}:${frame.lineNumber + 1}`;
}

function sorted(map: Map<string, number>, top: number): Row[] {
  return [...map.entries()]
    .map(([name, us]) => ({ name, ms: us / 1000 }))
    .sort((a, b) => b.ms - a.ms)
    .slice(0, top);
}

export function summarizeProfile(profile: CpuProfile, top = 20): ProfileSummary {
  const byId = new Map<number, ProfileNode>();
  const parent = new Map<number, number>();
  for (const node of profile.nodes) {
    byId.set(node.id, node);
    for (const child of node.children ?? []) parent.set(child, node.id);
  }
  const samples = profile.samples ?? [];
  const deltas = profile.timeDeltas ?? [];
  const selfModule = new Map<string, number>();
  const inclModule = new Map<string, number>();
  const selfFunction = new Map<string, number>();
  const inclFunction = new Map<string, number>();
  let total = 0;
  let idle = 0;
  const add = (map: Map<string, number>, key: string, us: number) => map.set(key, (map.get(key) ?? 0) + us);
  for (let i = 0; i < samples.length; i++) {
    // The delta before the NEXT sample is the time this one stood for.
    const us = Math.max(0, deltas[i + 1] ?? deltas[i] ?? 0);
    const leaf = byId.get(samples[i] ?? -1);
    if (leaf === undefined) continue;
    total += us;
    const leafModule = moduleOf(leaf.callFrame);
    if (leafModule === "(idle)") idle += us;
    add(selfModule, leafModule, us);
    add(selfFunction, `${functionLabel(leaf.callFrame)} [${leafModule}]`, us);
    const modules = new Set<string>();
    const functions = new Set<string>();
    for (let id: number | undefined = leaf.id; id !== undefined; id = parent.get(id)) {
      const frame = byId.get(id)?.callFrame;
      if (frame === undefined || frame.functionName === "(root)") continue;
      modules.add(moduleOf(frame));
      functions.add(`${functionLabel(frame)} [${moduleOf(frame)}]`);
    }
    for (const m of modules) add(inclModule, m, us);
    for (const f of functions) add(inclFunction, f, us);
  }
  return {
    wallMs: total / 1000,
    busyMs: (total - idle) / 1000,
    selfByModule: sorted(selfModule, top),
    inclusiveByModule: sorted(inclModule, top),
    selfByFunction: sorted(selfFunction, top),
    inclusiveByFunction: sorted(inclFunction, top),
  };
}

export function formatSummary(title: string, summary: ProfileSummary): string {
  const table = (heading: string, rows: Row[]) =>
    [`  ${heading}`, ...rows.map((r) => `    ${r.ms.toFixed(0).padStart(7)} ms  ${r.name}`)].join("\n");
  return [
    `${title}: ${summary.wallMs.toFixed(0)} ms sampled, ${summary.busyMs.toFixed(0)} ms not idle`,
    table("self time by module", summary.selfByModule),
    table("inclusive time by module", summary.inclusiveByModule),
    table("self time by function", summary.selfByFunction),
    table("inclusive time by function", summary.inclusiveByFunction),
  ].join("\n");
}

export function readProfile(path: string): CpuProfile {
  return JSON.parse(readFileSync(path, "utf8")) as CpuProfile;
}

if (require.main === module) {
  const args = process.argv.slice(2);
  const topAt = args.indexOf("--top");
  const top = topAt >= 0 ? Number(args.splice(topAt, 2)[1]) : 20;
  for (const file of args) process.stdout.write(`${formatSummary(file, summarizeProfile(readProfile(file), top))}\n\n`);
}
