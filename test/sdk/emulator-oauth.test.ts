import { afterEach, describe, expect, it } from "vitest";
import { startEmulator, type RunningEmulator } from "../../emulator";
import { BearerAuth } from "../../sdk/auth/bearer-auth";
import { OAuthTokenSource } from "../../sdk/auth/oauth-token-source";
import { HttpTransport } from "../../sdk/transport/http-transport";
import { CloudManagerClient, isCloudManagerError, type CloudManagerClientOptions, type CloudManagerError } from "../../sdk";

// Service accounts against the emulator: client-credentials tokens, shared and refreshed.

let emulator: RunningEmulator | undefined;
const clients: CloudManagerClient[] = [];

afterEach(async () => {
  await Promise.all(clients.splice(0).map((c) => c.close()));
  await emulator?.close();
  emulator = undefined;
});

async function setUp(
  options: Parameters<typeof startEmulator>[0] = {},
  clientOptions: Partial<CloudManagerClientOptions> = {},
): Promise<{ emulator: RunningEmulator; client: CloudManagerClient }> {
  emulator = await startEmulator(options);
  const account = emulator.serviceAccount;
  if (account === undefined) throw new Error("the emulator seeded no service account");
  const client = new CloudManagerClient({
    baseUrl: emulator.baseUrl,
    clientId: account.clientId,
    clientSecret: account.clientSecret,
    ...clientOptions,
  });
  clients.push(client);
  return { emulator, client };
}

const isTokenRequest = (entry: { path: string }): boolean => entry.path === "/api/oauth/token";
const FAST = { baseDelayMs: 1, maxDelayMs: 5 };

describe("OAuth service account against the emulator", () => {
  it("20 concurrent calls share one token request", async () => {
    const { emulator, client } = await setUp();
    await Promise.all(Array.from({ length: 20 }, () => client.getOrganization(emulator.org.id)));
    const log = emulator.state.requests();
    expect(log.filter(isTokenRequest)).toHaveLength(1);
    const apiCalls = log.filter((entry) => !isTokenRequest(entry));
    expect(apiCalls).toHaveLength(20);
    for (const entry of apiCalls) {
      expect(entry.status).toBe(200);
      expect(entry.auth).toEqual({ type: "bearer", clientId: emulator.serviceAccount?.clientId });
    }
  });

  it("reuses the token across sequential calls", async () => {
    const { emulator, client } = await setUp();
    for (let i = 0; i < 5; i++) await client.listInvitations(emulator.org.id);
    expect(emulator.state.requests().filter(isTokenRequest)).toHaveLength(1);
  });

  it("a token expired on the server costs one refresh and one retry", async () => {
    const { emulator, client } = await setUp();
    await client.getOrganization(emulator.org.id);
    emulator.state.clearRequests();
    expect(emulator.state.expireTokens()).toBe(1);

    await Promise.all(Array.from({ length: 5 }, () => client.getOrganization(emulator.org.id)));
    await client.getOrganization(emulator.org.id);

    const log = emulator.state.requests();
    expect(log.filter(isTokenRequest)).toHaveLength(1);
    const api = log.filter((entry) => !isTokenRequest(entry));
    // 5 refused with the old token, 5 retried with the new one, then 1 more with the new one.
    expect(api.filter((entry) => entry.status === 401)).toHaveLength(5);
    expect(api.filter((entry) => entry.status === 200)).toHaveLength(6);
  });

  it("replaces a token before it expires, so the server never refuses one (a clock of its own, no waiting)", async () => {
    // The token layers over a real transport, with the token source's clock in the test's hands.
    emulator = await startEmulator({ tokenLifetimeSeconds: 600 });
    const account = emulator.serviceAccount;
    if (account === undefined) throw new Error("the emulator seeded no service account");
    const transport = new HttpTransport({ requestTimeoutMs: 30_000 });
    try {
      let now = 1_000_000;
      const tokens = new OAuthTokenSource(transport.send, new URL("/api/oauth/token", emulator.origin), account, () => now);
      const bearer = new BearerAuth(transport.send, tokens, () => {});
      const url = new URL(`${emulator.baseUrl}/orgs/${emulator.org.id}`);
      const get = async (): Promise<number> => (await bearer.send({ method: "GET", url, headers: {} })).status;

      expect(await get()).toBe(200);
      // 600 s tokens are used for 540 s (a 60 s margin)…
      now += 540_000 - 1;
      expect(await get()).toBe(200);
      // …and once the whole lifetime has passed (for the server too), the next call fetches a new one first.
      now += 60_001;
      expect(emulator.state.expireTokens()).toBe(1);
      expect(await get()).toBe(200);

      expect(
        emulator.state.requests().map((entry) => `${entry.method} ${isTokenRequest(entry) ? "token" : "org"} ${entry.status}`),
      ).toEqual(["POST token 200", "GET org 200", "GET org 200", "POST token 200", "GET org 200"]);
    } finally {
      await transport.close();
    }
  });

  it("a wrong client secret is one clean error naming the client id, never the secret", async () => {
    const { emulator } = await setUp();
    const clientId = emulator.serviceAccount?.clientId ?? "";
    const wrong = new CloudManagerClient({ baseUrl: emulator.baseUrl, clientId, clientSecret: "mdb_sa_sk_wrongwrongwrong" });
    clients.push(wrong);
    const error = (await wrong.getOrganization(emulator.org.id).catch((e: unknown) => e)) as CloudManagerError;
    expect(error.status).toBe(401);
    expect(error.errorCode).toBe("invalid_client");
    expect(error.message).toContain(clientId);
    expect(error.message).not.toContain("mdb_sa_sk_wrongwrongwrong");
    expect(JSON.stringify(error)).not.toContain("mdb_sa_sk_wrongwrongwrong");
    // One token request; no API call was attempted without a token.
    expect(emulator.state.requests()).toHaveLength(1);
  });

  it("a service account without Organization Owner gets the role message", async () => {
    const { emulator } = await setUp();
    const member = emulator.state.addServiceAccount({ orgRoles: [{ orgId: emulator.org.id, roles: ["ORG_READ_ONLY"] }] });
    const limited = new CloudManagerClient({ baseUrl: emulator.baseUrl, clientId: member.clientId, clientSecret: member.clientSecret });
    clients.push(limited);
    const error = (await limited
      .createInvitation(emulator.org.id, { username: "someone@example.com", roles: ["ORG_MEMBER"] })
      .catch((e: unknown) => e)) as CloudManagerError;
    expect(error.errorCode).toBe("USER_UNAUTHORIZED");
    expect(error.message).toContain(`service account "${member.clientId}"`);
    expect(error.message).toContain("Organization Owner");
    expect(error.message).not.toContain(member.clientSecret);
  });

  it("a token endpoint that drops every connection: at most maxRetries + 1 token requests, then one clean error", async () => {
    // One retry layer per call: token failures count against the call's own retry bounds.
    const { emulator, client } = await setUp({}, { retry: { ...FAST, maxRetries: 3 } });
    emulator.state.addFault({ method: "POST", path: "^/api/oauth/token$", fault: { type: "drop" } });
    const error = (await client.getOrganization(emulator.org.id).catch((e: unknown) => e)) as CloudManagerError;
    expect(isCloudManagerError(error)).toBe(true);
    expect(error.code).toBe("CLOUD_MANAGER_NETWORK_ERROR");
    expect(error.path).toBe("/api/oauth/token");
    expect(error.attempts).toBe(4);
    expect(error.message).toContain("after 4 attempts");
    const log = emulator.state.requests();
    expect(log.filter(isTokenRequest).map((entry) => entry.status)).toEqual([0, 0, 0, 0]);
    // No API request went out without a token.
    expect(log.filter((entry) => !isTokenRequest(entry))).toHaveLength(0);
  });

  it("a token request that failed once is retried by the call, and a POST is then sent once, without a check first", async () => {
    const { emulator, client } = await setUp({}, { retry: FAST });
    emulator.state.addFault({ method: "POST", path: "^/api/oauth/token$", count: 1, fault: { type: "drop" } });
    await client.createInvitation(emulator.org.id, { username: "token-drop@example.com", roles: ["ORG_MEMBER"] });
    // The invitation POST never left while the token was missing, so nothing needs reconciling.
    expect(emulator.state.requests().map((entry) => `${entry.method} ${entry.path.split("/").pop()} ${entry.status}`)).toEqual([
      "POST token 0",
      "POST token 200",
      "POST invites 201",
    ]);
    expect(emulator.state.invitations(emulator.org.id)).toHaveLength(1);
  });

  it("the token endpoint's Retry-After past maxElapsedMs ends the call at once, with the token endpoint's error", async () => {
    const { emulator, client } = await setUp({}, { retry: { ...FAST, maxElapsedMs: 1_000 } });
    emulator.state.addFault({ method: "POST", path: "^/api/oauth/token$", fault: { type: "status", status: 429, retryAfter: 30 } });
    const error = (await client.getOrganization(emulator.org.id).catch((e: unknown) => e)) as CloudManagerError;
    expect(error.status).toBe(429);
    expect(error.path).toBe("/api/oauth/token");
    expect(error.attempts).toBe(1);
    expect(error.message).toContain("10 requests per minute");
    expect(emulator.state.requests().map((entry) => `${entry.path} ${entry.status}`)).toEqual(["/api/oauth/token 429"]);
  });

  it("a role 401 with a cached token is final: no token refetch, no second attempt", async () => {
    const { emulator } = await setUp();
    const member = emulator.state.addServiceAccount({ orgRoles: [{ orgId: emulator.org.id, roles: ["ORG_MEMBER"] }] });
    const limited = new CloudManagerClient({ baseUrl: emulator.baseUrl, clientId: member.clientId, clientSecret: member.clientSecret });
    clients.push(limited);
    await limited.getOrganization(emulator.org.id); // warm: the token is cached now
    emulator.state.clearRequests();

    const error = (await limited
      .createInvitation(emulator.org.id, { username: "role@example.com", roles: ["ORG_MEMBER"] })
      .catch((e: unknown) => e)) as CloudManagerError;

    expect(error.status).toBe(401);
    expect(error.errorCode).toBe("USER_UNAUTHORIZED");
    expect(error.message).toContain("Organization Owner");
    // The emulator (like Cloud Manager) challenges only bad tokens; a role failure has no challenge.
    expect(emulator.state.requests().map((entry) => `${entry.method} ${entry.path.split("/").pop()} ${entry.status}`)).toEqual([
      "POST invites 401",
    ]);
  });
});
