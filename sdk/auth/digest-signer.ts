import { createHash, randomBytes } from "node:crypto";

// HTTP Digest (RFC 7616) as pure functions: challenge parsing and request signing. No I/O, no state.

export interface DigestChallenge {
  realm: string;
  nonce: string;
  opaque: string | undefined;
  /** The qop options offered, e.g. ["auth"]; empty for an RFC 2069 server. */
  qop: string[];
  /** "MD5" when absent (RFC 7616 §3.3). */
  algorithm: string;
  stale: boolean;
}

export interface DigestSignInput {
  username: string;
  password: string;
  challenge: DigestChallenge;
  method: string;
  /** Path and query exactly as sent. */
  uri: string;
  /** The nonce count; formatted as 8 lowercase hex digits. */
  nc: number;
  cnonce: string;
}

const HASHES: Record<string, string> = { MD5: "md5", "MD5-SESS": "md5", "SHA-256": "sha256", "SHA-256-SESS": "sha256" };

/** True when this client can answer the challenge (a known algorithm, and qop "auth" or no qop at all). */
export function isSupportedChallenge(challenge: DigestChallenge): boolean {
  return HASHES[challenge.algorithm.toUpperCase()] !== undefined && (challenge.qop.length === 0 || challenge.qop.includes("auth"));
}

/**
 * The Digest challenge among the WWW-Authenticate values, or undefined. Tolerant of `", "` and `","`
 * separators, quoted or bare values, and other schemes in the same header.
 */
export function parseDigestChallenge(headerValues: readonly string[]): DigestChallenge | undefined {
  for (const value of headerValues) {
    const scheme = /(?:^|[\s,])Digest\s+/i.exec(value);
    if (scheme === null) continue;
    const params = parseAuthParams(value.slice(scheme.index + scheme[0].length));
    const realm = params.get("realm");
    const nonce = params.get("nonce");
    if (realm === undefined || nonce === undefined) continue;
    const qop = params.get("qop");
    return {
      realm,
      nonce,
      opaque: params.get("opaque"),
      qop:
        qop === undefined
          ? []
          : qop
              .split(",")
              .map((entry) => entry.trim().toLowerCase())
              .filter((entry) => entry !== ""),
      algorithm: params.get("algorithm") ?? "MD5",
      stale: (params.get("stale") ?? "false").toLowerCase() === "true",
    };
  }
  return undefined;
}

/**
 * `key=value` and `key="quoted \" value"` pairs separated by commas (with or without spaces), up to
 * the start of another scheme's challenge. Keys are lowercased.
 */
export function parseAuthParams(text: string): Map<string, string> {
  const params = new Map<string, string>();
  let index = 0;
  while (index < text.length) {
    while (index < text.length && (text[index] === "," || text[index] === " " || text[index] === "\t")) index++;
    const keyMatch = /^([A-Za-z0-9_-]+)\s*=\s*/.exec(text.slice(index));
    if (keyMatch === null) break; // another scheme ("Basic realm=…") or garbage: stop here
    const key = (keyMatch[1] as string).toLowerCase();
    index += keyMatch[0].length;
    let value = "";
    if (text[index] === '"') {
      index++;
      while (index < text.length && text[index] !== '"') {
        if (text[index] === "\\" && index + 1 < text.length) index++;
        value += text[index];
        index++;
      }
      index++; // closing quote
    } else {
      const end = text.slice(index).search(/[,\s]/);
      value = end === -1 ? text.slice(index) : text.slice(index, index + end);
      index += value.length;
    }
    if (!params.has(key)) params.set(key, value);
  }
  return params;
}

/** `nc` as RFC 7616 wants it: 8 lowercase hex digits (`00000009` → `0000000a`). */
export function formatNonceCount(nc: number): string {
  return nc.toString(16).padStart(8, "0");
}

/** A random client nonce: 16 bytes, hex. */
export function newCnonce(): string {
  return randomBytes(16).toString("hex");
}

/** The `response` value: H(HA1:nonce:nc:cnonce:qop:HA2), or H(HA1:nonce:HA2) for a server without qop. */
export function digestResponse(input: DigestSignInput): string {
  const algorithm = input.challenge.algorithm.toUpperCase();
  const hashName = HASHES[algorithm];
  if (hashName === undefined) throw new Error(`unsupported Digest algorithm ${input.challenge.algorithm}`);
  const h = (text: string): string => createHash(hashName).update(text, "utf8").digest("hex");
  const { realm, nonce } = input.challenge;
  let ha1 = h(`${input.username}:${realm}:${input.password}`);
  if (algorithm.endsWith("-SESS")) ha1 = h(`${ha1}:${nonce}:${input.cnonce}`);
  const ha2 = h(`${input.method}:${input.uri}`);
  if (input.challenge.qop.length === 0) return h(`${ha1}:${nonce}:${ha2}`);
  return h(`${ha1}:${nonce}:${formatNonceCount(input.nc)}:${input.cnonce}:auth:${ha2}`);
}

/** The Authorization header value. Quoted: username, realm, nonce, uri, response, cnonce, opaque; bare: algorithm, qop, nc. */
export function digestAuthorization(input: DigestSignInput): string {
  const { challenge } = input;
  const parts = [
    `username=${quote(input.username)}`,
    `realm=${quote(challenge.realm)}`,
    `nonce=${quote(challenge.nonce)}`,
    `uri=${quote(input.uri)}`,
    `algorithm=${challenge.algorithm}`,
  ];
  if (challenge.qop.length > 0) {
    parts.push("qop=auth", `nc=${formatNonceCount(input.nc)}`, `cnonce=${quote(input.cnonce)}`);
  }
  parts.push(`response=${quote(digestResponse(input))}`);
  if (challenge.opaque !== undefined) parts.push(`opaque=${quote(challenge.opaque)}`);
  return `Digest ${parts.join(", ")}`;
}

function quote(value: string): string {
  return `"${value.replace(/[\\"]/g, (char) => `\\${char}`)}"`;
}
