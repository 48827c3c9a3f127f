import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { inspect } from "node:util";
import { startEmulator, type RunningEmulator } from "../../emulator";
import { CloudManagerClient, type ClientLogEvent, type CloudManagerClientOptions } from "../../sdk";
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
  await collect({ baseUrl: proxy.baseUrl, publicKey: fencedKey.publicKey, privateKey: fencedKey.privateKey }, (c) => c.listInvitations(org));
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
