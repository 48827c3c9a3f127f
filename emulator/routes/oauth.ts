// POST /api/oauth/token (client credentials) and POST /api/oauth/revoke, with OAuth-style errors.
import type { ParsedAuthorization } from "../auth-header";
import type { EmulatorParts } from "../emulator-parts";
import type { Router } from "../router";
import type { PrincipalSummary } from "../types";

export interface OAuthRequest {
  parts: EmulatorParts;
  /** The client, authenticated (HTTP Basic) before the body was read. */
  account: PrincipalSummary;
  body: Buffer;
}

export interface OAuthReply {
  status: number;
  body: unknown;
  headers?: Record<string, string>;
}

export type OAuthHandler = (req: OAuthRequest) => OAuthReply;

const oauthError = (status: number, error: string, description: string, headers?: Record<string, string>): OAuthReply => ({
  status,
  body: { error, error_description: description },
  ...(headers ? { headers } : {}),
});

/** The calling service account, or the 401 to answer (both endpoints take HTTP Basic client credentials). */
export function oauthClient(parts: EmulatorParts, auth: ParsedAuthorization): PrincipalSummary | OAuthReply {
  if (auth.scheme !== "basic") {
    return oauthError(401, "invalid_client", "Client authentication with HTTP Basic is required.", {
      "WWW-Authenticate": 'Basic realm="oauth"',
    });
  }
  const account = parts.store.principals.verifyServiceAccount(auth.user, auth.password);
  if (!account) return oauthError(401, "invalid_client", "Client authentication failed.", { "WWW-Authenticate": 'Basic realm="oauth"' });
  return account;
}

export const isOAuthReply = (v: PrincipalSummary | OAuthReply): v is OAuthReply => "status" in v;

const token: OAuthHandler = (req) => {
  const account = req.account;
  const form = new URLSearchParams(req.body.toString("utf8"));
  const grantType = form.get("grant_type");
  if (grantType === null) return oauthError(400, "invalid_request", "grant_type is required.");
  if (grantType !== "client_credentials") return oauthError(400, "unsupported_grant_type", "Only client_credentials is supported.");
  const issued = req.parts.tokens.issue(account.id);
  return {
    status: 200,
    body: { access_token: issued.accessToken, expires_in: issued.expiresIn, token_type: "Bearer" },
    headers: { "Cache-Control": "no-store", Pragma: "no-cache" },
  };
};

const revoke: OAuthHandler = (req) => {
  const account = req.account;
  const form = new URLSearchParams(req.body.toString("utf8"));
  const value = form.get("token");
  if (value === null || value === "") return oauthError(400, "invalid_request", "token is required.");
  req.parts.tokens.revoke(value, account.id);
  return { status: 200, body: {} };
};

export function addOAuthRoutes(router: Router<OAuthHandler>): void {
  router.add("POST", "/api/oauth/token", token).add("POST", "/api/oauth/revoke", revoke);
}
