// Bearer tokens for service accounts: JWT-shaped, kept only as SHA-256 digests, with a lifetime.
import { createHash, createHmac, randomBytes, randomUUID } from "node:crypto";

export type TokenLookup =
  { status: "valid"; clientId: string } | { status: "expired" | "revoked"; clientId: string } | { status: "unknown" };

interface TokenRecord {
  clientId: string;
  expiresAt: number;
  revoked: boolean;
}

const sha256 = (text: string): string => createHash("sha256").update(text, "utf8").digest("hex");
const b64url = (value: unknown): string => Buffer.from(JSON.stringify(value), "utf8").toString("base64url");

export class TokenStore {
  private readonly tokens = new Map<string, TokenRecord>();
  private readonly signingKey = randomBytes(32);

  constructor(private lifetimeSeconds: number) {}

  configure(lifetimeSeconds: number): void {
    this.lifetimeSeconds = lifetimeSeconds;
  }

  issue(clientId: string): { accessToken: string; expiresIn: number } {
    this.prune();
    const now = Math.floor(Date.now() / 1000);
    const header = b64url({ alg: "HS256", typ: "JWT" });
    const payload = b64url({ sub: clientId, iat: now, exp: now + this.lifetimeSeconds, jti: randomUUID(), iss: "cloudmanager-emulator" });
    const signature = createHmac("sha256", this.signingKey).update(`${header}.${payload}`).digest("base64url");
    const accessToken = `${header}.${payload}.${signature}`;
    this.tokens.set(sha256(accessToken), { clientId, expiresAt: Date.now() + this.lifetimeSeconds * 1000, revoked: false });
    return { accessToken, expiresIn: this.lifetimeSeconds };
  }

  lookup(token: string): TokenLookup {
    const record = this.tokens.get(sha256(token));
    if (!record) return { status: "unknown" };
    if (record.revoked) return { status: "revoked", clientId: record.clientId };
    if (Date.now() >= record.expiresAt) return { status: "expired", clientId: record.clientId };
    return { status: "valid", clientId: record.clientId };
  }

  /** RFC 7009: revoking an unknown token, or another client's, is not an error (and does nothing). */
  revoke(token: string, clientId: string): boolean {
    const record = this.tokens.get(sha256(token));
    if (!record || record.clientId !== clientId) return false;
    record.revoked = true;
    return true;
  }

  /** Every token issued so far is expired now. Returns how many were live. */
  expireAll(): number {
    const now = Date.now();
    let count = 0;
    for (const record of this.tokens.values()) {
      if (!record.revoked && record.expiresAt > now) count++;
      record.expiresAt = Math.min(record.expiresAt, now);
    }
    return count;
  }

  forgetClient(clientId: string): void {
    for (const [hash, record] of this.tokens) if (record.clientId === clientId) this.tokens.delete(hash);
  }

  private prune(): void {
    if (this.tokens.size < 10_000) return;
    const now = Date.now();
    for (const [hash, record] of this.tokens) if (record.revoked || record.expiresAt <= now) this.tokens.delete(hash);
  }
}
