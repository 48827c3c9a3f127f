// What a provider process's peak memory is made of, for `npm run bench:roster`. The bench loads this
// module into the processes of its stacks (NODE_OPTIONS=--require) with HEAP_DIR_VARIABLE set; it does
// something only in a provider process (the dynamic-provider host, or the plugin's server), whose peak
// item 4 of issue 22 bounds. Every 10 ms, when the process's resident memory is the highest yet, it
// writes where that memory is (V8's young and old generations, its other spaces, the buffers outside
// the heap, the rest) to <dir>/<pid>.json. The kernel's VmHWM, read by the bench, is the exact peak; this is the sample
// nearest to it, which says what it consists of (a profile, not a second measure of the peak).

import { mkdirSync, readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { getHeapSpaceStatistics } from "node:v8";

export const HEAP_DIR_VARIABLE = "ROSTER_BENCH_HEAP_DIR";
/** This module as built, for `--require`. */
export const HEAP_PROBE_MODULE = __filename;

/** The provider processes of each front door, by a part of their command line. */
export const PROVIDER_COMMAND = { dynamic: "dynamic-provider", plugin: join("provider", "plugin", "main.js") } as const;

/** A process's resident memory by where it is, at the sample with the highest resident size. */
export interface HeapAtPeak {
  rssBytes: number;
  /** V8's young generation: new space (both semi-spaces) and the large objects allocated young. */
  youngBytes: number;
  /** V8's old generation: old space and large objects. */
  oldBytes: number;
  /** V8's other spaces: code, read-only, trusted and shared spaces. */
  otherHeapBytes: number;
  /** Buffers and ArrayBuffers (Node counts them as external: outside V8's heap). */
  externalBytes: number;
}

/** One heap space as `v8.getHeapSpaceStatistics()` reports it (its committed size). */
export interface SpaceSize {
  space_name: string;
  space_size: number;
}

/** Groups V8's spaces into the young generation, the old one and the rest. */
export function heapBreakdown(memory: { rss: number; external: number }, spaces: readonly SpaceSize[]): HeapAtPeak {
  let youngBytes = 0;
  let oldBytes = 0;
  let otherHeapBytes = 0;
  for (const { space_name: name, space_size: size } of spaces) {
    if (name === "new_space" || name === "new_large_object_space") youngBytes += size;
    else if (name === "old_space" || name === "large_object_space") oldBytes += size;
    else otherHeapBytes += size;
  }
  return { rssBytes: memory.rss, youngBytes, oldBytes, otherHeapBytes, externalBytes: memory.external };
}

const mb = (bytes: number) => `${Math.round(bytes / 1e6)} MB`;

/** What is neither V8's heap nor buffers. Committed heap pages are not all resident, so it can come out below zero: taken as 0. */
function restBytes(h: HeapAtPeak): number {
  return Math.max(0, h.rssBytes - h.youngBytes - h.oldBytes - h.otherHeapBytes - h.externalBytes);
}

/** The parts a peak is told in, by name, in order. */
const PARTS: readonly [name: string, bytesOf: (h: HeapAtPeak) => number][] = [
  ["young generation", (h) => h.youngBytes],
  ["old generation", (h) => h.oldBytes],
  ["other heap spaces", (h) => h.otherHeapBytes],
  ["buffers", (h) => h.externalBytes],
];

/** E.g. `374 MB: young generation 134 MB, old generation 78 MB, …, the rest (Node, code, native) 103 MB`. */
export function describeHeap(h: HeapAtPeak): string {
  const parts = PARTS.map(([name, bytesOf]) => `${name} ${mb(bytesOf(h))}`);
  return `${mb(h.rssBytes)}: ${parts.join(", ")}, the rest (Node, code, native) ${mb(restBytes(h))}`;
}

/** What `real` has more (or less) than `other`, part by part: `young generation +15 MB, …, the rest +19 MB`. */
export function describeHeapDifference(real: HeapAtPeak, other: HeapAtPeak): string {
  const signed = (bytes: number) => {
    const rounded = Math.round(bytes / 1e6);
    return `${rounded < 0 ? "-" : "+"}${Math.abs(rounded)} MB`;
  };
  const parts = PARTS.map(([name, bytesOf]) => `${name} ${signed(bytesOf(real) - bytesOf(other))}`);
  return `${parts.join(", ")}, the rest ${signed(restBytes(real) - restBytes(other))}`;
}

/** Where the probe of process `pid` keeps its breakdown. */
export function heapProbeFile(dir: string, pid: number): string {
  return join(dir, `${pid}.json`);
}

/** The breakdown the probe of process `pid` wrote, or undefined when it wrote none or it cannot be read. */
export function readHeapProbe(dir: string, pid: number): HeapAtPeak | undefined {
  try {
    return JSON.parse(readFileSync(heapProbeFile(dir, pid), "utf8")) as HeapAtPeak;
  } catch {
    return undefined;
  }
}

/** Samples this process every `intervalMs` and keeps the breakdown of its largest sample in `heapProbeFile(dir, pid)`. */
export function startHeapProbe(dir: string, intervalMs = 10): NodeJS.Timeout {
  mkdirSync(dir, { recursive: true });
  const file = heapProbeFile(dir, process.pid);
  let highest = 0;
  const timer = setInterval(() => {
    const rss = process.memoryUsage.rss();
    if (rss <= highest) return;
    highest = rss;
    const memory = process.memoryUsage();
    // Written at every new high: the engine ends the provider with a signal, so there is no exit to wait for.
    writeFileSync(file, JSON.stringify(heapBreakdown({ rss, external: memory.external }, getHeapSpaceStatistics())));
  }, intervalMs);
  timer.unref();
  return timer;
}

const dir = process.env[HEAP_DIR_VARIABLE];
const providers = Object.values(PROVIDER_COMMAND);
if (dir !== undefined && dir !== "" && process.argv.some((arg) => providers.some((mark) => arg.includes(mark)))) startHeapProbe(dir);
