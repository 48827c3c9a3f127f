// Server side of HTTP Digest (RFC 7616, MD5, qop=auth) as Cloud Manager speaks it.
// Keys are stored as HA1 = MD5(user:realm:password), never as the private key itself.
import { createHash, randomBytes, timingSafeEqual } from "node:crypto";

export const DIGEST_REALM = "MMS Public API";

export function md5(text: string): string {
  return createHash("md5").update(text, "utf8").digest("hex");
}

export function digestHa1(username: string, password: string): string {
  return md5(`${username}:${DIGEST_REALM}:${password}`);
}

export type DigestOutcome =
  | { ok: true; username: string; nc: string }
  /** `stale`: the response was right but the nonce is unknown or past its lifetime. */
  | { ok: false; stale: boolean; reason: string; username?: string; nc?: string };

export interface DigestVerifierOptions {
  nonceLifetimeMs: number;
  rejectReusedNonceCount: boolean;
}

interface NonceRecord {
  issuedAt: number;
  expired: boolean;
  usedNc: Set<string>;
}

// Bounds memory when a client never reuses a nonce (MongoDB's Go transport asks for one per call).
const MAX_NONCES = 50_000;

export class DigestVerifier {
  private readonly nonces = new Map<string, NonceRecord>();

  constructor(private options: DigestVerifierOptions) {}

  configure(options: Partial<DigestVerifierOptions>): void {
    this.options = { ...this.options, ...options };
  }

  /** A fresh challenge, byte-for-byte in the form Cloud Manager sends. */
  challenge(stale: boolean): string {
    const nonce = this.issueNonce();
    return `Digest realm="${DIGEST_REALM}", domain="", nonce="${nonce}", algorithm=MD5, qop="auth", stale=${stale}`;
  }

  /** Every nonce issued so far becomes stale now. Returns how many were live. */
  expireAll(): number {
    let count = 0;
    for (const record of this.nonces.values()) {
      if (!record.expired) count++;
      record.expired = true;
    }
    return count;
  }

  /**
   * Checks an `Authorization: Digest …` header (the part after the scheme) for `method` and the request
   * target `uri` as received. `ha1For` returns the stored HA1 of a username, or undefined.
   */
  verify(params: Record<string, string>, method: string, uri: string, ha1For: (username: string) => string | undefined): DigestOutcome {
    const username = params["username"];
    const nc = params["nc"];
    const fail = (reason: string, stale = false): DigestOutcome => ({
      ok: false,
      stale,
      reason,
      ...(username !== undefined ? { username } : {}),
      ...(nc !== undefined ? { nc } : {}),
    });
    const { realm, nonce, response, cnonce, qop } = params;
    if (username === undefined || realm === undefined || nonce === undefined || params["uri"] === undefined || response === undefined) {
      return fail("incomplete Digest credentials");
    }
    if (realm !== DIGEST_REALM) return fail("wrong realm");
    const algorithm = params["algorithm"];
    if (algorithm !== undefined && algorithm.toUpperCase() !== "MD5") return fail("unsupported algorithm");
    if (qop !== "auth" || nc === undefined || cnonce === undefined) return fail("qop=auth with nc and cnonce required");
    if (!/^[0-9a-fA-F]{8}$/.test(nc)) return fail("nc must be 8 hex digits");
    if (params["uri"] !== uri) return fail("uri does not match the request");

    // Compute against a throwaway HA1 for unknown users so timing does not reveal which keys exist.
    const storedHa1 = ha1For(username);
    const ha1 = storedHa1 ?? md5(randomBytes(16).toString("hex"));
    const ha2 = md5(`${method}:${uri}`);
    const expected = md5(`${ha1}:${nonce}:${nc}:${cnonce}:${qop}:${ha2}`);
    const given = Buffer.from(response.toLowerCase(), "utf8");
    const match = given.length === expected.length && timingSafeEqual(given, Buffer.from(expected, "utf8"));
    if (!match || storedHa1 === undefined) return fail("wrong credentials");

    const record = this.nonces.get(nonce);
    if (!record || record.expired || Date.now() - record.issuedAt >= this.options.nonceLifetimeMs) {
      return fail("stale nonce", true);
    }
    const ncKey = nc.toLowerCase();
    if (this.options.rejectReusedNonceCount && record.usedNc.has(ncKey)) return fail("nonce count reused");
    record.usedNc.add(ncKey);
    return { ok: true, username, nc };
  }

  private issueNonce(): string {
    if (this.nonces.size >= MAX_NONCES) this.prune();
    const nonce = randomBytes(24).toString("base64url");
    this.nonces.set(nonce, { issuedAt: Date.now(), expired: false, usedNc: new Set() });
    return nonce;
  }

  private prune(): void {
    const now = Date.now();
    for (const [nonce, record] of this.nonces) {
      if (record.expired || now - record.issuedAt >= this.options.nonceLifetimeMs) this.nonces.delete(nonce);
    }
    // Still full: drop the oldest half (Map iterates in insertion order).
    if (this.nonces.size >= MAX_NONCES) {
      let drop = Math.floor(this.nonces.size / 2);
      for (const nonce of this.nonces.keys()) {
        if (drop-- <= 0) break;
        this.nonces.delete(nonce);
      }
    }
  }
}
