// Pure retry decisions: what to retry, how long to wait. No I/O here, so it is tested by arithmetic.

import { isRateLimitAnswer, parseApiErrorBody } from "../errors/api-error-body";
import type { NetworkFailure } from "../errors/failures";
import { headerValue, type WireResponse } from "../wire";

export interface RetryOptions {
  /** Re-sends after the first attempt. Default 6. */
  maxRetries?: number;
  /** No wait starts that would end later than this after the first attempt began, in ms. Default 120_000. */
  maxElapsedMs?: number;
  /** Backoff ceiling of the first retry, doubled per retry (full jitter), in ms. Default 500. */
  baseDelayMs?: number;
  /** Largest backoff ceiling, in ms. Default 30_000. */
  maxDelayMs?: number;
}

export interface RetrySettings {
  maxRetries: number;
  maxElapsedMs: number;
  baseDelayMs: number;
  maxDelayMs: number;
}

export const DEFAULT_RETRY: RetrySettings = {
  maxRetries: 6,
  maxElapsedMs: 120_000,
  baseDelayMs: 500,
  maxDelayMs: 30_000,
};

export function retrySettings(options: RetryOptions | undefined): RetrySettings {
  const settings = { ...DEFAULT_RETRY };
  for (const key of Object.keys(DEFAULT_RETRY) as (keyof RetrySettings)[]) {
    const value = options?.[key];
    if (value !== undefined) {
      if (!Number.isFinite(value) || value < 0) throw new RangeError(`retry.${key} must be a number >= 0, got ${value}`);
      settings[key] = value;
    }
  }
  return settings;
}

/** What one request on the wire produced, as far as retrying cares. */
export type WireOutcome =
  | { kind: "response"; status: number; errorCode: string | undefined; retryAfter: string | undefined }
  | { kind: "network"; networkCode: string; notSent: boolean; retryable: boolean };

/** The outcome of an answer: its status, Retry-After and (for a 400 only) the API errorCode. */
export function outcomeOfResponse(response: WireResponse): WireOutcome {
  return {
    kind: "response",
    status: response.status,
    // Only 400s need the body to decide (the invitation rate-limit codes).
    errorCode: response.status === 400 ? parseApiErrorBody(response.body)?.errorCode : undefined,
    retryAfter: headerValue(response, "retry-after"),
  };
}

/** The outcome of a request that got no usable answer. */
export function outcomeOfFailure(failure: NetworkFailure): WireOutcome {
  return { kind: "network", networkCode: failure.networkCode, notSent: failure.notSent, retryable: failure.retryable };
}

/**
 * What one attempt produced. "prerequisite": the request was never sent because a request it needs
 * first (the OAuth token request, named by `what`) got `outcome`.
 */
export type AttemptOutcome = WireOutcome | { kind: "prerequisite"; what: string; outcome: WireOutcome };

export interface Classification {
  retryable: boolean;
  /** False when the server certainly did not act on the request (it may be re-sent even if not idempotent). */
  serverMayHaveActed: boolean;
  /** For logs and errors, e.g. "429 RATE_LIMITED", "connection error ECONNREFUSED". */
  reason: string;
}

export function classify(outcome: AttemptOutcome): Classification {
  if (outcome.kind === "prerequisite") {
    // Retryable when the prerequisite is; the request itself never reached the server, so even a
    // request that is not idempotent may simply be sent again.
    const inner = classify(outcome.outcome);
    return { retryable: inner.retryable, serverMayHaveActed: false, reason: `${inner.reason} ${outcome.what}` };
  }
  if (outcome.kind === "network") {
    return {
      retryable: outcome.retryable,
      serverMayHaveActed: !outcome.notSent,
      reason: `connection error ${outcome.networkCode}`,
    };
  }
  const label = outcome.errorCode === undefined ? `${outcome.status}` : `${outcome.status} ${outcome.errorCode}`;
  // Rate limits are refused before any work is done.
  if (isRateLimitAnswer(outcome.status, outcome.errorCode)) {
    return { retryable: true, serverMayHaveActed: false, reason: `rate limited (${label})` };
  }
  // 501 and 505 say the server will never do it; every other 5xx may pass.
  if (outcome.status >= 500 && outcome.status !== 501 && outcome.status !== 505) {
    return { retryable: true, serverMayHaveActed: true, reason: `server error (${label})` };
  }
  return { retryable: false, serverMayHaveActed: true, reason: label };
}

/**
 * Full-jitter exponential backoff (a random wait between 0 and min(maxDelay, base * 2^retryIndex)),
 * raised to the server's Retry-After when it sent one. `retryIndex` counts from 0 for the first retry.
 */
export function backoffMs(settings: RetrySettings, retryIndex: number, retryAfterMs: number | undefined, random: () => number): number {
  const ceiling = Math.min(settings.maxDelayMs, settings.baseDelayMs * 2 ** retryIndex);
  const jittered = Math.floor(random() * ceiling);
  return retryAfterMs === undefined ? jittered : Math.max(retryAfterMs, jittered);
}

/** Retry-After as delay-seconds or an HTTP-date (RFC 9110 §10.2.3), in ms from `nowMs`; undefined if absent or unreadable. */
export function parseRetryAfter(value: string | undefined, nowMs: number): number | undefined {
  if (value === undefined) return undefined;
  const trimmed = value.trim();
  if (/^\d+$/.test(trimmed)) return Number(trimmed) * 1000;
  // Every HTTP-date form starts with a day name ("Sun, 06 Nov 1994 08:49:37 GMT").
  if (!/^[A-Za-z]{3}/.test(trimmed)) return undefined;
  const date = Date.parse(trimmed);
  if (Number.isNaN(date)) return undefined;
  return Math.max(0, date - nowMs);
}

export type RetryDecision =
  { retry: true; waitMs: number; reason: string; serverMayHaveActed: boolean } | { retry: false; reason: string; exhausted: boolean };

/**
 * Whether to send again. `retriesDone` re-sends happened so far; `elapsedMs` since the first attempt began.
 * `replayAllowedAfterAction`: the request is idempotent, or it can reconcile before re-sending.
 */
export function decide(
  settings: RetrySettings,
  outcome: AttemptOutcome,
  state: { retriesDone: number; elapsedMs: number; nowMs: number; replayAllowedAfterAction: boolean },
  random: () => number,
): RetryDecision {
  const { retryable, serverMayHaveActed, reason } = classify(outcome);
  if (!retryable) return { retry: false, reason, exhausted: false };
  if (serverMayHaveActed && !state.replayAllowedAfterAction) return { retry: false, reason, exhausted: false };
  if (state.retriesDone >= settings.maxRetries) return { retry: false, reason, exhausted: true };
  const answered = outcome.kind === "prerequisite" ? outcome.outcome : outcome;
  const retryAfterMs = answered.kind === "response" ? parseRetryAfter(answered.retryAfter, state.nowMs) : undefined;
  const waitMs = backoffMs(settings, state.retriesDone, retryAfterMs, random);
  if (state.elapsedMs + waitMs > settings.maxElapsedMs) return { retry: false, reason, exhausted: true };
  return { retry: true, waitMs, reason, serverMayHaveActed };
}
