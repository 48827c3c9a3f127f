import { afterAll, afterEach, beforeAll, describe, expect, it } from "vitest";
import { CloudManagerClient, type ClientLogEvent, type OrgUser, type Team } from "../../sdk";
import { MAX_PAGES } from "../../sdk/api/cloud-manager-client";
import { fakeClock, type FakeClock } from "./support/fake-clock";
import {
  byPage,
  empty,
  errorReply,
  json,
  page,
  startScriptedServer,
  type ArrivedRequest,
  type ScriptedServer,
} from "./support/scripted-server";
import { failure } from "./support/failure";

// The member and team methods against a scripted server: what goes on the wire (method, path, exact
// body), which answers each accepts (200 with a body, 204, empty), the shared pager on teams and team
// users, and the messages of the errors these routes have (last owner, missing user, missing route).

const ORG = "5e2211c17a3e5a48f5497de3";
const USER = "5f0000000000000000000001";
const TEAM = "6a0000000000000000000001";
const PRIVATE_KEY = "private-key-members-0001";
const API = "/api/public/v1.0";

let server: ScriptedServer;
let client: CloudManagerClient;
let clock: FakeClock;
const logs: ClientLogEvent[] = [];

function user(n: number): OrgUser {
  const id = n.toString(16).padStart(24, "0");
  return { id, username: `u${n}@example.com`, emailAddress: `u${n}@example.com`, firstName: "U", lastName: `${n}`, teamIds: [], roles: [] };
}

function users(from: number, count: number): OrgUser[] {
  return Array.from({ length: count }, (_, i) => user(from + i));
}

function team(n: number): Team {
  return { id: `7b${n.toString(16).padStart(22, "0")}`, name: `team-${n}` };
}

function teams(from: number, count: number): Team[] {
  return Array.from({ length: count }, (_, i) => team(from + i));
}

function only(): ArrivedRequest {
  expect(server.arrived).toHaveLength(1);
  return server.arrived[0] as ArrivedRequest;
}

beforeAll(async () => {
  server = await startScriptedServer();
  clock = fakeClock();
  client = new CloudManagerClient({
    baseUrl: server.baseUrl,
    publicKey: "pubkeyab",
    privateKey: PRIVATE_KEY,
    clock,
    onLog: (event) => logs.push(event),
  });
});

afterEach(() => {
  server.fallback = undefined;
  server.arrived.length = 0;
  logs.length = 0;
});

afterAll(async () => {
  await client.close();
  await server.close();
});

describe("getUser", () => {
  it("GET /users/{USER-ID} returns the user", async () => {
    server.enqueue(json(200, { ...user(1), id: USER, roles: [{ orgId: ORG, roleName: "ORG_MEMBER" }] }));
    const found = await client.getUser(USER);
    expect(found).toMatchObject({ id: USER, username: "u1@example.com", roles: [{ orgId: ORG, roleName: "ORG_MEMBER" }] });
    expect(only()).toMatchObject({ method: "GET", url: `${API}/users/${USER}`, body: "" });
  });

  it("a 404 USER_NOT_FOUND names the user; a body that is not a user is a response error", async () => {
    server.enqueue(errorReply(404, "USER_NOT_FOUND"));
    const missing = await failure(client.getUser(USER));
    expect(missing).toMatchObject({ status: 404, errorCode: "USER_NOT_FOUND" });
    expect(missing.message).toContain(`Not found: user ${USER}`);

    server.enqueue(json(200, { name: "not a user" }));
    expect((await failure(client.getUser(USER))).code).toBe("CLOUD_MANAGER_RESPONSE_ERROR");
  });
});

describe("updateOrgUserRoles", () => {
  const path = `${API}/orgs/${ORG}/users/${USER}/roles`;

  it("PUTs {orgRoles} (the full set) and returns the roles of the 200 answer", async () => {
    // The server's answer wins, e.g. when it orders or completes the set.
    server.enqueue(json(200, { orgRoles: ["ORG_MEMBER", "ORG_GROUP_CREATOR"], links: [] }));
    const roles = await client.updateOrgUserRoles(ORG, USER, ["ORG_GROUP_CREATOR", "ORG_MEMBER"]);
    expect(roles).toEqual(["ORG_MEMBER", "ORG_GROUP_CREATOR"]);
    const req = only();
    expect(req.method).toBe("PUT");
    expect(req.url).toBe(path);
    expect(req.body).toBe('{"orgRoles":["ORG_GROUP_CREATOR","ORG_MEMBER"]}');
    expect(req.headers["content-type"]).toBe("application/json");
  });

  it("a 204, or a 200 without a body, returns the roles sent", async () => {
    server.enqueue(empty(204));
    expect(await client.updateOrgUserRoles(ORG, USER, ["ORG_OWNER"])).toEqual(["ORG_OWNER"]);
    server.enqueue(empty(200));
    expect(await client.updateOrgUserRoles(ORG, USER, ["ORG_READ_ONLY", "ORG_MEMBER"])).toEqual(["ORG_READ_ONLY", "ORG_MEMBER"]);
    expect(server.arrived.map((r) => [r.method, r.url, r.body])).toEqual([
      ["PUT", path, '{"orgRoles":["ORG_OWNER"]}'],
      ["PUT", path, '{"orgRoles":["ORG_READ_ONLY","ORG_MEMBER"]}'],
    ]);
  });

  it("a 200 whose body is not {orgRoles: [...]} is a response error", async () => {
    server.enqueue(json(200, { orgRoles: "ORG_OWNER" }));
    expect((await failure(client.updateOrgUserRoles(ORG, USER, ["ORG_OWNER"]))).code).toBe("CLOUD_MANAGER_RESPONSE_ERROR");
  });

  it("no roles at all is refused before sending: a member always has one", async () => {
    const error = await failure(client.updateOrgUserRoles(ORG, USER, []));
    expect(error.code).toBe("CLOUD_MANAGER_CONFIG_ERROR");
    expect(error.message).toContain("removeOrgUser");
    expect((await failure(client.updateOrgUserRoles(ORG, USER, [""]))).code).toBe("CLOUD_MANAGER_CONFIG_ERROR");
    expect((await failure(client.updateOrgUserRoles(ORG, "", ["ORG_OWNER"]))).code).toBe("CLOUD_MANAGER_CONFIG_ERROR");
    expect(server.arrived).toHaveLength(0);
  });

  it("403 CANNOT_DEMOTE_LAST_ORG_OWNER says to give another member ORG_OWNER first, with no secret in it", async () => {
    // A server (or a gateway) echoing the credential in its detail.
    server.enqueue(errorReply(403, "CANNOT_DEMOTE_LAST_ORG_OWNER", `Cannot demote the last owner (key ${PRIVATE_KEY}).`));
    const error = await failure(client.updateOrgUserRoles(ORG, USER, ["ORG_MEMBER"]));
    expect(error).toMatchObject({ code: "CLOUD_MANAGER_API_ERROR", status: 403, errorCode: "CANNOT_DEMOTE_LAST_ORG_OWNER", method: "PUT" });
    expect(error.message).toContain(`without an Organization Owner`);
    expect(error.message).toContain(`organization ${ORG}`);
    expect(error.message).toContain("must keep at least one Organization Owner: give another member ORG_OWNER first");
    expect(error.message).not.toContain("forbids");
    for (const text of [error.message, error.detail ?? "", JSON.stringify(error)]) expect(text).not.toContain(PRIVATE_KEY);
    expect(error.detail).toContain("[REDACTED]");
  });

  it("a 404 USER_NOT_FOUND names the user and the organization, and says nothing of a missing route", async () => {
    server.enqueue(errorReply(404, "USER_NOT_FOUND"));
    const error = await failure(client.updateOrgUserRoles(ORG, USER, ["ORG_MEMBER"]));
    expect(error.message).toContain(`Not found: user ${USER} in organization ${ORG}`);
    expect(error.message).not.toContain("Ops Manager");
  });

  for (const [label, reply] of [
    ["404 RESOURCE_NOT_FOUND", errorReply(404, "RESOURCE_NOT_FOUND")],
    ["404 without an error body", empty(404)],
    ["405", errorReply(405, "METHOD_NOT_ALLOWED")],
  ] as const) {
    it(`${label}: this server may not support the route (Ops Manager), what to do, and no fallback`, async () => {
      server.enqueue(reply);
      const error = await failure(client.updateOrgUserRoles(ORG, USER, ["ORG_MEMBER"]));
      expect(error.code).toBe("CLOUD_MANAGER_API_ERROR");
      expect(error.message).toContain("this server may not support this route (Ops Manager does not)");
      expect(error.message).toContain("PATCH /users/{USER-ID}");
      expect(error.message).toContain("change the roles in its Organization Access Manager");
      // One request: the client never tries another route by itself.
      expect(only().method).toBe("PUT");
    });
  }
});

describe("removeOrgUser", () => {
  const path = `${API}/orgs/${ORG}/users/${USER}`;

  it("DELETE /orgs/{ORG}/users/{USER} without a body; 200 and 204 both succeed", async () => {
    server.enqueue(json(200, {}), empty(204));
    await expect(client.removeOrgUser(ORG, USER)).resolves.toBeUndefined();
    await expect(client.removeOrgUser(ORG, USER)).resolves.toBeUndefined();
    expect(server.arrived.map((r) => [r.method, r.url, r.body, r.headers["content-type"]])).toEqual([
      ["DELETE", path, "", undefined],
      ["DELETE", path, "", undefined],
    ]);
  });

  it("the last owner (403 CANNOT_DELETE_LAST_OWNER) says to give another member ORG_OWNER first", async () => {
    server.enqueue(errorReply(403, "CANNOT_DELETE_LAST_OWNER"));
    const error = await failure(client.removeOrgUser(ORG, USER));
    expect(error).toMatchObject({ status: 403, errorCode: "CANNOT_DELETE_LAST_OWNER", method: "DELETE" });
    expect(error.message).toContain("must keep at least one Organization Owner: give another member ORG_OWNER first");
  });

  it("a 404 USER_NOT_FOUND names the user and the organization", async () => {
    server.enqueue(errorReply(404, "USER_NOT_FOUND"));
    const error = await failure(client.removeOrgUser(ORG, USER));
    expect(error.message).toContain(`Not found: user ${USER} in organization ${ORG}`);
    expect(error.message).not.toContain("Ops Manager");
  });

  it("a 404 that names no user: this server may not support the route (Ops Manager), and what to do", async () => {
    server.enqueue(errorReply(404, "RESOURCE_NOT_FOUND"));
    const error = await failure(client.removeOrgUser(ORG, USER));
    expect(error.status).toBe(404);
    expect(error.message).toContain(`either user ${USER} in organization ${ORG}`);
    expect(error.message).toContain("this server may not support this route (Ops Manager does not)");
    expect(error.message).toContain("remove the member in its Organization Access Manager");
    expect(only().method).toBe("DELETE");
  });

  it("a 404 ORG_NOT_FOUND stays about the organization", async () => {
    server.enqueue(errorReply(404, "ORG_NOT_FOUND"));
    const error = await failure(client.removeOrgUser(ORG, USER));
    expect(error.message).toContain(`Organization ${ORG} was not found`);
    expect(error.message).not.toContain("Ops Manager");
  });
});

describe("listTeams and listTeamUsers: every page, through the shared pager", () => {
  const teamsPath = `${API}/orgs/${ORG}/teams`;
  const teamUsersPath = `${API}/orgs/${ORG}/teams/${TEAM}/users`;

  it("listTeams reads every page, 500 a page", async () => {
    server.fallback = byPage((n) => page(teams((n - 1) * 500, n < 2 ? 500 : 3), 503, n < 2));
    const listed = await client.listTeams(ORG);
    expect(listed).toHaveLength(503);
    expect(listed[502]).toEqual(team(502));
    expect(server.arrived.map((r) => r.url)).toEqual([
      `${teamsPath}?pageNum=1&itemsPerPage=500`,
      `${teamsPath}?pageNum=2&itemsPerPage=500`,
    ]);
  });

  it("listTeamUsers reads every page, 500 a page", async () => {
    server.fallback = byPage((n) => page(users(n * 1_000, n < 3 ? 500 : 1), 1_001, n < 3));
    const listed = await client.listTeamUsers(ORG, TEAM);
    expect(listed).toHaveLength(1_001);
    expect(new Set(listed.map((u) => u.id)).size).toBe(1_001);
    expect(server.arrived.map((r) => r.url)).toEqual([1, 2, 3].map((n) => `${teamUsersPath}?pageNum=${n}&itemsPerPage=500`));
  });

  it("an empty team and an org without teams: one request each", async () => {
    server.enqueue(page([], 0, false), page([], 0, false));
    expect(await client.listTeams(ORG)).toEqual([]);
    expect(await client.listTeamUsers(ORG, TEAM)).toEqual([]);
    expect(server.arrived).toHaveLength(2);
  });

  it("a repeated team or team user stops the listing", async () => {
    server.fallback = page(teams(0, 3), 6, true);
    const repeatedTeam = await failure(client.listTeams(ORG));
    expect(repeatedTeam.code).toBe("CLOUD_MANAGER_RESPONSE_ERROR");
    expect(repeatedTeam.message).toContain(`page 2: it repeats team ${team(0).id}, already listed (if teams changed meanwhile, run again)`);
    expect(server.arrived).toHaveLength(2);

    server.arrived.length = 0;
    server.fallback = page(users(0, 3), 6, true);
    const repeatedUser = await failure(client.listTeamUsers(ORG, TEAM));
    expect(repeatedUser.message).toContain(`page 2: it repeats user ${user(0).id}`);
    expect(repeatedUser.path).toBe(`${teamUsersPath}?pageNum=2&itemsPerPage=500`);
  });

  it("more entries than totalCount stops the listing", async () => {
    server.fallback = page(teams(0, 4), 2, false);
    expect((await failure(client.listTeams(ORG))).message).toContain("4 teams so far, but totalCount says 2");
    server.fallback = page(users(0, 4), 2, false);
    expect((await failure(client.listTeamUsers(ORG, TEAM))).message).toContain("4 users so far, but totalCount says 2");
  });

  it("next links past what totalCount allows, or without end: the same caps as listOrgUsers", async () => {
    server.fallback = byPage((n) => page(teams(n * 10, 10), 250, true));
    const capped = await failure(client.listTeams(ORG));
    expect(capped.message).toContain("page 2: it links to a next page, but 2 pages should hold all 250 teams (totalCount)");
    expect(server.arrived).toHaveLength(2);

    server.arrived.length = 0;
    server.fallback = byPage((n) => page(users(n * 10, 10), undefined, true));
    const endless = await failure(client.listTeamUsers(ORG, TEAM));
    expect(endless.message).toContain(`page ${MAX_PAGES}: it links to a next page`);
    expect(server.arrived).toHaveLength(MAX_PAGES);
  });

  it("a page that is not a page of teams is a response error; a 404 names the team", async () => {
    server.enqueue(page([{ id: "x" }], 1, false));
    expect((await failure(client.listTeams(ORG))).code).toBe("CLOUD_MANAGER_RESPONSE_ERROR");
    server.enqueue(errorReply(404, "RESOURCE_NOT_FOUND"));
    expect((await failure(client.listTeamUsers(ORG, TEAM))).message).toContain(`Not found: team ${TEAM} in organization ${ORG}`);
  });
});

describe("addUsersToTeam", () => {
  const path = `${API}/orgs/${ORG}/teams/${TEAM}/users`;

  it("POSTs a JSON array of {id}; a 200 with the team's users succeeds", async () => {
    server.enqueue(page(users(1, 2), 2, false));
    await expect(client.addUsersToTeam(ORG, TEAM, [user(1).id, user(2).id])).resolves.toBeUndefined();
    const req = only();
    expect(req.method).toBe("POST");
    expect(req.url).toBe(path);
    expect(req.body).toBe(`[{"id":"${user(1).id}"},{"id":"${user(2).id}"}]`);
    expect(req.headers["content-type"]).toBe("application/json");
  });

  it("a 204 succeeds too; a 200 that is not a users page is a response error", async () => {
    server.enqueue(empty(204));
    await expect(client.addUsersToTeam(ORG, TEAM, [USER])).resolves.toBeUndefined();
    server.enqueue(json(200, { teams: [] }));
    expect((await failure(client.addUsersToTeam(ORG, TEAM, [USER]))).code).toBe("CLOUD_MANAGER_RESPONSE_ERROR");
  });

  it("no user ids: nothing is sent; an empty id is refused before sending", async () => {
    await expect(client.addUsersToTeam(ORG, TEAM, [])).resolves.toBeUndefined();
    expect((await failure(client.addUsersToTeam(ORG, TEAM, [USER, ""]))).code).toBe("CLOUD_MANAGER_CONFIG_ERROR");
    expect(server.arrived).toHaveLength(0);
  });

  it("is idempotent: after a 503 (the server may have acted) the same POST is sent again", async () => {
    server.enqueue(errorReply(503, "SERVICE_UNAVAILABLE"), empty(204));
    await client.addUsersToTeam(ORG, TEAM, [USER]);
    expect(server.arrived.map((r) => [r.method, r.url, r.body])).toEqual([
      ["POST", path, `[{"id":"${USER}"}]`],
      ["POST", path, `[{"id":"${USER}"}]`],
    ]);
    // The wait before the retry is reported for the organization of the call.
    expect(logs.find((event) => event.waitMs !== undefined)).toMatchObject({ method: "POST", orgId: ORG });
  });

  it("MAX_USERS_PER_TEAM_EXCEEDED keeps its code and the server's detail", async () => {
    server.enqueue(errorReply(400, "MAX_USERS_PER_TEAM_EXCEEDED", "A team may hold at most 250 users."));
    const error = await failure(client.addUsersToTeam(ORG, TEAM, [USER]));
    expect(error).toMatchObject({ status: 400, errorCode: "MAX_USERS_PER_TEAM_EXCEEDED" });
    expect(error.message).toContain("A team may hold at most 250 users.");
  });
});

describe("removeUserFromTeam", () => {
  const path = `${API}/orgs/${ORG}/teams/${TEAM}/users/${USER}`;

  it("DELETE /orgs/{ORG}/teams/{TEAM}/users/{USER}; 200 and 204 both succeed", async () => {
    server.enqueue(json(200, {}), empty(204));
    await expect(client.removeUserFromTeam(ORG, TEAM, USER)).resolves.toBeUndefined();
    await expect(client.removeUserFromTeam(ORG, TEAM, USER)).resolves.toBeUndefined();
    expect(server.arrived.map((r) => [r.method, r.url, r.body])).toEqual([
      ["DELETE", path, ""],
      ["DELETE", path, ""],
    ]);
  });

  it("the last member of a team (CANNOT_REMOVE_LAST_USER_FROM_TEAM) says to add another user first", async () => {
    server.enqueue(errorReply(400, "CANNOT_REMOVE_LAST_USER_FROM_TEAM"));
    const error = await failure(client.removeUserFromTeam(ORG, TEAM, USER));
    expect(error.message).toContain("a team must keep at least one member");
    expect(error.message).toContain("Add another user to the team first");
  });

  it("a 404 USER_NOT_FOUND names the user, the team and the organization", async () => {
    server.enqueue(errorReply(404, "USER_NOT_FOUND"));
    const error = await failure(client.removeUserFromTeam(ORG, TEAM, USER));
    expect(error.message).toContain(`Not found: user ${USER} in team ${TEAM} in organization ${ORG}`);
  });
});

it("every org-scoped member and team call logs with its organization", async () => {
  server.fallback = errorReply(503, "SERVICE_UNAVAILABLE");
  const calls: [string, () => Promise<unknown>][] = [
    ["PUT", () => client.updateOrgUserRoles(ORG, USER, ["ORG_MEMBER"])],
    ["DELETE", () => client.removeOrgUser(ORG, USER)],
    ["GET", () => client.listTeams(ORG)],
    ["GET", () => client.listTeamUsers(ORG, TEAM)],
    ["DELETE", () => client.removeUserFromTeam(ORG, TEAM, USER)],
  ];
  for (const [method, call] of calls) {
    logs.length = 0;
    expect((await failure(call())).status).toBe(503);
    const waits = logs.filter((event) => event.waitMs !== undefined);
    expect(waits.length).toBeGreaterThan(0);
    for (const event of waits) expect(event).toMatchObject({ method, orgId: ORG });
  }
  expect(clock.waits.length).toBeGreaterThan(0);
});
