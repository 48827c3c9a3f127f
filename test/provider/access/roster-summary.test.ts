// The rosters' gate message over large organizations (issue 22, item 4): what is new is named first,
// then the newest, at most 50 names, and a count of the rest that points at the outputs holding them.
import { describe, expect, it } from "vitest";
import { entryKey, firstSeenByKey, jsonLines, rosterLines, stamp, storedEntries } from "../../../provider/access/roster-outputs";
import { NAMED, orderNewestFirst, summarise, type Reported } from "../../../provider/access/roster-summary";
import { byName, linesOf } from "../../support/roster-lines";

const OUTPUTS = ["unmanagedMembers", "unmanagedInvitations"];
const LAST_READ = "2026-12-01T10:00:00.000Z";
const THIS_READ = "2026-12-07T10:00:00.000Z";

/** 3,000 members and 450 invitations found at the last read, in the API's order. */
function largeOrganization(): Reported[] {
  const members = Array.from({ length: 3000 }, (_, n) => ({
    kind: "member",
    key: `user${n}@example.com`,
    text: `user${n}@example.com (member: ORG_MEMBER)`,
    firstSeen: LAST_READ,
  }));
  const invitations = Array.from({ length: 450 }, (_, n) => ({
    kind: "invitation",
    key: `invitee${n}@example.com`,
    text: `invitee${n}@example.com (invited)`,
    firstSeen: LAST_READ,
    createdAt: `2026-11-${String(1 + (n % 28)).padStart(2, "0")}T00:00:00Z`,
  }));
  return [...members, ...invitations];
}

describe("summarise", () => {
  it("3,450 entries with one newcomer zed@… (last alphabetically): zed is named first, then 49 more, and the count of the rest", () => {
    const before = largeOrganization();
    const zed: Reported = { kind: "member", key: "zed@evil.example", text: "zed@evil.example (member: ORG_OWNER)", firstSeen: THIS_READ };
    // The API lists zed in the middle of its pages; the previous read's keys are everyone else.
    const found = [...before.slice(0, 1700), zed, ...before.slice(1700)];
    const message = summarise(found, { outputs: OUTPUTS, previous: new Set(before.map((r) => r.key)) });
    expect(message.startsWith("(3,451 entries, 1 new since the last read): zed@evil.example (member: ORG_OWNER); ")).toBe(true);
    expect(message.endsWith("; and 3,401 more (all in the outputs `unmanagedMembers` and `unmanagedInvitations`)")).toBe(true);
    const named = message.slice(message.indexOf(": ") + 2, message.lastIndexOf("; and ")).split("; ");
    expect(named).toHaveLength(NAMED);
    expect(NAMED).toBe(50);
  });

  it("without the previous keys (a diff), firstSeen alone puts the newcomer first", () => {
    const found = [...largeOrganization(), { kind: "member", key: "zed@evil.example", text: "zed@evil.example", firstSeen: THIS_READ }];
    const message = summarise(found, { outputs: OUTPUTS });
    expect(message.startsWith("(3,451 entries): zed@evil.example; user0@example.com (member: ORG_MEMBER); ")).toBe(true);
  });

  it("new before long-standing, then newest firstSeen; among those found together members in the API's order, invitations newest first", () => {
    const reported: Reported[] = [
      { kind: "member", key: "old@x.com", text: "old", firstSeen: "2026-01-01T00:00:00.000Z" },
      { kind: "member", key: "b@x.com", text: "b", firstSeen: LAST_READ },
      { kind: "member", key: "a@x.com", text: "a", firstSeen: LAST_READ },
      { kind: "invitation", key: "i1@x.com", text: "i1", firstSeen: LAST_READ, createdAt: "2026-11-01T00:00:00Z" },
      { kind: "invitation", key: "i2@x.com", text: "i2", firstSeen: LAST_READ, createdAt: "2026-11-20T00:00:00Z" },
      { kind: "member", key: "legacy@x.com", text: "legacy" },
      { kind: "invitation", key: "new@x.com", text: "new", firstSeen: "2025-01-01T00:00:00.000Z", createdAt: "2025-01-01T00:00:00Z" },
    ];
    const previous = new Set(reported.filter((r) => r.key !== "new@x.com").map((r) => r.key));
    expect(orderNewestFirst(reported, previous).map((r) => r.text)).toEqual(["new", "b", "a", "i2", "i1", "old", "legacy"]);
    expect(summarise(reported, { outputs: OUTPUTS, previous, limit: 3 })).toBe(
      "(7 entries, 1 new since the last read): new; b; a; and 4 more (all in the outputs `unmanagedMembers` and `unmanagedInvitations`)",
    );
  });

  it("counts: exactly the limit names everyone (no tail); one entry says 'entry'; one output is named alone", () => {
    const fifty = largeOrganization().slice(0, 50);
    expect(summarise(fifty, { outputs: OUTPUTS })).not.toContain("more");
    expect(summarise(fifty.slice(0, 1), { outputs: OUTPUTS })).toBe("(1 entry): user0@example.com (member: ORG_MEMBER)");
    expect(summarise(largeOrganization().slice(0, 51), { outputs: ["unmanagedUsers"] })).toMatch(
      /; and 1 more \(all in the output `unmanagedUsers`\)$/,
    );
  });
});

describe("the outputs: JSON Lines sorted by name", () => {
  it("keeps firstSeen for the same person and id, stamps the newcomer and a re-sent invitation with this read's time", () => {
    const previous = firstSeenByKey([
      { key: "bob@x.com", invitationId: "b".repeat(24), firstSeen: LAST_READ },
      { key: "carol@x.com", invitationId: "c".repeat(24), firstSeen: LAST_READ },
    ]);
    const entries = stamp(
      [
        { key: "bob@x.com", id: "b".repeat(24), value: { invitationId: "b".repeat(24), roles: ["ORG_MEMBER"] } },
        { key: "carol@x.com", id: "d".repeat(24), value: { invitationId: "d".repeat(24), roles: ["ORG_MEMBER"] } },
        { key: "zed@x.com", id: "e".repeat(24), value: { invitationId: "e".repeat(24), roles: ["ORG_OWNER"] } },
      ],
      previous,
      THIS_READ,
    );
    expect(byName(jsonLines(entries, "username"))).toEqual({
      "bob@x.com": { username: "bob@x.com", invitationId: "b".repeat(24), roles: ["ORG_MEMBER"], firstSeen: LAST_READ },
      "carol@x.com": { username: "carol@x.com", invitationId: "d".repeat(24), roles: ["ORG_MEMBER"], firstSeen: THIS_READ },
      "zed@x.com": { username: "zed@x.com", invitationId: "e".repeat(24), roles: ["ORG_OWNER"], firstSeen: THIS_READ },
    });
  });

  it("one line per entry: the name first, then its fields, then firstSeen; sorted by name whatever the order found; empty is ''", () => {
    const entries = stamp(
      [
        { key: "zed@x.com", id: "e".repeat(24), value: { roles: ["ORG_OWNER"], userId: "e".repeat(24) } },
        { key: "amy@x.com", id: "a".repeat(24), value: { roles: ["ORG_MEMBER"], userId: "a".repeat(24) } },
      ],
      new Map(),
      THIS_READ,
    );
    const text = jsonLines(entries, "username");
    expect(text.split("\n")).toEqual([
      `{"username":"amy@x.com","roles":["ORG_MEMBER"],"userId":"${"a".repeat(24)}","firstSeen":"${THIS_READ}"}`,
      `{"username":"zed@x.com","roles":["ORG_OWNER"],"userId":"${"e".repeat(24)}","firstSeen":"${THIS_READ}"}`,
      "", // the last line ends with a newline too
    ]);
    expect(jsonLines([...entries].reverse(), "username")).toBe(text);
    expect(jsonLines([], "username")).toBe("");
  });

  it("a name spelled __proto__ is an ordinary line, reads back by name, and keeps its firstSeen", () => {
    const id = "a".repeat(24);
    const found = [{ key: "__proto__", id, value: { roles: ["ORG_MEMBER"], userId: id } }];
    const text = jsonLines(stamp(found, new Map(), LAST_READ), "username");
    expect(text).toBe(`{"username":"__proto__","roles":["ORG_MEMBER"],"userId":"${id}","firstSeen":"${LAST_READ}"}\n`);
    const stored = storedEntries<{ userId: string; roles: string[] }>(text, "username");
    expect(stored).toEqual([{ key: "__proto__", username: "__proto__", roles: ["ORG_MEMBER"], userId: id, firstSeen: LAST_READ }]);
    expect(Object.getPrototypeOf(rosterLines(text)[0])).toBe(Object.prototype);
    // Its firstSeen is kept like any other entry's.
    const again = stamp(found, firstSeenByKey(stored), THIS_READ);
    expect(again[0]?.firstSeen).toBe(LAST_READ);
  });

  it("a person's two invitations are two lines, each with its id (sorted by id), and both read back as that person", () => {
    const first = "a".repeat(24);
    const second = "f".repeat(24);
    const text = jsonLines(
      stamp(
        [
          { key: "dup@x.com", id: second, value: { invitationId: second } },
          { key: "dup@x.com", id: first, value: { invitationId: first } },
        ],
        new Map(),
        THIS_READ,
      ),
      "username",
    );
    expect(rosterLines<{ username: string; invitationId: string }>(text).map((e) => [e.username, e.invitationId])).toEqual([
      ["dup@x.com", first],
      ["dup@x.com", second],
    ]);
    expect(storedEntries<{ invitationId: string }>(text, "username").map((e) => [e.key, e.invitationId])).toEqual([
      ["dup@x.com", first],
      ["dup@x.com", second],
    ]);
    // Each keeps its own firstSeen: the same name with the other id is another entry.
    const previous = firstSeenByKey([{ key: "dup@x.com", invitationId: first, firstSeen: LAST_READ }]);
    const entryOf = (invitationId: string) => ({ key: "dup@x.com", invitationId });
    expect(entryKey(entryOf(first))).not.toBe(entryKey(entryOf(second)));
    expect(
      stamp(
        [
          { key: "dup@x.com", id: first, value: {} },
          { key: "dup@x.com", id: second, value: {} },
        ],
        previous,
        THIS_READ,
      ).map((e) => e.firstSeen),
    ).toEqual([LAST_READ, THIS_READ]);
  });

  it("rosterLines skips blank lines and lines that are not a JSON object", () => {
    expect(rosterLines('\n{"username":"a@x.com"}\n\nnot json\n[1]\n"s"\nnull\n{"username":"b@x.com"}\n')).toEqual([
      { username: "a@x.com" },
      { username: "b@x.com" },
    ]);
  });

  it("reads the lines, the maps written before the lines (a second entry name#id, __proto__#id) and the arrays of 0.1 (key from username, or name)", () => {
    const id = "c".repeat(24);
    expect(storedEntries(linesOf([{ name: "shadow", teamId: "t", roles: [], firstSeen: LAST_READ }]), "name")).toEqual([
      { key: "shadow", name: "shadow", teamId: "t", roles: [], firstSeen: LAST_READ },
    ]);
    expect(storedEntries([{ username: "bob@x.com", roles: ["ORG_MEMBER"] }, "junk", { roles: [] }], "username")).toEqual([
      { key: "bob@x.com", username: "bob@x.com", roles: ["ORG_MEMBER"] },
    ]);
    expect(storedEntries([{ name: "shadow", teamId: "t" }], "name")).toEqual([{ key: "shadow", name: "shadow", teamId: "t" }]);
    expect(
      storedEntries(
        {
          "bob@x.com": { roles: [], firstSeen: LAST_READ },
          [`bob@x.com#${id}`]: { invitationId: id, firstSeen: THIS_READ },
          [`__proto__#${id}`]: { userId: id },
          bad: 3,
        },
        "username",
      ),
    ).toEqual([
      { key: "bob@x.com", roles: [], firstSeen: LAST_READ },
      { key: "bob@x.com", invitationId: id, firstSeen: THIS_READ },
      { key: "__proto__", userId: id },
    ]);
    expect(storedEntries(undefined, "username")).toEqual([]);
    expect(storedEntries("", "username")).toEqual([]);
  });
});
