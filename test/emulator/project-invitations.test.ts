// Issue 20 groundwork, emulator part: project invitations (GET|POST|PATCH /groups/{PROJECT-ID}/invites,
// GET|PATCH|DELETE …/invites/{INVITATION-ID}), kept apart from the org's invitations, their expiry and
// duplicates (the org invitations' settings), acceptance and the other by-hand calls of the control
// plane, the per-IP invitation limit, and persistence. Every API call goes over real HTTP with Digest.
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterEach, describe, expect, it } from "vitest";
import { ApiError, type ProjectInvitationView, type RunningEmulator, type UserRecord } from "../../emulator";
import { DigestTestClient, control, emulator, errorCodeOf, type Reply } from "./helpers";

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

/** The seeded org with ada (ORG_OWNER, GROUP_OWNER of web), a project web, a second org with its project elsewhere. */
async function world(options: Parameters<typeof emulator>[0] = {}): Promise<{
  emu: RunningEmulator;
  c: DigestTestClient;
  orgId: string;
  other: { id: string };
  web: { id: string };
  elsewhere: { id: string };
  ada: UserRecord;
}> {
  const emu = await emulator(options);
  const orgId = emu.org.id;
  const other = emu.state.createOrg({ name: "Other" });
  const ada = emu.state.addOrgUser(orgId, { username: "ada@example.com", roles: ["ORG_OWNER"] });
  const web = emu.state.createProject(orgId, { name: "web" });
  const elsewhere = emu.state.createProject(other.id, { name: "elsewhere" });
  emu.state.setProjectUserRoles(web.id, ada.id, ["GROUP_OWNER"]);
  return { emu, c: new DigestTestClient(emu), orgId, other, web, elsewhere, ada };
}

async function invite(
  c: DigestTestClient,
  projectId: string,
  username: string,
  roles: string[] = ["GROUP_READ_ONLY"],
): Promise<ProjectInvitationView> {
  const reply = await c.call("POST", `/groups/${projectId}/invites`, { username, roles });
  expect(reply.status).toBe(201);
  return reply.json as ProjectInvitationView;
}

async function listed(c: DigestTestClient, projectId: string, query = ""): Promise<ProjectInvitationView[]> {
  const reply = await c.call("GET", `/groups/${projectId}/invites${query}`);
  expect(reply.status).toBe(200);
  return reply.json as ProjectInvitationView[];
}

describe("project invitation endpoints", () => {
  it("POST creates with 201: alphabetical fields, no orgId or teamIds, the key as inviter, 30-day expiry, roles a sorted set", async () => {
    const { emu, c, web } = await world();
    const reply = await c.call("POST", `/groups/${web.id}/invites`, {
      username: "eve@example.com",
      roles: ["GROUP_READ_ONLY", "GROUP_BACKUP_ADMIN", "GROUP_READ_ONLY"],
    });
    expect(reply.status).toBe(201);
    const inv = reply.json as ProjectInvitationView;
    expect(Object.keys(inv)).toEqual(["createdAt", "expiresAt", "groupId", "groupName", "id", "inviterUsername", "roles", "username"]);
    expect(inv).toMatchObject({
      groupId: web.id,
      groupName: "web",
      inviterUsername: emu.credentials.publicKey,
      roles: ["GROUP_BACKUP_ADMIN", "GROUP_READ_ONLY"],
      username: "eve@example.com",
    });
    expect(inv.id).toMatch(/^[0-9a-f]{24}$/);
    expect(inv.createdAt).toMatch(/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ$/);
    expect(Date.parse(inv.expiresAt) - Date.parse(inv.createdAt)).toBe(30 * 24 * 3600 * 1000);
  });

  it("GET lists a bare array of the project's pending invitations (?username in any case) and gets one by id", async () => {
    const { emu, c, web, elsewhere } = await world();
    const eve = await invite(c, web.id, "eve@example.com");
    const fay = await invite(c, web.id, "Fay@Example.com", ["GROUP_OWNER"]);
    emu.state.inviteToProjectAs(elsewhere.id, { username: "eve@example.com", roles: ["GROUP_READ_ONLY"] }, "admin@example.com");
    const all = await c.call("GET", `/groups/${web.id}/invites`);
    expect(Array.isArray(all.json)).toBe(true);
    expect((all.json as ProjectInvitationView[]).map((i) => i.id)).toEqual([eve.id, fay.id]);
    expect((await listed(c, web.id, "?username=fay@example.com")).map((i) => i.id)).toEqual([fay.id]);
    expect((await listed(c, web.id, "?username=EVE%40EXAMPLE.COM")).map((i) => i.id)).toEqual([eve.id]);
    expect(await listed(c, web.id, "?username=nobody@example.com")).toEqual([]);
    const one = await c.call("GET", `/groups/${web.id}/invites/${fay.id}`);
    expect(one.status).toBe(200);
    expect(one.json).toEqual(fay);
    // Another project's invitation is not this project's.
    const theirs = emu.state.pendingProjectInvitations(elsewhere.id)[0];
    expectError(await c.call("GET", `/groups/${web.id}/invites/${theirs?.id}`), 404, "RESOURCE_NOT_FOUND");
    expectError(await c.call("GET", `/groups/${web.id}/invites/${MISSING}`), 404, "RESOURCE_NOT_FOUND");
  });

  it("the org's invitation routes do not see project invitations", async () => {
    const { c, orgId, web } = await world();
    const inv = await invite(c, web.id, "eve@example.com");
    expect((await c.call("GET", `/orgs/${orgId}/invites`)).json).toEqual([]);
    expect((await c.call("GET", `/orgs/${orgId}/invites?username=eve@example.com`)).json).toEqual([]);
    expectError(await c.call("GET", `/orgs/${orgId}/invites/${inv.id}`), 404, "RESOURCE_NOT_FOUND");
    expectError(await c.call("DELETE", `/orgs/${orgId}/invites/${inv.id}`), 404, "RESOURCE_NOT_FOUND");
    expect((await listed(c, web.id)).map((i) => i.id)).toEqual([inv.id]);
  });

  it("PATCH by id replaces the roles (200); PATCH by username replaces them on every pending one and answers the latest", async () => {
    const { c, web } = await world();
    const first = await invite(c, web.id, "eve@example.com", ["GROUP_READ_ONLY"]);
    const byId = await c.call("PATCH", `/groups/${web.id}/invites/${first.id}`, { roles: ["GROUP_OWNER", "GROUP_AUTOMATION_ADMIN"] });
    expect(byId.status).toBe(200);
    expect(byId.json).toEqual({ ...first, roles: ["GROUP_AUTOMATION_ADMIN", "GROUP_OWNER"] });

    const second = await invite(c, web.id, "EVE@example.com", ["GROUP_BACKUP_ADMIN"]);
    const byName = await c.call("PATCH", `/groups/${web.id}/invites`, { username: "eve@example.com", roles: ["GROUP_MONITORING_ADMIN"] });
    expect(byName.status).toBe(200);
    expect(byName.json).toEqual({ ...second, roles: ["GROUP_MONITORING_ADMIN"] });
    expect((await listed(c, web.id)).map((i) => i.roles)).toEqual([["GROUP_MONITORING_ADMIN"], ["GROUP_MONITORING_ADMIN"]]);

    expectError(
      await c.call("PATCH", `/groups/${web.id}/invites`, { username: "nobody@example.com", roles: ["GROUP_OWNER"] }),
      404,
      "RESOURCE_NOT_FOUND",
    );
    expectError(await c.call("PATCH", `/groups/${web.id}/invites/${MISSING}`, { roles: ["GROUP_OWNER"] }), 404, "RESOURCE_NOT_FOUND");
  });

  it("DELETE withdraws a pending invitation (204, no body); after that, and for an unknown id, 404", async () => {
    const { c, web } = await world();
    const inv = await invite(c, web.id, "eve@example.com");
    const reply = await c.call("DELETE", `/groups/${web.id}/invites/${inv.id}`);
    expect(reply.status).toBe(204);
    expect(reply.text).toBe("");
    expect(await listed(c, web.id)).toEqual([]);
    expectError(await c.call("DELETE", `/groups/${web.id}/invites/${inv.id}`), 404, "RESOURCE_NOT_FOUND");
    expectError(await c.call("GET", `/groups/${web.id}/invites/${inv.id}`), 404, "RESOURCE_NOT_FOUND");
  });

  it("roles: a non-GROUP_ role 400 INVALID_ROLE_FOR_GROUP, an unknown GROUP_ role 400 INVALID_ENUM_VALUE, none 400 MISSING_ATTRIBUTE; on POST and both PATCHes", async () => {
    const { c, web } = await world();
    const inv = await invite(c, web.id, "eve@example.com");
    const calls: [string, string, (roles: string[]) => unknown][] = [
      ["POST", `/groups/${web.id}/invites`, (roles) => ({ username: "fay@example.com", roles })],
      ["PATCH", `/groups/${web.id}/invites`, (roles) => ({ username: "eve@example.com", roles })],
      ["PATCH", `/groups/${web.id}/invites/${inv.id}`, (roles) => ({ roles })],
    ];
    for (const [method, path, body] of calls) {
      expectError(await c.call(method, path, body(["ORG_MEMBER"])), 400, "INVALID_ROLE_FOR_GROUP");
      expectError(await c.call(method, path, body(["READ_ONLY"])), 400, "INVALID_ROLE_FOR_GROUP");
      expectError(await c.call(method, path, body(["GROUP_CLUSTER_MANAGER"])), 400, "INVALID_ENUM_VALUE");
      expectError(await c.call(method, path, body([])), 400, "MISSING_ATTRIBUTE");
    }
    expect((await listed(c, web.id)).map((i) => [i.username, i.roles])).toEqual([["eve@example.com", ["GROUP_READ_ONLY"]]]);
  });

  it("bodies are strict: unknown fields (teamIds too), missing ones, bad emails, wrong types are 400 and change nothing", async () => {
    const { c, web } = await world();
    const inv = await invite(c, web.id, "eve@example.com");
    const cases: [string, string, unknown, string][] = [
      ["POST", "", { username: "fay@example.com", roles: ["GROUP_READ_ONLY"], teamIds: [] }, "INVALID_ATTRIBUTE"],
      ["POST", "", { username: "fay@example.com", roles: ["GROUP_READ_ONLY"], groupId: web.id }, "INVALID_ATTRIBUTE"],
      ["POST", "", { roles: ["GROUP_READ_ONLY"] }, "MISSING_ATTRIBUTE"],
      ["POST", "", { username: "fay@example.com" }, "MISSING_ATTRIBUTE"],
      ["POST", "", { username: "not-an-email", roles: ["GROUP_READ_ONLY"] }, "INVALID_EMAIL_ADDRESS"],
      ["POST", "", { username: "fay@example.com", roles: "GROUP_READ_ONLY" }, "INVALID_ATTRIBUTE"],
      ["POST", "", [{ username: "fay@example.com", roles: ["GROUP_READ_ONLY"] }], "INVALID_JSON"],
      ["PATCH", "", { roles: ["GROUP_READ_ONLY"] }, "MISSING_ATTRIBUTE"],
      ["PATCH", "", { username: "nope", roles: ["GROUP_READ_ONLY"] }, "INVALID_EMAIL_ADDRESS"],
      ["PATCH", `/${inv.id}`, { username: "eve@example.com", roles: ["GROUP_READ_ONLY"] }, "INVALID_ATTRIBUTE"],
      ["PATCH", `/${inv.id}`, {}, "MISSING_ATTRIBUTE"],
      ["PATCH", "/not-an-id", { roles: ["GROUP_READ_ONLY"] }, "INVALID_ATTRIBUTE"],
    ];
    for (const [method, suffix, body, code] of cases)
      expectError(await c.call(method, `/groups/${web.id}/invites${suffix}`, body), 400, code);
    expect(await listed(c, web.id)).toEqual([inv]);
  });

  it("access: ORG_READ_ONLY reads but may not write (401 USER_UNAUTHORIZED); ORG_MEMBER and other orgs' keys 401 NOT_IN_GROUP; unknown project 404", async () => {
    const { emu, c, orgId, other, web } = await world();
    const inv = await invite(c, web.id, "eve@example.com");
    const keyWith = (grants: { orgId: string; roles: string[] }[]): DigestTestClient => {
      const key = emu.state.addApiKey({ orgRoles: grants });
      return new DigestTestClient(emu, key.publicKey, key.privateKey);
    };
    const reader = keyWith([{ orgId, roles: ["ORG_READ_ONLY"] }]);
    expect((await listed(reader, web.id)).map((i) => i.id)).toEqual([inv.id]);
    expect((await reader.call("GET", `/groups/${web.id}/invites/${inv.id}`)).status).toBe(200);
    const writes: [string, string, unknown][] = [
      ["POST", `/groups/${web.id}/invites`, { username: "fay@example.com", roles: ["GROUP_READ_ONLY"] }],
      ["PATCH", `/groups/${web.id}/invites`, { username: "eve@example.com", roles: ["GROUP_OWNER"] }],
      ["PATCH", `/groups/${web.id}/invites/${inv.id}`, { roles: ["GROUP_OWNER"] }],
      ["DELETE", `/groups/${web.id}/invites/${inv.id}`, undefined],
    ];
    for (const [method, path, body] of writes) expectError(await reader.call(method, path, body), 401, "USER_UNAUTHORIZED");
    for (const outsider of [keyWith([{ orgId, roles: ["ORG_MEMBER"] }]), keyWith([{ orgId: other.id, roles: ["ORG_OWNER"] }])]) {
      expectError(await outsider.call("GET", `/groups/${web.id}/invites`), 401, "NOT_IN_GROUP");
      for (const [method, path, body] of writes) expectError(await outsider.call(method, path, body), 401, "NOT_IN_GROUP");
    }
    expect(await listed(c, web.id)).toEqual([inv]);
    expectError(await c.call("GET", `/groups/${MISSING}/invites`), 404, "GROUP_NOT_FOUND");
    expectError(
      await c.call("POST", `/groups/${MISSING}/invites`, { username: "x@example.com", roles: ["GROUP_OWNER"] }),
      404,
      "GROUP_NOT_FOUND",
    );
    const wrong = await c.call("PUT", `/groups/${web.id}/invites/${inv.id}`, { roles: ["GROUP_OWNER"] });
    expectError(wrong, 405, "METHOD_NOT_ALLOWED");
    expect(wrong.headers.get("allow")).toBe("GET, PATCH, DELETE");
  });
});

describe("duplicates and expiry follow the org invitations' settings", () => {
  it("a second pending invitation for the same username (any case) is made by default, 409 INVITATION_ALREADY_EXISTS under duplicateInvitations=reject", async () => {
    const { emu, c, web, elsewhere } = await world();
    await invite(c, web.id, "eve@example.com");
    await invite(c, web.id, "EVE@example.com");
    expect(await listed(c, web.id)).toHaveLength(2);
    emu.state.updateSettings({ duplicateInvitations: "reject" });
    expectError(
      await c.call("POST", `/groups/${web.id}/invites`, { username: "Eve@Example.com", roles: ["GROUP_OWNER"] }),
      409,
      "INVITATION_ALREADY_EXISTS",
    );
    expectThrows(
      () => emu.state.inviteToProjectAs(web.id, { username: "eve@example.com", roles: ["GROUP_OWNER"] }, "admin@example.com"),
      409,
      "INVITATION_ALREADY_EXISTS",
    );
    // Another project, or an org invitation, is no duplicate.
    expect(
      emu.state.inviteToProjectAs(elsewhere.id, { username: "eve@example.com", roles: ["GROUP_OWNER"] }, "admin@example.com").groupId,
    ).toBe(elsewhere.id);
    expect(emu.state.inviteAs(emu.org.id, { username: "eve@example.com", roles: ["ORG_MEMBER"] }, "admin@example.com").orgId).toBe(
      emu.org.id,
    );
    // Once the pending one is gone, a new one may be sent.
    for (const inv of await listed(c, web.id)) await c.call("DELETE", `/groups/${web.id}/invites/${inv.id}`);
    await invite(c, web.id, "eve@example.com");
  });

  it("an expired invitation is hidden (404, left out of the list) by default; visible, it may still be read, updated and deleted, not accepted", async () => {
    const { emu, c, web } = await world();
    const inv = await invite(c, web.id, "eve@example.com");
    const expired = await control(emu, "POST", `/groups/${web.id}/invites/${inv.id}/expire`);
    expect(expired.status).toBe(200);
    expect(Date.parse((expired.json as { expiresAt: string }).expiresAt)).toBeLessThanOrEqual(Date.now());
    expect(await listed(c, web.id)).toEqual([]);
    expectError(await c.call("GET", `/groups/${web.id}/invites/${inv.id}`), 404, "RESOURCE_NOT_FOUND");
    expectError(await c.call("PATCH", `/groups/${web.id}/invites/${inv.id}`, { roles: ["GROUP_OWNER"] }), 404, "RESOURCE_NOT_FOUND");
    expect(emu.state.projectInvitations(web.id).map((i) => i.status)).toEqual(["expired"]);
    // Under duplicateInvitations=reject an expired invitation does not block a new one.
    emu.state.updateSettings({ duplicateInvitations: "reject" });
    const again = await invite(c, web.id, "eve@example.com");
    await c.call("DELETE", `/groups/${web.id}/invites/${again.id}`);

    emu.state.updateSettings({ expiredInvitations: "visible" });
    expect((await listed(c, web.id)).map((i) => i.id)).toEqual([inv.id]);
    expect((await c.call("PATCH", `/groups/${web.id}/invites/${inv.id}`, { roles: ["GROUP_OWNER"] })).status).toBe(200);
    expectError(await control(emu, "POST", `/groups/${web.id}/invites/${inv.id}/accept`), 404, "RESOURCE_NOT_FOUND");
    expect((await c.call("DELETE", `/groups/${web.id}/invites/${inv.id}`)).status).toBe(204);
    expect(emu.state.projectInvitations(web.id)).toEqual([]);
  });
});

describe("accepting a project invitation (control plane)", () => {
  it("an outsider becomes an ORG_MEMBER of the project's org with the invitation's roles in the project; the invitation leaves the API", async () => {
    const { emu, c, orgId, web } = await world();
    const inv = await invite(c, web.id, "eve.stone@example.com", ["GROUP_DATA_ACCESS_ADMIN", "GROUP_READ_ONLY"]);
    const accepted = await control(emu, "POST", `/groups/${web.id}/invites/${inv.id}/accept`, { firstName: "Evelyn", country: "FR" });
    expect(accepted.status).toBe(200);
    const user = accepted.json as UserRecord;
    expect(user).toMatchObject({ username: "eve.stone@example.com", firstName: "Evelyn", lastName: "Stone", country: "FR" });
    expect(user.roles).toEqual([
      { orgId, roleName: "ORG_MEMBER" },
      { groupId: web.id, roleName: "GROUP_DATA_ACCESS_ADMIN" },
      { groupId: web.id, roleName: "GROUP_READ_ONLY" },
    ]);
    expect(await listed(c, web.id)).toEqual([]);
    expectError(await c.call("GET", `/groups/${web.id}/invites/${inv.id}`), 404, "RESOURCE_NOT_FOUND");
    const users = (await c.call("GET", `/groups/${web.id}/users`)).json as { results: { username: string }[] };
    expect(users.results.map((u) => u.username)).toEqual(["ada@example.com", "eve.stone@example.com"]);
    expect(emu.state.members(orgId).map((u) => u.username)).toContain("eve.stone@example.com");
    expect(emu.state.projectInvitations(web.id).map((i) => i.status)).toEqual(["accepted"]);
    // Accepted once only.
    expectError(await control(emu, "POST", `/groups/${web.id}/invites/${inv.id}/accept`), 404, "RESOURCE_NOT_FOUND");
    expectError(await c.call("DELETE", `/groups/${web.id}/invites/${inv.id}`), 404, "RESOURCE_NOT_FOUND");
  });

  it("a member keeps its org roles (no ORG_MEMBER added) and gets the invitation's roles on top of its direct ones; another org's member joins this org", async () => {
    const { emu, orgId, other, web, ada } = await world();
    const inv = emu.state.inviteToProjectAs(web.id, { username: "ADA@example.com", roles: ["GROUP_BACKUP_ADMIN"] }, "admin@example.com");
    const after = emu.state.acceptProjectInvitation(web.id, inv.id);
    expect(after.id).toBe(ada.id);
    expect(after.roles).toEqual([
      { orgId, roleName: "ORG_OWNER" },
      { groupId: web.id, roleName: "GROUP_BACKUP_ADMIN" },
      { groupId: web.id, roleName: "GROUP_OWNER" },
    ]);

    const dee = emu.state.addOrgUser(other.id, { username: "dee@example.com", roles: ["ORG_OWNER"], firstName: "Dee" });
    const deeInv = emu.state.inviteToProjectAs(web.id, { username: "dee@example.com", roles: ["GROUP_READ_ONLY"] }, "admin@example.com");
    const deeAfter = emu.state.acceptProjectInvitation(web.id, deeInv.id, { firstName: "Ignored" });
    expect(deeAfter.id).toBe(dee.id);
    // An existing user keeps its profile.
    expect(deeAfter.firstName).toBe("Dee");
    expect(deeAfter.roles).toEqual([
      { orgId: other.id, roleName: "ORG_OWNER" },
      { orgId, roleName: "ORG_MEMBER" },
      { groupId: web.id, roleName: "GROUP_READ_ONLY" },
    ]);
  });

  it("refuses an unknown invitation, another project's, a bad profile; nothing changes", async () => {
    const { emu, web, elsewhere } = await world();
    const inv = emu.state.inviteToProjectAs(web.id, { username: "eve@example.com", roles: ["GROUP_READ_ONLY"] }, "admin@example.com");
    expectError(await control(emu, "POST", `/groups/${elsewhere.id}/invites/${inv.id}/accept`), 404, "RESOURCE_NOT_FOUND");
    expectError(await control(emu, "POST", `/groups/${web.id}/invites/${MISSING}/accept`), 404, "RESOURCE_NOT_FOUND");
    expectError(await control(emu, "POST", `/groups/${MISSING}/invites/${inv.id}/accept`), 404, "GROUP_NOT_FOUND");
    expectError(
      await control(emu, "POST", `/groups/${web.id}/invites/${inv.id}/accept`, { emailAddress: "nope" }),
      400,
      "INVALID_EMAIL_ADDRESS",
    );
    expectError(await control(emu, "POST", `/groups/${web.id}/invites/${inv.id}/accept`, { roles: [] }), 400, "INVALID_ATTRIBUTE");
    expect(emu.state.projectInvitations().map((i) => i.status)).toEqual(["pending"]);
    expect(emu.state.members().map((u) => u.username)).not.toContain("eve@example.com");
  });
});

describe("control plane: project invitations sent by a person", () => {
  it("POST groups/{groupId}/invites {username, roles, inviterUsername} records that person as inviter, under the API's rules", async () => {
    const { emu, c, web } = await world();
    const sent = await control(emu, "POST", `/groups/${web.id}/invites`, {
      username: "eve@example.com",
      roles: ["GROUP_OWNER"],
      inviterUsername: "ada@example.com",
    });
    expect(sent.status).toBe(201);
    expect(sent.json).toMatchObject({
      groupId: web.id,
      inviterUsername: "ada@example.com",
      roles: ["GROUP_OWNER"],
      username: "eve@example.com",
    });
    expect((await listed(c, web.id)).map((i) => i.inviterUsername)).toEqual(["ada@example.com"]);
    const url = `/groups/${web.id}/invites`;
    expectError(await control(emu, "POST", url, { username: "fay@example.com", roles: ["GROUP_OWNER"] }), 400, "MISSING_ATTRIBUTE");
    expectError(
      await control(emu, "POST", url, { username: "fay@example.com", roles: ["ORG_OWNER"], inviterUsername: "ada@example.com" }),
      400,
      "INVALID_ROLE_FOR_GROUP",
    );
    expectError(
      await control(emu, "POST", url, { username: "fay@example.com", roles: ["GROUP_OWNER"], inviterUsername: "a", teamIds: [] }),
      400,
      "INVALID_ATTRIBUTE",
    );
    expectError(
      await control(emu, "POST", `/groups/${MISSING}/invites`, {
        username: "fay@example.com",
        roles: ["GROUP_OWNER"],
        inviterUsername: "a",
      }),
      404,
      "GROUP_NOT_FOUND",
    );
  });

  it("GET state lists project invitations with their status; reset drops them", async () => {
    const { emu, web } = await world();
    const kept = emu.state.inviteToProjectAs(web.id, { username: "eve@example.com", roles: ["GROUP_READ_ONLY"] }, "admin@example.com");
    const taken = emu.state.inviteToProjectAs(web.id, { username: "fay@example.com", roles: ["GROUP_OWNER"] }, "admin@example.com");
    emu.state.acceptProjectInvitation(web.id, taken.id);
    const state = (await control(emu, "GET", "/state")).json as {
      projectInvitations: { id: string; status: string }[];
      invitations: unknown[];
    };
    expect(state.projectInvitations.map((i) => [i.id, i.status])).toEqual([
      [kept.id, "pending"],
      [taken.id, "accepted"],
    ]);
    expect(state.invitations).toEqual([]);
    expect(emu.state.pendingProjectInvitations(web.id).map((i) => i.id)).toEqual([kept.id]);
    expect(emu.state.pendingProjectInvitations(web.id, "FAY@example.com")).toEqual([]);
    expectThrows(() => emu.state.expireProjectInvitation(web.id, taken.id), 404, "RESOURCE_NOT_FOUND");
    expect((await control(emu, "POST", "/reset")).status).toBe(204);
    expect(emu.state.snapshot().projectInvitations).toEqual([]);
  });
});

describe("limits, log and faults on the project invitation routes", () => {
  it("the per-IP invitation limit counts org and project invitations together; the request log and faults apply", async () => {
    const { emu, c, orgId, web } = await world();
    emu.state.setRateLimits({ invitationsPerWindow: 2, retryAfterSeconds: 3 });
    expect((await c.call("POST", `/orgs/${orgId}/invites`, { username: "o@example.com", roles: ["ORG_MEMBER"] })).status).toBe(201);
    await invite(c, web.id, "p@example.com");
    const limited = await c.call("POST", `/groups/${web.id}/invites`, { username: "q@example.com", roles: ["GROUP_READ_ONLY"] });
    expectError(limited, 400, "INVITATIONS_RATE_LIMITED_IP");
    expect(limited.headers.get("retry-after")).toBe("3");
    expect(await listed(c, web.id)).toHaveLength(1);

    emu.state.setRateLimits({});
    emu.state.clearRequests();
    emu.state.addFault({ method: "GET", path: "/invites$", count: 1, fault: { type: "status", status: 500 } });
    expectError(await c.call("GET", `/groups/${web.id}/invites`), 500, "UNEXPECTED_ERROR");
    expect((await c.call("GET", `/groups/${web.id}/invites?username=p@example.com`)).status).toBe(200);
    expect(emu.state.requests().map((r) => [r.method, r.path, r.query, r.status])).toEqual([
      ["GET", `/api/public/v1.0/groups/${web.id}/invites`, "", 500],
      ["GET", `/api/public/v1.0/groups/${web.id}/invites`, "username=p@example.com", 200],
    ]);
  });
});

describe("persistence of project users and invitations", () => {
  const dirs: string[] = [];
  afterEach(() => {
    for (const dir of dirs.splice(0)) rmSync(dir, { recursive: true, force: true });
  });

  it("keeps project invitations and direct project roles across a restart; a file without project invitations loads with none", async () => {
    const dir = mkdtempSync(join(tmpdir(), "cm-emulator-"));
    dirs.push(dir);
    const persistPath = join(dir, "emulator.json");
    const keys = { persistPath, publicKey: "puskey", privateKey: "pus-private-1" };
    const first = await emulator(keys);
    const c1 = new DigestTestClient(first);
    const bo = first.state.addOrgUser(first.org.id, { username: "bo@example.com", roles: ["ORG_MEMBER"] });
    const project = first.state.createProject(first.org.id, { name: "web" });
    await c1.call("POST", `/groups/${project.id}/users`, [{ id: bo.id, roles: [{ roleName: "GROUP_OWNER" }] }]);
    const inv = await invite(c1, project.id, "eve@example.com");
    await first.close();
    const stored = JSON.parse(readFileSync(persistPath, "utf8")) as { projectInvitations: { id: string }[] };
    expect(stored.projectInvitations.map((i) => i.id)).toEqual([inv.id]);

    const second = await emulator(keys);
    const c2 = new DigestTestClient(second);
    expect(await listed(c2, project.id)).toEqual([inv]);
    const users = (await c2.call("GET", `/groups/${project.id}/users`)).json as { results: { id: string }[] };
    expect(users.results.map((u) => u.id)).toEqual([bo.id]);
    expectError(await c2.call("DELETE", `/groups/${project.id}/users/${bo.id}`), 403, "CANNOT_DELETE_LAST_OWNER");
    await second.close();

    const old = JSON.parse(readFileSync(persistPath, "utf8")) as Record<string, unknown>;
    delete old["projectInvitations"];
    writeFileSync(persistPath, JSON.stringify(old));
    const third = await emulator(keys);
    expect(third.state.projectInvitations()).toEqual([]);
    expect(await listed(new DigestTestClient(third), project.id)).toEqual([]);
    expect(third.state.inviteToProjectAs(project.id, { username: "x@example.com", roles: ["GROUP_OWNER"] }, "a").groupName).toBe("web");
  });
});
