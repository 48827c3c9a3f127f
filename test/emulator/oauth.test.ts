import { describe, expect, it } from "vitest";
import { bearerToken, control, emulator, errorCodeOf, raw } from "./helpers";

const basic = (id: string, secret: string): string => `Basic ${Buffer.from(`${id}:${secret}`).toString("base64")}`;
const form = { "Content-Type": "application/x-www-form-urlencoded" };

describe("OAuth service accounts", () => {
  it("issues a Bearer token for client credentials and accepts it on API calls", async () => {
    const emu = await emulator({ serviceAccount: { clientId: "mdb_sa_id_test", clientSecret: "mdb_sa_sk_test-secret" } });
    const reply = await raw(`${emu.origin}/api/oauth/token`, {
      method: "POST",
      headers: { Authorization: basic("mdb_sa_id_test", "mdb_sa_sk_test-secret"), ...form },
      body: "grant_type=client_credentials",
    });
    expect(reply.status).toBe(200);
    expect(reply.headers.get("cache-control")).toBe("no-store");
    const body = reply.json as { access_token: string; expires_in: number; token_type: string };
    expect(Object.keys(body)).toEqual(["access_token", "expires_in", "token_type"]);
    expect(body.expires_in).toBe(3600);
    expect(body.token_type).toBe("Bearer");
    expect(body.access_token.split(".")).toHaveLength(3);

    const call = await raw(`${emu.baseUrl}/orgs/${emu.org.id}/invites`, {
      method: "POST",
      headers: { Authorization: `Bearer ${body.access_token}`, "Content-Type": "application/json" },
      body: JSON.stringify({ username: "sa-invitee@example.com", roles: ["ORG_MEMBER"] }),
    });
    expect(call.status).toBe(201);
    // The inviter is the service account's client id.
    expect((call.json as { inviterUsername: string }).inviterUsername).toBe("mdb_sa_id_test");
    expect(emu.state.requests().at(-1)?.auth).toEqual({ type: "bearer", clientId: "mdb_sa_id_test" });
  });

  it("uses the configured token lifetime; an expired token gets 401 with a Bearer challenge", async () => {
    const emu = await emulator({ tokenLifetimeSeconds: 0 });
    const token = await bearerToken(emu);
    const reply = await raw(`${emu.baseUrl}/orgs/${emu.org.id}/invites`, { headers: { Authorization: `Bearer ${token}` } });
    expect(reply.status).toBe(401);
    expect(errorCodeOf(reply)).toBe("USER_UNAUTHORIZED");
    expect(reply.headers.get("www-authenticate")).toMatch(/^Bearer error="invalid_token"/);
    expect((reply.json as { detail: string }).detail).toContain("expired");
  });

  it("POST /__emulator/tokens/expire expires every issued token", async () => {
    const emu = await emulator();
    const token = await bearerToken(emu);
    const url = `${emu.baseUrl}/orgs/${emu.org.id}/invites`;
    expect((await raw(url, { headers: { Authorization: `Bearer ${token}` } })).status).toBe(200);
    expect((await control(emu, "POST", "/tokens/expire")).json).toEqual({ expired: 1 });
    expect((await raw(url, { headers: { Authorization: `Bearer ${token}` } })).status).toBe(401);
    const fresh = await bearerToken(emu);
    expect((await raw(url, { headers: { Authorization: `Bearer ${fresh}` } })).status).toBe(200);
  });

  it("revokes a token: 200, and the token stops working", async () => {
    const emu = await emulator();
    const sa = emu.serviceAccount;
    if (!sa) throw new Error("no seeded service account");
    const token = await bearerToken(emu);
    const revoke = await raw(`${emu.origin}/api/oauth/revoke`, {
      method: "POST",
      headers: { Authorization: basic(sa.clientId, sa.clientSecret), ...form },
      body: `token=${encodeURIComponent(token)}&token_type_hint=access_token`,
    });
    expect(revoke.status).toBe(200);
    const after = await raw(`${emu.baseUrl}/orgs/${emu.org.id}/invites`, { headers: { Authorization: `Bearer ${token}` } });
    expect(after.status).toBe(401);
    expect((await raw(`${emu.origin}/api/oauth/revoke`, { method: "POST", headers: form, body: "token=x" })).status).toBe(401);
  });

  it("answers token endpoint errors OAuth-style", async () => {
    const emu = await emulator();
    const sa = emu.serviceAccount;
    if (!sa) throw new Error("no seeded service account");
    const url = `${emu.origin}/api/oauth/token`;
    const wrongSecret = await raw(url, {
      method: "POST",
      headers: { Authorization: basic(sa.clientId, "nope"), ...form },
      body: "grant_type=client_credentials",
    });
    expect(wrongSecret.status).toBe(401);
    expect(wrongSecret.json).toEqual({ error: "invalid_client", error_description: expect.any(String) as unknown });
    const noAuth = await raw(url, { method: "POST", headers: form, body: "grant_type=client_credentials" });
    expect((noAuth.json as { error: string }).error).toBe("invalid_client");
    const wrongGrant = await raw(url, {
      method: "POST",
      headers: { Authorization: basic(sa.clientId, sa.clientSecret), ...form },
      body: "grant_type=password",
    });
    expect(wrongGrant.status).toBe(400);
    expect((wrongGrant.json as { error: string }).error).toBe("unsupported_grant_type");
    const noGrant = await raw(url, { method: "POST", headers: { Authorization: basic(sa.clientId, sa.clientSecret), ...form }, body: "" });
    expect((noGrant.json as { error: string }).error).toBe("invalid_request");
    const get = await raw(url);
    expect(get.status).toBe(405);
    expect(get.headers.get("allow")).toBe("POST");
  });

  it("an unknown or removed service account's token is refused", async () => {
    const emu = await emulator();
    const extra = emu.state.addServiceAccount({ orgRoles: [{ orgId: emu.org.id, roles: ["ORG_OWNER"] }] });
    const token = await bearerToken(emu, extra.clientId, extra.clientSecret);
    const url = `${emu.baseUrl}/orgs/${emu.org.id}/invites`;
    expect((await raw(url, { headers: { Authorization: `Bearer ${token}` } })).status).toBe(200);
    expect((await control(emu, "DELETE", `/serviceAccounts/${extra.clientId}`)).status).toBe(204);
    expect((await raw(url, { headers: { Authorization: `Bearer ${token}` } })).status).toBe(401);
    expect((await raw(url, { headers: { Authorization: "Bearer not-a-token" } })).status).toBe(401);
    expect(emu.state.requests().at(-1)?.auth).toEqual({ type: "bearer", clientId: null });
  });

  it("seeds no service account when told not to", async () => {
    const emu = await emulator({ serviceAccount: false });
    expect(emu.serviceAccount).toBeUndefined();
    expect(emu.state.snapshot().serviceAccounts).toEqual([]);
  });
});
