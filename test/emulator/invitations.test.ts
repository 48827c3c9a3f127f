import { describe, expect, it } from "vitest";
import { DigestTestClient, bearerToken, control, emulator, errorCodeOf, raw } from "./helpers";

interface Invitation {
  createdAt: string;
  expiresAt: string;
  id: string;
  inviterUsername: string;
  orgId: string;
  orgName: string;
  roles: string[];
  teamIds: string[];
  username: string;
}

describe("invitation endpoints", () => {
  it("creates with 201, a fresh id, 30-day expiry at second precision and alphabetical fields", async () => {
    const emu = await emulator({ orgName: "Acme" });
    const c = new DigestTestClient(emu);
    const created = await c.call("POST", `/orgs/${emu.org.id}/invites`, { username: "alice@example.com", roles: ["ORG_MEMBER"] });
    expect(created.status).toBe(201);
    expect(created.headers.get("content-type")).toBe("application/json");
    expect(created.headers.get("strict-transport-security")).toBe("max-age=300");
    expect(created.headers.get("x-mongodb-service-version")).toMatch(/^gitHash=\w+; versionString=/);
    const inv = created.json as Invitation;
    expect(Object.keys(inv)).toEqual([
      "createdAt",
      "expiresAt",
      "id",
      "inviterUsername",
      "orgId",
      "orgName",
      "roles",
      "teamIds",
      "username",
    ]);
    expect(inv.id).toMatch(/^[0-9a-f]{24}$/);
    expect(inv.createdAt).toMatch(/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ$/);
    expect(Date.parse(inv.expiresAt) - Date.parse(inv.createdAt)).toBe(30 * 24 * 3600 * 1000);
    expect(inv).toMatchObject({
      inviterUsername: emu.credentials.publicKey,
      orgId: emu.org.id,
      orgName: "Acme",
      roles: ["ORG_MEMBER"],
      teamIds: [],
      username: "alice@example.com",
    });

    const second = await c.call("POST", `/orgs/${emu.org.id}/invites`, { username: "bob@example.com", roles: ["ORG_OWNER"] });
    expect((second.json as Invitation).id).not.toBe(inv.id);
  });

  it("names the inviter by the API key's public key or the service account's client id, whatever their description", async () => {
    const emu = await emulator();
    const grant = [{ orgId: emu.org.id, roles: ["ORG_OWNER"] }];
    const key = emu.state.addApiKey({ name: "CI pipeline key", orgRoles: grant });
    const byKey = await new DigestTestClient(emu, key.publicKey, key.privateKey).call("POST", `/orgs/${emu.org.id}/invites`, {
      username: "k@example.com",
      roles: ["ORG_MEMBER"],
    });
    expect((byKey.json as Invitation).inviterUsername).toBe(key.publicKey);
    const sa = emu.state.addServiceAccount({
      clientId: "mdb_sa_id_named",
      clientSecret: "mdb_sa_sk_named",
      name: "Deploy bot",
      orgRoles: grant,
    });
    const token = await bearerToken(emu, sa.clientId, sa.clientSecret);
    const bySa = await raw(`${emu.baseUrl}/orgs/${emu.org.id}/invites`, {
      method: "POST",
      headers: { Authorization: `Bearer ${token}`, "Content-Type": "application/json" },
      body: JSON.stringify({ username: "s@example.com", roles: ["ORG_MEMBER"] }),
    });
    expect((bySa.json as Invitation).inviterUsername).toBe("mdb_sa_id_named");
    // GET shows the same.
    const listed = (await new DigestTestClient(emu).call("GET", `/orgs/${emu.org.id}/invites`)).json as Invitation[];
    expect(listed.map((i) => i.inviterUsername)).toEqual([key.publicKey, "mdb_sa_id_named"]);
  });

  it("gets, lists (bare array, username filter), updates by id and by username (roles replaced), deletes with 204", async () => {
    const emu = await emulator();
    const c = new DigestTestClient(emu);
    const base = `/orgs/${emu.org.id}/invites`;
    const a = (await c.call("POST", base, { username: "a@example.com", roles: ["ORG_MEMBER", "ORG_READ_ONLY"] })).json as Invitation;
    await c.call("POST", base, { username: "b@example.com", roles: ["ORG_MEMBER"] });

    const got = await c.call("GET", `${base}/${a.id}`);
    expect(got.status).toBe(200);
    expect(got.json).toEqual(a);

    const all = await c.call("GET", base);
    expect(all.status).toBe(200);
    expect(Array.isArray(all.json)).toBe(true);
    expect((all.json as Invitation[]).map((i) => i.username)).toEqual(["a@example.com", "b@example.com"]);
    const filtered = await c.call("GET", `${base}?username=${encodeURIComponent("b@example.com")}`);
    expect((filtered.json as Invitation[]).map((i) => i.username)).toEqual(["b@example.com"]);

    const byId = await c.call("PATCH", `${base}/${a.id}`, { roles: ["ORG_GROUP_CREATOR"] });
    expect(byId.status).toBe(200);
    expect((byId.json as Invitation).roles).toEqual(["ORG_GROUP_CREATOR"]);
    expect((byId.json as Invitation).createdAt).toBe(a.createdAt);
    expect((byId.json as Invitation).expiresAt).toBe(a.expiresAt);

    const byName = await c.call("PATCH", base, { username: "a@example.com", roles: ["ORG_OWNER"] });
    expect(byName.status).toBe(200);
    expect((byName.json as Invitation).roles).toEqual(["ORG_OWNER"]);
    expect(((await c.call("GET", `${base}/${a.id}`)).json as Invitation).roles).toEqual(["ORG_OWNER"]);

    const deleted = await c.call("DELETE", `${base}/${a.id}`);
    expect(deleted.status).toBe(204);
    expect(deleted.text).toBe("");
    const gone = await c.call("GET", `${base}/${a.id}`);
    expect(gone.status).toBe(404);
    expect(errorCodeOf(gone)).toBe("RESOURCE_NOT_FOUND");
  });

  it("accept through the control plane: the invitation answers 404 and the user is an org member", async () => {
    const emu = await emulator();
    const team = (await control(emu, "POST", `/orgs/${emu.org.id}/teams`, { name: "devs" })).json as { id: string; name: string };
    const c = new DigestTestClient(emu);
    const inv = (
      await c.call("POST", `/orgs/${emu.org.id}/invites`, {
        username: "carol.smith@example.com",
        roles: ["ORG_MEMBER"],
        teamIds: [team.id],
      })
    ).json as Invitation;
    expect(inv.teamIds).toEqual([team.id]);

    const accepted = await control(emu, "POST", `/orgs/${emu.org.id}/invites/${inv.id}/accept`);
    expect(accepted.status).toBe(200);
    expect(errorCodeOf(await c.call("GET", `/orgs/${emu.org.id}/invites/${inv.id}`))).toBe("RESOURCE_NOT_FOUND");
    expect(errorCodeOf(await c.call("DELETE", `/orgs/${emu.org.id}/invites/${inv.id}`))).toBe("RESOURCE_NOT_FOUND");
    expect((await c.call("GET", `/orgs/${emu.org.id}/invites`)).json).toEqual([]);

    const users = (await c.call("GET", `/orgs/${emu.org.id}/users`)).json as { results: Record<string, unknown>[]; totalCount: number };
    expect(users.totalCount).toBe(1);
    expect(users.results[0]).toMatchObject({
      username: "carol.smith@example.com",
      emailAddress: "carol.smith@example.com",
      firstName: "Carol",
      lastName: "Smith",
      teamIds: [team.id],
      roles: [{ orgId: emu.org.id, roleName: "ORG_MEMBER" }],
    });
    expect(users.results[0]?.["id"]).toMatch(/^[0-9a-f]{24}$/);
    const byName = await c.call("GET", `/users/byName/${encodeURIComponent("carol.smith@example.com")}`);
    expect(byName.status).toBe(200);
    expect(byName.json).toEqual(users.results[0]);

    const again = await control(emu, "POST", `/orgs/${emu.org.id}/invites/${inv.id}/accept`);
    expect(again.status).toBe(404);
  });

  it("expire through the control plane: hidden (404) by default, visible when configured", async () => {
    for (const mode of ["hidden", "visible"] as const) {
      const emu = await emulator({ expiredInvitations: mode });
      const c = new DigestTestClient(emu);
      const inv = (await c.call("POST", `/orgs/${emu.org.id}/invites`, { username: "dave@example.com", roles: ["ORG_MEMBER"] }))
        .json as Invitation;
      const expired = await control(emu, "POST", `/orgs/${emu.org.id}/invites/${inv.id}/expire`);
      expect(expired.status).toBe(200);
      const expiresAt = (expired.json as Invitation).expiresAt;
      expect(Date.parse(expiresAt)).toBeLessThan(Date.now());
      const got = await c.call("GET", `/orgs/${emu.org.id}/invites/${inv.id}`);
      const list = (await c.call("GET", `/orgs/${emu.org.id}/invites`)).json as Invitation[];
      if (mode === "hidden") {
        expect(got.status).toBe(404);
        expect(errorCodeOf(got)).toBe("RESOURCE_NOT_FOUND");
        expect(list).toEqual([]);
        expect((await c.call("PATCH", `/orgs/${emu.org.id}/invites/${inv.id}`, { roles: ["ORG_OWNER"] })).status).toBe(404);
      } else {
        expect(got.status).toBe(200);
        expect((got.json as Invitation).expiresAt).toBe(expiresAt);
        expect(list.map((i) => i.id)).toEqual([inv.id]);
      }
      const state = (await control(emu, "GET", "/state")).json as { invitations: { id: string; status: string }[] };
      expect(state.invitations).toEqual([expect.objectContaining({ id: inv.id, status: "expired" })]);
    }
  });

  it("duplicate pending invitations: allowed by default, 409 INVITATION_ALREADY_EXISTS when rejecting", async () => {
    const allow = await emulator();
    const ca = new DigestTestClient(allow);
    const body = { username: "erin@example.com", roles: ["ORG_MEMBER"] };
    expect((await ca.call("POST", `/orgs/${allow.org.id}/invites`, body)).status).toBe(201);
    expect((await ca.call("POST", `/orgs/${allow.org.id}/invites`, body)).status).toBe(201);
    expect(((await ca.call("GET", `/orgs/${allow.org.id}/invites?username=erin@example.com`)).json as unknown[]).length).toBe(2);

    const reject = await emulator({ duplicateInvitations: "reject" });
    const cr = new DigestTestClient(reject);
    expect((await cr.call("POST", `/orgs/${reject.org.id}/invites`, body)).status).toBe(201);
    const dup = await cr.call("POST", `/orgs/${reject.org.id}/invites`, { ...body, username: "ERIN@example.com" });
    expect(dup.status).toBe(409);
    expect(errorCodeOf(dup)).toBe("INVITATION_ALREADY_EXISTS");
  });
});
