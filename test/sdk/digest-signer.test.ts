import { describe, expect, it } from "vitest";
import {
  digestAuthorization,
  digestResponse,
  formatNonceCount,
  isSupportedChallenge,
  newCnonce,
  parseAuthParams,
  parseDigestChallenge,
  type DigestChallenge,
} from "../../sdk/auth/digest-signer";

function challenge(overrides: Partial<DigestChallenge>): DigestChallenge {
  return { realm: "r", nonce: "n", opaque: undefined, qop: ["auth"], algorithm: "MD5", stale: false, ...overrides };
}

describe("digest signer: RFC test vectors", () => {
  it("RFC 2617 §3.5 (Mufasa / Circle Of Life)", () => {
    const response = digestResponse({
      username: "Mufasa",
      password: "Circle Of Life",
      challenge: challenge({ realm: "testrealm@host.com", nonce: "dcd98b7102dd2f0e8b11d0f600bfb0c093" }),
      method: "GET",
      uri: "/dir/index.html",
      nc: 1,
      cnonce: "0a4f113b",
    });
    expect(response).toBe("6629fae49393a05397450978507c4ef1");
  });

  it("RFC 7616 §3.9.1 MD5 (Mufasa / Circle of Life)", () => {
    const response = digestResponse({
      username: "Mufasa",
      password: "Circle of Life",
      challenge: challenge({ realm: "http-auth@example.org", nonce: "7ypf/xlj9XXwfDPEoM4URrv/xwf94BcCAzFZH4GiTo0v" }),
      method: "GET",
      uri: "/dir/index.html",
      nc: 1,
      cnonce: "f2/wE4q74E6zIJEtWaHKaf5wv/H5QzzpXusqGemxURZJ",
    });
    expect(response).toBe("8ca523f5e9506fed4657c9700eebdbec");
  });

  it("RFC 7616 §3.9.1 SHA-256 (the same request)", () => {
    const response = digestResponse({
      username: "Mufasa",
      password: "Circle of Life",
      challenge: challenge({
        realm: "http-auth@example.org",
        nonce: "7ypf/xlj9XXwfDPEoM4URrv/xwf94BcCAzFZH4GiTo0v",
        algorithm: "SHA-256",
      }),
      method: "GET",
      uri: "/dir/index.html",
      nc: 1,
      cnonce: "f2/wE4q74E6zIJEtWaHKaf5wv/H5QzzpXusqGemxURZJ",
    });
    expect(response).toBe("753927fa0e85d155564e2e272a28d1802ca10daf4496794697cf8db5856cb6c1");
  });
});

describe("digest signer: nonce count", () => {
  it("is 8 lowercase hex digits", () => {
    expect(formatNonceCount(1)).toBe("00000001");
    expect(formatNonceCount(9)).toBe("00000009");
    expect(formatNonceCount(10)).toBe("0000000a");
    expect(formatNonceCount(16)).toBe("00000010");
    expect(formatNonceCount(255)).toBe("000000ff");
    expect(formatNonceCount(0xffffffff)).toBe("ffffffff");
  });

  it("cnonces are random", () => {
    const cnonces = new Set(Array.from({ length: 100 }, () => newCnonce()));
    expect(cnonces.size).toBe(100);
    for (const cnonce of cnonces) expect(cnonce).toMatch(/^[0-9a-f]{32}$/);
  });
});

describe("digest signer: challenge parsing", () => {
  const cloudManager = 'Digest realm="MMS Public API", domain="", nonce="abc/DEF+123=", algorithm=MD5, qop="auth", stale=false';

  it('reads Cloud Manager\'s challenge (separated by ", ")', () => {
    expect(parseDigestChallenge([cloudManager])).toEqual({
      realm: "MMS Public API",
      nonce: "abc/DEF+123=",
      opaque: undefined,
      qop: ["auth"],
      algorithm: "MD5",
      stale: false,
    });
  });

  it('reads the same challenge separated by "," only, with stale=true and an opaque', () => {
    const parsed = parseDigestChallenge([
      'Digest realm="MMS Public API",domain="",nonce="n2",algorithm=MD5,qop="auth",stale=TRUE,opaque="op,aque"',
    ]);
    expect(parsed).toMatchObject({ nonce: "n2", stale: true, opaque: "op,aque", qop: ["auth"] });
  });

  it("handles escaped quotes, qop lists and a lowercase scheme", () => {
    const parsed = parseDigestChallenge(['digest realm="a \\"quoted\\" realm", nonce=bare, qop="auth,auth-int"']);
    expect(parsed).toMatchObject({ realm: 'a "quoted" realm', nonce: "bare", qop: ["auth", "auth-int"], algorithm: "MD5" });
  });

  it("finds the Digest challenge among other schemes and header lines", () => {
    expect(parseDigestChallenge(['Basic realm="x"', 'Digest realm="r", nonce="n"'])?.nonce).toBe("n");
    expect(parseDigestChallenge(['Bearer realm="x", Digest realm="r", nonce="n2", Basic realm="y"'])).toMatchObject({
      realm: "r",
      nonce: "n2",
    });
  });

  it("rejects non-Digest or incomplete challenges", () => {
    expect(parseDigestChallenge([])).toBeUndefined();
    expect(parseDigestChallenge(['Basic realm="x"'])).toBeUndefined();
    expect(parseDigestChallenge(['Digest realm="x"'])).toBeUndefined();
  });

  it("knows what it can answer", () => {
    expect(isSupportedChallenge(challenge({}))).toBe(true);
    expect(isSupportedChallenge(challenge({ qop: [] }))).toBe(true);
    expect(isSupportedChallenge(challenge({ qop: ["auth-int"] }))).toBe(false);
    expect(isSupportedChallenge(challenge({ algorithm: "SHA-512-256" }))).toBe(false);
  });

  it("parses auth params with keys lowercased and the first value kept", () => {
    const params = parseAuthParams('Realm="a", NONCE=b , realm="c"');
    expect(params.get("realm")).toBe("a");
    expect(params.get("nonce")).toBe("b");
  });
});

describe("digest signer: Authorization header", () => {
  it("quotes username, realm, nonce, uri, cnonce, response, opaque and leaves algorithm, qop, nc bare", () => {
    const header = digestAuthorization({
      username: "Mufasa",
      password: "Circle Of Life",
      challenge: challenge({
        realm: "testrealm@host.com",
        nonce: "dcd98b7102dd2f0e8b11d0f600bfb0c093",
        opaque: "5ccc069c403ebaf9f0171e9517f40e41",
      }),
      method: "GET",
      uri: "/dir/index.html",
      nc: 1,
      cnonce: "0a4f113b",
    });
    expect(header).toBe(
      'Digest username="Mufasa", realm="testrealm@host.com", nonce="dcd98b7102dd2f0e8b11d0f600bfb0c093", ' +
        'uri="/dir/index.html", algorithm=MD5, qop=auth, nc=00000001, cnonce="0a4f113b", ' +
        'response="6629fae49393a05397450978507c4ef1", opaque="5ccc069c403ebaf9f0171e9517f40e41"',
    );
    // What the header says parses back.
    const params = parseAuthParams(header.slice("Digest ".length));
    expect(params.get("nc")).toBe("00000001");
    expect(params.get("qop")).toBe("auth");
  });

  it("escapes quotes in the username and never contains the password", () => {
    const header = digestAuthorization({
      username: 'we"ird\\',
      password: "s3cret-password",
      challenge: challenge({}),
      method: "POST",
      uri: "/a?b=c",
      nc: 10,
      cnonce: "c",
    });
    expect(header).toContain('username="we\\"ird\\\\"');
    expect(header).toContain("nc=0000000a");
    expect(header).not.toContain("s3cret-password");
    expect(parseAuthParams(header.slice(7)).get("username")).toBe('we"ird\\');
  });
});
