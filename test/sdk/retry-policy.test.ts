import { describe, expect, it } from "vitest";
import {
  backoffMs,
  classify,
  decide,
  DEFAULT_RETRY,
  parseRetryAfter,
  retrySettings,
  type AttemptOutcome,
  type RetrySettings,
  type WireOutcome,
} from "../../sdk/transport/retry-policy";

const settings: RetrySettings = { maxRetries: 5, maxElapsedMs: 60_000, baseDelayMs: 100, maxDelayMs: 1_000 };

function status(code: number, errorCode?: string, retryAfter?: string): WireOutcome {
  return { kind: "response", status: code, errorCode, retryAfter };
}

function network(networkCode: string, notSent: boolean, retryable = true): WireOutcome {
  return { kind: "network", networkCode, notSent, retryable };
}

/** The request was not sent: its token request got `outcome`. */
function tokenFailed(outcome: WireOutcome): AttemptOutcome {
  return { kind: "prerequisite", what: "while getting an access token", outcome };
}

describe("retry policy: classification", () => {
  it("429 and the 400 invitation rate-limit codes are retried, and the server did not act", () => {
    for (const outcome of [status(429, "RATE_LIMITED"), status(400, "RATE_LIMITED_IP"), status(400, "INVITATIONS_RATE_LIMITED_IP")]) {
      expect(classify(outcome)).toMatchObject({ retryable: true, serverMayHaveActed: false });
    }
  });

  it("5xx are retried but the server may have acted; 501 and 505 are final", () => {
    for (const code of [500, 502, 503, 504, 520]) {
      expect(classify(status(code))).toMatchObject({ retryable: true, serverMayHaveActed: true });
    }
    expect(classify(status(501)).retryable).toBe(false);
    expect(classify(status(505)).retryable).toBe(false);
  });

  it("other 4xx are final, including other 400s", () => {
    for (const outcome of [status(400, "INVALID_ATTRIBUTE"), status(400), status(401), status(403), status(404), status(409)]) {
      expect(classify(outcome).retryable).toBe(false);
    }
  });

  it("connection errors: refused means not sent, a reset may have been processed, TLS is final", () => {
    expect(classify(network("ECONNREFUSED", true))).toMatchObject({ retryable: true, serverMayHaveActed: false });
    expect(classify(network("UND_ERR_SOCKET", false))).toMatchObject({ retryable: true, serverMayHaveActed: true });
    expect(classify(network("TIMEOUT", false))).toMatchObject({ retryable: true, serverMayHaveActed: true });
    expect(classify(network("SELF_SIGNED_CERT_IN_CHAIN", false, false)).retryable).toBe(false);
  });
});

describe("retry policy: backoff", () => {
  it("full jitter: between 0 and min(maxDelay, base * 2^n)", () => {
    expect(backoffMs(settings, 0, undefined, () => 0)).toBe(0);
    expect(backoffMs(settings, 0, undefined, () => 0.999999)).toBe(99);
    expect(backoffMs(settings, 1, undefined, () => 0.5)).toBe(100);
    expect(backoffMs(settings, 3, undefined, () => 0.5)).toBe(400);
    // capped at maxDelayMs
    expect(backoffMs(settings, 10, undefined, () => 0.5)).toBe(500);
    expect(backoffMs(settings, 60, undefined, () => 0.999999)).toBe(999);
  });

  it("Retry-After is a floor", () => {
    expect(backoffMs(settings, 0, 2_000, () => 0.5)).toBe(2_000);
    expect(backoffMs(settings, 10, 100, () => 0.9)).toBe(900);
  });

  it("parses Retry-After as seconds or an HTTP date", () => {
    const now = Date.parse("2026-01-01T00:00:00Z");
    expect(parseRetryAfter("2", now)).toBe(2_000);
    expect(parseRetryAfter(" 0 ", now)).toBe(0);
    expect(parseRetryAfter("Thu, 01 Jan 2026 00:00:30 GMT", now)).toBe(30_000);
    expect(parseRetryAfter("Wed, 31 Dec 2025 23:59:00 GMT", now)).toBe(0);
    expect(parseRetryAfter("soon", now)).toBeUndefined();
    expect(parseRetryAfter("-1", now)).toBeUndefined();
    expect(parseRetryAfter(undefined, now)).toBeUndefined();
  });
});

describe("retry policy: decisions", () => {
  const base = { retriesDone: 0, elapsedMs: 0, nowMs: 0, replayAllowedAfterAction: true };
  const half = (): number => 0.5;

  it("retries within the bounds, with the computed wait", () => {
    expect(decide(settings, status(503), base, half)).toEqual({
      retry: true,
      waitMs: 50,
      reason: "server error (503)",
      serverMayHaveActed: true,
    });
    expect(decide(settings, status(429, "RATE_LIMITED", "3"), base, half)).toMatchObject({ retry: true, waitMs: 3_000 });
  });

  it("stops after maxRetries", () => {
    expect(decide(settings, status(503), { ...base, retriesDone: 5 }, half)).toEqual({
      retry: false,
      reason: "server error (503)",
      exhausted: true,
    });
  });

  it("stops when the wait would end past maxElapsedMs", () => {
    expect(decide(settings, status(429, undefined, "61"), base, half)).toMatchObject({ retry: false, exhausted: true });
    expect(decide(settings, status(503), { ...base, elapsedMs: 59_990, retriesDone: 1 }, half)).toMatchObject({ retry: false });
    expect(decide(settings, status(503), { ...base, elapsedMs: 59_900, retriesDone: 1 }, half)).toMatchObject({ retry: true });
  });

  it("does not re-send a non-idempotent request the server may have acted on, unless it can reconcile", () => {
    const unsafe = { ...base, replayAllowedAfterAction: false };
    expect(decide(settings, status(503), unsafe, half)).toMatchObject({ retry: false, exhausted: false });
    expect(decide(settings, network("UND_ERR_SOCKET", false), unsafe, half)).toMatchObject({ retry: false });
    // …but where the server certainly did not act, it may.
    expect(decide(settings, status(429), unsafe, half)).toMatchObject({ retry: true, serverMayHaveActed: false });
    expect(decide(settings, status(400, "INVITATIONS_RATE_LIMITED_IP"), unsafe, half)).toMatchObject({ retry: true });
    expect(decide(settings, network("ECONNREFUSED", true), unsafe, half)).toMatchObject({ retry: true });
  });

  it("a failed token request is an attempt of the call: retried as the token answer says, and the call itself may be re-sent", () => {
    const unsafe = { ...base, replayAllowedAfterAction: false };
    // The API request never left, so even a POST without a reconcile hook is simply sent again.
    expect(decide(settings, tokenFailed(network("UND_ERR_SOCKET", false)), unsafe, half)).toEqual({
      retry: true,
      waitMs: 50,
      reason: "connection error UND_ERR_SOCKET while getting an access token",
      serverMayHaveActed: false,
    });
    expect(decide(settings, tokenFailed(status(503)), unsafe, half)).toMatchObject({ retry: true, serverMayHaveActed: false });
    // The token endpoint's Retry-After counts, and so do the call's bounds.
    expect(decide(settings, tokenFailed(status(429, undefined, "3")), base, half)).toMatchObject({ retry: true, waitMs: 3_000 });
    expect(decide(settings, tokenFailed(status(429, undefined, "61")), base, half)).toMatchObject({ retry: false, exhausted: true });
    expect(decide(settings, tokenFailed(status(503)), { ...base, retriesDone: 5 }, half)).toMatchObject({ retry: false, exhausted: true });
    // A wrong secret or an untrusted certificate is final.
    expect(decide(settings, tokenFailed(status(401, "invalid_client")), base, half)).toMatchObject({ retry: false, exhausted: false });
    expect(decide(settings, tokenFailed(network("SELF_SIGNED_CERT_IN_CHAIN", false, false)), base, half)).toMatchObject({ retry: false });
  });

  it("never retries a final answer", () => {
    expect(decide(settings, status(404, "RESOURCE_NOT_FOUND"), base, half)).toEqual({
      retry: false,
      reason: "404 RESOURCE_NOT_FOUND",
      exhausted: false,
    });
  });
});

describe("retry policy: settings", () => {
  it("applies defaults and overrides", () => {
    expect(retrySettings(undefined)).toEqual(DEFAULT_RETRY);
    expect(retrySettings({ maxRetries: 0 })).toEqual({ ...DEFAULT_RETRY, maxRetries: 0 });
  });

  it("rejects negative or non-finite values", () => {
    expect(() => retrySettings({ maxRetries: -1 })).toThrow(/maxRetries/);
    expect(() => retrySettings({ baseDelayMs: Number.NaN })).toThrow(/baseDelayMs/);
  });
});
