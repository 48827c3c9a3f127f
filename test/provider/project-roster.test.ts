// ProjectRoster against the emulator: undeclared project access — a person's own roles, a pending
// project invitation, a team's roles — reported by name with the roles (so the gate fails), and with
// `prune` removed one `pruned:` line each, said BEFORE its request; never the last direct owner, an
// ignored pattern, someone a ProjectMembership of the deployment declares or who leaves `managed` in this
// up, an invitation another API key sent; the person stays in the organization. A team's members are
// never reported as people (the team is, when undeclared). Each "deployment" is one provider process.
import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { CloudManagerClient } from "../../sdk";
import { runtime, startHarness, type Harness } from "./support/harness";
import {
  isMember,
  memberArgs,
  namer,
  ownRoles,
  projectUrn,
  requestLog,
  rosterArgs,
  withMarkedNotices,
  writeLog,
  type RosterOptions,
} from "./support/projects";
import { change, create, failure, previewDiff, refresh, type Stored } from "./support/teams";
import { byName, linesOf } from "../support/roster-lines";

let h: Harness;
beforeAll(async () => {
  h = await startHarness();
});
beforeEach(() => h.reset());
afterAll(() => h.close());

const pm = runtime.projectMember;
const roster = runtime.projectRoster;

async function nextCommand(): Promise<void> {
  await h.newDeployment();
  h.emulator.state.clearRequests();
  h.notices.length = 0;
}

const addMember = (username: string, teamIds: string[] = []) =>
  h.emulator.state.addOrgUser(h.orgId, { username, roles: ["ORG_MEMBER"], teamIds });

/**
 * Project "prod": owner@example.com its own owner (managed by the roster), alice declared by a
 * ProjectMembership, stranger@evil.example given GROUP_DATA_ACCESS_ADMIN by hand, guest@evil.example
 * invited to the project by an admin in the UI, team "shadow" (dan its only member) given GROUP_OWNER
 * there by hand. State of an earlier up: alice's ProjectMembership.
 */
async function world() {
  const prod = h.emulator.state.createProject(h.orgId, { name: "prod" }).id;
  addMember("owner@example.com");
  h.emulator.state.setProjectUserRoles(prod, "owner@example.com", ["GROUP_OWNER"]);
  addMember("alice@example.com");
  const alice = await create(pm, memberArgs(h.orgId, prod, "alice@example.com", ["GROUP_READ_ONLY"]));
  const stranger = addMember("stranger@evil.example");
  h.emulator.state.setProjectUserRoles(prod, "stranger@evil.example", ["GROUP_DATA_ACCESS_ADMIN"]);
  const guest = h.emulator.state.inviteToProjectAs(
    prod,
    { username: "guest@evil.example", roles: ["GROUP_READ_ONLY"] },
    "admin@example.com",
  );
  const shadow = h.emulator.state.createTeam(h.orgId, { name: "shadow" });
  addMember("dan@example.com", [shadow.id]);
  h.emulator.state.setProjectTeamRoles(prod, shadow.id, ["GROUP_OWNER"]);
  namer(h);
  await nextCommand();
  const args = (options: RosterOptions = {}) => rosterArgs(h.orgId, prod, { managed: ["owner@example.com"], ...options });
  return { prod, alice, stranger, guest, shadow, args };
}

/** Turns of the event loop (no clock) until `done`, at most `turns`; whether it is done. */
async function until(done: () => boolean, turns = 2000): Promise<boolean> {
  for (let i = 0; i < turns && !done(); i++) await new Promise((resolve) => setImmediate(resolve));
  return done();
}

/** What the deployment declares in the project before the roster's step: alice's ProjectMembership is checked (as `up` and `preview` do). */
async function declareAlice(prod: string): Promise<void> {
  const checked = await pm.check({}, memberArgs(h.orgId, prod, "alice@example.com", ["GROUP_READ_ONLY"]));
  expect(checked.failures ?? []).toEqual([]);
}

describe("reporting undeclared access", () => {
  it("names each with its roles — a stranger's own roles, a project invitation, an undeclared team — and never a team's member as a person", async () => {
    const { prod, stranger, guest, shadow, args } = await world();
    await declareAlice(prod);
    const made = await create(roster, args());
    expect(made.id).toBe(`${h.orgId}/${prod}/roster`);
    // One JSON line each, by username (teams by name); firstSeen is the time of this read.
    const firstSeen = expect.stringMatching(/^\d{4}-\d\d-\d\dT/) as unknown;
    expect(byName(made.state["unmanagedUsers"])).toEqual({
      "stranger@evil.example": { username: "stranger@evil.example", userId: stranger.id, roles: ["GROUP_DATA_ACCESS_ADMIN"], firstSeen },
    });
    expect(byName(made.state["unmanagedInvitations"])).toEqual({
      "guest@evil.example": {
        username: "guest@evil.example",
        invitationId: guest.id,
        roles: ["GROUP_READ_ONLY"],
        inviterUsername: "admin@example.com",
        createdAt: guest.createdAt,
        firstSeen,
      },
    });
    expect(byName(made.state["unmanagedTeams"], "name")).toEqual({
      shadow: { name: "shadow", teamId: shadow.id, roles: ["GROUP_OWNER"], firstSeen },
    });
    // A line is the entry's name first, then its fields, then firstSeen.
    expect(Object.keys(JSON.parse(made.state["unmanagedTeams"] as string) as object)).toEqual(["name", "teamId", "roles", "firstSeen"]);
    expect(JSON.stringify(made.state["unmanagedUsers"])).not.toContain("dan@example.com");
    expect(writeLog(h)).toEqual([]);
    expect(h.notices).toEqual([
      expect.stringContaining(
        `undeclared access in project ${prod} (3 entries): stranger@evil.example (GROUP_DATA_ACCESS_ADMIN); ` +
          `guest@evil.example (invited by admin@example.com at ${guest.createdAt}: GROUP_READ_ONLY); team "shadow" (GROUP_OWNER). ` +
          "Declare them (ProjectMembership, ProjectTeam), add them to `ignore` or `teams`, or set `prune: true`",
      ),
    ]);
  });

  it("the gate: after a refresh the diff reports a change (preview --expect-no-changes fails) until each is declared, listed or ignored", async () => {
    const { prod, shadow, args } = await world();
    await declareAlice(prod);
    const made = await create(roster, args());
    await nextCommand();
    await declareAlice(prod);
    const refreshed = await refresh(roster, made);
    expect(await previewDiff(roster, refreshed, args())).toMatchObject({ changes: true });
    expect(h.notices.join("\n")).toMatch(/undeclared access in project .*stranger@evil.example \(GROUP_DATA_ACCESS_ADMIN\)/);
    // Each declared in turn: the report shrinks, and the change goes only once none is left.
    const managed = ["owner@example.com", "stranger@evil.example"];
    expect(await previewDiff(roster, refreshed, args({ managed }))).toMatchObject({ changes: true });
    const settled = { id: refreshed.id, state: { ...refreshed.state, managed, ignore: ["guest@*"], teams: [shadow.id] } };
    expect(await previewDiff(roster, settled, args({ managed, ignore: ["guest@*"], teams: [shadow.id] }))).toEqual({ changes: false });
    expect(writeLog(h)).toEqual([]);
  });

  it("a ProjectTeam of the deployment declares its team; a team's members reach the project without being reported, even when the team is undeclared", async () => {
    const { prod, shadow, args } = await world();
    await declareAlice(prod);
    const undeclared = await create(
      roster,
      args({ managed: ["owner@example.com", "stranger@evil.example"], ignore: ["guest@evil.example"] }),
    );
    expect(undeclared.state).toMatchObject({ unmanagedUsers: "", unmanagedInvitations: "" });
    expect(Object.keys(byName(undeclared.state["unmanagedTeams"], "name"))).toEqual(["shadow"]);
    await nextCommand();
    await declareAlice(prod);
    const checked = await runtime.projectTeam.check(
      {},
      {
        orgId: h.orgId,
        projectId: prod,
        teamId: shadow.id,
        roles: ["GROUP_OWNER"],
        __urn: projectUrn("ProjectTeam", "shadow-in-prod"),
      },
    );
    expect(checked.failures ?? []).toEqual([]);
    const read = await refresh(roster, undeclared);
    expect(read.state).toMatchObject({ unmanagedUsers: "", unmanagedInvitations: "", unmanagedTeams: "" });
    expect(h.emulator.state.projectUsers(prod, { flattenTeams: true }).map((u) => u.username)).toContain("dan@example.com");
  });

  // As OrgRoster's extra invitations: no resource sends project invitations, so one for a declared person is an extra way in.
  it("a pending project invitation for someone the deployment declares is access nobody declared (accepting it adds its roles to theirs)", async () => {
    const { prod, args } = await world();
    const extra = h.emulator.state.inviteToProjectAs(prod, { username: "Alice@example.com", roles: ["GROUP_OWNER"] }, "admin@example.com");
    await declareAlice(prod);
    const made = await create(
      roster,
      args({ managed: ["owner@example.com", "stranger@evil.example"], ignore: ["guest@evil.example"], teams: [] }),
    );
    expect(byName(made.state["unmanagedInvitations"])).toEqual({
      "Alice@example.com": expect.objectContaining({ invitationId: extra.id, roles: ["GROUP_OWNER"], extra: true }) as unknown,
    });
    // What it would do: alice's own roles become GROUP_OWNER and GROUP_READ_ONLY, which no resource declares.
    h.emulator.state.acceptProjectInvitation(prod, extra.id);
    expect(ownRoles(h, prod, "alice@example.com")).toEqual(["GROUP_OWNER", "GROUP_READ_ONLY"]);
  });
});

describe("prune", () => {
  it("one `pruned:` line each, said before its request; the stranger stays in the organization and the team stays a team", async () => {
    const { prod, stranger, guest, shadow, args } = await world();
    await declareAlice(prod);
    const made = await create(roster, args());
    await nextCommand();
    await declareAlice(prod);
    const { result, marks } = await withMarkedNotices(h, () => change(roster, made, args({ prune: true })));
    expect(result.state).toMatchObject({ unmanagedUsers: "", unmanagedInvitations: "", unmanagedTeams: "" });
    // Positions in the raw request log (Digest challenges included), which is what a mark counts.
    const name = namer(h);
    const log = h.requests().map((r) => `${r.method} ${name(r.path)} ${r.status}`);
    const pruned = marks.filter((m) => m.notice.includes(": pruned:"));
    const expected: [RegExp, string][] = [
      [
        new RegExp(
          `pruned: withdrawing the invitation ${guest.id} for guest@evil.example to project "prod" .*GROUP_READ_ONLY; sent by admin@example.com`,
        ),
        "DELETE /groups/{prod}/invites/{invite:guest} 204",
      ],
      [
        new RegExp(`pruned: taking team "shadow" \\(${shadow.id}; GROUP_OWNER\\) off project "prod"`),
        "DELETE /groups/{prod}/teams/{team:shadow} 204",
      ],
      [
        /pruned: taking stranger@evil.example \(GROUP_DATA_ACCESS_ADMIN\) out of project "prod" .*they stay in the organization/,
        "DELETE /groups/{prod}/users/{stranger} 204",
      ],
    ];
    expect(pruned.map((m) => m.notice)).toHaveLength(expected.length);
    for (const [said, request] of expected) {
      const mark = pruned.find((m) => said.test(m.notice));
      expect(mark, String(said)).toBeDefined();
      const sentAt = log.indexOf(request);
      expect(sentAt, request).toBeGreaterThanOrEqual(0);
      // Said when fewer requests had been logged than the DELETE's position: before it was sent.
      expect(mark?.at ?? Infinity, request).toBeLessThanOrEqual(sentAt);
    }
    expect(writeLog(h)).toEqual(expected.map(([, request]) => request));
    expect(isMember(h, "stranger@evil.example")).toBe(true);
    expect(h.emulator.state.members(h.orgId).find((m) => m.id === stranger.id)?.roles).toEqual([
      { orgId: h.orgId, roleName: "ORG_MEMBER" },
    ]);
    expect(h.emulator.state.teams(h.orgId).map((t) => t.name)).toEqual(["shadow"]);
    expect(h.emulator.state.teamUsers(h.orgId, shadow.id).map((u) => u.username)).toEqual(["dan@example.com"]);
    expect(ownRoles(h, prod, "alice@example.com")).toEqual(["GROUP_READ_ONLY"]);
    expect(ownRoles(h, prod, "owner@example.com")).toEqual(["GROUP_OWNER"]);
  });

  it("never the project's last direct owner (a team's GROUP_OWNER does not count); of two undeclared owners, one is pruned", async () => {
    const { prod, args } = await world();
    await declareAlice(prod);
    const made = await create(roster, args({ managed: [], ignore: ["guest@*", "stranger@*"], teams: [] }));
    await nextCommand();
    await declareAlice(prod);
    const pruned = await change(roster, made, args({ managed: [], ignore: ["guest@*", "stranger@*"], prune: true }));
    expect(h.notices.join("\n")).toMatch(
      /not pruned: owner@example.com is the only Project Owner of project "prod" .* with the role given directly; give another person GROUP_OWNER there first/,
    );
    expect(byName(pruned.state["unmanagedUsers"])).toEqual({
      "owner@example.com": expect.objectContaining({ username: "owner@example.com", roles: ["GROUP_OWNER"] }) as unknown,
    });
    expect(writeLog(h)).toEqual(["DELETE /groups/{prod}/teams/{team:shadow} 204"]);
    expect(ownRoles(h, prod, "owner@example.com")).toEqual(["GROUP_OWNER"]);

    addMember("second@example.com");
    h.emulator.state.setProjectUserRoles(prod, "second@example.com", ["GROUP_OWNER"]);
    namer(h);
    await nextCommand();
    await declareAlice(prod);
    const again = await change(
      roster,
      await refresh(roster, pruned),
      args({ managed: [], ignore: ["guest@*", "stranger@*"], prune: true }),
    );
    expect(writeLog(h)).toHaveLength(1);
    expect(writeLog(h)[0]).toMatch(/^DELETE \/groups\/\{prod\}\/users\/\{(owner|second)\} 204$/);
    expect(Object.keys(byName(again.state["unmanagedUsers"]))).toHaveLength(1);
    expect(
      h.emulator.state.projectUsers(prod).filter((u) => u.roles.some((r) => r.groupId === prod && r.roleName === "GROUP_OWNER")),
    ).toHaveLength(1);
  });

  it("a pruning roster taking out one direct owner and a ProjectMembership demoting the other: the demotion waits for the removal and is refused before sending", async () => {
    const { prod, alice, shadow, args } = await world();
    const promoted = await change(pm, alice, memberArgs(h.orgId, prod, "alice@example.com", ["GROUP_OWNER"]));
    const options = { managed: [], ignore: ["guest@*", "stranger@*"], teams: [shadow.id] }; // only owner@example.com is undeclared
    const made = await create(roster, args(options));
    await nextCommand();
    await declareAlice(prod);
    // The roster's DELETE of owner@example.com is held on the wire (released below: no timer involved)...
    h.emulator.state.addFault({ method: "DELETE", path: `/groups/${prod}/users/`, fault: { type: "delay", ms: 600_000 } });
    const settle = (p: Promise<unknown>) =>
      p.then(
        () => "done",
        (e: unknown) => (e instanceof Error ? e.message : String(e)),
      );
    const pruning = settle(change(roster, made, args({ ...options, prune: true })));
    expect(await until(() => h.emulator.state.faults()[0]?.hits === 1)).toBe(true);
    // ... while alice's ProjectMembership demotes her: decided on a list from before the removal, its PUT would make
    // Cloud Manager refuse one of the two (CANNOT_DELETE_LAST_OWNER).
    const demoting = settle(change(pm, promoted, memberArgs(h.orgId, prod, "alice@example.com", ["GROUP_READ_ONLY"])));
    const sentWhileHeld = await until(() => h.requests().some((r) => r.method === "PUT"));
    h.emulator.state.clearFaults();
    const [pruned, demoted] = await Promise.all([pruning, demoting]);
    expect(sentWhileHeld).toBe(false);
    expect(pruned).toBe("done");
    expect(demoted).toMatch(/LAST_PROJECT_OWNER: alice@example.com is the only Project Owner of project "prod"/);
    expect(writeLog(h)).toEqual(["DELETE /groups/{prod}/users/{owner} 204"]);
    expect(ownRoles(h, prod, "alice@example.com")).toEqual(["GROUP_OWNER"]);
    expect(ownRoles(h, prod, "owner@example.com")).toEqual([]);
  });

  it("never what an ignore pattern matches (`*@break-glass.example.com`): neither their roles nor their invitation", async () => {
    const { prod, args } = await world();
    addMember("oncall@break-glass.example.com");
    h.emulator.state.setProjectUserRoles(prod, "oncall@break-glass.example.com", ["GROUP_OWNER"]);
    h.emulator.state.inviteToProjectAs(prod, { username: "Second@Break-Glass.example.com", roles: ["GROUP_OWNER"] }, "admin@example.com");
    await nextCommand();
    await declareAlice(prod);
    const options = { ignore: ["*@break-glass.example.com"], prune: true };
    const made = await create(roster, args(options));
    const { unmanagedUsers, unmanagedInvitations, unmanagedTeams } = made.state;
    const shown = JSON.stringify({ unmanagedUsers, unmanagedInvitations, unmanagedTeams }) + h.notices.join("\n");
    expect(shown.toLowerCase()).not.toContain("break-glass");
    expect(ownRoles(h, prod, "oncall@break-glass.example.com")).toEqual(["GROUP_OWNER"]);
    expect(h.emulator.state.pendingProjectInvitations(prod).map((i) => i.username)).toEqual(["Second@Break-Glass.example.com"]);
    expect(writeLog(h).join("\n")).not.toMatch(/oncall|Second/);
  });

  it("an ignore pattern matches the username only: a profile whose email address matches it is still reported and pruned", async () => {
    const { prod, args } = await world();
    h.emulator.state.updateUser("stranger@evil.example", { emailAddress: "oncall@break-glass.example.com" });
    await nextCommand();
    await declareAlice(prod);
    const made = await create(roster, args({ ignore: ["*@break-glass.example.com", "guest@*"], teams: [], prune: true }));
    expect(h.notices.join("\n")).toMatch(/pruned: taking stranger@evil.example \(GROUP_DATA_ACCESS_ADMIN\) out of project "prod"/);
    expect(ownRoles(h, prod, "stranger@evil.example")).toEqual([]);
    expect(made.state["unmanagedUsers"]).toBe("");
  });

  it("managed and declared people in any letter case; an expired project invitation (even when listed) is neither reported nor pruned", async () => {
    const { prod, guest, args } = await world();
    h.emulator.state.updateSettings({ expiredInvitations: "visible" });
    h.emulator.state.expireProjectInvitation(prod, guest.id);
    expect(h.emulator.state.pendingProjectInvitations(prod).map((i) => i.id)).toEqual([guest.id]);
    await nextCommand();
    expect((await pm.check({}, memberArgs(h.orgId, prod, "ALICE@Example.COM", ["GROUP_READ_ONLY"]))).failures ?? []).toEqual([]);
    const made = await create(roster, args({ managed: ["OWNER@example.com", "Stranger@Evil.Example"], teams: [], prune: true }));
    expect(made.state).toMatchObject({ unmanagedUsers: "", unmanagedInvitations: "", unmanagedTeams: "" });
    expect(writeLog(h)).toEqual(["DELETE /groups/{prod}/teams/{team:shadow} 204"]);
  });

  it("never someone a ProjectMembership of the deployment declares, though `managed` does not list them", async () => {
    const { prod, args } = await world();
    await declareAlice(prod);
    const made = await create(roster, args({ managed: ["owner@example.com"], prune: true }));
    expect(JSON.stringify(made.state)).not.toContain("alice@example.com");
    expect(ownRoles(h, prod, "alice@example.com")).toEqual(["GROUP_READ_ONLY"]);
    expect(writeLog(h).join("\n")).not.toMatch(/\{alice\}/);
  });

  it("never someone leaving `managed` in this up (their own resource removes them, or keeps them); the next pruning up does", async () => {
    const { prod, args } = await world();
    addMember("leaver@example.com");
    h.emulator.state.setProjectUserRoles(prod, "leaver@example.com", ["GROUP_READ_ONLY"]);
    namer(h);
    await declareAlice(prod);
    const everyone = { managed: ["owner@example.com", "leaver@example.com"], ignore: ["guest@*", "stranger@*"], teams: [] as string[] };
    const made = await create(roster, args({ ...everyone, prune: true }));
    expect(writeLog(h)).toEqual(["DELETE /groups/{prod}/teams/{team:shadow} 204"]);
    await nextCommand();
    await declareAlice(prod);
    const leaving = await change(roster, made, args({ ...everyone, managed: ["owner@example.com"], prune: true }));
    expect(leaving.step).toBe("update");
    expect(writeLog(h)).toEqual([]);
    expect(ownRoles(h, prod, "leaver@example.com")).toEqual(["GROUP_READ_ONLY"]);
    await nextCommand();
    await declareAlice(prod);
    await change(roster, await refresh(roster, leaving), args({ ...everyone, managed: ["owner@example.com"], prune: true }));
    expect(writeLog(h)).toEqual(["DELETE /groups/{prod}/users/{leaver} 204"]);
    expect(isMember(h, "leaver@example.com")).toBe(true);
  });

  it("never an invitation another API key sent (reported, never pruned); one sent by these credentials or a person is pruned", async () => {
    const { prod, args } = await world();
    const otherKey = h.emulator.state.addApiKey({ orgRoles: [{ orgId: h.orgId, roles: ["ORG_OWNER"] }] });
    const other = new CloudManagerClient({
      baseUrl: h.emulator.baseUrl,
      publicKey: otherKey.publicKey,
      privateKey: otherKey.privateKey,
      retry: { maxRetries: 0 },
    });
    const theirs = await other.createProjectInvitation(prod, { username: "contractor@example.com", roles: ["GROUP_READ_ONLY"] });
    await other.close();
    const ours = await h.outside.createProjectInvitation(prod, { username: "temp@example.com", roles: ["GROUP_READ_ONLY"] });
    expect(theirs.inviterUsername).toBe(otherKey.publicKey);
    namer(h);
    await nextCommand();
    await declareAlice(prod);
    const made = await create(
      roster,
      args({ managed: ["owner@example.com", "stranger@evil.example"], teams: [], prune: true, ignore: [] }),
    );
    expect(writeLog(h).sort()).toEqual(
      [
        "DELETE /groups/{prod}/invites/{invite:guest} 204",
        "DELETE /groups/{prod}/invites/{invite:temp} 204",
        "DELETE /groups/{prod}/teams/{team:shadow} 204",
      ].sort(),
    );
    expect(h.notices.join("\n")).toContain(
      `not pruned: the invitation ${theirs.id} for contractor@example.com to project "prod" (${prod}) was sent by another API key or service account (${otherKey.publicKey})`,
    );
    expect(Object.values(byName(made.state["unmanagedInvitations"]))).toEqual([
      expect.objectContaining({ invitationId: theirs.id, inviterUsername: otherKey.publicKey }),
    ]);
    expect(h.emulator.state.pendingProjectInvitations(prod).map((i) => i.id)).toEqual([theirs.id]);
    expect(ours.inviterUsername).toBe(h.emulator.credentials.publicKey);
  });

  it("prune off: the same access is reported, nothing is sent", async () => {
    const { prod, args } = await world();
    await declareAlice(prod);
    const made = await create(roster, args({ prune: false }));
    expect(Object.keys(byName(made.state["unmanagedUsers"]))).toHaveLength(1);
    expect(writeLog(h)).toEqual([]);
  });
});

describe("refusals", () => {
  it("PROJECT_NOT_IN_ORG: a roster for a project of another organization, at create and at refresh; nothing sent", async () => {
    const other = h.emulator.state.createOrg({ name: "elsewhere" });
    const foreign = h.emulator.state.createProject(other.id, { name: "their-prod" });
    await nextCommand();
    const error = await failure(create(roster, rosterArgs(h.orgId, foreign.id, { prune: true })));
    expect(error.message).toMatch(
      new RegExp(
        `PROJECT_NOT_IN_ORG: project ${foreign.id} is not a project of organization ${h.orgId}\\. Fix projectId or orgId\\. Nothing was sent\\.`,
      ),
    );
    const stored: Stored = {
      id: `${h.orgId}/${foreign.id}/roster`,
      state: { ...rosterArgs(h.orgId, foreign.id), unmanagedUsers: "" },
    };
    expect((await failure(roster.read(stored.id, stored.state))).message).toMatch(/PROJECT_NOT_IN_ORG/);
    expect(writeLog(h)).toEqual([]);
  });

  it("at check, before any request: a bad project id, a bad team id, a bad username in managed", async () => {
    const checked = await roster.check({}, rosterArgs(h.orgId, "prod", { managed: ["alice"], teams: ["shadow"] }));
    expect(checked.failures?.map((f) => f.property).sort()).toEqual(["managed", "projectId", "teams"]);
    expect(requestLog(h)).toEqual([]);
  });
});

describe("outputs: one JSON line per entry, by username, teams by name (issue 22, item 4)", () => {
  it("a state written with arrays (0.1.x): diff names what it holds, read and update write JSON Lines", async () => {
    const { prod, stranger, guest, shadow, args } = await world();
    await declareAlice(prod);
    const inputs = (await roster.check({}, args())).inputs ?? {};
    const old: Stored = {
      id: `${h.orgId}/${prod}/roster`,
      state: {
        ...inputs,
        unmanagedUsers: [{ username: "stranger@evil.example", userId: stranger.id, roles: ["GROUP_DATA_ACCESS_ADMIN"] }],
        unmanagedInvitations: [
          {
            username: "guest@evil.example",
            invitationId: guest.id,
            roles: ["GROUP_READ_ONLY"],
            inviterUsername: "admin@example.com",
            createdAt: guest.createdAt,
          },
        ],
        unmanagedTeams: [{ teamId: shadow.id, name: "shadow", roles: ["GROUP_OWNER"] }],
      },
    };
    expect(await previewDiff(roster, old, args())).toEqual({ changes: true });
    expect(h.notices.join("\n")).toMatch(
      /\(3 entries\): stranger@evil\.example \(GROUP_DATA_ACCESS_ADMIN\); guest@evil\.example .*; team "shadow"/,
    );
    const read = await refresh(roster, old);
    expect(Object.keys(byName(read.state["unmanagedUsers"]))).toEqual(["stranger@evil.example"]);
    expect(Object.keys(byName(read.state["unmanagedInvitations"]))).toEqual(["guest@evil.example"]);
    expect(byName(read.state["unmanagedTeams"], "name")).toEqual({
      shadow: { name: "shadow", teamId: shadow.id, roles: ["GROUP_OWNER"], firstSeen: expect.any(String) as unknown },
    });
    await nextCommand();
    await declareAlice(prod);
    const pruned = await change(roster, old, args({ prune: true }));
    expect(pruned.state).toMatchObject({ unmanagedUsers: "", unmanagedInvitations: "", unmanagedTeams: "" });
    expect(writeLog(h)).toHaveLength(3);
  });

  it("a state written with maps (before the lines): diff names what it holds, read keeps each entry's firstSeen and writes JSON Lines", async () => {
    const { prod, stranger, guest, shadow, args } = await world();
    await declareAlice(prod);
    const inputs = (await roster.check({}, args())).inputs ?? {};
    const then = "2025-01-02T03:04:05.000Z";
    const invitation = {
      invitationId: guest.id,
      roles: ["GROUP_READ_ONLY"],
      inviterUsername: "admin@example.com",
      createdAt: guest.createdAt,
    };
    const old: Stored = {
      id: `${h.orgId}/${prod}/roster`,
      state: {
        ...inputs,
        unmanagedUsers: { "stranger@evil.example": { userId: stranger.id, roles: ["GROUP_DATA_ACCESS_ADMIN"], firstSeen: then } },
        unmanagedInvitations: { "guest@evil.example": { ...invitation, firstSeen: then } },
        unmanagedTeams: { shadow: { teamId: shadow.id, roles: ["GROUP_OWNER"], firstSeen: then } },
      },
    };
    expect(await previewDiff(roster, old, args())).toEqual({ changes: true });
    expect(h.notices.join("\n")).toMatch(
      /\(3 entries\): stranger@evil\.example \(GROUP_DATA_ACCESS_ADMIN\); guest@evil\.example .*; team "shadow"/,
    );
    const read = await refresh(roster, old);
    expect(byName(read.state["unmanagedUsers"])).toEqual({
      "stranger@evil.example": {
        username: "stranger@evil.example",
        userId: stranger.id,
        roles: ["GROUP_DATA_ACCESS_ADMIN"],
        firstSeen: then,
      },
    });
    expect(byName(read.state["unmanagedInvitations"])).toEqual({
      "guest@evil.example": { username: "guest@evil.example", ...invitation, firstSeen: then },
    });
    expect(byName(read.state["unmanagedTeams"], "name")).toEqual({
      shadow: { name: "shadow", teamId: shadow.id, roles: ["GROUP_OWNER"], firstSeen: then },
    });
  });

  /** The roster made in the world, then `username` given GROUP_OWNER in the project by hand before the next command. */
  async function madeThenNewcomer(username: string) {
    const w = await world();
    await declareAlice(w.prod);
    const made = await create(roster, w.args());
    addMember(username);
    h.emulator.state.setProjectUserRoles(w.prod, username, ["GROUP_OWNER"]);
    await nextCommand();
    await declareAlice(w.prod);
    return { ...w, made };
  }

  it("a newcomer since the stored outputs is named first at up, with the count of what is new", async () => {
    const { made, args } = await madeThenNewcomer("zed@evil.example");
    await change(roster, made, args());
    expect(h.notices.at(-1)).toMatch(
      /undeclared access in project [0-9a-f]{24} \(4 entries, 1 new since the last read\): zed@evil\.example \(GROUP_OWNER\); stranger@/,
    );
  });

  it("read keeps the firstSeen of what the stored lines hold (by name and id), stamps a newcomer with its own, and sorts the lines by username", async () => {
    const { stranger, made } = await madeThenNewcomer("aaron@evil.example");
    // The stored lines, as an earlier read wrote them.
    const then = "2025-01-02T03:04:05.000Z";
    const earlier = linesOf(Object.values(byName(made.state["unmanagedUsers"])).map((e) => ({ ...e, firstSeen: then })));
    expect(earlier).toContain(stranger.id);
    const read = await refresh(roster, { ...made, state: { ...made.state, unmanagedUsers: earlier } });
    const users = byName<{ userId: string; firstSeen: string }>(read.state["unmanagedUsers"]);
    expect(Object.keys(users)).toEqual(["aaron@evil.example", "stranger@evil.example"]);
    expect(users["stranger@evil.example"]).toMatchObject({ userId: stranger.id, firstSeen: then });
    expect(users["aaron@evil.example"]?.firstSeen).toMatch(/^\d{4}-\d\d-\d\dT/);
    expect(users["aaron@evil.example"]?.firstSeen).not.toBe(then);
  });
});
