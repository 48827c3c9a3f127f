// Team, OrgMembership.teamIds and ProjectTeam together, through the runtime in the order the engine
// calls them: the founder rule checked from either side; a team that waits for its founder, the
// invitation sent without it, and the run after acceptance that creates it, joins the others and
// gives it its project roles (each write once); and a team never left empty on the way (Cloud
// Manager refuses to remove a team's last user), down to removing it from everyone and deleting it.
import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { runtime, startHarness, type Harness } from "./support/harness";
import {
  addMember,
  change,
  create,
  failure,
  membershipArgs,
  onTeam,
  previewDiff,
  projectTeamArgs,
  refresh,
  teamArgs,
  writesOf,
  type Stored,
} from "./support/teams";

let h: Harness;
beforeAll(async () => {
  h = await startHarness();
});
beforeEach(() => h.reset());
afterAll(() => h.close());

const team = (name: string, founders: string[]) => teamArgs(h.orgId, name, founders);
const membership = (username: string, teamIds: string[]) => membershipArgs(h.orgId, username, teamIds);
const projectTeam = (projectId: string, teamId: string, roles: string[]) => projectTeamArgs(h.orgId, projectId, teamId, roles);

describe("the founder rule, from either side", () => {
  it("a founder's OrgMembership checked earlier without the team: the Team's create refuses, naming both and the fix, and sends nothing", async () => {
    addMember(h, "alice@example.com");
    await create(runtime.membership, membership("alice@example.com", []));
    h.emulator.state.clearRequests();
    const checked = await runtime.team.check({}, team("dba", ["alice@example.com"]));
    expect(checked.failures ?? []).toEqual([]);
    const error = await failure(runtime.team.create(checked.inputs ?? {}));
    expect(error.message).toMatch(
      /^TEAM_FOUNDER_NOT_ON_TEAM: alice@example.com is a founder of team "dba" \(Team "dba"\), but their OrgMembership "alice" does not list it in teamIds/,
    );
    expect(error.message).toMatch(
      /Add the team's `teamId` to that OrgMembership's teamIds, or take alice@example.com out of the Team's founders/,
    );
    expect(error.message).toMatch(/Nothing was sent\.$/);
    expect(writesOf(h)).toEqual([]);
    expect(h.emulator.state.teams(h.orgId)).toEqual([]);
  });

  it("an OrgMembership checked earlier that lists the waiting team lets the Team create it", async () => {
    addMember(h, "alice@example.com");
    await create(runtime.membership, membership("alice@example.com", ["waiting:dba"]));
    const made = await create(runtime.team, team("dba", ["alice@example.com"]));
    expect(made.state).toMatchObject({ status: "ACTIVE", members: ["alice@example.com"] });
  });

  it("a Team created first, then the founder's OrgMembership without its teamId: check fails on teamIds, naming the team and the fix", async () => {
    addMember(h, "alice@example.com");
    const other = h.emulator.state.createTeam(h.orgId, { name: "ops" });
    const made = await create(runtime.team, team("dba", ["alice@example.com"]));
    const teamId = String(made.state["teamId"]);
    h.emulator.state.clearRequests();
    for (const teamIds of [[], [other.id]]) {
      const checked = await runtime.membership.check({}, membership("alice@example.com", teamIds));
      expect(checked.failures).toEqual([
        {
          property: "teamIds",
          reason: expect.stringMatching(
            /^TEAM_FOUNDER_NOT_ON_TEAM: alice@example.com is a founder of team "dba" \(Team "dba"\), but their OrgMembership "alice" does not list it in teamIds.*Add the team's `teamId` to that OrgMembership's teamIds/,
          ) as unknown,
        },
      ]);
    }
    // Listing it passes (in any letter case: ids are compared ignoring it).
    expect((await runtime.membership.check({}, membership("alice@example.com", [teamId.toUpperCase()]))).failures ?? []).toEqual([]);
    expect(writesOf(h)).toEqual([]);
  });

  it("a waiting Team checked first: a founder's OrgMembership must list its waiting id", async () => {
    const waiting = await create(runtime.team, team("dba", ["bob@example.com"]));
    expect(waiting.state).toMatchObject({ status: "WAITING", teamId: "waiting:dba" });
    const without = await runtime.membership.check({}, membership("bob@example.com", []));
    expect(without.failures?.[0]).toMatchObject({
      property: "teamIds",
      reason: expect.stringMatching(/TEAM_FOUNDER_NOT_ON_TEAM: bob@example.com/) as unknown,
    });
    expect((await runtime.membership.check({}, membership("bob@example.com", ["waiting:dba"]))).failures ?? []).toEqual([]);
  });
});

describe("founders matter only when the Team creates the team", () => {
  it("an adopted team puts nobody on it: a founder's OrgMembership checked afterwards need not list it", async () => {
    addMember(h, "alice@example.com");
    const existing = h.emulator.state.createTeam(h.orgId, { name: "DBA" });
    addMember(h, "bob@example.com", [existing.id]);
    const adopted = await create(runtime.team, team("dba", ["alice@example.com"]));
    expect(adopted.state).toMatchObject({ teamId: existing.id, members: ["bob@example.com"] });
    expect((await runtime.membership.check({}, membership("alice@example.com", []))).failures ?? []).toEqual([]);
    await create(runtime.membership, membership("alice@example.com", []));
    expect(onTeam(h, existing.id)).toEqual(["bob@example.com"]);
  });

  it("a founder who left the team since: renaming the team is not refused, and she stays off it", async () => {
    addMember(h, "alice@example.com");
    addMember(h, "bob@example.com");
    let dba = await create(runtime.team, team("dba", ["alice@example.com"]));
    const teamId = String(dba.state["teamId"]);
    let alice = await create(runtime.membership, membership("alice@example.com", [teamId]));
    await create(runtime.membership, membership("bob@example.com", [teamId]));
    await h.newDeployment();
    // She leaves the team (bob stays on it); the Team is unchanged.
    alice = await change(runtime.membership, alice, membership("alice@example.com", []));
    expect(onTeam(h, teamId)).toEqual(["bob@example.com"]);
    await h.newDeployment();
    // The team is renamed; her OrgMembership, which no longer depends on the Team, is checked after it.
    const renamed = await change(runtime.team, dba, team("database-admins", ["alice@example.com"]));
    expect(renamed.step).toBe("update");
    dba = renamed;
    const checked = await runtime.membership.check(alice.state, membership("alice@example.com", []));
    expect(checked.failures ?? []).toEqual([]);
    expect(onTeam(h, teamId)).toEqual(["bob@example.com"]);
    expect(dba.state).toMatchObject({ name: "database-admins", teamId });
  });
});

describe("invited, accepted, converged: OrgMembership.teamIds = [team.teamId] while the Team waits", () => {
  it("the invitation goes out without the team; the run after acceptance creates it with its founder, joins the others once, and assigns it", async () => {
    const project = h.emulator.state.createProject(h.orgId, { name: "prod" });
    // Deployment 1: nobody is a member yet.
    let dba = await create(runtime.team, team("dba", ["alice@example.com"]));
    expect(dba.state).toMatchObject({ status: "WAITING", teamId: "waiting:dba", waitingFor: ["alice@example.com"] });
    let alice = await create(runtime.membership, membership("alice@example.com", ["waiting:dba"]));
    let bob = await create(runtime.membership, membership("bob@example.com", ["waiting:dba"]));
    let access = await create(runtime.projectTeam, projectTeam(project.id, "waiting:dba", ["GROUP_READ_ONLY"]));
    expect(access.state).toMatchObject({ status: "WAITING" });
    expect(writesOf(h)).toEqual(["POST /orgs/{org}/invites 201", "POST /orgs/{org}/invites 201"]);
    const invitations = h.emulator.state.pendingInvitations(h.orgId);
    expect(invitations.map((i) => [i.username, i.teamIds])).toEqual([
      ["alice@example.com", []],
      ["bob@example.com", []],
    ]);
    expect(h.notices.filter((n) => /alice@example.com joins team dba once it is created/.test(n))).toHaveLength(1);
    expect(h.notices.filter((n) => /bob@example.com joins team dba once it is created/.test(n))).toHaveLength(1);
    expect(h.notices.join("\n")).toMatch(/team "dba" waits for a founder/);

    for (const invitation of invitations) h.emulator.state.acceptInvitation(h.orgId, invitation.id);
    await h.newDeployment();
    h.emulator.state.clearRequests();

    // Deployment 2 (`pulumi up`): the Team is replaced (created), its dependents follow its new id.
    const created = await change(runtime.team, dba, team("dba", ["alice@example.com"]));
    expect(created.step).toBe("replace");
    dba = created;
    const teamId = String(dba.state["teamId"]);
    expect(teamId).toMatch(/^[0-9a-f]{24}$/);
    expect(dba.state).toMatchObject({ status: "ACTIVE", members: ["alice@example.com"] });
    const aliceStep = await change(runtime.membership, alice, membership("alice@example.com", [teamId]));
    const bobStep = await change(runtime.membership, bob, membership("bob@example.com", [teamId]));
    expect([aliceStep.step, bobStep.step]).toEqual(["update", "update"]);
    alice = aliceStep;
    bob = bobStep;
    const accessStep = await change(runtime.projectTeam, access, projectTeam(project.id, teamId, ["GROUP_READ_ONLY"]));
    expect(accessStep.step).toBe("replace");
    access = accessStep;
    // The engine deletes the replaced ones last: the waiting ones, never created, send nothing.
    if (accessStep.replaced) await runtime.projectTeam.delete(accessStep.replaced.id, accessStep.replaced.state);
    if (created.replaced) await runtime.team.delete(created.replaced.id, created.replaced.state);

    const users = h.emulator.state.members(h.orgId);
    const bobId = users.find((u) => u.username === "bob@example.com")?.id;
    expect(writesOf(h)).toEqual([
      "POST /orgs/{org}/teams 200",
      `POST /orgs/{org}/teams/${teamId}/users 200`,
      `POST /groups/${project.id}/teams 200`,
    ]);
    // The founder was put on the team by its creation: no second add for alice.
    expect(h.requests().filter((r) => r.method === "POST" && r.path.endsWith("/users") && r.status === 200)).toHaveLength(1);
    expect(h.requests().find((r) => r.method === "POST" && r.path.endsWith(`/teams/${teamId}/users`))).toBeDefined();
    expect(bobId).toBeDefined();
    expect(onTeam(h, teamId)).toEqual(["alice@example.com", "bob@example.com"]);
    expect(h.emulator.state.projectTeams(project.id)).toEqual([{ teamId, roleNames: ["GROUP_READ_ONLY"] }]);
    expect(alice.state).toMatchObject({ status: "ACTIVE", teamIds: [teamId] });
    expect(bob.state).toMatchObject({ status: "ACTIVE", teamIds: [teamId] });
    expect(access.state).toMatchObject({ status: "ACTIVE", teamId, teamName: "dba", projectName: "prod" });
    expect(h.emulator.state.teams(h.orgId)).toHaveLength(1);

    // Deployment 3 (`pulumi up --refresh`): everything reads as declared, nothing to do.
    await h.newDeployment();
    h.emulator.state.clearRequests();
    dba = await refresh(runtime.team, dba);
    expect(dba.state).toMatchObject({ members: ["alice@example.com", "bob@example.com"], projectIds: [project.id] });
    alice = await refresh(runtime.membership, alice);
    bob = await refresh(runtime.membership, bob);
    access = await refresh(runtime.projectTeam, access);
    expect(await previewDiff(runtime.team, dba, team("dba", ["alice@example.com"]))).toMatchObject({ changes: false });
    expect(await previewDiff(runtime.membership, alice, membership("alice@example.com", [teamId]))).toMatchObject({ changes: false });
    expect(await previewDiff(runtime.membership, bob, membership("bob@example.com", [teamId]))).toMatchObject({ changes: false });
    expect(await previewDiff(runtime.projectTeam, access, projectTeam(project.id, teamId, ["GROUP_READ_ONLY"]))).toMatchObject({
      changes: false,
    });
    expect(writesOf(h)).toEqual([]);
  });

  it("the founder accepted, another invitee not yet: his pending invitation is re-sent with the new team, and he joins it by accepting", async () => {
    let dba = await create(runtime.team, team("dba", ["alice@example.com"]));
    await create(runtime.membership, membership("alice@example.com", ["waiting:dba"]));
    let bob = await create(runtime.membership, membership("bob@example.com", ["waiting:dba"]));
    const [aliceInvite, bobInvite] = h.emulator.state.pendingInvitations(h.orgId);
    h.emulator.state.acceptInvitation(h.orgId, aliceInvite?.id ?? "");
    await h.newDeployment();
    h.emulator.state.clearRequests();

    dba = await change(runtime.team, dba, team("dba", ["alice@example.com"]));
    const teamId = String(dba.state["teamId"]);
    bob = await change(runtime.membership, bob, membership("bob@example.com", [teamId]));
    const [resent] = h.emulator.state.pendingInvitations(h.orgId);
    expect(writesOf(h)).toEqual([
      "POST /orgs/{org}/teams 200",
      `DELETE /orgs/{org}/invites/${bobInvite?.id} 204`,
      "POST /orgs/{org}/invites 201",
    ]);
    expect(resent).toMatchObject({ username: "bob@example.com", teamIds: [teamId] });
    expect(bob.state).toMatchObject({ status: "PENDING", invitationId: resent?.id, teamIds: [teamId] });

    h.emulator.state.acceptInvitation(h.orgId, resent?.id ?? "");
    await h.newDeployment();
    h.emulator.state.clearRequests();
    bob = await refresh(runtime.membership, bob);
    expect(bob.state).toMatchObject({ status: "ACTIVE", teamIds: [teamId] });
    expect(await previewDiff(runtime.membership, bob, membership("bob@example.com", [teamId]))).toMatchObject({ changes: false });
    expect(onTeam(h, teamId)).toEqual(["alice@example.com", "bob@example.com"]);
    expect(writesOf(h)).toEqual([]);
  });

  it("people who are already members: everything converges in one deployment, each write once", async () => {
    const project = h.emulator.state.createProject(h.orgId, { name: "prod" });
    addMember(h, "alice@example.com");
    addMember(h, "bob@example.com");
    h.emulator.state.clearRequests();
    let dba = await create(runtime.team, team("dba", ["alice@example.com"]));
    const teamId = String(dba.state["teamId"]);
    let alice = await create(runtime.membership, membership("alice@example.com", [teamId]));
    let bob = await create(runtime.membership, membership("bob@example.com", [teamId]));
    let access = await create(runtime.projectTeam, projectTeam(project.id, teamId, ["GROUP_OWNER"]));
    expect(writesOf(h)).toEqual([
      "POST /orgs/{org}/teams 200",
      `POST /orgs/{org}/teams/${teamId}/users 200`,
      `POST /groups/${project.id}/teams 200`,
    ]);
    expect(onTeam(h, teamId)).toEqual(["alice@example.com", "bob@example.com"]);
    expect(h.emulator.state.pendingInvitations(h.orgId)).toEqual([]);
    expect(alice.state).toMatchObject({ status: "ACTIVE", teamIds: [teamId] });
    expect(bob.state).toMatchObject({ status: "ACTIVE", teamIds: [teamId] });

    await h.newDeployment();
    h.emulator.state.clearRequests();
    dba = await refresh(runtime.team, dba);
    alice = await refresh(runtime.membership, alice);
    bob = await refresh(runtime.membership, bob);
    access = await refresh(runtime.projectTeam, access);
    expect(dba.state).toMatchObject({ members: ["alice@example.com", "bob@example.com"], projectIds: [project.id] });
    expect(await previewDiff(runtime.team, dba, team("dba", ["alice@example.com"]))).toMatchObject({ changes: false });
    expect(await previewDiff(runtime.membership, alice, membership("alice@example.com", [teamId]))).toMatchObject({ changes: false });
    expect(await previewDiff(runtime.membership, bob, membership("bob@example.com", [teamId]))).toMatchObject({ changes: false });
    expect(await previewDiff(runtime.projectTeam, access, projectTeam(project.id, teamId, ["GROUP_OWNER"]))).toMatchObject({
      changes: false,
    });
    expect(writesOf(h)).toEqual([]);
  });
});

describe("a team is never emptied on the way", () => {
  /** carol, already managed by an OrgMembership that lists `teamIds`. */
  async function carolOn(teamIds: string[]): Promise<{ carol: Stored; userId: string }> {
    const user = addMember(h, "carol@example.com", teamIds);
    const carol = await create(runtime.membership, membership("carol@example.com", teamIds));
    await h.newDeployment();
    h.emulator.state.clearRequests();
    return { carol, userId: user.id };
  }

  it("moving the last member of team A to team B: B is joined first, A refuses to lose her, she stays on both with a warning", async () => {
    const a = h.emulator.state.createTeam(h.orgId, { name: "team-a" });
    const b = h.emulator.state.createTeam(h.orgId, { name: "team-b" });
    const { carol, userId } = await carolOn([a.id]);
    const moved = await change(runtime.membership, carol, membership("carol@example.com", [b.id]));
    expect(writesOf(h)).toEqual([`POST /orgs/{org}/teams/${b.id}/users 200`, `DELETE /orgs/{org}/teams/${a.id}/users/${userId} 400`]);
    expect(onTeam(h, a.id)).toEqual(["carol@example.com"]);
    expect(onTeam(h, b.id)).toEqual(["carol@example.com"]);
    expect(moved.state).toMatchObject({ status: "ACTIVE", teamIds: [a.id, b.id].sort() });
    expect(
      h.notices.filter((n) => n.includes(`carol@example.com stays on team "${a.name}" (${a.id}) for now: they are its last member`)),
    ).toHaveLength(1);
  });

  it("when joining B fails, she is never taken off A (on neither)", async () => {
    const a = h.emulator.state.createTeam(h.orgId, { name: "team-a" });
    const b = h.emulator.state.createTeam(h.orgId, { name: "team-b" });
    addMember(h, "dan@example.com", [a.id]); // A would not be emptied: only the failed join keeps her there
    const { carol } = await carolOn([a.id]);
    h.emulator.state.addFault({
      method: "POST",
      path: `/teams/${b.id}/users$`,
      count: 1,
      fault: { type: "status", status: 400, errorCode: "MAX_USERS_PER_TEAM_EXCEEDED" },
    });
    const error = await failure(change(runtime.membership, carol, membership("carol@example.com", [b.id])));
    expect(error.message).toMatch(new RegExp(`^Adding carol@example.com to team ${b.id} failed: .*MAX_USERS_PER_TEAM_EXCEEDED`));
    expect(writesOf(h)).toEqual([`POST /orgs/{org}/teams/${b.id}/users 400`]);
    expect(onTeam(h, a.id)).toEqual(["carol@example.com", "dan@example.com"]);
  });

  it("the team taken from everyone and its Team deleted in one deployment: OrgMembership updates, then ProjectTeam delete, then Team delete", async () => {
    const project = h.emulator.state.createProject(h.orgId, { name: "prod" });
    addMember(h, "alice@example.com");
    addMember(h, "bob@example.com");
    const dba = await create(runtime.team, team("dba", ["alice@example.com"]));
    const teamId = String(dba.state["teamId"]);
    const alice = await create(runtime.membership, membership("alice@example.com", [teamId]));
    const bob = await create(runtime.membership, membership("bob@example.com", [teamId]));
    const access = await create(runtime.projectTeam, projectTeam(project.id, teamId, ["GROUP_READ_ONLY"]));
    await h.newDeployment();
    h.emulator.state.clearRequests();

    // The program no longer names the team: both OrgMemberships are updated (concurrently, as the
    // engine runs independent steps), then the removed resources are deleted, dependents first.
    const [aliceAfter, bobAfter] = await Promise.all([
      change(runtime.membership, alice, membership("alice@example.com", [])),
      change(runtime.membership, bob, membership("bob@example.com", [])),
    ]);
    await runtime.projectTeam.delete(access.id, access.state);
    await runtime.team.delete(dba.id, dba.state);

    const teamUserDeletes = h.requests().filter((r) => r.method === "DELETE" && r.path.includes(`/teams/${teamId}/users/`));
    // One of the two left the team; the other was its last member, refused, and stayed until the team went.
    expect(teamUserDeletes.map((r) => r.status).sort()).toEqual([204, 400]);
    expect(h.notices.filter((n) => /stays on team .*: they are its last member/.test(n))).toHaveLength(1);
    expect(writesOf(h).slice(-2)).toEqual([`DELETE /groups/${project.id}/teams/${teamId} 204`, `DELETE /orgs/{org}/teams/${teamId} 204`]);
    expect(h.emulator.state.teams(h.orgId)).toEqual([]);
    expect(h.emulator.state.projectTeams(project.id)).toEqual([]);
    expect(h.emulator.state.members(h.orgId).map((u) => u.teamIds)).toEqual([[], []]);

    // The next `pulumi up --refresh`: both read with no team, nothing more to do.
    await h.newDeployment();
    h.emulator.state.clearRequests();
    for (const [prior, username] of [
      [aliceAfter, "alice@example.com"],
      [bobAfter, "bob@example.com"],
    ] as const) {
      const read = await refresh(runtime.membership, prior);
      expect(read.state).toMatchObject({ status: "ACTIVE", teamIds: [] });
      expect(await previewDiff(runtime.membership, read, membership(username, []))).toMatchObject({ changes: false });
    }
    expect(writesOf(h)).toEqual([]);
  });
});
