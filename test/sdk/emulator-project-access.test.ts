import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { startEmulator, type RunningEmulator } from "../../emulator";
import { CloudManagerClient, isNotFoundAnswer, type ClientLogEvent } from "../../sdk";
import { fakeClock } from "./support/fake-clock";
import { failure } from "./support/failure";
import { startForwardingProxy, type ForwardingProxy } from "./support/forwarding-proxy";

// A project's users and invitations end to end against the emulator (issue 20's wire contract, built
// on both sides without shared code): who is listed with which flags and which projectRoles, roles
// replaced, the last direct Project Owner kept, invitations through their life, and a create whose
// answer was lost on the way back making exactly one invitation.

let emulator: RunningEmulator;
let client: CloudManagerClient;
let orgId: string;
let proxy: ForwardingProxy | undefined;
const extraClients: CloudManagerClient[] = [];

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

afterEach(async () => {
  await Promise.all(extraClients.splice(0).map((c) => c.close()));
  await proxy?.close();
  proxy = undefined;
});

function people(): { projectId: string; otherId: string; ada: string; bo: string; cy: string; owner: string } {
  const project = emulator.state.createProject(orgId, { name: "prod" });
  const other = emulator.state.createProject(orgId, { name: "staging" });
  const ada = emulator.state.addOrgUser(orgId, { username: "ada@example.com", roles: ["ORG_MEMBER"] });
  const bo = emulator.state.addOrgUser(orgId, { username: "bo@example.com", roles: ["ORG_MEMBER"] });
  const cy = emulator.state.addOrgUser(orgId, { username: "cy@example.com", roles: ["ORG_MEMBER"] });
  const owner = emulator.state.addOrgUser(orgId, { username: "owner@example.com", roles: ["ORG_OWNER"] });
  return { projectId: project.id, otherId: other.id, ada: ada.id, bo: bo.id, cy: cy.id, owner: owner.id };
}

describe("users in a project", () => {
  it("addUsersToProject, then listProjectUsers: projectRoles are this project's only; the flags add team and org users", async () => {
    const { projectId, otherId, ada, bo, cy, owner } = people();
    await client.addUsersToProject(projectId, [
      { userId: ada, roles: ["GROUP_OWNER"] },
      { userId: bo, roles: ["GROUP_READ_ONLY", "GROUP_DATA_ACCESS_READ_ONLY"] },
    ]);
    await client.addUsersToProject(otherId, [{ userId: ada, roles: ["GROUP_READ_ONLY"] }]);
    const team = emulator.state.createTeam(orgId, { name: "dba" });
    emulator.state.addMemberToTeams(orgId, cy, [team.id]);
    emulator.state.setProjectTeamRoles(projectId, team.id, ["GROUP_MONITORING_ADMIN"]);

    const direct = await client.listProjectUsers(projectId);
    const rolesOf = (list: typeof direct): Record<string, string[]> =>
      Object.fromEntries(list.map((u) => [u.username, [...u.projectRoles].sort()]));
    expect(rolesOf(direct)).toEqual({
      "ada@example.com": ["GROUP_OWNER"],
      "bo@example.com": ["GROUP_DATA_ACCESS_READ_ONLY", "GROUP_READ_ONLY"],
    });
    // roles still covers every project: ada's role in the other project is there, not in projectRoles.
    expect(direct.find((u) => u.id === ada)?.roles).toContainEqual({ groupId: otherId, roleName: "GROUP_READ_ONLY" });

    const withTeams = await client.listProjectUsers(projectId, { flattenTeams: true });
    expect(rolesOf(withTeams)["cy@example.com"]).toEqual([]);
    const withOrg = await client.listProjectUsers(projectId, { includeOrgUsers: true });
    expect(withOrg.map((u) => u.id)).toContain(owner);
    expect(withOrg.find((u) => u.id === owner)?.projectRoles).toEqual([]);
    expect(withOrg.map((u) => u.id)).not.toContain(cy);
  });

  it("setProjectUserRoles replaces; addUsersToProject overwrites too; the last direct owner stays; removeProjectUser", async () => {
    const { projectId, ada, bo } = people();
    await client.addUsersToProject(projectId, [
      { userId: ada, roles: ["GROUP_OWNER"] },
      { userId: bo, roles: ["GROUP_READ_ONLY"] },
    ]);
    expect([...(await client.setProjectUserRoles(projectId, bo, ["GROUP_USER_ADMIN", "GROUP_READ_ONLY"]))].sort()).toEqual([
      "GROUP_READ_ONLY",
      "GROUP_USER_ADMIN",
    ]);
    await client.addUsersToProject(projectId, [{ userId: bo, roles: ["GROUP_BACKUP_ADMIN"] }]);
    expect((await client.listProjectUsers(projectId)).find((u) => u.id === bo)?.projectRoles).toEqual(["GROUP_BACKUP_ADMIN"]);

    const demote = await failure(client.setProjectUserRoles(projectId, ada, ["GROUP_READ_ONLY"]));
    expect(demote).toMatchObject({ status: 403, errorCode: "CANNOT_DEMOTE_LAST_OWNER" });
    expect(demote.message).toContain(`without a Project Owner`);
    const remove = await failure(client.removeProjectUser(projectId, ada));
    expect(remove).toMatchObject({ status: 403, errorCode: "CANNOT_DELETE_LAST_OWNER" });

    await client.removeProjectUser(projectId, bo);
    const again = await failure(client.removeProjectUser(projectId, bo));
    expect(again).toMatchObject({ status: 404, errorCode: "USER_NOT_IN_GROUP" });
    expect(isNotFoundAnswer(again)).toBe(true);
    // Still a member of the organization.
    expect(emulator.state.members(orgId).map((u) => u.id)).toContain(bo);
  });

  it("refusals keep their code: an org role (INVALID_ROLE_FOR_GROUP), an unknown user (USER_NOT_FOUND)", async () => {
    const { projectId, ada } = people();
    const orgRole = await failure(client.addUsersToProject(projectId, [{ userId: ada, roles: ["ORG_MEMBER"] }]));
    expect(orgRole).toMatchObject({ status: 400, errorCode: "INVALID_ROLE_FOR_GROUP" });
    const unknown = await failure(client.addUsersToProject(projectId, [{ userId: "6b0000000000000000000099", roles: ["GROUP_OWNER"] }]));
    expect(unknown).toMatchObject({ status: 404, errorCode: "USER_NOT_FOUND" });
  });
});

describe("project invitations", () => {
  it("create, list (by username), get, update by id and by username, delete; a second delete is a 404", async () => {
    const { projectId } = people();
    const created = await client.createProjectInvitation(projectId, { username: "new@example.com", roles: ["GROUP_READ_ONLY"] });
    expect(created).toMatchObject({ groupId: projectId, username: "new@example.com", roles: ["GROUP_READ_ONLY"] });
    expect((await client.listProjectInvitations(projectId, { username: "new@example.com" })).map((i) => i.id)).toEqual([created.id]);
    expect(await client.listProjectInvitations(projectId, { username: "nobody@example.com" })).toEqual([]);
    expect((await client.getProjectInvitation(projectId, created.id)).id).toBe(created.id);
    expect((await client.updateProjectInvitationRoles(projectId, created.id, ["GROUP_OWNER"])).roles).toEqual(["GROUP_OWNER"]);
    expect((await client.updateProjectInvitationByUsername(projectId, "new@example.com", ["GROUP_USER_ADMIN"])).roles).toEqual([
      "GROUP_USER_ADMIN",
    ]);
    await client.deleteProjectInvitation(projectId, created.id);
    expect(await failure(client.deleteProjectInvitation(projectId, created.id))).toMatchObject({ status: 404 });
    // Not organization invitations.
    expect(await client.listInvitations(orgId)).toEqual([]);
  });

  it("an answer lost after the emulator created the invitation: the client finds it, sends no second POST, one invitation", async () => {
    const { projectId } = people();
    proxy = await startForwardingProxy(emulator.origin);
    const logs: ClientLogEvent[] = [];
    const viaProxy = new CloudManagerClient({
      baseUrl: proxy.baseUrl,
      publicKey: emulator.credentials.publicKey,
      privateKey: emulator.credentials.privateKey,
      retry: { baseDelayMs: 1, maxDelayMs: 5 },
      onLog: (event) => logs.push(event),
      clock: fakeClock(),
    });
    extraClients.push(viaProxy);
    await viaProxy.getProject(projectId);
    emulator.state.clearRequests();
    proxy.dropAfterResponse("POST", /\/invites$/, 1);

    const invitation = await viaProxy.createProjectInvitation(projectId, {
      username: "lost@example.com",
      roles: ["GROUP_OWNER", "GROUP_READ_ONLY"],
    });

    expect(emulator.state.pendingProjectInvitations(projectId).map((i) => i.id)).toEqual([invitation.id]);
    expect(emulator.state.requests().map((e) => `${e.method} ${e.status}`)).toEqual(["POST 201", "GET 200"]);
    expect(logs.some((e) => e.level === "info" && e.message.includes(invitation.id))).toBe(true);
  });
});
