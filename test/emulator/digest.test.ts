import { describe, expect, it } from "vitest";
import { DigestTestClient, control, digestHeader, emulator, errorCodeOf, parseChallenge, raw } from "./helpers";

const CHALLENGE = /^Digest realm="MMS Public API", domain="", nonce="([A-Za-z0-9_-]+)", algorithm=MD5, qop="auth", stale=(true|false)$/;

describe("Digest authentication", () => {
  it("challenges an unauthenticated call byte-for-byte in Cloud Manager's form, with a JSON 401 body", async () => {
    const emu = await emulator();
    const reply = await raw(`${emu.baseUrl}/orgs/${emu.org.id}/invites`);
    expect(reply.status).toBe(401);
    const header = reply.headers.get("www-authenticate") ?? "";
    const match = CHALLENGE.exec(header);
    expect(match).not.toBeNull();
    expect(match?.[2]).toBe("false");
    expect(header).toBe(`Digest realm="MMS Public API", domain="", nonce="${match?.[1]}", algorithm=MD5, qop="auth", stale=false`);
    expect(reply.json).toEqual({
      detail: "You are not authorized for this resource.",
      error: 401,
      errorCode: "USER_UNAUTHORIZED",
      parameters: [],
      reason: "Unauthorized",
    });
    // A fresh nonce per challenge.
    const second = await raw(`${emu.baseUrl}/orgs/${emu.org.id}/invites`);
    expect(parseChallenge(second.headers.get("www-authenticate")).nonce).not.toBe(match?.[1]);
  });

  async function signed(
    emu: Awaited<ReturnType<typeof emulator>>,
    opts: { password?: string; nc?: number; nonce?: string; uri?: string; signUri?: string; username?: string; realm?: string } = {},
  ) {
    const uri = opts.uri ?? `/api/public/v1.0/orgs/${emu.org.id}/invites`;
    const nonce = opts.nonce ?? parseChallenge((await raw(emu.origin + uri)).headers.get("www-authenticate")).nonce;
    const header = digestHeader({
      username: opts.username ?? emu.credentials.publicKey,
      password: opts.password ?? emu.credentials.privateKey,
      method: "GET",
      uri: opts.signUri ?? uri,
      nonce,
      nc: opts.nc ?? 1,
      ...(opts.realm ? { realm: opts.realm } : {}),
    });
    return { nonce, reply: await raw(emu.origin + uri, { headers: { Authorization: header } }) };
  }

  it("accepts a correctly signed request and keeps accepting the cached nonce with growing hex nc", async () => {
    const emu = await emulator();
    const first = await signed(emu);
    expect(first.reply.status).toBe(200);
    for (const nc of [2, 9, 10, 11, 255]) {
      const next = await signed(emu, { nonce: first.nonce, nc });
      expect(next.reply.status).toBe(200);
    }
    const ncs = emu.state
      .requests()
      .filter((r) => r.auth.type === "digest")
      .map((r) => (r.auth.type === "digest" ? r.auth.nc : ""));
    expect(ncs).toEqual(["00000001", "00000002", "00000009", "0000000a", "0000000b", "000000ff"]);
  });

  it("answers a wrong private key, unknown key, wrong realm or a uri that is not the request's with a fresh challenge, stale=false", async () => {
    const emu = await emulator();
    for (const opts of [
      { password: "wrong" },
      { username: "nobody" },
      { realm: "Other" },
      { signUri: `/api/public/v1.0/orgs/${emu.org.id}/invites?x=1` },
    ]) {
      const { reply } = await signed(emu, opts);
      expect(reply.status).toBe(401);
      expect(errorCodeOf(reply)).toBe("USER_UNAUTHORIZED");
      expect(parseChallenge(reply.headers.get("www-authenticate")).stale).toBe("false");
    }
  });

  it("signs the query string as part of the uri", async () => {
    const emu = await emulator();
    const uri = `/api/public/v1.0/orgs/${emu.org.id}/invites?username=a%40example.com&pretty=true`;
    expect((await signed(emu, { uri })).reply.status).toBe(200);
  });

  it("answers a nonce past its lifetime with stale=true, and a fresh nonce then works", async () => {
    const emu = await emulator({ nonceLifetimeSeconds: 0 });
    const { reply } = await signed(emu);
    expect(reply.status).toBe(401);
    expect(CHALLENGE.exec(reply.headers.get("www-authenticate") ?? "")?.[2]).toBe("true");
  });

  it("POST /__emulator/nonces/expire makes every issued nonce stale (stale=true), only for correct credentials", async () => {
    const emu = await emulator();
    const first = await signed(emu);
    expect(first.reply.status).toBe(200);
    const expired = await control(emu, "POST", "/nonces/expire");
    expect(expired.status).toBe(200);
    expect(expired.json).toEqual({ expired: expect.any(Number) as unknown });
    const stale = await signed(emu, { nonce: first.nonce, nc: 2 });
    expect(stale.reply.status).toBe(401);
    expect(parseChallenge(stale.reply.headers.get("www-authenticate")).stale).toBe("true");
    const wrong = await signed(emu, { nonce: first.nonce, nc: 3, password: "nope" });
    expect(parseChallenge(wrong.reply.headers.get("www-authenticate")).stale).toBe("false");
    // The client recovers with the new nonce.
    const fresh = parseChallenge(stale.reply.headers.get("www-authenticate")).nonce;
    expect((await signed(emu, { nonce: fresh, nc: 1 })).reply.status).toBe(200);
  });

  it("treats a nonce it never issued (e.g. from before a restart) as stale when the response is right", async () => {
    const emu = await emulator();
    const { reply } = await signed(emu, { nonce: "bm90LWlzc3VlZA" });
    expect(reply.status).toBe(401);
    expect(parseChallenge(reply.headers.get("www-authenticate")).stale).toBe("true");
  });

  it("refuses a reused nc for a nonce only when rejectReusedNonceCount is on", async () => {
    const lenient = await emulator();
    const a = await signed(lenient, { nc: 1 });
    expect((await signed(lenient, { nonce: a.nonce, nc: 1 })).reply.status).toBe(200);

    const strict = await emulator({ rejectReusedNonceCount: true });
    const b = await signed(strict, { nc: 1 });
    expect(b.reply.status).toBe(200);
    const reused = await signed(strict, { nonce: b.nonce, nc: 1 });
    expect(reused.reply.status).toBe(401);
    expect(parseChallenge(reused.reply.headers.get("www-authenticate")).stale).toBe("false");
    // Out-of-order but unused counts are fine (concurrent calls arrive in any order).
    expect((await signed(strict, { nonce: b.nonce, nc: 3 })).reply.status).toBe(200);
    expect((await signed(strict, { nonce: b.nonce, nc: 2 })).reply.status).toBe(200);
  });

  it("under 50 concurrent calls on one nonce, unique counts all pass and each reused count is refused", async () => {
    const emu = await emulator({ rejectReusedNonceCount: true });
    const uri = `/api/public/v1.0/orgs/${emu.org.id}`;
    const nonce = parseChallenge((await raw(emu.origin + uri)).headers.get("www-authenticate")).nonce;
    const send = (nc: number) =>
      raw(emu.origin + uri, {
        headers: {
          Authorization: digestHeader({
            username: emu.credentials.publicKey,
            password: emu.credentials.privateKey,
            method: "GET",
            uri,
            nonce,
            nc,
          }),
        },
      }).then((r) => r.status);
    const unique = await Promise.all(Array.from({ length: 50 }, (_, i) => send(i + 1)));
    expect(unique).toEqual(Array(50).fill(200));
    // 25 counts sent twice at once: every one is already used.
    const again = await Promise.all(Array.from({ length: 50 }, (_, i) => send((i % 25) + 1)));
    expect(again).toEqual(Array(50).fill(401));
    // 10 fresh counts, each sent twice concurrently: exactly one of each pair passes.
    const pairs = await Promise.all(Array.from({ length: 20 }, (_, i) => send(100 + (i % 10))));
    expect(pairs.filter((s) => s === 200)).toHaveLength(10);
  });

  it("a caching client with hex nc makes N calls in N+1 wire requests, even with reuse rejection on", async () => {
    const emu = await emulator({ rejectReusedNonceCount: true });
    const client = new DigestTestClient(emu);
    for (let i = 0; i < 20; i++) expect((await client.call("GET", `/orgs/${emu.org.id}/invites`)).status).toBe(200);
    expect(emu.state.requests()).toHaveLength(21);
  });
});
