import type { ClientLogger } from "../types";
import { eventFieldsOf, headerValues, pathOf, type SendFn, type WireRequest, type WireResponse } from "../wire";
import { parseAuthParams } from "./digest-signer";
import type { OAuthTokenSource } from "./oauth-token-source";

/**
 * A cached token that meets a 401 WITHOUT a Bearer challenge is refetched only if it is at least this
 * old. Cloud Manager uses USER_UNAUTHORIZED both for a missing role and (as far as anyone documents)
 * for a token it no longer takes, and whether it sends a challenge for the latter is not documented.
 * Refetching on every role 401 would spend the token endpoint's 10 requests per minute; never
 * refetching would leave a revoked token in use until its normal renewal. Once a minute at most is
 * the middle: a role 401 costs at most one token request per minute, a revoked token one failed call.
 */
export const UNCHALLENGED_REFRESH_AGE_MS = 60_000;

/**
 * `Authorization: Bearer` from the token source. A 401 that refuses a token from the cache (it may
 * have been revoked or expired early on the server) drops it, fetches a new one and retries ONCE:
 * always when the 401 carries a Bearer challenge saying so, and for a 401 without any Bearer
 * challenge only when the token is older than UNCHALLENGED_REFRESH_AGE_MS (see there).
 */
export class BearerAuth {
  constructor(
    private readonly next: SendFn,
    private readonly tokens: OAuthTokenSource,
    private readonly log: ClientLogger,
  ) {}

  readonly send: SendFn = async (req: WireRequest): Promise<WireResponse> => {
    const first = await this.tokens.getToken();
    const response = await this.sendWith(req, first.token);
    if (first.fresh || response.status !== 401) return response;
    const verdict = tokenVerdict(response);
    if (verdict === "token-ok" || (verdict === "unknown" && first.ageMs < UNCHALLENGED_REFRESH_AGE_MS)) return response;
    this.log({
      level: "debug",
      message: `Cloud Manager refused the cached access token on ${req.method} ${pathOf(req.url)}: fetching a new one`,
      ...eventFieldsOf(req),
    });
    this.tokens.invalidate(first.token);
    const second = await this.tokens.getToken();
    return this.sendWith(req, second.token);
  };

  /** Every request here carries a token from the token endpoint: any answer but a 401 is authenticated. */
  private async sendWith(req: WireRequest, token: string): Promise<WireResponse> {
    const response = await this.next(withBearer(req, token));
    return { ...response, authenticated: response.status !== 401 };
  }
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
/**
 * What a 401 says about the token: refused (a Bearer challenge with error="invalid_token" or no
 * error), fine (a Bearer challenge with another error, e.g. insufficient_scope), or nothing (no Bearer
 * challenge at all: a role failure, or a server that does not send challenges).
 */
function tokenVerdict(response: WireResponse): "token-refused" | "token-ok" | "unknown" {
  for (const value of headerValues(response, "www-authenticate")) {
    const scheme = /(?:^|[\s,])Bearer(?:\s+|$)/i.exec(value);
    if (scheme === null) continue;
    const error = parseAuthParams(value.slice(scheme.index + scheme[0].length)).get("error");
    return error === undefined || error.toLowerCase() === "invalid_token" ? "token-refused" : "token-ok";
  }
  return "unknown";
}
