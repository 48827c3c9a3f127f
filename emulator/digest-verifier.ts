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
  /** Clock in ms (tests); default Date.now. */
  now?: () => number;
}

interface NonceRecord {
  issuedAt: number;
  expired: boolean;
  /** The `nc` values used with this nonce; kept only while reuse is refused (else nothing reads them). */
  usedNc: Set<string> | undefined;
}

// A backstop only: nonces past their lifetime are dropped as new ones are issued, so this is reached
// only by more than this many nonces within one lifetime (MongoDB's Go transport asks for one per call).
const MAX_NONCES = 50_000;

export class DigestVerifier {
  /** By issue time: Map keeps insertion order, so the oldest nonces come first. */
  private readonly nonces = new Map<string, NonceRecord>();

  constructor(private options: DigestVerifierOptions) {}

  configure(options: Partial<DigestVerifierOptions>): void {
    this.options = { ...this.options, ...options };
  }

  /** Nonces held in memory (issued, not yet dropped). */
  get nonceCount(): number {
    return this.nonces.size;
  }

  /** `nc` values held in memory across all nonces. */
  get storedNonceCounts(): number {
    let total = 0;
    for (const record of this.nonces.values()) total += record.usedNc?.size ?? 0;
    return total;
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
      if (!this.isPast(record)) count++;
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
    if (!record || this.isPast(record)) return fail("stale nonce", true);
    if (this.options.rejectReusedNonceCount) {
      const ncKey = nc.toLowerCase();
      record.usedNc ??= new Set();
      if (record.usedNc.has(ncKey)) return fail("nonce count reused");
      record.usedNc.add(ncKey);
    }
    return { ok: true, username, nc };
  }

  private issueNonce(): string {
    this.dropPastNonces();
    if (this.nonces.size >= MAX_NONCES) this.dropOldestHalf();
    const nonce = randomBytes(24).toString("base64url");
    this.nonces.set(nonce, { issuedAt: this.now(), expired: false, usedNc: undefined });
    return nonce;
  }

  private now(): number {
    return (this.options.now ?? Date.now)();
  }

  private isPast(record: NonceRecord): boolean {
    return record.expired || this.now() - record.issuedAt >= this.options.nonceLifetimeMs;
  }

  /**
   * Drops the nonces past their lifetime from the old end, stopping at the first live one: each
   * nonce is dropped once, so this costs O(1) per issue, amortized. A client presenting a dropped
   * nonce gets the same `stale=true` answer as for an expired one.
   */
  private dropPastNonces(): void {
    for (const [nonce, record] of this.nonces) {
      if (!this.isPast(record)) break;
      this.nonces.delete(nonce);
    }
  }

  /** Still full of live nonces: drop the oldest half. */
  private dropOldestHalf(): void {
    let drop = Math.floor(this.nonces.size / 2);
    for (const nonce of this.nonces.keys()) {
      if (drop-- <= 0) break;
      this.nonces.delete(nonce);
    }
  }
}
