import { describe, expect, it } from "vitest";
import { DigestTestClient, control, emulator, errorCodeOf } from "./helpers";

describe("rate limits", () => {
  it("are off by default", async () => {
    const emu = await emulator();
    const c = new DigestTestClient(emu);
    for (let i = 0; i < 30; i++) expect((await c.call("GET", `/orgs/${emu.org.id}`)).status).toBe(200);
  });

  it("N requests per window per organization, then 429 RATE_LIMITED with Retry-After; other orgs unaffected", async () => {
    const emu = await emulator({ rateLimits: { requestsPerWindow: 3, requestWindowMs: 3_600_000 } });
    const other = emu.state.createOrg({ name: "Other" });
    emu.state.addApiKey({ publicKey: "second", privateKey: "pk", orgRoles: [{ orgId: other.id, roles: ["ORG_OWNER"] }] });
    const c = new DigestTestClient(emu);
    for (let i = 0; i < 3; i++) expect((await c.call("GET", `/orgs/${emu.org.id}/invites`)).status).toBe(200);
    const limited = await c.call("GET", `/orgs/${emu.org.id}`);
    expect(limited.status).toBe(429);
    expect(errorCodeOf(limited)).toBe("RATE_LIMITED");
    const retryAfter = Number(limited.headers.get("retry-after"));
    expect(retryAfter).toBeGreaterThanOrEqual(1);
    expect(retryAfter).toBeLessThanOrEqual(3600);
    expect((limited.json as { detail: string }).detail).toContain("limited to 3 requests");
    const c2 = new DigestTestClient(emu, "second", "pk");
    expect((await c2.call("GET", `/orgs/${other.id}`)).status).toBe(200);
  });

  it("M invitations per window, then 400 INVITATIONS_RATE_LIMITED_IP", async () => {
    const emu = await emulator({ rateLimits: { invitationsPerWindow: 2, retryAfterSeconds: 9 } });
    const c = new DigestTestClient(emu);
    const url = `/orgs/${emu.org.id}/invites`;
    expect((await c.call("POST", url, { username: "r1@example.com", roles: ["ORG_MEMBER"] })).status).toBe(201);
    expect((await c.call("POST", url, { username: "r2@example.com", roles: ["ORG_MEMBER"] })).status).toBe(201);
    const limited = await c.call("POST", url, { username: "r3@example.com", roles: ["ORG_MEMBER"] });
    expect(limited.status).toBe(400);
    expect(errorCodeOf(limited)).toBe("INVITATIONS_RATE_LIMITED_IP");
    expect(limited.headers.get("retry-after")).toBe("9");
    expect((limited.json as { parameters: unknown[] }).parameters[0]).toBe("127.0.0.1");
    // Reads are not invitations.
    expect((await c.call("GET", url)).status).toBe(200);
    expect(emu.state.pendingInvitations(emu.org.id)).toHaveLength(2);
  });

  it("PUT /__emulator/rateLimits replaces the limits; {} turns them off", async () => {
    const emu = await emulator();
    const c = new DigestTestClient(emu);
    const set = await control(emu, "PUT", "/rateLimits", { requestsPerWindow: 1 });
    expect(set.json).toEqual({ requestsPerWindow: 1 });
    expect((await c.call("GET", `/orgs/${emu.org.id}`)).status).toBe(200);
    expect((await c.call("GET", `/orgs/${emu.org.id}`)).status).toBe(429);
    expect((await control(emu, "PUT", "/rateLimits", {})).json).toEqual({});
    expect((await c.call("GET", `/orgs/${emu.org.id}`)).status).toBe(200);
    expect((await control(emu, "PUT", "/rateLimits", { requestsPerWindow: -1 })).status).toBe(400);
    expect((await control(emu, "PUT", "/rateLimits", { bogus: 1 })).status).toBe(400);
  });
});
