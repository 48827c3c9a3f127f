import { describe, expect, it } from "vitest";
import type { ClientLogEvent } from "../../sdk";
import { RetryingTransport } from "../../sdk/transport/retrying-transport";
import { DEFAULT_RETRY } from "../../sdk/transport/retry-policy";
import type { WireRequest, WireResponse } from "../../sdk/wire";
import { fakeClock } from "./support/fake-clock";

// The retrying layer on its own, with scripted answers and an injected clock: waits take no real time.

const ORG = "5e2211c17a3e5a48f5497de3";

function answer(status: number, headers: Record<string, string> = {}): WireResponse {
  return { status, headers, body: Buffer.alloc(0), authenticated: true };
}

function request(): WireRequest {
  return { method: "GET", url: new URL(`https://cloud.example/api/public/v1.0/orgs/${ORG}/invites`), headers: {}, orgId: ORG };
}

/** A `next` layer that answers with `answers` in order and counts the calls. */
function scripted(...answers: WireResponse[]): { send: (req: WireRequest) => Promise<WireResponse>; calls: () => number } {
  let calls = 0;
  return {
    send: async () => {
      const next = answers[calls++];
      if (next === undefined) throw new Error("no more scripted answers");
      return Promise.resolve(next);
    },
    calls: () => calls,
  };
}

describe("RetryingTransport with an injected clock", () => {
  it("waits Retry-After on the injected clock, not in real time, and reports the wait with the call's organization", async () => {
    const clock = fakeClock();
    const logs: ClientLogEvent[] = [];
    const next = scripted(answer(429, { "retry-after": "60" }), answer(200));
    const transport = new RetryingTransport(next.send, DEFAULT_RETRY, (e) => logs.push(e), new AbortController().signal, clock);
    const response = await transport.send(request());
    expect(response).toMatchObject({ status: 200, attempts: 2 });
    // The minute passed on the injected clock only (a real one would outlast the test's timeout).
    expect(clock.waits).toEqual([60_000]);
    expect(logs).toEqual([
      {
        level: "warn",
        message: `Cloud Manager rate limited (429) on GET /api/public/v1.0/orgs/${ORG}/invites: waiting 60.0 s before retry 1 of 6`,
        waitMs: 60_000,
        method: "GET",
        path: `/api/public/v1.0/orgs/${ORG}/invites`,
        orgId: ORG,
      },
    ]);
  });

  it("maxElapsedMs is measured on the injected clock: a wait that would end past it is not started", async () => {
    const clock = fakeClock();
    const next = scripted(answer(503, { "retry-after": "60" }), answer(503, { "retry-after": "60" }), answer(200));
    const settings = { ...DEFAULT_RETRY, maxElapsedMs: 100_000 };
    const transport = new RetryingTransport(next.send, settings, () => {}, new AbortController().signal, clock);
    // 60 s, then another 60 s would end at 120 s > 100 s: the second 503 is the answer.
    expect(await transport.send(request())).toMatchObject({ status: 503, attempts: 2 });
    expect(clock.waits).toEqual([60_000]);
    expect(next.calls()).toBe(2);
  });

  it("the back-off jitter comes from the injected random", async () => {
    const clock = fakeClock();
    const next = scripted(answer(503), answer(503), answer(200));
    const settings = { ...DEFAULT_RETRY, baseDelayMs: 1_000, maxDelayMs: 30_000 };
    const transport = new RetryingTransport(next.send, settings, () => {}, new AbortController().signal, { ...clock, random: () => 0.5 });
    await transport.send(request());
    // Full jitter: half of 1 s, then half of 2 s.
    expect(clock.waits).toEqual([500, 1_000]);
  });

  it("a wait that the closed signal aborts ends the call with CLOUD_MANAGER_CLIENT_CLOSED", async () => {
    const closing = new AbortController();
    const next = scripted(answer(503));
    const transport = new RetryingTransport(next.send, DEFAULT_RETRY, () => {}, closing.signal, {
      now: () => 0,
      sleep: (_ms, signal) =>
        new Promise<void>((_resolve, reject) => {
          signal.addEventListener("abort", () => reject(new Error("aborted")), { once: true });
          closing.abort();
        }),
    });
    await expect(transport.send(request())).rejects.toMatchObject({
      code: "CLOUD_MANAGER_CLIENT_CLOSED",
      path: `/api/public/v1.0/orgs/${ORG}/invites`,
    });
  });
});
