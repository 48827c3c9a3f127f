// The Digest verifier's memory: nc values are kept only while reuse is refused, and nonces past their
// lifetime are dropped as new ones are issued. A test clock decides what is past; no waiting.
import { describe, expect, it } from "vitest";
import { DigestVerifier, DIGEST_REALM, digestHa1, md5 } from "../../emulator/digest-verifier";

const USER = "pubkey";
const HA1 = digestHa1(USER, "private-key");
const URI = "/api/public/v1.0/orgs/5f1b2c3d4e5f6a7b8c9d0e1f";

function nonceOf(challenge: string): string {
  const nonce = /nonce="([^"]+)"/.exec(challenge)?.[1];
  if (nonce === undefined) throw new Error(`no nonce in ${challenge}`);
  return nonce;
}

function verify(verifier: DigestVerifier, nonce: string, nc: number) {
  const ncHex = nc.toString(16).padStart(8, "0");
  const cnonce = "0a4f113b";
  const response = md5(`${HA1}:${nonce}:${ncHex}:${cnonce}:auth:${md5(`GET:${URI}`)}`);
  const params = { username: USER, realm: DIGEST_REALM, nonce, uri: URI, response, qop: "auth", nc: ncHex, cnonce, algorithm: "MD5" };
  return verifier.verify(params, "GET", URI, (u) => (u === USER ? HA1 : undefined));
}

describe("DigestVerifier memory", () => {
  it("keeps no nc values when reused nc values are allowed", () => {
    const verifier = new DigestVerifier({ nonceLifetimeMs: 60_000, rejectReusedNonceCount: false });
    const nonce = nonceOf(verifier.challenge(false));
    for (let nc = 1; nc <= 100; nc++) expect(verify(verifier, nonce, nc)).toMatchObject({ ok: true });
    expect(verify(verifier, nonce, 1)).toMatchObject({ ok: true });
    expect(verifier.storedNonceCounts).toBe(0);
  });

  it("keeps the nc values it needs to refuse reuse when that is on (also when turned on later)", () => {
    const verifier = new DigestVerifier({ nonceLifetimeMs: 60_000, rejectReusedNonceCount: false });
    const nonce = nonceOf(verifier.challenge(false));
    expect(verify(verifier, nonce, 1)).toMatchObject({ ok: true });
    verifier.configure({ rejectReusedNonceCount: true });
    for (let nc = 2; nc <= 11; nc++) expect(verify(verifier, nonce, nc)).toMatchObject({ ok: true });
    expect(verifier.storedNonceCounts).toBe(10);
    expect(verify(verifier, nonce, 5)).toEqual({ ok: false, stale: false, reason: "nonce count reused", username: USER, nc: "00000005" });
  });

  it("drops nonces past their lifetime when new ones are issued, and answers a dropped one as stale", () => {
    let now = 0;
    const verifier = new DigestVerifier({ nonceLifetimeMs: 1000, rejectReusedNonceCount: true, now: () => now });
    const old = Array.from({ length: 10 }, () => nonceOf(verifier.challenge(false)));
    for (const nonce of old) expect(verify(verifier, nonce, 1)).toMatchObject({ ok: true });
    now = 999;
    const younger = nonceOf(verifier.challenge(false));
    expect(verifier.nonceCount).toBe(11); // none past its lifetime yet
    now = 1000;
    verifier.challenge(false);
    expect(verifier.nonceCount).toBe(2); // the ten from t=0 are gone, with their nc values
    expect(verifier.storedNonceCounts).toBe(0);
    expect(verify(verifier, old[0] ?? "", 2)).toMatchObject({ ok: false, stale: true });
    expect(verify(verifier, younger, 1)).toMatchObject({ ok: true });
  });

  it("drops the nonces made stale by expireAll at the next issue", () => {
    const verifier = new DigestVerifier({ nonceLifetimeMs: 60_000, rejectReusedNonceCount: false, now: () => 0 });
    for (let i = 0; i < 5; i++) verifier.challenge(false);
    expect(verifier.expireAll()).toBe(5);
    expect(verifier.nonceCount).toBe(5);
    verifier.challenge(true);
    expect(verifier.nonceCount).toBe(1);
  });

  it("holds no more nonces than are alive, however many are issued over time", () => {
    let now = 0;
    const verifier = new DigestVerifier({ nonceLifetimeMs: 100, rejectReusedNonceCount: false, now: () => now });
    for (let i = 0; i < 10_000; i++) {
      now = i; // one nonce per ms, each alive for 100 ms
      verifier.challenge(false);
    }
    expect(verifier.nonceCount).toBe(100);
  });
});
