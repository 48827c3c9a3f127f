import type { HttpMethod, WireResponse } from "../wire";

// The SDK's internal failures: thrown between its layers, never to the caller. The retrying layer
// decides on them; the client turns what is left into a CloudManagerError with the call's context
// (./error-messages). Kept here, beside the public error, as undici keeps all of its errors in one
// place.

/**
 * A request that got no usable HTTP answer. The retrying layer decides on it and the client turns the
 * last one into a CLOUD_MANAGER_NETWORK_ERROR.
 */
export class NetworkFailure extends Error {
  /** System or undici code ("ECONNREFUSED", "UND_ERR_SOCKET") or "TIMEOUT" for our per-attempt deadline. */
  readonly networkCode: string;
  /** True when the request certainly never reached the server (nothing to reconcile before re-sending). */
  readonly notSent: boolean;
  /** False for failures that a retry cannot fix (TLS verification, unknown host). */
  readonly retryable: boolean;
  readonly method: HttpMethod;
  readonly url: URL;
  attempts: number | undefined;

  constructor(init: { cause: unknown; method: HttpMethod; url: URL }) {
    const networkCode = networkCodeOf(init.cause);
    super(`${init.method} ${init.url.host}: ${networkCode}`, { cause: init.cause });
    this.name = "NetworkFailure";
    this.networkCode = networkCode;
    this.notSent = NOT_SENT_CODES.has(networkCode);
    this.retryable = !PERMANENT_CODES.has(networkCode);
    this.method = init.method;
    this.url = init.url;
    this.attempts = undefined;
  }
}

/**
 * Thrown below the retrying layer when a request was NOT sent because a request it needs first
 * failed (the OAuth token request). The retrying layer decides on `answer` (what the prerequisite
 * got: a response with its status and Retry-After, or a NetworkFailure) exactly as on any attempt,
 * within the same count and time bounds; the request itself never reached the server, so it may be
 * sent again even if it is not idempotent. When retrying stops, the layer throws `toError(attempts)`
 * instead.
 */
export class PrerequisiteFailure extends Error {
  constructor(
    /** For logs: what the prerequisite was, e.g. "while getting an access token". */
    readonly what: string,
    /** What the prerequisite request got. */
    readonly answer: WireResponse | NetworkFailure,
    /** The error the caller gets once retrying stops; `attempts` counts the attempts of the whole call. */
    readonly toError: (attempts: number) => Error,
  ) {
    super(`request not sent: ${what} failed`);
    this.name = "PrerequisiteFailure";
  }
}

// Failures before the connection existed: the server cannot have seen the request.
const NOT_SENT_CODES: ReadonlySet<string> = new Set([
  "ECONNREFUSED",
  "EHOSTUNREACH",
  "ENETUNREACH",
  "EAI_AGAIN",
  "UND_ERR_CONNECT_TIMEOUT",
  "ENOTFOUND",
]);

/** TLS failures to verify the server's certificate: the message suggests the CA settings. */
export const TLS_VERIFY_CODES: ReadonlySet<string> = new Set([
  "DEPTH_ZERO_SELF_SIGNED_CERT",
  "SELF_SIGNED_CERT_IN_CHAIN",
  "UNABLE_TO_VERIFY_LEAF_SIGNATURE",
  "UNABLE_TO_GET_ISSUER_CERT_LOCALLY",
  "CERT_HAS_EXPIRED",
  "CERT_NOT_YET_VALID",
  "ERR_TLS_CERT_ALTNAME_INVALID",
]);

// Failures a retry will not fix: a wrong host name or a certificate the client does not trust.
const PERMANENT_CODES: ReadonlySet<string> = new Set([
  ...TLS_VERIFY_CODES,
  "ENOTFOUND",
  "ERR_SSL_WRONG_VERSION_NUMBER",
  "UND_ERR_INVALID_ARG",
]);

function networkCodeOf(error: unknown): string {
  // AbortSignal.timeout() rejects with a DOMException named "TimeoutError" (its numeric `code` is useless).
  if (error instanceof Error && error.name === "TimeoutError") return "TIMEOUT";
  let current: unknown = error;
  for (let depth = 0; depth < 5 && current instanceof Error; depth++) {
    const code = (current as { code?: unknown }).code;
    if (typeof code === "string" && code !== "") return code;
    current = current.cause;
  }
  return "UNKNOWN";
}
