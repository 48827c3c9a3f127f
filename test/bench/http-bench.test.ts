// The benchmark's own code, run with tiny counts: its figures must match what the emulator logged.
import { afterEach, describe, expect, it } from "vitest";
import { parseBenchArgs } from "../../bench/bench-args";
import { formatReport, summarize, verdict } from "../../bench/bench-report";
import { runHttpBench, type RunSample } from "../../bench/run-http-bench";
import { startEmulator, type RunningEmulator } from "../../emulator";
import type { RequestLogEntry } from "../../emulator/types";

let emulator: RunningEmulator | undefined;
afterEach(async () => {
  await emulator?.close();
  emulator = undefined;
});

describe("bench:http", () => {
  it("reports wire requests, 401s and failures per run exactly as the emulator's request log shows them", async () => {
    const emu = (emulator = await startEmulator({ rejectReusedNonceCount: true }));
    const calls = 12; // 9 GETs + 3 POSTs
    const runs: { sample: RunSample; log: RequestLogEntry[] }[] = [];
    const result = await runHttpBench({
      calls,
      createEvery: 4,
      repeat: 2,
      concurrency: [1, 4],
      arrivals: ["pool", "waves"],
      warmupCalls: 4,
      emulator: emu,
      onRun: (sample) => runs.push({ sample, log: emu.state.requests() }),
    });

    // 3 clients x (c=1, c=4 pool, c=4 waves) x 2 repetitions, all handed to onRun.
    expect(result.samples).toHaveLength(18);
    expect(runs.map((r) => r.sample)).toEqual(result.samples);
    const invitesPath = `/api/public/v1.0/orgs/${emu.org.id}/invites`;

    for (const { sample, log } of runs) {
      const where = `${sample.clientId} c=${sample.concurrency} ${sample.arrival} rep ${sample.repetition}`;
      expect(sample.calls, where).toBe(calls);
      expect(sample.wireRequests, where).toBe(log.length);
      expect(sample.unauthorized, where).toBe(log.filter((e) => e.status === 401).length);
      expect(sample.signedUnauthorized, where).toBe(log.filter((e) => e.status === 401 && e.auth.type === "digest").length);
      // Only this run's workload is in the log: no warm-up, setup or other run leaked in.
      expect(
        log.every((e) => e.path.startsWith(invitesPath)),
        where,
      ).toBe(true);
      // Every call that did not fail ended in exactly one successful request.
      expect(
        Object.values(sample.failures).reduce((a, b) => a + b, 0),
        where,
      ).toBe(sample.failed);
      expect(
        log.filter((e) => e.status === 200 || e.status === 201),
        where,
      ).toHaveLength(calls - sample.failed);
      if (sample.clientId !== "digest-fetch") {
        // digest-fetch may lose a call when its re-signed retry collides with another call's nc; these two never may.
        expect(sample.failed, where).toBe(0);
        expect(
          log.filter((e) => e.method === "GET" && e.status === 200),
          where,
        ).toHaveLength(9);
        expect(
          log.filter((e) => e.method === "POST" && e.status === 201),
          where,
        ).toHaveLength(3);
      }

      const digestNcs = log.flatMap((e) => (e.auth.type === "digest" ? [e.auth.nc] : []));
      if (sample.clientId === "ours") {
        // One unsigned probe per run (concurrent callers wait for its challenge), then one request per call.
        expect(
          log.map((e) => e.status).filter((s) => s === 401),
          where,
        ).toHaveLength(1);
        expect(log[0]?.auth, where).toEqual({ type: "none" });
        expect(sample.wireRequests, where).toBe(calls + 1);
        expect(new Set(digestNcs).size, where).toBe(digestNcs.length);
      }
      if (sample.clientId === "go-two-round-trips") {
        // Every call: unsigned → 401, then signed with nc 00000001.
        expect(sample.wireRequests, where).toBe(2 * calls);
        expect(
          log.filter((e) => e.auth.type === "none" && e.status === 401),
          where,
        ).toHaveLength(calls);
        expect(digestNcs, where).toEqual(Array<string>(calls).fill("00000001"));
      }
      if (sample.clientId === "digest-fetch" && sample.concurrency === 1) {
        expect(sample.wireRequests, where).toBe(calls + 1);
      }
    }

    // Each logged 201 is exactly one invitation of that client and configuration (usernames carry both).
    const pending = emu.state.pendingInvitations(emu.org.id).map((i) => i.username);
    for (const { clientId, concurrency, arrival } of result.samples.filter((s) => s.repetition === 1)) {
      const created = runs
        .filter((r) => r.sample.clientId === clientId && r.sample.concurrency === concurrency && r.sample.arrival === arrival)
        .reduce((n, r) => n + r.log.filter((e) => e.method === "POST" && e.status === 201).length, 0);
      expect(
        pending.filter((u) => u.startsWith(`bench-${clientId}-c${concurrency}-${arrival}-`)),
        `${clientId} c=${concurrency} ${arrival}`,
      ).toHaveLength(created);
    }

    // The summary divides by the right counts and takes ratios to our client within the same repetition.
    const rows = summarize(result);
    expect(rows).toHaveLength(9);
    const c1 = (id: string) => rows.find((r) => r.clientId === id && r.concurrency === 1);
    expect(c1("ours")?.wirePerCall.value).toBeCloseTo((calls + 1) / calls, 10);
    expect(c1("go-two-round-trips")?.wirePerCall.value).toBe(2);
    expect(c1("go-two-round-trips")?.wirePerCall.ratio).toBeCloseTo((2 * calls) / (calls + 1), 10);
    expect(c1("go-two-round-trips")?.unauthorizedPerCall.ratio).toBe(calls);

    expect(verdict(result).met).toBe(false); // concurrency 16, named by the target, was not measured
    expect(verdict(result).text).toContain("INCOMPLETE");
    const report = formatReport(result);
    for (const label of ["CloudManagerClient (ours)", "digest-fetch 3.1.1", "Go transport scheme (2 trips)", "4 waves", "4 pool"]) {
      expect(report).toContain(label);
    }
  });

  it("reads its flags with parseArgs and refuses bad ones", () => {
    expect(parseBenchArgs([])).toEqual({
      calls: 440,
      createEvery: 11,
      repeat: 5,
      concurrency: [1, 16],
      arrivals: ["pool", "waves"],
      warmupCalls: 44,
      help: false,
    });
    expect(parseBenchArgs(["--calls", "20", "--repeat", "1", "--concurrency", "1,4,16", "--arrival", "waves"])).toMatchObject({
      calls: 20,
      repeat: 1,
      concurrency: [1, 4, 16],
      arrivals: ["waves"],
    });
    expect(() => parseBenchArgs(["--calls", "0"])).toThrow(/--calls must be at least 1/);
    expect(() => parseBenchArgs(["--concurrency", "1,x"])).toThrow(/--concurrency must be a whole number/);
    expect(() => parseBenchArgs(["--arrival", "burst"])).toThrow(/--arrival takes pool, waves/);
    expect(() => parseBenchArgs(["--callz", "3"])).toThrow();
  });
});
