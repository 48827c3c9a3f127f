import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { inspect } from "node:util";
import { startEmulator, type RunningEmulator } from "../../emulator";
import { CloudManagerClient, type ClientLogEvent, type CloudManagerClientOptions } from "../../sdk";
import { DigestAuth } from "../../sdk/auth/digest-auth";
import { OAuthTokenSource } from "../../sdk/auth/oauth-token-source";
import { HttpTransport } from "../../sdk/transport/http-transport";
import { startForwardingProxy, type ForwardingProxy } from "./support/forwarding-proxy";

// Drive every kind of failure and every log event through a proxy that records the real
// Authorization headers, then search everything the SDK let out for any credential.

let emulator: RunningEmulator;
let proxy: ForwardingProxy;
const outputs: string[] = [];
const logs: ClientLogEvent[] = [];

function render(error: unknown): string[] {
  return [
    String(error),
    error instanceof Error ? error.message : "",
    error instanceof Error ? (error.stack ?? "") : "",
    inspect(error, { depth: 20 }),
    inspect(error, { depth: 20, showHidden: true }),
    JSON.stringify(error),
    JSON.stringify({ wrapped: error }),
  ];
}

async function collect(options: CloudManagerClientOptions, run: (client: CloudManagerClient) => Promise<unknown>): Promise<void> {
  const client = new CloudManagerClient({
    retry: { baseDelayMs: 1, maxDelayMs: 5, maxRetries: 2 },
    onLog: (event) => logs.push(event),
    ...options,
  });
  try {
    await run(client);
    outputs.push("(succeeded)");
  } catch (error) {
    outputs.push(...render(error));
  } finally {
    await client.close();
  }
}

beforeAll(async () => {
  emulator = await startEmulator();
  proxy = await startForwardingProxy(emulator.origin);
  const org = emulator.org.id;
  const key = { baseUrl: proxy.baseUrl, ...emulator.credentials };
  const account = emulator.serviceAccount;
  if (account === undefined) throw new Error("no service account");
  const sa = { baseUrl: proxy.baseUrl, ...account };
  const memberKey = emulator.state.addApiKey({ orgRoles: [{ orgId: org, roles: ["ORG_MEMBER"] }], privateKey: "member-private-key-1234" });
  const fencedKey = emulator.state.addApiKey({ orgRoles: [{ orgId: org, roles: ["ORG_OWNER"] }], accessList: ["10.9.9.9"] });

  // Successes with retries and re-challenges on the way (log events).
  emulator.state.addFault({ method: "GET", path: "/invites$", count: 2, fault: { type: "status", status: 503 } });
  await collect(key, (c) => c.listInvitations(org));
  await collect(sa, async (c) => {
    await c.getOrganization(org);
    emulator.state.expireTokens();
    await c.getOrganization(org);
  });
  await collect(key, async (c) => {
    await c.getOrganization(org);
    emulator.state.expireNonces();
    await c.getOrganization(org);
  });
  // Failures of every kind.
  await collect({ ...key, privateKey: "wrong-private-key-5678" }, (c) => c.getOrganization(org));
  await collect({ ...sa, clientSecret: "mdb_sa_sk_wrong_secret_5678" }, (c) => c.getOrganization(org));
  await collect({ baseUrl: proxy.baseUrl, publicKey: memberKey.publicKey, privateKey: memberKey.privateKey }, (c) =>
    c.createInvitation(org, { username: "s@example.com", roles: ["ORG_MEMBER"] }),
  );
  await collect({ baseUrl: proxy.baseUrl, publicKey: fencedKey.publicKey, privateKey: fencedKey.privateKey }, (c) =>
    c.listInvitations(org),
  );
  await collect(key, (c) => c.getInvitation(org, "0123456789abcdef01234567"));
  await collect(sa, (c) => c.getInvitation(org, "0123456789abcdef01234567"));
  await collect(sa, (c) => c.createInvitation(org, { username: "bad", roles: ["ORG_MEMBER"] }));
  emulator.state.addFault({ method: "GET", path: "/invites$", fault: { type: "status", status: 429 } });
  await collect(key, (c) => c.listInvitations(org));
  await collect(sa, (c) => c.listInvitations(org));
  emulator.state.clearFaults();
  emulator.state.addFault({ method: "POST", path: "/invites$", count: 1, fault: { type: "drop" } });
  await collect(sa, (c) => c.createInvitation(org, { username: "drop@example.com", roles: ["ORG_MEMBER"] }));
  await collect({ ...key, baseUrl: "http://127.0.0.1:1/api/public/v1.0" }, (c) => c.listInvitations(org));
  await collect({ ...key, requestTimeoutMs: 50 }, async (c) => {
    emulator.state.addFault({ method: "GET", path: "/invites$", fault: { type: "delay", ms: 300 } });
    await c.listInvitations(org);
  });
  emulator.state.clearFaults();
  for (const options of [{ publicKey: "only-public" }, { clientId: "id", clientSecret: "" }, { ...key, clientSecret: "mdb_sa_sk_both" }]) {
    try {
      new CloudManagerClient(options);
    } catch (error) {
      outputs.push(...render(error));
    }
  }
});

afterAll(async () => {
  await proxy.close();
  await emulator.close();
});

describe("secrets never leave the SDK", () => {
  it("the scenarios really produced errors, logs and credentials to search for", () => {
    expect(outputs.filter((text) => text.includes("CloudManagerError")).length).toBeGreaterThan(20);
    expect(logs.some((event) => event.waitMs !== undefined)).toBe(true);
    expect(logs.some((event) => event.message.includes("access token"))).toBe(true);
    expect(logs.some((event) => event.message.includes("Digest"))).toBe(true);
    // Every call here is for the organization, so every event (retry waits, re-signs, token refetches) names it.
    expect(logs.filter((event) => event.orgId !== emulator.org.id)).toEqual([]);
    expect(proxy.authorizations.some((value) => value.startsWith("Bearer "))).toBe(true);
    expect(proxy.authorizations.some((value) => value.startsWith("Digest "))).toBe(true);
    expect(proxy.authorizations.some((value) => value.startsWith("Basic "))).toBe(true);
  });

  it("no private key, client secret, token or Authorization value in errors, toString, inspect, JSON or logs", () => {
    const account = emulator.serviceAccount;
    const secrets = [
      emulator.credentials.privateKey,
      account?.clientSecret ?? "missing",
      "wrong-private-key-5678",
      "mdb_sa_sk_wrong_secret_5678",
      "member-private-key-1234",
      "mdb_sa_sk_both",
      // Every Authorization value that went on the wire, and its credential part alone.
      ...proxy.authorizations,
      ...proxy.authorizations.map((value) => value.replace(/^\S+\s+/, "")),
    ];
    const haystack = [...outputs, ...logs.map((event) => JSON.stringify(event)), ...logs.map((event) => inspect(event))].join("\n");
    for (const secret of secrets) expect(haystack.includes(secret), `found a secret: ${secret.slice(0, 12)}…`).toBe(false);
    expect(haystack.toLowerCase()).not.toContain("authorization");
    expect(haystack).not.toMatch(/Bearer\s+\S/);
    expect(haystack).not.toMatch(/Basic\s+[A-Za-z0-9+/=]{8,}/);
    expect(haystack).not.toMatch(/response="[0-9a-f]{32}"/);
  });
});

describe("the client object itself shows no secrets", () => {
  // inspect with and without our custom hook (customInspect: false walks the real object graph, as a
  // debugger or a careless logger would), and JSON, of a client that has signed calls and holds a token.
  function renderClient(client: CloudManagerClient): string[] {
    const texts = [
      inspect(client),
      inspect(client, { depth: Infinity, showHidden: true }),
      inspect(client, { depth: Infinity, showHidden: true, customInspect: false }),
      inspect({ wrapped: client }, { depth: Infinity, showHidden: true }),
      // eslint-disable-next-line @typescript-eslint/no-base-to-string -- what String() prints is the point: a careless log line
      String(client),
    ];
    try {
      texts.push(JSON.stringify(client));
    } catch {
      // a throwing JSON.stringify leaks nothing
    }
    return texts;
  }

  async function usedClient(options: CloudManagerClientOptions): Promise<{ texts: string[]; sent: string[] }> {
    const before = proxy.authorizations.length;
    const client = new CloudManagerClient({ baseUrl: proxy.baseUrl, ...options });
    try {
      await client.getOrganization(emulator.org.id);
      await client.listInvitations(emulator.org.id);
      return { texts: renderClient(client), sent: proxy.authorizations.slice(before) };
    } finally {
      await client.close();
    }
  }

  function expectNoSecrets(texts: string[], secrets: string[]): void {
    const haystack = texts.join("\n");
    for (const secret of secrets) expect(haystack.includes(secret), `found a secret: ${secret.slice(0, 12)}…`).toBe(false);
    expect(haystack).not.toMatch(/Bearer\s+\S/);
    expect(haystack).not.toMatch(/Basic\s+[A-Za-z0-9+/=]{8,}/);
  }

  it("an API-key client after signed calls: baseUrl and public key only", async () => {
    const { texts, sent } = await usedClient(emulator.credentials);
    expect(sent.some((value) => value.startsWith("Digest "))).toBe(true);
    expectNoSecrets(texts, [emulator.credentials.privateKey, ...sent, ...sent.map((value) => value.replace(/^\S+\s+/, ""))]);
    expect(texts[0]).toContain(emulator.credentials.publicKey);
    expect(texts[0]).toContain(proxy.baseUrl);
    expect(JSON.parse(texts.at(-1) ?? "null")).toEqual({ baseUrl: `${proxy.baseUrl}/`, publicKey: emulator.credentials.publicKey });
  });

  it("a service-account client holding a cached token: baseUrl and client id only", async () => {
    const account = emulator.serviceAccount;
    if (account === undefined) throw new Error("no service account");
    const { texts, sent } = await usedClient(account);
    const tokens = sent.filter((value) => value.startsWith("Bearer ")).map((value) => value.slice("Bearer ".length));
    // One token fetched and reused: the client holds it when it is inspected.
    expect(sent.filter((value) => value.startsWith("Basic "))).toHaveLength(1);
    expect(tokens).toHaveLength(2);
    expectNoSecrets(texts, [account.clientSecret, ...tokens, ...sent.map((value) => value.replace(/^\S+\s+/, ""))]);
    expect(texts[0]).toContain(account.clientId);
    expect(JSON.parse(texts.at(-1) ?? "null")).toEqual({ baseUrl: `${proxy.baseUrl}/`, clientId: account.clientId });
  });

  it("the auth layers themselves, after use, hold the key, secret and token out of sight", async () => {
    const account = emulator.serviceAccount;
    if (account === undefined) throw new Error("no service account");
    const transport = new HttpTransport({ requestTimeoutMs: 10_000 });
    try {
      const tokens = new OAuthTokenSource(transport.send, new URL("/api/oauth/token", emulator.origin), account);
      const { token } = await tokens.getToken();
      const digest = new DigestAuth(
        transport.send,
        { username: emulator.credentials.publicKey, password: emulator.credentials.privateKey },
        () => {},
      );
      const answer = await digest.send({ method: "GET", url: new URL(`${emulator.baseUrl}/orgs/${emulator.org.id}`), headers: {} });
      expect(answer.status).toBe(200);
      const texts = [tokens, digest].flatMap((layer) => [
        inspect(layer, { depth: Infinity, showHidden: true }),
        inspect(layer, { depth: Infinity, showHidden: true, customInspect: false }),
        JSON.stringify(layer),
      ]);
      expectNoSecrets(texts, [token, account.clientSecret, emulator.credentials.privateKey]);
      expect(JSON.parse(texts[2] ?? "null")).toEqual({ tokenUrl: `${emulator.origin}/api/oauth/token`, clientId: account.clientId });
      expect(JSON.parse(texts[5] ?? "null")).toEqual({ username: emulator.credentials.publicKey });
    } finally {
      await transport.close();
    }
  });
});
