import { afterEach, describe, expect, it } from "vitest";
import { startEmulator, type RunningEmulator } from "../../emulator";
import type { RequestLogEntry } from "../../emulator/types";
import { CloudManagerClient, type CloudManagerError } from "../../sdk";

// Digest against the emulator: an independent server-side implementation that checks every
// signature, can refuse a reused nc, and can make nonces stale on demand.

let emulator: RunningEmulator | undefined;
let client: CloudManagerClient | undefined;

afterEach(async () => {
  await client?.close();
  await emulator?.close();
  client = undefined;
  emulator = undefined;
});

async function setUp(
  options: Parameters<typeof startEmulator>[0] = {},
): Promise<{ emulator: RunningEmulator; client: CloudManagerClient }> {
  emulator = await startEmulator(options);
  client = new CloudManagerClient({
    baseUrl: emulator.baseUrl,
    publicKey: emulator.credentials.publicKey,
    privateKey: emulator.credentials.privateKey,
  });
  return { emulator, client };
}

function digestNcs(entries: RequestLogEntry[]): string[] {
  return entries.flatMap((entry) => (entry.auth.type === "digest" ? [entry.auth.nc] : []));
}

describe("Digest against the emulator", () => {
  it("counts nc in hex past 00000009 and every call is one round trip once warm", async () => {
    const { emulator, client } = await setUp();
    for (let i = 0; i < 12; i++) await client.getOrganization(emulator.org.id);
    const log = emulator.state.requests();
    expect(log.map((entry) => entry.status)).toEqual([401, ...Array<number>(12).fill(200)]);
    expect(log[0]?.auth).toEqual({ type: "none" });
    expect(digestNcs(log)).toEqual([
      "00000001",
      "00000002",
      "00000003",
      "00000004",
      "00000005",
      "00000006",
      "00000007",
      "00000008",
      "00000009",
      "0000000a",
      "0000000b",
      "0000000c",
    ]);
  });

  it("restarts nc at 00000001 on a new nonce, after exactly one extra round trip", async () => {
    const { emulator, client } = await setUp();
    for (let i = 0; i < 3; i++) await client.getOrganization(emulator.org.id);
    emulator.state.clearRequests();
    expect(emulator.state.expireNonces()).toBeGreaterThan(0);

    await client.getOrganization(emulator.org.id);
    await client.getOrganization(emulator.org.id);

    const log = emulator.state.requests();
    // stale nonce (nc 4) → 401 stale=true → re-signed with the new nonce (nc 1) → next call nc 2.
    expect(log.map((entry) => entry.status)).toEqual([401, 200, 200]);
    expect(digestNcs(log)).toEqual(["00000004", "00000001", "00000002"]);
  });

  it("a server whose nonces are always stale (nonceLifetimeSeconds: 0) costs one re-sign, then a clean error", async () => {
    const { emulator, client } = await setUp({ nonceLifetimeSeconds: 0 });
    const error = (await client.getOrganization(emulator.org.id).catch((e: unknown) => e)) as CloudManagerError;
    expect(error.status).toBe(401);
    expect(error.message).toContain("did not authenticate");
    expect(error.message).not.toContain("Organization Owner");
    // unsigned probe, signed (stale), re-signed once (stale again): no loop.
    expect(emulator.state.requests().map((entry) => entry.status)).toEqual([401, 401, 401]);
  });

  it("50 concurrent calls never repeat an nc (the emulator refuses reuse) and cost about one request each", async () => {
    const { emulator, client } = await setUp({ rejectReusedNonceCount: true });
    await client.getOrganization(emulator.org.id); // warm: one challenge cached
    emulator.state.clearRequests();

    const results = await Promise.all(Array.from({ length: 50 }, () => client.getOrganization(emulator.org.id)));
    expect(results).toHaveLength(50);

    const log = emulator.state.requests();
    expect(log.every((entry) => entry.status === 200)).toBe(true);
    expect(log).toHaveLength(50);
    const ncs = digestNcs(log);
    expect(new Set(ncs).size).toBe(50);
  });

  it("50 concurrent calls on a cold client share one challenge", async () => {
    const { emulator, client } = await setUp({ rejectReusedNonceCount: true });
    await Promise.all(Array.from({ length: 50 }, () => client.getOrganization(emulator.org.id)));
    const log = emulator.state.requests();
    expect(log.filter((entry) => entry.status === 401)).toHaveLength(1);
    expect(log.filter((entry) => entry.status === 200)).toHaveLength(50);
    expect(new Set(digestNcs(log)).size).toBe(50);
  });

  it("a wrong private key gives one clean 401 error without a loop", async () => {
    const { emulator } = await setUp();
    const wrong = new CloudManagerClient({
      baseUrl: emulator.baseUrl,
      publicKey: emulator.credentials.publicKey,
      privateKey: "wrong-private-key-0000",
    });
    const error = (await wrong.getOrganization(emulator.org.id).catch((e: unknown) => e)) as CloudManagerError;
    await wrong.close();
    expect(error.status).toBe(401);
    expect(error.message).toContain(emulator.credentials.publicKey);
    expect(error.message).not.toContain("wrong-private-key-0000");
    expect(error.message).not.toContain(emulator.credentials.privateKey);
    // unsigned probe + one signed attempt, both answered 401; nothing more.
    const log = emulator.state.requests();
    expect(log.map((entry) => entry.status)).toEqual([401, 401]);
  });

  it("an unknown public key gets the same clean error", async () => {
    const { emulator } = await setUp();
    const unknown = new CloudManagerClient({ baseUrl: emulator.baseUrl, publicKey: "nosuchkey", privateKey: "whatever-secret" });
    const error = (await unknown.listInvitations(emulator.org.id).catch((e: unknown) => e)) as CloudManagerError;
    await unknown.close();
    expect(error.status).toBe(401);
    expect(error.message).toContain('public key "nosuchkey"');
    expect(emulator.state.requests()).toHaveLength(2);
  });

  it("a key without Organization Owner gets a 401 that names the role and the org", async () => {
    const { emulator } = await setUp();
    const member = emulator.state.addApiKey({ orgRoles: [{ orgId: emulator.org.id, roles: ["ORG_MEMBER"] }] });
    const limited = new CloudManagerClient({ baseUrl: emulator.baseUrl, publicKey: member.publicKey, privateKey: member.privateKey });
    const error = (await limited
      .createInvitation(emulator.org.id, { username: "new.user@example.com", roles: ["ORG_MEMBER"] })
      .catch((e: unknown) => e)) as CloudManagerError;
    await limited.close();
    expect(error.errorCode).toBe("USER_UNAUTHORIZED");
    expect(error.message).toContain("Organization Owner");
    expect(error.message).toContain(emulator.org.id);
    expect(error.message).toContain(member.publicKey);
    expect(error.message).not.toContain(member.privateKey);
    expect(emulator.state.pendingInvitations(emulator.org.id)).toHaveLength(0);
  });
});
