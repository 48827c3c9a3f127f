import { afterAll, afterEach, beforeAll, describe, expect, it } from "vitest";
import { inspect } from "node:util";
import {
  CloudManagerClient,
  isNotFoundAnswer,
  KNOWN_PROJECT_ROLES,
  type ClientLogEvent,
  type CloudManagerError,
  type ProjectInvitation,
  type UserRole,
} from "../../sdk";
import { fakeClock, type FakeClock } from "./support/fake-clock";
import {
  byPage,
  challenge,
  digestIsValid,
  digestParams,
  drop,
  empty,
  errorReply,
  json,
  page,
  startScriptedServer,
  type ArrivedRequest,
  type Reply,
  type ScriptedServer,
} from "./support/scripted-server";
import { failure } from "./support/failure";

// The calls on a project's users and invitations (issue 20) against a scripted server: what goes on
// the wire (method, path, query, exact body), which answers succeed, projectRoles picked out of every
// role a user has, the shared pager, refusals before sending, retries (addUsersToProject re-sent as it
// overwrites; createProjectInvitation looks for the invitation an earlier attempt made before
// re-sending), what the refusals advise, and that no credential reaches an error.

const ORG = "5e2211c17a3e5a48f5497de3";
const PROJECT = "5f1111111111111111111111";
const OTHER_PROJECT = "5f2222222222222222222222";
const USER = "6b0000000000000000000001";
const INVITATION = "6c0000000000000000000001";
const PUBLIC_KEY = "pubkeyab";
const PRIVATE_KEY = "private-key-project-users-0001";
const API = "/api/public/v1.0";
const USERS_PATH = `${API}/groups/${PROJECT}/users`;
const INVITES_PATH = `${API}/groups/${PROJECT}/invites`;
const LIST_QUERY = "flattenTeams=false&includeOrgUsers=false";

let server: ScriptedServer;
let client: CloudManagerClient;
let clock: FakeClock;
const logs: ClientLogEvent[] = [];
const extraClients: CloudManagerClient[] = [];

function userId(n: number): string {
  return `6b${n.toString(16).padStart(22, "0")}`;
}

/** A user as Cloud Manager lists it: roles in this project, in another project and in the organization. */
function wireUser(n: number, extraRoles: UserRole[] = []): Record<string, unknown> {
  return {
    id: userId(n),
    username: `user${n}@example.com`,
    emailAddress: `user${n}@example.com`,
    firstName: "First",
    lastName: `Last${n}`,
    links: [],
    roles: [{ groupId: PROJECT, roleName: "GROUP_READ_ONLY" }, { orgId: ORG, roleName: "ORG_MEMBER" }, ...extraRoles],
  };
}

function wireUsers(from: number, count: number): Record<string, unknown>[] {
  return Array.from({ length: count }, (_, i) => wireUser(from + i));
}

function invitation(overrides: Partial<ProjectInvitation> = {}): ProjectInvitation {
  return {
    id: INVITATION,
    groupId: PROJECT,
    groupName: "Project One",
    username: "new@example.com",
    roles: ["GROUP_READ_ONLY"],
    inviterUsername: "admin@example.com",
    createdAt: "2030-01-01T00:00:00Z",
    expiresAt: "2030-01-31T00:00:00Z",
    ...overrides,
  };
}

function only(): ArrivedRequest {
  expect(server.arrived).toHaveLength(1);
  return server.arrived[0] as ArrivedRequest;
}

function sent(): [string, string, string][] {
  return server.arrived.map((r) => [r.method, r.url, r.body]);
}

/** A client whose first request is challenged, so that every later answer is to a signed request (`authenticated`). */
function signedClient(): CloudManagerClient {
  const created = new CloudManagerClient({ baseUrl: server.baseUrl, publicKey: PUBLIC_KEY, privateKey: PRIVATE_KEY, clock });
  extraClients.push(created);
  server.enqueue(challenge("nonce-project-users-1"));
  return created;
}

beforeAll(async () => {
  server = await startScriptedServer();
  clock = fakeClock();
  client = new CloudManagerClient({
    baseUrl: server.baseUrl,
    publicKey: PUBLIC_KEY,
    privateKey: PRIVATE_KEY,
    clock,
    onLog: (e) => logs.push(e),
  });
});

afterEach(async () => {
  await Promise.all(extraClients.splice(0).map((c) => c.close()));
  server.fallback = undefined;
  server.arrived.length = 0;
  logs.length = 0;
  clock.waits.length = 0;
});

afterAll(async () => {
  await client.close();
  await server.close();
});

describe("listProjectUsers", () => {
  it("GET /groups/{P}/users with both flags sent (false unless set) and the paging query", async () => {
    server.enqueue(page([], 0, false), page([], 0, false), page([], 0, false));
    await client.listProjectUsers(PROJECT);
    await client.listProjectUsers(PROJECT, { flattenTeams: true });
    await client.listProjectUsers(PROJECT, { flattenTeams: true, includeOrgUsers: true });
    expect(sent()).toEqual([
      ["GET", `${USERS_PATH}?${LIST_QUERY}&pageNum=1&itemsPerPage=500`, ""],
      ["GET", `${USERS_PATH}?flattenTeams=true&includeOrgUsers=false&pageNum=1&itemsPerPage=500`, ""],
      ["GET", `${USERS_PATH}?flattenTeams=true&includeOrgUsers=true&pageNum=1&itemsPerPage=500`, ""],
    ]);
  });

  it("projectRoles: only the roles whose groupId is this project (any letter case), each once; roles kept as sent", async () => {
    const everywhere: UserRole[] = [
      { groupId: OTHER_PROJECT, roleName: "GROUP_OWNER" },
      { groupId: PROJECT.toUpperCase(), roleName: "GROUP_DATA_ACCESS_READ_ONLY" },
      { groupId: PROJECT, roleName: "GROUP_READ_ONLY" },
      { orgId: ORG, roleName: "ORG_OWNER" },
      { roleName: "GLOBAL_READ_ONLY" },
    ];
    // A user reached only through a team (flattenTeams): no role of their own in the project.
    const viaTeam = {
      ...wireUser(2),
      roles: [
        { groupId: OTHER_PROJECT, roleName: "GROUP_OWNER" },
        { orgId: ORG, roleName: "ORG_MEMBER" },
      ],
    };
    const noRoles = { id: userId(3), username: "user3@example.com" };
    server.enqueue(page([{ ...wireUser(1, everywhere), mobileNumber: "+1 555" }, viaTeam, noRoles], 3, false));
    const [first, second, third] = await client.listProjectUsers(PROJECT, { flattenTeams: true });
    expect(first).toMatchObject({ id: userId(1), username: "user1@example.com", lastName: "Last1", mobileNumber: "+1 555" });
    expect(first?.projectRoles).toEqual(["GROUP_READ_ONLY", "GROUP_DATA_ACCESS_READ_ONLY"]);
    expect(first?.roles).toEqual([
      { groupId: PROJECT, roleName: "GROUP_READ_ONLY" },
      { orgId: ORG, roleName: "ORG_MEMBER" },
      ...everywhere,
    ]);
    expect(second?.projectRoles).toEqual([]);
    expect(second?.roles).toHaveLength(2);
    expect(third).toMatchObject({ id: userId(3), roles: [], projectRoles: [] });
  });

  it("reads every page, 500 a page", async () => {
    server.fallback = byPage((n) => page(wireUsers((n - 1) * 500, n < 2 ? 500 : 3), 503, n < 2));
    const listed = await client.listProjectUsers(PROJECT);
    expect(listed).toHaveLength(503);
    expect(listed[502]).toMatchObject({ id: userId(502), projectRoles: ["GROUP_READ_ONLY"] });
    expect(server.arrived.map((r) => r.url)).toEqual([
      `${USERS_PATH}?${LIST_QUERY}&pageNum=1&itemsPerPage=500`,
      `${USERS_PATH}?${LIST_QUERY}&pageNum=2&itemsPerPage=500`,
    ]);
  });

  it("a repeated user stops the listing; an entry that is not a user is a response error", async () => {
    server.fallback = page(wireUsers(0, 2), 4, true);
    const repeated = await failure(client.listProjectUsers(PROJECT));
    expect(repeated.code).toBe("CLOUD_MANAGER_RESPONSE_ERROR");
    expect(repeated.message).toContain(`page 2: it repeats user ${userId(0)}, already listed (if the project's users changed meanwhile`);

    server.fallback = undefined;
    server.enqueue(page([{ username: "x@example.com" }], 1, false), page([{ ...wireUser(1), roles: [{ groupId: PROJECT }] }], 1, false));
    expect((await failure(client.listProjectUsers(PROJECT))).code).toBe("CLOUD_MANAGER_RESPONSE_ERROR");
    expect((await failure(client.listProjectUsers(PROJECT))).code).toBe("CLOUD_MANAGER_RESPONSE_ERROR");
  });

  it("an empty project id is refused before sending", async () => {
    expect((await failure(client.listProjectUsers(""))).code).toBe("CLOUD_MANAGER_CONFIG_ERROR");
    expect(server.arrived).toHaveLength(0);
  });
});

describe("addUsersToProject", () => {
  const body =
    `[{"id":"${userId(1)}","roles":[{"roleName":"GROUP_OWNER"}]},` +
    `{"id":"${userId(2)}","roles":[{"roleName":"GROUP_READ_ONLY"},{"roleName":"GROUP_DATA_ACCESS_READ_ONLY"}]}]`;
  const wanted = [
    { userId: userId(1), roles: ["GROUP_OWNER"] },
    { userId: userId(2), roles: ["GROUP_READ_ONLY", "GROUP_DATA_ACCESS_READ_ONLY"] },
  ];

  it("POSTs the array [{id, roles: [{roleName}]}]; a page of users, a 204 and an empty 200 all succeed", async () => {
    server.enqueue(page(wireUsers(1, 2), 2, false), empty(204), empty(200));
    for (let i = 0; i < 3; i++) await expect(client.addUsersToProject(PROJECT, wanted)).resolves.toBeUndefined();
    expect(sent()).toEqual(Array.from({ length: 3 }, () => ["POST", USERS_PATH, body]));
    expect(server.arrived[0]?.headers["content-type"]).toBe("application/json");
  });

  it("a 200 that is not a page of users is a response error", async () => {
    server.enqueue(json(200, wireUsers(1, 1)));
    expect((await failure(client.addUsersToProject(PROJECT, wanted))).code).toBe("CLOUD_MANAGER_RESPONSE_ERROR");
  });

  it("no users sends nothing; no roles, no id or a user listed twice is refused before sending", async () => {
    await expect(client.addUsersToProject(PROJECT, [])).resolves.toBeUndefined();
    const noRoles = await failure(client.addUsersToProject(PROJECT, [{ userId: USER, roles: [] }]));
    expect(noRoles.code).toBe("CLOUD_MANAGER_CONFIG_ERROR");
    expect(noRoles.message).toContain("removeProjectUser");
    expect((await failure(client.addUsersToProject(PROJECT, [{ userId: "", roles: ["GROUP_OWNER"] }]))).code).toBe(
      "CLOUD_MANAGER_CONFIG_ERROR",
    );
    const twice = await failure(
      client.addUsersToProject(PROJECT, [
        { userId: USER, roles: ["GROUP_OWNER"] },
        { userId: USER, roles: ["GROUP_READ_ONLY"] },
      ]),
    );
    expect(twice.message).toContain(`user ${USER} is listed twice`);
    expect(server.arrived).toHaveLength(0);
  });

  it("re-sent after a 503 and after a lost answer, without reading anything first (it overwrites, so twice is once)", async () => {
    server.enqueue(errorReply(503, "SERVICE_UNAVAILABLE"), drop(), page(wireUsers(1, 2), 2, false));
    await client.addUsersToProject(PROJECT, wanted);
    expect(sent()).toEqual(Array.from({ length: 3 }, () => ["POST", USERS_PATH, body]));
    expect(clock.waits).toHaveLength(2);
  });

  it("404 USER_NOT_FOUND names the users sent; 400 INVALID_ROLE_FOR_GROUP lists the project roles; both keep code and detail", async () => {
    server.enqueue(
      errorReply(404, "USER_NOT_FOUND", `No user with ID ${userId(2)} exists.`),
      errorReply(400, "INVALID_ROLE_FOR_GROUP", "Invalid role ORG_MEMBER for group."),
    );
    const unknown = await failure(client.addUsersToProject(PROJECT, wanted));
    expect(unknown).toMatchObject({ status: 404, errorCode: "USER_NOT_FOUND", detail: `No user with ID ${userId(2)} exists.` });
    expect(unknown.message).toContain(`project ${PROJECT}, or one of the users sent (${userId(1)}, ${userId(2)})`);
    const badRole = await failure(client.addUsersToProject(PROJECT, [{ userId: USER, roles: ["ORG_MEMBER"] }]));
    expect(badRole).toMatchObject({ status: 400, errorCode: "INVALID_ROLE_FOR_GROUP", detail: "Invalid role ORG_MEMBER for group." });
    expect(badRole.message).toContain(`Cloud Manager's project roles are ${KNOWN_PROJECT_ROLES.join(", ")}.`);
    expect(server.arrived).toHaveLength(2);
  });
});

describe("setProjectUserRoles", () => {
  const rolesPath = `${USERS_PATH}/${USER}/roles`;

  it("PUTs {groupRoles}; returns the roles answered, or those sent when a 2xx has no body", async () => {
    server.enqueue(json(200, { groupRoles: ["GROUP_READ_ONLY", "GROUP_OWNER"], links: [] }), empty(204), empty(200));
    expect(await client.setProjectUserRoles(PROJECT, USER, ["GROUP_OWNER", "GROUP_READ_ONLY"])).toEqual(["GROUP_READ_ONLY", "GROUP_OWNER"]);
    expect(await client.setProjectUserRoles(PROJECT, USER, ["GROUP_OWNER"])).toEqual(["GROUP_OWNER"]);
    expect(await client.setProjectUserRoles(PROJECT, USER, ["GROUP_USER_ADMIN"])).toEqual(["GROUP_USER_ADMIN"]);
    expect(sent()).toEqual([
      ["PUT", rolesPath, '{"groupRoles":["GROUP_OWNER","GROUP_READ_ONLY"]}'],
      ["PUT", rolesPath, '{"groupRoles":["GROUP_OWNER"]}'],
      ["PUT", rolesPath, '{"groupRoles":["GROUP_USER_ADMIN"]}'],
    ]);
  });

  it("a 200 that is not {groupRoles} is a response error; no roles is refused before sending", async () => {
    server.enqueue(json(200, { roles: ["GROUP_OWNER"] }));
    expect((await failure(client.setProjectUserRoles(PROJECT, USER, ["GROUP_OWNER"]))).code).toBe("CLOUD_MANAGER_RESPONSE_ERROR");
    server.arrived.length = 0;
    for (const roles of [[], [""], "GROUP_OWNER" as unknown as string[]]) {
      const refused = await failure(client.setProjectUserRoles(PROJECT, USER, roles));
      expect(refused.code).toBe("CLOUD_MANAGER_CONFIG_ERROR");
      expect(refused.message).toContain("To take the user out of the project, use removeProjectUser.");
    }
    expect(server.arrived).toHaveLength(0);
  });

  it("403 CANNOT_DEMOTE_LAST_OWNER speaks of the project's owner, not the organization's, and keeps code and detail", async () => {
    server.enqueue(errorReply(403, "CANNOT_DEMOTE_LAST_OWNER", "Cannot demote the last owner of the group."));
    const error = await failure(client.setProjectUserRoles(PROJECT, USER, ["GROUP_READ_ONLY"]));
    expect(error).toMatchObject({
      status: 403,
      errorCode: "CANNOT_DEMOTE_LAST_OWNER",
      detail: "Cannot demote the last owner of the group.",
    });
    expect(error.message).toContain(`it would leave project ${PROJECT} without a Project Owner`);
    expect(error.message).toContain("give another user GROUP_OWNER in the project first");
    expect(error.message).toContain("Cannot demote the last owner of the group.");
    expect(error.message).not.toContain("Organization Owner.");
    // A refusal is final: not re-sent.
    expect(only().method).toBe("PUT");
  });

  it("404 USER_NOT_IN_GROUP: the user has no role of their own there; says where such access is changed", async () => {
    const signed = signedClient();
    server.enqueue(errorReply(404, "USER_NOT_IN_GROUP", `User ${USER} is not in group ${PROJECT}.`));
    const error = await failure(signed.setProjectUserRoles(PROJECT, USER, ["GROUP_OWNER"]));
    expect(error).toMatchObject({ status: 404, errorCode: "USER_NOT_IN_GROUP", detail: `User ${USER} is not in group ${PROJECT}.` });
    expect(error.message).toContain(`Not found: user ${USER} in project ${PROJECT} (404 USER_NOT_IN_GROUP)`);
    expect(error.message).toContain("is changed on that team or role, not here");
    expect(error.message).toContain("use addUsersToProject");
    expect(isNotFoundAnswer(error)).toBe(true);
  });

  it("retried after a 503 (PUT of an absolute value)", async () => {
    server.enqueue(errorReply(503, "SERVICE_UNAVAILABLE"), json(200, { groupRoles: ["GROUP_OWNER"] }));
    expect(await client.setProjectUserRoles(PROJECT, USER, ["GROUP_OWNER"])).toEqual(["GROUP_OWNER"]);
    expect(server.arrived.map((r) => r.method)).toEqual(["PUT", "PUT"]);
  });
});

describe("removeProjectUser", () => {
  const userPath = `${USERS_PATH}/${USER}`;

  it("DELETE without a body; 204, 202 and 200 {} all succeed", async () => {
    server.enqueue(empty(204), empty(202), json(200, {}));
    for (let i = 0; i < 3; i++) await expect(client.removeProjectUser(PROJECT, USER)).resolves.toBeUndefined();
    expect(sent()).toEqual(Array.from({ length: 3 }, () => ["DELETE", userPath, ""]));
  });

  it("404 USER_NOT_IN_GROUP is an error to the caller, saying an earlier attempt may have removed the user", async () => {
    server.enqueue(errorReply(404, "USER_NOT_IN_GROUP"));
    const error = await failure(client.removeProjectUser(PROJECT, USER));
    expect(error).toMatchObject({ status: 404, errorCode: "USER_NOT_IN_GROUP", method: "DELETE" });
    expect(error.message).toContain("After a retry, an earlier attempt may already have removed the user.");
  });

  it("403 CANNOT_DELETE_LAST_OWNER says to give another user GROUP_OWNER first", async () => {
    const detail =
      "Cannot remove the last owner from the group. If you are trying to close the group by removing all users, please delete the group instead.";
    server.enqueue(errorReply(403, "CANNOT_DELETE_LAST_OWNER", detail));
    const error = await failure(client.removeProjectUser(PROJECT, USER));
    expect(error).toMatchObject({ status: 403, errorCode: "CANNOT_DELETE_LAST_OWNER", detail });
    expect(error.message).toContain(`it would leave project ${PROJECT} without a Project Owner`);
    expect(error.message).toContain("then change or remove this one");
    expect(error.message).toContain(detail);
  });

  it("the same code on an organization call still speaks of the Organization Owner", async () => {
    server.enqueue(errorReply(403, "CANNOT_DELETE_LAST_OWNER"));
    const error = await failure(client.removeOrgUser(ORG, USER));
    expect(error.message).toContain(`it would leave organization ${ORG} without an Organization Owner`);
    expect(error.message).not.toContain("Project Owner");
  });

  it("a role refusal (401 NOT_GROUP_USER_ADMIN, no challenge) names the project roles that allow it", async () => {
    server.enqueue(errorReply(401, "NOT_GROUP_USER_ADMIN"), errorReply(401, "USER_UNAUTHORIZED"));
    for (const call of [client.removeProjectUser(PROJECT, USER), client.listProjectInvitations(PROJECT)]) {
      const error = await failure(call);
      expect(error.message).toContain(`is not allowed to`);
      expect(error.message).toContain(`in project ${PROJECT}`);
      expect(error.message).toContain("Project Owner or Project User Admin (GROUP_OWNER, GROUP_USER_ADMIN)");
    }
  });
});

describe("project invitations", () => {
  const invitationPath = `${INVITES_PATH}/${INVITATION}`;

  it("listProjectInvitations: GET /groups/{P}/invites, a bare array; ?username= encoded; a page object is a response error", async () => {
    server.enqueue(
      json(200, [invitation(), invitation({ id: "6c0000000000000000000002", username: "b@example.com", roles: ["GROUP_OWNER"] })]),
      json(200, []),
      page([invitation()], 1, false),
    );
    const listed = await client.listProjectInvitations(PROJECT);
    expect(listed.map((i) => [i.id, i.username, i.roles, i.groupId])).toEqual([
      [INVITATION, "new@example.com", ["GROUP_READ_ONLY"], PROJECT],
      ["6c0000000000000000000002", "b@example.com", ["GROUP_OWNER"], PROJECT],
    ]);
    expect(await client.listProjectInvitations(PROJECT, { username: "a+b@example.com" })).toEqual([]);
    expect((await failure(client.listProjectInvitations(PROJECT))).code).toBe("CLOUD_MANAGER_RESPONSE_ERROR");
    expect(sent()).toEqual([
      ["GET", INVITES_PATH, ""],
      ["GET", `${INVITES_PATH}?username=a%2Bb%40example.com`, ""],
      ["GET", INVITES_PATH, ""],
    ]);
  });

  it("getProjectInvitation: GET …/invites/{I}; an entry without roles is a response error; a 404 says it was accepted, expired or deleted", async () => {
    server.enqueue(json(200, invitation()), json(200, { ...invitation(), roles: undefined }), errorReply(404, "RESOURCE_NOT_FOUND"));
    expect(await client.getProjectInvitation(PROJECT, INVITATION)).toEqual(invitation());
    expect((await failure(client.getProjectInvitation(PROJECT, INVITATION))).code).toBe("CLOUD_MANAGER_RESPONSE_ERROR");
    const gone = await failure(client.getProjectInvitation(PROJECT, INVITATION));
    expect(gone).toMatchObject({ status: 404, errorCode: "RESOURCE_NOT_FOUND" });
    expect(gone.message).toContain(`Not found: invitation ${INVITATION} in project ${PROJECT} (it was accepted, expired or deleted`);
    expect(server.arrived.map((r) => [r.method, r.url])).toEqual(Array.from({ length: 3 }, () => ["GET", invitationPath]));
  });

  it("createProjectInvitation POSTs {username, roles}; the 201 object is the invitation", async () => {
    server.enqueue(json(201, invitation({ roles: ["GROUP_OWNER", "GROUP_READ_ONLY"] })));
    const created = await client.createProjectInvitation(PROJECT, {
      username: "new@example.com",
      roles: ["GROUP_OWNER", "GROUP_READ_ONLY"],
    });
    expect(created).toMatchObject({ id: INVITATION, groupId: PROJECT, roles: ["GROUP_OWNER", "GROUP_READ_ONLY"] });
    expect(only()).toMatchObject({
      method: "POST",
      url: INVITES_PATH,
      body: '{"username":"new@example.com","roles":["GROUP_OWNER","GROUP_READ_ONLY"]}',
    });
  });

  it("createProjectInvitation: no roles or no username is refused before sending", async () => {
    const noRoles = await failure(client.createProjectInvitation(PROJECT, { username: "new@example.com", roles: [] }));
    expect(noRoles.code).toBe("CLOUD_MANAGER_CONFIG_ERROR");
    expect(noRoles.message).toContain("deleteProjectInvitation");
    expect((await failure(client.createProjectInvitation(PROJECT, { username: " ", roles: ["GROUP_OWNER"] }))).code).toBe(
      "CLOUD_MANAGER_CONFIG_ERROR",
    );
    expect(server.arrived).toHaveLength(0);
  });

  it("an answer lost after the POST arrived: the pending invitation with the same roles is found, and no second POST is sent", async () => {
    const made = invitation({ roles: ["GROUP_READ_ONLY", "GROUP_OWNER"] });
    server.enqueue(drop(), json(200, [invitation({ id: "6c0000000000000000000009", roles: ["GROUP_USER_ADMIN"] }), made]));
    const created = await client.createProjectInvitation(PROJECT, {
      username: "New@Example.com",
      roles: ["GROUP_OWNER", "GROUP_READ_ONLY"],
    });
    expect(created).toEqual(made);
    expect(server.arrived.map((r) => [r.method, r.url])).toEqual([
      ["POST", INVITES_PATH],
      ["GET", `${INVITES_PATH}?username=New%40Example.com`],
    ]);
    const adopted = logs.find((e) => e.level === "info" && e.message.includes("not sending the POST again"));
    expect(adopted?.message).toContain(`invitation ${INVITATION} to project ${PROJECT}`);
    expect(adopted).toMatchObject({ method: "POST", path: INVITES_PATH });
  });

  it("after a 503: none pending with these roles (another's roles, or expired), so the POST is sent again, once", async () => {
    const expired = invitation({ id: "6c0000000000000000000008", createdAt: "2000-01-01T00:00:00Z", expiresAt: "2000-01-31T00:00:00Z" });
    server.enqueue(
      errorReply(503, "SERVICE_UNAVAILABLE"),
      json(200, [invitation({ roles: ["GROUP_OWNER"] }), expired]),
      json(201, invitation({ id: "6c0000000000000000000003" })),
    );
    const created = await client.createProjectInvitation(PROJECT, { username: "new@example.com", roles: ["GROUP_READ_ONLY"] });
    expect(created.id).toBe("6c0000000000000000000003");
    expect(server.arrived.map((r) => r.method)).toEqual(["POST", "GET", "POST"]);
  });

  it("after a 429 the POST is re-sent directly (the server did nothing); a 409 INVITATION_ALREADY_EXISTS says what to do instead", async () => {
    server.enqueue(
      errorReply(429, "RATE_LIMITED"),
      json(201, invitation()),
      errorReply(409, "INVITATION_ALREADY_EXISTS", "Already invited."),
    );
    await client.createProjectInvitation(PROJECT, { username: "new@example.com", roles: ["GROUP_READ_ONLY"] });
    expect(server.arrived.map((r) => r.method)).toEqual(["POST", "POST"]);
    const duplicate = await failure(client.createProjectInvitation(PROJECT, { username: "new@example.com", roles: ["GROUP_READ_ONLY"] }));
    expect(duplicate).toMatchObject({ status: 409, errorCode: "INVITATION_ALREADY_EXISTS", detail: "Already invited." });
    expect(duplicate.message).toContain(`a pending invitation for this username already exists in project ${PROJECT}`);
    expect(duplicate.message).toContain("Change its roles (PATCH …/invites/{INVITATION-ID}) instead");
  });

  it("400 INVALID_ROLE_FOR_GROUP on create lists the project roles and keeps code and detail", async () => {
    server.enqueue(errorReply(400, "INVALID_ROLE_FOR_GROUP", "ORG_OWNER is not a project role."));
    const error = await failure(client.createProjectInvitation(PROJECT, { username: "new@example.com", roles: ["ORG_OWNER"] }));
    expect(error).toMatchObject({ status: 400, errorCode: "INVALID_ROLE_FOR_GROUP", detail: "ORG_OWNER is not a project role." });
    expect(error.message).toContain(`Cloud Manager's project roles are ${KNOWN_PROJECT_ROLES.join(", ")}.`);
    expect(only().method).toBe("POST");
  });

  it("updateProjectInvitationRoles PATCHes {roles} by id, updateProjectInvitationByUsername {username, roles}; no roles is refused", async () => {
    server.enqueue(json(200, invitation({ roles: ["GROUP_OWNER"] })), json(200, invitation({ roles: ["GROUP_USER_ADMIN"] })));
    expect((await client.updateProjectInvitationRoles(PROJECT, INVITATION, ["GROUP_OWNER"])).roles).toEqual(["GROUP_OWNER"]);
    expect((await client.updateProjectInvitationByUsername(PROJECT, "new@example.com", ["GROUP_USER_ADMIN"])).roles).toEqual([
      "GROUP_USER_ADMIN",
    ]);
    expect((await failure(client.updateProjectInvitationRoles(PROJECT, INVITATION, []))).code).toBe("CLOUD_MANAGER_CONFIG_ERROR");
    expect((await failure(client.updateProjectInvitationByUsername(PROJECT, "new@example.com", []))).code).toBe(
      "CLOUD_MANAGER_CONFIG_ERROR",
    );
    expect(sent()).toEqual([
      ["PATCH", invitationPath, '{"roles":["GROUP_OWNER"]}'],
      ["PATCH", INVITES_PATH, '{"username":"new@example.com","roles":["GROUP_USER_ADMIN"]}'],
    ]);
  });

  it("updateProjectInvitationRoles: a 200 that is not an invitation is a response error; a 503 is retried", async () => {
    server.enqueue(json(200, { id: INVITATION }), errorReply(503, "SERVICE_UNAVAILABLE"), json(200, invitation()));
    expect((await failure(client.updateProjectInvitationRoles(PROJECT, INVITATION, ["GROUP_OWNER"]))).code).toBe(
      "CLOUD_MANAGER_RESPONSE_ERROR",
    );
    expect((await client.updateProjectInvitationRoles(PROJECT, INVITATION, ["GROUP_READ_ONLY"])).id).toBe(INVITATION);
    expect(server.arrived.map((r) => r.method)).toEqual(["PATCH", "PATCH", "PATCH"]);
  });

  it("deleteProjectInvitation: DELETE; 204 and 200 succeed; a 404 is an error naming the invitation and project", async () => {
    server.enqueue(empty(204), json(200, {}), errorReply(404, "RESOURCE_NOT_FOUND"));
    await client.deleteProjectInvitation(PROJECT, INVITATION);
    await client.deleteProjectInvitation(PROJECT, INVITATION);
    const gone = await failure(client.deleteProjectInvitation(PROJECT, INVITATION));
    expect(gone).toMatchObject({ status: 404, errorCode: "RESOURCE_NOT_FOUND" });
    expect(gone.message).toContain(`invitation ${INVITATION} in project ${PROJECT}`);
    expect(sent()).toEqual(Array.from({ length: 3 }, () => ["DELETE", invitationPath, ""]));
  });
});

describe("no credential in any error of these calls", () => {
  /** An error answer echoing the request's Authorization header, its Digest hash and the private key everywhere Cloud Manager puts text. */
  function echo(status: number, errorCode: string): Reply {
    return (req, res) => {
      const auth = req.headers.authorization ?? "";
      const hash = digestParams(req).get("response") ?? "";
      const text = `saw ${auth} hash ${hash} key ${PRIVATE_KEY}`;
      return json(status, {
        detail: `Refused. ${text}`,
        error: status,
        errorCode,
        parameters: [auth, { nested: [hash, PRIVATE_KEY] }],
        reason: text,
      })(req, res);
    };
  }

  it("refusals of every new call, a retried one and a replay check included, show nothing of the key", async () => {
    const signed = new CloudManagerClient({
      baseUrl: server.baseUrl,
      publicKey: PUBLIC_KEY,
      privateKey: PRIVATE_KEY,
      clock,
      onLog: (e) => logs.push(e),
    });
    extraClients.push(signed);
    const answers: Reply[] = [
      echo(404, "USER_NOT_IN_GROUP"),
      echo(403, "CANNOT_DEMOTE_LAST_OWNER"),
      echo(403, "CANNOT_DELETE_LAST_OWNER"),
      echo(400, "INVALID_ROLE_FOR_GROUP"),
      echo(401, "NOT_GROUP_USER_ADMIN"),
      echo(404, "RESOURCE_NOT_FOUND"),
    ];
    let next = 0;
    // Digest gate: unsigned requests are challenged; signed ones get the next echoing refusal.
    const phase: { reply?: Reply } = {};
    server.fallback = (req, res) => {
      if (!digestIsValid(req, PUBLIC_KEY, PRIVATE_KEY)) return challenge("nonce-echo-1")(req, res);
      const reply = phase.reply ?? answers[next++ % answers.length] ?? echo(500, "UNEXPECTED_ERROR");
      return reply(req, res);
    };
    const errors: CloudManagerError[] = [];
    const calls: (() => Promise<unknown>)[] = [
      () => signed.listProjectUsers(PROJECT),
      () => signed.addUsersToProject(PROJECT, [{ userId: USER, roles: ["GROUP_OWNER"] }]),
      () => signed.setProjectUserRoles(PROJECT, USER, ["GROUP_READ_ONLY"]),
      () => signed.removeProjectUser(PROJECT, USER),
      () => signed.listProjectInvitations(PROJECT, { username: "new@example.com" }),
      () => signed.getProjectInvitation(PROJECT, INVITATION),
      () => signed.createProjectInvitation(PROJECT, { username: "new@example.com", roles: ["GROUP_OWNER"] }),
      () => signed.updateProjectInvitationRoles(PROJECT, INVITATION, ["GROUP_OWNER"]),
      () => signed.updateProjectInvitationByUsername(PROJECT, "new@example.com", ["GROUP_OWNER"]),
      () => signed.deleteProjectInvitation(PROJECT, INVITATION),
    ];
    for (const call of calls) errors.push(await failure(call()));
    // A create whose POST gets a 503: the replay check's list is refused (500, echoing too) and ends the call.
    let posts = 0;
    phase.reply = (req, res) =>
      (req.method === "POST" && posts++ < 1 ? echo(503, "SERVICE_UNAVAILABLE") : echo(500, "UNEXPECTED_ERROR"))(req, res);
    errors.push(await failure(signed.createProjectInvitation(PROJECT, { username: "new@example.com", roles: ["GROUP_OWNER"] })));
    expect(server.arrived.filter((r) => r.method === "GET" && r.url.includes("/invites?username=")).length).toBeGreaterThan(1);

    const signedRequests = server.arrived.filter((r) => r.headers.authorization?.startsWith("Digest "));
    expect(signedRequests.length).toBeGreaterThan(10);
    const secrets = [
      PRIVATE_KEY,
      ...signedRequests.map((r) => r.headers.authorization as string),
      ...signedRequests.map((r) => digestParams(r).get("response") as string),
    ];
    const shown = [
      ...errors.flatMap((error) => [
        error.message,
        error.detail ?? "",
        String(error),
        error.stack ?? "",
        JSON.stringify(error),
        JSON.stringify(error.parameters),
        inspect(error, { depth: 20, showHidden: true }),
      ]),
      ...logs.map((event) => JSON.stringify(event)),
    ].join("\n");
    // The refusals were read (their codes kept), and their echoes scrubbed.
    expect(errors.map((e) => e.errorCode)).toContain("CANNOT_DEMOTE_LAST_OWNER");
    expect(errors.every((e) => e.detail?.startsWith("Refused. saw [REDACTED]") === true)).toBe(true);
    for (const secret of secrets) expect(shown.includes(secret), `found a secret: ${secret.slice(0, 14)}…`).toBe(false);
    expect(shown).not.toMatch(/response="?[0-9a-f]{32}/);
  });
});
