// Who is calling: Digest API key or Bearer service-account token; the 401s carry the right challenge.
import type { IncomingMessage } from "node:http";
import { accessListAllows } from "./access-list";
import type { ParsedAuthorization } from "./auth-header";
import type { EmulatorParts } from "./emulator-parts";
import { ApiError, ipNotOnAccessList } from "./errors";
import type { PrincipalSummary, RequestAuth } from "./types";

export type AuthResult = { ok: true; principal: PrincipalSummary } | { ok: false; error: ApiError };

const NOT_AUTHENTICATED = "You are not authorized for this resource.";

/** What the request carried, for the request log (nothing secret). */
export function describeAuth(parts: EmulatorParts, parsed: ParsedAuthorization): RequestAuth {
  switch (parsed.scheme) {
    case "digest":
      return { type: "digest", username: parsed.params["username"] ?? "", nc: parsed.params["nc"] ?? "" };
    case "bearer": {
      const found = parts.tokens.lookup(parsed.token);
      return { type: "bearer", clientId: found.status === "unknown" ? null : found.clientId };
    }
    case "basic":
      return { type: "basic", clientId: parsed.user };
    default:
      return { type: "none" };
  }
}

export function authenticate(parts: EmulatorParts, req: IncomingMessage, parsed: ParsedAuthorization, remoteIp: string): AuthResult {
  const method = req.method ?? "GET";
  const digestChallenge = (stale: boolean, detail = NOT_AUTHENTICATED): AuthResult => ({
    ok: false,
    error: new ApiError(401, "USER_UNAUTHORIZED", detail, [], { "WWW-Authenticate": parts.verifier.challenge(stale) }),
  });

  let principal: PrincipalSummary | undefined;
  if (parsed.scheme === "digest") {
    const outcome = parts.verifier.verify(parsed.params, method, req.url ?? "/", (u) => parts.store.principals.apiKeyHa1(u));
    if (!outcome.ok) return digestChallenge(outcome.stale);
    principal = parts.store.principals.apiKey(outcome.username);
    if (!principal) return digestChallenge(false);
  } else if (parsed.scheme === "bearer") {
    const found = parts.tokens.lookup(parsed.token);
    principal = found.status === "valid" ? parts.store.principals.serviceAccount(found.clientId) : undefined;
    if (!principal) {
      const why = found.status === "expired" ? "The access token expired." : "The access token is not valid.";
      return {
        ok: false,
        error: new ApiError(401, "USER_UNAUTHORIZED", `${NOT_AUTHENTICATED} ${why}`, [], {
          "WWW-Authenticate": `Bearer error="invalid_token", error_description="${why}"`,
        }),
      };
    }
  } else {
    return digestChallenge(false);
  }

  if (!accessListAllows(principal.accessList, remoteIp)) return { ok: false, error: ipNotOnAccessList(remoteIp) };
  return { ok: true, principal };
}
