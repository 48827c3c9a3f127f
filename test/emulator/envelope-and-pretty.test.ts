import { describe, expect, it } from "vitest";
import { DigestTestClient, emulator, raw } from "./helpers";

describe("envelope and pretty", () => {
  it("envelope=true: HTTP 200 and {status, content} on create, get, list (array as content), update, delete and errors", async () => {
    const emu = await emulator();
    const c = new DigestTestClient(emu);
    const base = `/orgs/${emu.org.id}/invites`;
    const created = await c.call("POST", `${base}?envelope=true`, { username: "env@example.com", roles: ["ORG_MEMBER"] });
    expect(created.status).toBe(200);
    const body = created.json as { status: number; content: { id: string; username: string } };
    expect(Object.keys(body)).toEqual(["status", "content"]);
    expect(body.status).toBe(201);
    expect(body.content.username).toBe("env@example.com");
    const id = body.content.id;

    const list = await c.call("GET", `${base}?envelope=true`);
    expect(list.status).toBe(200);
    expect(list.json).toEqual({ status: 200, content: [expect.objectContaining({ id })] });

    const patched = await c.call("PATCH", `${base}/${id}?envelope=true`, { roles: ["ORG_OWNER"] });
    expect(patched.json).toMatchObject({ status: 200, content: { roles: ["ORG_OWNER"] } });

    const deleted = await c.call("DELETE", `${base}/${id}?envelope=true`);
    expect(deleted.status).toBe(200);
    expect(deleted.json).toEqual({ status: 204 });

    const missing = await c.call("GET", `${base}/${id}?envelope=true`);
    expect(missing.status).toBe(200);
    expect(missing.json).toEqual({
      status: 404,
      content: expect.objectContaining({ error: 404, errorCode: "RESOURCE_NOT_FOUND" }) as unknown,
    });

    const wrongMethod = await c.call("PUT", `${base}?envelope=true`, {});
    expect(wrongMethod.json).toMatchObject({ status: 405, content: { errorCode: "METHOD_NOT_ALLOWED" } });
    const users = await c.call("GET", `/orgs/${emu.org.id}/users?envelope=true`);
    expect(users.json).toMatchObject({ status: 200, content: { totalCount: 0, results: [] } });
  });

  it("a Digest challenge keeps its 401 under envelope=true (a client must see it to sign) but the body is enveloped", async () => {
    const emu = await emulator();
    const reply = await raw(`${emu.baseUrl}/orgs/${emu.org.id}/invites?envelope=true`);
    expect(reply.status).toBe(401);
    expect(reply.headers.get("www-authenticate")).toMatch(/^Digest /);
    expect(reply.json).toMatchObject({ status: 401, content: { errorCode: "USER_UNAUTHORIZED" } });
  });

  it("pretty=true indents successes and errors; without it the JSON is compact", async () => {
    const emu = await emulator();
    const c = new DigestTestClient(emu);
    const pretty = await c.call("GET", `/orgs/${emu.org.id}?pretty=true`);
    expect(pretty.text).toBe(JSON.stringify(pretty.json, null, 2));
    expect(pretty.text).toContain("\n  ");
    const compact = await c.call("GET", `/orgs/${emu.org.id}`);
    expect(compact.text).toBe(JSON.stringify(compact.json));
    const prettyError = await c.call("GET", `/orgs/${"0".repeat(24)}?pretty=true`);
    expect(prettyError.status).toBe(404);
    expect(prettyError.text).toBe(JSON.stringify(prettyError.json, null, 2));
    const both = await c.call("GET", `/orgs/${emu.org.id}/invites?pretty=true&envelope=true`);
    expect(both.text).toBe(JSON.stringify({ status: 200, content: [] }, null, 2));
  });

  it("the OAuth endpoints honour them too", async () => {
    const emu = await emulator();
    const sa = emu.serviceAccount;
    if (!sa) throw new Error("no seeded service account");
    const reply = await raw(`${emu.origin}/api/oauth/token?envelope=true&pretty=true`, {
      method: "POST",
      headers: {
        Authorization: `Basic ${Buffer.from(`${sa.clientId}:wrong`).toString("base64")}`,
        "Content-Type": "application/x-www-form-urlencoded",
      },
      body: "grant_type=client_credentials",
    });
    expect(reply.status).toBe(200);
    expect(reply.json).toMatchObject({ status: 401, content: { error: "invalid_client" } });
    expect(reply.text).toContain("\n  ");
  });
});
