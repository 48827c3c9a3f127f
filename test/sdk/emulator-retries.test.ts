import { afterEach, describe, expect, it } from "vitest";
import { startEmulator, type RunningEmulator } from "../../emulator";
import { CloudManagerClient, type ClientLogEvent, type CloudManagerClientOptions, type CloudManagerError } from "../../sdk";
import { until } from "../support/until";
import { fakeClock, type FakeClock } from "./support/fake-clock";
import { startForwardingProxy, type ForwardingProxy } from "./support/forwarding-proxy";

// Every retry path, driven by the emulator's fault injection (and, for "the server acted but the
// answer was lost", by a real proxy hop that drops the connection after the emulator answered).
// The clients wait on a fake clock: a Retry-After of seconds or a minute costs no real time.

const FAST = { baseDelayMs: 1, maxDelayMs: 5 };
const INVITES = "/invites$";

let emulator: RunningEmulator | undefined;
let proxy: ForwardingProxy | undefined;
const clients: CloudManagerClient[] = [];

afterEach(async () => {
  await Promise.all(clients.splice(0).map((c) => c.close()));
  await proxy?.close();
  await emulator?.close();
  proxy = undefined;
  emulator = undefined;
});

async function setUp(
  overrides: Partial<CloudManagerClientOptions> = {},
): Promise<{ emulator: RunningEmulator; client: CloudManagerClient; logs: ClientLogEvent[]; clock: FakeClock }> {
  emulator = await startEmulator();
  const logs: ClientLogEvent[] = [];
  const clock = fakeClock();
  const client = new CloudManagerClient({
    baseUrl: emulator.baseUrl,
    publicKey: emulator.credentials.publicKey,
    privateKey: emulator.credentials.privateKey,
    retry: FAST,
    onLog: (event) => logs.push(event),
    clock,
    ...overrides,
  });
  clients.push(client);
  // Warm the Digest challenge so the request log below shows only the calls under test.
  await client.getOrganization(emulator.org.id);
  emulator.state.clearRequests();
  return { emulator, client, logs, clock };
}

function statuses(emulator: RunningEmulator): number[] {
  return emulator.state.requests().map((entry) => entry.status);
}

describe("retries against the emulator's faults", () => {
  it("429 with Retry-After: waits and succeeds", async () => {
    const { emulator, client } = await setUp();
    emulator.state.addFault({ method: "GET", path: INVITES, count: 2, fault: { type: "status", status: 429, retryAfter: 0 } });
    await expect(client.listInvitations(emulator.org.id)).resolves.toEqual([]);
    expect(statuses(emulator)).toEqual([429, 429, 200]);
  });

  it("503 on GET: retried", async () => {
    const { emulator, client } = await setUp();
    emulator.state.addFault({ method: "GET", path: INVITES, count: 3, fault: { type: "status", status: 503 } });
    await expect(client.listInvitations(emulator.org.id)).resolves.toEqual([]);
    expect(statuses(emulator)).toEqual([503, 503, 503, 200]);
  });

  it("a dropped connection on GET: retried", async () => {
    const { emulator, client } = await setUp();
    emulator.state.addFault({ method: "GET", path: INVITES, count: 1, fault: { type: "drop" } });
    await expect(client.listInvitations(emulator.org.id)).resolves.toEqual([]);
    expect(statuses(emulator)).toEqual([0, 200]);
  });

  it("the 400 invitation rate limit (INVITATIONS_RATE_LIMITED_IP) on POST: re-sent, one invitation", async () => {
    const { emulator, client } = await setUp();
    emulator.state.addFault({
      method: "POST",
      path: INVITES,
      count: 2,
      fault: { type: "status", status: 400, errorCode: "INVITATIONS_RATE_LIMITED_IP", retryAfter: 0 },
    });
    const invitation = await client.createInvitation(emulator.org.id, { username: "rl@example.com", roles: ["ORG_MEMBER"] });
    expect(statuses(emulator)).toEqual([400, 400, 201]);
    expect(emulator.state.pendingInvitations(emulator.org.id).map((i) => i.id)).toEqual([invitation.id]);
  });

  it("the emulator's own invitation rate limit is ridden out the same way", async () => {
    const { emulator, client, clock } = await setUp();
    // A window of a minute, so the second invitation certainly lands in it; its Retry-After is then the
    // seconds left in the window, rounded up (about 60). The client waits that long on its clock, and
    // the emulator, which keeps real time, learns that the window has passed by starting fresh windows.
    const limits = { invitationsPerWindow: 1, invitationWindowMs: 60_000 };
    emulator.state.setRateLimits(limits);
    clock.afterWait = () => emulator.state.setRateLimits(limits);
    await client.createInvitation(emulator.org.id, { username: "a@example.com", roles: ["ORG_MEMBER"] });
    await client.createInvitation(emulator.org.id, { username: "b@example.com", roles: ["ORG_MEMBER"] });
    expect(emulator.state.pendingInvitations(emulator.org.id)).toHaveLength(2);
    expect(statuses(emulator)).toEqual([201, 400, 201]);
    // One wait, as long as the emulator's Retry-After asked (not the few ms of back-off).
    expect(clock.waits).toHaveLength(1);
    expect(clock.waits[0]).toBeGreaterThan(50_000);
  });

  it("429 on POST: re-sent directly (the server did not act)", async () => {
    const { emulator, client } = await setUp();
    emulator.state.addFault({ method: "POST", path: INVITES, count: 1, fault: { type: "status", status: 429, retryAfter: 0 } });
    await client.createInvitation(emulator.org.id, { username: "p429@example.com", roles: ["ORG_MEMBER"] });
    expect(emulator.state.requests().map((e) => `${e.method} ${e.status}`)).toEqual(["POST 429", "POST 201"]);
  });

  it("503 on POST: checks the pending invitations before re-sending, then creates exactly one", async () => {
    const { emulator, client } = await setUp();
    emulator.state.addFault({ method: "POST", path: INVITES, count: 1, fault: { type: "status", status: 503 } });
    await client.createInvitation(emulator.org.id, { username: "p503@example.com", roles: ["ORG_MEMBER"] });
    const log = emulator.state.requests();
    expect(log.map((e) => `${e.method} ${e.status}`)).toEqual(["POST 503", "GET 200", "POST 201"]);
    expect(log[1]?.query).toBe("username=p503%40example.com");
    expect(emulator.state.invitations(emulator.org.id)).toHaveLength(1);
  });

  it("a connection dropped AFTER the server created the invitation does not create a second one", async () => {
    const { emulator } = await setUp();
    proxy = await startForwardingProxy(emulator.origin);
    const logs: ClientLogEvent[] = [];
    const viaProxy = new CloudManagerClient({
      baseUrl: proxy.baseUrl,
      publicKey: emulator.credentials.publicKey,
      privateKey: emulator.credentials.privateKey,
      retry: FAST,
      onLog: (event) => logs.push(event),
      clock: fakeClock(),
    });
    clients.push(viaProxy);
    await viaProxy.getOrganization(emulator.org.id);
    emulator.state.clearRequests();
    proxy.dropAfterResponse("POST", /\/invites$/, 1);

    const invitation = await viaProxy.createInvitation(emulator.org.id, {
      username: "dropped@example.com",
      roles: ["ORG_MEMBER", "ORG_GROUP_CREATOR"],
    });

    const stored = emulator.state.invitations(emulator.org.id);
    expect(stored).toHaveLength(1);
    expect(stored[0]?.id).toBe(invitation.id);
    expect(invitation.roles.sort()).toEqual(["ORG_GROUP_CREATOR", "ORG_MEMBER"]);
    // The POST reached the server once (201), then the client looked instead of re-sending.
    expect(emulator.state.requests().map((e) => `${e.method} ${e.status}`)).toEqual(["POST 201", "GET 200"]);
    const adopted = logs.find((event) => event.level === "info" && event.message.includes(invitation.id));
    expect(adopted).toMatchObject({ method: "POST", path: `/api/public/v1.0/orgs/${emulator.org.id}/invites`, orgId: emulator.org.id });
  });

  it("a dropped POST that never reached the handler is re-sent after the check: one invitation", async () => {
    const { emulator, client } = await setUp();
    emulator.state.addFault({ method: "POST", path: INVITES, count: 1, fault: { type: "drop" } });
    await client.createInvitation(emulator.org.id, { username: "drop2@example.com", roles: ["ORG_MEMBER"] });
    expect(emulator.state.requests().map((e) => `${e.method} ${e.status}`)).toEqual(["POST 0", "GET 200", "POST 201"]);
    expect(emulator.state.invitations(emulator.org.id)).toHaveLength(1);
  });

  it("timed-out attempts (delay fault) are retried with fresh attempts", async () => {
    // The first two attempts are held 10 s against a 500 ms deadline, so they time out however loaded
    // the machine is; later attempts are answered at once, and the spare retries (6 by default) absorb
    // one that a loaded machine answers late.
    const { emulator, client } = await setUp({ requestTimeoutMs: 500 });
    emulator.state.addFault({ method: "GET", path: INVITES, count: 2, fault: { type: "delay", ms: 10_000 } });
    await expect(client.listInvitations(emulator.org.id)).resolves.toEqual([]);
    // A timed-out attempt is logged (status 0) when the server sees its connection close.
    const gets = (): number[] => emulator.state.requests().flatMap((e) => (e.method === "GET" ? [e.status] : []));
    await until(() => gets()[0] === 0 && gets()[1] === 0 && gets().at(-1) === 200, {
      timeoutMs: 10_000,
      what: "the two timed-out GETs logged with status 0 and the last GET with 200",
    });
    expect(gets().slice(0, 2)).toEqual([0, 0]);
    expect(gets().at(-1)).toBe(200);
  });

  it("PATCH (absolute roles) is retried after a 503", async () => {
    const { emulator, client } = await setUp();
    const created = await client.createInvitation(emulator.org.id, { username: "patch@example.com", roles: ["ORG_MEMBER"] });
    emulator.state.clearRequests();
    emulator.state.addFault({ method: "PATCH", count: 1, fault: { type: "status", status: 503 } });
    const updated = await client.updateInvitationRoles(emulator.org.id, created.id, ["ORG_READ_ONLY"]);
    expect(updated.roles).toEqual(["ORG_READ_ONLY"]);
    expect(statuses(emulator)).toEqual([503, 200]);
  });

  it("DELETE whose first answer was lost: the retry's 404 surfaces as RESOURCE_NOT_FOUND for the caller to judge", async () => {
    const { emulator } = await setUp();
    proxy = await startForwardingProxy(emulator.origin);
    const viaProxy = new CloudManagerClient({
      baseUrl: proxy.baseUrl,
      publicKey: emulator.credentials.publicKey,
      privateKey: emulator.credentials.privateKey,
      retry: FAST,
      clock: fakeClock(),
    });
    clients.push(viaProxy);
    const created = await viaProxy.createInvitation(emulator.org.id, { username: "del@example.com", roles: ["ORG_MEMBER"] });
    proxy.dropAfterResponse("DELETE", /\/invites\//, 1);
    const error = (await viaProxy.deleteInvitation(emulator.org.id, created.id).catch((e: unknown) => e)) as CloudManagerError;
    expect(error.status).toBe(404);
    expect(error.errorCode).toBe("RESOURCE_NOT_FOUND");
    expect(error.attempts).toBe(2);
    expect(error.message).toContain(created.id);
    expect(emulator.state.pendingInvitations(emulator.org.id)).toHaveLength(0);
  });

  it("gives up after maxRetries with an error that says so", async () => {
    const { emulator, client } = await setUp({ retry: { ...FAST, maxRetries: 2 } });
    emulator.state.addFault({ method: "GET", path: INVITES, fault: { type: "status", status: 429 } });
    const error = (await client.listInvitations(emulator.org.id).catch((e: unknown) => e)) as CloudManagerError;
    expect(error.status).toBe(429);
    expect(error.errorCode).toBe("RATE_LIMITED");
    expect(error.attempts).toBe(3);
    expect(error.message).toContain("gave up after 3 attempts");
    expect(statuses(emulator)).toEqual([429, 429, 429]);
  });

  it("gives up when the server asks to wait past maxElapsedMs", async () => {
    const { emulator, client } = await setUp({ retry: { ...FAST, maxElapsedMs: 1_000 } });
    emulator.state.addFault({ method: "GET", path: INVITES, fault: { type: "status", status: 503, retryAfter: 30 } });
    const error = (await client.listInvitations(emulator.org.id).catch((e: unknown) => e)) as CloudManagerError;
    expect(error.status).toBe(503);
    expect(statuses(emulator)).toEqual([503]);
  });

  it("does not retry other 4xx", async () => {
    const { emulator, client } = await setUp();
    await expect(client.createInvitation(emulator.org.id, { username: "not-an-email", roles: ["ORG_MEMBER"] })).rejects.toMatchObject({
      status: 400,
      errorCode: "INVALID_EMAIL_ADDRESS",
    });
    expect(statuses(emulator)).toEqual([400]);
  });

  it("reports a wait longer than 1 s through onLog at level warn, with method, path and reason", async () => {
    const { emulator, client, logs, clock } = await setUp();
    emulator.state.addFault({ method: "GET", path: INVITES, count: 1, fault: { type: "status", status: 429, retryAfter: 2 } });
    await client.listInvitations(emulator.org.id);
    const warnings = logs.filter((event) => event.level === "warn");
    expect(warnings).toHaveLength(1);
    const warning = warnings[0] as ClientLogEvent;
    expect(warning.waitMs).toBeGreaterThanOrEqual(2_000);
    expect(clock.waits).toEqual([warning.waitMs]);
    expect(warning.method).toBe("GET");
    expect(warning.path).toBe(`/api/public/v1.0/orgs/${emulator.org.id}/invites`);
    // The organization of the call, so a caller can hold back that organization's calls without parsing paths.
    expect(warning.orgId).toBe(emulator.org.id);
    expect(warning.message).toContain("rate limited");
    expect(warning.message).toContain("429");
  });

  it("short waits are debug only", async () => {
    const { emulator, client, logs } = await setUp();
    emulator.state.addFault({ method: "GET", path: INVITES, count: 1, fault: { type: "status", status: 503 } });
    await client.listInvitations(emulator.org.id);
    expect(logs.filter((event) => event.level === "warn")).toHaveLength(0);
    expect(logs.filter((event) => event.level === "debug" && event.waitMs !== undefined)).toHaveLength(1);
  });
});
