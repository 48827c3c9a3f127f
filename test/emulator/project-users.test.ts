// Issue 20 groundwork, emulator part: the users of a project (GET /groups/{PROJECT-ID}/users with
// flattenTeams / includeOrgUsers, POST …/users, PUT …/users/{USER-ID}/roles, DELETE …/users/{USER-ID}),
// the last direct Project Owner rules, the control-plane calls that change a project's users by hand,
// and how org removal, the request log, faults and rate limits apply. Every API call goes over real
// HTTP with Digest (or a Bearer token).
import { describe, expect, it } from "vitest";
import { ApiError, type RunningEmulator, type UserRecord, type UserRole } from "../../emulator";
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

interface UserJson {
  id: string;
  username: string;
  emailAddress: string;
  links: Link[];
  roles: UserRole[];
  teamIds: string[];
}

const MISSING = "f".repeat(24);

function expectError(reply: Reply, status: number, errorCode: string): void {
  expect({ status: reply.status, errorCode: errorCodeOf(reply) }).toEqual({ status, errorCode });
  expect(Object.keys(reply.json as object)).toEqual(["detail", "error", "errorCode", "parameters", "reason"]);
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
 * An org with ada (ORG_OWNER, GROUP_OWNER of web), bo (ORG_MEMBER, on team core, which has
 * GROUP_READ_ONLY in web), cy (ORG_MEMBER, GROUP_DATA_ACCESS_READ_ONLY in web), ro (ORG_READ_ONLY), and
 * a second org whose owner dee is GROUP_OWNER of its project elsewhere; ada is ORG_MEMBER there too.
 */
async function world(options: Parameters<typeof emulator>[0] = {}): Promise<{
  emu: RunningEmulator;
  c: DigestTestClient;
  orgId: string;
  other: { id: string };
  core: { id: string };
  web: { id: string };
  api: { id: string };
  elsewhere: { id: string };
  ada: UserRecord;
  bo: UserRecord;
  cy: UserRecord;
  ro: UserRecord;
  dee: UserRecord;
}> {
  const emu = await emulator(options);
  const orgId = emu.org.id;
  const other = emu.state.createOrg({ name: "Other" });
  const core = emu.state.createTeam(orgId, { name: "core" });
  const ada = emu.state.addOrgUser(orgId, { username: "ada@example.com", roles: ["ORG_OWNER"] });
  emu.state.addOrgUser(other.id, { username: "ada@example.com", roles: ["ORG_MEMBER"] });
  const bo = emu.state.addOrgUser(orgId, { username: "bo@example.com", roles: ["ORG_MEMBER"], teamIds: [core.id] });
  const cy = emu.state.addOrgUser(orgId, { username: "cy@example.com", roles: ["ORG_MEMBER"] });
  const ro = emu.state.addOrgUser(orgId, { username: "ro@example.com", roles: ["ORG_READ_ONLY"] });
  const dee = emu.state.addOrgUser(other.id, { username: "dee@example.com", roles: ["ORG_OWNER"] });
  const web = emu.state.createProject(orgId, { name: "web" });
  const api = emu.state.createProject(orgId, { name: "api" });
  const elsewhere = emu.state.createProject(other.id, { name: "elsewhere" });
  emu.state.setProjectTeamRoles(web.id, core.id, ["GROUP_READ_ONLY"]);
  emu.state.setProjectUserRoles(web.id, ada.id, ["GROUP_OWNER"]);
  emu.state.setProjectUserRoles(web.id, cy.id, ["GROUP_DATA_ACCESS_READ_ONLY"]);
  emu.state.setProjectUserRoles(elsewhere.id, dee.id, ["GROUP_OWNER"]);
  return { emu, c: new DigestTestClient(emu), orgId, other, core, web, api, elsewhere, ada, bo, cy, ro, dee };
}

function keyWith(emu: RunningEmulator, grants: { orgId: string; roles: string[] }[]): DigestTestClient {
  const key = emu.state.addApiKey({ orgRoles: grants });
  return new DigestTestClient(emu, key.publicKey, key.privateKey);
}

async function usersOf(c: DigestTestClient, projectId: string, query = ""): Promise<UserJson[]> {
  const reply = await c.call("GET", `/groups/${projectId}/users${query}`);
  expect(reply.status).toBe(200);
  return (reply.json as PageJson<UserJson>).results;
}

async function usernamesOf(c: DigestTestClient, projectId: string, query = ""): Promise<string[]> {
  return (await usersOf(c, projectId, query)).map((u) => u.username);
}

const rolesIn = (user: { roles: UserRole[] } | undefined, projectId: string): string[] =>
  (user?.roles ?? []).filter((r) => r.groupId === projectId).map((r) => r.roleName);

describe("GET /groups/{PROJECT-ID}/users", () => {
  it("lists the users with a direct role in the project, each with every role it has (all orgs and projects), paged", async () => {
    const { emu, c, orgId, other, web, elsewhere, ada, cy } = await world();
    emu.state.setProjectUserRoles(elsewhere.id, "ada@example.com", ["GROUP_READ_ONLY"]);
    const reply = await c.call("GET", `/groups/${web.id}/users`);
    expect(reply.status).toBe(200);
    const page = reply.json as PageJson<UserJson>;
    expect(Object.keys(page)).toEqual(["links", "results", "totalCount"]);
    expect(page.totalCount).toBe(2);
    expect(page.links).toEqual([{ href: `${emu.baseUrl}/groups/${web.id}/users?pageNum=1&itemsPerPage=100`, rel: "self" }]);
    expect(page.results.map((u) => u.id)).toEqual([ada.id, cy.id]);
    const first = page.results[0];
    expect(Object.keys(first ?? {})).toEqual([
      "country",
      "emailAddress",
      "firstName",
      "id",
      "lastName",
      "links",
      "mobileNumber",
      "roles",
      "teamIds",
      "username",
    ]);
    expect(first?.links).toEqual([{ href: `${emu.baseUrl}/users/${ada.id}`, rel: "self" }]);
    // Every role: both orgs and both projects; a client filters on groupId itself.
    expect(first?.roles).toEqual([
      { orgId, roleName: "ORG_OWNER" },
      { orgId: other.id, roleName: "ORG_MEMBER" },
      { groupId: web.id, roleName: "GROUP_OWNER" },
      { groupId: elsewhere.id, roleName: "GROUP_READ_ONLY" },
    ]);
    expect(rolesIn(page.results[1], web.id)).toEqual(["GROUP_DATA_ACCESS_READ_ONLY"]);
    // Explicit false is the default.
    expect(await usernamesOf(c, web.id, "?flattenTeams=false&includeOrgUsers=false")).toEqual(["ada@example.com", "cy@example.com"]);
  });

  it("does not list pending invitees (of the org or of the project); lists them once they accept", async () => {
    const { emu, c, orgId, web } = await world();
    emu.state.inviteAs(orgId, { username: "new@example.com", roles: ["ORG_MEMBER"] }, "admin@example.com");
    const invitation = emu.state.inviteToProjectAs(
      web.id,
      { username: "new@example.com", roles: ["GROUP_READ_ONLY"] },
      "admin@example.com",
    );
    expect(await usernamesOf(c, web.id, "?flattenTeams=true&includeOrgUsers=true")).not.toContain("new@example.com");
    emu.state.acceptProjectInvitation(web.id, invitation.id);
    expect(await usernamesOf(c, web.id)).toContain("new@example.com");
  });

  it("flattenTeams=true also lists users who reach the project only through a team: their entries hold no role in it", async () => {
    const { emu, c, web, api, core, bo } = await world();
    expect(await usernamesOf(c, web.id)).not.toContain("bo@example.com");
    const flat = await usersOf(c, web.id, "?flattenTeams=true");
    expect(flat.map((u) => u.username)).toEqual(["ada@example.com", "bo@example.com", "cy@example.com"]);
    const boEntry = flat.find((u) => u.id === bo.id);
    expect(rolesIn(boEntry, web.id)).toEqual([]);
    expect(boEntry?.teamIds).toEqual([core.id]);
    // A project the team is not on: bo is not there.
    expect(await usernamesOf(c, api.id, "?flattenTeams=true")).toEqual([]);
    // The team taken off the project: bo is gone from the flattened list too.
    emu.state.removeProjectTeam(web.id, core.id);
    expect(await usernamesOf(c, web.id, "?flattenTeams=true")).toEqual(["ada@example.com", "cy@example.com"]);
  });

  it("includeOrgUsers=true also lists the org's ORG_OWNER and ORG_READ_ONLY members (not ORG_MEMBERs, not another org's owners)", async () => {
    const { c, web, api } = await world();
    expect(await usernamesOf(c, web.id, "?includeOrgUsers=true")).toEqual(["ada@example.com", "cy@example.com", "ro@example.com"]);
    expect(await usernamesOf(c, api.id, "?includeOrgUsers=true")).toEqual(["ada@example.com", "ro@example.com"]);
    expect(await usernamesOf(c, web.id, "?flattenTeams=true&includeOrgUsers=true")).toEqual([
      "ada@example.com",
      "bo@example.com",
      "cy@example.com",
      "ro@example.com",
    ]);
  });

  it("flags are true or false: anything else is 400 INVALID_QUERY_PARAMETER", async () => {
    const { c, web } = await world();
    for (const query of ["?flattenTeams=yes", "?includeOrgUsers=1", "?flattenTeams=", "?includeOrgUsers=TRUE"]) {
      expectError(await c.call("GET", `/groups/${web.id}/users${query}`), 400, "INVALID_QUERY_PARAMETER");
    }
  });

  it("pages like the other lists (itemsPerPage 1-500) and keeps the flags in the page links", async () => {
    const { emu, c, web } = await world();
    for (let i = 0; i < 5; i++) {
      const user = emu.state.addOrgUser(emu.org.id, { username: `p${i}@example.com`, roles: ["ORG_MEMBER"] });
      emu.state.setProjectUserRoles(web.id, user.id, ["GROUP_READ_ONLY"]);
    }
    // 7 direct users; with flattenTeams bo makes 8.
    const second = await c.call("GET", `/groups/${web.id}/users?flattenTeams=true&pageNum=2&itemsPerPage=3`);
    const page = second.json as PageJson<UserJson>;
    expect(page.totalCount).toBe(8);
    expect(page.results.map((u) => u.username)).toEqual(["p0@example.com", "p1@example.com", "p2@example.com"]);
    const href = (n: number): string => `${emu.baseUrl}/groups/${web.id}/users?flattenTeams=true&pageNum=${n}&itemsPerPage=3`;
    expect(page.links).toEqual([
      { href: href(1), rel: "previous" },
      { href: href(2), rel: "self" },
      { href: href(3), rel: "next" },
    ]);
    // Following `next` reads the same (flattened) list.
    const next = new URL(page.links[2]?.href ?? "");
    const last = (await c.call("GET", `${next.pathname.replace("/api/public/v1.0", "")}${next.search}`)).json as PageJson<UserJson>;
    expect(last.results.map((u) => u.username)).toEqual(["p3@example.com", "p4@example.com"]);
    expect(last.links.map((l) => l.rel)).toEqual(["previous", "self"]);

    expect(((await c.call("GET", `/groups/${web.id}/users?itemsPerPage=500`)).json as PageJson<UserJson>).results).toHaveLength(7);
    for (const query of ["itemsPerPage=501", "itemsPerPage=0", "pageNum=0", "pageNum=x"]) {
      expectError(await c.call("GET", `/groups/${web.id}/users?${query}`), 400, "INVALID_QUERY_PARAMETER");
    }
    expect(((await c.call("GET", `/groups/${web.id}/users?pageNum=9`)).json as PageJson<UserJson>).results).toEqual([]);
  });
});

describe("POST /groups/{PROJECT-ID}/users", () => {
  it("adds existing users with their roles at once (200, the project's users as GET answers them); roles are a sorted set", async () => {
    const { emu, c, orgId, web, bo, ro } = await world();
    const reply = await c.call("POST", `/groups/${web.id}/users`, [
      { id: bo.id, roles: [{ roleName: "GROUP_OWNER" }, { roleName: "GROUP_AUTOMATION_ADMIN" }, { roleName: "GROUP_OWNER" }] },
      { id: ro.id, roles: [{ roleName: "GROUP_READ_ONLY", groupId: web.id }] },
    ]);
    expect(reply.status).toBe(200);
    const page = reply.json as PageJson<UserJson>;
    expect(page.results.map((u) => u.username)).toEqual(["ada@example.com", "bo@example.com", "cy@example.com", "ro@example.com"]);
    expect(rolesIn(page.results[1], web.id)).toEqual(["GROUP_AUTOMATION_ADMIN", "GROUP_OWNER"]);
    expect(rolesIn(page.results[3], web.id)).toEqual(["GROUP_READ_ONLY"]);
    // Their org roles stay as they were.
    expect(emu.state.members(orgId).find((u) => u.id === bo.id)?.roles).toEqual([{ orgId, roleName: "ORG_MEMBER" }]);
    // The answer honours the list's query, like GET.
    const flat = await c.call("POST", `/groups/${web.id}/users?includeOrgUsers=true&itemsPerPage=1`, [
      { id: ro.id, roles: [{ roleName: "GROUP_MONITORING_ADMIN" }] },
    ]);
    expect(flat.json).toMatchObject({ totalCount: 4, results: [{ username: "ada@example.com" }] });
    // A bad query is refused before anything changes.
    for (const query of ["?flattenTeams=yes", "?itemsPerPage=501"]) {
      const refused = await c.call("POST", `/groups/${web.id}/users${query}`, [{ id: ro.id, roles: [{ roleName: "GROUP_OWNER" }] }]);
      expectError(refused, 400, "INVALID_QUERY_PARAMETER");
    }
    expect(
      rolesIn(
        (await usersOf(c, web.id)).find((u) => u.id === ro.id),
        web.id,
      ),
    ).toEqual(["GROUP_MONITORING_ADMIN"]);
  });

  it("overwrites the direct roles of a user already in the project", async () => {
    const { c, web, cy } = await world();
    const reply = await c.call("POST", `/groups/${web.id}/users`, [{ id: cy.id, roles: [{ roleName: "GROUP_BACKUP_ADMIN" }] }]);
    expect(reply.status).toBe(200);
    expect(
      rolesIn(
        (await usersOf(c, web.id)).find((u) => u.id === cy.id),
        web.id,
      ),
    ).toEqual(["GROUP_BACKUP_ADMIN"]);
  });

  it("a user who is not in the project's org joins it as ORG_MEMBER (other orgs' roles stay)", async () => {
    const { emu, c, orgId, other, web, dee } = await world();
    expect(emu.state.members(orgId).map((u) => u.username)).not.toContain("dee@example.com");
    const reply = await c.call("POST", `/groups/${web.id}/users`, [{ id: dee.id, roles: [{ roleName: "GROUP_READ_ONLY" }] }]);
    expect(reply.status).toBe(200);
    const member = emu.state.members(orgId).find((u) => u.id === dee.id);
    expect(member?.roles).toEqual([{ orgId, roleName: "ORG_MEMBER" }]);
    const everywhere = ((await c.call("GET", `/users/${dee.id}`)).json as UserJson).roles;
    expect(everywhere).toContainEqual({ orgId: other.id, roleName: "ORG_OWNER" });
    expect(everywhere).toContainEqual({ groupId: web.id, roleName: "GROUP_READ_ONLY" });
  });

  it("unknown user id: 404 USER_NOT_FOUND, and the call is atomic (the valid entry before it is not applied)", async () => {
    const { c, web, bo } = await world();
    const reply = await c.call("POST", `/groups/${web.id}/users`, [
      { id: bo.id, roles: [{ roleName: "GROUP_READ_ONLY" }] },
      { id: MISSING, roles: [{ roleName: "GROUP_READ_ONLY" }] },
    ]);
    expectError(reply, 404, "USER_NOT_FOUND");
    expect(await usernamesOf(c, web.id)).toEqual(["ada@example.com", "cy@example.com"]);
  });

  it("roles: a non-GROUP_ role is 400 INVALID_ROLE_FOR_GROUP, an unknown GROUP_ role 400 INVALID_ENUM_VALUE, none 400 INVALID_ATTRIBUTE", async () => {
    const { c, web, bo } = await world();
    const add = (roles: unknown): Promise<Reply> => c.call("POST", `/groups/${web.id}/users`, [{ id: bo.id, roles }]);
    expectError(await add([{ roleName: "ORG_OWNER" }]), 400, "INVALID_ROLE_FOR_GROUP");
    expectError(await add([{ roleName: "OWNER" }]), 400, "INVALID_ROLE_FOR_GROUP");
    expectError(await add([{ roleName: "GROUP_CLUSTER_MANAGER" }]), 400, "INVALID_ENUM_VALUE");
    expectError(await add([]), 400, "INVALID_ATTRIBUTE");
    expect(await usernamesOf(c, web.id)).toEqual(["ada@example.com", "cy@example.com"]);
  });

  it("takes exactly [{id, roles: [{roleName, groupId?}]}]: bad bodies are 400 and change nothing", async () => {
    const { c, web, bo, elsewhere } = await world();
    const url = `/groups/${web.id}/users`;
    const cases: [unknown, string][] = [
      [{ id: bo.id, roles: [{ roleName: "GROUP_READ_ONLY" }] }, "INVALID_JSON"],
      [[], "MISSING_ATTRIBUTE"],
      [["bo@example.com"], "INVALID_JSON"],
      [[{ roles: [{ roleName: "GROUP_READ_ONLY" }] }], "MISSING_ATTRIBUTE"],
      [[{ id: bo.id }], "MISSING_ATTRIBUTE"],
      [[{ username: "bo@example.com", id: bo.id, roles: [{ roleName: "GROUP_READ_ONLY" }] }], "INVALID_ATTRIBUTE"],
      [[{ id: "bo", roles: [{ roleName: "GROUP_READ_ONLY" }] }], "INVALID_ATTRIBUTE"],
      [[{ id: bo.id, roles: ["GROUP_READ_ONLY"] }], "INVALID_ATTRIBUTE"],
      [[{ id: bo.id, roles: "GROUP_READ_ONLY" }], "INVALID_ATTRIBUTE"],
      [[{ id: bo.id, roles: [{ role: "GROUP_READ_ONLY" }] }], "INVALID_ATTRIBUTE"],
      [[{ id: bo.id, roles: [{ roleName: "GROUP_READ_ONLY", groupId: elsewhere.id }] }], "INVALID_ATTRIBUTE"],
      [
        [
          { id: bo.id, roles: [{ roleName: "GROUP_READ_ONLY" }] },
          { id: bo.id, roles: [{ roleName: "GROUP_OWNER" }] },
        ],
        "INVALID_ATTRIBUTE",
      ],
    ];
    for (const [body, code] of cases) expectError(await c.call("POST", url, body), 400, code);
    expectError(
      await c.call("POST", url, JSON.stringify([{ id: bo.id, roles: [{ roleName: "GROUP_READ_ONLY" }] }]), {
        "Content-Type": "text/plain",
      }),
      415,
      "UNSUPPORTED_MEDIA_TYPE",
    );
    expect(await usernamesOf(c, web.id)).toEqual(["ada@example.com", "cy@example.com"]);
  });

  it("overwriting the last direct GROUP_OWNER without GROUP_OWNER is 403 CANNOT_DEMOTE_LAST_OWNER", async () => {
    const { c, web, ada, bo } = await world();
    const demote = [{ id: ada.id, roles: [{ roleName: "GROUP_READ_ONLY" }] }];
    expectError(await c.call("POST", `/groups/${web.id}/users`, demote), 403, "CANNOT_DEMOTE_LAST_OWNER");
    expect(rolesIn((await usersOf(c, web.id))[0], web.id)).toEqual(["GROUP_OWNER"]);
    // In the same call another user becomes owner: the project keeps one, so it is fine.
    const handOver = [...demote, { id: bo.id, roles: [{ roleName: "GROUP_OWNER" }] }];
    expect((await c.call("POST", `/groups/${web.id}/users`, handOver)).status).toBe(200);
  });
});

describe("PUT /groups/{PROJECT-ID}/users/{USER-ID}/roles", () => {
  it("replaces the user's direct roles and answers {groupRoles} (sorted, no duplicates); other projects' roles stay", async () => {
    const { emu, c, web, api, cy } = await world();
    emu.state.setProjectUserRoles(api.id, cy.id, ["GROUP_OWNER"]);
    const reply = await c.call("PUT", `/groups/${web.id}/users/${cy.id}/roles`, {
      groupRoles: ["GROUP_READ_ONLY", "GROUP_BACKUP_ADMIN", "GROUP_READ_ONLY"],
    });
    expect(reply.status).toBe(200);
    expect(reply.json).toEqual({ groupRoles: ["GROUP_BACKUP_ADMIN", "GROUP_READ_ONLY"] });
    const user = (await c.call("GET", `/users/${cy.id}`)).json as UserJson;
    expect(rolesIn(user, web.id)).toEqual(["GROUP_BACKUP_ADMIN", "GROUP_READ_ONLY"]);
    expect(rolesIn(user, api.id)).toEqual(["GROUP_OWNER"]);
  });

  it("404 USER_NOT_IN_GROUP for a user without a direct role there: one reaching it through a team, one in other projects only, an unknown id", async () => {
    const { emu, c, web, api, bo, cy } = await world();
    emu.state.setProjectUserRoles(api.id, bo.id, ["GROUP_READ_ONLY"]);
    for (const userId of [bo.id, MISSING]) {
      expectError(
        await c.call("PUT", `/groups/${web.id}/users/${userId}/roles`, { groupRoles: ["GROUP_OWNER"] }),
        404,
        "USER_NOT_IN_GROUP",
      );
    }
    expectError(await c.call("PUT", `/groups/${api.id}/users/${cy.id}/roles`, { groupRoles: ["GROUP_OWNER"] }), 404, "USER_NOT_IN_GROUP");
    expect(await usernamesOf(c, web.id)).toEqual(["ada@example.com", "cy@example.com"]);
  });

  it("takes exactly {groupRoles: [...]}, at least one: bad bodies are 400 and change nothing", async () => {
    const { c, web, cy } = await world();
    const url = `/groups/${web.id}/users/${cy.id}/roles`;
    const cases: [unknown, number, string][] = [
      [{ groupRoles: [] }, 400, "INVALID_ATTRIBUTE"],
      [{}, 400, "MISSING_ATTRIBUTE"],
      [{ groupRoles: null }, 400, "MISSING_ATTRIBUTE"],
      [{ groupRoles: ["GROUP_OWNER"], roles: [] }, 400, "INVALID_ATTRIBUTE"],
      [{ groupRoles: "GROUP_OWNER" }, 400, "INVALID_ATTRIBUTE"],
      [{ groupRoles: ["ORG_MEMBER"] }, 400, "INVALID_ROLE_FOR_GROUP"],
      [{ groupRoles: ["GROUP_SEARCH_INDEX_EDITOR"] }, 400, "INVALID_ENUM_VALUE"],
      // The docs' curl example wraps the object in an array.
      [[{ groupRoles: ["GROUP_OWNER"] }], 400, "INVALID_JSON"],
    ];
    for (const [body, status, code] of cases) expectError(await c.call("PUT", url, body), status, code);
    expectError(await c.call("PUT", `/groups/${web.id}/users/cy/roles`, { groupRoles: ["GROUP_OWNER"] }), 400, "INVALID_ATTRIBUTE");
    expect(rolesIn((await usersOf(c, web.id))[1], web.id)).toEqual(["GROUP_DATA_ACCESS_READ_ONLY"]);
  });

  it("only DIRECT owners count: demoting the last one is 403 CANNOT_DEMOTE_LAST_OWNER though a team and the org owner hold more", async () => {
    const { emu, c, web, core, ada, cy } = await world();
    emu.state.setProjectTeamRoles(web.id, core.id, ["GROUP_OWNER"]);
    // ada is also ORG_OWNER (implied ownership); bo reaches it as owner through core.
    const url = `/groups/${web.id}/users/${ada.id}/roles`;
    expectError(await c.call("PUT", url, { groupRoles: ["GROUP_READ_ONLY"] }), 403, "CANNOT_DEMOTE_LAST_OWNER");
    expect(rolesIn((await usersOf(c, web.id))[0], web.id)).toEqual(["GROUP_OWNER"]);
    // Keeping GROUP_OWNER among others is fine.
    expect((await c.call("PUT", url, { groupRoles: ["GROUP_OWNER", "GROUP_READ_ONLY"] })).status).toBe(200);
    // With a second direct owner, the first may go down.
    await c.call("PUT", `/groups/${web.id}/users/${cy.id}/roles`, { groupRoles: ["GROUP_OWNER"] });
    expect((await c.call("PUT", url, { groupRoles: ["GROUP_READ_ONLY"] })).json).toEqual({ groupRoles: ["GROUP_READ_ONLY"] });
    expectError(
      await c.call("PUT", `/groups/${web.id}/users/${cy.id}/roles`, { groupRoles: ["GROUP_READ_ONLY"] }),
      403,
      "CANNOT_DEMOTE_LAST_OWNER",
    );
  });

  it("a project with no direct owner at all may have its users' roles changed", async () => {
    const { emu, c, api, cy } = await world();
    emu.state.setProjectUserRoles(api.id, cy.id, ["GROUP_READ_ONLY"]);
    expect((await c.call("PUT", `/groups/${api.id}/users/${cy.id}/roles`, { groupRoles: ["GROUP_BACKUP_ADMIN"] })).status).toBe(200);
    expect((await c.call("DELETE", `/groups/${api.id}/users/${cy.id}`)).status).toBe(204);
  });
});

describe("DELETE /groups/{PROJECT-ID}/users/{USER-ID}", () => {
  it("takes the user's direct roles away (204, no body); the user stays in the org and in its other projects", async () => {
    const { emu, c, orgId, web, api, cy } = await world();
    emu.state.setProjectUserRoles(api.id, cy.id, ["GROUP_READ_ONLY"]);
    const reply = await c.call("DELETE", `/groups/${web.id}/users/${cy.id}`);
    expect(reply.status).toBe(204);
    expect(reply.text).toBe("");
    expect(await usernamesOf(c, web.id)).toEqual(["ada@example.com"]);
    expect(emu.state.members(orgId).find((u) => u.id === cy.id)?.roles).toEqual([{ orgId, roleName: "ORG_MEMBER" }]);
    expect(await usernamesOf(c, api.id)).toEqual(["cy@example.com"]);
    // Gone already.
    expectError(await c.call("DELETE", `/groups/${web.id}/users/${cy.id}`), 404, "USER_NOT_IN_GROUP");
  });

  it("404 USER_NOT_IN_GROUP for a user reaching the project only through a team, and for an unknown id", async () => {
    const { c, web, bo } = await world();
    expectError(await c.call("DELETE", `/groups/${web.id}/users/${bo.id}`), 404, "USER_NOT_IN_GROUP");
    expectError(await c.call("DELETE", `/groups/${web.id}/users/${MISSING}`), 404, "USER_NOT_IN_GROUP");
    expect(await usernamesOf(c, web.id, "?flattenTeams=true")).toContain("bo@example.com");
  });

  it("the last direct GROUP_OWNER: 403 CANNOT_DELETE_LAST_OWNER (team and org-owner ownership do not count); fine once another owns it", async () => {
    const { emu, c, web, core, ada, cy } = await world();
    emu.state.setProjectTeamRoles(web.id, core.id, ["GROUP_OWNER"]);
    const reply = await c.call("DELETE", `/groups/${web.id}/users/${ada.id}`);
    expectError(reply, 403, "CANNOT_DELETE_LAST_OWNER");
    expect((reply.json as { detail: string }).detail).toMatch(/last owner/);
    expect(await usernamesOf(c, web.id)).toEqual(["ada@example.com", "cy@example.com"]);
    await c.call("PUT", `/groups/${web.id}/users/${cy.id}/roles`, { groupRoles: ["GROUP_OWNER"] });
    expect((await c.call("DELETE", `/groups/${web.id}/users/${ada.id}`)).status).toBe(204);
    expectError(await c.call("DELETE", `/groups/${web.id}/users/${cy.id}`), 403, "CANNOT_DELETE_LAST_OWNER");
  });
});

describe("access, ids and methods on the project user routes", () => {
  it("ORG_READ_ONLY reads but may not write (401 USER_UNAUTHORIZED); ORG_MEMBER and another org's key: 401 NOT_IN_GROUP; a service account's token works", async () => {
    const { emu, c, orgId, other, web, bo, cy } = await world();
    const reader = keyWith(emu, [{ orgId, roles: ["ORG_READ_ONLY"] }]);
    expect(await usernamesOf(reader, web.id)).toEqual(["ada@example.com", "cy@example.com"]);
    const writes: [string, string, unknown][] = [
      ["POST", `/groups/${web.id}/users`, [{ id: bo.id, roles: [{ roleName: "GROUP_READ_ONLY" }] }]],
      ["PUT", `/groups/${web.id}/users/${cy.id}/roles`, { groupRoles: ["GROUP_OWNER"] }],
      ["DELETE", `/groups/${web.id}/users/${cy.id}`, undefined],
    ];
    for (const [method, path, body] of writes) {
      const refused = await reader.call(method, path, body);
      expectError(refused, 401, "USER_UNAUTHORIZED");
      expect(refused.headers.get("www-authenticate")).toBeNull();
    }
    for (const outsider of [keyWith(emu, [{ orgId, roles: ["ORG_MEMBER"] }]), keyWith(emu, [{ orgId: other.id, roles: ["ORG_OWNER"] }])]) {
      expectError(await outsider.call("GET", `/groups/${web.id}/users`), 401, "NOT_IN_GROUP");
      for (const [method, path, body] of writes) expectError(await outsider.call(method, path, body), 401, "NOT_IN_GROUP");
    }
    expect(await usernamesOf(c, web.id)).toEqual(["ada@example.com", "cy@example.com"]);

    const token = await bearerToken(emu);
    const viaToken = await raw(`${emu.baseUrl}/groups/${web.id}/users/${cy.id}/roles`, {
      method: "PUT",
      headers: { Authorization: `Bearer ${token}`, "Content-Type": "application/json" },
      body: JSON.stringify({ groupRoles: ["GROUP_MONITORING_ADMIN"] }),
    });
    expect(viaToken.json).toEqual({ groupRoles: ["GROUP_MONITORING_ADMIN"] });
  });

  it("unknown project 404 GROUP_NOT_FOUND, malformed ids 400 INVALID_ATTRIBUTE, other methods 405, unsigned 401 with a challenge", async () => {
    const { emu, c, web, cy } = await world();
    expectError(await c.call("GET", `/groups/${MISSING}/users`), 404, "GROUP_NOT_FOUND");
    expectError(await c.call("DELETE", `/groups/${MISSING}/users/${cy.id}`), 404, "GROUP_NOT_FOUND");
    expectError(await c.call("GET", "/groups/web/users"), 400, "INVALID_ATTRIBUTE");
    expectError(await c.call("DELETE", `/groups/${web.id}/users/cy@example.com`), 400, "INVALID_ATTRIBUTE");
    const wrong = await c.call("GET", `/groups/${web.id}/users/${cy.id}`);
    expectError(wrong, 405, "METHOD_NOT_ALLOWED");
    expect(wrong.headers.get("allow")).toBe("DELETE");
    expect((await c.call("PATCH", `/groups/${web.id}/users`, [])).headers.get("allow")).toBe("GET, POST");
    const unsigned = await raw(`${emu.baseUrl}/groups/${web.id}/users`);
    expect(unsigned.status).toBe(401);
    expect(unsigned.headers.get("www-authenticate")).toMatch(/^Digest /);
  });
});

describe("project roles and the org", () => {
  it("a user removed from the org (API or by hand) loses its roles in the org's projects, not in another org's", async () => {
    const { emu, c, orgId, other, web, api, elsewhere, ada, cy } = await world();
    emu.state.setProjectUserRoles(api.id, cy.id, ["GROUP_OWNER"]);
    expect((await c.call("DELETE", `/orgs/${orgId}/users/${cy.id}`)).status).toBe(204);
    expect(await usernamesOf(c, web.id)).toEqual(["ada@example.com"]);
    expect(await usernamesOf(c, api.id)).toEqual([]);
    expect(((await c.call("GET", `/users/${cy.id}`)).json as UserJson).roles).toEqual([]);

    emu.state.setProjectUserRoles(elsewhere.id, ada.id, ["GROUP_READ_ONLY"]);
    emu.state.removeOrgUser(other.id, ada.id);
    const adaRoles = ((await c.call("GET", `/users/${ada.id}`)).json as UserJson).roles;
    expect(adaRoles).toEqual([
      { orgId, roleName: "ORG_OWNER" },
      { groupId: web.id, roleName: "GROUP_OWNER" },
    ]);
  });

  it("a team deleted by force takes its users' reach with it; their direct roles stay", async () => {
    const { emu, c, orgId, web, core, bo } = await world();
    emu.state.setProjectUserRoles(web.id, bo.id, ["GROUP_READ_ONLY"]);
    emu.state.deleteTeam(orgId, core.id, { force: true });
    expect(await usernamesOf(c, web.id, "?flattenTeams=true")).toEqual(["ada@example.com", "bo@example.com", "cy@example.com"]);
    emu.state.removeProjectUser(web.id, "bo@example.com");
    expect(await usernamesOf(c, web.id, "?flattenTeams=true")).toEqual(["ada@example.com", "cy@example.com"]);
  });
});

describe("request log, faults and rate limits on the project user routes", () => {
  it("every call is in the request log; a fault on the path hits it; the per-org request limit counts the project's org", async () => {
    const { emu, c, orgId, web, cy } = await world();
    emu.state.clearRequests();
    await c.call("GET", `/groups/${web.id}/users?flattenTeams=true`);
    await c.call("PUT", `/groups/${web.id}/users/${cy.id}/roles`, { groupRoles: ["GROUP_READ_ONLY"] });
    const logged = emu.state.requests().filter((r) => r.status !== 401);
    expect(logged.map((r) => [r.method, r.path, r.query, r.status])).toEqual([
      ["GET", `/api/public/v1.0/groups/${web.id}/users`, "flattenTeams=true", 200],
      ["PUT", `/api/public/v1.0/groups/${web.id}/users/${cy.id}/roles`, "", 200],
    ]);

    emu.state.addFault({ method: "DELETE", path: "/groups/[0-9a-f]+/users/", count: 1, fault: { type: "status", status: 503 } });
    expectError(await c.call("DELETE", `/groups/${web.id}/users/${cy.id}`), 503, "SERVICE_UNAVAILABLE");
    expect(await usernamesOf(c, web.id)).toContain("cy@example.com");
    expect((await c.call("DELETE", `/groups/${web.id}/users/${cy.id}`)).status).toBe(204);

    emu.state.setRateLimits({ requestsPerWindow: 1, retryAfterSeconds: 7 });
    expect((await c.call("GET", `/groups/${web.id}/users`)).status).toBe(200);
    const limited = await c.call("GET", `/groups/${web.id}/users`);
    expectError(limited, 429, "RATE_LIMITED");
    expect(limited.headers.get("retry-after")).toBe("7");
    expect((limited.json as { parameters: unknown[] }).parameters[0]).toBe(orgId);
  });
});

describe("control plane: a project's users changed by hand", () => {
  it("POST groups/{groupId}/users/{user}/roles {roles} sets a user's direct roles (by id or username, any case); DELETE takes them away", async () => {
    const { emu, c, orgId, web, bo, dee } = await world();
    const set = await control(emu, "POST", `/groups/${web.id}/users/BO@example.com/roles`, { roles: ["GROUP_OWNER", "GROUP_READ_ONLY"] });
    expect(set.status).toBe(200);
    expect((set.json as UserRecord).id).toBe(bo.id);
    expect(rolesIn(set.json as UserRecord, web.id)).toEqual(["GROUP_OWNER", "GROUP_READ_ONLY"]);
    expect(await usernamesOf(c, web.id)).toEqual(["ada@example.com", "bo@example.com", "cy@example.com"]);
    // Replaced, not added to.
    await control(emu, "POST", `/groups/${web.id}/users/${bo.id}/roles`, { roles: ["GROUP_BACKUP_ADMIN"] });
    expect(rolesIn((await usersOf(c, web.id))[1], web.id)).toEqual(["GROUP_BACKUP_ADMIN"]);
    // A user of another org joins this one, as the API does.
    expect((await control(emu, "POST", `/groups/${web.id}/users/dee@example.com/roles`, { roles: ["GROUP_READ_ONLY"] })).status).toBe(200);
    expect(emu.state.members(orgId).find((u) => u.id === dee.id)?.roles).toEqual([{ orgId, roleName: "ORG_MEMBER" }]);

    expectError(
      await control(emu, "POST", `/groups/${web.id}/users/nobody@example.com/roles`, { roles: ["GROUP_OWNER"] }),
      404,
      "USER_NOT_FOUND",
    );
    expectError(await control(emu, "POST", `/groups/${web.id}/users/bo@example.com/roles`, { roles: [] }), 400, "INVALID_ATTRIBUTE");
    expectError(
      await control(emu, "POST", `/groups/${web.id}/users/bo@example.com/roles`, { roles: ["ORG_OWNER"] }),
      400,
      "INVALID_ROLE_FOR_GROUP",
    );
    expectError(
      await control(emu, "POST", `/groups/${web.id}/users/bo@example.com/roles`, { groupRoles: ["GROUP_OWNER"] }),
      400,
      "INVALID_ATTRIBUTE",
    );
    expectError(
      await control(emu, "POST", `/groups/${web.id}/users/ada@example.com/roles`, { roles: ["GROUP_READ_ONLY"] }),
      403,
      "CANNOT_DEMOTE_LAST_OWNER",
    );
    expectError(
      await control(emu, "POST", `/groups/${MISSING}/users/bo@example.com/roles`, { roles: ["GROUP_OWNER"] }),
      404,
      "GROUP_NOT_FOUND",
    );

    expect((await control(emu, "DELETE", `/groups/${web.id}/users/Dee@Example.com`)).status).toBe(204);
    expectError(await control(emu, "DELETE", `/groups/${web.id}/users/dee@example.com`), 404, "USER_NOT_IN_GROUP");
    expectError(await control(emu, "DELETE", `/groups/${web.id}/users/nobody@example.com`), 404, "USER_NOT_IN_GROUP");
    expectError(await control(emu, "DELETE", `/groups/${web.id}/users/ada@example.com`), 403, "CANNOT_DELETE_LAST_OWNER");
  });

  it("emu.state: setProjectUserRoles, removeProjectUser and projectUsers (with the list's flags), under the same rules", async () => {
    const { emu, web, ada, bo } = await world();
    expect(emu.state.projectUsers(web.id).map((u) => u.username)).toEqual(["ada@example.com", "cy@example.com"]);
    expect(emu.state.projectUsers(web.id, { flattenTeams: true }).map((u) => u.username)).toEqual([
      "ada@example.com",
      "bo@example.com",
      "cy@example.com",
    ]);
    expect(emu.state.projectUsers(web.id, { includeOrgUsers: true }).map((u) => u.username)).toEqual([
      "ada@example.com",
      "cy@example.com",
      "ro@example.com",
    ]);
    expect(rolesIn(emu.state.setProjectUserRoles(web.id, bo.id, ["GROUP_OWNER"]), web.id)).toEqual(["GROUP_OWNER"]);
    emu.state.removeProjectUser(web.id, ada.id);
    expectThrows(() => emu.state.removeProjectUser(web.id, "bo@example.com"), 403, "CANNOT_DELETE_LAST_OWNER");
    expectThrows(() => emu.state.setProjectUserRoles(web.id, bo.id, ["GROUP_READ_ONLY"]), 403, "CANNOT_DEMOTE_LAST_OWNER");
    expectThrows(() => emu.state.removeProjectUser(web.id, ada.id), 404, "USER_NOT_IN_GROUP");
    expectThrows(() => emu.state.projectUsers(MISSING), 404, "GROUP_NOT_FOUND");
    // The roles are in the snapshot's members, and reset drops them.
    expect(
      rolesIn(
        emu.state.snapshot().members.find((u) => u.id === bo.id),
        web.id,
      ),
    ).toEqual(["GROUP_OWNER"]);
    emu.state.reset();
    expect(emu.state.snapshot().members).toEqual([]);
  });
});
