// ProjectMembership and ProjectRoster against the emulator: a person's own roles in a project given,
// changed as a set, read back (a team's roles are not theirs), taken away without touching their
// organization membership; a person not yet a member waited for (no project invitation: no second
// invitation); the refusals before sending; undeclared project access reported and pruned.
// Each "deployment" is one provider process: h.newDeployment() between commands, as with the engine.
import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import type { PropertyBag } from "../../provider/model/property-bag";
import { CloudManagerClient } from "../../sdk";
import { PROVIDER_PLACEHOLDER, runtime, startHarness, writes as allWrites, type Harness } from "./support/harness";
import { byName } from "../support/roster-lines";

let h: Harness;
beforeAll(async () => {
  h = await startHarness();
});
beforeEach(() => h.reset());
afterAll(() => h.close());

const urn = (type: string, name: string) => `urn:pulumi:dev::access::pulumi-nodejs:dynamic/cloudmanager:${type}::${name}`;
type Methods = typeof runtime.projectMember;

async function up(methods: Methods, news: PropertyBag): Promise<{ id: string; state: PropertyBag }> {
  const checked = await methods.check({}, { ...news, __provider: PROVIDER_PLACEHOLDER });
  expect(checked.failures ?? []).toEqual([]);
  const created = await methods.create(checked.inputs ?? {});
  await h.newDeployment();
  return { id: created.id, state: { ...(created.outs as PropertyBag), __provider: PROVIDER_PLACEHOLDER } };
}

function person(projectId: string, username: string, roles: string[], name = username.split("@")[0] ?? username): PropertyBag {
  return { orgId: h.orgId, projectId, username, roles, __urn: urn("ProjectMembership", `${name}-${projectId}`) };
}

function writes(): string[] {
  return allWrites(h)
    .filter((r) => r.status !== 401)
    .map((r) => `${r.method} ${r.path.replace("/api/public/v1.0", "")} ${r.status}`);
}

function setup() {
  const project = h.emulator.state.createProject(h.orgId, { name: "prod" });
  const alice = h.emulator.state.addOrgUser(h.orgId, { username: "alice@example.com", roles: ["ORG_MEMBER"] });
  h.emulator.state.clearRequests();
  return { projectId: project.id, alice };
}

const ownRoles = (projectId: string, username: string) =>
  (h.emulator.state.projectUsers(projectId).find((u) => u.username === username)?.roles ?? [])
    .filter((r) => r.groupId === projectId)
    .map((r) => r.roleName)
    .sort();

describe("ProjectMembership", () => {
  it("gives a member roles of their own, changes them as a set, reads hand edits as drift, and takes them out of the project only", async () => {
    const { projectId } = setup();
    const { id, state } = await up(
      runtime.projectMember,
      person(projectId, "alice@example.com", ["GROUP_READ_ONLY", "GROUP_DATA_ACCESS_READ_ONLY"]),
    );
    expect(id).toBe(`${h.orgId}/${projectId}/alice@example.com`);
    expect(state).toMatchObject({ status: "ACTIVE", roles: ["GROUP_DATA_ACCESS_READ_ONLY", "GROUP_READ_ONLY"], projectName: "prod" });
    expect(ownRoles(projectId, "alice@example.com")).toEqual(["GROUP_DATA_ACCESS_READ_ONLY", "GROUP_READ_ONLY"]);
    expect(
      await runtime.projectMember.diff(
        id,
        state,
        person(projectId, "alice@example.com", ["GROUP_READ_ONLY", "GROUP_DATA_ACCESS_READ_ONLY"]),
      ),
    ).toMatchObject({ changes: false });
    // by hand: raised
    h.emulator.state.setProjectUserRoles(projectId, "alice@example.com", ["GROUP_DATA_ACCESS_ADMIN"]);
    const read = await runtime.projectMember.read(id, state);
    expect(read.props).toMatchObject({ roles: ["GROUP_DATA_ACCESS_ADMIN"], status: "ACTIVE" });
    const drifted = { ...read.props, __provider: PROVIDER_PLACEHOLDER };
    const wanted = person(projectId, "alice@example.com", ["GROUP_READ_ONLY"]);
    expect(await runtime.projectMember.diff(id, drifted, wanted)).toMatchObject({ changes: true });
    expect(h.notices.join("\n")).toMatch(
      /alice@example.com in project "prod" has GROUP_DATA_ACCESS_ADMIN; `pulumi up` sets GROUP_READ_ONLY/,
    );
    await runtime.projectMember.update(id, drifted, wanted);
    expect(ownRoles(projectId, "alice@example.com")).toEqual(["GROUP_READ_ONLY"]);
    await runtime.projectMember.delete(id, state);
    expect(ownRoles(projectId, "alice@example.com")).toEqual([]);
    expect(h.emulator.state.members(h.orgId).map((m) => m.username)).toContain("alice@example.com");
  });

  it("waits for a person who is only invited to the organization: PENDING, nothing sent (no project invitation); the next up gives the roles", async () => {
    const project = h.emulator.state.createProject(h.orgId, { name: "prod" });
    const invite = await h.outside.createInvitation(h.orgId, { username: "bob@example.com", roles: ["ORG_MEMBER"] });
    h.emulator.state.clearRequests();
    const { id, state } = await up(runtime.projectMember, person(project.id, "bob@example.com", ["GROUP_READ_ONLY"]));
    expect(state).toMatchObject({ status: "PENDING" });
    expect(writes()).toEqual([]);
    expect(h.notices.join("\n")).toMatch(
      new RegExp(`bob@example.com gets GROUP_READ_ONLY in project "prod" once .*invitation ${invite.id} is pending`),
    );
    expect(h.emulator.state.projectInvitations(project.id)).toEqual([]);
    // While the invitation is open, nothing is proposed: the gate stays green.
    const wanted = person(project.id, "bob@example.com", ["GROUP_READ_ONLY"]);
    expect(await runtime.projectMember.diff(id, state, wanted)).toMatchObject({ changes: false });
    h.emulator.state.acceptInvitation(h.orgId, invite.id);
    await h.newDeployment();
    expect(await runtime.projectMember.diff(id, state, wanted)).toMatchObject({ changes: true });
    const updated = await runtime.projectMember.update(id, state, person(project.id, "bob@example.com", ["GROUP_READ_ONLY"]));
    expect(updated.outs).toMatchObject({ status: "ACTIVE" });
    expect(ownRoles(project.id, "bob@example.com")).toEqual(["GROUP_READ_ONLY"]);
  });

  it("does not count a team's roles as the person's own", async () => {
    const { projectId } = setup();
    const team = h.emulator.state.createTeam(h.orgId, { name: "dba" });
    h.emulator.state.addMemberToTeams(h.orgId, "alice@example.com", [team.id]);
    h.emulator.state.setProjectTeamRoles(projectId, team.id, ["GROUP_OWNER"]);
    const { id, state } = await up(runtime.projectMember, person(projectId, "alice@example.com", ["GROUP_READ_ONLY"]));
    const read = await runtime.projectMember.read(id, state);
    expect(read.props).toMatchObject({ roles: ["GROUP_READ_ONLY"], status: "ACTIVE" });
  });

  it("refuses before sending: the last Project Owner of its own demoted or removed; a project of another organization; one person twice", async () => {
    const { projectId } = setup();
    const { id, state } = await up(runtime.projectMember, person(projectId, "alice@example.com", ["GROUP_OWNER"]));
    h.emulator.state.clearRequests();
    await expect(runtime.projectMember.update(id, state, person(projectId, "alice@example.com", ["GROUP_READ_ONLY"]))).rejects.toThrow(
      /LAST_PROJECT_OWNER: alice@example.com is the only Project Owner of project "prod".*CANNOT_DEMOTE_LAST_OWNER/,
    );
    await expect(runtime.projectMember.delete(id, state)).rejects.toThrow(/LAST_PROJECT_OWNER: .*CANNOT_DELETE_LAST_OWNER/);
    const other = h.emulator.state.createOrg({ name: "elsewhere" });
    const foreign = h.emulator.state.createProject(other.id, { name: "their-prod" });
    const checked = await runtime.projectMember.check({}, person(foreign.id, "alice@example.com", ["GROUP_READ_ONLY"], "alice-2"));
    await expect(runtime.projectMember.create(checked.inputs ?? {})).rejects.toThrow(
      new RegExp(
        `PROJECT_NOT_IN_ORG: project ${foreign.id} is not a project of organization ${h.orgId} \\(nor one these credentials can read\\)`,
      ),
    );
    expect(writes()).toEqual([]);
    await runtime.projectMember.check({}, person(projectId, "Carol@example.com", ["GROUP_READ_ONLY"], "carol-a"));
    const twice = await runtime.projectMember.check({}, person(projectId, "carol@EXAMPLE.com", ["GROUP_READ_ONLY"], "carol-b"));
    expect(twice.failures?.[0]?.property).toBe("username");
    expect(twice.failures?.[0]?.reason).toMatch(/PROJECT_MEMBERSHIP_DECLARED_TWICE: .*"carol-b-.*" and "carol-a-/);
  });
});

describe("ProjectRoster", () => {
  it("reports a stranger's role, a project invitation nobody declared and an undeclared team, and prunes them (never the last owner)", async () => {
    const { projectId } = setup();
    h.emulator.state.addOrgUser(h.orgId, { username: "owner@example.com", roles: ["ORG_MEMBER"] });
    h.emulator.state.setProjectUserRoles(projectId, "owner@example.com", ["GROUP_OWNER"]);
    h.emulator.state.addOrgUser(h.orgId, { username: "stranger@evil.example", roles: ["ORG_MEMBER"] });
    h.emulator.state.setProjectUserRoles(projectId, "stranger@evil.example", ["GROUP_DATA_ACCESS_ADMIN"]);
    h.emulator.state.inviteToProjectAs(projectId, { username: "guest@evil.example", roles: ["GROUP_READ_ONLY"] }, "someone@example.com");
    const team = h.emulator.state.createTeam(h.orgId, { name: "shadow" });
    h.emulator.state.setProjectTeamRoles(projectId, team.id, ["GROUP_OWNER"]);
    await up(runtime.projectMember, person(projectId, "alice@example.com", ["GROUP_READ_ONLY"]));
    const roster = { orgId: h.orgId, projectId, managed: ["alice@example.com"], __urn: urn("ProjectRoster", "prod") };
    const { id, state } = await up(runtime.projectRoster, roster);
    const userId = (username: string) => h.emulator.state.projectUsers(projectId).find((u) => u.username === username)?.id;
    const firstSeen = expect.any(String) as unknown;
    expect(byName(state["unmanagedUsers"])).toEqual({
      "owner@example.com": { username: "owner@example.com", userId: userId("owner@example.com"), roles: ["GROUP_OWNER"], firstSeen },
      "stranger@evil.example": {
        username: "stranger@evil.example",
        userId: userId("stranger@evil.example"),
        roles: ["GROUP_DATA_ACCESS_ADMIN"],
        firstSeen,
      },
    });
    expect(byName(state["unmanagedInvitations"])).toEqual({
      "guest@evil.example": expect.objectContaining({ username: "guest@evil.example", roles: ["GROUP_READ_ONLY"] }) as unknown,
    });
    expect(byName(state["unmanagedTeams"], "name")).toEqual({
      shadow: { name: "shadow", teamId: team.id, roles: ["GROUP_OWNER"], firstSeen },
    });
    expect(await runtime.projectRoster.diff(id, state, roster)).toMatchObject({ changes: true });
    expect(h.notices.join("\n")).toMatch(
      /undeclared access in project .*stranger@evil.example \(GROUP_DATA_ACCESS_ADMIN\).*guest@evil.example.*team "shadow"/,
    );
    h.notices.length = 0;
    const pruned = await runtime.projectRoster.update(id, state, { ...roster, prune: true });
    expect(
      h.notices.filter((n) => n.includes(": pruned:")),
      h.notices.join("\n"),
    ).toHaveLength(3);
    expect(h.notices.join("\n")).toMatch(/not pruned: owner@example.com is the only Project Owner/);
    expect(pruned.outs).toMatchObject({ unmanagedInvitations: "", unmanagedTeams: "" });
    expect(Object.keys(byName(pruned.outs?.["unmanagedUsers"]))).toEqual(["owner@example.com"]);
    expect(ownRoles(projectId, "stranger@evil.example")).toEqual([]);
    expect(h.emulator.state.members(h.orgId).map((m) => m.username)).toContain("stranger@evil.example");
    expect(ownRoles(projectId, "alice@example.com")).toEqual(["GROUP_READ_ONLY"]);
    expect(h.emulator.state.teams(h.orgId).map((t) => t.name)).toEqual(["shadow"]);
  });
});

describe("ProjectRoster check", () => {
  it("takes a waiting Team's id in `teams` (team.teamId while the team waits for a founder)", async () => {
    const checked = await runtime.projectRoster.check(
      {},
      {
        orgId: "a".repeat(24),
        projectId: "b".repeat(24),
        managed: [],
        teams: ["waiting:dba", "c".repeat(24)],
        __urn: urn("ProjectRoster", "p"),
      },
    );
    expect(checked.failures ?? []).toEqual([]);
    const bad = await runtime.projectRoster.check({}, { orgId: "a".repeat(24), projectId: "b".repeat(24), managed: [], teams: ["dba"] });
    expect(bad.failures?.[0]).toMatchObject({ property: "teams" });
  });
});

describe("ProjectMembership delete and other automations", () => {
  it("withdraws a hand-sent project invitation for the person, but keeps another API key's, saying so", async () => {
    const { projectId } = setup();
    const { id, state } = await up(runtime.projectMember, person(projectId, "alice@example.com", ["GROUP_READ_ONLY"]));
    const byHand = h.emulator.state.inviteToProjectAs(
      projectId,
      { username: "alice@example.com", roles: ["GROUP_OWNER"] },
      "admin@example.com",
    );
    const otherKey = h.emulator.state.addApiKey({ orgRoles: [{ orgId: h.orgId, roles: ["ORG_OWNER"] }] });
    const other = new CloudManagerClient({
      baseUrl: h.emulator.baseUrl,
      publicKey: otherKey.publicKey,
      privateKey: otherKey.privateKey,
      retry: { maxRetries: 0 },
    });
    const theirs = await other.createProjectInvitation(projectId, { username: "alice@example.com", roles: ["GROUP_READ_ONLY"] });
    await other.close();
    await h.newDeployment();
    await runtime.projectMember.delete(id, state);
    expect(h.emulator.state.pendingProjectInvitations(projectId).map((i) => i.id)).toEqual([theirs.id]);
    expect(h.notices.join("\n")).toMatch(new RegExp(`withdrew the pending invitation ${byHand.id} for alice@example.com`));
    expect(h.notices.join("\n")).toMatch(new RegExp(`kept the pending invitation ${theirs.id} for alice@example.com .*another API key`));
  });
});

describe("ProjectMembership never sends a second invitation", () => {
  it("a member without roles of their own but with a pending project invitation: nothing sent, PENDING until they accept it", async () => {
    const { projectId } = setup();
    const invitation = h.emulator.state.inviteToProjectAs(
      projectId,
      { username: "alice@example.com", roles: ["GROUP_READ_ONLY"] },
      "admin@example.com",
    );
    h.emulator.state.clearRequests();
    const { id, state } = await up(runtime.projectMember, person(projectId, "alice@example.com", ["GROUP_DATA_ACCESS_READ_ONLY"]));
    expect(state).toMatchObject({ status: "PENDING" });
    expect(writes()).toEqual([]);
    expect(h.notices.join("\n")).toMatch(
      new RegExp(`pending invitation ${invitation.id} to project "prod" .*nothing sent, so they get no second one`),
    );
    h.emulator.state.acceptProjectInvitation(projectId, invitation.id);
    const updated = await runtime.projectMember.update(id, state, person(projectId, "alice@example.com", ["GROUP_DATA_ACCESS_READ_ONLY"]));
    expect(updated.outs).toMatchObject({ status: "ACTIVE" });
    expect(ownRoles(projectId, "alice@example.com")).toEqual(["GROUP_DATA_ACCESS_READ_ONLY"]);
  });
});
