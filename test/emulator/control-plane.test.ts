import { describe, expect, it } from "vitest";
import { isLoopbackHost } from "../../emulator";
import { until } from "../support/until";
import { DigestTestClient, bearerToken, control, emulator, errorCodeOf, raw } from "./helpers";

describe("control plane", () => {
  it("is on by default on loopback, and refused with 403 when turned off", async () => {
    expect(isLoopbackHost("127.0.0.1")).toBe(true);
    expect(isLoopbackHost("::1")).toBe(true);
    expect(isLoopbackHost("localhost")).toBe(true);
    expect(isLoopbackHost("0.0.0.0")).toBe(false);
    expect(isLoopbackHost("192.168.1.10")).toBe(false);
    const on = await emulator();
    expect(on.controlPlane).toBe(true);
    expect((await control(on, "GET", "/state")).status).toBe(200);
    const off = await emulator({ controlPlane: false });
    expect(off.controlPlane).toBe(false);
    const refused = await control(off, "POST", "/reset");
    expect(refused.status).toBe(403);
    expect(errorCodeOf(refused)).toBe("CONTROL_PLANE_DISABLED");
    expect(off.state.requests()).toEqual([]);
  });

  it("answers unknown control paths with 404 and wrong methods with 405, bad JSON with 400", async () => {
    const emu = await emulator();
    expect((await control(emu, "GET", "/nope")).status).toBe(404);
    expect((await control(emu, "GET", "/reset")).status).toBe(405);
    const bad = await raw(`${emu.origin}/__emulator/orgs`, { method: "POST", body: "{", headers: { "Content-Type": "application/json" } });
    expect(bad.status).toBe(400);
    expect(errorCodeOf(bad)).toBe("INVALID_JSON");
  });

  it("creates orgs, teams, members, API keys and service accounts that the API then honours", async () => {
    const emu = await emulator();
    const org = (await control(emu, "POST", "/orgs", { name: "Second", id: "aaaaaaaaaaaaaaaaaaaaaaaa" })).json as {
      id: string;
      name: string;
    };
    expect(org).toEqual({ id: "aaaaaaaaaaaaaaaaaaaaaaaa", name: "Second" });
    const team = await control(emu, "POST", `/orgs/${org.id}/teams`, { name: "ops" });
    expect(team.status).toBe(201);
    expect(team.json).toEqual({ id: expect.stringMatching(/^[0-9a-f]{24}$/) as unknown, name: "ops" });
    const key = (await control(emu, "POST", "/apiKeys", { name: "ci-key", orgRoles: [{ orgId: org.id, roles: ["ORG_OWNER"] }] })).json as {
      publicKey: string;
      privateKey: string;
      name: string;
    };
    expect(key.publicKey).toMatch(/^[a-z]{8}$/);
    expect(key.name).toBe("ci-key");
    const c = new DigestTestClient(emu, key.publicKey, key.privateKey);
    const inv = await c.call("POST", `/orgs/${org.id}/invites`, { username: "k@example.com", roles: ["ORG_MEMBER"] });
    expect(inv.status).toBe(201);
    expect((inv.json as { inviterUsername: string; orgName: string }).inviterUsername).toBe(key.publicKey);
    expect((inv.json as { orgName: string }).orgName).toBe("Second");

    const member = await control(emu, "POST", `/orgs/${org.id}/users`, {
      username: "m@example.com",
      roles: ["ORG_OWNER"],
      teamIds: [(team.json as { id: string }).id],
    });
    expect(member.status).toBe(201);
    expect((await c.call("GET", `/orgs/${org.id}/users`)).json).toMatchObject({ totalCount: 1, results: [{ username: "m@example.com" }] });
    expect((await control(emu, "POST", `/orgs/${org.id}/users`, { username: "m@example.com", roles: ["NOPE"] })).status).toBe(400);

    const sa = (
      await control(emu, "POST", "/serviceAccounts", {
        clientId: "mdb_sa_id_x",
        clientSecret: "mdb_sa_sk_y",
        orgRoles: [{ orgId: org.id, roles: ["ORG_OWNER"] }],
      })
    ).json as { clientId: string; clientSecret: string };
    expect(sa).toMatchObject({ clientId: "mdb_sa_id_x", clientSecret: "mdb_sa_sk_y" });
    const token = await bearerToken(emu, sa.clientId, sa.clientSecret);
    expect((await raw(`${emu.baseUrl}/orgs/${org.id}`, { headers: { Authorization: `Bearer ${token}` } })).status).toBe(200);
  });

  it("POST /orgs/{org}/invites sends an invitation as a person in the UI: the API shows that person as the inviter", async () => {
    const emu = await emulator();
    const sent = await control(emu, "POST", `/orgs/${emu.org.id}/invites`, {
      username: "mallory@example.net",
      roles: ["ORG_MEMBER"],
      inviterUsername: "admin@example.com",
    });
    expect(sent.status).toBe(201);
    expect(sent.json).toMatchObject({ username: "mallory@example.net", roles: ["ORG_MEMBER"], inviterUsername: "admin@example.com" });
    expect(emu.state.pendingInvitations(emu.org.id).map((i) => i.inviterUsername)).toEqual(["admin@example.com"]);
    expect((await control(emu, "POST", `/orgs/${emu.org.id}/invites`, { username: "x@example.net", roles: ["ORG_MEMBER"] })).status).toBe(
      400,
    );
  });

  it("GET /state shows orgs, invitations with their status (incl. accepted and expired) and members, and no secrets", async () => {
    const emu = await emulator({ publicKey: "statekey", privateKey: "state-private-key-value" });
    const c = new DigestTestClient(emu);
    const ids: string[] = [];
    for (const u of ["p@example.com", "q@example.com", "r@example.com"]) {
      ids.push(((await c.call("POST", `/orgs/${emu.org.id}/invites`, { username: u, roles: ["ORG_MEMBER"] })).json as { id: string }).id);
    }
    await control(emu, "POST", `/orgs/${emu.org.id}/invites/${ids[1]}/accept`, { firstName: "Quinn", lastName: "Q" });
    await control(emu, "POST", `/orgs/${emu.org.id}/invites/${ids[2]}/expire`);
    const state = await control(emu, "GET", "/state");
    const body = state.json as {
      orgs: unknown[];
      invitations: { id: string; status: string }[];
      members: { username: string; firstName: string }[];
      apiKeys: unknown[];
    };
    expect(body.orgs).toEqual([{ id: emu.org.id, name: emu.org.name }]);
    expect(body.invitations.map((i) => [i.id, i.status])).toEqual([
      [ids[0], "pending"],
      [ids[1], "accepted"],
      [ids[2], "expired"],
    ]);
    expect(body.members).toEqual([expect.objectContaining({ username: "q@example.com", firstName: "Quinn", lastName: "Q" })]);
    expect(body.apiKeys).toEqual([
      { kind: "apiKey", id: "statekey", name: "statekey", orgRoles: [{ orgId: emu.org.id, roles: ["ORG_OWNER"] }], accessList: [] },
    ]);
    expect(state.text).not.toContain("state-private-key-value");
    expect(state.text).not.toContain(emu.serviceAccount?.clientSecret ?? "-");
    // Expiring an accepted invitation is a 404.
    expect((await control(emu, "POST", `/orgs/${emu.org.id}/invites/${ids[1]}/expire`)).status).toBe(404);
  });

  it("PUT /settings switches duplicate and expired handling at run time", async () => {
    const emu = await emulator();
    expect((await control(emu, "GET", "/settings")).json).toEqual({
      duplicateInvitations: "allow",
      expiredInvitations: "hidden",
      emptyTeams: "reject",
    });
    expect((await control(emu, "PUT", "/settings", { duplicateInvitations: "reject" })).json).toEqual({
      duplicateInvitations: "reject",
      expiredInvitations: "hidden",
      emptyTeams: "reject",
    });
    const c = new DigestTestClient(emu);
    const body = { username: "s@example.com", roles: ["ORG_MEMBER"] };
    expect((await c.call("POST", `/orgs/${emu.org.id}/invites`, body)).status).toBe(201);
    expect((await c.call("POST", `/orgs/${emu.org.id}/invites`, body)).status).toBe(409);
    expect((await control(emu, "PUT", "/settings", { duplicateInvitations: "maybe" })).status).toBe(400);
  });

  it("POST /reset goes back to the seeded org and credentials only, and a cached nonce keeps working", async () => {
    const emu = await emulator();
    const c = new DigestTestClient(emu);
    await c.call("POST", `/orgs/${emu.org.id}/invites`, { username: "t@example.com", roles: ["ORG_MEMBER"] });
    const extra = emu.state.createOrg({ name: "Extra" });
    const key = emu.state.addApiKey({ orgRoles: [{ orgId: emu.org.id, roles: ["ORG_OWNER"] }] });
    emu.state.addFault({ path: "^/never", fault: { type: "drop" } });
    emu.state.setRateLimits({ requestsPerWindow: 1000 });
    expect((await control(emu, "POST", "/reset")).status).toBe(204);
    expect(emu.state.orgs()).toEqual([{ id: emu.org.id, name: emu.org.name }]);
    expect(emu.state.invitations()).toEqual([]);
    expect(emu.state.faults()).toEqual([]);
    expect(emu.state.rateLimits()).toEqual({});
    expect(emu.state.requests()).toEqual([]);
    expect(emu.state.snapshot().apiKeys.map((k) => k.id)).toEqual([emu.credentials.publicKey]);
    expect(emu.state.orgs().some((o) => o.id === extra.id)).toBe(false);
    expect((await new DigestTestClient(emu, key.publicKey, key.privateKey).call("GET", `/orgs/${emu.org.id}`)).status).toBe(401);
    const after = await c.call("GET", `/orgs/${emu.org.id}/invites`);
    expect(after.status).toBe(200);
    expect(after.json).toEqual([]);
    // One wire request: signed with the nonce cached before the reset (nc 2), no new challenge.
    expect(emu.state.requests().at(-1)).toMatchObject({ status: 200, auth: { type: "digest", nc: "00000002" } });
    expect(emu.state.requests()).toHaveLength(3);
  });
});

describe("request log", () => {
  it("records every API request in order with method, path, query, status and the auth it carried; not control-plane calls", async () => {
    const emu = await emulator();
    const c = new DigestTestClient(emu);
    await c.call("GET", `/orgs/${emu.org.id}/invites?username=a%40example.com`);
    await control(emu, "GET", "/state");
    const token = await bearerToken(emu);
    await raw(`${emu.baseUrl}/orgs/${emu.org.id}`, { headers: { Authorization: `Bearer ${token}` } });
    await c.call("DELETE", `/orgs/${emu.org.id}/invites/${"e".repeat(24)}`);

    const log = await control(emu, "GET", "/requests");
    const entries = (log.json as { requests: Record<string, unknown>[] }).requests;
    const sa = emu.serviceAccount?.clientId ?? "";
    expect(entries.map((e) => [e["seq"], e["method"], e["path"], e["status"], e["auth"]])).toEqual([
      [1, "GET", `/api/public/v1.0/orgs/${emu.org.id}/invites`, 401, { type: "none" }],
      [
        2,
        "GET",
        `/api/public/v1.0/orgs/${emu.org.id}/invites`,
        200,
        { type: "digest", username: emu.credentials.publicKey, nc: "00000001" },
      ],
      [3, "POST", "/api/oauth/token", 200, { type: "basic", clientId: sa }],
      [4, "GET", `/api/public/v1.0/orgs/${emu.org.id}`, 200, { type: "bearer", clientId: sa }],
      [
        5,
        "DELETE",
        `/api/public/v1.0/orgs/${emu.org.id}/invites/${"e".repeat(24)}`,
        404,
        { type: "digest", username: emu.credentials.publicKey, nc: "00000002" },
      ],
    ]);
    expect(entries[1]?.["query"]).toBe("username=a%40example.com");
    expect(entries[0]?.["remoteAddress"]).toBe("127.0.0.1");
    expect(log.text).not.toContain(token);
    expect(log.text).not.toContain(emu.credentials.privateKey);

    expect((await control(emu, "DELETE", "/requests")).status).toBe(204);
    expect((await control(emu, "GET", "/requests")).json).toEqual({ requests: [] });
  });

  it("keeps arrival order when a slow request finishes after a later one", async () => {
    const emu = await emulator();
    // Held until the faults are cleared: the slow one finishes last whatever the machine's speed.
    emu.state.addFault({ path: "^/slow", count: 1, fault: { type: "delay", ms: 600_000 } });
    const slow = raw(`${emu.origin}/slow`);
    await until(() => emu.state.faults().length === 0, { what: "the slow request to arrive (its fault used up)" });
    await raw(`${emu.origin}/fast`);
    emu.state.clearFaults();
    await slow;
    expect(emu.state.requests().map((r) => r.path)).toEqual(["/slow", "/fast"]);
  });

  it("the log option gets one line per request without secrets", async () => {
    const lines: string[] = [];
    const emu = await emulator({ log: (l) => lines.push(l) });
    await new DigestTestClient(emu).call("GET", `/orgs/${emu.org.id}`);
    const token = await bearerToken(emu);
    await raw(`${emu.baseUrl}/orgs/${emu.org.id}`, { headers: { Authorization: `Bearer ${token}` } });
    expect(lines).toHaveLength(4);
    expect(lines[1]).toContain(`GET /api/public/v1.0/orgs/${emu.org.id} -> 200`);
    const all = lines.join("\n");
    for (const secret of [emu.credentials.privateKey, emu.serviceAccount?.clientSecret ?? "-", token]) expect(all).not.toContain(secret);
  });
});
