// bench:roster's heap probe says what a dynamic provider's peak is made of: its grouping of V8's
// spaces, its one-line description, and the built probe in a fresh process (it acts only in a process
// whose command line names a provider process: the dynamic-provider host as the engine starts it, or
// the plugin's server).

import { existsSync, mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import {
  describeHeap,
  describeHeapDifference,
  HEAP_DIR_VARIABLE,
  heapBreakdown,
  heapProbeFile,
  PROVIDER_COMMAND,
  type HeapAtPeak,
} from "../../bench/heap-probe";
import { runSeparated } from "../support/run-command";

const ROOT = resolve(__dirname, "../..");
const PROBE = join(ROOT, "dist/bench/heap-probe.js");
const dir = mkdtempSync(join(tmpdir(), "heap-probe-"));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe("the heap probe's figures", () => {
  it("groups V8's spaces into the young generation, the old one and the rest", () => {
    const spaces = [
      { space_name: "new_space", space_size: 100 },
      { space_name: "new_large_object_space", space_size: 10 },
      { space_name: "old_space", space_size: 50 },
      { space_name: "large_object_space", space_size: 20 },
      { space_name: "code_space", space_size: 3 },
      { space_name: "trusted_space", space_size: 4 },
    ];
    expect(heapBreakdown({ rss: 500, external: 40 }, spaces)).toEqual({
      rssBytes: 500,
      youngBytes: 110,
      oldBytes: 70,
      otherHeapBytes: 7,
      externalBytes: 40,
    });
  });

  it("describes a peak in MB, the rest being what is neither V8's heap nor buffers", () => {
    const heap: HeapAtPeak = { rssBytes: 374e6, youngBytes: 134e6, oldBytes: 78e6, otherHeapBytes: 12e6, externalBytes: 47e6 };
    expect(describeHeap(heap)).toBe(
      "374 MB: young generation 134 MB, old generation 78 MB, other heap spaces 12 MB, buffers 47 MB, the rest (Node, code, native) 103 MB",
    );
    // Committed heap pages need not all be resident: the rest never shows below zero.
    expect(describeHeap({ ...heap, rssBytes: 200e6 })).toMatch(/the rest \(Node, code, native\) 0 MB$/);
  });

  it("says part by part what one process has more or less than another", () => {
    const real: HeapAtPeak = { rssBytes: 315e6, youngBytes: 173e6, oldBytes: 94e6, otherHeapBytes: 8e6, externalBytes: 20e6 };
    const carrier: HeapAtPeak = { rssBytes: 229e6, youngBytes: 158e6, oldBytes: 81e6, otherHeapBytes: 6e6, externalBytes: 25e6 };
    // The carrier's rest is below zero (committed heap not all resident): counted as 0, so the real one's 20 MB is all more.
    expect(describeHeapDifference(real, carrier)).toBe(
      "young generation +15 MB, old generation +13 MB, other heap spaces +2 MB, buffers -5 MB, the rest +20 MB",
    );
    expect(describeHeapDifference(carrier, carrier)).toBe(
      "young generation +0 MB, old generation +0 MB, other heap spaces +0 MB, buffers +0 MB, the rest +0 MB",
    );
  });
});

describe("the built probe, preloaded into a fresh process", () => {
  // Keeps 40 MB of arrays alive for a while, so that the probe's 10 ms samples see them.
  const SCRIPT = `const kept = []; for (let i = 0; i < 40; i++) kept.push(new Array(125000).fill(i)); setTimeout(() => console.log(kept.length > 0 ? process.pid : 0), 300);`;
  const run = (argv: string[]) =>
    runSeparated(process.execPath, ["--require", PROBE, "-e", SCRIPT, ...argv], ROOT, {
      PATH: process.env["PATH"] ?? "",
      [HEAP_DIR_VARIABLE]: dir,
    });

  it("writes the breakdown of its largest sample in a dynamic-provider process", async () => {
    const result = await run(["dynamic-provider"]);
    expect(result.code, result.stderr).toBe(0);
    const file = heapProbeFile(dir, Number(result.stdout.trim()));
    const heap = JSON.parse(readFileSync(file, "utf8")) as HeapAtPeak;
    expect(heap.rssBytes).toBeGreaterThan(40e6);
    // The 40 MB of arrays are in V8's heap, young or old.
    expect(heap.youngBytes + heap.oldBytes).toBeGreaterThan(40e6);
  });

  it("acts in the plugin's server too (its command line names dist/provider/plugin/main.js)", async () => {
    const result = await run([join(ROOT, "dist", PROVIDER_COMMAND.plugin)]);
    expect(result.code, result.stderr).toBe(0);
    expect(existsSync(heapProbeFile(dir, Number(result.stdout.trim())))).toBe(true);
  });

  it("does nothing in any other process", async () => {
    const result = await run([]);
    expect(result.code, result.stderr).toBe(0);
    expect(Number(result.stdout.trim())).toBeGreaterThan(0);
    expect(existsSync(heapProbeFile(dir, Number(result.stdout.trim())))).toBe(false);
  });
});
