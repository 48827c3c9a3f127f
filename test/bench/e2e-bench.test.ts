// The pure parts of `npm run bench:e2e` (flags, request counting, least possible time, summaries, the
// targets table) on made-up samples, and the control-plane call that sets the rate limits. No Pulumi
// CLI runs here, and no time is asserted: the bench's figures are a report.
import { afterEach, describe, expect, it } from "vitest";
import { parseE2eBenchArgs } from "../../bench/e2e-args";
import {
  countKinds,
  figuresOf,
  formatReport,
  leastPossibleFor,
  leastPossibleMs,
  neededUnderLimit,
  PHASES,
  RATE_LIMITS,
  refusedCount,
  requestKind,
  storedProviderFigures,
  summarizeSize,
  targetRows,
  unrefusedCount,
  type E2eBenchResult,
  type Phase,
  type PhaseSample,
  type RateLimitedSample,
  type SizeResult,
  type TargetRow,
} from "../../bench/e2e-report";
import { setRateLimits } from "../../bench/e2e-run";
import { startEmulator, type RunningEmulator } from "../../emulator";
import type { RequestLogEntry } from "../../emulator/types";

let emulator: RunningEmulator | undefined;
afterEach(async () => {
  await emulator?.close();
  emulator = undefined;
});

const ORG = "0123456789abcdef01234567";
const INVITATION = "89abcdef0123456789abcdef";
let seq = 0;
function entry(method: string, path: string, status: number, signed = true): RequestLogEntry {
  return {
    seq: ++seq,
    time: "2025-01-01T00:00:00.000Z",
    method,
    path: `/api/public/v1.0${path}`,
    query: "",
    status,
    auth: signed ? { type: "digest", username: "key", nc: "00000001" } : { type: "none" },
    remoteAddress: "127.0.0.1",
  };
}

/** Samples of one size: real phases take `realMs[phase]` x (1 + repetition / 100), no-op ones `noopMs`. */
function sizeResult(
  invitations: number,
  repetitions: number,
  realMs: Record<Phase, number>,
  noopMs: number,
  requests: Record<Phase, number[]>,
): SizeResult {
  const samples: PhaseSample[] = [];
  for (let repetition = 1; repetition <= repetitions; repetition++) {
    for (const phase of PHASES) {
      samples.push({
        invitations,
        repetition,
        program: "real",
        phase,
        ms: realMs[phase] * (1 + repetition / 100),
        apiRequests: requests[phase][repetition - 1] ?? 0,
        byKind: {},
      });
      samples.push({ invitations, repetition, program: "noop", phase, ms: noopMs, apiRequests: 0, byKind: {} });
    }
  }
  const provider = { resources: invitations, minBytes: 1800, maxBytes: 1900, noSecret: true, loadsRuntime: true };
  return {
    invitations,
    repetitions,
    samples,
    storedProvider: [
      { program: "real", ...provider },
      { program: "noop", ...provider, loadsRuntime: false },
    ],
  };
}

function result(sizes: SizeResult[], rateLimitedSamples: RateLimitedSample[] | undefined): E2eBenchResult {
  return {
    command: "npm run bench:e2e",
    invitations: sizes.map((s) => s.invitations),
    repeat: 3,
    rateLimitedRepeat: 1,
    rateLimited: rateLimitedSamples !== undefined,
    machine: {
      cpus: 2,
      cpuModel: "test CPU",
      platform: "linux x64",
      node: "v24",
      pulumi: "3.0.0",
      loadStart: [1, 1, 1],
      loadEnd: [2, 2, 2],
    },
    sizes,
    rateLimitedSamples: rateLimitedSamples ?? [],
    problems: [],
    elapsedMs: 1000,
  };
}

const row = (rows: TargetRow[], measure: string): TargetRow | undefined => rows.find((r) => r.measure.startsWith(measure));

describe("bench:e2e flags", () => {
  it("defaults to 50 invitations, 3 repetitions, the rate-limited runs once, no JSON", () => {
    // The CLI fronts' flags have their own tests (e2e-cli.test.ts).
    expect(parseE2eBenchArgs([])).toMatchObject({
      invitations: [50],
      repeat: 3,
      rateLimitedRepeat: 1,
      rateLimited: true,
      json: false,
      help: false,
    });
  });

  it("takes sizes (sorted), --repeat for both kinds of run, --no-rate-limited and --json", () => {
    expect(parseE2eBenchArgs(["--invitations", "500,50", "--repeat", "2", "--no-rate-limited", "--json"])).toMatchObject({
      invitations: [50, 500],
      repeat: 2,
      rateLimitedRepeat: 2,
      rateLimited: false,
      json: true,
      help: false,
    });
  });

  it("refuses bad flags with a message", () => {
    expect(() => parseE2eBenchArgs(["--invitations", "50,50"])).toThrow(/lists a size twice/);
    expect(() => parseE2eBenchArgs(["--invitations", "0"])).toThrow(/--invitations must be at least 1/);
    expect(() => parseE2eBenchArgs(["--invitations", "50,x"])).toThrow(/--invitations must be a whole number/);
    expect(() => parseE2eBenchArgs(["--repeat", "0"])).toThrow(/--repeat must be at least 1/);
    expect(() => parseE2eBenchArgs(["--repat", "3"])).toThrow();
    expect(() => parseE2eBenchArgs(["50"])).toThrow();
  });
});

describe("bench:e2e request counting", () => {
  const log = [
    entry("GET", `/orgs/${ORG}/invites`, 401, false),
    entry("GET", `/orgs/${ORG}/invites`, 200),
    entry("POST", `/orgs/${ORG}/invites`, 201),
    entry("POST", `/orgs/${ORG}/invites`, 429),
    entry("POST", `/orgs/${ORG}/invites`, 400),
    entry("POST", `/orgs/${ORG}/invites`, 201),
    entry("DELETE", `/orgs/${ORG}/invites/${INVITATION}`, 204),
    entry("GET", `/users/byName/someone@example.com`, 404),
    entry("GET", `/orgs/${ORG}/invites`, 401),
  ];

  it("counts 2xx and the unsigned challenge as let through, 429 and 400 to an invitation POST as refused", () => {
    expect(unrefusedCount(log)).toBe(5);
    expect(refusedCount(log)).toBe(2);
  });

  it("names requests by method, route and status", () => {
    expect(requestKind(log[0] as RequestLogEntry)).toBe("GET /orgs/{id}/invites 401 challenge");
    expect(requestKind(log[6] as RequestLogEntry)).toBe("DELETE /orgs/{id}/invites/{id} 204");
    expect(requestKind(log[7] as RequestLogEntry)).toBe("GET /users/byName/{username} 404");
    expect(countKinds(log)["POST /orgs/{id}/invites 201"]).toBe(2);
    expect(countKinds(log)["GET /orgs/{id}/invites 401"]).toBe(1);
  });
});

describe("bench:e2e least possible time under a rate limit", () => {
  it("is the floor plus every window after the first that the needed requests fill", () => {
    expect(leastPossibleMs(5000, 43, 20, 4000)).toBe(5000 + 2 * 4000);
    expect(leastPossibleMs(5000, 40, 10, 4000)).toBe(5000 + 3 * 4000);
    expect(leastPossibleMs(5000, 40, 20, 4000)).toBe(5000 + 4000);
    expect(leastPossibleMs(5000, 41, 20, 4000)).toBe(5000 + 2 * 4000);
    expect(leastPossibleMs(5000, 20, 20, 4000)).toBe(5000);
    expect(leastPossibleMs(5000, 0, 20, 4000)).toBe(5000);
  });

  it("counts the requests let through for the request limit and the invitations for the invitation limit", () => {
    const base = { repetition: 1, invitations: 40, floorMs: 6000, ms: 16000, apiRequests: 47, unrefused: 43, refused: 4, byKind: {} };
    const requests: RateLimitedSample = { ...base, kind: "requests" };
    const invitations: RateLimitedSample = { ...base, kind: "invitations" };
    expect(neededUnderLimit(requests)).toBe(43);
    expect(neededUnderLimit(invitations)).toBe(40);
    expect(leastPossibleFor(requests)).toBe(6000 + 2 * 4000);
    expect(leastPossibleFor(invitations)).toBe(6000 + 3 * 4000);
  });
});

describe("bench:e2e stored provider", () => {
  it("measures every __provider's bytes and finds a secret or a missing runtime require", () => {
    const runtime = 'exports.handler = () => ({ create: () => require("pulumi-cloudmanager/provider/runtime").create() });';
    const type = "pulumi-nodejs:dynamic/cloudmanager:OrgInvitation";
    const resources = [
      { type, inputs: { __provider: runtime }, outputs: { __provider: runtime, status: "PENDING" } },
      { type, inputs: { __provider: `${runtime}é` }, outputs: { __provider: runtime } },
      { type: "pulumi:pulumi:Stack", outputs: { secret: "the-private-key" } },
    ];
    const figures = storedProviderFigures("real", resources, type, ["the-private-key"]);
    expect(figures).toEqual({
      program: "real",
      resources: 2,
      minBytes: runtime.length,
      maxBytes: runtime.length + 2,
      noSecret: true,
      loadsRuntime: true,
    });
    const leaky = [{ type, inputs: { __provider: runtime }, outputs: { __provider: `${runtime} // the-private-key` } }];
    expect(storedProviderFigures("real", leaky, type, ["the-private-key"]).noSecret).toBe(false);
    const frozen = [{ type, outputs: { __provider: "exports.handler = () => ({ create: async () => ({ id: 'x' }) });" } }];
    expect(storedProviderFigures("real", frozen, type, []).loadsRuntime).toBe(false);
    const installed =
      'exports.handler = __f0;\nconst provider = require("pulumi-cloudmanager/dist/provider/resources/org-invitation/stored.js");';
    expect(
      storedProviderFigures("real", [{ type, inputs: { __provider: installed }, outputs: { __provider: installed } }], type, [])
        .loadsRuntime,
    ).toBe(true);
    const elsewhere = installed.replace("pulumi-cloudmanager", "pulumi-cloudmanager-fork");
    expect(storedProviderFigures("real", [{ type, outputs: { __provider: elsewhere } }], type, []).loadsRuntime).toBe(false);
  });
});

describe("bench:e2e summaries and targets", () => {
  const realMs: Record<Phase, number> = { up: 11000, preview: 4000, refresh: 6000, destroy: 9000 };
  const requests50: Record<Phase, number[]> = { up: [52, 53, 52], preview: [0, 0, 0], refresh: [2, 2, 2], destroy: [51, 51, 51] };

  it("takes medians per program, their ratio, and the worst repetition's requests per invitation", () => {
    const [up, preview] = summarizeSize(sizeResult(50, 3, realMs, 10000, requests50));
    expect(up?.realMs).toBeCloseTo(11000 * 1.02, 6);
    expect(up?.noopMs).toBe(10000);
    expect(up?.ratio).toBeCloseTo(1.122, 6);
    expect(up?.ratioRange?.[0]).toBeCloseTo(1.111, 6);
    expect(up?.ratioRange?.[1]).toBeCloseTo(1.133, 6);
    expect(up?.realMsPerInvitation).toBeCloseTo(224.4, 6);
    expect(up?.requests).toBe(52);
    expect(up?.worstRequestsPerInvitation).toBeCloseTo(1.06, 10);
    expect(up?.runs).toBe(3);
    expect(preview?.ratio).toBeCloseTo(0.408, 6);
  });

  it("judges each target of issue 9, says what was not measured, and prints the table", () => {
    const oneSize = result([sizeResult(50, 3, realMs, 10000, requests50)], undefined);
    const rows = targetRows(figuresOf(oneSize));
    expect(row(rows, "API requests per invitation, up of 50")).toMatchObject({ value: "1.060", verdict: "MET" });
    expect(row(rows, "API requests per invitation, refresh of 50")).toMatchObject({ value: "0.040", verdict: "MET" });
    expect(row(rows, "API requests per invitation, destroy of 50")).toMatchObject({ value: "1.020", verdict: "MET" });
    expect(row(rows, "up of 50 / no-op up of 50")).toMatchObject({ value: "1.12", verdict: "MET" });
    expect(row(rows, "destroy of 50 / no-op destroy of 50")).toMatchObject({ value: "0.92", verdict: "MET" });
    expect(row(rows, "up of 40 under 20 requests")).toMatchObject({ verdict: "NOT MEASURED", value: "skipped (--no-rate-limited)" });
    expect(row(rows, "stored __provider")).toMatchObject({ value: "1,900 B, no secret, runtime", verdict: "MET" });
    expect(row(rows, "time per invitation of up")).toMatchObject({ verdict: "NOT MEASURED", value: "one size only" });

    // Two sizes, the larger slower per invitation and chattier; rate-limited runs, one over its target.
    const slow: Record<Phase, number> = { up: 150000, preview: 40000, refresh: 55000, destroy: 90000 };
    const requests500: Record<Phase, number[]> = {
      up: [560, 560, 560],
      preview: [0, 0, 0],
      refresh: [30, 30, 30],
      destroy: [520, 527, 520],
    };
    const rateLimited: RateLimitedSample[] = [
      {
        kind: "requests",
        repetition: 1,
        invitations: 40,
        floorMs: 6000,
        ms: 15000,
        apiRequests: 47,
        unrefused: 43,
        refused: 4,
        byKind: {},
      },
      {
        kind: "invitations",
        repetition: 1,
        invitations: 40,
        floorMs: 6000,
        ms: 20000,
        apiRequests: 46,
        unrefused: 43,
        refused: 3,
        byKind: {},
      },
    ];
    const two = result([sizeResult(50, 3, realMs, 10000, requests50), sizeResult(500, 3, slow, 100000, requests500)], rateLimited);
    const figures = figuresOf(two);
    const rows2 = targetRows(figures);
    expect(row(rows2, "API requests per invitation, up of 500")).toMatchObject({ value: "1.120", verdict: "NOT MET" });
    expect(row(rows2, "API requests per invitation, destroy of 500")).toMatchObject({ value: "1.054", verdict: "NOT MET" });
    expect(row(rows2, "up of 500 / no-op up of 500")).toMatchObject({ value: "1.53", verdict: "NOT MET" });
    // (a) least possible 6 + 2 x 4 = 14 s, measured 15 s; (b) 6 + 3 x 4 = 18 s, measured 20 s.
    expect(row(rows2, "up of 40 under 20 requests")).toMatchObject({ value: "1.07", verdict: "MET" });
    expect(row(rows2, "up of 40 under 10 invitation POSTs")).toMatchObject({ value: "1.11", verdict: "NOT MET" });
    // up: (153000 / 500) / (11220 / 50) = 1.36; refresh 0.92; destroy 1.00.
    expect(row(rows2, "time per invitation of up, 500 vs 50")).toMatchObject({ value: "1.36x", verdict: "NOT MET" });
    expect(row(rows2, "time per invitation of refresh, 500 vs 50")).toMatchObject({ verdict: "MET" });
    expect(row(rows2, "time per invitation of destroy, 500 vs 50")).toMatchObject({ verdict: "MET" });
    expect(figures.growth.find((g) => g.phase === "up")?.noop).toBeCloseTo(1, 10);
    expect(rows2).toHaveLength(2 * 5 + RATE_LIMITS.length + 1 + 3);

    const report = formatReport(two);
    expect(report).toContain("Targets (issue 9");
    expect(report).toContain("the Digest 401 challenge included");
    expect(report).toContain("no secret");
    expect(report).toMatch(/up of 40 under 10 invitation POSTs per 4 s window \/ least possible +1\.11 +<= 1\.1 +NOT MET/);
    expect(report).toContain("every run ended as expected");
  });
});

describe("bench:e2e rate limits", () => {
  it("sets each limit through the emulator's control plane over HTTP and turns it off again", async () => {
    const emu = (emulator = await startEmulator());
    for (const spec of RATE_LIMITS) {
      await setRateLimits(emu, spec.limits);
      expect(emu.state.rateLimits()).toEqual(spec.limits);
      await setRateLimits(emu, {});
      expect(emu.state.rateLimits()).toEqual({});
    }
  });
});
