// ProjectMembership, cell by cell of its status table (create, read, update, delete × PENDING — only
// invited to the organization, or invited by nobody —, ACTIVE, REMOVED — taken off the project by hand,
// or out of the organization by hand), each with what reached the API (the emulator's request log,
// ids shown as names) and the outputs; then import, the refusals (each sends nothing and names the
// fix) and a team's roles, which are never the person's own. Each "deployment" is one provider
// process: h.newDeployment() between commands, as with the engine.
import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { KNOWN_PROJECT_ROLES } from "../../sdk/types";
import { PROVIDER_PLACEHOLDER, runtime, startHarness, type Harness } from "./support/harness";
import { isMember, memberArgs, namer, ownRoles, requestLog, writeLog } from "./support/projects";
import { change, create, failure, refresh, stateOf, type Stored } from "./support/teams";

let h: Harness;
beforeAll(async () => {
  h = await startHarness();
});
beforeEach(() => h.reset());
afterAll(() => h.close());

const pm = runtime.projectMember;

/**
 * The world of every cell: project "prod" whose own owner is owner@example.com (so nobody else is its
 * last owner), project "staging", alice a member of the organization, bob invited to it (pending),
 * carol invited by nobody.
 */
async function world() {
  const prod = h.emulator.state.createProject(h.orgId, { name: "prod" });
  const staging = h.emulator.state.createProject(h.orgId, { name: "staging" });
  h.emulator.state.addOrgUser(h.orgId, { username: "owner@example.com", roles: ["ORG_MEMBER"] });
  h.emulator.state.setProjectUserRoles(prod.id, "owner@example.com", ["GROUP_OWNER"]);
  const alice = h.emulator.state.addOrgUser(h.orgId, { username: "alice@example.com", roles: ["ORG_MEMBER"] });
  const bobInvite = await h.outside.createInvitation(h.orgId, { username: "bob@example.com", roles: ["ORG_MEMBER"] });
  namer(h);
  await h.newDeployment();
  h.emulator.state.clearRequests();
  h.notices.length = 0;
  const args = (username: string, roles: string[], projectId = prod.id) => memberArgs(h.orgId, projectId, username, roles);
  return { prod: prod.id, staging: staging.id, alice, bobInvite, args };
}

/** A command ended: the next one is a new provider process, with an empty request log and no notices. */
async function nextCommand(): Promise<void> {
  await h.newDeployment();
  h.emulator.state.clearRequests();
  h.notices.length = 0;
}

const urnOf = (state: Stored["state"]) => String(state["__urn"]);

describe("create", () => {
  it("PENDING, only invited to the organization: reads only, no project invitation, the notice names the pending invitation", async () => {
    const { prod, bobInvite, args } = await world();
    const made = await create(pm, args("bob@example.com", ["GROUP_READ_ONLY"]));
    expect(made.id).toBe(`${h.orgId}/${prod}/bob@example.com`);
    expect(made.state).toEqual({
      orgId: h.orgId,
      projectId: prod,
      username: "bob@example.com",
      roles: ["GROUP_READ_ONLY"],
      status: "PENDING",
      projectName: "prod",
      __urn: urnOf(made.state),
      __provider: PROVIDER_PLACEHOLDER,
    });
    expect(requestLog(h)).toEqual(["GET /orgs/{org}/groups 200", "GET /orgs/{org}/users 200", "GET /orgs/{org}/invites 200"]);
    expect(h.emulator.state.projectInvitations()).toEqual([]);
    expect(h.notices).toEqual([
      expect.stringContaining(
        `bob@example.com gets GROUP_READ_ONLY in project "prod" once they are a member of organization ${h.orgId}: their invitation ${bobInvite.id} is pending.`,
      ),
    ]);
  });

  it("PENDING, invited by nobody: reads only, and the notice says to declare an OrgMembership", async () => {
    const { args } = await world();
    const made = await create(pm, args("carol@example.com", ["GROUP_READ_ONLY"]));
    expect(made.state).toMatchObject({ status: "PENDING", projectName: "prod" });
    expect(made.state["userId"]).toBeUndefined();
    expect(writeLog(h)).toEqual([]);
    expect(h.emulator.state.projectInvitations()).toEqual([]);
    expect(h.notices.join("\n")).toMatch(
      /carol@example.com gets GROUP_READ_ONLY in project "prod" once .*: nobody has invited them to the organization \(declare an OrgMembership for them\)\. Nothing was sent\./,
    );
  });

  it("ACTIVE: a member is given the roles with one POST (roles sorted); their organization roles and other projects are untouched", async () => {
    const { prod, alice, args } = await world();
    const made = await create(pm, args("alice@example.com", ["GROUP_READ_ONLY", "GROUP_DATA_ACCESS_READ_ONLY"]));
    expect(made.state).toEqual({
      orgId: h.orgId,
      projectId: prod,
      username: "alice@example.com",
      roles: ["GROUP_DATA_ACCESS_READ_ONLY", "GROUP_READ_ONLY"],
      status: "ACTIVE",
      userId: alice.id,
      projectName: "prod",
      __urn: urnOf(made.state),
      __provider: PROVIDER_PLACEHOLDER,
    });
    expect(requestLog(h)).toEqual([
      "GET /orgs/{org}/groups 200",
      "GET /orgs/{org}/users 200",
      "GET /groups/{prod}/users 200",
      "GET /groups/{prod}/invites 200",
      "POST /groups/{prod}/users 200",
    ]);
    expect(ownRoles(h, prod, "alice@example.com")).toEqual(["GROUP_DATA_ACCESS_READ_ONLY", "GROUP_READ_ONLY"]);
    expect(h.emulator.state.members(h.orgId).find((m) => m.username === "alice@example.com")?.roles).toEqual([
      { orgId: h.orgId, roleName: "ORG_MEMBER" },
    ]);
    expect(h.notices).toEqual([]);
  });

  it("ACTIVE, the same roles already there (by hand): adopted, nothing sent, said once", async () => {
    const { prod, args } = await world();
    h.emulator.state.setProjectUserRoles(prod, "alice@example.com", ["GROUP_READ_ONLY"]);
    const made = await create(pm, args("alice@example.com", ["GROUP_READ_ONLY"]));
    expect(made.state).toMatchObject({ status: "ACTIVE", roles: ["GROUP_READ_ONLY"] });
    expect(writeLog(h)).toEqual([]);
    expect(h.notices).toEqual([
      expect.stringMatching(/alice@example.com already has GROUP_READ_ONLY in project "prod"; adopting them \(nothing sent\)/),
    ]);
  });

  it("ACTIVE, other roles already there: adopted and set with one PUT of the full set", async () => {
    const { prod, args } = await world();
    h.emulator.state.setProjectUserRoles(prod, "alice@example.com", ["GROUP_DATA_ACCESS_ADMIN"]);
    const made = await create(pm, args("alice@example.com", ["GROUP_READ_ONLY"]));
    expect(made.state).toMatchObject({ status: "ACTIVE", roles: ["GROUP_READ_ONLY"] });
    expect(writeLog(h)).toEqual(["PUT /groups/{prod}/users/{alice}/roles 200"]);
    expect(ownRoles(h, prod, "alice@example.com")).toEqual(["GROUP_READ_ONLY"]);
    expect(h.notices.join("\n")).toMatch(
      /already has GROUP_DATA_ACCESS_ADMIN in project "prod"; adopting them and setting GROUP_READ_ONLY/,
    );
  });

  it("someone who left the organization by hand: PENDING, invited by nobody, nothing sent (never a project invitation)", async () => {
    const { args } = await world();
    h.emulator.state.removeOrgUser(h.orgId, "alice@example.com");
    const made = await create(pm, args("alice@example.com", ["GROUP_READ_ONLY"]));
    expect(made.state).toMatchObject({ status: "PENDING" });
    expect(writeLog(h)).toEqual([]);
    expect(isMember(h, "alice@example.com")).toBe(false);
    expect(h.notices.join("\n")).toMatch(/alice@example.com gets GROUP_READ_ONLY .*nobody has invited them/);
  });
});

describe("read (refresh)", () => {
  it("PENDING while the invitation is open (reads only); still PENDING once accepted without roles (the next up gives them)", async () => {
    const { bobInvite, args } = await world();
    const made = await create(pm, args("bob@example.com", ["GROUP_READ_ONLY"]));
    await nextCommand();
    const read = await pm.read(made.id, made.state);
    expect(read.props).toMatchObject({ status: "PENDING", roles: ["GROUP_READ_ONLY"], projectName: "prod" });
    expect(requestLog(h)).toEqual(["GET /orgs/{org}/groups 200", "GET /orgs/{org}/users 200"]);

    h.emulator.state.acceptInvitation(h.orgId, bobInvite.id);
    await nextCommand();
    const accepted = await refresh(pm, made);
    const bob = h.emulator.state.members(h.orgId).find((m) => m.username === "bob@example.com");
    expect(accepted.state).toMatchObject({ status: "PENDING", userId: bob?.id });
    expect(writeLog(h)).toEqual([]);
    expect(await pm.diff(accepted.id, accepted.state, args("bob@example.com", ["GROUP_READ_ONLY"]))).toMatchObject({ changes: true });
  });

  it("PENDING, invited by nobody: stays PENDING, reads only", async () => {
    const { args } = await world();
    const made = await create(pm, args("carol@example.com", ["GROUP_READ_ONLY"]));
    await nextCommand();
    const read = await refresh(pm, made);
    expect(read.state).toMatchObject({ status: "PENDING" });
    expect(writeLog(h)).toEqual([]);
  });

  it("ACTIVE: the person's own roles as Cloud Manager has them (a by-hand raise is read, and is drift the diff names)", async () => {
    const { prod, alice, args } = await world();
    const made = await create(pm, args("alice@example.com", ["GROUP_READ_ONLY"]));
    h.emulator.state.setProjectUserRoles(prod, "alice@example.com", ["GROUP_DATA_ACCESS_ADMIN", "GROUP_READ_ONLY"]);
    await nextCommand();
    const read = await refresh(pm, made);
    expect(read.state).toMatchObject({ status: "ACTIVE", userId: alice.id, roles: ["GROUP_DATA_ACCESS_ADMIN", "GROUP_READ_ONLY"] });
    expect(requestLog(h)).toEqual(["GET /orgs/{org}/groups 200", "GET /orgs/{org}/users 200", "GET /groups/{prod}/users 200"]);
    expect(await pm.diff(read.id, read.state, args("alice@example.com", ["GROUP_READ_ONLY"]))).toMatchObject({ changes: true });
    expect(h.notices.join("\n")).toMatch(
      /alice@example.com in project "prod" has GROUP_DATA_ACCESS_ADMIN, GROUP_READ_ONLY; `pulumi up` sets GROUP_READ_ONLY/,
    );
  });

  it("REMOVED, taken off the project by hand: the stored roles and userId kept, and the diff says `up` gives them back", async () => {
    const { prod, alice, args } = await world();
    const made = await create(pm, args("alice@example.com", ["GROUP_READ_ONLY"]));
    h.emulator.state.removeProjectUser(prod, "alice@example.com");
    await nextCommand();
    const read = await refresh(pm, made);
    expect(read.state).toMatchObject({ status: "REMOVED", roles: ["GROUP_READ_ONLY"], userId: alice.id, projectName: "prod" });
    expect(writeLog(h)).toEqual([]);
    expect(await pm.diff(read.id, read.state, args("alice@example.com", ["GROUP_READ_ONLY"]))).toMatchObject({ changes: true });
    expect(h.notices.join("\n")).toMatch(/alice@example.com in project "prod" lost their roles outside Pulumi/);
    // Read again, it stays REMOVED (not PENDING).
    await nextCommand();
    expect((await refresh(pm, read)).state).toMatchObject({ status: "REMOVED" });
  });

  it("REMOVED, out of the organization by hand: no userId any more, nothing sent", async () => {
    const { args } = await world();
    const made = await create(pm, args("alice@example.com", ["GROUP_READ_ONLY"]));
    h.emulator.state.removeOrgUser(h.orgId, "alice@example.com");
    await nextCommand();
    const read = await refresh(pm, made);
    expect(read.state).toMatchObject({ status: "REMOVED", roles: ["GROUP_READ_ONLY"] });
    expect(read.state["userId"]).toBeUndefined();
    expect(writeLog(h)).toEqual([]);
  });
});

describe("import (read without state)", () => {
  it("a person's own roles are imported (any letter case in the id); someone with none, with a team's roles only, or not a member: id ''", async () => {
    const { prod, alice } = await world();
    h.emulator.state.setProjectUserRoles(prod, "alice@example.com", ["GROUP_READ_ONLY", "GROUP_DATA_ACCESS_READ_WRITE"]);
    const team = h.emulator.state.createTeam(h.orgId, { name: "dba" });
    h.emulator.state.addOrgUser(h.orgId, { username: "dan@example.com", roles: ["ORG_MEMBER"], teamIds: [team.id] });
    h.emulator.state.setProjectTeamRoles(prod, team.id, ["GROUP_OWNER"]);
    await nextCommand();

    const imported = await pm.read(`${h.orgId}/${prod}/Alice@Example.com`, {});
    expect(imported).toEqual({
      id: `${h.orgId}/${prod}/Alice@Example.com`,
      props: {
        orgId: h.orgId,
        projectId: prod,
        username: "Alice@Example.com",
        roles: ["GROUP_DATA_ACCESS_READ_WRITE", "GROUP_READ_ONLY"],
        status: "ACTIVE",
        userId: alice.id,
        projectName: "prod",
      },
    });
    for (const username of ["bob@example.com", "carol@example.com", "dan@example.com", "owner@example.com"]) {
      const found = await pm.read(`${h.orgId}/${prod}/${username}`, {});
      // owner@example.com has roles of their own: imported; the others have none of their own.
      expect(found.id, username).toBe(username === "owner@example.com" ? `${h.orgId}/${prod}/${username}` : "");
    }
    expect(writeLog(h)).toEqual([]);
  });

  it("an import id that is not {orgId}/{projectId}/{username} is refused with an example", async () => {
    await world();
    const error = await failure(pm.read(`${h.orgId}/alice@example.com`, {}));
    expect(error.message).toMatch(/INVALID_RESOURCE_ID: .*Use "\{orgId\}\/\{projectId\}\/\{username\}"/);
    expect(requestLog(h)).toEqual([]);
  });
});

describe("update", () => {
  it("PENDING: nothing sent while the invitation is open; the first up after they accept gives the roles with one POST", async () => {
    const { prod, bobInvite, args } = await world();
    const made = await create(pm, args("bob@example.com", ["GROUP_READ_ONLY"]));
    await nextCommand();
    // The update step itself (whether the diff proposes one while the invitation is open is the diff's business).
    const updated = await pm.update(made.id, made.state, args("bob@example.com", ["GROUP_READ_ONLY"]));
    const still = { id: made.id, state: stateOf(updated.outs) };
    expect(still.state).toMatchObject({ status: "PENDING", roles: ["GROUP_READ_ONLY"] });
    expect(writeLog(h)).toEqual([]);

    h.emulator.state.acceptInvitation(h.orgId, bobInvite.id);
    await nextCommand();
    const given = await change(pm, still, args("bob@example.com", ["GROUP_READ_ONLY"]));
    expect(given).toMatchObject({ step: "update", state: { status: "ACTIVE", roles: ["GROUP_READ_ONLY"] } });
    expect(writeLog(h)).toEqual(["POST /groups/{prod}/users 200"]);
    expect(ownRoles(h, prod, "bob@example.com")).toEqual(["GROUP_READ_ONLY"]);
    await nextCommand();
    expect(await change(pm, given, args("bob@example.com", ["GROUP_READ_ONLY"]))).toMatchObject({ step: "same" });
  });

  it("PENDING, invited by nobody: each up says so and sends nothing", async () => {
    const { args } = await world();
    const made = await create(pm, args("carol@example.com", ["GROUP_READ_ONLY"]));
    await nextCommand();
    const still = await change(pm, made, args("carol@example.com", ["GROUP_READ_ONLY", "GROUP_OWNER"]));
    expect(still.state).toMatchObject({ status: "PENDING", roles: ["GROUP_OWNER", "GROUP_READ_ONLY"] });
    expect(writeLog(h)).toEqual([]);
    expect(h.notices.join("\n")).toMatch(/carol@example.com gets GROUP_OWNER, GROUP_READ_ONLY .*nobody has invited them/);
  });

  it("ACTIVE: the full set with one PUT (compared as a set: the same roles in another order is no change)", async () => {
    const { prod, args } = await world();
    const made = await create(pm, args("alice@example.com", ["GROUP_READ_ONLY", "GROUP_DATA_ACCESS_READ_ONLY"]));
    await nextCommand();
    expect(await change(pm, made, args("alice@example.com", ["GROUP_DATA_ACCESS_READ_ONLY", "GROUP_READ_ONLY"]))).toMatchObject({
      step: "same",
    });
    const changed = await change(pm, made, args("alice@example.com", ["GROUP_DATA_ACCESS_ADMIN"]));
    expect(changed.state).toMatchObject({ status: "ACTIVE", roles: ["GROUP_DATA_ACCESS_ADMIN"] });
    expect(writeLog(h)).toEqual(["PUT /groups/{prod}/users/{alice}/roles 200"]);
    expect(ownRoles(h, prod, "alice@example.com")).toEqual(["GROUP_DATA_ACCESS_ADMIN"]);
  });

  it("REMOVED, taken off the project by hand: one POST gives the roles back, and says why", async () => {
    const { prod, args } = await world();
    const made = await create(pm, args("alice@example.com", ["GROUP_READ_ONLY"]));
    h.emulator.state.removeProjectUser(prod, "alice@example.com");
    await nextCommand();
    const removed = await refresh(pm, made);
    const back = await change(pm, removed, args("alice@example.com", ["GROUP_READ_ONLY"]));
    expect(back.state).toMatchObject({ status: "ACTIVE", roles: ["GROUP_READ_ONLY"] });
    expect(writeLog(h)).toEqual(["POST /groups/{prod}/users 200"]);
    expect(ownRoles(h, prod, "alice@example.com")).toEqual(["GROUP_READ_ONLY"]);
    expect(h.notices.join("\n")).toMatch(/alice@example.com has no roles of their own in project "prod" .*giving them GROUP_READ_ONLY/);
  });

  it("REMOVED, out of the organization by hand: PENDING again, nothing sent (no project invitation brings them back)", async () => {
    const { args } = await world();
    const made = await create(pm, args("alice@example.com", ["GROUP_READ_ONLY"]));
    h.emulator.state.removeOrgUser(h.orgId, "alice@example.com");
    await nextCommand();
    const removed = await refresh(pm, made);
    const waiting = await change(pm, removed, args("alice@example.com", ["GROUP_READ_ONLY"]));
    expect(waiting.state).toMatchObject({ status: "PENDING" });
    expect(writeLog(h)).toEqual([]);
    expect(h.emulator.state.projectInvitations()).toEqual([]);
    expect(isMember(h, "alice@example.com")).toBe(false);
  });
});

describe("delete", () => {
  it("PENDING: nothing to take away; a project invitation sent to them by hand is withdrawn (accepting it would give the access)", async () => {
    const { prod, args } = await world();
    const made = await create(pm, args("bob@example.com", ["GROUP_READ_ONLY"]));
    h.emulator.state.inviteToProjectAs(prod, { username: "Bob@example.com", roles: ["GROUP_OWNER"] }, "admin@example.com");
    namer(h);
    await nextCommand();
    await pm.delete(made.id, made.state);
    expect(writeLog(h)).toEqual(["DELETE /groups/{prod}/invites/{invite:Bob} 204"]);
    expect(h.emulator.state.pendingProjectInvitations(prod)).toEqual([]);
    expect(h.emulator.state.pendingInvitations(h.orgId).map((i) => i.username)).toEqual(["bob@example.com"]);
    expect(h.notices.join("\n")).toMatch(
      /withdrew the pending invitation .* for bob@example.com to project "prod" \(GROUP_OWNER; sent by admin@example.com\)/,
    );
  });

  it("ACTIVE: one DELETE of the person in this project; their organization membership, other projects and team roles stay", async () => {
    const { prod, staging, args } = await world();
    const team = h.emulator.state.createTeam(h.orgId, { name: "dba" });
    h.emulator.state.addMemberToTeams(h.orgId, "alice@example.com", [team.id]);
    h.emulator.state.setProjectTeamRoles(prod, team.id, ["GROUP_READ_ONLY"]);
    h.emulator.state.setProjectUserRoles(staging, "alice@example.com", ["GROUP_OWNER"]);
    const made = await create(pm, args("alice@example.com", ["GROUP_DATA_ACCESS_ADMIN"]));
    await nextCommand();
    await pm.delete(made.id, made.state);
    expect(writeLog(h)).toEqual(["DELETE /groups/{prod}/users/{alice} 204"]);
    expect(ownRoles(h, prod, "alice@example.com")).toEqual([]);
    expect(ownRoles(h, staging, "alice@example.com")).toEqual(["GROUP_OWNER"]);
    expect(isMember(h, "alice@example.com")).toBe(true);
    expect(h.emulator.state.projectTeams(prod)).toEqual([{ teamId: team.id, roleNames: ["GROUP_READ_ONLY"] }]);
    expect(h.emulator.state.teamUsers(h.orgId, team.id).map((u) => u.username)).toEqual(["alice@example.com"]);
  });

  it("REMOVED, taken off the project by hand: a fresh read confirms it, nothing sent, said", async () => {
    const { prod, args } = await world();
    const made = await create(pm, args("alice@example.com", ["GROUP_READ_ONLY"]));
    h.emulator.state.removeProjectUser(prod, "alice@example.com");
    await nextCommand();
    await pm.delete(made.id, made.state);
    expect(writeLog(h)).toEqual([]);
    expect(requestLog(h).filter((r) => r.startsWith("GET /groups/{prod}/users"))).toHaveLength(2);
    expect(h.notices.join("\n")).toMatch(/alice@example.com has no roles of their own in project "prod" .*nothing to remove/);
  });

  it("REMOVED, out of the organization by hand: nothing sent, said; nobody is invited back", async () => {
    const { args } = await world();
    const made = await create(pm, args("alice@example.com", ["GROUP_READ_ONLY"]));
    h.emulator.state.removeOrgUser(h.orgId, "alice@example.com");
    await nextCommand();
    await pm.delete(made.id, made.state);
    expect(writeLog(h)).toEqual([]);
    expect(isMember(h, "alice@example.com")).toBe(false);
    expect(h.notices.join("\n")).toMatch(/alice@example.com has no roles of their own in project "prod" .*nothing to remove/);
  });
});

describe("refusals: nothing sent, the fix named", () => {
  it("LAST_PROJECT_OWNER: demoting or removing the project's only direct owner (naming Cloud Manager's code and the fix)", async () => {
    const prod = h.emulator.state.createProject(h.orgId, { name: "prod" });
    h.emulator.state.addOrgUser(h.orgId, { username: "alice@example.com", roles: ["ORG_MEMBER"] });
    const made = await create(pm, memberArgs(h.orgId, prod.id, "alice@example.com", ["GROUP_OWNER"]));
    await nextCommand();
    const demote = await failure(change(pm, made, memberArgs(h.orgId, prod.id, "alice@example.com", ["GROUP_READ_ONLY"])));
    expect(demote.message).toMatch(
      new RegExp(
        `LAST_PROJECT_OWNER: alice@example.com is the only Project Owner of project "prod" \\(${prod.id}\\) with the role given directly; ` +
          `changing their roles to GROUP_READ_ONLY would leave it without one \\(Cloud Manager refuses: CANNOT_DEMOTE_LAST_OWNER\\)\\. ` +
          `Give another person GROUP_OWNER in the project first`,
      ),
    );
    const remove = await failure(pm.delete(made.id, made.state));
    expect(remove.message).toMatch(
      /LAST_PROJECT_OWNER: .*taking them out of it would leave it without one \(Cloud Manager refuses: CANNOT_DELETE_LAST_OWNER\)/,
    );
    expect(remove.message).toMatch(/`retainOnDelete`/);
    expect(writeLog(h)).toEqual([]);
    expect(ownRoles(h, prod.id, "alice@example.com")).toEqual(["GROUP_OWNER"]);
  });

  it("LAST_PROJECT_OWNER holds although a team has GROUP_OWNER in the project or the person is an Organization Owner (Cloud Manager agrees)", async () => {
    const prod = h.emulator.state.createProject(h.orgId, { name: "prod" });
    h.emulator.state.addOrgUser(h.orgId, { username: "alice@example.com", roles: ["ORG_OWNER"] });
    const team = h.emulator.state.createTeam(h.orgId, { name: "owners" });
    h.emulator.state.addOrgUser(h.orgId, { username: "dan@example.com", roles: ["ORG_MEMBER"], teamIds: [team.id] });
    h.emulator.state.setProjectTeamRoles(prod.id, team.id, ["GROUP_OWNER"]);
    const made = await create(pm, memberArgs(h.orgId, prod.id, "alice@example.com", ["GROUP_OWNER"]));
    await nextCommand();
    expect((await failure(change(pm, made, memberArgs(h.orgId, prod.id, "alice@example.com", ["GROUP_READ_ONLY"])))).message).toMatch(
      /^[^]*LAST_PROJECT_OWNER: [^]*CANNOT_DEMOTE_LAST_OWNER/,
    );
    expect((await failure(pm.delete(made.id, made.state))).message).toMatch(/LAST_PROJECT_OWNER: [^]*CANNOT_DELETE_LAST_OWNER/);
    expect(writeLog(h)).toEqual([]);
    // What Cloud Manager (the emulator) would answer had it been sent: the same rule.
    const alice = String(made.state["userId"]);
    await expect(h.outside.setProjectUserRoles(prod.id, alice, ["GROUP_READ_ONLY"])).rejects.toMatchObject({
      status: 403,
      errorCode: "CANNOT_DEMOTE_LAST_OWNER",
    });
    await expect(h.outside.removeProjectUser(prod.id, alice)).rejects.toMatchObject({ status: 403, errorCode: "CANNOT_DELETE_LAST_OWNER" });
  });

  it("not refused when another person is a direct owner: the demote and the removal are sent", async () => {
    const { prod, args } = await world(); // owner@example.com owns prod directly
    const made = await create(pm, args("alice@example.com", ["GROUP_OWNER"]));
    await nextCommand();
    const demoted = await change(pm, made, args("alice@example.com", ["GROUP_READ_ONLY"]));
    expect(demoted.state).toMatchObject({ status: "ACTIVE", roles: ["GROUP_READ_ONLY"] });
    const promoted = await change(pm, demoted, args("alice@example.com", ["GROUP_OWNER"]));
    await pm.delete(promoted.id, promoted.state);
    expect(writeLog(h)).toEqual([
      "PUT /groups/{prod}/users/{alice}/roles 200",
      "PUT /groups/{prod}/users/{alice}/roles 200",
      "DELETE /groups/{prod}/users/{alice} 204",
    ]);
    expect(ownRoles(h, prod, "owner@example.com")).toEqual(["GROUP_OWNER"]);
  });

  it("PROJECT_NOT_IN_ORG: a project of another organization, at create and update, whoever the person is", async () => {
    const { args } = await world();
    const other = h.emulator.state.createOrg({ name: "elsewhere" });
    const foreign = h.emulator.state.createProject(other.id, { name: "their-prod" });
    for (const username of ["alice@example.com", "bob@example.com", "carol@example.com"]) {
      const error = await failure(create(pm, args(username, ["GROUP_READ_ONLY"], foreign.id)));
      expect(error.message).toMatch(
        new RegExp(
          `PROJECT_NOT_IN_ORG: project ${foreign.id} is not a project of organization ${h.orgId} \\(nor one these credentials can read\\), ` +
            `and ${username}'s membership is declared in organization ${h.orgId}\\. Fix projectId or orgId\\. Nothing was sent\\.`,
        ),
      );
    }
    const stored: Stored = {
      id: `${h.orgId}/${foreign.id}/alice@example.com`,
      state: stateOf({ ...args("alice@example.com", ["GROUP_READ_ONLY"], foreign.id), status: "ACTIVE" }),
    };
    expect((await failure(pm.update(stored.id, stored.state, args("alice@example.com", ["GROUP_OWNER"], foreign.id)))).message).toMatch(
      /PROJECT_NOT_IN_ORG/,
    );
    expect(writeLog(h)).toEqual([]);
    expect(h.emulator.state.projectUsers(foreign.id)).toEqual([]);
  });

  it("PROJECT_MEMBERSHIP_DECLARED_TWICE at check: the same person in the same project, in any letter case of username or project id", async () => {
    const { prod, staging } = await world();
    const first = await pm.check({}, memberArgs(h.orgId, prod, "Carol@Example.com", ["GROUP_READ_ONLY"], "carol-a"));
    expect(first.failures ?? []).toEqual([]);
    const second = await pm.check({}, memberArgs(h.orgId, prod.toUpperCase(), "carol@example.COM", ["GROUP_OWNER"], "carol-b"));
    expect(second.failures?.map((f) => f.property)).toEqual(["username"]);
    expect(second.failures?.[0]?.reason).toMatch(
      /^PROJECT_MEMBERSHIP_DECLARED_TWICE: carol@example.COM is declared more than once for project [0-9a-f]{24}: "carol-b" and "carol-a"\. A person has one set of roles per project; keep one ProjectMembership/,
    );
    // Another project: no conflict. The first resource checked again: refused too (both are declared now).
    expect((await pm.check({}, memberArgs(h.orgId, staging, "carol@example.com", ["GROUP_OWNER"], "carol-c"))).failures ?? []).toEqual([]);
    expect(
      (await pm.check({}, memberArgs(h.orgId, prod, "carol@example.com", ["GROUP_READ_ONLY"], "carol-a"))).failures?.[0]?.reason,
    ).toMatch(/PROJECT_MEMBERSHIP_DECLARED_TWICE: .*"carol-a" and "carol-b"/);
    expect(requestLog(h)).toEqual([]);
  });

  it("at check, before any request: a role that is not a project role (listing the nine), a bad project id, a bad username", async () => {
    await world();
    const nine = KNOWN_PROJECT_ROLES.join(", ");
    const roles = await pm.check(
      {},
      memberArgs(h.orgId, "65a0b1c2d3e4f5a6b7c8d9e0", "alice@example.com", ["ORG_MEMBER", "group_read_only"]),
    );
    expect(roles.failures?.map((f) => f.property)).toEqual(["roles"]);
    expect(roles.failures?.[0]?.reason).toContain(`roles[0]: "ORG_MEMBER" is not a Cloud Manager project role; the roles are: ${nine}`);
    expect(roles.failures?.[0]?.reason).toContain(
      `roles[1]: "group_read_only" is not a Cloud Manager project role (did you mean "GROUP_READ_ONLY"?)`,
    );
    const empty = await pm.check({}, memberArgs(h.orgId, "65a0b1c2d3e4f5a6b7c8d9e0", "alice@example.com", []));
    expect(empty.failures?.[0]?.property).toBe("roles");
    expect(empty.failures?.[0]?.reason).toContain(`the roles are: ${nine}`);
    const bad = await pm.check({}, memberArgs(h.orgId, "prod", "alice", ["GROUP_READ_ONLY"]));
    expect(bad.failures?.map((f) => f.property)).toEqual(["projectId", "username"]);
    expect(bad.failures?.[0]?.reason).toMatch(/"prod" is not a project id: expected 24 hexadecimal characters/);
    expect(bad.failures?.[1]?.reason).toMatch(/alice/);
    const missing = await pm.check({}, { ...memberArgs(h.orgId, "", "", ["GROUP_READ_ONLY"]) });
    expect(missing.failures?.map((f) => f.property)).toEqual(["projectId", "username"]);
    expect(missing.failures?.[0]?.reason).toMatch(/projectId is required: the id of the project \(24 hexadecimal characters\)/);
    expect(requestLog(h)).toEqual([]);
  });
});

describe("direct roles only: a team's roles are never the person's own", () => {
  it("someone with roles through a team only: create gives roles of their own (POST); refresh shows only those; delete leaves the team's", async () => {
    const { prod, args } = await world();
    const team = h.emulator.state.createTeam(h.orgId, { name: "dba" });
    h.emulator.state.addMemberToTeams(h.orgId, "alice@example.com", [team.id]);
    h.emulator.state.setProjectTeamRoles(prod, team.id, ["GROUP_DATA_ACCESS_ADMIN", "GROUP_OWNER"]);
    namer(h);
    await nextCommand();
    const made = await create(pm, args("alice@example.com", ["GROUP_READ_ONLY"]));
    expect(made.state).toMatchObject({ status: "ACTIVE", roles: ["GROUP_READ_ONLY"] });
    expect(writeLog(h)).toEqual(["POST /groups/{prod}/users 200"]);
    expect(h.notices).toEqual([]);
    await nextCommand();
    const read = await refresh(pm, made);
    expect(read.state).toMatchObject({ status: "ACTIVE", roles: ["GROUP_READ_ONLY"] });
    expect(await pm.diff(read.id, read.state, args("alice@example.com", ["GROUP_READ_ONLY"]))).toMatchObject({ changes: false });
    // The team's roles change by hand: no drift here.
    h.emulator.state.setProjectTeamRoles(prod, team.id, ["GROUP_READ_ONLY"]);
    await nextCommand();
    expect((await refresh(pm, read)).state).toMatchObject({ status: "ACTIVE", roles: ["GROUP_READ_ONLY"] });
    await pm.delete(read.id, read.state);
    expect(writeLog(h)).toEqual(["DELETE /groups/{prod}/users/{alice} 204"]);
    expect(h.emulator.state.projectTeams(prod)).toEqual([{ teamId: team.id, roleNames: ["GROUP_READ_ONLY"] }]);
    // Still reaching the project through the team, with none of her own.
    expect(h.emulator.state.projectUsers(prod, { flattenTeams: true }).map((u) => u.username)).toContain("alice@example.com");
    expect(ownRoles(h, prod, "alice@example.com")).toEqual([]);
  });

  it("a refresh of someone whose own roles were taken while the team's stay: REMOVED (the team's roles do not count)", async () => {
    const { prod, args } = await world();
    const team = h.emulator.state.createTeam(h.orgId, { name: "dba" });
    h.emulator.state.addMemberToTeams(h.orgId, "alice@example.com", [team.id]);
    h.emulator.state.setProjectTeamRoles(prod, team.id, ["GROUP_READ_ONLY"]);
    const made = await create(pm, args("alice@example.com", ["GROUP_READ_ONLY"]));
    h.emulator.state.removeProjectUser(prod, "alice@example.com");
    await nextCommand();
    expect((await refresh(pm, made)).state).toMatchObject({ status: "REMOVED" });
  });
});

describe("within one deployment", () => {
  it("two direct owners demoted at once (the engine runs both updates concurrently): one is sent, the other refused before sending", async () => {
    const prod = h.emulator.state.createProject(h.orgId, { name: "prod" });
    for (const username of ["alice@example.com", "erin@example.com"]) {
      h.emulator.state.addOrgUser(h.orgId, { username, roles: ["ORG_MEMBER"] });
      h.emulator.state.setProjectUserRoles(prod.id, username, ["GROUP_OWNER"]);
    }
    const alice = await create(pm, memberArgs(h.orgId, prod.id, "alice@example.com", ["GROUP_OWNER"]));
    const erin = await create(pm, memberArgs(h.orgId, prod.id, "erin@example.com", ["GROUP_OWNER"]));
    namer(h);
    await nextCommand();
    const outcomes = await Promise.allSettled([
      change(pm, alice, memberArgs(h.orgId, prod.id, "alice@example.com", ["GROUP_READ_ONLY"])),
      change(pm, erin, memberArgs(h.orgId, prod.id, "erin@example.com", ["GROUP_READ_ONLY"])),
    ]);
    expect(outcomes.map((o) => o.status).sort()).toEqual(["fulfilled", "rejected"]);
    const refused = outcomes.find((o) => o.status === "rejected");
    expect(String(refused?.status === "rejected" ? (refused.reason as Error).message : "")).toMatch(
      /LAST_PROJECT_OWNER: .* is the only Project Owner of project "prod"/,
    );
    // One PUT, accepted; never one Cloud Manager had to refuse.
    expect(writeLog(h)).toEqual([expect.stringMatching(/^PUT \/groups\/\{prod\}\/users\/\{(alice|erin)\}\/roles 200$/)]);
    expect(h.emulator.state.projectUsers(prod.id).filter((u) => u.roles.some((r) => r.roleName === "GROUP_OWNER"))).toHaveLength(1);
  });

  it("a ProjectMembership renamed (a new resource for the same person and project; the old one deleted last): the person keeps the roles", async () => {
    const { prod } = await world();
    const before = await create(pm, memberArgs(h.orgId, prod, "alice@example.com", ["GROUP_READ_ONLY"], "alice"));
    await nextCommand();
    // `pulumi up` with the resource renamed: the new one is checked and created, then the old one deleted.
    const after = await create(pm, memberArgs(h.orgId, prod, "alice@example.com", ["GROUP_READ_ONLY"], "alice-in-prod"));
    await pm.delete(before.id, before.state);
    expect(writeLog(h)).toEqual([]);
    expect(ownRoles(h, prod, "alice@example.com")).toEqual(["GROUP_READ_ONLY"]);
    expect(h.notices.join("\n")).toMatch(/the roles of alice@example.com in project [0-9a-f]{24} are handed over to "alice-in-prod"/);
    await nextCommand();
    expect((await refresh(pm, after)).state).toMatchObject({ status: "ACTIVE", roles: ["GROUP_READ_ONLY"] });
  });

  it("a project made after this deployment read the organization's projects is read on its own, not refused as another organization's", async () => {
    const { args } = await world();
    await create(pm, args("alice@example.com", ["GROUP_READ_ONLY"])); // the deployment's view of the projects is read now
    const later = h.emulator.state.createProject(h.orgId, { name: "later" });
    const made = await create(pm, args("alice@example.com", ["GROUP_READ_ONLY"], later.id));
    expect(made.state).toMatchObject({ status: "ACTIVE", projectName: "later" });
    expect(ownRoles(h, later.id, "alice@example.com")).toEqual(["GROUP_READ_ONLY"]);
  });
});
