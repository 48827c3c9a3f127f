// OrgRoster against the emulator: undeclared access is recorded and is drift; prune removes it, never
// touching managed, ignored or declared people, nor the last Organization Owner.
import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import type { PropertyBag } from "../../provider/model/property-bag";
import { DeploymentLedger } from "../../provider/deployment/deployment-ledger";
import type { OrgApi } from "../../provider/deployment/org-api";
import { readOrgRoster } from "../../provider/resources/org-roster/lifecycle";
import type { Invitation, OrgUser } from "../../sdk/types";
import { byName, linesOf } from "../support/roster-lines";
import { PROVIDER_PLACEHOLDER, runtime, startHarness, writes, type Harness } from "./support/harness";

let h: Harness;
beforeAll(async () => {
  h = await startHarness();
});
beforeEach(() => h.reset());
afterAll(() => h.close());

const r = runtime.roster;

function roster(extra: PropertyBag = {}): PropertyBag {
  return {
    orgId: h.orgId,
    managed: ["alice@example.com"],
    __urn: "urn:pulumi:dev::access::pulumi-nodejs:dynamic/cloudmanager:OrgRoster::roster",
    __provider: PROVIDER_PLACEHOLDER,
    ...extra,
  };
}

async function checked(news: PropertyBag): Promise<PropertyBag> {
  const result = await r.check({}, news);
  expect(result.failures ?? []).toEqual([]);
  return result.inputs ?? {};
}

/** The world: alice is managed; bob was invited by hand; carol joined by hand; an ignored break-glass owner. */
async function world() {
  h.emulator.state.addOrgUser(h.orgId, { username: "alice@example.com", roles: ["ORG_MEMBER"] });
  const bob = await h.outside.createInvitation(h.orgId, { username: "bob@example.com", roles: ["ORG_MEMBER"] });
  const carol = h.emulator.state.addOrgUser(h.orgId, { username: "carol@example.com", roles: ["ORG_READ_ONLY"] });
  h.emulator.state.addOrgUser(h.orgId, { username: "admin@break-glass.example.com", roles: ["ORG_OWNER"] });
  await h.newDeployment();
  h.emulator.state.clearRequests();
  return { bob, carol };
}

/** The line the roster writes for world()'s bob: his invitation, first found at `firstSeen`. */
function bobsLine(bob: Invitation, firstSeen: unknown): Record<string, unknown> {
  const { id, inviterUsername, createdAt } = bob;
  return { username: "bob@example.com", roles: ["ORG_MEMBER"], invitationId: id, inviterUsername, createdAt, firstSeen };
}

describe("OrgRoster check", () => {
  it("reports every bad property at once, and normalizes managed (one entry per address, sorted)", async () => {
    const bad = await r.check({}, { orgId: "nope", managed: ["not-an-email", "a@example.com"], prune: "yes" });
    expect((bad.failures ?? []).map((f) => f.property).sort()).toEqual(["managed", "orgId", "prune"]);
    expect(bad.failures?.find((f) => f.property === "managed")?.reason).toMatch(/managed\[0\]: "not-an-email" is not an email address/);
    const good = await checked({ orgId: h.orgId, managed: ["B@example.com", "a@example.com", "b@example.com"] });
    expect(good).toMatchObject({ managed: ["a@example.com", "B@example.com"], ignore: [], prune: false });
  });
});

describe("OrgRoster read and diff: undeclared access is drift", () => {
  it("records the unmanaged invitation and member (not the managed nor the ignored), and diff reports them by name", async () => {
    const { bob, carol } = await world();
    const news = await checked(roster({ ignore: ["*@break-glass.example.com"] }));
    const created = await r.create(news);
    expect(created.id).toBe(`${h.orgId}/roster`);
    // One line per entry, named by username; firstSeen is the time of this read.
    const firstSeen = expect.stringMatching(/^\d{4}-\d\d-\d\dT/) as unknown;
    expect(byName(created.outs?.unmanagedInvitations)).toEqual({
      "bob@example.com": bobsLine(bob, firstSeen),
    });
    expect(byName(created.outs?.unmanagedMembers)).toEqual({
      "carol@example.com": { username: "carol@example.com", roles: ["ORG_READ_ONLY"], userId: carol.id, firstSeen },
    });
    expect(writes(h)).toEqual([]);
    await h.newDeployment(); // the next preview
    h.notices.length = 0;
    const state = { ...(created.outs as PropertyBag), __provider: PROVIDER_PLACEHOLDER };
    // The refresh of `preview --refresh` diffs before the program is checked: a change, but nobody named yet.
    expect(await r.diff(created.id, state, news)).toEqual({ changes: true });
    expect(h.notices).toEqual([]);
    await r.check({}, news); // the preview: the roster is checked, then diffed
    expect(await r.diff(created.id, state, news)).toEqual({ changes: true });
    expect(h.notices).toHaveLength(1);
    expect(h.notices[0]).toMatch(
      /undeclared access in organization [0-9a-f]{24} \(2 entries\): carol@example.com \(member: ORG_READ_ONLY\); bob@example.com \(invited by .*\)\. Declare them/,
    );
    // Declared in the program now: nothing left to report.
    const declaredNow = await checked(
      roster({ managed: ["alice@example.com", "bob@example.com", "carol@example.com"], ignore: ["*@break-glass.example.com"] }),
    );
    expect(await r.diff(created.id, { ...state, managed: declaredNow["managed"] }, declaredNow)).toEqual({ changes: false });
  });

  it("an empty record and unchanged inputs: no change (the gate passes)", async () => {
    h.emulator.state.addOrgUser(h.orgId, { username: "alice@example.com", roles: ["ORG_OWNER"] });
    await h.newDeployment();
    const news = await checked(roster());
    const created = await r.create(news);
    expect(created.outs).toMatchObject({ unmanagedInvitations: "", unmanagedMembers: "" });
    expect(await r.diff(created.id, { ...(created.outs as PropertyBag), __provider: PROVIDER_PLACEHOLDER }, news)).toEqual({
      changes: false,
    });
  });

  it("refresh records access granted by hand after the last up", async () => {
    const news = await checked(roster());
    const created = await r.create(news);
    await h.outside.createInvitation(h.orgId, { username: "stranger@example.com", roles: ["ORG_OWNER"] });
    await h.newDeployment();
    const read = await r.read(created.id, { ...(created.outs as PropertyBag), __provider: PROVIDER_PLACEHOLDER });
    expect(byName(read.props?.unmanagedInvitations)).toEqual({
      "stranger@example.com": expect.objectContaining({ username: "stranger@example.com", roles: ["ORG_OWNER"] }) as unknown,
    });
  });
});

describe("OrgRoster prune", () => {
  it("prune off: up reports and sends nothing", async () => {
    await world();
    await r.create(await checked(roster()));
    expect(writes(h)).toEqual([]);
    expect(h.notices.some((n) => /undeclared access .* set `prune: true`/.test(n))).toBe(true);
  });

  it("prune on: withdraws the unmanaged invitation and removes the unmanaged member, one line each; keeps the ignored owner and the managed", async () => {
    const { bob, carol } = await world();
    const created = await r.create(await checked(roster({ prune: true, ignore: ["*@break-glass.example.com"] })));
    expect(writes(h).map((w) => `${w.method} ${w.path.replace(`/api/public/v1.0/orgs/${h.orgId}`, "")} ${w.status}`)).toEqual([
      `DELETE /invites/${bob.id} 204`,
      `DELETE /users/${carol.id} 204`,
    ]);
    expect(created.outs).toMatchObject({ unmanagedInvitations: "", unmanagedMembers: "" });
    expect(h.notices.filter((n) => n.includes("pruned:"))).toEqual([
      expect.stringMatching(/pruned: withdrawing the invitation [0-9a-f]{24} for bob@example.com .*no resource declares/) as unknown,
      expect.stringMatching(/pruned: removing carol@example.com \(ORG_READ_ONLY\)/) as unknown,
    ]);
    const left = h.emulator.state
      .members(h.orgId)
      .map((u) => u.username)
      .sort();
    expect(left).toEqual(["admin@break-glass.example.com", "alice@example.com"]);
  });

  it("never prunes someone another resource of this deployment declares (even while it is being created), nor the last owner", async () => {
    h.emulator.state.addOrgUser(h.orgId, { username: "only-owner@example.com", roles: ["ORG_OWNER"] });
    await h.outside.createInvitation(h.orgId, { username: "newcomer@example.com", roles: ["ORG_MEMBER"] });
    await h.newDeployment();
    h.emulator.state.clearRequests();
    // An OrgMembership for newcomer is declared in this deployment but not in `managed` (a program mistake).
    await runtime.membership.check(
      {},
      {
        orgId: h.orgId,
        username: "newcomer@example.com",
        roles: ["ORG_MEMBER"],
        __urn: "urn:pulumi:dev::access::pulumi-nodejs:dynamic/cloudmanager:OrgMembership::newcomer",
      },
    );
    const created = await r.create(await checked(roster({ managed: [], prune: true })));
    expect(writes(h)).toEqual([]);
    expect(created.outs?.unmanagedInvitations).toBe("");
    expect(Object.keys(byName(created.outs?.unmanagedMembers))).toEqual(["only-owner@example.com"]);
    expect(h.notices.some((n) => /not pruned: only-owner@example.com is the last Organization Owner/.test(n))).toBe(true);
  });
});

describe("OrgRoster and people leaving the program", () => {
  it("prune on: someone managed at the last up and gone from the program now is left to their own resource's delete (or retainOnDelete)", async () => {
    h.emulator.state.addOrgUser(h.orgId, { username: "alice@example.com", roles: ["ORG_OWNER"] });
    h.emulator.state.addOrgUser(h.orgId, { username: "bob@example.com", roles: ["ORG_MEMBER"] });
    await h.newDeployment();
    const first = await r.create(await checked(roster({ managed: ["alice@example.com", "bob@example.com"], prune: true })));
    expect(first.outs).toMatchObject({ unmanagedInvitations: "", unmanagedMembers: "" });
    await h.newDeployment();
    h.emulator.state.clearRequests();
    // The engine updates the roster before it deletes bob's OrgMembership (removed from the program).
    const olds = { ...(first.outs as PropertyBag), __provider: PROVIDER_PLACEHOLDER };
    const updated = await r.update(first.id, olds, await checked(roster({ managed: ["alice@example.com"], prune: true })));
    expect(writes(h)).toEqual([]);
    expect(updated.outs?.unmanagedMembers).toBe("");
    // Said in this run, not only when the next pruning run would remove him (issue 16, item 9).
    expect(h.notices.filter((n) => n.includes("bob@example.com"))).toEqual([
      expect.stringMatching(/bob@example.com leaves the roster .* not pruned now .* retainOnDelete.* add them to `ignore`/) as unknown,
    ]);
    // Kept (retainOnDelete) and no longer declared: the next refresh reports him.
    await h.newDeployment();
    const read = await r.read(first.id, { ...(updated.outs as PropertyBag), __provider: PROVIDER_PLACEHOLDER });
    expect(Object.keys(byName(read.props?.unmanagedMembers))).toEqual(["bob@example.com"]);
  });

  it("says nothing about someone leaving the list whom an ignore pattern keeps anyway", async () => {
    h.emulator.state.addOrgUser(h.orgId, { username: "alice@example.com", roles: ["ORG_OWNER"] });
    h.emulator.state.addOrgUser(h.orgId, { username: "owen@break-glass.example.com", roles: ["ORG_OWNER"] });
    const ignore = ["*@break-glass.example.com"];
    await h.newDeployment();
    const first = await r.create(
      await checked(roster({ managed: ["alice@example.com", "owen@break-glass.example.com"], ignore, prune: true })),
    );
    await h.newDeployment();
    h.emulator.state.clearRequests();
    const olds = { ...(first.outs as PropertyBag), __provider: PROVIDER_PLACEHOLDER };
    await r.update(first.id, olds, await checked(roster({ managed: ["alice@example.com"], ignore, prune: true })));
    expect(h.notices.filter((n) => n.includes("owen@"))).toEqual([]);
    expect(writes(h)).toEqual([]);
  });
});

describe("OrgRoster diff and prune", () => {
  it("switching prune alone is no change (the gate after a pruning merge passes); it matters once something is undeclared", async () => {
    const created = await r.create(await checked(roster({ prune: true })));
    const state = { ...(created.outs as PropertyBag), __provider: PROVIDER_PLACEHOLDER };
    expect(await r.diff(created.id, state, await checked(roster({ prune: false })))).toEqual({ changes: false });
    const withStranger = {
      ...state,
      unmanagedInvitations: linesOf([
        {
          username: "x@example.com",
          roles: ["ORG_MEMBER"],
          invitationId: "a".repeat(24),
          inviterUsername: "k",
          createdAt: "t",
          firstSeen: "t",
        },
      ]),
    };
    expect(await r.diff(created.id, withStranger, await checked(roster({ prune: false })))).toEqual({ changes: true });
  });

  it("diff leaves out a person another resource of this deployment declares (prune would skip them too)", async () => {
    const created = await r.create(await checked(roster()));
    await h.newDeployment();
    const state = {
      ...(created.outs as PropertyBag),
      unmanagedMembers: linesOf([{ username: "dee@example.com", roles: ["ORG_MEMBER"], userId: "b".repeat(24), firstSeen: "t" }]),
      __provider: PROVIDER_PLACEHOLDER,
    };
    // Before dee is declared, the stored line is drift.
    expect(await r.diff(created.id, state, await checked(roster()))).toEqual({ changes: true });
    await runtime.membership.check(
      {},
      {
        orgId: h.orgId,
        username: "dee@example.com",
        roles: ["ORG_MEMBER"],
        __urn: "urn:pulumi:dev::access::pulumi-nodejs:dynamic/cloudmanager:OrgMembership::dee",
      },
    );
    expect(await r.diff(created.id, state, await checked(roster()))).toEqual({ changes: false });
  });
});

describe("OrgRoster outputs: JSON Lines sorted by username, each entry with its firstSeen (issue 22, item 4)", () => {
  const glass = { ignore: ["*@break-glass.example.com"] };
  type Entry = { firstSeen?: string };
  it("a refresh keeps each entry's firstSeen; a newcomer is stamped anew and the gate names it first", async () => {
    await world();
    const news = await checked(roster(glass));
    const created = await r.create(news);
    // The last read, long ago: its entries keep that time.
    const long = "2020-01-01T00:00:00.000Z";
    const aged = (lines: unknown) => linesOf(Object.values(byName(lines)).map((e) => ({ ...e, firstSeen: long })));
    const outs = created.outs as PropertyBag;
    const state = {
      ...outs,
      unmanagedInvitations: aged(outs["unmanagedInvitations"]),
      unmanagedMembers: aged(outs["unmanagedMembers"]),
      __provider: PROVIDER_PLACEHOLDER,
    };
    h.emulator.state.addOrgUser(h.orgId, { username: "zed@evil.example", roles: ["ORG_OWNER"] });
    await h.newDeployment();
    const read = await r.read(created.id, state);
    const members = byName<Entry>(read.props?.unmanagedMembers);
    expect(members["carol@example.com"]?.firstSeen).toBe(long);
    expect(byName<Entry>(read.props?.unmanagedInvitations)["bob@example.com"]?.firstSeen).toBe(long);
    expect(members["zed@evil.example"]?.firstSeen).not.toBe(long);
    h.notices.length = 0;
    await r.check({}, news);
    expect(await r.diff(created.id, { ...read.props, __provider: PROVIDER_PLACEHOLDER }, news)).toEqual({ changes: true });
    expect(h.notices).toEqual([
      expect.stringMatching(
        /undeclared access in organization [0-9a-f]{24} \(3 entries\): zed@evil\.example \(member: ORG_OWNER\); carol@/,
      ),
    ]);
  });

  it("up names what is new since the stored outputs first, with its count", async () => {
    await world();
    const news = await checked(roster(glass));
    const created = await r.create(news);
    h.emulator.state.addOrgUser(h.orgId, { username: "zed@evil.example", roles: ["ORG_MEMBER"] });
    await h.newDeployment();
    h.notices.length = 0;
    await r.update(created.id, { ...(created.outs as PropertyBag), __provider: PROVIDER_PLACEHOLDER }, news);
    expect(h.notices).toEqual([
      expect.stringMatching(/undeclared access in organization [0-9a-f]{24} \(3 entries, 1 new since the last read\): zed@evil\.example/),
    ]);
  });

  /** An older state's `olds` holding carol (member) and bob (invited by k): the diff is a change naming both. */
  async function diffNamesCarolAndBob(olds: PropertyBag, news: PropertyBag): Promise<string> {
    const id = `${h.orgId}/roster`;
    await r.check({}, news);
    expect(await r.diff(id, olds, news)).toEqual({ changes: true });
    expect(h.notices.at(-1)).toMatch(/\(2 entries\): carol@example.com \(member: ORG_READ_ONLY\); bob@example.com \(invited by k/);
    return id;
  }

  it("a state written with arrays (0.1.x): read, diff and update work and write the lines", async () => {
    const { bob, carol } = await world();
    const news = await checked(roster(glass));
    const olds: PropertyBag = {
      ...news,
      unmanagedInvitations: [
        { username: "bob@example.com", roles: ["ORG_MEMBER"], invitationId: bob.id, inviterUsername: "k", createdAt: bob.createdAt },
      ],
      unmanagedMembers: [{ username: "carol@example.com", roles: ["ORG_READ_ONLY"], userId: carol.id }],
      __provider: PROVIDER_PLACEHOLDER,
    };
    const id = await diffNamesCarolAndBob(olds, news);
    const read = await r.read(id, olds);
    expect(typeof read.props?.unmanagedMembers).toBe("string");
    expect(Object.keys(byName(read.props?.unmanagedMembers))).toEqual(["carol@example.com"]);
    expect(byName(read.props?.unmanagedInvitations)).toEqual({
      "bob@example.com": expect.objectContaining({
        username: "bob@example.com",
        invitationId: bob.id,
        firstSeen: expect.any(String) as unknown,
      }) as unknown,
    });
    await h.newDeployment();
    const updated = await r.update(
      id,
      olds,
      await checked(roster({ ...glass, managed: ["alice@example.com", "carol@example.com"], prune: true })),
    );
    expect(writes(h).map((w) => `${w.method} ${w.path.replace(`/api/public/v1.0/orgs/${h.orgId}`, "")} ${w.status}`)).toEqual([
      `DELETE /invites/${bob.id} 204`,
    ]);
    expect(updated.outs).toMatchObject({ unmanagedInvitations: "", unmanagedMembers: "" });
  });

  it("a state written with maps (before the lines): diff names what they hold, read and update keep each firstSeen and write the lines", async () => {
    const { bob, carol } = await world();
    const news = await checked(roster(glass));
    const long = "2020-01-01T00:00:00.000Z";
    const olds: PropertyBag = {
      ...news,
      unmanagedInvitations: {
        "bob@example.com": {
          roles: ["ORG_MEMBER"],
          invitationId: bob.id,
          inviterUsername: "k",
          createdAt: bob.createdAt,
          firstSeen: long,
        },
      },
      unmanagedMembers: { "carol@example.com": { roles: ["ORG_READ_ONLY"], userId: carol.id, firstSeen: long } },
      __provider: PROVIDER_PLACEHOLDER,
    };
    const id = await diffNamesCarolAndBob(olds, news);
    const read = await r.read(id, olds);
    expect(byName(read.props?.unmanagedMembers)).toEqual({
      "carol@example.com": { username: "carol@example.com", roles: ["ORG_READ_ONLY"], userId: carol.id, firstSeen: long },
    });
    expect(byName(read.props?.unmanagedInvitations)).toEqual({
      "bob@example.com": bobsLine(bob, long),
    });
    // Nobody is new since the maps: the same names and ids.
    await h.newDeployment();
    h.notices.length = 0;
    const updated = await r.update(id, olds, news);
    expect(h.notices).toEqual([expect.stringMatching(/undeclared access in organization [0-9a-f]{24} \(2 entries\): carol@/) as unknown]);
    expect(updated.outs?.unmanagedMembers).toBe(read.props?.unmanagedMembers);
    expect(updated.outs?.unmanagedInvitations).toBe(read.props?.unmanagedInvitations);
  });

  it("the lines are sorted by username (not the API's order), and a read finding the same people writes the same string", async () => {
    const zed = h.emulator.state.addOrgUser(h.orgId, { username: "zed@example.com", roles: ["ORG_MEMBER"] });
    const amy = h.emulator.state.addOrgUser(h.orgId, { username: "amy@example.com", roles: ["ORG_MEMBER"] });
    const max = h.emulator.state.addOrgUser(h.orgId, { username: "max@example.com", roles: ["ORG_READ_ONLY"] });
    const zoe = await h.outside.createInvitation(h.orgId, { username: "zoe@example.com", roles: ["ORG_MEMBER"] });
    const ann = await h.outside.createInvitation(h.orgId, { username: "ann@example.com", roles: ["ORG_MEMBER"] });
    await h.newDeployment();
    expect(h.emulator.state.members(h.orgId).map((u) => u.username)).toEqual(["zed@example.com", "amy@example.com", "max@example.com"]);
    const created = await r.create(await checked(roster()));
    const members = String(created.outs?.unmanagedMembers);
    const invitations = String(created.outs?.unmanagedInvitations);
    // Every line ends with a newline, the last too: someone added at the end is one added line of a diff.
    expect(members.endsWith("}\n") && invitations.endsWith("}\n")).toBe(true);
    const lines = (text: string) => text.slice(0, -1).split("\n");
    const usernames = (text: string) => lines(text).map((line) => (JSON.parse(line) as { username: string }).username);
    expect(usernames(members)).toEqual(["amy@example.com", "max@example.com", "zed@example.com"]);
    expect(lines(members).map((line) => (JSON.parse(line) as { userId: string }).userId)).toEqual([amy.id, max.id, zed.id]);
    expect(usernames(invitations)).toEqual(["ann@example.com", "zoe@example.com"]);
    expect(lines(invitations).map((line) => (JSON.parse(line) as { invitationId: string }).invitationId)).toEqual([ann.id, zoe.id]);
    // The next refresh: nothing changed, the same string.
    await h.newDeployment();
    const read = await r.read(created.id, { ...(created.outs as PropertyBag), __provider: PROVIDER_PLACEHOLDER });
    expect(read.props?.unmanagedMembers).toBe(members);
    expect(read.props?.unmanagedInvitations).toBe(invitations);
  });

  it("the same people listed by the API in another order write the identical string", async () => {
    const orgId = "5f1b2c3d4e5f6a7b8c9d0e1f";
    const user = (id: string, username: string): OrgUser => ({
      id,
      username,
      emailAddress: username,
      firstName: "",
      lastName: "",
      teamIds: [],
      roles: [{ orgId, roleName: "ORG_MEMBER" }],
    });
    const invitation = (id: string, username: string): Invitation => ({
      id,
      orgId,
      orgName: "org",
      username,
      roles: ["ORG_MEMBER"],
      teamIds: [],
      inviterUsername: "someone@example.com",
      createdAt: "2026-01-01T00:00:00Z",
      expiresAt: "2999-01-01T00:00:00Z",
    });
    const people = [
      user("c".repeat(24), "carol@example.com"),
      user("a".repeat(24), "amy@example.com"),
      user("e".repeat(24), "zed@example.com"),
    ];
    // dup@ has two pending invitations: two lines, in the order of their ids.
    const invited = [
      invitation("f".repeat(24), "dup@example.com"),
      invitation("b".repeat(24), "bob@example.com"),
      invitation("d".repeat(24), "dup@example.com"),
    ];
    const api = (members: OrgUser[], pending: Invitation[]) =>
      ({
        orgId,
        credentialId: "key",
        members: () => Promise.resolve(members),
        pending: () => Promise.resolve(pending),
      }) as unknown as OrgApi;
    const props = { orgId, managed: [], ignore: [], prune: false };
    const one = await readOrgRoster(api(people, invited), props, new DeploymentLedger());
    // The next read: the API lists everyone in the reverse order (dup@'s two invitations too).
    const other = await readOrgRoster(
      api([...people].reverse(), [...invited].reverse()),
      { ...props, ...one.props },
      new DeploymentLedger(),
    );
    expect(other.props?.unmanagedMembers).toBe(one.props?.unmanagedMembers);
    expect(other.props?.unmanagedInvitations).toBe(one.props?.unmanagedInvitations);
    expect(Object.keys(byName(one.props?.unmanagedMembers))).toEqual(["amy@example.com", "carol@example.com", "zed@example.com"]);
    expect(Object.keys(byName(one.props?.unmanagedInvitations))).toEqual([
      "bob@example.com",
      "dup@example.com",
      `dup@example.com#${"f".repeat(24)}`,
    ]);
    expect(byName(one.props?.unmanagedInvitations)["dup@example.com"]).toMatchObject({ invitationId: "d".repeat(24) });
  });
});
