// Identifiers in the shapes Cloud Manager uses.
import { randomBytes, randomInt, randomUUID } from "node:crypto";

/** Org, invitation, team and user ids: 24 lowercase hex characters (a MongoDB ObjectId). */
export const OBJECT_ID = /^[0-9a-f]{24}$/;

export function isObjectId(value: string): boolean {
  return OBJECT_ID.test(value);
}

/** ObjectId-like: 4 bytes of seconds then 8 random bytes, so ids sort roughly by creation. */
export function newObjectId(): string {
  const seconds = Math.floor(Date.now() / 1000)
    .toString(16)
    .padStart(8, "0");
  return seconds + randomBytes(8).toString("hex");
}

/** Programmatic API key public keys are 8 lowercase letters. */
export function newPublicKey(): string {
  let key = "";
  for (let i = 0; i < 8; i++) key += String.fromCharCode(97 + randomInt(26));
  return key;
}

export function newPrivateKey(): string {
  return randomUUID();
}

export function newClientId(): string {
  return `mdb_sa_id_${newObjectId()}`;
}

export function newClientSecret(): string {
  return `mdb_sa_sk_${randomBytes(30).toString("base64url")}`;
}

/** ISO 8601 at second precision with a `Z`, as Cloud Manager writes timestamps. */
export function isoSeconds(ms: number): string {
  return new Date(Math.floor(ms / 1000) * 1000).toISOString().replace(/\.\d{3}Z$/, "Z");
}
