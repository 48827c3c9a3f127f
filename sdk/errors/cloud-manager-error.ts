import { inspect } from "node:util";
import { isRateLimitAnswer } from "./api-error-body";

/** Stable codes: branch on these (or on `status` / `errorCode`), never on the message text. */
export type CloudManagerErrorCode =
  /** Cloud Manager answered with an error status (see `status`, `errorCode`). */
  | "CLOUD_MANAGER_API_ERROR"
  /** No usable HTTP answer: connection refused, reset, DNS, TLS, timeout (see `networkCode`). */
  | "CLOUD_MANAGER_NETWORK_ERROR"
  /** The client options or the arguments of a call are unusable; nothing was sent. */
  | "CLOUD_MANAGER_CONFIG_ERROR"
  /** A 2xx answer whose body is not what the API documents. */
  | "CLOUD_MANAGER_RESPONSE_ERROR"
  /** An answer's body passed `maxResponseBytes` (or its Content-Length announced that); reading stopped there. Not retried. */
  | "CLOUD_MANAGER_RESPONSE_TOO_LARGE"
  /** The client was closed while the call was waiting. */
  | "CLOUD_MANAGER_CLIENT_CLOSED";

/** What was sent, as attached to an error. The Authorization header is always redacted. */
export interface RedactedRequest {
  method: string;
  url: string;
  headers: Record<string, string>;
}

export interface CloudManagerErrorInit {
  code: CloudManagerErrorCode;
  message: string;
  status?: number;
  errorCode?: string;
  detail?: string;
  parameters?: unknown[];
  method?: string;
  path?: string;
  networkCode?: string;
  attempts?: number;
  request?: { method: string; url: string; headers: Record<string, string> };
  authenticated?: boolean;
  credentialsRefused?: boolean;
  hasErrorBody?: boolean;
  cause?: unknown;
}

// Symbol.for: the same key in every copy of this package that a process loads (Pulumi's closure
// serialization can load ours twice), so `isCloudManagerError` and `instanceof` work across copies.
const BRAND = Symbol.for("pulumi-cloudmanager.CloudManagerError");

const REDACTED = "[REDACTED]";
const SECRET_HEADERS = new Set(["authorization", "proxy-authorization", "cookie"]);

/** The one error type of the SDK. */
export class CloudManagerError extends Error {
  readonly code: CloudManagerErrorCode;
  /** HTTP status; undefined for network, config and closed errors. */
  readonly status: number | undefined;
  /** The API's `errorCode`, e.g. "RESOURCE_NOT_FOUND"; OAuth errors carry their `error` here. */
  readonly errorCode: string | undefined;
  readonly detail: string | undefined;
  readonly parameters: unknown[];
  readonly method: string | undefined;
  /** Path and query as sent, e.g. "/api/public/v1.0/orgs/…/invites". */
  readonly path: string | undefined;
  /** For network errors: the system or undici code, e.g. "ECONNREFUSED", "UND_ERR_SOCKET", "TIMEOUT". */
  readonly networkCode: string | undefined;
  /** How many times the request was sent (retries included), when known. */
  readonly attempts: number | undefined;
  /** The last request, on a copy with secret headers redacted. */
  readonly request: RedactedRequest | undefined;
  /**
   * For errors with an HTTP answer: true when it answers a request that carried our credentials and
   * is not a 401 (Digest: a signed request, sent only after the server challenged; OAuth: a request
   * with a Bearer token from the token endpoint). False for an unsigned Digest request answered without
   * a challenge (a wrong base path, a proxy), any 401, and token endpoint errors. Undefined when there
   * was no HTTP answer (network, config, closed). Bearer has no challenge: for OAuth, true only says
   * the token was sent and not refused, so check `hasErrorBody` and `errorCode` too.
   */
  readonly authenticated: boolean | undefined;
  /**
   * True when the body was Cloud Manager's JSON error body (`{detail, error, errorCode, parameters,
   * reason}`: a string `errorCode` and `error` equal to the status). False for an HTML or other page
   * (a proxy, a wrong host), OAuth-style token endpoint errors, and errors without an HTTP answer.
   */
  readonly hasErrorBody: boolean;
  /**
   * True for a 401 about the credentials themselves (the server challenged again: a wrong key pair, a
   * deleted key, a token it does not know; the token endpoint refused the service account's id or
   * secret); false for any other error, a 401 without a challenge
   * included — that one refuses the credential's ROLES (USER_UNAUTHORIZED, NOT_IN_GROUP): the key is
   * right but may not do this.
   */
  readonly credentialsRefused: boolean;

  constructor(init: CloudManagerErrorInit) {
    super(init.message, init.cause === undefined ? undefined : { cause: init.cause });
    Object.defineProperty(this, BRAND, { value: true });
    this.code = init.code;
    this.status = init.status;
    this.errorCode = init.errorCode;
    this.detail = init.detail;
    this.parameters = init.parameters ?? [];
    this.method = init.method;
    this.path = init.path;
    this.networkCode = init.networkCode;
    this.attempts = init.attempts;
    this.request = init.request === undefined ? undefined : redactRequest(init.request);
    this.authenticated = init.authenticated;
    this.hasErrorBody = init.hasErrorBody ?? false;
    this.credentialsRefused = init.credentialsRefused ?? false;
  }

  static override [Symbol.hasInstance](value: unknown): boolean {
    return isCloudManagerError(value);
  }

  /** Everything useful for a bug report; no secrets (the request copy is already redacted). */
  toJSON(): Record<string, unknown> {
    return {
      name: this.name,
      code: this.code,
      message: this.message,
      status: this.status,
      errorCode: this.errorCode,
      detail: this.detail,
      parameters: this.parameters,
      method: this.method,
      path: this.path,
      networkCode: this.networkCode,
      attempts: this.attempts,
      request: this.request,
      authenticated: this.authenticated,
      hasErrorBody: this.hasErrorBody,
      credentialsRefused: this.credentialsRefused,
      cause: describeCause(this.cause),
    };
  }

  // The default inspect would print `cause` in full; print our fields and a one-line cause instead.
  [inspect.custom](_depth: number, options: { stylize?: unknown }, inspectFn: typeof inspect = inspect): string {
    const { name: _name, message: _message, ...fields } = this.toJSON();
    const shown = Object.fromEntries(Object.entries(fields).filter(([, value]) => value !== undefined));
    return `${this.stack ?? `${this.name}: ${this.message}`} ${inspectFn(shown, { ...options, depth: 3 })}`;
  }
}

Object.defineProperty(CloudManagerError.prototype, "name", {
  value: "CloudManagerError",
  writable: true,
  configurable: true,
});

/** True for a CloudManagerError from any loaded copy of this package. */
export function isCloudManagerError(value: unknown): value is CloudManagerError {
  return typeof value === "object" && value !== null && (value as { [BRAND]?: unknown })[BRAND] === true;
}

/**
 * True when `e` is Cloud Manager refusing a call for rate limiting: a 429, or a 400 with one of the
 * invitation rate-limit errorCodes (the list is in ./api-error-body, isRateLimitAnswer). The client
 * already retried such a call within its retry bounds before it threw this error; the same rule
 * decides those retries.
 */
export function isRateLimitedError(e: unknown): boolean {
  return isCloudManagerError(e) && isRateLimitAnswer(e.status, e.errorCode);
}

/**
 * True for a 404 that Cloud Manager itself gave to an authenticated request, in its own error format
 * (`hasErrorBody`), about something other than the organization (not ORG_NOT_FOUND) and not a refusal
 * filed as a 404 (CANNOT_DELETE_TEAM_ASSIGNED_TO_PROJECT): the subject of the call (an invitation, a
 * team) may be gone. A 404 to an unauthenticated request (a wrong base URL path
 * answered without a Digest challenge), an HTML or other page (a proxy, another server) or an unknown
 * organization proves nothing about the subject.
 *
 * Over OAuth the token proves less than a Digest signature: Bearer has no challenge, so `authenticated`
 * only says a token from the token endpoint was sent and not refused, and a server at a wrong path of
 * the same host may still answer 404 in Cloud Manager's format. Either way this is a hint, not proof:
 * before treating the subject as gone, confirm with an independent read (e.g. the organization's list
 * of pending invitations no longer shows it).
 */
export function isNotFoundAnswer(e: unknown): boolean {
  return (
    isCloudManagerError(e) &&
    e.status === 404 &&
    e.authenticated === true &&
    e.hasErrorBody &&
    !(e.errorCode !== undefined && NOT_ABOUT_THE_SUBJECT_404_CODES.has(e.errorCode))
  );
}

/**
 * 404 errorCodes that say nothing about the subject being gone: an unknown organization, and Atlas's
 * refusal to delete a team still assigned to a project (CANNOT_DELETE_TEAM_ASSIGNED_TO_PROJECT, a 404
 * there: the team very much exists).
 */
const NOT_ABOUT_THE_SUBJECT_404_CODES: ReadonlySet<string> = new Set(["ORG_NOT_FOUND", "CANNOT_DELETE_TEAM_ASSIGNED_TO_PROJECT"]);

/** A copy of the request with Authorization (and similar) replaced; the original is not touched. */
function redactRequest(request: { method: string; url: string; headers: Record<string, string> }): RedactedRequest {
  const headers: Record<string, string> = {};
  for (const [name, value] of Object.entries(request.headers)) {
    headers[name] = SECRET_HEADERS.has(name.toLowerCase()) ? REDACTED : value;
  }
  return { method: request.method, url: request.url, headers };
}

function describeCause(cause: unknown): Record<string, unknown> | undefined {
  if (cause === undefined || cause === null) return undefined;
  if (cause instanceof Error) {
    const code = (cause as { code?: unknown }).code;
    return { name: cause.name, message: cause.message, ...(code === undefined ? {} : { code }) };
  }
  // A primitive as itself; an object or function by its type only ("[object Object]"), nothing of what it holds.
  const value =
    typeof cause === "string" ||
    typeof cause === "number" ||
    typeof cause === "boolean" ||
    typeof cause === "bigint" ||
    typeof cause === "symbol"
      ? cause.toString()
      : Object.prototype.toString.call(cause);
  return { value };
}
