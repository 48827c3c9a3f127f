// Team and ProjectTeam against the emulator: the team made with its founders (or waiting for one),
// adopted, renamed in place, deleted (refused while it has roles in projects nobody takes it out of);
// a team's roles in a project set, changed as a set, drift, taken off; the refusals before sending.
// Each "deployment" is one provider process: h.newDeployment() between commands, as with the engine.
import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import type { PropertyBag } from "../../provider/model/property-bag";
import { PROVIDER_PLACEHOLDER, runtime, startHarness, writes as allWrites, type Harness } from "./support/harness";

let h: Harness;
beforeAll(async () => {
  h = await startHarness();
});
beforeEach(() => h.reset());
afterAll(() => h.close());

const urn = (type: string, name: string) => `urn:pulumi:dev::access::pulumi-nodejs:dynamic/cloudmanager:${type}::${name}`;

type Methods = typeof runtime.team;

/** check + create, as `pulumi up` runs them; then the next command is a new deployment. */
async function up(methods: Methods, news: PropertyBag): Promise<{ id: string; state: PropertyBag }> {
  const checked = await methods.check({}, { ...news, __provider: PROVIDER_PLACEHOLDER });
  expect(checked.failures ?? []).toEqual([]);
  const created = await methods.create(checked.inputs ?? {});
  await h.newDeployment();
  return { id: created.id, state: { ...(created.outs as PropertyBag), __provider: PROVIDER_PLACEHOLDER } };
}

function team(name: string, founders: string[], extra: PropertyBag = {}): PropertyBag {
  return { orgId: h.orgId, name, founders, __urn: urn("Team", name), ...extra };
}

function projectTeam(projectId: string, teamId: string, roles: string[]): PropertyBag {
  return { orgId: h.orgId, projectId, teamId, roles, __urn: urn("ProjectTeam", `${teamId}-${projectId}`) };
}

function writes(): string[] {
  return allWrites(h)
    .filter((r) => r.status !== 401)
    .map((r) => `${r.method} ${r.path.replace("/api/public/v1.0", "").replace(h.orgId, "{org}")} ${r.status}`);
}

const member = (username: string) => h.emulator.state.addOrgUser(h.orgId, { username, roles: ["ORG_MEMBER"] });

describe("Team", () => {
  it("creates the team with the founders who are members, and adopts nothing else", async () => {
    member("alice@example.com");
    const { id, state } = await up(runtime.team, team("dba", ["alice@example.com", "bob@example.com"]));
    const [made] = h.emulator.state.teams(h.orgId);
    expect(made?.name).toBe("dba");
    expect(id).toBe(`${h.orgId}/${made?.id}`);
    expect(state).toMatchObject({ status: "ACTIVE", teamId: made?.id, members: ["alice@example.com"], projectIds: [] });
    expect(h.emulator.state.teamUsers(h.orgId, made?.id ?? "").map((u) => u.username)).toEqual(["alice@example.com"]);
  });

  it("waits, sending nothing, while no founder is a member; the replacement after one accepts creates it", async () => {
    const invite = await h.outside.createInvitation(h.orgId, { username: "alice@example.com", roles: ["ORG_MEMBER"] });
    h.emulator.state.clearRequests();
    const { state } = await up(runtime.team, team("dba", ["alice@example.com"]));
    expect(state).toMatchObject({ status: "WAITING", teamId: "waiting:dba", waitingFor: ["alice@example.com"] });
    expect(writes()).toEqual([]);
    expect(h.notices.join("\n")).toMatch(/team "dba" waits for a founder/);
    // While no founder is a member, nothing is proposed: the gate stays green.
    expect(await runtime.team.diff(`${h.orgId}/waiting:dba`, state, team("dba", ["alice@example.com"]))).toMatchObject({ changes: false });
    h.emulator.state.acceptInvitation(h.orgId, invite.id);
    await h.newDeployment();
    expect(await runtime.team.diff(`${h.orgId}/waiting:dba`, state, team("dba", ["alice@example.com"]))).toMatchObject({
      changes: true,
      replaces: ["status"],
    });
    const { state: created } = await up(runtime.team, team("dba", ["alice@example.com"]));
    expect(created).toMatchObject({ status: "ACTIVE", members: ["alice@example.com"] });
    await runtime.team.delete(`${h.orgId}/waiting:dba`, state); // the old waiting one: nothing to delete
    expect(h.emulator.state.teams(h.orgId)).toHaveLength(1);
  });

  it("adopts an existing team of the same name (any case), saying so, without a write", async () => {
    const existing = h.emulator.state.createTeam(h.orgId, { name: "DBA" });
    h.emulator.state.clearRequests();
    const { state } = await up(runtime.team, team("dba", []));
    expect(state).toMatchObject({ teamId: existing.id, status: "ACTIVE" });
    expect(writes()).toEqual([]);
    expect(h.notices.join("\n")).toMatch(/already exists .* adopting it/);
  });

  it("refuses a new team without founders, sending nothing", async () => {
    const checked = await runtime.team.check({}, team("dba", []));
    await expect(runtime.team.create(checked.inputs ?? {})).rejects.toThrow(/TEAM_NEEDS_FOUNDER/);
    expect(writes()).toEqual([]);
  });

  it("renames in place: same id, members kept; a name another team has is refused before sending", async () => {
    member("alice@example.com");
    const { id, state } = await up(runtime.team, team("dba", ["alice@example.com"]));
    const teamId = String(state["teamId"]);
    h.emulator.state.createTeam(h.orgId, { name: "ops" });
    const clash = team("OPS", ["alice@example.com"]);
    expect(await runtime.team.diff(id, state, clash)).toMatchObject({ changes: true });
    h.emulator.state.clearRequests();
    await expect(runtime.team.update(id, state, clash)).rejects.toThrow(/TEAM_NAME_TAKEN/);
    expect(writes()).toEqual([]);
    const renamed = await runtime.team.update(id, state, team("database-admins", ["alice@example.com"]));
    expect(renamed.outs).toMatchObject({ teamId, name: "database-admins", members: ["alice@example.com"] });
    expect(h.emulator.state.teams(h.orgId).find((t) => t.id === teamId)?.name).toBe("database-admins");
  });

  it("reads a team renamed or deleted outside Pulumi as drift, kept in state", async () => {
    member("alice@example.com");
    const { id, state } = await up(runtime.team, team("dba", ["alice@example.com"]));
    h.emulator.state.renameTeam(h.orgId, String(state["teamId"]), "hand-named");
    const read = await runtime.team.read(id, state);
    expect(read.props).toMatchObject({ name: "hand-named", status: "ACTIVE" });
    expect(
      await runtime.team.diff(id, { ...read.props, __provider: PROVIDER_PLACEHOLDER }, team("dba", ["alice@example.com"])),
    ).toMatchObject({ changes: true });
    h.emulator.state.deleteTeam(h.orgId, String(state["teamId"]), { force: true });
    await h.newDeployment();
    const gone = await runtime.team.read(id, state);
    expect(gone.props).toMatchObject({ status: "DELETED", teamId: state["teamId"] });
    expect(
      await runtime.team.diff(id, { ...gone.props, __provider: PROVIDER_PLACEHOLDER }, team("dba", ["alice@example.com"])),
    ).toMatchObject({ replaces: ["status"] });
  });

  it("imports by {orgId}/name:{name} and by {orgId}/{teamId}", async () => {
    const existing = h.emulator.state.createTeam(h.orgId, { name: "dba" });
    const byName = await runtime.team.read(`${h.orgId}/name:dba`, {});
    expect(byName).toMatchObject({ id: `${h.orgId}/${existing.id}`, props: { teamId: existing.id, name: "dba" } });
    const byId = await runtime.team.read(`${h.orgId}/${existing.id}`, {});
    expect(byId.props).toMatchObject({ teamId: existing.id });
    expect(await runtime.team.read(`${h.orgId}/name:nobody`, {})).toEqual({ id: "" });
  });

  it("refuses to delete a team that has roles in a project no ProjectTeam takes it out of, naming the project", async () => {
    member("alice@example.com");
    const { id, state } = await up(runtime.team, team("dba", ["alice@example.com"]));
    const project = h.emulator.state.createProject(h.orgId, { name: "prod" });
    h.emulator.state.setProjectTeamRoles(project.id, String(state["teamId"]), ["GROUP_OWNER"]);
    h.emulator.state.clearRequests();
    await expect(runtime.team.delete(id, state)).rejects.toThrow(
      new RegExp(`TEAM_IN_UNDECLARED_PROJECTS: .*"prod" \\(${project.id}: GROUP_OWNER\\)`),
    );
    expect(writes()).toEqual([]);
    expect(h.emulator.state.teams(h.orgId)).toHaveLength(1);
  });
});

describe("ProjectTeam", () => {
  async function setup() {
    member("alice@example.com");
    const { state } = await up(runtime.team, team("dba", ["alice@example.com"]));
    const project = h.emulator.state.createProject(h.orgId, { name: "prod" });
    h.emulator.state.clearRequests();
    return { teamId: String(state["teamId"]), projectId: project.id, teamState: state };
  }

  it("gives the team its roles, changes them as a set, reads hand edits as drift, and takes the team off (never deleting it)", async () => {
    const { teamId, projectId } = await setup();
    const { id, state } = await up(runtime.projectTeam, projectTeam(projectId, teamId, ["GROUP_READ_ONLY", "GROUP_DATA_ACCESS_READ_ONLY"]));
    expect(id).toBe(`${h.orgId}/${projectId}/${teamId}`);
    expect(state).toMatchObject({
      status: "ACTIVE",
      roles: ["GROUP_DATA_ACCESS_READ_ONLY", "GROUP_READ_ONLY"],
      teamName: "dba",
      projectName: "prod",
    });
    expect(h.emulator.state.projectTeams(projectId)).toEqual([expect.objectContaining({ teamId })]);
    // same set in another order: no change
    expect(
      await runtime.projectTeam.diff(id, state, projectTeam(projectId, teamId, ["GROUP_READ_ONLY", "GROUP_DATA_ACCESS_READ_ONLY"])),
    ).toMatchObject({ changes: false });
    // by hand: raised to owner
    h.emulator.state.setProjectTeamRoles(projectId, teamId, ["GROUP_OWNER"]);
    const read = await runtime.projectTeam.read(id, state);
    expect(read.props).toMatchObject({ roles: ["GROUP_OWNER"], status: "ACTIVE" });
    const drifted = { ...read.props, __provider: PROVIDER_PLACEHOLDER };
    const wanted = projectTeam(projectId, teamId, ["GROUP_DATA_ACCESS_READ_ONLY", "GROUP_READ_ONLY"]);
    expect(await runtime.projectTeam.diff(id, drifted, wanted)).toMatchObject({ changes: true });
    expect(h.notices.join("\n")).toMatch(/team "dba" in project "prod" has roles GROUP_OWNER/);
    await runtime.projectTeam.update(id, drifted, wanted);
    expect(h.emulator.state.projectTeams(projectId)[0]?.roleNames.sort()).toEqual(["GROUP_DATA_ACCESS_READ_ONLY", "GROUP_READ_ONLY"]);
    // by hand: taken off
    h.emulator.state.removeProjectTeam(projectId, teamId);
    await h.newDeployment();
    const removed = await runtime.projectTeam.read(id, state);
    expect(removed.props).toMatchObject({ status: "REMOVED" });
    await runtime.projectTeam.update(id, { ...removed.props, __provider: PROVIDER_PLACEHOLDER }, wanted);
    expect(h.emulator.state.projectTeams(projectId)).toHaveLength(1);
    await runtime.projectTeam.delete(id, state);
    expect(h.emulator.state.projectTeams(projectId)).toEqual([]);
    expect(h.emulator.state.teams(h.orgId)).toHaveLength(1);
  });

  it("refuses a role that is not a project role at check, listing the nine", async () => {
    const checked = await runtime.projectTeam.check({}, projectTeam("a".repeat(24), "b".repeat(24), ["ORG_OWNER", "group_owner"]));
    expect(checked.failures?.[0]?.property).toBe("roles");
    expect(checked.failures?.[0]?.reason).toMatch(
      /"ORG_OWNER" is not a Cloud Manager project role.*GROUP_AUTOMATION_ADMIN, GROUP_BACKUP_ADMIN/,
    );
    expect(checked.failures?.[0]?.reason).toMatch(/did you mean "GROUP_OWNER"/);
  });

  it("refuses a project of another organization before sending, naming both", async () => {
    const { teamId } = await setup();
    const other = h.emulator.state.createOrg({ name: "elsewhere" });
    const foreign = h.emulator.state.createProject(other.id, { name: "their-prod" });
    const checked = await runtime.projectTeam.check({}, projectTeam(foreign.id, teamId, ["GROUP_READ_ONLY"]));
    await expect(runtime.projectTeam.create(checked.inputs ?? {})).rejects.toThrow(
      new RegExp(`PROJECT_TEAM_ORG_MISMATCH: .*team "dba" \\(${teamId}\\) is of organization ${h.orgId}, and project .*${foreign.id}`),
    );
    expect(writes()).toEqual([]);
  });

  it("assigns nothing for a team that waits for a founder", async () => {
    const project = h.emulator.state.createProject(h.orgId, { name: "prod" });
    const { state } = await up(runtime.projectTeam, projectTeam(project.id, "waiting:dba", ["GROUP_READ_ONLY"]));
    expect(state).toMatchObject({ status: "WAITING" });
    expect(writes()).toEqual([]);
  });

  it("removing a team and its roles in one run: the ProjectTeam first (dependency order), then the Team", async () => {
    const { teamId, projectId, teamState } = await setup();
    const { id, state } = await up(runtime.projectTeam, projectTeam(projectId, teamId, ["GROUP_READ_ONLY"]));
    await runtime.projectTeam.delete(id, state);
    await runtime.team.delete(`${h.orgId}/${teamId}`, teamState);
    expect(h.emulator.state.teams(h.orgId)).toEqual([]);
    expect(h.emulator.state.projectTeams(projectId)).toEqual([]);
  });
});

describe("one team, one resource; deletes of one run wait for each other", () => {
  it("refuses a second Team of the same name (any case) at check, and a second ProjectTeam for one team in one project", async () => {
    const first = await runtime.team.check({}, team("dba", ["alice@example.com"]));
    expect(first.failures ?? []).toEqual([]);
    const second = await runtime.team.check({}, { ...team("DBA", ["alice@example.com"]), __urn: urn("Team", "dba-again") });
    expect(second.failures?.[0]?.property).toBe("name");
    expect(second.failures?.[0]?.reason).toMatch(/TEAM_DECLARED_TWICE: team "DBA" .* "dba-again" and "dba"/);
    const projectId = "a".repeat(24);
    const teamId = "b".repeat(24);
    expect((await runtime.projectTeam.check({}, projectTeam(projectId, teamId, ["GROUP_READ_ONLY"]))).failures ?? []).toEqual([]);
    const again = await runtime.projectTeam.check(
      {},
      { ...projectTeam(projectId, teamId, ["GROUP_OWNER"]), __urn: urn("ProjectTeam", "again") },
    );
    expect(again.failures?.[0]?.property).toBe("teamId");
    expect(again.failures?.[0]?.reason).toMatch(/PROJECT_TEAM_DECLARED_TWICE: /);
    expect(writes()).toEqual([]);
  });

  it("a Team deleted beside the ProjectTeam that takes it off its project (no dependency between them) waits for it instead of refusing", async () => {
    member("alice@example.com");
    const { id: teamResource, state: teamState } = await up(runtime.team, team("dba", ["alice@example.com"]));
    const teamId = String(teamState["teamId"]);
    const project = h.emulator.state.createProject(h.orgId, { name: "prod" });
    const { id, state } = await up(runtime.projectTeam, projectTeam(project.id, teamId, ["GROUP_READ_ONLY"]));
    // The ProjectTeam's DELETE is held until the test releases it: the Team's delete reads the project meanwhile.
    h.emulator.state.addFault({ method: "DELETE", path: `/groups/${project.id}/teams/`, count: 1, fault: { type: "delay", ms: 60_000 } });
    const takingOff = runtime.projectTeam.delete(id, state);
    const deleting = runtime.team.delete(teamResource, teamState);
    await new Promise<void>((resolve) => {
      const poll = () =>
        h.requests().some((r) => r.method === "GET" && r.path.endsWith(`/groups/${project.id}/teams`)) ? resolve() : setImmediate(poll);
      poll();
    });
    h.emulator.state.clearFaults();
    await Promise.all([takingOff, deleting]);
    expect(h.emulator.state.teams(h.orgId)).toEqual([]);
    expect(h.emulator.state.projectTeams(project.id)).toEqual([]);
  });
});

describe("ProjectRoster and ProjectTeam", () => {
  it("does not report a team whose roles a ProjectTeam of the deployment declares", async () => {
    member("alice@example.com");
    const { state } = await up(runtime.team, team("dba", ["alice@example.com"]));
    const teamId = String(state["teamId"]);
    const project = h.emulator.state.createProject(h.orgId, { name: "prod" });
    const assigned = await runtime.projectTeam.check({}, projectTeam(project.id, teamId, ["GROUP_READ_ONLY"]));
    await runtime.projectTeam.create(assigned.inputs ?? {});
    const roster = await runtime.projectRoster.check(
      {},
      { orgId: h.orgId, projectId: project.id, managed: [], __urn: urn("ProjectRoster", "prod") },
    );
    const created = await runtime.projectRoster.create(roster.inputs ?? {});
    expect(created.outs).toMatchObject({ unmanagedTeams: "", unmanagedUsers: "", unmanagedInvitations: "" });
  });
});

describe("handing a team over between two people in one run", () => {
  it("the last member's leave, refused first, is done when the other person's OrgMembership puts them on the team", async () => {
    const oncall = h.emulator.state.createTeam(h.orgId, { name: "oncall" });
    h.emulator.state.addOrgUser(h.orgId, { username: "bob@example.com", roles: ["ORG_MEMBER"], teamIds: [oncall.id] });
    member("dave@example.com");
    const person = (username: string, teamIds: string[]) => ({
      orgId: h.orgId,
      username,
      roles: ["ORG_MEMBER"],
      teamIds,
      __urn: urn("OrgMembership", username.split("@")[0] ?? username),
      __provider: PROVIDER_PLACEHOLDER,
    });
    const bob = await runtime.membership.create((await runtime.membership.check({}, person("bob@example.com", [oncall.id]))).inputs ?? {});
    const dave = await runtime.membership.create((await runtime.membership.check({}, person("dave@example.com", []))).inputs ?? {});
    await h.newDeployment();
    // The engine runs bob's update first (worst case): oncall refuses to lose its last member.
    await runtime.membership.update(bob.id, { ...bob.outs, __provider: PROVIDER_PLACEHOLDER }, person("bob@example.com", []));
    expect(h.emulator.state.teamUsers(h.orgId, oncall.id).map((u) => u.username)).toEqual(["bob@example.com"]);
    await runtime.membership.update(dave.id, { ...dave.outs, __provider: PROVIDER_PLACEHOLDER }, person("dave@example.com", [oncall.id]));
    expect(h.emulator.state.teamUsers(h.orgId, oncall.id).map((u) => u.username)).toEqual(["dave@example.com"]);
    expect(h.notices.join("\n")).toMatch(/bob@example.com left team "oncall" .* once someone else joined it/);
  });
});
