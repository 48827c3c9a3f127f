import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { startEmulator, type RunningEmulator } from "../../emulator";
import { CloudManagerClient, isCloudManagerError, type CloudManagerError } from "../../sdk";
import { failure } from "./support/failure";

// The typed methods end to end against the emulator: shapes, paging, encoding, envelope/pretty and
// the errors a user sees.

let emulator: RunningEmulator;
let client: CloudManagerClient;
let orgId: string;

beforeAll(async () => {
  emulator = await startEmulator();
  orgId = emulator.org.id;
  client = new CloudManagerClient({
    baseUrl: emulator.baseUrl,
    publicKey: emulator.credentials.publicKey,
    privateKey: emulator.credentials.privateKey,
    retry: { baseDelayMs: 1, maxDelayMs: 5 },
  });
});

afterAll(async () => {
  await client.close();
  await emulator.close();
});

beforeEach(() => {
  emulator.state.reset();
});

describe("invitations: the lifecycle", () => {
  it("create → get → list (filtered) → update by id → update by username → delete", async () => {
    const created = await client.createInvitation(orgId, { username: "jane@example.com", roles: ["ORG_MEMBER"] });
    expect(created).toMatchObject({ orgId, orgName: emulator.org.name, username: "jane@example.com", roles: ["ORG_MEMBER"], teamIds: [] });
    expect(created.id).toMatch(/^[0-9a-f]{24}$/);
    expect(created.createdAt).toMatch(/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ$/);

    expect(await client.getInvitation(orgId, created.id)).toEqual(created);
    await client.createInvitation(orgId, { username: "other@example.com", roles: ["ORG_READ_ONLY"] });
    expect(await client.listInvitations(orgId)).toHaveLength(2);
    expect((await client.listInvitations(orgId, { username: "jane@example.com" })).map((i) => i.id)).toEqual([created.id]);

    const byId = await client.updateInvitationRoles(orgId, created.id, ["ORG_GROUP_CREATOR", "ORG_MEMBER"]);
    expect(byId.roles.sort()).toEqual(["ORG_GROUP_CREATOR", "ORG_MEMBER"]);
    expect(byId.createdAt).toBe(created.createdAt);
    const byName = await client.updateInvitationByUsername(orgId, "jane@example.com", ["ORG_READ_ONLY"]);
    expect(byName.roles).toEqual(["ORG_READ_ONLY"]);

    await expect(client.deleteInvitation(orgId, created.id)).resolves.toBeUndefined();
    const gone = await failure(client.getInvitation(orgId, created.id));
    expect(gone.status).toBe(404);
    expect(gone.errorCode).toBe("RESOURCE_NOT_FOUND");
    expect(gone.message).toContain(`invitation ${created.id}`);
    expect(gone.message).toContain("accepted, expired or deleted");
  });

  it("sends teamIds when given", async () => {
    const team = emulator.state.createTeam(orgId, { name: "platform" });
    const created = await client.createInvitation(orgId, { username: "t@example.com", roles: ["ORG_MEMBER"], teamIds: [team.id] });
    expect(created.teamIds).toEqual([team.id]);
  });

  it("usernames are URL-encoded in queries and paths", async () => {
    await client.createInvitation(orgId, { username: "a+b@example.com", roles: ["ORG_MEMBER"] });
    await client.createInvitation(orgId, { username: "ab@example.com", roles: ["ORG_MEMBER"] });
    const found = await client.listInvitations(orgId, { username: "a+b@example.com" });
    expect(found.map((i) => i.username)).toEqual(["a+b@example.com"]);

    emulator.state.addOrgUser(orgId, { username: "x+y@example.com", roles: ["ORG_MEMBER"] });
    expect((await client.getUserByName("x+y@example.com")).username).toBe("x+y@example.com");
  });

  it("an accepted invitation answers 404 and its user is a member", async () => {
    const created = await client.createInvitation(orgId, { username: "acc@example.com", roles: ["ORG_MEMBER"] });
    emulator.state.acceptInvitation(orgId, created.id);
    expect((await failure(client.getInvitation(orgId, created.id))).status).toBe(404);
    expect((await client.listOrgUsers(orgId)).map((u) => u.username)).toContain("acc@example.com");
  });
});

describe("users and organizations", () => {
  it("listOrgUsers follows every page (500 per page)", async () => {
    for (let i = 0; i < 1_101; i++) emulator.state.addOrgUser(orgId, { username: `user${i}@example.com`, roles: ["ORG_MEMBER"] });
    emulator.state.clearRequests();
    const users = await client.listOrgUsers(orgId);
    expect(users).toHaveLength(1_101);
    expect(new Set(users.map((u) => u.username)).size).toBe(1_101);
    const pages = emulator.state.requests().filter((e) => e.path.endsWith("/users"));
    expect(pages.map((e) => e.query)).toEqual(["pageNum=1&itemsPerPage=500", "pageNum=2&itemsPerPage=500", "pageNum=3&itemsPerPage=500"]);
  });

  it("listOrgUsers on an org with exactly one full page asks once", async () => {
    // The seeded org has no members; 500 makes one full page with no `next` link.
    for (let i = 0; i < 500; i++) emulator.state.addOrgUser(orgId, { username: `u${i}@example.com`, roles: ["ORG_MEMBER"] });
    emulator.state.clearRequests();
    expect(await client.listOrgUsers(orgId)).toHaveLength(500);
    expect(emulator.state.requests()).toHaveLength(1);
  });

  it("getUserByName and getOrganization", async () => {
    emulator.state.addOrgUser(orgId, { username: "m@example.com", roles: ["ORG_OWNER"], firstName: "M", lastName: "N" });
    const user = await client.getUserByName("m@example.com");
    expect(user).toMatchObject({ username: "m@example.com", firstName: "M", lastName: "N" });
    expect(user.roles).toContainEqual({ orgId, roleName: "ORG_OWNER" });
    expect(await client.getOrganization(orgId)).toMatchObject({ id: orgId, name: emulator.org.name });
  });

  it("unknown user and unknown organization say what was not found", async () => {
    const user = await failure(client.getUserByName("nobody@example.com"));
    expect(user.status).toBe(404);
    expect(user.message).toContain("user nobody@example.com");

    const missingOrg = "0123456789abcdef01234567";
    const org = await failure(client.listInvitations(missingOrg));
    expect(org.status).toBe(404);
    expect(org.errorCode).toBe("ORG_NOT_FOUND");
    expect(org.message).toContain(`Organization ${missingOrg} was not found`);
  });
});

describe("errors a user sees", () => {
  it("400 validation errors keep errorCode, detail, parameters, method and path", async () => {
    const error = await failure(client.createInvitation(orgId, { username: "x@example.com", roles: ["ORG_EMPEROR"] }));
    expect(error).toMatchObject({
      code: "CLOUD_MANAGER_API_ERROR",
      status: 400,
      errorCode: "INVALID_ENUM_VALUE",
      method: "POST",
      path: `/api/public/v1.0/orgs/${orgId}/invites`,
    });
    expect(error.parameters).toContain("ORG_EMPEROR");
    expect(error.detail).toBeTypeOf("string");
    expect(error.message).toContain("INVALID_ENUM_VALUE");
  });

  it("403 IP_ADDRESS_NOT_ON_ACCESS_LIST names the IP to add", async () => {
    const key = emulator.state.addApiKey({ orgRoles: [{ orgId, roles: ["ORG_OWNER"] }], accessList: ["10.1.2.3"] });
    const fenced = new CloudManagerClient({ baseUrl: emulator.baseUrl, publicKey: key.publicKey, privateKey: key.privateKey });
    const error = await failure(fenced.listInvitations(orgId));
    await fenced.close();
    expect(error.status).toBe(403);
    expect(error.errorCode).toBe("IP_ADDRESS_NOT_ON_ACCESS_LIST");
    expect(error.message).toContain("add 127.0.0.1 to the access list");
    expect(error.message).toContain(key.publicKey);
    expect(error.message).not.toContain(key.privateKey);
  });

  it("a network error names the host and code and is not an API error", async () => {
    const closedPort = new CloudManagerClient({
      baseUrl: "http://127.0.0.1:1/api/public/v1.0",
      publicKey: "k",
      privateKey: "p-secret",
      retry: { maxRetries: 1, baseDelayMs: 1, maxDelayMs: 1 },
    });
    const error = await failure(closedPort.listInvitations(orgId));
    await closedPort.close();
    expect(error.code).toBe("CLOUD_MANAGER_NETWORK_ERROR");
    expect(error.networkCode).toBe("ECONNREFUSED");
    expect(error.status).toBeUndefined();
    expect(error.attempts).toBe(2);
    expect(error.message).toContain("127.0.0.1:1");
    expect(error.message).toContain("ECONNREFUSED");
  });

  it("a base URL that is not the API gives a response error, not a crash", async () => {
    const wrongPath = new CloudManagerClient({
      baseUrl: `${emulator.origin}/api/public/v1.0/orgs/${orgId}`,
      publicKey: emulator.credentials.publicKey,
      privateKey: emulator.credentials.privateKey,
    });
    // The client appends /api/public/v1.0 to a path without it: …/orgs/{id}/api/public/v1.0/orgs/{id}
    // does not exist, a 404 for the resource.
    const error = await failure(wrongPath.getOrganization(orgId));
    await wrongPath.close();
    expect(error.status).toBe(404);
  });

  it("bad options are config errors before anything is sent", () => {
    const attempts: [string, () => unknown][] = [
      ["no credentials", () => new CloudManagerClient({})],
      ["half a key", () => new CloudManagerClient({ publicKey: "p" })],
      ["both kinds", () => new CloudManagerClient({ publicKey: "p", privateKey: "k", clientId: "c", clientSecret: "s" })],
      ["bad URL", () => new CloudManagerClient({ baseUrl: "not a url", publicKey: "p", privateKey: "k" })],
      ["credentials in URL", () => new CloudManagerClient({ baseUrl: "https://u:pw@host/api", publicKey: "p", privateKey: "k" })],
      ["CA as a path", () => new CloudManagerClient({ publicKey: "p", privateKey: "k", caCertificate: "/etc/ca.pem" })],
      ["bad timeout", () => new CloudManagerClient({ publicKey: "p", privateKey: "k", requestTimeoutMs: 0 })],
      ["bad retry", () => new CloudManagerClient({ publicKey: "p", privateKey: "k", retry: { maxRetries: -1 } })],
    ];
    for (const [label, attempt] of attempts) {
      let caught: unknown;
      try {
        attempt();
      } catch (error) {
        caught = error;
      }
      expect(isCloudManagerError(caught), label).toBe(true);
      expect((caught as CloudManagerError).code, label).toBe("CLOUD_MANAGER_CONFIG_ERROR");
    }
  });

  it("empty or dot-segment ids are refused before sending", async () => {
    emulator.state.clearRequests();
    await expect(client.getInvitation(orgId, "")).rejects.toMatchObject({ code: "CLOUD_MANAGER_CONFIG_ERROR" });
    await expect(client.getInvitation(orgId, "..")).rejects.toMatchObject({ code: "CLOUD_MANAGER_CONFIG_ERROR" });
    expect(emulator.state.requests()).toHaveLength(0);
  });
});

describe("envelope and pretty", () => {
  for (const flags of [{ envelope: true }, { pretty: true }, { envelope: true, pretty: true }]) {
    it(`${JSON.stringify(flags)}: every method unwraps transparently`, async () => {
      const flagged = new CloudManagerClient({
        baseUrl: emulator.baseUrl,
        publicKey: emulator.credentials.publicKey,
        privateKey: emulator.credentials.privateKey,
        ...flags,
      });
      try {
        const created = await flagged.createInvitation(orgId, { username: "env@example.com", roles: ["ORG_MEMBER"] });
        expect(created.username).toBe("env@example.com");
        expect(await flagged.getInvitation(orgId, created.id)).toEqual(created);
        expect(await flagged.listInvitations(orgId)).toEqual([created]);
        expect((await flagged.updateInvitationRoles(orgId, created.id, ["ORG_READ_ONLY"])).roles).toEqual(["ORG_READ_ONLY"]);
        expect((await flagged.getOrganization(orgId)).id).toBe(orgId);
        expect(await flagged.listOrgUsers(orgId)).toEqual([]);
        await flagged.deleteInvitation(orgId, created.id);
        // An error inside an envelope still comes out as the real status.
        const error = await failure(flagged.getInvitation(orgId, created.id));
        expect(error.status).toBe(404);
        expect(error.errorCode).toBe("RESOURCE_NOT_FOUND");
        const queries = emulator.state.requests().map((e) => new URLSearchParams(e.query));
        for (const query of queries) {
          expect(query.get("envelope")).toBe(flags.envelope === true ? "true" : null);
          expect(query.get("pretty")).toBe("pretty" in flags ? "true" : null);
        }
      } finally {
        await flagged.close();
      }
    });
  }

  it("retries see the real status through an envelope (503 inside a 200)", async () => {
    const flagged = new CloudManagerClient({
      baseUrl: emulator.baseUrl,
      publicKey: emulator.credentials.publicKey,
      privateKey: emulator.credentials.privateKey,
      envelope: true,
      retry: { baseDelayMs: 1, maxDelayMs: 5 },
    });
    try {
      await flagged.getOrganization(orgId);
      emulator.state.clearRequests();
      emulator.state.addFault({ method: "GET", path: "/invites$", count: 1, fault: { type: "status", status: 503 } });
      expect(await flagged.listInvitations(orgId)).toEqual([]);
      expect(emulator.state.requests()).toHaveLength(2);
    } finally {
      await flagged.close();
    }
  });
});
