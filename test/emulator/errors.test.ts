import { describe, expect, it } from "vitest";
import { DigestTestClient, emulator, errorCodeOf, type Reply } from "./helpers";

function expectError(reply: Reply, status: number, errorCode: string): void {
  expect(reply.status).toBe(status);
  const body = reply.json as Record<string, unknown>;
  expect(Object.keys(body)).toEqual(["detail", "error", "errorCode", "parameters", "reason"]);
  expect(body["error"]).toBe(status);
  expect(body["errorCode"]).toBe(errorCode);
  expect(typeof body["detail"]).toBe("string");
  expect(Array.isArray(body["parameters"])).toBe(true);
  expect(typeof body["reason"]).toBe("string");
  expect(reply.headers.get("content-type")).toBe("application/json");
}

describe("strict bodies and error codes", () => {
  it("create: unknown field, bad JSON, missing fields, bad email, unknown role, wrong types", async () => {
    const emu = await emulator();
    const c = new DigestTestClient(emu);
    const url = `/orgs/${emu.org.id}/invites`;
    const unknown = await c.call("POST", url, { username: "a@example.com", roles: ["ORG_MEMBER"], orgId: emu.org.id });
    expectError(unknown, 400, "INVALID_ATTRIBUTE");
    expect((unknown.json as { parameters: unknown[] }).parameters).toEqual(["orgId"]);
    expectError(await c.call("POST", url, "{not json"), 400, "INVALID_JSON");
    expectError(await c.call("POST", url, "[1,2]"), 400, "INVALID_JSON");
    expectError(await c.call("POST", url, ""), 400, "INVALID_JSON");
    const noRoles = await c.call("POST", url, { username: "a@example.com" });
    expectError(noRoles, 400, "MISSING_ATTRIBUTE");
    expect((noRoles.json as { parameters: unknown[] }).parameters).toEqual(["roles"]);
    expectError(await c.call("POST", url, { roles: ["ORG_MEMBER"] }), 400, "MISSING_ATTRIBUTE");
    expectError(await c.call("POST", url, { username: "a@example.com", roles: [] }), 400, "MISSING_ATTRIBUTE");
    expectError(await c.call("POST", url, { username: "not-an-email", roles: ["ORG_MEMBER"] }), 400, "INVALID_EMAIL_ADDRESS");
    const badRole = await c.call("POST", url, { username: "a@example.com", roles: ["ORG_MEMBER", "ORG_USER_ADMIN"] });
    expectError(badRole, 400, "INVALID_ENUM_VALUE");
    expect((badRole.json as { parameters: unknown[] }).parameters[0]).toBe("ORG_USER_ADMIN");
    expectError(await c.call("POST", url, { username: "a@example.com", roles: ["GROUP_OWNER"] }), 400, "INVALID_ENUM_VALUE");
    expectError(await c.call("POST", url, { username: 42, roles: ["ORG_MEMBER"] }), 400, "INVALID_ATTRIBUTE");
    expectError(await c.call("POST", url, { username: "a@example.com", roles: "ORG_MEMBER" }), 400, "INVALID_ATTRIBUTE");
    // Nothing was created by any of these.
    expect(emu.state.invitations()).toEqual([]);
  });

  it("team ids: malformed → 400 INVALID_ATTRIBUTE, unknown or another org's → 404", async () => {
    const emu = await emulator();
    const other = emu.state.createOrg({ name: "Other" });
    const foreignTeam = emu.state.createTeam(other.id, { name: "theirs" });
    const c = new DigestTestClient(emu);
    const url = `/orgs/${emu.org.id}/invites`;
    expectError(
      await c.call("POST", url, { username: "a@example.com", roles: ["ORG_MEMBER"], teamIds: ["nope"] }),
      400,
      "INVALID_ATTRIBUTE",
    );
    expectError(
      await c.call("POST", url, { username: "a@example.com", roles: ["ORG_MEMBER"], teamIds: ["a".repeat(24)] }),
      404,
      "RESOURCE_NOT_FOUND",
    );
    expectError(
      await c.call("POST", url, { username: "a@example.com", roles: ["ORG_MEMBER"], teamIds: [foreignTeam.id] }),
      404,
      "RESOURCE_NOT_FOUND",
    );
    const team = emu.state.createTeam(emu.org.id, { name: "ours" });
    expect((await c.call("POST", url, { username: "a@example.com", roles: ["ORG_MEMBER"], teamIds: [team.id] })).status).toBe(201);
  });

  it("PATCH by id takes {roles} only; PATCH by username takes {username, roles}", async () => {
    const emu = await emulator();
    const c = new DigestTestClient(emu);
    const url = `/orgs/${emu.org.id}/invites`;
    const inv = (await c.call("POST", url, { username: "a@example.com", roles: ["ORG_MEMBER"] })).json as { id: string };
    expectError(await c.call("PATCH", `${url}/${inv.id}`, { username: "a@example.com", roles: ["ORG_OWNER"] }), 400, "INVALID_ATTRIBUTE");
    expectError(await c.call("PATCH", `${url}/${inv.id}`, { roles: ["ORG_OWNER"], teamIds: [] }), 400, "INVALID_ATTRIBUTE");
    expectError(await c.call("PATCH", `${url}/${inv.id}`, {}), 400, "MISSING_ATTRIBUTE");
    expectError(await c.call("PATCH", `${url}/${inv.id}`, { roles: ["BOSS"] }), 400, "INVALID_ENUM_VALUE");
    expectError(await c.call("PATCH", url, { roles: ["ORG_OWNER"] }), 400, "MISSING_ATTRIBUTE");
    expectError(await c.call("PATCH", url, { username: "a@example.com", roles: ["ORG_OWNER"], teamIds: [] }), 400, "INVALID_ATTRIBUTE");
    expectError(await c.call("PATCH", url, { username: "nobody@example.com", roles: ["ORG_OWNER"] }), 404, "RESOURCE_NOT_FOUND");
    expectError(await c.call("PATCH", `${url}/${"b".repeat(24)}`, { roles: ["ORG_OWNER"] }), 404, "RESOURCE_NOT_FOUND");
  });

  it("malformed ids are 400 INVALID_ATTRIBUTE (never a 404 that reads as 'gone'); unknown org is 404 ORG_NOT_FOUND", async () => {
    const emu = await emulator();
    const c = new DigestTestClient(emu);
    for (const [method, path] of [
      ["GET", `/orgs/${emu.org.id}/invites/not-an-id`],
      ["DELETE", `/orgs/${emu.org.id}/invites/${"A".repeat(24)}`],
      ["GET", "/orgs/xyz/invites"],
      ["GET", "/orgs/xyz"],
      ["GET", "/orgs/xyz/users"],
    ] as const) {
      const reply = await c.call(method, path);
      expectError(reply, 400, "INVALID_ATTRIBUTE");
    }
    const missing = await c.call("GET", `/orgs/${"0".repeat(24)}/invites`);
    expectError(missing, 404, "ORG_NOT_FOUND");
    expect((missing.json as { parameters: unknown[] }).parameters).toEqual(["0".repeat(24)]);
    expectError(await c.call("GET", `/orgs/${"0".repeat(24)}`), 404, "ORG_NOT_FOUND");
    expectError(await c.call("GET", `/orgs/${emu.org.id}/invites/${"c".repeat(24)}`), 404, "RESOURCE_NOT_FOUND");
  });

  it("unknown paths are 404 RESOURCE_NOT_FOUND; a known path with the wrong method is 405 with Allow", async () => {
    const emu = await emulator();
    const c = new DigestTestClient(emu);
    expectError(await c.call("GET", `/orgs/${emu.org.id}/apiKeys`), 404, "RESOURCE_NOT_FOUND");
    expectError(await c.call("GET", `/orgs/${emu.org.id}/invites/x/y`), 404, "RESOURCE_NOT_FOUND");
    const put = await c.call("PUT", `/orgs/${emu.org.id}/invites`, { username: "a@example.com", roles: ["ORG_MEMBER"] });
    expectError(put, 405, "METHOD_NOT_ALLOWED");
    expect(put.headers.get("allow")).toBe("GET, POST, PATCH");
    const post = await c.call("POST", `/orgs/${emu.org.id}/invites/${"d".repeat(24)}`, {});
    expectError(post, 405, "METHOD_NOT_ALLOWED");
    expect(post.headers.get("allow")).toBe("GET, PATCH, DELETE");
    expectError(await c.call("DELETE", `/orgs/${emu.org.id}`), 405, "METHOD_NOT_ALLOWED");
    const outside = await fetch(`${emu.origin}/nothing/here`);
    expect(outside.status).toBe(404);
    expect(((await outside.json()) as { errorCode: string }).errorCode).toBe("RESOURCE_NOT_FOUND");
  });

  it("GET /users/byName for an unknown user is 404 USER_NOT_FOUND", async () => {
    const emu = await emulator();
    const reply = await new DigestTestClient(emu).call("GET", "/users/byName/ghost@example.com");
    expectError(reply, 404, "USER_NOT_FOUND");
    expect(errorCodeOf(reply)).toBe("USER_NOT_FOUND");
  });

  it("accepts roles MongoDB might add later when configured with additionalOrgRoles", async () => {
    const emu = await emulator({ additionalOrgRoles: ["ORG_STREAM_ADMIN"] });
    const reply = await new DigestTestClient(emu).call("POST", `/orgs/${emu.org.id}/invites`, {
      username: "new@example.com",
      roles: ["ORG_STREAM_ADMIN"],
    });
    expect(reply.status).toBe(201);
  });
});
