// Wire-level robustness: odd request targets, bodies an answer does not need, media types.
import { describe, expect, it } from "vitest";
import { DigestTestClient, digestHeader, emulator, errorCodeOf, parseChallenge, raw, type Reply } from "./helpers";
import { RawConnection, rawRequest, type RawResponse } from "./raw-http";

function expectJsonError(res: RawResponse, status: number, errorCode: string): void {
  expect(res.status).toBe(status);
  expect(res.headers["content-type"]).toBe("application/json");
  const body = JSON.parse(res.body) as Record<string, unknown>;
  expect(Object.keys(body)).toEqual(["detail", "error", "errorCode", "parameters", "reason"]);
  expect(body["error"]).toBe(status);
  expect(body["errorCode"]).toBe(errorCode);
}

const hostOf = (origin: string): string => new URL(origin).host;

describe("request targets", () => {
  it('answers "//" and other targets that are not a path with 400 INVALID_REQUEST_TARGET, and logs them', async () => {
    const emu = await emulator();
    const host = hostOf(emu.origin);
    for (const target of ["//", "//api/public/v1.0/orgs", "//__emulator/state", "*"]) {
      const res = await rawRequest(emu.origin, `GET ${target} HTTP/1.1\r\nHost: ${host}\r\nConnection: close\r\n\r\n`);
      expectJsonError(res, 400, "INVALID_REQUEST_TARGET");
      expect((JSON.parse(res.body) as { parameters: unknown[] }).parameters).toEqual([target]);
    }
    expect(emu.state.requests().map((r) => [r.path, r.status])).toEqual([
      ["//", 400],
      ["//api/public/v1.0/orgs", 400],
      ["//__emulator/state", 400],
      ["*", 400],
    ]);
  });

  it("answers requests Node's parser refuses (control character, no leading slash) with a JSON 400 too", async () => {
    const emu = await emulator();
    for (const target of ["/a\x01b", "foo"]) {
      const res = await rawRequest(emu.origin, `GET ${target} HTTP/1.1\r\nHost: ${hostOf(emu.origin)}\r\n\r\n`);
      expectJsonError(res, 400, "INVALID_REQUEST");
      expect(res.headers["connection"]).toBe("close");
    }
    // The server is unharmed.
    expect((await new DigestTestClient(emu).call("GET", `/orgs/${emu.org.id}`)).status).toBe(200);
  });

  it("takes an absolute-form target (RFC 9112) as its path", async () => {
    const emu = await emulator();
    const res = await rawRequest(
      emu.origin,
      `GET ${emu.baseUrl}/orgs/${emu.org.id}?pretty=true HTTP/1.1\r\nHost: ${hostOf(emu.origin)}\r\nConnection: close\r\n\r\n`,
    );
    expectJsonError(res, 401, "USER_UNAUTHORIZED");
    expect(emu.state.requests()[0]).toMatchObject({ path: `/api/public/v1.0/orgs/${emu.org.id}`, query: "pretty=true", status: 401 });
  });
});

describe("bodies the answer does not need", () => {
  it("answers an unauthenticated request before reading its large body, then closes the connection", async () => {
    const emu = await emulator();
    const conn = await RawConnection.open(emu.origin);
    const path = `/api/public/v1.0/orgs/${emu.org.id}/invites`;
    conn.write(
      `POST ${path} HTTP/1.1\r\nHost: ${hostOf(emu.origin)}\r\nContent-Type: application/json\r\nContent-Length: ${50 * 1024 * 1024}\r\n\r\n`,
    );
    // The first KB of an announced 50 MB, and nothing more: the answer must not wait for the rest.
    conn.write(Buffer.alloc(1024, 0x20));
    const res = await conn.response();
    expectJsonError(res, 401, "USER_UNAUTHORIZED");
    expect(res.headers["www-authenticate"]).toMatch(/^Digest realm="MMS Public API"/);
    expect(res.headers["connection"]).toBe("close");
    // ...and the server does not sit on the connection waiting for 50 MB.
    await conn.closed();
    expect(emu.state.requests()).toMatchObject([{ method: "POST", path, status: 401 }]);
    expect((await new DigestTestClient(emu).call("GET", `/orgs/${emu.org.id}`)).status).toBe(200);
  });

  it("also for a chunked body of unknown size", async () => {
    const emu = await emulator();
    const conn = await RawConnection.open(emu.origin);
    conn.write(
      `POST /api/public/v1.0/orgs/${emu.org.id}/invites HTTP/1.1\r\nHost: ${hostOf(emu.origin)}\r\nTransfer-Encoding: chunked\r\n\r\n400\r\n${" ".repeat(1024)}\r\n`,
    );
    const res = await conn.response();
    expectJsonError(res, 401, "USER_UNAUTHORIZED");
    expect(res.headers["connection"]).toBe("close");
    await conn.closed();
  });

  it("keeps the connection for a small body (a Digest probe carries its body), draining it", async () => {
    const emu = await emulator();
    const conn = await RawConnection.open(emu.origin);
    const host = hostOf(emu.origin);
    const body = JSON.stringify({ username: "probe@example.com", roles: ["ORG_MEMBER"] });
    conn.write(
      `POST /api/public/v1.0/orgs/${emu.org.id}/invites HTTP/1.1\r\nHost: ${host}\r\nContent-Type: application/json\r\nContent-Length: ${body.length}\r\n\r\n${body}`,
    );
    const first = await conn.response();
    expect(first.status).toBe(401);
    expect(first.headers["connection"]).not.toBe("close");
    // The same connection serves the next request: the body above was consumed, not taken for a request line.
    conn.write(`GET /api/public/v1.0/orgs/${emu.org.id} HTTP/1.1\r\nHost: ${host}\r\n\r\n`);
    expect((await conn.response()).status).toBe(401);
    conn.destroy();
    expect(emu.state.requests().map((r) => r.method)).toEqual(["POST", "GET"]);
  });

  it("refuses an announced body over 1 MB of an authenticated request with 413 before reading it", async () => {
    const emu = await emulator();
    const path = `/api/public/v1.0/orgs/${emu.org.id}/invites`;
    const probe = await raw(`${emu.origin}${path}`);
    const nonce = parseChallenge(probe.headers.get("www-authenticate")).nonce;
    const authorization = digestHeader({
      username: emu.credentials.publicKey,
      password: emu.credentials.privateKey,
      method: "POST",
      uri: path,
      nonce,
      nc: 1,
    });
    const conn = await RawConnection.open(emu.origin);
    conn.write(
      `POST ${path} HTTP/1.1\r\nHost: ${hostOf(emu.origin)}\r\nAuthorization: ${authorization}\r\nContent-Type: application/json\r\nContent-Length: ${2 * 1024 * 1024}\r\n\r\n`,
    );
    const res = await conn.response();
    expectJsonError(res, 413, "INVALID_JSON");
    expect(res.headers["connection"]).toBe("close");
    await conn.closed();
    expect(emu.state.invitations()).toEqual([]);
  });

  it("does not read the OAuth form of a client that did not authenticate", async () => {
    const emu = await emulator();
    const conn = await RawConnection.open(emu.origin);
    conn.write(
      `POST /api/oauth/token HTTP/1.1\r\nHost: ${hostOf(emu.origin)}\r\nContent-Type: application/x-www-form-urlencoded\r\nContent-Length: ${10 * 1024 * 1024}\r\n\r\ngrant_type=`,
    );
    const res = await conn.response();
    expect(res.status).toBe(401);
    expect(JSON.parse(res.body)).toMatchObject({ error: "invalid_client" });
    expect(res.headers["connection"]).toBe("close");
    await conn.closed();
  });
});

describe("media types", () => {
  function expect415(reply: Reply): void {
    expect(reply.status).toBe(415);
    expect(errorCodeOf(reply)).toBe("UNSUPPORTED_MEDIA_TYPE");
    expect(Object.keys(reply.json as object)).toEqual(["detail", "error", "errorCode", "parameters", "reason"]);
  }

  it("refuses a JSON body sent as text/plain (or any non-JSON type, or none) with 415 and acts on nothing", async () => {
    const emu = await emulator();
    const c = new DigestTestClient(emu);
    const url = `/orgs/${emu.org.id}/invites`;
    const body = JSON.stringify({ username: "plain@example.com", roles: ["ORG_MEMBER"] });
    const plain = await c.call("POST", url, body, { "Content-Type": "text/plain" });
    expect415(plain);
    expect((plain.json as { parameters: unknown[] }).parameters).toEqual(["text/plain"]);
    expect415(await c.call("POST", url, body, { "Content-Type": "application/x-www-form-urlencoded" }));
    expect415(await c.call("POST", url, new TextEncoder().encode(body)));
    expect(emu.state.invitations()).toEqual([]);

    const created = await c.call("POST", url, body, { "Content-Type": "Application/JSON; charset=utf-8" });
    expect(created.status).toBe(201);
    const id = (created.json as { id: string }).id;
    expect415(await c.call("PATCH", `${url}/${id}`, JSON.stringify({ roles: ["ORG_OWNER"] }), { "Content-Type": "text/plain" }));
    expect415(
      await c.call("PATCH", url, JSON.stringify({ username: "plain@example.com", roles: ["ORG_OWNER"] }), { "Content-Type": "text/plain" }),
    );
    expect(emu.state.invitations()[0]?.roles).toEqual(["ORG_MEMBER"]);
  });

  it("an empty POST without Content-Type is still INVALID_JSON; GET and DELETE do not look at the type", async () => {
    const emu = await emulator();
    const c = new DigestTestClient(emu);
    const empty = await c.call("POST", `/orgs/${emu.org.id}/invites`, new Uint8Array(0));
    expect(empty.status).toBe(400);
    expect(errorCodeOf(empty)).toBe("INVALID_JSON");
    expect((await c.call("GET", `/orgs/${emu.org.id}/invites`, undefined, { "Content-Type": "text/plain" })).status).toBe(200);
    expect(
      (await c.call("DELETE", `/orgs/${emu.org.id}/invites/${"a".repeat(24)}`, undefined, { "Content-Type": "text/plain" })).status,
    ).toBe(404);
  });
});
