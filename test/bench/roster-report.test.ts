// bench:roster's report (bench/roster-report.ts): its flags, the requests it counts, what makes a run
// wrong, the state figures, and the text that says whether item 4's targets are met.

import type { Deployment } from "@pulumi/pulumi/automation";
import { describe, expect, it } from "vitest";
import {
  listReads,
  NEWCOMER,
  parseRosterArgs,
  problemsOf,
  ROSTER_TYPE,
  rosterOutputsOf,
  sizeReport,
  stateFigures,
  summaryReport,
  type SizeFigures,
} from "../../bench/roster-report";
import type { RequestLogEntry } from "../../emulator/types";

const ORG = "6b1719eded2af1110cd7300a";
const GATE = `warning: cloudmanager: undeclared access in organization ${ORG} (24,951 entries): ${NEWCOMER} (member: ORG_MEMBER); user00050@example.com (member: ORG_MEMBER)`;

function figures(overrides: Partial<SizeFigures> = {}): SizeFigures {
  const reads = { memberPages: 40, invitationReads: 1, other: 0 };
  return {
    members: 20000,
    invitations: 5000,
    reads: { up: { ...reads, other: 1 }, refresh: reads, preview: { ...reads, memberPages: 41 } },
    refreshSeconds: [2.9, 2.3, 2.8],
    providerPeakBytes: 381e6,
    peakByPhase: { up: 315e6, refresh: 381e6, preview: 374e6 },
    heapByPhase: {},
    carrier: { peakByPhase: { up: 235e6, refresh: 277e6, preview: 284e6 }, heapByPhase: {}, refreshSeconds: [2.4, 2.6, 2.0] },
    stateBytes: 4_529_900,
    rosterOutputBytes: 4_242_400,
    mapShapeBytes: 3_503_800,
    rosterEntries: 24950,
    diffBytes: 3600,
    diffLines: 75,
    markedLines: 6,
    newcomerLines: 1,
    gateNotice: GATE,
    ...overrides,
  };
}

describe("the flags", () => {
  it("default to the two sizes of item 4, 50 managed people, 3 refreshes and no Node flags", () => {
    expect(parseRosterArgs([])).toEqual({
      kind: "run",
      sizes: [
        [1000, 250],
        [20000, 5000],
      ],
      managed: 50,
      repeat: 3,
      plugin: false,
      nodeOptions: "",
    });
    const plugin = parseRosterArgs(["--plugin"]);
    expect(plugin.kind === "run" && plugin.plugin).toBe(true);
  });

  it("take Node flags given with '=' (the value starts with a dash)", () => {
    const args = parseRosterArgs(["--sizes", "60:0", "--node-options=--max-semi-space-size=16"]);
    expect(args).toMatchObject({ kind: "run", sizes: [[60, 0]], nodeOptions: "--max-semi-space-size=16" });
  });

  it("refuse Node flags given without '=', naming how to give them", () => {
    const args = parseRosterArgs(["--node-options", "--max-semi-space-size=16"]);
    expect(args.kind).toBe("bad");
    if (args.kind === "bad") expect(args.message).toContain("--node-options=--max-semi-space-size=16");
  });

  it("refuse a size with fewer members than the roster manages, and a repeat that is not a whole number", () => {
    for (const argv of [
      ["--sizes", "40:10"],
      ["--sizes", "1000"],
      ["--repeat", "1.5"],
      ["--managed", "0"],
    ]) {
      const args = parseRosterArgs(argv);
      expect(args.kind, argv.join(" ")).toBe("bad");
      if (args.kind === "bad") expect(args.message).toMatch(/^--sizes must be members:invitations pairs/);
    }
  });

  it("answer --help with the usage", () => {
    expect(parseRosterArgs(["--help"])).toEqual({ kind: "help" });
  });
});

describe("the requests it counts", () => {
  const entry = (seq: number, method: string, path: string, status = 200): RequestLogEntry => ({
    seq,
    time: "2026-12-07T00:00:00.000Z",
    method,
    path,
    query: "",
    status,
    auth: { type: "none" },
    remoteAddress: "127.0.0.1",
  });

  it("are the member pages and invitation reads of the organization since the mark; challenges and earlier requests not", () => {
    const log = [
      entry(1, "GET", `/api/public/v1.0/orgs/${ORG}/users`),
      entry(2, "GET", `/api/public/v1.0/orgs/${ORG}/users`, 401),
      entry(3, "GET", `/api/public/v1.0/orgs/${ORG}/users`),
      entry(4, "GET", `/api/public/v1.0/orgs/${ORG}/users`),
      entry(5, "GET", `/api/public/v1.0/orgs/${ORG}/invites`),
      entry(6, "GET", `/api/public/v1.0/orgs/5f1b2c3d4e5f6a7b8c9d0e1f/users`),
      entry(7, "POST", `/api/public/v1.0/orgs/${ORG}/invites`),
      entry(8, "POST", `/__emulator/orgs/${ORG}/users`),
    ];
    expect(listReads(log, 1, ORG)).toEqual({ memberPages: 2, invitationReads: 1, other: 2 });
  });
});

describe("what makes a run wrong", () => {
  it("nothing when every list is one paged read and the gate names the newcomer first", () => {
    expect(problemsOf(figures())).toEqual([]);
  });

  it("a list read twice in one deployment", () => {
    const f = figures();
    expect(problemsOf({ ...f, reads: { ...f.reads, refresh: { memberPages: 80, invitationReads: 2, other: 0 } } })).toEqual([
      "20000 members, refresh: 80 member pages and 2 invitation reads (one paged read each expected)",
    ]);
  });

  it("a gate that names someone else first", () => {
    const gateNotice = GATE.replace(`${NEWCOMER} (member: ORG_MEMBER); `, "");
    expect(problemsOf(figures({ gateNotice }))).toEqual([
      `20000 members: the gate named user00050@example.com first, not the newcomer ${NEWCOMER}`,
    ]);
  });
});

describe("the state figures", () => {
  const line = (x: object) => `${JSON.stringify(x)}\n`;
  const outputs = {
    unmanagedInvitations:
      line({ username: "amy@example.com", invitationId: "i1", roles: ["ORG_MEMBER"] }) +
      line({ username: "amy@example.com", invitationId: "i2", roles: ["ORG_MEMBER"] }),
    unmanagedMembers: line({ username: "bob@example.com", userId: "u1", roles: ["ORG_MEMBER"] }),
  };
  const exported: Deployment = {
    version: 3,
    deployment: {
      resources: [
        { type: "pulumi:pulumi:Stack", outputs: {} },
        { type: ROSTER_TYPE, outputs: { __provider: "exports.handler = …", orgId: ORG, ...outputs } },
      ],
    },
  };

  it("take the roster's outputs without its stored provider", () => {
    expect(rosterOutputsOf(exported)).toEqual({ orgId: ORG, ...outputs });
  });

  it("count the entries and the bytes of the lines as the state holds them, beside the maps they replaced", () => {
    const f = stateFigures(exported, rosterOutputsOf(exported));
    expect(f.rosterEntries).toBe(3);
    expect(f.rosterOutputBytes).toBe(Buffer.byteLength(JSON.stringify(outputs)));
    // The maps keyed a person's second invitation by `name#id`, the name not inside the entry.
    const maps = {
      unmanagedInvitations: {
        "amy@example.com": { invitationId: "i1", roles: ["ORG_MEMBER"] },
        "amy@example.com#i2": { invitationId: "i2", roles: ["ORG_MEMBER"] },
      },
      unmanagedMembers: { "bob@example.com": { userId: "u1", roles: ["ORG_MEMBER"] } },
    };
    expect(f.mapShapeBytes).toBe(Buffer.byteLength(JSON.stringify(maps)));
    expect(f.stateBytes).toBe(Buffer.byteLength(JSON.stringify(exported)));
  });
});

describe("the text", () => {
  it("judges the targets on the smallest and the largest size, and puts the real provider beside the carrier", () => {
    const small = figures({
      members: 1000,
      invitations: 250,
      refreshSeconds: [1.9, 1.8, 1.9],
      peakByPhase: { up: 187e6, refresh: 196e6, preview: 234e6 },
      providerPeakBytes: 234e6,
      carrier: { peakByPhase: { up: 163e6, refresh: 158e6, preview: 168e6 }, heapByPhase: {}, refreshSeconds: [1.6, 1.6, 1.7] },
    });
    const text = summaryReport([small, figures()], 50, "").join("\n");
    // Medians 2.8 s and 1.9 s.
    expect(text).toContain("refresh 20,000 / 1,000 members: 1.47× (target ≤ 3×) met");
    expect(text).toContain("the no-op carrying the same outputs: 1.50×");
    expect(text).toContain("provider peak RSS: 381.0 MB (target ≤ 300.0 MB) NOT met");
    expect(text).toContain("20,000 members, real vs the no-op carrying the same outputs: up 315.0 MB vs 235.0 MB (ours 80.0 MB)");
    expect(summaryReport([small], 50, "--max-semi-space-size=16").join("\n")).toMatch(
      /with the Node flags --max-semi-space-size=16; targets[\s\S]*provider peak RSS: 234\.0 MB \(target ≤ 300\.0 MB\) met/,
    );
    expect(summaryReport([], 50, "")).toEqual([]);
  });

  it("puts the real provider's peak beside the carrier's part by part, where the probe wrote both", () => {
    const real = { rssBytes: 363e6, youngBytes: 139e6, oldBytes: 75e6, otherHeapBytes: 8e6, externalBytes: 39e6 };
    const carried = { rssBytes: 286e6, youngBytes: 134e6, oldBytes: 51e6, otherHeapBytes: 6e6, externalBytes: 29e6 };
    const f = figures({
      heapByPhase: { up: real, preview: real },
      carrier: { ...figures().carrier, heapByPhase: { preview: carried } },
    });
    const text = summaryReport([f], 50, "");
    expect(text).toContain(
      "      ours at the preview peak, by part: young generation +5 MB, old generation +24 MB, other heap spaces +2 MB, buffers +10 MB, the rest +36 MB",
    );
    // No carrier figure for `up`: nothing to put beside it.
    expect(text.some((l) => l.includes("ours at the up peak"))).toBe(false);
  });

  it("with --plugin, judges the plugin's peak too and puts it beside the dynamic provider's, phase by phase", () => {
    const plugin = { peakByPhase: { up: 270e6, refresh: 293e6, preview: 312e6 }, heapByPhase: {}, refreshSeconds: [1.9, 2.0, 1.8] };
    const small = figures({ members: 1000, plugin: { ...plugin, peakByPhase: { up: 127e6, refresh: 120e6, preview: 138e6 } } });
    const text = summaryReport([small, figures({ plugin })], 50, "");
    expect(text).toContain("  through the plugin, provider peak RSS: 312.0 MB (target ≤ 300.0 MB) NOT met");
    expect(text).toContain(
      "    20,000 members, the plugin vs the dynamic provider: up 270.0 MB vs 315.0 MB; refresh 293.0 MB vs 381.0 MB; preview 312.0 MB vs 374.0 MB",
    );
    expect(text).toContain(
      "    1,000 members, the plugin vs the dynamic provider: up 127.0 MB vs 315.0 MB; refresh 120.0 MB vs 381.0 MB; preview 138.0 MB vs 374.0 MB",
    );
    const under = summaryReport([figures({ plugin: { ...plugin, peakByPhase: { up: 250e6, refresh: 299e6 } } })], 50, "");
    expect(under).toContain("  through the plugin, provider peak RSS: 299.0 MB (target ≤ 300.0 MB) met");
    // Without --plugin, no line speaks of it.
    expect(summaryReport([figures()], 50, "").some((l) => l.includes("plugin"))).toBe(false);
    const size = sizeReport(figures({ plugin }));
    expect(size).toContain(
      "  the same roster and memberships through the plugin (a Pulumi YAML program): provider peak up 270.0 MB, refresh 293.0 MB, preview 312.0 MB; refresh 1.90 s, 2.00 s, 1.80 s (median 1.90 s)",
    );
    expect(sizeReport(figures()).some((l) => l.includes("plugin"))).toBe(false);
  });

  it("of a size names what each peak is made of when the probe wrote it, and cuts the gate's message at 300 characters", () => {
    const heap = { rssBytes: 374e6, youngBytes: 134e6, oldBytes: 58e6, otherHeapBytes: 7e6, externalBytes: 47e6 };
    const text = sizeReport(figures({ heapByPhase: { preview: heap }, gateNotice: `${GATE}; ${"x".repeat(400)}` }));
    expect(text).toContain("  the provider at its peak (the heap probe's sample nearest it):");
    expect(text).toContain(
      "    preview  374 MB: young generation 134 MB, old generation 58 MB, other heap spaces 7 MB, buffers 47 MB, the rest (Node, code, native) 128 MB",
    );
    expect(text.some((l) => l.startsWith("  the no-op carrying the same outputs at its peak"))).toBe(false);
    const gate = text.find((l) => l.startsWith("  gate: "));
    expect(gate).toMatch(/…\s\(\d+ characters\)$/);
    expect(gate?.length).toBeLessThan(340);
  });
});
