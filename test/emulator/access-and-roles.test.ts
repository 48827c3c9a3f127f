import { describe, expect, it } from "vitest";
import { DigestTestClient, bearerToken, control, emulator, errorCodeOf, raw } from "./helpers";

describe("IP access lists", () => {
  it("refuses a key whose access list does not name the caller: 403 with the caller's IP in parameters and detail", async () => {
    const emu = await emulator();
    const key = (
      await control(emu, "POST", "/apiKeys", {
        orgRoles: [{ orgId: emu.org.id, roles: ["ORG_OWNER"] }],
        accessList: ["10.1.2.3", "192.168.0.0/16"],
      })
    ).json as { publicKey: string; privateKey: string };
    const reply = await new DigestTestClient(emu, key.publicKey, key.privateKey).call("GET", `/orgs/${emu.org.id}/invites`);
    expect(reply.status).toBe(403);
    expect(errorCodeOf(reply)).toBe("IP_ADDRESS_NOT_ON_ACCESS_LIST");
    expect((reply.json as { parameters: unknown[] }).parameters).toEqual(["127.0.0.1"]);
    expect((reply.json as { detail: string }).detail).toContain("127.0.0.1");
    expect((reply.json as { reason: string }).reason).toBe("Forbidden");
  });

  it("lets a key through when an address or CIDR block matches", async () => {
    const emu = await emulator();
    for (const accessList of [["127.0.0.1"], ["127.0.0.0/8"], ["10.0.0.1", "127.0.0.1/32"]]) {
      const key = emu.state.addApiKey({ orgRoles: [{ orgId: emu.org.id, roles: ["ORG_READ_ONLY"] }], accessList });
      expect((await new DigestTestClient(emu, key.publicKey, key.privateKey).call("GET", `/orgs/${emu.org.id}/invites`)).status).toBe(200);
    }
  });

  it("applies to service accounts too", async () => {
    const emu = await emulator();
    const sa = emu.state.addServiceAccount({ orgRoles: [{ orgId: emu.org.id, roles: ["ORG_OWNER"] }], accessList: ["10.0.0.0/8"] });
    const token = await bearerToken(emu, sa.clientId, sa.clientSecret);
    const reply = await raw(`${emu.baseUrl}/orgs/${emu.org.id}`, { headers: { Authorization: `Bearer ${token}` } });
    expect(reply.status).toBe(403);
    expect((reply.json as { parameters: unknown[] }).parameters).toEqual(["127.0.0.1"]);
  });

  it("rejects a malformed access list entry on the control plane", async () => {
    const emu = await emulator();
    const reply = await control(emu, "POST", "/apiKeys", { accessList: ["not-an-ip"] });
    expect(reply.status).toBe(400);
    expect(errorCodeOf(reply)).toBe("INVALID_ATTRIBUTE");
  });
});

describe("organization roles", () => {
  it("a key without ORG_OWNER may read but gets 401 USER_UNAUTHORIZED (no challenge) on invitation writes", async () => {
    const emu = await emulator();
    const key = emu.state.addApiKey({ name: "reader", orgRoles: [{ orgId: emu.org.id, roles: ["ORG_MEMBER"] }] });
    const owner = new DigestTestClient(emu);
    const inv = (await owner.call("POST", `/orgs/${emu.org.id}/invites`, { username: "x@example.com", roles: ["ORG_MEMBER"] })).json as {
      id: string;
    };
    const member = new DigestTestClient(emu, key.publicKey, key.privateKey);
    expect((await member.call("GET", `/orgs/${emu.org.id}/invites`)).status).toBe(200);
    expect((await member.call("GET", `/orgs/${emu.org.id}/invites/${inv.id}`)).status).toBe(200);
    const writes = [
      await member.call("POST", `/orgs/${emu.org.id}/invites`, { username: "y@example.com", roles: ["ORG_MEMBER"] }),
      await member.call("PATCH", `/orgs/${emu.org.id}/invites/${inv.id}`, { roles: ["ORG_OWNER"] }),
      await member.call("PATCH", `/orgs/${emu.org.id}/invites`, { username: "x@example.com", roles: ["ORG_OWNER"] }),
      await member.call("DELETE", `/orgs/${emu.org.id}/invites/${inv.id}`),
    ];
    for (const reply of writes) {
      expect(reply.status).toBe(401);
      expect(errorCodeOf(reply)).toBe("USER_UNAUTHORIZED");
      expect(reply.headers.get("www-authenticate")).toBeNull();
    }
    expect((await owner.call("GET", `/orgs/${emu.org.id}/invites/${inv.id}`)).json).toMatchObject({ roles: ["ORG_MEMBER"] });
  });

  it("a key with no role in the org gets 401 USER_UNAUTHORIZED even on reads; unknown orgs are 404 ORG_NOT_FOUND first", async () => {
    const emu = await emulator();
    const other = emu.state.createOrg({ name: "Other" });
    const client = new DigestTestClient(emu);
    expect(errorCodeOf(await client.call("GET", `/orgs/${other.id}/invites`))).toBe("USER_UNAUTHORIZED");
    expect(errorCodeOf(await client.call("GET", `/orgs/${other.id}`))).toBe("USER_UNAUTHORIZED");
    expect(errorCodeOf(await client.call("GET", `/orgs/${"f".repeat(24)}/invites`))).toBe("ORG_NOT_FOUND");
  });

  it("a service account without ORG_OWNER gets 401 USER_UNAUTHORIZED on create", async () => {
    const emu = await emulator();
    const sa = emu.state.addServiceAccount({ orgRoles: [{ orgId: emu.org.id, roles: ["ORG_READ_ONLY"] }] });
    const token = await bearerToken(emu, sa.clientId, sa.clientSecret);
    const reply = await raw(`${emu.baseUrl}/orgs/${emu.org.id}/invites`, {
      method: "POST",
      headers: { Authorization: `Bearer ${token}`, "Content-Type": "application/json" },
      body: JSON.stringify({ username: "z@example.com", roles: ["ORG_MEMBER"] }),
    });
    expect(reply.status).toBe(401);
    expect(errorCodeOf(reply)).toBe("USER_UNAUTHORIZED");
  });

  it("a removed key stops authenticating", async () => {
    const emu = await emulator();
    const key = emu.state.addApiKey({ orgRoles: [{ orgId: emu.org.id, roles: ["ORG_OWNER"] }] });
    const client = new DigestTestClient(emu, key.publicKey, key.privateKey);
    expect((await client.call("GET", `/orgs/${emu.org.id}`)).status).toBe(200);
    expect((await control(emu, "DELETE", `/apiKeys/${key.publicKey}`)).status).toBe(204);
    expect((await client.call("GET", `/orgs/${emu.org.id}`)).status).toBe(401);
    expect((await control(emu, "DELETE", `/apiKeys/${key.publicKey}`)).status).toBe(404);
  });
});
