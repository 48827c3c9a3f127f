import type { ClientLogger } from "../types";
import { pathOf, type SendFn, type WireRequest, type WireResponse } from "../transport/wire";
import type { OAuthTokenSource } from "./oauth-token-source";

/**
 * `Authorization: Bearer` from the token source. A 401 on a token that came from the cache (it may
 * have been revoked or expired early on the server) drops it, fetches a new one and retries ONCE.
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
    if (response.status !== 401 || first.fresh) return response;
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
