import { afterEach, describe, expect, it } from "vitest";
import { startEmulator, type RunningEmulator } from "../../emulator";
import { CloudManagerClient, type CloudManagerError } from "../../sdk";

// Service accounts against the emulator: client-credentials tokens, shared and refreshed.

let emulator: RunningEmulator | undefined;
const clients: CloudManagerClient[] = [];

afterEach(async () => {
  await Promise.all(clients.splice(0).map((c) => c.close()));
  await emulator?.close();
  emulator = undefined;
});

async function setUp(options: Parameters<typeof startEmulator>[0] = {}): Promise<{ emulator: RunningEmulator; client: CloudManagerClient }> {
  emulator = await startEmulator(options);
  const account = emulator.serviceAccount;
  if (account === undefined) throw new Error("the emulator seeded no service account");
  const client = new CloudManagerClient({ baseUrl: emulator.baseUrl, clientId: account.clientId, clientSecret: account.clientSecret });
  clients.push(client);
  return { emulator, client };
}

const isTokenRequest = (entry: { path: string }): boolean => entry.path === "/api/oauth/token";

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

  it("refreshes before expiry on its own when the token is short-lived", async () => {
    // 1 s tokens: the client stops using one 100 ms (10%) before it expires.
    const { emulator, client } = await setUp({ tokenLifetimeSeconds: 1 });
    await client.getOrganization(emulator.org.id);
    await new Promise((resolve) => setTimeout(resolve, 1_000));
    await client.getOrganization(emulator.org.id);
    const log = emulator.state.requests();
    expect(log.filter(isTokenRequest)).toHaveLength(2);
    expect(log.filter((entry) => entry.status === 401)).toHaveLength(0);
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
});
