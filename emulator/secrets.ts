// Secrets are kept as digests and compared in constant time.
import { createHash, timingSafeEqual } from "node:crypto";

export function secretDigest(secret: string): string {
  return createHash("sha256").update(secret, "utf8").digest("hex");
}

export function secretMatches(secret: string, digest: string): boolean {
  const given = Buffer.from(secretDigest(secret), "hex");
  const stored = Buffer.from(digest, "hex");
  return given.length === stored.length && timingSafeEqual(given, stored);
}
