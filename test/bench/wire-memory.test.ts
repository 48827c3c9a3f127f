// bench:wire's parts: its flags, the roster lines it encodes (as the roster writes and reads them), its
// report, and one case of the built bench in a fresh process. No figure is judged: the bench is a report.

import { join, resolve } from "node:path";
import { describe, expect, it } from "vitest";
import { parseWireArgs, rosterOutputLines, WIRE_CASES, wireReport, type WireFigures } from "../../bench/wire-memory";
import { rosterLines } from "../../provider";
import { runSeparated } from "../support/run-command";

const ROOT = resolve(__dirname, "../..");
const BENCH = join(ROOT, "dist/bench/wire-memory.js");

describe("bench:wire", () => {
  it("takes sizes as members:invitations pairs, and names the flag when they are not", () => {
    expect(parseWireArgs([])).toEqual({
      kind: "run",
      sizes: [
        [1000, 250],
        [20000, 5000],
      ],
    });
    expect(parseWireArgs(["--sizes", "60:10"])).toEqual({ kind: "run", sizes: [[60, 10]] });
    for (const bad of [["--sizes", "10"], ["--sizes", "10:x"], ["--sizes", "1:-2"], ["--what"]]) {
      const parsed = parseWireArgs(bad);
      expect(parsed.kind).toBe("bad");
      if (parsed.kind === "bad") expect(parsed.message).toContain("Usage: npm run bench:wire");
    }
    expect(parseWireArgs(["--help"])).toEqual({ kind: "help" });
  });

  it("encodes the roster's own lines: one per person, read back by rosterLines", () => {
    const { unmanagedMembers, unmanagedInvitations } = rosterOutputLines(30, 7);
    const members = rosterLines<{ username: string; userId: string; roles: string[]; firstSeen: string }>(unmanagedMembers);
    const invitations = rosterLines<{ username: string; invitationId: string }>(unmanagedInvitations);
    expect(members).toHaveLength(30);
    expect(invitations).toHaveLength(7);
    expect(members[0]).toMatchObject({ username: "user00000@example.com", roles: ["ORG_MEMBER"] });
    expect(members[0]?.userId).toMatch(/^[0-9a-f]{24}$/);
    expect(new Set(members.map((m) => m.userId)).size).toBe(30);
    expect(invitations[6]?.invitationId).toMatch(/^[0-9a-f]{24}$/);
    expect(unmanagedMembers.endsWith("\n")).toBe(true);
  });

  it("reports each case's peak and its rise over the process before it", () => {
    const figures = (before: number, after: number): WireFigures => ({
      linesBytes: 3_800_000,
      messageBytes: 3_850_000,
      hwmBeforeBytes: before,
      hwmAfterBytes: after,
    });
    const lines = wireReport(20000, 5000, [
      { wireCase: WIRE_CASES[0]!, figures: figures(99_000_000, 171_100_000) },
      { wireCase: WIRE_CASES[4]!, figures: figures(99_000_000, 347_600_000) },
      { wireCase: WIRE_CASES[5]!, figures: figures(99_000_000, 119_000_000) },
    ]);
    expect(lines[0]).toBe("20,000 members, 5,000 pending invitations");
    expect(lines[1]).toBe("  the roster's lines 3.8 MB; the ReadResponse carrying them 3.9 MB");
    expect(lines[2]).toMatch(/^ {2}encode once +peak +171\.1 MB \(process before: 99\.0 MB; rise 72\.1 MB\)$/);
    expect(lines[3]).toMatch(/^ {2}encode and decode three times +peak +347\.6 MB \(process before: 99\.0 MB; rise 248\.6 MB\)$/);
    expect(lines[4]).toMatch(
      /^ {2}encode and decode three times, long strings +peak +119\.0 MB \(process before: 99\.0 MB; rise 20\.0 MB\)$/,
    );
  });

  it("measures each piece of work with google-protobuf alone and with the provider's long strings, side by side", () => {
    expect(WIRE_CASES.map((c) => [c.label, c.longStrings])).toEqual([
      ["encode once", false],
      ["encode once, long strings", true],
      ["encode and decode once", false],
      ["encode and decode once, long strings", true],
      ["encode and decode three times", false],
      ["encode and decode three times, long strings", true],
    ]);
  });

  it.each([2, 3])("runs case %i in a fresh process and reports its figures as one JSON line", async (index) => {
    const result = await runSeparated(process.execPath, [BENCH, "--child", "200", "50", String(index)], ROOT, {
      PATH: process.env["PATH"] ?? "",
    });
    expect(result.code, result.stderr).toBe(0);
    const figures = JSON.parse(result.stdout) as WireFigures;
    const { unmanagedMembers, unmanagedInvitations } = rosterOutputLines(200, 50);
    expect(figures.linesBytes).toBe(Buffer.byteLength(unmanagedMembers) + Buffer.byteLength(unmanagedInvitations));
    expect(figures.messageBytes).toBeGreaterThan(figures.linesBytes);
    expect(figures.hwmBeforeBytes).toBeGreaterThan(0);
    expect(figures.hwmAfterBytes).toBeGreaterThanOrEqual(figures.hwmBeforeBytes);
  });
});
