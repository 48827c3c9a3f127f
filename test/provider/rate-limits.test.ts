// A stack of hundreds of invitations, created concurrently as the engine does, against an emulator
// enforcing both Cloud Manager limits with short windows: everything succeeds, nothing is sent twice,
// no rate-limit error reaches the user, and the user is told why calls wait.
// Clock-free: only `Date` is faked (the emulator's windows), and the client's retries and the org
// limiter's pauses sleep on a virtual clock that moves `Date` forward instead of waiting, so windows
// pass in no real time. Requests still travel over real sockets.
import { afterAll, beforeAll, describe, expect, it, vi } from "vitest";
import type { ClientClock } from "../../sdk/types";
import { until } from "../support/until";
import { checkAndCreate, runtime, startHarness, type Harness } from "./support/harness";

/** Sleeping moves the (faked) `Date` to the sleeper's deadline; concurrent sleepers share the jump. */
const virtualClock: Required<ClientClock> = {
  now: () => Date.now(),
  sleep: async (ms, signal) => {
    signal.throwIfAborted();
    const deadline = Date.now() + ms;
    await new Promise((resolve) => setImmediate(resolve));
    if (Date.now() < deadline) vi.setSystemTime(deadline);
  },
};

const COUNT = 200;

// Both limits must really be hit (the test is about surviving them), whatever the machine's speed.
// So a window is made to last until its limit has refused a call: first the invitation window
// (the request limit runs with 1 s windows meanwhile), then, if no 429 came yet, the request
// window (counted afresh). One at a time, because a refused call does not count against the
// other limit, so two endless windows could block each other. After that, 1 s windows keep the
// run in seconds; later hits are welcome but not needed. Retry-After 1 keeps retries frequent.
const ENDLESS = 600_000;
const SHORT = { requestsPerWindow: 22, requestWindowMs: 1000, invitationsPerWindow: 20, invitationWindowMs: 1000, retryAfterSeconds: 1 };

describe("OrgInvitation_RateLimits", () => {
  let h: Harness;
  beforeAll(async () => {
    // The request limit sits just above the invitation limit, so that the calls refused for too
    // many invitations (they count as requests) push the org over the request limit too.
    vi.useFakeTimers({ toFake: ["Date"] });
    h = await startHarness({ rateLimits: { ...SHORT, invitationWindowMs: ENDLESS } });
    await runtime.setClock(virtualClock);
    await h.configure();
  });
  afterAll(async () => {
    await runtime.setClock(undefined);
    await h.close();
    vi.useRealTimers();
  });

  it(`creates ${COUNT} invitations at once under both rate limits`, async () => {
    const people = Array.from({ length: COUNT }, (_, i) => `person${String(i).padStart(3, "0")}@example.com`);
    const running = Promise.allSettled(people.map((username) => checkAndCreate({ orgId: h.orgId, username, roles: ["ORG_MEMBER"] })));
    const refusedInvitation = () => h.requests().some((r) => r.status === 400 && r.method === "POST");
    const refusedRequest = () => h.requests().some((r) => r.status === 429);
    await until(refusedInvitation, { timeoutMs: 60_000, what: "an invitation POST refused by the invitation limit (400)" });
    if (!refusedRequest()) {
      h.emulator.state.setRateLimits({ ...SHORT, requestWindowMs: ENDLESS });
      await until(refusedRequest, { timeoutMs: 60_000, what: "a request refused by the request limit (429)" });
    }
    h.emulator.state.setRateLimits(SHORT);
    const settled = await running;

    const failures = settled.flatMap((s) => (s.status === "rejected" ? [String(s.reason)] : []));
    expect(failures).toEqual([]);
    const pending = h.emulator.state.pendingInvitations(h.orgId);
    expect(pending).toHaveLength(COUNT);
    expect(new Set(pending.map((i) => i.username)).size).toBe(COUNT);
    expect(new Set(settled.map((s) => (s.status === "fulfilled" ? s.value.id : "")))).toHaveProperty("size", COUNT);

    const log = h.requests();
    expect(log.filter((r) => r.method === "POST" && r.status === 201)).toHaveLength(COUNT);
    expect(log.filter((r) => r.method === "DELETE")).toEqual([]);
    // Both limits were really hit: the test is about surviving them, not avoiding them by luck.
    expect(log.some((r) => r.status === 429)).toBe(true);
    expect(log.some((r) => r.status === 400 && r.method === "POST")).toBe(true);
    // Shared, fresh lists: far fewer list calls than resources.
    expect(log.filter((r) => r.method === "GET" && r.status === 200).length).toBeLessThan(COUNT / 4);

    // The user was told that calls wait, and why.
    expect(h.notices.some((n) => /call\(s\) waited up to \d+\.\d s before being sent/.test(n))).toBe(true);
    expect(h.notices.some((n) => /rate limit|RATE_LIMITED/i.test(n))).toBe(true);
    expect(h.notices.join("\n")).not.toContain(h.emulator.credentials.privateKey);
  }, 180_000);
});
