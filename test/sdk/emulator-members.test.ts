import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { startEmulator, type RunningEmulator } from "../../emulator";
import { CloudManagerClient } from "../../sdk";
import { failure } from "./support/failure";

// The member and team methods end to end against the emulator: roles, removal, teams and their
// users, paging, and the errors a user sees (last owner, last team member, unknown user or team).

let emulator: RunningEmulator;
let client: CloudManagerClient;
let orgId: string;

beforeAll(async () => {
  emulator = await startEmulator();
  orgId = emulator.org.id;
  client = new CloudManagerClient({
    baseUrl: emulator.baseUrl,
    publicKey: emulator.credentials.publicKey,
    privateKey: emulator.credentials.privateKey,
    retry: { baseDelayMs: 1, maxDelayMs: 5 },
  });
});

afterAll(async () => {
  await client.close();
  await emulator.close();
});

beforeEach(() => {
  emulator.state.reset();
});

function orgRolesOf(userId: string): string[] {
  const member = emulator.state.members(orgId).find((u) => u.id === userId);
  return (member?.roles ?? []).map((r) => r.roleName).sort();
}

describe("members: roles and removal", () => {
  it("getUser, updateOrgUserRoles (the full set replaces), removeOrgUser", async () => {
    const owner = emulator.state.addOrgUser(orgId, { username: "owner@example.com", roles: ["ORG_OWNER"] });
    const member = emulator.state.addOrgUser(orgId, { username: "member@example.com", roles: ["ORG_MEMBER"], firstName: "Mem" });

    expect(await client.getUser(member.id)).toMatchObject({ id: member.id, username: "member@example.com", firstName: "Mem" });

    const roles = await client.updateOrgUserRoles(orgId, member.id, ["ORG_GROUP_CREATOR", "ORG_READ_ONLY"]);
    expect([...roles].sort()).toEqual(["ORG_GROUP_CREATOR", "ORG_READ_ONLY"]);
    expect(orgRolesOf(member.id)).toEqual(["ORG_GROUP_CREATOR", "ORG_READ_ONLY"]);

    await client.removeOrgUser(orgId, member.id);
    expect((await client.listOrgUsers(orgId)).map((u) => u.id)).toEqual([owner.id]);

    // Removed: a second removal is a 404 that names the user and the organization.
    const again = await failure(client.removeOrgUser(orgId, member.id));
    expect(again).toMatchObject({ status: 404, errorCode: "USER_NOT_FOUND" });
    expect(again.message).toContain(`Not found: user ${member.id} in organization ${orgId}`);
    expect(again.message).not.toContain("Ops Manager");
  });

  it("the last Organization Owner can be neither demoted nor removed, until another member holds ORG_OWNER", async () => {
    const owner = emulator.state.addOrgUser(orgId, { username: "only-owner@example.com", roles: ["ORG_OWNER"] });
    const other = emulator.state.addOrgUser(orgId, { username: "next-owner@example.com", roles: ["ORG_MEMBER"] });

    const demote = await failure(client.updateOrgUserRoles(orgId, owner.id, ["ORG_MEMBER"]));
    expect(demote).toMatchObject({ status: 403, errorCode: "CANNOT_DEMOTE_LAST_ORG_OWNER", method: "PUT" });
    expect(demote.message).toContain("must keep at least one Organization Owner: give another member ORG_OWNER first");
    expect(demote.message).not.toContain(emulator.credentials.privateKey);

    const remove = await failure(client.removeOrgUser(orgId, owner.id));
    expect(remove).toMatchObject({ status: 403, errorCode: "CANNOT_DELETE_LAST_OWNER", method: "DELETE" });
    expect(remove.message).toContain("must keep at least one Organization Owner: give another member ORG_OWNER first");
    expect(orgRolesOf(owner.id)).toEqual(["ORG_OWNER"]);

    // What the message says to do works.
    await client.updateOrgUserRoles(orgId, other.id, ["ORG_OWNER"]);
    expect(await client.updateOrgUserRoles(orgId, owner.id, ["ORG_MEMBER"])).toEqual(["ORG_MEMBER"]);
    await client.removeOrgUser(orgId, owner.id);
    expect((await client.listOrgUsers(orgId)).map((u) => u.id)).toEqual([other.id]);
  });
});

describe("teams and their users", () => {
  it("listTeams reads an organization's 250 teams (Cloud Manager's limit) in one page of 500", async () => {
    // Paging past one page is tested against a scripted server (members-and-teams.test.ts): no org has 501 teams.
    for (let i = 0; i < 250; i++) emulator.state.createTeam(orgId, { name: `team-${i}` });
    emulator.state.clearRequests();
    const teams = await client.listTeams(orgId);
    expect(teams).toHaveLength(250);
    expect(new Set(teams.map((t) => t.id)).size).toBe(250);
    expect(teams[0]).toMatchObject({ name: "team-0" });
    const pages = emulator.state.requests().filter((e) => e.path.endsWith("/teams"));
    expect(pages.map((e) => e.query)).toEqual(["pageNum=1&itemsPerPage=500"]);
  });

  it("addUsersToTeam (twice changes nothing), listTeamUsers, removeUserFromTeam; the last member stays", async () => {
    const team = emulator.state.createTeam(orgId, { name: "platform" });
    const a = emulator.state.addOrgUser(orgId, { username: "a@example.com", roles: ["ORG_MEMBER"] });
    const b = emulator.state.addOrgUser(orgId, { username: "b@example.com", roles: ["ORG_MEMBER"] });

    await client.addUsersToTeam(orgId, team.id, [a.id, b.id]);
    await client.addUsersToTeam(orgId, team.id, [a.id]);
    expect((await client.listTeamUsers(orgId, team.id)).map((u) => u.id).sort()).toEqual([a.id, b.id].sort());

    await client.removeUserFromTeam(orgId, team.id, a.id);
    expect((await client.listTeamUsers(orgId, team.id)).map((u) => u.id)).toEqual([b.id]);

    const last = await failure(client.removeUserFromTeam(orgId, team.id, b.id));
    expect(last).toMatchObject({ status: 400, errorCode: "CANNOT_REMOVE_LAST_USER_FROM_TEAM" });
    expect(last.message).toContain("a team must keep at least one member");

    const notOn = await failure(client.removeUserFromTeam(orgId, team.id, a.id));
    expect(notOn).toMatchObject({ status: 404, errorCode: "USER_NOT_FOUND" });
    expect(notOn.message).toContain(`user ${a.id} in team ${team.id} in organization ${orgId}`);
  });

  it("an unknown team is a 404 that names the team", async () => {
    const missing = "0123456789abcdef01234567";
    const error = await failure(client.listTeamUsers(orgId, missing));
    expect(error.status).toBe(404);
    expect(error.message).toContain(`team ${missing} in organization ${orgId}`);
  });
});
