// The per-organization gate on its own (no network).
import { afterEach, describe, expect, it, vi } from "vitest";
import { OrgLimiter } from "../../provider/runtime/org-limiter";

function deferred<T>() {
  let resolve!: (value: T) => void;
  let reject!: (error: unknown) => void;
  const promise = new Promise<T>((res, rej) => {
    resolve = res;
    reject = rej;
  });
  return { promise, resolve, reject };
}

const ticks = () => new Promise((resolve) => setImmediate(resolve));

afterEach(() => {
  vi.useRealTimers();
});

describe("OrgLimiter", () => {
  it("lets 8 calls per organization run at once by default: the CLI's own parallelism on a 2-CPU runner", () => {
    expect(new OrgLimiter({ report: () => {} }).concurrency).toBe(8);
    expect(new OrgLimiter({ concurrency: 0.5, report: () => {} }).concurrency).toBe(1);
  });

  it("runs at most `concurrency` calls per organization at once, and organizations independently", async () => {
    const limiter = new OrgLimiter({ concurrency: 3, report: () => {} });
    const inFlight = new Map<string, number>();
    const peak = new Map<string, number>();
    const call = (org: string) =>
      limiter.run(org, async () => {
        inFlight.set(org, (inFlight.get(org) ?? 0) + 1);
        peak.set(org, Math.max(peak.get(org) ?? 0, inFlight.get(org) ?? 0));
        await ticks();
        inFlight.set(org, (inFlight.get(org) ?? 0) - 1);
      });
    await Promise.all([...Array.from({ length: 20 }, () => call("a")), ...Array.from({ length: 20 }, () => call("b"))]);
    expect(peak.get("a")).toBe(3);
    expect(peak.get("b")).toBe(3);
  });

  it("passes results and errors through, and frees the slot after an error", async () => {
    const limiter = new OrgLimiter({ concurrency: 1, report: () => {} });
    await expect(limiter.run("a", async () => Promise.reject(new Error("boom")))).rejects.toThrow("boom");
    await expect(limiter.run("a", async () => 42)).resolves.toBe(42);
  });

  it("holds back new calls of a paused organization until the pause is over, but not other organizations", async () => {
    // A fake clock: the pause ends when the test moves time on, not when the machine gets to it.
    vi.useFakeTimers({ toFake: ["setTimeout", "clearTimeout", "Date"] });
    const limiter = new OrgLimiter({ concurrency: 4, report: () => {}, now: () => Date.now() });
    limiter.pause("a", 50, "429 RATE_LIMITED");
    let startedA = false;
    let startedB = false;
    const a = limiter.run("a", async () => {
      startedA = true;
    });
    const b = limiter.run("b", async () => {
      startedB = true;
    });
    await ticks();
    expect(startedB).toBe(true);
    expect(startedA).toBe(false);
    expect(limiter.queued("a")).toBe(1);
    await vi.advanceTimersByTimeAsync(49);
    expect(startedA).toBe(false);
    await vi.advanceTimersByTimeAsync(1);
    expect(startedA).toBe(true);
    await Promise.all([a, b]);
  });

  it("extends a pause when a later backoff ends later, and never shortens it", async () => {
    vi.useFakeTimers({ toFake: ["setTimeout", "clearTimeout", "Date"] });
    const limiter = new OrgLimiter({ concurrency: 4, report: () => {}, now: () => Date.now() });
    limiter.pause("a", 100, "503 SERVICE_UNAVAILABLE");
    let started = false;
    const a = limiter.run("a", async () => {
      started = true;
    });
    await vi.advanceTimersByTimeAsync(30);
    limiter.pause("a", 200, "429 RATE_LIMITED"); // until t=230
    limiter.pause("a", 10, "429 RATE_LIMITED"); // until t=40: ignored
    await vi.advanceTimersByTimeAsync(199);
    expect(started).toBe(false);
    await vi.advanceTimersByTimeAsync(1);
    expect(started).toBe(true);
    await a;
  });

  it("tells the user how long calls waited and why, at most once per interval", async () => {
    let now = 0;
    const reports: string[] = [];
    const limiter = new OrgLimiter({ concurrency: 1, reportEveryMs: 5000, report: (m) => reports.push(m), now: () => now });
    const first = deferred<void>();
    const running = limiter.run("org1", () => first.promise);
    const waiting = [limiter.run("org1", async () => {}), limiter.run("org1", async () => {})];
    now = 2500; // the queued calls have now waited 2.5 s
    first.resolve();
    await Promise.all([running, ...waiting]);
    expect(reports).toHaveLength(1);
    expect(reports[0]).toMatch(
      /^organization org1: 1 call\(s\) waited up to 2\.5 s before being sent: at most 1 calls run at once per organization, to stay under Cloud Manager's rate limits; 1 still queued\.$/,
    );
  });

  it("says nothing when no call waited more than a second", async () => {
    const reports: string[] = [];
    const limiter = new OrgLimiter({ concurrency: 1, report: (m) => reports.push(m), now: () => 0 });
    await Promise.all(Array.from({ length: 5 }, () => limiter.run("a", async () => {})));
    expect(reports).toEqual([]);
  });
});
