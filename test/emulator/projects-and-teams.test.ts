// Issue 19, item 4, emulator part: teams CRUD on the public API (create with users, get by id and by
// name, rename, delete), projects under orgs (GET /groups, /groups/{id}, /groups/byName, /orgs/{id}/groups),
// the teams of a project and their roles, the control-plane calls that change them by hand, the same
// operations on emu.state, and their persistence. Every API call goes over real HTTP with Digest (or a
// Bearer token).
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterEach, describe, expect, it } from "vitest";
import { ApiError, type RunningEmulator, type UserRecord } from "../../emulator";
import { DigestTestClient, bearerToken, control, emulator, errorCodeOf, raw, type Reply } from "./helpers";

interface Link {
  href: string;
  rel: string;
}

interface PageJson<T> {
  links: Link[];
  results: T[];
  totalCount: number;
}

interface TeamJson {
  id: string;
  links: Link[];
  name: string;
}

interface ProjectJson {
  id: string;
  name: string;
  orgId: string;
  links: Link[];
}

interface ProjectTeamJson {
  links: Link[];
  roleNames: string[];
  teamId: string;
}

const MISSING = "f".repeat(24);

function expectError(reply: Reply, status: number, errorCode: string): void {
  expect({ status: reply.status, errorCode: errorCodeOf(reply) }).toEqual({ status, errorCode });
  expect(Object.keys(reply.json as object)).toEqual(["detail", "error", "errorCode", "parameters", "reason"]);
}

/** A 401 for an authenticated caller: no challenge, so a Digest client does not sign again. */
function expectRefused(reply: Reply, errorCode: string): void {
  expectError(reply, 401, errorCode);
  expect(reply.headers.get("www-authenticate")).toBeNull();
}

function expectThrows(fn: () => unknown, status: number, errorCode: string): void {
  try {
    fn();
  } catch (error) {
    expect(error).toBeInstanceOf(ApiError);
    expect({ status: (error as ApiError).status, errorCode: (error as ApiError).errorCode }).toEqual({ status, errorCode });
    return;
  }
  throw new Error(`expected ${status} ${errorCode}, nothing was thrown`);
}

/**
 * An org with an owner (ada), two members (bo on team "core", cy), a project "web" with core as
 * GROUP_READ_ONLY, and a second org with its own team and project; ada is also a member there.
 */
async function world(options: Parameters<typeof emulator>[0] = {}): Promise<{
  emu: RunningEmulator;
  c: DigestTestClient;
  orgId: string;
  other: { id: string };
  core: { id: string; name: string };
  theirs: { id: string; name: string };
  web: { id: string };
  elsewhere: { id: string };
  ada: UserRecord;
  bo: UserRecord;
  cy: UserRecord;
}> {
  const emu = await emulator(options);
  const orgId = emu.org.id;
  const other = emu.state.createOrg({ name: "Other" });
  const core = emu.state.createTeam(orgId, { name: "core" });
  const theirs = emu.state.createTeam(other.id, { name: "theirs" });
  const ada = emu.state.addOrgUser(orgId, { username: "ada@example.com", roles: ["ORG_OWNER"] });
  emu.state.addOrgUser(other.id, { username: "ada@example.com", roles: ["ORG_MEMBER"] });
  const bo = emu.state.addOrgUser(orgId, { username: "bo@example.com", roles: ["ORG_MEMBER"], teamIds: [core.id] });
  const cy = emu.state.addOrgUser(orgId, { username: "cy@example.com", roles: ["ORG_MEMBER"] });
  emu.state.addOrgUser(other.id, { username: "dee@example.com", roles: ["ORG_OWNER"], teamIds: [theirs.id] });
  const web = emu.state.createProject(orgId, { name: "web" });
  emu.state.setProjectTeamRoles(web.id, core.id, ["GROUP_READ_ONLY"]);
  const elsewhere = emu.state.createProject(other.id, { name: "elsewhere" });
  return { emu, c: new DigestTestClient(emu), orgId, other, core, theirs, web, elsewhere, ada, bo, cy };
}

/** A Digest client for a new key holding `roles` in `orgId`. */
function keyWith(emu: RunningEmulator, grants: { orgId: string; roles: string[] }[]): DigestTestClient {
  const key = emu.state.addApiKey({ orgRoles: grants });
  return new DigestTestClient(emu, key.publicKey, key.privateKey);
}

async function teamNames(c: DigestTestClient, orgId: string): Promise<string[]> {
  const reply = await c.call("GET", `/orgs/${orgId}/teams`);
  expect(reply.status).toBe(200);
  return (reply.json as PageJson<TeamJson>).results.map((t) => t.name);
}

async function teamUsernames(c: DigestTestClient, orgId: string, teamId: string): Promise<string[]> {
  const reply = await c.call("GET", `/orgs/${orgId}/teams/${teamId}/users`);
  expect(reply.status).toBe(200);
  return (reply.json as PageJson<{ username: string }>).results.map((u) => u.username);
}

describe("POST /orgs/{ORG-ID}/teams", () => {
  it("creates the team with its users and answers 200 {id, links, name} (no usernames); GET and the lists show it", async () => {
    const { emu, c, orgId, bo, cy } = await world();
    const reply = await c.call("POST", `/orgs/${orgId}/teams`, {
      name: "Ops Team",
      usernames: ["BO@example.com", "cy@example.com", "bo@example.com"],
    });
    expect(reply.status).toBe(200);
    const team = reply.json as TeamJson;
    expect(Object.keys(team)).toEqual(["id", "links", "name"]);
    expect(team.id).toMatch(/^[0-9a-f]{24}$/);
    expect(team.name).toBe("Ops Team");
    expect(team.links).toEqual([{ href: `${emu.baseUrl}/orgs/${orgId}/teams/${team.id}`, rel: "self" }]);
    // Usernames are matched in any case and named once.
    expect((await teamUsernames(c, orgId, team.id)).sort()).toEqual(["bo@example.com", "cy@example.com"]);
    expect((await c.call("GET", `/orgs/${orgId}/teams/${team.id}`)).json).toEqual(team);
    expect(await teamNames(c, orgId)).toEqual(["core", "Ops Team"]);
    const boNow = emu.state.members(orgId).find((u) => u.id === bo.id);
    expect(boNow?.teamIds).toContain(team.id);
    expect(emu.state.members(orgId).find((u) => u.id === cy.id)?.teamIds).toEqual([team.id]);
  });

  it("needs at least one user: no usernames is 400 CANNOT_CREATE_EMPTY_TEAM, unless emptyTeams is allow", async () => {
    const { emu, c, orgId } = await world();
    for (const body of [{ name: "empty" }, { name: "empty", usernames: [] }, { name: "empty", usernames: null }]) {
      expectError(await c.call("POST", `/orgs/${orgId}/teams`, body), 400, "CANNOT_CREATE_EMPTY_TEAM");
    }
    expect(await teamNames(c, orgId)).toEqual(["core"]);
    emu.state.updateSettings({ emptyTeams: "allow" });
    const reply = await c.call("POST", `/orgs/${orgId}/teams`, { name: "empty" });
    expect(reply.status).toBe(200);
    expect(await teamUsernames(c, orgId, (reply.json as TeamJson).id)).toEqual([]);
  });

  it("takes only the org's members: an unknown user, a pending invitee or another org's member is 404 USER_NOT_FOUND; nothing is made", async () => {
    const { emu, c, orgId } = await world();
    emu.state.inviteAs(orgId, { username: "pending@example.com", roles: ["ORG_MEMBER"] }, "admin@example.com");
    for (const stranger of ["nobody@example.com", "pending@example.com", "dee@example.com"]) {
      const reply = await c.call("POST", `/orgs/${orgId}/teams`, { name: "mixed", usernames: ["bo@example.com", stranger] });
      expectError(reply, 404, "USER_NOT_FOUND");
      expect((reply.json as { parameters: unknown[] }).parameters).toEqual([stranger]);
    }
    // A user id is not a username.
    const bo = emu.state.members(orgId).find((u) => u.username === "bo@example.com");
    expectError(await c.call("POST", `/orgs/${orgId}/teams`, { name: "by id", usernames: [bo?.id] }), 404, "USER_NOT_FOUND");
    expect(await teamNames(c, orgId)).toEqual(["core"]);
    expect(emu.state.members(orgId).find((u) => u.username === "bo@example.com")?.teamIds).toHaveLength(1);
  });

  it("takes exactly {name, usernames}: bad bodies are 400 and change nothing", async () => {
    const { c, orgId } = await world();
    const url = `/orgs/${orgId}/teams`;
    const cases: [unknown, string][] = [
      [{ name: "x", usernames: ["bo@example.com"], teamId: "y" }, "INVALID_ATTRIBUTE"],
      [{ usernames: ["bo@example.com"] }, "MISSING_ATTRIBUTE"],
      [{ name: null, usernames: ["bo@example.com"] }, "MISSING_ATTRIBUTE"],
      [{ name: "  ", usernames: ["bo@example.com"] }, "MISSING_ATTRIBUTE"],
      [{ name: 7, usernames: ["bo@example.com"] }, "INVALID_ATTRIBUTE"],
      [{ name: "x", usernames: "bo@example.com" }, "INVALID_ATTRIBUTE"],
      [{ name: "x", usernames: [{ username: "bo@example.com" }] }, "INVALID_ATTRIBUTE"],
      [[{ name: "x", usernames: ["bo@example.com"] }], "INVALID_JSON"],
    ];
    for (const [body, code] of cases) expectError(await c.call("POST", url, body), 400, code);
    expectError(
      await c.call("POST", url, JSON.stringify({ name: "x", usernames: ["bo@example.com"] }), { "Content-Type": "text/plain" }),
      415,
      "UNSUPPORTED_MEDIA_TYPE",
    );
    expect(await teamNames(c, orgId)).toEqual(["core"]);
  });

  it("names are unique per org in any case (409 TEAM_NAME_NOT_AVAILABLE), case kept; another org may use the name", async () => {
    const { emu, c, orgId, other } = await world();
    const clash = await c.call("POST", `/orgs/${orgId}/teams`, { name: "CORE", usernames: ["bo@example.com"] });
    expectError(clash, 409, "TEAM_NAME_NOT_AVAILABLE");
    expect((clash.json as { parameters: unknown[] }).parameters).toEqual(["CORE", orgId]);
    // By hand too: the UI refuses the same.
    expectThrows(() => emu.state.createTeam(orgId, { name: "Core" }), 409, "TEAM_NAME_NOT_AVAILABLE");
    expectError(await control(emu, "POST", `/orgs/${orgId}/teams`, { name: "core" }), 409, "TEAM_NAME_NOT_AVAILABLE");
    // "theirs" is a team of the other org: free here.
    expect((await c.call("POST", `/orgs/${orgId}/teams`, { name: "theirs", usernames: ["bo@example.com"] })).status).toBe(200);
    expect(emu.state.teams(other.id).map((t) => t.name)).toEqual(["theirs"]);
    expect(await teamNames(c, orgId)).toEqual(["core", "theirs"]);
  });

  it("at most 250 teams per org (400 MAX_TEAMS_PER_ORG_EXCEEDED) and 250 users per team (400 MAX_USERS_PER_TEAM_EXCEEDED)", async () => {
    const { emu, c, orgId, other } = await world();
    const usernames = Array.from({ length: 251 }, (_, i) => `user${i}@example.com`);
    for (const username of usernames) emu.state.addOrgUser(orgId, { username, roles: ["ORG_MEMBER"] });
    expectError(await c.call("POST", `/orgs/${orgId}/teams`, { name: "big", usernames }), 400, "MAX_USERS_PER_TEAM_EXCEEDED");
    const full = await c.call("POST", `/orgs/${orgId}/teams`, { name: "big", usernames: usernames.slice(0, 250) });
    expect(full.status).toBe(200);
    expect(emu.state.teamUsers(orgId, (full.json as TeamJson).id)).toHaveLength(250);

    for (let i = 2; i < 250; i++) emu.state.createTeam(orgId, { name: `team ${i}` });
    expect(emu.state.teams(orgId)).toHaveLength(250);
    const over = await c.call("POST", `/orgs/${orgId}/teams`, { name: "one more", usernames: ["bo@example.com"] });
    expectError(over, 400, "MAX_TEAMS_PER_ORG_EXCEEDED");
    expect((over.json as { parameters: unknown[] }).parameters).toEqual([orgId, 250]);
    expectThrows(() => emu.state.createTeam(orgId, { name: "by hand" }), 400, "MAX_TEAMS_PER_ORG_EXCEEDED");
    // The limit is per org.
    expect(emu.state.createTeam(other.id, { name: "fine" }).name).toBe("fine");
  });

  it("only an ORG_OWNER credential may create: others are 401 without a challenge; a Bearer owner may", async () => {
    const { emu, orgId, other } = await world();
    const body = { name: "new", usernames: ["bo@example.com"] };
    for (const roles of [["ORG_MEMBER"], ["ORG_READ_ONLY"], ["ORG_GROUP_CREATOR", "ORG_BILLING_ADMIN"]]) {
      expectRefused(await keyWith(emu, [{ orgId, roles }]).call("POST", `/orgs/${orgId}/teams`, body), "USER_UNAUTHORIZED");
    }
    expectRefused(
      await keyWith(emu, [{ orgId: other.id, roles: ["ORG_OWNER"] }]).call("POST", `/orgs/${orgId}/teams`, body),
      "USER_UNAUTHORIZED",
    );
    expectError(await new DigestTestClient(emu).call("POST", `/orgs/${MISSING}/teams`, body), 404, "ORG_NOT_FOUND");
    expect(emu.state.teams(orgId).map((t) => t.name)).toEqual(["core"]);
    const token = await bearerToken(emu);
    const reply = await raw(`${emu.baseUrl}/orgs/${orgId}/teams`, {
      method: "POST",
      headers: { Authorization: `Bearer ${token}`, "Content-Type": "application/json" },
      body: JSON.stringify(body),
    });
    expect(reply.status).toBe(200);
  });
});

describe("GET /orgs/{ORG-ID}/teams/byName/{TEAM-NAME}", () => {
  it("finds a team by its URL-encoded name in any case; unknown and other orgs' names are 404 RESOURCE_NOT_FOUND", async () => {
    const { emu, c, orgId, core } = await world();
    const names = ["Ops / DBA", "50% off", "users", "é ü"];
    const made = names.map((name) => emu.state.createTeam(orgId, { name }));
    for (const [i, name] of names.entries()) {
      const reply = await c.call("GET", `/orgs/${orgId}/teams/byName/${encodeURIComponent(name)}`);
      expect(reply.status).toBe(200);
      expect(reply.json).toEqual({
        id: made[i]?.id,
        links: [{ href: `${emu.baseUrl}/orgs/${orgId}/teams/${made[i]?.id}`, rel: "self" }],
        name,
      });
    }
    const upper = await c.call("GET", `/orgs/${orgId}/teams/byName/CORE`);
    expect((upper.json as TeamJson).id).toBe(core.id);
    expect((upper.json as TeamJson).name).toBe("core");
    const unknown = await c.call("GET", `/orgs/${orgId}/teams/byName/nope`);
    expectError(unknown, 404, "RESOURCE_NOT_FOUND");
    expect((unknown.json as { parameters: unknown[] }).parameters).toEqual(["nope"]);
    expectError(await c.call("GET", `/orgs/${orgId}/teams/byName/theirs`), 404, "RESOURCE_NOT_FOUND");
    // Any role in the org reads.
    expect((await keyWith(emu, [{ orgId, roles: ["ORG_MEMBER"] }]).call("GET", `/orgs/${orgId}/teams/byName/core`)).status).toBe(200);
    // The users of a team named "users" are still at …/teams/{TEAM-ID}/users.
    expect((await c.call("GET", `/orgs/${orgId}/teams/${made[2]?.id}/users`)).status).toBe(200);
  });
});

describe("PATCH /orgs/{ORG-ID}/teams/{TEAM-ID}", () => {
  it("renames the team: id, members and project roles stay; answers 200 {id, links, name}", async () => {
    const { emu, c, orgId, core, web, bo } = await world();
    const reply = await c.call("PATCH", `/orgs/${orgId}/teams/${core.id}`, { name: "Core Team" });
    expect(reply.status).toBe(200);
    expect(reply.json).toEqual({
      id: core.id,
      links: [{ href: `${emu.baseUrl}/orgs/${orgId}/teams/${core.id}`, rel: "self" }],
      name: "Core Team",
    });
    expect(await teamNames(c, orgId)).toEqual(["Core Team"]);
    expect(await teamUsernames(c, orgId, core.id)).toEqual([bo.username]);
    expect(emu.state.projectTeams(web.id)).toEqual([{ teamId: core.id, roleNames: ["GROUP_READ_ONLY"] }]);
    // Its own name in another case is no clash.
    expect(((await c.call("PATCH", `/orgs/${orgId}/teams/${core.id}`, { name: "CORE TEAM" })).json as TeamJson).name).toBe("CORE TEAM");
  });

  it("refuses a taken name (409), bad bodies (400), unknown or other orgs' teams (404) and non-owners (401)", async () => {
    const { emu, c, orgId, core, theirs } = await world();
    emu.state.createTeam(orgId, { name: "ops" });
    const url = `/orgs/${orgId}/teams/${core.id}`;
    expectError(await c.call("PATCH", url, { name: "OPS" }), 409, "TEAM_NAME_NOT_AVAILABLE");
    const cases: [unknown, string][] = [
      [{}, "MISSING_ATTRIBUTE"],
      [{ name: "" }, "MISSING_ATTRIBUTE"],
      [{ name: "x", usernames: [] }, "INVALID_ATTRIBUTE"],
      [{ name: ["x"] }, "INVALID_ATTRIBUTE"],
      ["x", "INVALID_JSON"],
    ];
    for (const [body, code] of cases) expectError(await c.call("PATCH", url, body), 400, code);
    expectError(await c.call("PATCH", `/orgs/${orgId}/teams/${MISSING}`, { name: "x" }), 404, "RESOURCE_NOT_FOUND");
    expectError(await c.call("PATCH", `/orgs/${orgId}/teams/${theirs.id}`, { name: "x" }), 404, "RESOURCE_NOT_FOUND");
    expectError(await c.call("PATCH", `/orgs/${orgId}/teams/not-an-id`, { name: "x" }), 400, "INVALID_ATTRIBUTE");
    expectRefused(await keyWith(emu, [{ orgId, roles: ["ORG_READ_ONLY"] }]).call("PATCH", url, { name: "x" }), "USER_UNAUTHORIZED");
    expect(emu.state.teams(orgId).map((t) => t.name)).toEqual(["core", "ops"]);
  });
});

describe("DELETE /orgs/{ORG-ID}/teams/{TEAM-ID}", () => {
  it("deletes a team no project uses: 204; its users leave it, pending invitations stop naming it", async () => {
    const { emu, c, orgId, bo } = await world();
    const ops = emu.state.createTeam(orgId, { name: "ops" });
    emu.state.addMemberToTeams(orgId, bo.id, [ops.id]);
    const inv = emu.state.inviteAs(orgId, { username: "new@example.com", roles: ["ORG_MEMBER"], teamIds: [ops.id] }, "admin@example.com");
    const reply = await c.call("DELETE", `/orgs/${orgId}/teams/${ops.id}`);
    expect(reply.status).toBe(204);
    expect(reply.text).toBe("");
    expect(await teamNames(c, orgId)).toEqual(["core"]);
    expectError(await c.call("GET", `/orgs/${orgId}/teams/${ops.id}`), 404, "RESOURCE_NOT_FOUND");
    expect(((await c.call("GET", `/users/${bo.id}`)).json as { teamIds: string[] }).teamIds).not.toContain(ops.id);
    expect(((await c.call("GET", `/orgs/${orgId}/invites/${inv.id}`)).json as { teamIds: string[] }).teamIds).toEqual([]);
    expectError(await c.call("DELETE", `/orgs/${orgId}/teams/${ops.id}`), 404, "RESOURCE_NOT_FOUND");
  });

  it("refuses a team assigned to a project: 404 CANNOT_DELETE_TEAM_ASSIGNED_TO_PROJECT (Atlas's code and status); after unassigning, 204", async () => {
    const { emu, c, orgId, core, web } = await world();
    const second = emu.state.createProject(orgId, { name: "api" });
    emu.state.setProjectTeamRoles(second.id, core.id, ["GROUP_OWNER"]);
    const refused = await c.call("DELETE", `/orgs/${orgId}/teams/${core.id}`);
    expectError(refused, 404, "CANNOT_DELETE_TEAM_ASSIGNED_TO_PROJECT");
    expect((refused.json as { parameters: unknown[] }).parameters).toEqual([core.id, web.id, second.id]);
    expect(await teamNames(c, orgId)).toEqual(["core"]);
    expect(emu.state.projectTeams(web.id)).toHaveLength(1);

    // What a client does: take it off every project, then delete.
    for (const project of [web, second]) expect((await c.call("DELETE", `/groups/${project.id}/teams/${core.id}`)).status).toBe(204);
    expect((await c.call("DELETE", `/orgs/${orgId}/teams/${core.id}`)).status).toBe(204);
    expect(await teamNames(c, orgId)).toEqual([]);
  });

  it("only an ORG_OWNER credential may delete", async () => {
    const { emu, orgId } = await world();
    const ops = emu.state.createTeam(orgId, { name: "ops" });
    expectRefused(
      await keyWith(emu, [{ orgId, roles: ["ORG_MEMBER"] }]).call("DELETE", `/orgs/${orgId}/teams/${ops.id}`),
      "USER_UNAUTHORIZED",
    );
    expect(emu.state.teams(orgId).map((t) => t.name)).toEqual(["core", "ops"]);
  });

  it("a known team path with another method is 405 with Allow", async () => {
    const { c, orgId, core } = await world();
    const put = await c.call("PUT", `/orgs/${orgId}/teams/${core.id}`, { name: "x" });
    expectError(put, 405, "METHOD_NOT_ALLOWED");
    expect(put.headers.get("allow")).toBe("GET, PATCH, DELETE");
    const post = await c.call("DELETE", `/orgs/${orgId}/teams`);
    expect(post.headers.get("allow")).toBe("GET, POST");
  });
});

describe("projects: GET /groups, /groups/{PROJECT-ID}, /groups/byName/{NAME}, /orgs/{ORG-ID}/groups", () => {
  it("shows a project as Cloud Manager does, keys alphabetical", async () => {
    const { emu, c, orgId, web } = await world();
    const reply = await c.call("GET", `/groups/${web.id}`);
    expect(reply.status).toBe(200);
    expect(reply.json).toEqual({
      activeAgentCount: 0,
      hostCounts: { arbiter: 0, config: 0, master: 0, mongos: 0, primary: 0, secondary: 0, slave: 0 },
      id: web.id,
      links: [{ href: `${emu.baseUrl}/groups/${web.id}`, rel: "self" }],
      name: "web",
      orgId,
      publicApiEnabled: true,
      replicaSetCount: 0,
      shardCount: 0,
      tags: [],
    });
    expect(Object.keys(reply.json as object)).toEqual([...Object.keys(reply.json as object)].sort());
  });

  it("GET /groups lists the caller's projects (paged): those of the orgs where it is ORG_OWNER or ORG_READ_ONLY", async () => {
    const { emu, c, orgId, other, web, elsewhere } = await world();
    const api = emu.state.createProject(orgId, { name: "api" });
    const mine = await c.call("GET", "/groups");
    expect(mine.status).toBe(200);
    const page = mine.json as PageJson<ProjectJson>;
    expect(page.results.map((p) => p.id)).toEqual([web.id, api.id]);
    expect(page.totalCount).toBe(2);

    const both = keyWith(emu, [
      { orgId, roles: ["ORG_READ_ONLY"] },
      { orgId: other.id, roles: ["ORG_OWNER"] },
    ]);
    const first = (await both.call("GET", "/groups?itemsPerPage=2")).json as PageJson<ProjectJson>;
    expect(first.results.map((p) => p.name)).toEqual(["web", "elsewhere"]);
    expect(first.totalCount).toBe(3);
    expect(first.links.map((l) => l.rel)).toEqual(["self", "next"]);
    expect(first.links[1]?.href).toBe(`${emu.baseUrl}/groups?pageNum=2&itemsPerPage=2`);
    const second = (await both.call("GET", "/groups?pageNum=2&itemsPerPage=2")).json as PageJson<ProjectJson>;
    expect(second.results.map((p) => p.id)).toEqual([api.id]);
    expect(elsewhere.id).not.toBe(api.id);

    // ORG_MEMBER and the other org roles reach no project (keys hold no project roles).
    const member = keyWith(emu, [{ orgId, roles: ["ORG_MEMBER", "ORG_GROUP_CREATOR", "ORG_BILLING_ADMIN"] }]);
    expect((await member.call("GET", "/groups")).json).toMatchObject({ results: [], totalCount: 0 });
    expectError(await c.call("GET", "/groups?itemsPerPage=0"), 400, "INVALID_QUERY_PARAMETER");
  });

  it("GET /groups/{PROJECT-ID}: unknown 404 GROUP_NOT_FOUND, malformed 400, no access 401 NOT_IN_GROUP; ORG_READ_ONLY reads", async () => {
    const { emu, c, orgId, web, elsewhere } = await world();
    const unknown = await c.call("GET", `/groups/${MISSING}`);
    expectError(unknown, 404, "GROUP_NOT_FOUND");
    expect((unknown.json as { parameters: unknown[] }).parameters).toEqual([MISSING]);
    expectError(await c.call("GET", "/groups/not-an-id"), 400, "INVALID_ATTRIBUTE");
    expectRefused(await c.call("GET", `/groups/${elsewhere.id}`), "NOT_IN_GROUP");
    expectRefused(await keyWith(emu, [{ orgId, roles: ["ORG_MEMBER"] }]).call("GET", `/groups/${web.id}`), "NOT_IN_GROUP");
    expect((await keyWith(emu, [{ orgId, roles: ["ORG_READ_ONLY"] }]).call("GET", `/groups/${web.id}`)).status).toBe(200);
    const token = await bearerToken(emu);
    const bearer = await raw(`${emu.baseUrl}/groups/${web.id}`, { headers: { Authorization: `Bearer ${token}` } });
    expect((bearer.json as ProjectJson).name).toBe("web");
  });

  it("GET /groups/byName/{NAME}: among the caller's projects, any case; 404 GROUP_NAME_NOT_FOUND, 409 MULTIPLE_GROUPS", async () => {
    const { emu, c, orgId, other, web } = await world();
    const reply = await c.call("GET", "/groups/byName/WEB");
    expect((reply.json as ProjectJson).id).toBe(web.id);
    expectError(await c.call("GET", "/groups/byName/elsewhere"), 404, "GROUP_NAME_NOT_FOUND");
    const spaced = emu.state.createProject(orgId, { name: "Team A / prod" });
    expect(((await c.call("GET", `/groups/byName/${encodeURIComponent("team a / PROD")}`)).json as ProjectJson).id).toBe(spaced.id);
    // Names are unique per org only: a caller of both orgs finds two.
    emu.state.createProject(other.id, { name: "Web" });
    const both = keyWith(emu, [
      { orgId, roles: ["ORG_OWNER"] },
      { orgId: other.id, roles: ["ORG_READ_ONLY"] },
    ]);
    expectError(await both.call("GET", "/groups/byName/web"), 409, "MULTIPLE_GROUPS");
    expect(((await c.call("GET", "/groups/byName/web")).json as ProjectJson).id).toBe(web.id);
  });

  it("GET /orgs/{ORG-ID}/groups: paged, the org's projects the caller reaches; name is a case-insensitive prefix", async () => {
    const { emu, c, orgId, other, web } = await world();
    const web2 = emu.state.createProject(orgId, { name: "Web2" });
    emu.state.createProject(orgId, { name: "api" });
    const all = (await c.call("GET", `/orgs/${orgId}/groups`)).json as PageJson<ProjectJson>;
    expect(all.results.map((p) => p.name)).toEqual(["web", "Web2", "api"]);
    expect(all.results.every((p) => p.orgId === orgId)).toBe(true);
    const named = (await c.call("GET", `/orgs/${orgId}/groups?name=WEB`)).json as PageJson<ProjectJson>;
    expect(named.results.map((p) => p.id)).toEqual([web.id, web2.id]);
    expect(named.totalCount).toBe(2);
    const paged = (await c.call("GET", `/orgs/${orgId}/groups?pageNum=2&itemsPerPage=1`)).json as PageJson<ProjectJson>;
    expect(paged.results.map((p) => p.name)).toEqual(["Web2"]);
    expect(paged.links.map((l) => l.rel)).toEqual(["previous", "self", "next"]);
    // Any role in the org may ask; ORG_MEMBER reaches no project.
    expect((await keyWith(emu, [{ orgId, roles: ["ORG_MEMBER"] }]).call("GET", `/orgs/${orgId}/groups`)).json).toMatchObject({
      results: [],
      totalCount: 0,
    });
    expectRefused(await c.call("GET", `/orgs/${other.id}/groups`), "USER_UNAUTHORIZED");
    expectError(await c.call("GET", `/orgs/${MISSING}/groups`), 404, "ORG_NOT_FOUND");
  });

  it("a project's paths count against its org's rate limit", async () => {
    const { emu, c, web } = await world();
    emu.state.setRateLimits({ requestsPerWindow: 2, requestWindowMs: 3_600_000 });
    expect((await c.call("GET", `/orgs/${emu.org.id}`)).status).toBe(200);
    expect((await c.call("GET", `/groups/${web.id}/teams`)).status).toBe(200);
    expectError(await c.call("GET", `/groups/${web.id}`), 429, "RATE_LIMITED");
  });
});

describe("teams of a project: GET|POST /groups/{PROJECT-ID}/teams, PATCH|DELETE …/teams/{TEAM-ID}", () => {
  it("GET lists {links, roleNames, teamId} (paged); POST adds and answers the teams just added; roles as a sorted set", async () => {
    const { emu, c, orgId, core, web } = await world();
    const list = await c.call("GET", `/groups/${web.id}/teams`);
    expect(list.json).toEqual({
      links: [{ href: `${emu.baseUrl}/groups/${web.id}/teams?pageNum=1&itemsPerPage=100`, rel: "self" }],
      results: [
        {
          links: [{ href: `${emu.baseUrl}/groups/${web.id}/teams/${core.id}`, rel: "self" }],
          roleNames: ["GROUP_READ_ONLY"],
          teamId: core.id,
        },
      ],
      totalCount: 1,
    });
    const ops = emu.state.createTeam(orgId, { name: "ops" });
    const dba = emu.state.createTeam(orgId, { name: "dba" });
    const added = await c.call("POST", `/groups/${web.id}/teams`, [
      { teamId: ops.id, roleNames: ["GROUP_OWNER", "GROUP_AUTOMATION_ADMIN", "GROUP_OWNER"] },
      { teamId: dba.id, roleNames: ["GROUP_DATA_ACCESS_ADMIN"] },
    ]);
    expect(added.status).toBe(200);
    const page = added.json as PageJson<ProjectTeamJson>;
    expect(page.totalCount).toBe(2);
    expect(page.results.map((r) => ({ teamId: r.teamId, roleNames: r.roleNames }))).toEqual([
      { teamId: ops.id, roleNames: ["GROUP_AUTOMATION_ADMIN", "GROUP_OWNER"] },
      { teamId: dba.id, roleNames: ["GROUP_DATA_ACCESS_ADMIN"] },
    ]);
    const all = (await c.call("GET", `/groups/${web.id}/teams?itemsPerPage=2`)).json as PageJson<ProjectTeamJson>;
    expect(all.results.map((r) => r.teamId)).toEqual([core.id, ops.id]);
    expect(all.totalCount).toBe(3);
    expect(emu.state.projectTeams(web.id).map((t) => t.teamId)).toEqual([core.id, ops.id, dba.id]);
    // Every one of the nine roles is accepted.
    const nine = [
      "GROUP_AUTOMATION_ADMIN",
      "GROUP_BACKUP_ADMIN",
      "GROUP_DATA_ACCESS_ADMIN",
      "GROUP_DATA_ACCESS_READ_ONLY",
      "GROUP_DATA_ACCESS_READ_WRITE",
      "GROUP_MONITORING_ADMIN",
      "GROUP_OWNER",
      "GROUP_READ_ONLY",
      "GROUP_USER_ADMIN",
    ];
    const api = emu.state.createProject(orgId, { name: "api" });
    const every = await c.call("POST", `/groups/${api.id}/teams`, [{ teamId: core.id, roleNames: [...nine].reverse() }]);
    expect((every.json as PageJson<ProjectTeamJson>).results[0]?.roleNames).toEqual(nine);
  });

  it("POST is all or none: a team already there (409), another org's or unknown team (404 TEAM_NOT_IN_ORG), bad roles and bodies (400)", async () => {
    const { emu, c, orgId, core, theirs, web } = await world();
    const ops = emu.state.createTeam(orgId, { name: "ops" });
    const url = `/groups/${web.id}/teams`;
    const good = { teamId: ops.id, roleNames: ["GROUP_OWNER"] };
    const exists = await c.call("POST", url, [good, { teamId: core.id, roleNames: ["GROUP_OWNER"] }]);
    expectError(exists, 409, "TEAM_EXISTS_IN_GROUP");
    expect((exists.json as { parameters: unknown[] }).parameters).toEqual([core.id, web.id]);
    const foreign = await c.call("POST", url, [good, { teamId: theirs.id, roleNames: ["GROUP_OWNER"] }]);
    expectError(foreign, 404, "TEAM_NOT_IN_ORG");
    expect((foreign.json as { parameters: unknown[] }).parameters).toEqual([theirs.id, orgId]);
    expectError(await c.call("POST", url, [good, { teamId: MISSING, roleNames: ["GROUP_OWNER"] }]), 404, "TEAM_NOT_IN_ORG");
    const cases: [unknown, string][] = [
      [[good, good], "INVALID_ATTRIBUTE"],
      [[], "MISSING_ATTRIBUTE"],
      [good, "INVALID_JSON"],
      [["x"], "INVALID_JSON"],
      [[{ teamId: ops.id }], "MISSING_ATTRIBUTE"],
      [[{ roleNames: ["GROUP_OWNER"] }], "MISSING_ATTRIBUTE"],
      [[{ teamId: ops.id, roleNames: [] }], "MISSING_ATTRIBUTE"],
      [[{ teamId: "ops", roleNames: ["GROUP_OWNER"] }], "INVALID_ATTRIBUTE"],
      [[{ teamId: ops.id, roleNames: "GROUP_OWNER" }], "INVALID_ATTRIBUTE"],
      [[{ ...good, extra: 1 }], "INVALID_ATTRIBUTE"],
      // The docs' curl example: {"roles": [{"roleName": …}]}.
      [[{ teamId: ops.id, roles: [{ roleName: "GROUP_OWNER" }] }], "INVALID_ATTRIBUTE"],
      [[{ teamId: ops.id, roleNames: ["ORG_OWNER"] }], "INVALID_ROLE_FOR_GROUP"],
      [[{ teamId: ops.id, roleNames: ["GROUP_CLUSTER_MANAGER"] }], "INVALID_ENUM_VALUE"],
      [[{ teamId: ops.id, roleNames: ["group_owner"] }], "INVALID_ENUM_VALUE"],
    ];
    for (const [body, code] of cases) expectError(await c.call("POST", url, body), 400, code);
    expect(emu.state.projectTeams(web.id).map((t) => t.teamId)).toEqual([core.id]);
  });

  it("POST beyond 100 teams in a project is 400 MAX_TEAMS_PER_GROUP_EXCEEDED", async () => {
    const { emu, c, orgId, web } = await world();
    for (let i = 1; i < 100; i++)
      emu.state.setProjectTeamRoles(web.id, emu.state.createTeam(orgId, { name: `t${i}` }).id, ["GROUP_READ_ONLY"]);
    expect(emu.state.projectTeams(web.id)).toHaveLength(100);
    const extra = emu.state.createTeam(orgId, { name: "extra" });
    const over = await c.call("POST", `/groups/${web.id}/teams`, [{ teamId: extra.id, roleNames: ["GROUP_OWNER"] }]);
    expectError(over, 400, "MAX_TEAMS_PER_GROUP_EXCEEDED");
    expect((over.json as { parameters: unknown[] }).parameters).toEqual([web.id, 100]);
    expectThrows(() => emu.state.setProjectTeamRoles(web.id, extra.id, ["GROUP_OWNER"]), 400, "MAX_TEAMS_PER_GROUP_EXCEEDED");
    // Changing the roles of a team already there is no addition.
    expect(emu.state.setProjectTeamRoles(web.id, "t1", ["GROUP_OWNER"]).roleNames).toEqual(["GROUP_OWNER"]);
  });

  it("PATCH replaces a team's roles and answers every team of the project; [] and unassigned teams are refused", async () => {
    const { emu, c, orgId, core, web } = await world();
    const ops = emu.state.createTeam(orgId, { name: "ops" });
    emu.state.setProjectTeamRoles(web.id, ops.id, ["GROUP_OWNER"]);
    const url = `/groups/${web.id}/teams/${core.id}`;
    const reply = await c.call("PATCH", url, { roleNames: ["GROUP_USER_ADMIN", "GROUP_BACKUP_ADMIN"] });
    expect(reply.status).toBe(200);
    const page = reply.json as PageJson<ProjectTeamJson>;
    expect(page.results.map((r) => ({ teamId: r.teamId, roleNames: r.roleNames }))).toEqual([
      { teamId: core.id, roleNames: ["GROUP_BACKUP_ADMIN", "GROUP_USER_ADMIN"] },
      { teamId: ops.id, roleNames: ["GROUP_OWNER"] },
    ]);
    expect(page.totalCount).toBe(2);
    const cases: [unknown, string][] = [
      [{ roleNames: [] }, "MISSING_ATTRIBUTE"],
      [{}, "MISSING_ATTRIBUTE"],
      [{ roleNames: ["GROUP_OWNER"], teamId: core.id }, "INVALID_ATTRIBUTE"],
      [[{ roleNames: ["GROUP_OWNER"] }], "INVALID_JSON"],
      [{ roleNames: ["ORG_MEMBER"] }, "INVALID_ROLE_FOR_GROUP"],
      [{ roleNames: ["GROUP_SEARCH_INDEX_EDITOR"] }, "INVALID_ENUM_VALUE"],
    ];
    for (const [body, code] of cases) expectError(await c.call("PATCH", url, body), 400, code);
    const dba = emu.state.createTeam(orgId, { name: "dba" });
    expectError(await c.call("PATCH", `/groups/${web.id}/teams/${dba.id}`, { roleNames: ["GROUP_OWNER"] }), 404, "TEAM_NOT_IN_GROUP");
    expectError(await c.call("PATCH", `/groups/${web.id}/teams/${MISSING}`, { roleNames: ["GROUP_OWNER"] }), 404, "TEAM_NOT_IN_GROUP");
    expectError(await c.call("PATCH", `/groups/${web.id}/teams/nope`, { roleNames: ["GROUP_OWNER"] }), 400, "INVALID_ATTRIBUTE");
    expectError(await c.call("PATCH", `/groups/${MISSING}/teams/${core.id}`, { roleNames: ["GROUP_OWNER"] }), 404, "GROUP_NOT_FOUND");
    expect(emu.state.projectTeams(web.id)[0]).toEqual({ teamId: core.id, roleNames: ["GROUP_BACKUP_ADMIN", "GROUP_USER_ADMIN"] });
  });

  it("DELETE takes the team off the project (204); the team stays in its org; again is 404 TEAM_NOT_IN_GROUP", async () => {
    const { emu, c, orgId, core, web, bo } = await world();
    const reply = await c.call("DELETE", `/groups/${web.id}/teams/${core.id}`);
    expect(reply.status).toBe(204);
    expect(reply.text).toBe("");
    expect((await c.call("GET", `/groups/${web.id}/teams`)).json).toMatchObject({ results: [], totalCount: 0 });
    expect(await teamNames(c, orgId)).toEqual(["core"]);
    expect(await teamUsernames(c, orgId, core.id)).toEqual([bo.username]);
    expectError(await c.call("DELETE", `/groups/${web.id}/teams/${core.id}`), 404, "TEAM_NOT_IN_GROUP");
    expect(emu.state.projectTeams(web.id)).toEqual([]);
  });

  it("reads need ORG_OWNER or ORG_READ_ONLY in the project's org (else 401 NOT_IN_GROUP); writes ORG_OWNER (else 401 USER_UNAUTHORIZED)", async () => {
    const { emu, orgId, other, core, web } = await world();
    const reader = keyWith(emu, [{ orgId, roles: ["ORG_READ_ONLY"] }]);
    expect((await reader.call("GET", `/groups/${web.id}/teams`)).status).toBe(200);
    expectRefused(
      await reader.call("POST", `/groups/${web.id}/teams`, [{ teamId: core.id, roleNames: ["GROUP_OWNER"] }]),
      "USER_UNAUTHORIZED",
    );
    expectRefused(await reader.call("PATCH", `/groups/${web.id}/teams/${core.id}`, { roleNames: ["GROUP_OWNER"] }), "USER_UNAUTHORIZED");
    expectRefused(await reader.call("DELETE", `/groups/${web.id}/teams/${core.id}`), "USER_UNAUTHORIZED");
    const member = keyWith(emu, [{ orgId, roles: ["ORG_MEMBER"] }]);
    expectRefused(await member.call("GET", `/groups/${web.id}/teams`), "NOT_IN_GROUP");
    expectRefused(await member.call("DELETE", `/groups/${web.id}/teams/${core.id}`), "NOT_IN_GROUP");
    const otherOwner = keyWith(emu, [{ orgId: other.id, roles: ["ORG_OWNER"] }]);
    expectRefused(await otherOwner.call("PATCH", `/groups/${web.id}/teams/${core.id}`, { roleNames: ["GROUP_OWNER"] }), "NOT_IN_GROUP");
    expect(emu.state.projectTeams(web.id)).toEqual([{ teamId: core.id, roleNames: ["GROUP_READ_ONLY"] }]);
  });
});

describe("control plane: projects, project teams, renaming and deleting teams by hand", () => {
  it("POST orgs/{orgId}/groups creates a project (201); names unique per org in any case; the API shows it", async () => {
    const { emu, c, orgId, other } = await world();
    const made = await control(emu, "POST", `/orgs/${orgId}/groups`, { name: "Mobile", id: "a".repeat(24) });
    expect(made.status).toBe(201);
    expect(made.json).toEqual({ id: "a".repeat(24), orgId, name: "Mobile", teams: [] });
    expect(((await c.call("GET", `/groups/${"a".repeat(24)}`)).json as ProjectJson).name).toBe("Mobile");
    expectError(await control(emu, "POST", `/orgs/${orgId}/groups`, { name: "MOBILE" }), 409, "GROUP_ALREADY_EXISTS");
    expect((await control(emu, "POST", `/orgs/${other.id}/groups`, { name: "mobile" })).status).toBe(201);
    expectError(await control(emu, "POST", `/orgs/${orgId}/groups`, { name: "10gen-internal" }), 400, "INVALID_GROUP_NAME_10GEN");
    expectError(await control(emu, "POST", `/orgs/${orgId}/groups`, { name: " " }), 400, "MISSING_ATTRIBUTE");
    expectError(await control(emu, "POST", `/orgs/${orgId}/groups`, { name: "x", id: "nope" }), 400, "INVALID_ATTRIBUTE");
    expectError(await control(emu, "POST", `/orgs/${orgId}/groups`, { name: "x", tags: [] }), 400, "INVALID_ATTRIBUTE");
    expectError(await control(emu, "POST", `/orgs/${MISSING}/groups`, { name: "x" }), 404, "ORG_NOT_FOUND");
  });

  it("POST groups/{groupId}/teams/{team} {roleNames} assigns or replaces a team's roles (team by id or name); DELETE takes it off", async () => {
    const { emu, c, orgId, core, theirs, web } = await world();
    const ops = emu.state.createTeam(orgId, { name: "Ops / DBA" });
    const assigned = await control(emu, "POST", `/groups/${web.id}/teams/${encodeURIComponent("ops / dba")}`, {
      roleNames: ["GROUP_OWNER", "GROUP_AUTOMATION_ADMIN"],
    });
    expect(assigned.status).toBe(200);
    expect(assigned.json).toEqual({ teamId: ops.id, roleNames: ["GROUP_AUTOMATION_ADMIN", "GROUP_OWNER"] });
    const replaced = await control(emu, "POST", `/groups/${web.id}/teams/${core.id}`, { roleNames: ["GROUP_MONITORING_ADMIN"] });
    expect(replaced.json).toEqual({ teamId: core.id, roleNames: ["GROUP_MONITORING_ADMIN"] });
    const listed = (await c.call("GET", `/groups/${web.id}/teams`)).json as PageJson<ProjectTeamJson>;
    expect(listed.results.map((r) => [r.teamId, r.roleNames])).toEqual([
      [core.id, ["GROUP_MONITORING_ADMIN"]],
      [ops.id, ["GROUP_AUTOMATION_ADMIN", "GROUP_OWNER"]],
    ]);
    expectError(await control(emu, "POST", `/groups/${web.id}/teams/${core.id}`, { roleNames: [] }), 400, "MISSING_ATTRIBUTE");
    expectError(
      await control(emu, "POST", `/groups/${web.id}/teams/${core.id}`, { roleNames: ["ORG_OWNER"] }),
      400,
      "INVALID_ROLE_FOR_GROUP",
    );
    expectError(await control(emu, "POST", `/groups/${web.id}/teams/${core.id}`, { roles: ["GROUP_OWNER"] }), 400, "INVALID_ATTRIBUTE");
    expectError(await control(emu, "POST", `/groups/${web.id}/teams/${theirs.id}`, { roleNames: ["GROUP_OWNER"] }), 404, "TEAM_NOT_IN_ORG");
    expectError(await control(emu, "POST", `/groups/${web.id}/teams/theirs`, { roleNames: ["GROUP_OWNER"] }), 404, "TEAM_NOT_IN_ORG");
    expectError(await control(emu, "POST", `/groups/${MISSING}/teams/core`, { roleNames: ["GROUP_OWNER"] }), 404, "GROUP_NOT_FOUND");

    expect((await control(emu, "DELETE", `/groups/${web.id}/teams/CORE`)).status).toBe(204);
    expectError(await control(emu, "DELETE", `/groups/${web.id}/teams/core`), 404, "TEAM_NOT_IN_GROUP");
    expectError(await control(emu, "DELETE", `/groups/${web.id}/teams/nothing`), 404, "TEAM_NOT_IN_GROUP");
    expect(emu.state.projectTeams(web.id)).toEqual([{ teamId: ops.id, roleNames: ["GROUP_AUTOMATION_ADMIN", "GROUP_OWNER"] }]);
  });

  it("PATCH orgs/{orgId}/teams/{team} {name} renames (200 {id, name}); a taken name is 409", async () => {
    const { emu, c, orgId, core } = await world();
    emu.state.createTeam(orgId, { name: "ops" });
    const renamed = await control(emu, "PATCH", `/orgs/${orgId}/teams/core`, { name: "Platform" });
    expect(renamed.status).toBe(200);
    expect(renamed.json).toEqual({ id: core.id, name: "Platform" });
    expect(((await c.call("GET", `/orgs/${orgId}/teams/${core.id}`)).json as TeamJson).name).toBe("Platform");
    expectError(await control(emu, "PATCH", `/orgs/${orgId}/teams/${core.id}`, { name: "Ops" }), 409, "TEAM_NAME_NOT_AVAILABLE");
    expectError(await control(emu, "PATCH", `/orgs/${orgId}/teams/nothing`, { name: "x" }), 404, "RESOURCE_NOT_FOUND");
    expectError(await control(emu, "PATCH", `/orgs/${orgId}/teams/ops`, { name: "x", id: core.id }), 400, "INVALID_ATTRIBUTE");
  });

  it("DELETE orgs/{orgId}/teams/{team} refuses a team a project uses, like the UI; ?force=true takes it off its projects and deletes it", async () => {
    const { emu, c, orgId, core, web, bo } = await world();
    expectError(await control(emu, "DELETE", `/orgs/${orgId}/teams/core`), 404, "CANNOT_DELETE_TEAM_ASSIGNED_TO_PROJECT");
    expectError(await control(emu, "DELETE", `/orgs/${orgId}/teams/core?force=false`), 404, "CANNOT_DELETE_TEAM_ASSIGNED_TO_PROJECT");
    expectError(await control(emu, "DELETE", `/orgs/${orgId}/teams/core?force=yes`), 400, "INVALID_QUERY_PARAMETER");
    expect(emu.state.teams(orgId)).toHaveLength(1);
    expect((await control(emu, "DELETE", `/orgs/${orgId}/teams/core?force=true`)).status).toBe(204);
    expect(await teamNames(c, orgId)).toEqual([]);
    expect((await c.call("GET", `/groups/${web.id}/teams`)).json).toMatchObject({ results: [], totalCount: 0 });
    expect(((await c.call("GET", `/users/${bo.id}`)).json as { teamIds: string[] }).teamIds).toEqual([]);
    expectError(await control(emu, "DELETE", `/orgs/${orgId}/teams/${core.id}`), 404, "RESOURCE_NOT_FOUND");
    // A team no project uses goes without force.
    emu.state.createTeam(orgId, { name: "free" });
    expect((await control(emu, "DELETE", `/orgs/${orgId}/teams/free`)).status).toBe(204);
  });

  it("GET state holds the projects with their teams and roles; reset drops them", async () => {
    const { emu, orgId, other, core, web, elsewhere, theirs } = await world();
    emu.state.setProjectTeamRoles(elsewhere.id, theirs.id, ["GROUP_OWNER"]);
    const state = (await control(emu, "GET", "/state")).json as { projects: unknown[]; teams: unknown[] };
    expect(state.projects).toEqual([
      { id: web.id, orgId, name: "web", teams: [{ teamId: core.id, roleNames: ["GROUP_READ_ONLY"] }] },
      { id: elsewhere.id, orgId: other.id, name: "elsewhere", teams: [{ teamId: theirs.id, roleNames: ["GROUP_OWNER"] }] },
    ]);
    expect(emu.state.snapshot().projects).toEqual(state.projects);
    expect((await control(emu, "POST", "/reset")).status).toBe(204);
    expect(emu.state.snapshot().projects).toEqual([]);
  });
});

describe("emu.state: the same operations in process", () => {
  it("createProject, setProjectTeamRoles, removeProjectTeam, renameTeam, deleteTeam (force), projects, projectTeams", async () => {
    const { emu, c, orgId, other, core, theirs, web } = await world();
    const api = emu.state.createProject(orgId, { name: "api" });
    expect(emu.state.projects(orgId).map((p) => p.name)).toEqual(["web", "api"]);
    expect(emu.state.projects().map((p) => p.name)).toEqual(["web", "elsewhere", "api"]);
    expectThrows(() => emu.state.createProject(orgId, { name: "API" }), 409, "GROUP_ALREADY_EXISTS");
    expectThrows(() => emu.state.createProject(MISSING, { name: "x" }), 404, "ORG_NOT_FOUND");

    expect(emu.state.setProjectTeamRoles(api.id, "CORE", ["GROUP_OWNER", "GROUP_OWNER"])).toEqual({
      teamId: core.id,
      roleNames: ["GROUP_OWNER"],
    });
    expect(emu.state.projectTeams(api.id)).toEqual([{ teamId: core.id, roleNames: ["GROUP_OWNER"] }]);
    expectThrows(() => emu.state.setProjectTeamRoles(api.id, theirs.id, ["GROUP_OWNER"]), 404, "TEAM_NOT_IN_ORG");
    expectThrows(() => emu.state.setProjectTeamRoles(api.id, core.id, ["GROUP_NOPE"]), 400, "INVALID_ENUM_VALUE");
    expectThrows(() => emu.state.projectTeams(MISSING), 404, "GROUP_NOT_FOUND");

    expect(emu.state.renameTeam(orgId, core.id, "Platform")).toEqual({ id: core.id, orgId, name: "Platform" });
    // Another org may use the name, in any case.
    expect(emu.state.renameTeam(other.id, "theirs", "PLATFORM").name).toBe("PLATFORM");
    expect(emu.state.teams(other.id).map((t) => t.name)).toEqual(["PLATFORM"]);
    expectThrows(() => emu.state.renameTeam(orgId, "nothing", "x"), 404, "RESOURCE_NOT_FOUND");

    expectThrows(() => emu.state.deleteTeam(orgId, "platform"), 404, "CANNOT_DELETE_TEAM_ASSIGNED_TO_PROJECT");
    emu.state.removeProjectTeam(api.id, "Platform");
    expectThrows(() => emu.state.removeProjectTeam(api.id, core.id), 404, "TEAM_NOT_IN_GROUP");
    expectThrows(() => emu.state.deleteTeam(orgId, core.id), 404, "CANNOT_DELETE_TEAM_ASSIGNED_TO_PROJECT");
    emu.state.deleteTeam(orgId, core.id, { force: true });
    expect(emu.state.teams(orgId)).toEqual([]);
    expect(emu.state.projectTeams(web.id)).toEqual([]);
    expect((await c.call("GET", `/groups/${web.id}/teams`)).json).toMatchObject({ totalCount: 0 });
  });
});

describe("persistence of projects and their teams", () => {
  const dirs: string[] = [];
  afterEach(() => {
    for (const dir of dirs.splice(0)) rmSync(dir, { recursive: true, force: true });
  });

  it("keeps projects, team assignments and renamed teams across a restart; a file without projects loads with none", async () => {
    const dir = mkdtempSync(join(tmpdir(), "cm-emulator-"));
    dirs.push(dir);
    const persistPath = join(dir, "emulator.json");
    const first = await emulator({ persistPath, publicKey: "projkey", privateKey: "proj-private-1" });
    const c1 = new DigestTestClient(first);
    first.state.addOrgUser(first.org.id, { username: "bo@example.com", roles: ["ORG_MEMBER"] });
    const team = (await c1.call("POST", `/orgs/${first.org.id}/teams`, { name: "ops", usernames: ["bo@example.com"] })).json as TeamJson;
    await c1.call("PATCH", `/orgs/${first.org.id}/teams/${team.id}`, { name: "Ops" });
    const project = first.state.createProject(first.org.id, { name: "web" });
    await c1.call("POST", `/groups/${project.id}/teams`, [{ teamId: team.id, roleNames: ["GROUP_OWNER"] }]);
    await first.close();
    const stored = JSON.parse(readFileSync(persistPath, "utf8")) as { projects: unknown[] };
    expect(stored.projects).toEqual([
      { id: project.id, orgId: first.org.id, name: "web", teams: [{ teamId: team.id, roleNames: ["GROUP_OWNER"] }] },
    ]);

    const second = await emulator({ persistPath, publicKey: "projkey", privateKey: "proj-private-1" });
    const c2 = new DigestTestClient(second);
    expect(((await c2.call("GET", `/orgs/${second.org.id}/teams/byName/ops`)).json as TeamJson).id).toBe(team.id);
    expect(((await c2.call("GET", `/groups/${project.id}/teams`)).json as PageJson<ProjectTeamJson>).results[0]?.roleNames).toEqual([
      "GROUP_OWNER",
    ]);
    await second.close();

    // A state file written before projects existed.
    const old = JSON.parse(readFileSync(persistPath, "utf8")) as Record<string, unknown>;
    delete old["projects"];
    writeFileSync(persistPath, JSON.stringify(old));
    const third = await emulator({ persistPath, publicKey: "projkey", privateKey: "proj-private-1" });
    expect(third.state.projects()).toEqual([]);
    expect((await new DigestTestClient(third).call("GET", "/groups")).json).toMatchObject({ results: [], totalCount: 0 });
    expect(third.state.createProject(third.org.id, { name: "again" }).name).toBe("again");
  });
});
