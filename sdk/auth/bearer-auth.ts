import type { ClientLogger } from "../types";
import { headerValues, pathOf, type SendFn, type WireRequest, type WireResponse } from "../transport/wire";
import { parseAuthParams } from "./digest-signer";
import type { OAuthTokenSource } from "./oauth-token-source";

/**
 * `Authorization: Bearer` from the token source. A 401 that refuses a token from the cache (it may
 * have been revoked or expired early on the server) drops it, fetches a new one and retries ONCE.
 * A 401 without a Bearer challenge is about roles, not the token: it goes back to the caller as is.
 */
export class BearerAuth {
  constructor(
    private readonly next: SendFn,
    private readonly tokens: OAuthTokenSource,
    private readonly log: ClientLogger,
  ) {}

  readonly send: SendFn = async (req: WireRequest): Promise<WireResponse> => {
    const first = await this.tokens.getToken();
    const response = await this.next(withBearer(req, first.token));
    if (first.fresh || !refusesToken(response)) return response;
    this.log({
      level: "debug",
      message: `Cloud Manager refused the cached access token on ${req.method} ${pathOf(req.url)}: fetching a new one`,
      method: req.method,
      path: pathOf(req.url),
    });
    this.tokens.invalidate(first.token);
    const second = await this.tokens.getToken();
    return this.next(withBearer(req, second.token));
  };
}

function withBearer(req: WireRequest, token: string): WireRequest {
  return { ...req, headers: { ...req.headers, authorization: `Bearer ${token}` } };
}

/**
 * True when a 401 says the TOKEN is no good: a Bearer challenge with error="invalid_token" (RFC 6750
 * §3.1; what Cloud Manager and the emulator send for an unknown, expired or revoked token), or with no
 * error code. A 401 without one (USER_UNAUTHORIZED for a missing role) would not change with a new
 * token, and each refetch costs one of the token endpoint's 10 requests per minute.
 */
export function refusesToken(response: WireResponse): boolean {
  if (response.status !== 401) return false;
  for (const value of headerValues(response, "www-authenticate")) {
    const scheme = /(?:^|[\s,])Bearer(?:\s+|$)/i.exec(value);
    if (scheme === null) continue;
    const error = parseAuthParams(value.slice(scheme.index + scheme[0].length)).get("error");
    return error === undefined || error.toLowerCase() === "invalid_token";
  }
  return false;
}
