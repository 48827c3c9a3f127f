import { inspect } from "node:util";
import type { ClientLogEvent } from "../types";

const REDACTED = "[REDACTED]";

/** Shorter values are not searched for: no real key, secret or token is this short, and a 1-letter "secret" would shred every text. */
const MIN_SECRET_LENGTH = 4;
/** Tokens kept (with their forms) after they were replaced: an echo of one from many renewals ago is not plausible. */
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

/**
 * Case folding that keeps every position: each UTF-16 unit is lowered on its own, and left as it is when
 * its lower case is not one unit (U+0130), so a span found in the folded text is the same span in the original.
 */
function fold(text: string): string {
  if (!/[\u0080-\uffff]/.test(text)) return text.toLowerCase();
  let folded = "";
  for (let i = 0; i < text.length; i++) {
    const unit = text[i] as string;
    const lower = unit.toLowerCase();
    folded += lower.length === 1 ? lower : unit;
  }
  return folded;
}

/** Units in an anchor window: every known form is at least this long. */
const WINDOW = MIN_SECRET_LENGTH;
/** The sketch of window frequencies has 2^SKETCH_BITS counters (32 KiB). */
const SKETCH_BITS = 13;
const SKETCH_SIZE = 1 << SKETCH_BITS;

/** The key of the `WINDOW` units at `at`: exact for Latin-1 text; a collision only costs a comparison. */
function windowKey(folded: string, at: number): number {
  return (
    folded.charCodeAt(at) * 0x1000000 + folded.charCodeAt(at + 1) * 0x10000 + folded.charCodeAt(at + 2) * 0x100 + folded.charCodeAt(at + 3)
  );
}

/** Fibonacci hashing: the product's top bits depend on every unit of the window. */
function sketchSlot(key: number): number {
  return Math.imul((key ^ Math.floor(key / 0x100000000)) | 0, 0x9e3779b1) >>> (32 - SKETCH_BITS);
}

interface Anchored {
  form: string;
  /** Where in `form` its anchor window starts; `head` is what comes before it, `tail` the rest. */
  offset: number;
  head: string;
  tail: string;
  key: number;
  count: number;
}

/**
 * The folded forms of every known value, each filed under one "anchor" window of its own: the one that
 * the fewest known forms share (a sketch counts every window of every form), so that forms with a long
 * common part (Digest headers: the same username, realm, nonce and uri) are filed by where they differ
 * (cnonce, response). `replace` walks a text once, looks each window up, and compares in full only the
 * forms anchored there: no regex and no scan per value, and text full of near-echoes stays cheap.
 * Counted, so a form known twice (a token that is also a request credential) stays until both are forgotten.
 */
class KnownForms {
  readonly #forms = new Map<string, Anchored>();
  readonly #byKey = new Map<number, Anchored[]>();
  readonly #sketch = new Uint32Array(SKETCH_SIZE);

  add(form: string): void {
    const known = this.#forms.get(form);
    if (known !== undefined) {
      known.count += 1;
      return;
    }
    let offset = 0;
    let key = windowKey(form, 0);
    let least = Infinity;
    for (let at = form.length - WINDOW; at >= 0; at--) {
      const atKey = windowKey(form, at);
      const slot = sketchSlot(atKey);
      const seen = this.#sketch[slot] as number;
      this.#sketch[slot] = seen + 1;
      if (seen < least) [least, offset, key] = [seen, at, atKey];
    }
    const anchored: Anchored = { form, offset, head: form.slice(0, offset), tail: form.slice(offset), key, count: 1 };
    this.#forms.set(form, anchored);
    const list = this.#byKey.get(key);
    if (list === undefined) this.#byKey.set(key, [anchored]);
    else list.push(anchored);
  }

  remove(form: string): void {
    const anchored = this.#forms.get(form);
    if (anchored === undefined) return;
    if (anchored.count > 1) {
      anchored.count -= 1;
      return;
    }
    this.#forms.delete(form);
    for (let at = form.length - WINDOW; at >= 0; at--) {
      const slot = sketchSlot(windowKey(form, at));
      this.#sketch[slot] = (this.#sketch[slot] as number) - 1;
    }
    const list = this.#byKey.get(anchored.key) ?? [];
    list.splice(list.indexOf(anchored), 1);
    if (list.length === 0) this.#byKey.delete(anchored.key);
  }

  /** `text` with every span holding a known form (in any case) replaced; overlapping spans become one. */
  replace(text: string): string {
    if (this.#byKey.size === 0 || text.length < WINDOW) return text;
    const folded = fold(text);
    const spans: Array<[number, number]> = [];
    for (let at = 0; at <= folded.length - WINDOW; at++) {
      const candidates = this.#byKey.get(windowKey(folded, at));
      if (candidates === undefined) continue;
      for (const { form, offset, head, tail } of candidates) {
        const start = at - offset;
        // From the anchor on first: that is where this form differs from the others.
        if (start >= 0 && folded.startsWith(tail, at) && folded.startsWith(head, start)) spans.push([start, start + form.length]);
      }
    }
    if (spans.length === 0) return text;
    spans.sort((a, b) => a[0] - b[0]);
    let result = "";
    let copied = 0;
    let [start, end] = spans[0] as [number, number];
    for (const [spanStart, spanEnd] of spans) {
      if (spanStart < end) {
        end = Math.max(end, spanEnd);
        continue;
      }
      result += text.slice(copied, start) + REDACTED;
      [copied, start, end] = [end, spanStart, spanEnd];
    }
    return result + text.slice(copied, start) + REDACTED + text.slice(end);
  }
}

/** Values that are forgotten, oldest first, past `limit`; their forms leave the index with them. */
class RecentValues {
  readonly #forms = new Map<string, string[]>();
  readonly #index: KnownForms;
  readonly #limit: number;

  constructor(limit: number, index: KnownForms) {
    this.#limit = limit;
    this.#index = index;
  }

  add(value: string, forms: string[]): void {
    const known = this.#forms.get(value);
    if (known !== undefined) {
      this.#forms.delete(value);
      this.#forms.set(value, known);
      return;
    }
    for (const form of forms) this.#index.add(form);
    this.#forms.set(value, forms);
    if (this.#forms.size > this.#limit) {
      const [oldest, oldForms] = this.#forms.entries().next().value as [string, string[]];
      this.#forms.delete(oldest);
      for (const form of oldForms) this.#index.remove(form);
    }
  }
}

/**
 * The ONE place that scrubs credentials out of server-provided text (an error's `detail`, `errorCode`,
 * `parameters`, OAuth `error_description`, a cause's message, log events) before the SDK lets it out: a
 * gateway may echo the request's Authorization header, and Cloud Manager's `detail` is copied into
 * messages. The client owns one; the auth layers feed it what they hold and learn (private key, client
 * secret and their Basic encodings, tokens, every Digest header and response hash). Each is found in any
 * letter case (a gateway upper-casing a header), hex-encoded (either case) and percent-encoded, in one pass
 * over the text whatever the number of values (`KnownForms`). The values live in #private fields, so neither
 * inspect (even without custom inspect) nor JSON shows them; memory is bounded (secrets are few, tokens and
 * per-request values are forgotten oldest first, the window sketch is fixed).
 */
export class Redactor {
  readonly #known = new KnownForms();
  readonly #secrets = new Set<string>();
  readonly #tokens = new RecentValues(MAX_TOKENS, this.#known);
  readonly #requestCredentials = new RecentValues(MAX_REQUEST_CREDENTIALS, this.#known);

  /**
   * A long-lived secret: a private key, a client secret, a Basic encoding of either. Also its upper- and
   * lower-cased forms' hex and percent encodings, and for a Basic encoding of `id:secret`, the base64 and
   * base64url of that pair with either half upper- or lower-cased (a gateway normalising a header).
   */
  addSecret(value: string): void {
    if (value.length < MIN_SECRET_LENGTH) return;
    const pair = basicPair(value);
    const encodings =
      pair === undefined
        ? []
        : caseVariants(pair[0]).flatMap((id) =>
            caseVariants(pair[1]).flatMap((secret) => {
              const decoded = Buffer.from(`${id}:${secret}`, "utf8");
              return [decoded.toString("base64"), decoded.toString("base64url")];
            }),
          );
    for (const form of [...formsOf(value, true), ...encodings.flatMap((encoded) => formsOf(encoded, false))]) {
      if (this.#secrets.has(form)) continue;
      this.#secrets.add(form);
      this.#known.add(form);
    }
  }

  /** An access token, and the `Bearer …` header made from it. */
  addToken(token: string): void {
    if (token.length < MIN_SECRET_LENGTH) return;
    this.#tokens.add(token, [...new Set([...formsOf(token, false), ...formsOf(`Bearer ${token}`, false)])]);
  }

  /** A value sent with one request: a Digest Authorization header, its response hash. */
  addRequestCredential(value: string): void {
    if (value.length < MIN_SECRET_LENGTH) return;
    this.#requestCredentials.add(value, formsOf(value, false));
  }

  /**
   * `text` with every known value replaced, in any letter case, hex-encoded (either case) or percent-encoded;
   * then credentials of the shapes headers take (Digest, Bearer, Basic of `id:secret`, response hashes).
   */
  redact(text: string): string {
    return this.#known
      .replace(text)
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

/** The value, upper- and lower-cased (deduplicated). */
function caseVariants(value: string): string[] {
  return [...new Set([value, value.toUpperCase(), value.toLowerCase()])];
}

/**
 * The folded forms a value may come back in: itself, percent-encoded (base64's `+/=`), the hex of its UTF-8.
 * Matching ignores letter case, so these also stand for the upper- and lower-cased value and for hex in
 * either case. `withCaseVariants` adds the encodings of the upper- and lower-cased value, which differ
 * (hex of "A" is not hex of "a"): for the few long-lived secrets, not for every token and header.
 */
function formsOf(value: string, withCaseVariants: boolean): string[] {
  const forms = new Set<string>();
  for (const variant of withCaseVariants ? caseVariants(value) : [value]) {
    forms.add(fold(variant));
    const encoded = percentEncoded(variant);
    if (encoded !== undefined) forms.add(fold(encoded));
    forms.add(Buffer.from(variant, "utf8").toString("hex"));
  }
  return [...forms].filter((form) => form.length >= MIN_SECRET_LENGTH);
}

/** `[id, secret]` when `value` is exactly the base64 of `id:secret` (a Basic credential), else undefined. */
function basicPair(value: string): [string, string] | undefined {
  if (!/^[A-Za-z0-9+/]+={0,2}$/.test(value)) return undefined;
  const decoded = Buffer.from(value, "base64").toString("utf8");
  const colon = decoded.indexOf(":");
  if (colon < 0 || Buffer.from(decoded, "utf8").toString("base64") !== value) return undefined;
  return [decoded.slice(0, colon), decoded.slice(colon + 1)];
}

/** encodeURIComponent, or undefined for a value it cannot encode (a lone surrogate): nothing to look for then. */
function percentEncoded(value: string): string | undefined {
  try {
    return encodeURIComponent(value);
  } catch {
    return undefined;
  }
}
