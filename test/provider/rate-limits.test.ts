// A stack of hundreds of invitations, created concurrently as the engine does, against an emulator
// enforcing both Cloud Manager limits with short windows: everything succeeds, nothing is sent twice,
// no rate-limit error reaches the user, and the user is told why calls wait.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { checkAndCreate, startHarness, type Harness } from "./support/harness";

const COUNT = 200;

describe("OrgInvitation_RateLimits", () => {
  let h: Harness;
  beforeAll(async () => {
    h = await startHarness({
      // The request limit sits just above the invitation limit, so that the calls refused for too
      // many invitations (they count as requests) push the org over the request limit too.
      rateLimits: { requestsPerWindow: 22, requestWindowMs: 1000, invitationsPerWindow: 20, invitationWindowMs: 1000, retryAfterSeconds: 1 },
    });
  });
  afterAll(() => h.close());

  it(`creates ${COUNT} invitations at once under both rate limits`, async () => {
    const people = Array.from({ length: COUNT }, (_, i) => `person${String(i).padStart(3, "0")}@example.com`);
    const settled = await Promise.allSettled(people.map((username) => checkAndCreate({ orgId: h.orgId, username, roles: ["ORG_MEMBER"] })));

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
