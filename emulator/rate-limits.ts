// Fixed-window rate limits: requests per organization (429 RATE_LIMITED) and invitations per
// caller IP (400 INVITATIONS_RATE_LIMITED_IP, the status Atlas was seen to use). Off by default.
import { ApiError, invalidAttribute } from "./errors";
import type { RateLimitOptions } from "./types";

interface Window {
  start: number;
  count: number;
}

const DEFAULT_WINDOW_MS = 60_000;

export class RateLimiter {
  private limits: RateLimitOptions = {};
  private readonly requestWindows = new Map<string, Window>();
  private readonly invitationWindows = new Map<string, Window>();

  constructor(limits: RateLimitOptions = {}) {
    this.configure(limits);
  }

  /** Replaces the limits (`{}` turns them off) and starts fresh windows. */
  configure(limits: unknown): RateLimitOptions {
    this.limits = validateLimits(limits);
    this.requestWindows.clear();
    this.invitationWindows.clear();
    return this.current();
  }

  current(): RateLimitOptions {
    return { ...this.limits };
  }

  /** Counts one API request against the organization; throws 429 past the limit. */
  countRequest(orgId: string): void {
    const limit = this.limits.requestsPerWindow;
    if (limit === undefined) return;
    const windowMs = this.limits.requestWindowMs ?? DEFAULT_WINDOW_MS;
    const retryAfter = this.hit(this.requestWindows, orgId, limit, windowMs);
    if (retryAfter === undefined) return;
    const minutes = windowMs / 60_000;
    throw new ApiError(
      429,
      "RATE_LIMITED",
      `Resource ${orgId} is limited to ${limit} requests every ${minutes} minutes.`,
      [orgId, limit, minutes],
      { "Retry-After": String(retryAfter) },
    );
  }

  /** Counts one invitation sent from `ip`; throws 400 INVITATIONS_RATE_LIMITED_IP past the limit. */
  countInvitation(ip: string): void {
    const limit = this.limits.invitationsPerWindow;
    if (limit === undefined) return;
    const windowMs = this.limits.invitationWindowMs ?? DEFAULT_WINDOW_MS;
    const retryAfter = this.hit(this.invitationWindows, ip, limit, windowMs);
    if (retryAfter === undefined) return;
    const minutes = windowMs / 60_000;
    throw new ApiError(
      400,
      "INVITATIONS_RATE_LIMITED_IP",
      `Too many invitations sent from ${ip}: ${limit} invitations per ${minutes} minutes.`,
      [ip, limit, minutes],
      { "Retry-After": String(retryAfter) },
    );
  }

  /** Undefined when allowed; else the Retry-After seconds. */
  private hit(windows: Map<string, Window>, key: string, limit: number, windowMs: number): number | undefined {
    const now = Date.now();
    let window = windows.get(key);
    if (!window || now - window.start >= windowMs) {
      window = { start: now, count: 0 };
      windows.set(key, window);
    }
    if (window.count >= limit) {
      return this.limits.retryAfterSeconds ?? Math.max(1, Math.ceil((window.start + windowMs - now) / 1000));
    }
    window.count++;
    return undefined;
  }
}

function validateLimits(value: unknown): RateLimitOptions {
  if (typeof value !== "object" || value === null || Array.isArray(value))
    throw new ApiError(400, "INVALID_JSON", "Rate limits are a JSON object.");
  const input = value as Record<string, unknown>;
  const out: RateLimitOptions = {};
  const keys = ["requestsPerWindow", "requestWindowMs", "invitationsPerWindow", "invitationWindowMs", "retryAfterSeconds"] as const;
  for (const key of Object.keys(input)) if (!(keys as readonly string[]).includes(key)) throw invalidAttribute(key);
  for (const key of keys) {
    const v = input[key];
    if (v === undefined || v === null) continue;
    const min = key.endsWith("Ms") ? 1 : 0;
    if (!Number.isInteger(v) || (v as number) < min) throw invalidAttribute(key, `An integer >= ${min}.`);
    out[key] = v as number;
  }
  return out;
}
