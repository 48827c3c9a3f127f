import { afterAll, afterEach, beforeAll, describe, expect, it } from "vitest";
import { CloudManagerClient, isNotFoundAnswer, KNOWN_PROJECT_ROLES, type ClientLogEvent, type Project, type ProjectTeam } from "../../sdk";
import { fakeClock, type FakeClock } from "./support/fake-clock";
import {
  byPage,
  challenge,
  digestIsValid,
  empty,
  errorReply,
  json,
  page,
  startScriptedServer,
  type ArrivedRequest,
  type ScriptedServer,
} from "./support/scripted-server";
import { failure } from "./support/failure";

// The team and project methods against a scripted server (not the emulator): what goes on the wire
// (method, path with names URL-encoded, exact body), which answers succeed (any 2xx, with or without a
// body), the shared pager on projects and a project's teams, getTeamByName's 404 rule, retries through
// the one retry layer, and the shape checks and messages of these routes' errors.

const ORG = "5e2211c17a3e5a48f5497de3";
const TEAM = "6a0000000000000000000001";
const PROJECT = "5f1111111111111111111111";
const PUBLIC_KEY = "pubkeyab";
const PRIVATE_KEY = "private-key-teams-0001";
const API = "/api/public/v1.0";
/** A name that needs encoding in a path: a space and a slash. */
const ODD_NAME = "Data Team/EU";
const ODD_NAME_IN_PATH = "Data%20Team%2FEU";

let server: ScriptedServer;
let client: CloudManagerClient;
let clock: FakeClock;
const logs: ClientLogEvent[] = [];
const extraClients: CloudManagerClient[] = [];

function project(n: number): Project {
  return { id: `5f${n.toString(16).padStart(22, "0")}`, name: `project ${n}`, orgId: ORG };
}

function projects(from: number, count: number): Project[] {
  return Array.from({ length: count }, (_, i) => project(from + i));
}

function projectTeam(n: number, roleNames: string[] = ["GROUP_READ_ONLY"]): ProjectTeam {
  return { teamId: `7b${n.toString(16).padStart(22, "0")}`, roleNames };
}

function projectTeams(from: number, count: number): ProjectTeam[] {
  return Array.from({ length: count }, (_, i) => projectTeam(from + i));
}

function only(): ArrivedRequest {
  expect(server.arrived).toHaveLength(1);
  return server.arrived[0] as ArrivedRequest;
}

function sent(): [string, string, string][] {
  return server.arrived.map((r) => [r.method, r.url, r.body]);
}

/**
 * A client whose first request the server answers with a Digest challenge: every answer after it is to
 * a signed request (`authenticated`). The main client is never challenged, so its answers are not.
 */
function signedClient(): CloudManagerClient {
  const created = new CloudManagerClient({ baseUrl: server.baseUrl, publicKey: PUBLIC_KEY, privateKey: PRIVATE_KEY, clock });
  extraClients.push(created);
  server.enqueue(challenge("nonce-teams-1"));
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

it("KNOWN_PROJECT_ROLES: Cloud Manager's 9 project roles, no Atlas-only ones", () => {
  expect([...KNOWN_PROJECT_ROLES].sort()).toEqual([
    "GROUP_AUTOMATION_ADMIN",
    "GROUP_BACKUP_ADMIN",
    "GROUP_DATA_ACCESS_ADMIN",
    "GROUP_DATA_ACCESS_READ_ONLY",
    "GROUP_DATA_ACCESS_READ_WRITE",
    "GROUP_MONITORING_ADMIN",
    "GROUP_OWNER",
    "GROUP_READ_ONLY",
    "GROUP_USER_ADMIN",
  ]);
});

describe("getTeam and getTeamByName", () => {
  it("getTeam: GET /orgs/{ORG}/teams/{TEAM}; a body that is not a team is a response error", async () => {
    server.enqueue(json(200, { id: TEAM, name: "ops", links: [] }));
    expect(await client.getTeam(ORG, TEAM)).toMatchObject({ id: TEAM, name: "ops" });
    expect(only()).toMatchObject({ method: "GET", url: `${API}/orgs/${ORG}/teams/${TEAM}`, body: "" });

    server.enqueue(json(200, { id: TEAM }));
    const error = await failure(client.getTeam(ORG, TEAM));
    expect(error.code).toBe("CLOUD_MANAGER_RESPONSE_ERROR");
    expect(error.message).toContain(`GET ${API}/orgs/${ORG}/teams/${TEAM}`);
  });

  it("getTeamByName: the name is URL-encoded into the path (space and '/')", async () => {
    server.enqueue(json(200, { id: TEAM, name: ODD_NAME }));
    expect(await client.getTeamByName(ORG, ODD_NAME)).toMatchObject({ id: TEAM, name: ODD_NAME });
    expect(only().url).toBe(`${API}/orgs/${ORG}/teams/byName/${ODD_NAME_IN_PATH}`);
  });

  it("getTeamByName: the team the server answers with, whatever name it echoes", async () => {
    // Names are compared by nobody here: Cloud Manager may match case-insensitively.
    server.enqueue(json(200, { id: TEAM, name: "OPS" }));
    expect(await client.getTeamByName(ORG, "ops")).toMatchObject({ id: TEAM, name: "OPS" });
  });

  for (const errorCode of ["RESOURCE_NOT_FOUND", "TEAM_NAME_NOT_FOUND", "TEAM_NOT_FOUND"]) {
    it(`getTeamByName: an authenticated Cloud Manager 404 ${errorCode} is undefined`, async () => {
      const signed = signedClient();
      server.enqueue(errorReply(404, errorCode));
      expect(await signed.getTeamByName(ORG, ODD_NAME)).toBeUndefined();
      const [probe, request] = server.arrived as [ArrivedRequest, ArrivedRequest];
      expect(probe.headers.authorization).toBeUndefined();
      expect(request.url).toBe(`${API}/orgs/${ORG}/teams/byName/${ODD_NAME_IN_PATH}`);
      expect(digestIsValid(request, PUBLIC_KEY, PRIVATE_KEY)).toBe(true);
    });
  }

  it("getTeamByName: a 404 that is not an authenticated Cloud Manager answer is thrown", async () => {
    // Unsigned and unchallenged (a wrong base path answers everything like this).
    server.enqueue(errorReply(404, "RESOURCE_NOT_FOUND"));
    const unauthenticated = await failure(client.getTeamByName(ORG, "ops"));
    expect(unauthenticated).toMatchObject({ status: 404, authenticated: false });
    expect(unauthenticated.message).toContain(`Not found: team named "ops" in organization ${ORG}`);

    // Signed, but not Cloud Manager's error format (a proxy's page).
    const signed = signedClient();
    server.enqueue((_req, res) => {
      res.writeHead(404, { "content-type": "text/html" });
      res.end("<html>Not Found</html>");
    });
    expect(await failure(signed.getTeamByName(ORG, "ops"))).toMatchObject({ status: 404, authenticated: true, hasErrorBody: false });

    // Signed and in Cloud Manager's format, but about the organization.
    server.enqueue(errorReply(404, "ORG_NOT_FOUND"));
    expect(await failure(signed.getTeamByName(ORG, "ops"))).toMatchObject({ status: 404, errorCode: "ORG_NOT_FOUND", authenticated: true });
  });

  it("an empty name, '.' or '..' is refused before sending", async () => {
    for (const name of ["", " ", ".", ".."]) {
      expect((await failure(client.getTeamByName(ORG, name))).code).toBe("CLOUD_MANAGER_CONFIG_ERROR");
    }
    expect(server.arrived).toHaveLength(0);
  });
});

describe("createTeam", () => {
  const path = `${API}/orgs/${ORG}/teams`;

  it("POSTs {name, usernames}; a 200 or 201 answer is the team (nothing compared with what was sent)", async () => {
    server.enqueue(json(200, { id: TEAM, name: ODD_NAME, links: [] }), json(201, { id: "6a0000000000000000000002", name: "other" }));
    expect(await client.createTeam(ORG, ODD_NAME, ["a@example.com", "b@example.com"])).toMatchObject({ id: TEAM, name: ODD_NAME });
    // A reply with another name (or no usernames echoed) is still the team created.
    expect(await client.createTeam(ORG, "ops", ["a@example.com"])).toMatchObject({ id: "6a0000000000000000000002", name: "other" });
    expect(sent()).toEqual([
      ["POST", path, `{"name":"${ODD_NAME}","usernames":["a@example.com","b@example.com"]}`],
      ["POST", path, '{"name":"ops","usernames":["a@example.com"]}'],
    ]);
    expect(server.arrived[0]?.headers["content-type"]).toBe("application/json");
  });

  it("a 2xx without a body: the team is read back by name (URL-encoded)", async () => {
    server.enqueue(empty(201), json(200, { id: TEAM, name: ODD_NAME }));
    expect(await client.createTeam(ORG, ODD_NAME, ["a@example.com"])).toMatchObject({ id: TEAM, name: ODD_NAME });
    expect(server.arrived.map((r) => [r.method, r.url])).toEqual([
      ["POST", path],
      ["GET", `${path}/byName/${ODD_NAME_IN_PATH}`],
    ]);
  });

  it("a 2xx without a body and no such team afterwards is a response error", async () => {
    const signed = signedClient();
    server.enqueue(empty(204), errorReply(404, "TEAM_NAME_NOT_FOUND"));
    const error = await failure(signed.createTeam(ORG, "ops", ["a@example.com"]));
    expect(error.code).toBe("CLOUD_MANAGER_RESPONSE_ERROR");
    expect(error.message).toContain('no team named "ops" is found afterwards');
  });

  it("a 200 that is not a team is a response error", async () => {
    server.enqueue(json(200, { name: "ops" }));
    expect((await failure(client.createTeam(ORG, "ops", ["a@example.com"]))).code).toBe("CLOUD_MANAGER_RESPONSE_ERROR");
  });

  for (const [status, errorCode, advice] of [
    [400, "CANNOT_CREATE_EMPTY_TEAM", "a team must have at least one user"],
    [409, "TEAM_NAME_NOT_AVAILABLE", `another team of organization ${ORG} already has this name`],
    [400, "MAX_TEAMS_PER_ORG_EXCEEDED", `organization ${ORG} already has as many teams as Cloud Manager allows (250)`],
    [400, "MAX_USERS_PER_TEAM_EXCEEDED", "a team holds at most 250 users"],
  ] as const) {
    it(`${status} ${errorCode}: keeps errorCode and detail, and says what to do`, async () => {
      server.enqueue(errorReply(status, errorCode, `Server detail for ${errorCode}.`));
      const error = await failure(client.createTeam(ORG, "ops", []));
      expect(error).toMatchObject({ code: "CLOUD_MANAGER_API_ERROR", status, errorCode, detail: `Server detail for ${errorCode}.` });
      expect(error.message).toContain(advice);
      expect(error.message).toContain(`Server detail for ${errorCode}.`);
      // Not re-sent: a refusal is final.
      expect(only().body).toBe('{"name":"ops","usernames":[]}');
    });
  }

  it("a bad name or usernames is refused before sending", async () => {
    expect((await failure(client.createTeam(ORG, "", ["a@example.com"]))).code).toBe("CLOUD_MANAGER_CONFIG_ERROR");
    expect((await failure(client.createTeam(ORG, "ops", ["a@example.com", ""]))).code).toBe("CLOUD_MANAGER_CONFIG_ERROR");
    expect((await failure(client.createTeam(ORG, "ops", "a@example.com" as unknown as string[]))).code).toBe("CLOUD_MANAGER_CONFIG_ERROR");
    expect(server.arrived).toHaveLength(0);
  });
});

describe("renameTeam and deleteTeam", () => {
  const path = `${API}/orgs/${ORG}/teams/${TEAM}`;

  it("renameTeam PATCHes {name}; the answer is the team, or {id, name} when the 2xx has no body", async () => {
    server.enqueue(json(200, { id: TEAM, name: "Renamed", links: [] }), empty(204), empty(200));
    expect(await client.renameTeam(ORG, TEAM, ODD_NAME)).toMatchObject({ id: TEAM, name: "Renamed" });
    expect(await client.renameTeam(ORG, TEAM, "b")).toEqual({ id: TEAM, name: "b" });
    expect(await client.renameTeam(ORG, TEAM, "c")).toEqual({ id: TEAM, name: "c" });
    expect(sent()).toEqual([
      ["PATCH", path, `{"name":"${ODD_NAME}"}`],
      ["PATCH", path, '{"name":"b"}'],
      ["PATCH", path, '{"name":"c"}'],
    ]);
  });

  it("renameTeam: a 200 that is not a team is a response error; a taken name says so", async () => {
    server.enqueue(json(200, [{ id: TEAM, name: "x" }]));
    expect((await failure(client.renameTeam(ORG, TEAM, "x"))).code).toBe("CLOUD_MANAGER_RESPONSE_ERROR");
    server.enqueue(errorReply(409, "TEAM_NAME_NOT_AVAILABLE"));
    const taken = await failure(client.renameTeam(ORG, TEAM, "x"));
    expect(taken).toMatchObject({ status: 409, errorCode: "TEAM_NAME_NOT_AVAILABLE" });
    expect(taken.message).toContain("already has this name");
  });

  it("deleteTeam: DELETE without a body; 200 {}, 202 and 204 without a body all succeed", async () => {
    server.enqueue(json(200, {}), empty(202), empty(204));
    for (let i = 0; i < 3; i++) await expect(client.deleteTeam(ORG, TEAM)).resolves.toBeUndefined();
    expect(sent()).toEqual([
      ["DELETE", path, ""],
      ["DELETE", path, ""],
      ["DELETE", path, ""],
    ]);
  });

  it("deleteTeam: CANNOT_DELETE_TEAM_ASSIGNED_TO_PROJECT (a 404 in Atlas) says to remove it from its projects, and is no 'gone'", async () => {
    const signed = signedClient();
    server.enqueue(errorReply(404, "CANNOT_DELETE_TEAM_ASSIGNED_TO_PROJECT", "You cannot delete a team that has at least one project."));
    const error = await failure(signed.deleteTeam(ORG, TEAM));
    expect(error).toMatchObject({
      status: 404,
      errorCode: "CANNOT_DELETE_TEAM_ASSIGNED_TO_PROJECT",
      authenticated: true,
      hasErrorBody: true,
    });
    expect(error.message).toContain("Remove it from every project first (DELETE /groups/{PROJECT-ID}/teams/{TEAM-ID}), then delete it.");
    expect(error.message).toContain("You cannot delete a team that has at least one project.");
    expect(isNotFoundAnswer(error)).toBe(false);
  });
});

describe("projects", () => {
  it("getProject: GET /groups/{PROJECT}; a project needs id, name and orgId", async () => {
    server.enqueue(json(200, { ...project(1), id: PROJECT, links: [], replicaSetCount: 2 }));
    expect(await client.getProject(PROJECT)).toMatchObject({ id: PROJECT, name: "project 1", orgId: ORG, replicaSetCount: 2 });
    expect(only()).toMatchObject({ method: "GET", url: `${API}/groups/${PROJECT}`, body: "" });

    server.enqueue(json(200, { id: PROJECT, name: "p" }));
    expect((await failure(client.getProject(PROJECT))).code).toBe("CLOUD_MANAGER_RESPONSE_ERROR");
    server.enqueue(errorReply(404, "GROUP_NOT_FOUND"));
    expect((await failure(client.getProject(PROJECT))).message).toContain(`Not found: project ${PROJECT}`);
  });

  it("listProjects reads every page of GET /groups, 500 a page", async () => {
    server.fallback = byPage((n) => page(projects((n - 1) * 500, n < 2 ? 500 : 2), 502, n < 2));
    const listed = await client.listProjects();
    expect(listed).toHaveLength(502);
    expect(listed[501]).toEqual(project(501));
    expect(server.arrived.map((r) => r.url)).toEqual([
      `${API}/groups?pageNum=1&itemsPerPage=500`,
      `${API}/groups?pageNum=2&itemsPerPage=500`,
    ]);
  });

  it("listOrgProjects reads every page of GET /orgs/{ORG}/groups", async () => {
    server.fallback = byPage((n) => page(projects(n * 1_000, n < 3 ? 500 : 1), 1_001, n < 3));
    expect(await client.listOrgProjects(ORG)).toHaveLength(1_001);
    expect(server.arrived.map((r) => r.url)).toEqual([1, 2, 3].map((n) => `${API}/orgs/${ORG}/groups?pageNum=${n}&itemsPerPage=500`));
  });

  it("a repeated project stops the listing; a page that is not projects is a response error", async () => {
    server.fallback = page(projects(0, 2), 4, true);
    const repeated = await failure(client.listOrgProjects(ORG));
    expect(repeated.code).toBe("CLOUD_MANAGER_RESPONSE_ERROR");
    expect(repeated.message).toContain(
      `page 2: it repeats project ${project(0).id}, already listed (if projects changed meanwhile, run again)`,
    );

    server.fallback = undefined;
    server.enqueue(page([{ id: PROJECT, name: "p" }], 1, false));
    expect((await failure(client.listProjects())).code).toBe("CLOUD_MANAGER_RESPONSE_ERROR");
  });
});

describe("teams in a project", () => {
  const teamsPath = `${API}/groups/${PROJECT}/teams`;
  const teamPath = `${teamsPath}/${TEAM}`;

  it("listProjectTeams reads every page of {teamId, roleNames}", async () => {
    server.fallback = byPage((n) => page(projectTeams((n - 1) * 500, n < 2 ? 500 : 1), 501, n < 2));
    const listed = await client.listProjectTeams(PROJECT);
    expect(listed).toHaveLength(501);
    expect(listed[500]).toEqual(projectTeam(500));
    expect(server.arrived.map((r) => r.url)).toEqual([
      `${teamsPath}?pageNum=1&itemsPerPage=500`,
      `${teamsPath}?pageNum=2&itemsPerPage=500`,
    ]);
  });

  it("listProjectTeams: a repeated teamId stops the listing; an entry without roleNames is a response error", async () => {
    server.fallback = page(projectTeams(0, 2), 4, true);
    const repeated = await failure(client.listProjectTeams(PROJECT));
    expect(repeated.message).toContain(`page 2: it repeats team ${projectTeam(0).teamId}, already listed (if the project's teams changed`);

    server.fallback = undefined;
    server.enqueue(page([{ teamId: TEAM, roleNames: "GROUP_OWNER" }], 1, false), page([{ id: TEAM, roleNames: [] }], 1, false));
    expect((await failure(client.listProjectTeams(PROJECT))).code).toBe("CLOUD_MANAGER_RESPONSE_ERROR");
    expect((await failure(client.listProjectTeams(PROJECT))).code).toBe("CLOUD_MANAGER_RESPONSE_ERROR");
  });

  it("addTeamsToProject POSTs the array [{teamId, roleNames}]; a page, a 204 and an empty 200 all succeed", async () => {
    const wanted = [projectTeam(1, ["GROUP_OWNER"]), projectTeam(2, ["GROUP_READ_ONLY", "GROUP_DATA_ACCESS_READ_ONLY"])];
    server.enqueue(page([{ ...projectTeam(1, ["GROUP_OWNER"]), links: [] }], 1, false), empty(204), empty(200));
    for (let i = 0; i < 3; i++) await expect(client.addTeamsToProject(PROJECT, wanted)).resolves.toBeUndefined();
    const body = `[{"teamId":"${projectTeam(1).teamId}","roleNames":["GROUP_OWNER"]},{"teamId":"${projectTeam(2).teamId}","roleNames":["GROUP_READ_ONLY","GROUP_DATA_ACCESS_READ_ONLY"]}]`;
    expect(sent()).toEqual([
      ["POST", teamsPath, body],
      ["POST", teamsPath, body],
      ["POST", teamsPath, body],
    ]);
    expect(server.arrived[0]?.headers["content-type"]).toBe("application/json");
  });

  it("addTeamsToProject: a 200 that is not a page of project teams is a response error", async () => {
    server.enqueue(json(200, [{ teamId: TEAM, roleNames: ["GROUP_OWNER"] }]));
    expect((await failure(client.addTeamsToProject(PROJECT, [{ teamId: TEAM, roleNames: ["GROUP_OWNER"] }]))).code).toBe(
      "CLOUD_MANAGER_RESPONSE_ERROR",
    );
  });

  it("addTeamsToProject: no teams sends nothing; a team without roles or without an id is refused before sending", async () => {
    await expect(client.addTeamsToProject(PROJECT, [])).resolves.toBeUndefined();
    const noRoles = await failure(client.addTeamsToProject(PROJECT, [{ teamId: TEAM, roleNames: [] }]));
    expect(noRoles.code).toBe("CLOUD_MANAGER_CONFIG_ERROR");
    expect(noRoles.message).toContain("removeTeamFromProject");
    expect((await failure(client.addTeamsToProject(PROJECT, [{ teamId: "", roleNames: ["GROUP_OWNER"] }]))).code).toBe(
      "CLOUD_MANAGER_CONFIG_ERROR",
    );
    expect(server.arrived).toHaveLength(0);
  });

  it("addTeamsToProject after a 503: lists the project's teams; every team has its roles (in any order), so no second POST", async () => {
    server.enqueue(
      errorReply(503, "SERVICE_UNAVAILABLE"),
      page([projectTeam(9), projectTeam(1, ["GROUP_READ_ONLY", "GROUP_OWNER"])], 2, false),
    );
    await client.addTeamsToProject(PROJECT, [projectTeam(1, ["GROUP_OWNER", "GROUP_READ_ONLY"])]);
    expect(server.arrived.map((r) => [r.method, r.url])).toEqual([
      ["POST", teamsPath],
      ["GET", `${teamsPath}?pageNum=1&itemsPerPage=500`],
    ]);
    expect(logs.some((e) => e.level === "info" && e.message.includes("not sending the POST again"))).toBe(true);
  });

  it("addTeamsToProject after a 503: a team still without its roles, so the POST is sent again", async () => {
    server.enqueue(errorReply(503, "SERVICE_UNAVAILABLE"), page([projectTeam(1, ["GROUP_READ_ONLY"])], 1, false), empty(200));
    await client.addTeamsToProject(PROJECT, [projectTeam(1, ["GROUP_OWNER"])]);
    expect(server.arrived.map((r) => r.method)).toEqual(["POST", "GET", "POST"]);
  });

  for (const errorCode of ["INVALID_ROLE_FOR_GROUP", "INVALID_ENUM_VALUE"]) {
    it(`addTeamsToProject and setProjectTeamRoles: 400 ${errorCode} lists Cloud Manager's project roles`, async () => {
      server.enqueue(errorReply(400, errorCode, "Invalid role GROUP_CLUSTER_MANAGER."), errorReply(400, errorCode));
      const added = await failure(client.addTeamsToProject(PROJECT, [{ teamId: TEAM, roleNames: ["GROUP_CLUSTER_MANAGER"] }]));
      const set = await failure(client.setProjectTeamRoles(PROJECT, TEAM, ["GROUP_CLUSTER_MANAGER"]));
      for (const error of [added, set]) {
        expect(error).toMatchObject({ status: 400, errorCode });
        expect(error.message).toContain(`Cloud Manager's project roles are ${KNOWN_PROJECT_ROLES.join(", ")}.`);
      }
      expect(added.detail).toBe("Invalid role GROUP_CLUSTER_MANAGER.");
    });
  }

  it("INVALID_ENUM_VALUE on a call that sends no project roles does not list them", async () => {
    server.enqueue(errorReply(400, "INVALID_ENUM_VALUE"));
    const error = await failure(client.updateOrgUserRoles(ORG, TEAM, ["ORG_NOPE"]));
    expect(error.errorCode).toBe("INVALID_ENUM_VALUE");
    expect(error.message).not.toContain("project roles");
  });

  it("addTeamsToProject: TEAM_EXISTS_IN_GROUP and MAX_TEAMS_PER_GROUP_EXCEEDED keep their code and say what to do", async () => {
    server.enqueue(errorReply(409, "TEAM_EXISTS_IN_GROUP"), errorReply(400, "MAX_TEAMS_PER_GROUP_EXCEEDED"));
    const exists = await failure(client.addTeamsToProject(PROJECT, [projectTeam(1)]));
    expect(exists).toMatchObject({ status: 409, errorCode: "TEAM_EXISTS_IN_GROUP" });
    expect(exists.message).toContain("Change them with PATCH /groups/{PROJECT-ID}/teams/{TEAM-ID} instead.");
    const full = await failure(client.addTeamsToProject(PROJECT, [projectTeam(1)]));
    expect(full.message).toContain("Remove a team from it first.");
  });

  it("setProjectTeamRoles PATCHes {roleNames}; the page of all the project's teams, a 204 and an empty 200 succeed", async () => {
    server.enqueue(
      page([projectTeam(9), { teamId: TEAM, roleNames: ["GROUP_READ_ONLY", "GROUP_OWNER"] }], 2, false),
      empty(204),
      empty(200),
    );
    for (let i = 0; i < 3; i++)
      await expect(client.setProjectTeamRoles(PROJECT, TEAM, ["GROUP_OWNER", "GROUP_READ_ONLY"])).resolves.toBeUndefined();
    expect(sent()).toEqual(Array.from({ length: 3 }, () => ["PATCH", teamPath, '{"roleNames":["GROUP_OWNER","GROUP_READ_ONLY"]}']));
  });

  it("setProjectTeamRoles: a 200 that is not a page is a response error; no roles is refused before sending", async () => {
    server.enqueue(json(200, { teamId: TEAM, roleNames: "GROUP_OWNER" }));
    expect((await failure(client.setProjectTeamRoles(PROJECT, TEAM, ["GROUP_OWNER"]))).code).toBe("CLOUD_MANAGER_RESPONSE_ERROR");
    server.arrived.length = 0;
    expect((await failure(client.setProjectTeamRoles(PROJECT, TEAM, []))).code).toBe("CLOUD_MANAGER_CONFIG_ERROR");
    expect(server.arrived).toHaveLength(0);
  });

  it("removeTeamFromProject: DELETE without a body; 200 {}, 204 and an empty 200 all succeed; a 404 names the team and project", async () => {
    server.enqueue(json(200, {}), empty(204), empty(200));
    for (let i = 0; i < 3; i++) await expect(client.removeTeamFromProject(PROJECT, TEAM)).resolves.toBeUndefined();
    expect(sent()).toEqual(Array.from({ length: 3 }, () => ["DELETE", teamPath, ""]));
    server.enqueue(errorReply(404, "TEAM_NOT_IN_GROUP"));
    expect((await failure(client.removeTeamFromProject(PROJECT, TEAM))).message).toContain(`Not found: team ${TEAM} in project ${PROJECT}`);
  });
});

it("429 and 5xx are retried by the one retry layer (idempotent calls re-sent; a create POST only after a 429)", async () => {
  server.enqueue(
    errorReply(429, "RATE_LIMITED"),
    errorReply(503, "SERVICE_UNAVAILABLE"),
    json(200, { ...project(1), id: PROJECT }),
    errorReply(500, "UNEXPECTED_ERROR"),
    empty(204),
    errorReply(429, "RATE_LIMITED"),
    json(201, { id: TEAM, name: "ops" }),
    errorReply(502, "BAD_GATEWAY"),
  );
  expect((await client.getProject(PROJECT)).id).toBe(PROJECT);
  await client.setProjectTeamRoles(PROJECT, TEAM, ["GROUP_OWNER"]);
  expect((await client.createTeam(ORG, "ops", ["a@example.com"])).id).toBe(TEAM);
  // The server may have created the team: the POST is not sent again.
  const ambiguous = await failure(client.createTeam(ORG, "ops", ["a@example.com"]));
  expect(ambiguous).toMatchObject({ status: 502, attempts: 1 });
  expect(server.arrived.map((r) => r.method)).toEqual(["GET", "GET", "GET", "PATCH", "PATCH", "POST", "POST", "POST"]);
  expect(clock.waits).toHaveLength(4);
  // Waits of org-scoped calls name the organization.
  expect(logs.find((e) => e.waitMs !== undefined && e.method === "POST")).toMatchObject({ orgId: ORG });
});
