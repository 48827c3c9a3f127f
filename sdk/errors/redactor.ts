import { inspect } from "node:util";
import type { ClientLogEvent } from "../types";

const REDACTED = "[REDACTED]";

/** Shorter values are not searched for: no real key, secret or token is this short, and a 1-letter "secret" would shred every text. */
const MIN_SECRET_LENGTH = 4;
/** Tokens kept after they were replaced: an echo of one from many renewals ago is not plausible. */
const MAX_TOKENS = 64;
/**
 * Per-request values (Digest Authorization headers, response hashes) kept: an echo comes back in the
 * answer to that very request, so the most recent ones suffice, far above any concurrency a client sees.
 */
const MAX_REQUEST_CREDENTIALS = 512;

// Credentials in server text that this client may not know (a proxy's, a header echoed in another form).
// Bearer: a token68 of 16+ characters, so prose like "Bearer token" stays readable.
const BEARER = /\bBearer\s+[A-Za-z0-9\-._~+/]{16,}=*/gi;
// Basic: base64 that decodes to "id:secret".
const BASIC = /\bBasic\s+([A-Za-z0-9+/]{8,}={0,2})/gi;
// Digest: the scheme and its auth-params, up to the first thing that is not one.
const DIGEST =
  /\bDigest\s+[A-Za-z0-9_-]+\s*=\s*(?:"(?:[^"\\]|\\.)*"|[^\s,"]*)(?:\s*,\s*[A-Za-z0-9_-]+\s*=\s*(?:"(?:[^"\\]|\\.)*"|[^\s,"]*))*/gi;
const RESPONSE_HASH = /\bresponse\s*=\s*"?[0-9a-f]{32,}"?/gi;
// What is left of "Bearer <known token>" once the token itself was replaced.
const SCHEME_BEFORE_REDACTED = /\b(?:Bearer|Basic|Digest)\s+\[REDACTED\]/gi;

/** A set that forgets its oldest entries past `limit`. */
class RecentSet {
  readonly #values = new Set<string>();
  constructor(private readonly limit: number) {}

  add(value: string): void {
    this.#values.delete(value);
    this.#values.add(value);
    if (this.#values.size > this.limit) {
      const oldest = this.#values.values().next();
      if (oldest.done !== true) this.#values.delete(oldest.value);
    }
  }

  values(): IterableIterator<string> {
    return this.#values.values();
  }
}

/**
 * The ONE place that scrubs credentials out of server-provided text (an error's `detail`, `errorCode`,
 * `parameters`, OAuth `error_description`, a cause's message, log events) before the SDK lets it out: a
 * gateway may echo the request's Authorization header, and Cloud Manager's `detail` is copied into
 * messages. The client owns one; the auth layers feed it what they hold and learn (private key, client
 * secret and their Basic encodings, tokens, every Digest header and response hash). The values live in
 * #private fields, so neither inspect (even without custom inspect) nor JSON shows them.
 */
export class Redactor {
  readonly #secrets = new Set<string>();
  readonly #tokens = new RecentSet(MAX_TOKENS);
  readonly #requestCredentials = new RecentSet(MAX_REQUEST_CREDENTIALS);

  /** A long-lived secret: a private key, a client secret, a Basic encoding of either. */
  addSecret(value: string): void {
    for (const form of forms(value)) this.#secrets.add(form);
  }

  /** An access token, and the `Bearer …` header made from it. */
  addToken(token: string): void {
    for (const form of [...forms(token), ...forms(`Bearer ${token}`)]) this.#tokens.add(form);
  }

  /** A value sent with one request: a Digest Authorization header, its response hash. */
  addRequestCredential(value: string): void {
    for (const form of forms(value)) this.#requestCredentials.add(form);
  }

  redact(text: string): string {
    const known = [...this.#secrets, ...this.#tokens.values(), ...this.#requestCredentials.values()]
      .filter((value) => value.length >= MIN_SECRET_LENGTH)
      // Longest first: a header is replaced whole before the token inside it.
      .sort((a, b) => b.length - a.length);
    let result = text;
    for (const value of known) if (result.includes(value)) result = result.split(value).join(REDACTED);
    return result
      .replace(DIGEST, REDACTED)
      .replace(RESPONSE_HASH, `response="${REDACTED}"`)
      .replace(BEARER, REDACTED)
      .replace(BASIC, (match, encoded: string) => (Buffer.from(encoded, "base64").toString("utf8").includes(":") ? REDACTED : match))
      .replace(SCHEME_BEFORE_REDACTED, REDACTED);
  }

  /** `redact` on every string inside JSON-like data (an error's `parameters`), keys included. */
  redactValue(value: unknown, depth = 0): unknown {
    if (typeof value === "string") return this.redact(value);
    if (depth > 10 || typeof value !== "object" || value === null) return value;
    if (Array.isArray(value)) return value.map((entry) => this.redactValue(entry, depth + 1));
    return Object.fromEntries(Object.entries(value).map(([key, entry]) => [this.redact(key), this.redactValue(entry, depth + 1)]));
  }

  /** The cause itself when its message holds nothing to redact, else a plain Error copy (name, code, redacted message). */
  redactCause(cause: unknown): unknown {
    if (!(cause instanceof Error)) return typeof cause === "string" ? this.redact(cause) : cause;
    const message = this.redact(cause.message);
    if (message === cause.message) return cause;
    const copy = new Error(message);
    copy.name = cause.name;
    const code = (cause as { code?: unknown }).code;
    if (code !== undefined) Object.assign(copy, { code });
    return copy;
  }

  redactEvent(event: ClientLogEvent): ClientLogEvent {
    return {
      ...event,
      message: this.redact(event.message),
      ...(event.path === undefined ? {} : { path: this.redact(event.path) }),
    };
  }

  toJSON(): Record<string, never> {
    return {};
  }

  [inspect.custom](): string {
    return "Redactor {}";
  }
}

/** The value and its percent-encoded form (base64's `+/=` may come back URL-encoded). */
function forms(value: string): string[] {
  const encoded = encodeURIComponent(value);
  return encoded === value ? [value] : [value, encoded];
}
