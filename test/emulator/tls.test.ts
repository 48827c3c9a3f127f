// TLS mode: a private CA and a server certificate made at start with openssl; HTTPS on the same
// server for the API, the OAuth endpoints and the control plane.
import { execFileSync } from "node:child_process";
import { X509Certificate } from "node:crypto";
import { existsSync, readFileSync, statSync } from "node:fs";
import { request } from "node:https";
import { dirname } from "node:path";
import { describe, expect, it } from "vitest";
import { CloudManagerClient } from "../../sdk";
import { subjectAltNames } from "../../emulator/tls";
import { emulator, md5, parseChallenge } from "./helpers";

interface HttpsReply {
  status: number;
  headers: Record<string, string | string[] | undefined>;
  body: string;
}

/** One HTTPS request with Node's own client (no fetch: its CA cannot be set per request). */
function httpsCall(
  url: string,
  options: { ca?: string; method?: string; headers?: Record<string, string>; body?: string } = {},
): Promise<HttpsReply> {
  return new Promise((resolve, reject) => {
    const req = request(
      url,
      { method: options.method ?? "GET", headers: options.headers ?? {}, ...(options.ca ? { ca: options.ca } : {}), agent: false },
      (res) => {
        let body = "";
        res.setEncoding("utf8");
        res.on("data", (chunk: string) => (body += chunk));
        res.on("end", () => resolve({ status: res.statusCode ?? 0, headers: res.headers, body }));
        res.on("error", reject);
      },
    );
    req.on("error", reject);
    req.end(options.body);
  });
}

/** A Digest-signed GET over HTTPS: unsigned probe, then the signed retry. */
async function signedGet(url: string, ca: string, publicKey: string, privateKey: string): Promise<HttpsReply> {
  const probe = await httpsCall(url, { ca });
  expect(probe.status).toBe(401);
  const { nonce } = parseChallenge(String(probe.headers["www-authenticate"]));
  const uri = new URL(url).pathname + new URL(url).search;
  const cnonce = "0a1b2c3d";
  const ha1 = md5(`${publicKey}:MMS Public API:${privateKey}`);
  const response = md5(`${ha1}:${nonce}:00000001:${cnonce}:auth:${md5(`GET:${uri}`)}`);
  const authorization = `Digest username="${publicKey}", realm="MMS Public API", nonce="${nonce}", uri="${uri}", algorithm=MD5, response="${response}", qop=auth, nc=00000001, cnonce="${cnonce}"`;
  return httpsCall(url, { ca, headers: { Authorization: authorization } });
}

describe("TLS mode", () => {
  it("serves HTTPS with a certificate signed by the returned CA: localhost and 127.0.0.1 in the SAN, the CA a CA", async () => {
    const emu = await emulator({ tls: true });
    expect(emu.baseUrl).toMatch(/^https:\/\/127\.0\.0\.1:\d+\/api\/public\/v1\.0$/);
    expect(emu.origin).toMatch(/^https:\/\/127\.0\.0\.1:\d+$/);
    const pem = emu.caCertificate ?? "";
    expect(pem).toMatch(/^-----BEGIN CERTIFICATE-----\n/);
    expect(readFileSync(emu.caCertificatePath ?? "", "utf8")).toBe(pem);
    expect(statSync(dirname(emu.caCertificatePath ?? "")).mode & 0o777).toBe(0o700);

    const ca = new X509Certificate(pem);
    expect(ca.ca).toBe(true);
    expect(ca.publicKey.asymmetricKeyDetails?.namedCurve).toBe("prime256v1");

    const reply = await signedGet(`${emu.baseUrl}/orgs/${emu.org.id}`, pem, emu.credentials.publicKey, emu.credentials.privateKey);
    expect(reply.status).toBe(200);
    // links follow the scheme the client used
    expect(JSON.parse(reply.body)).toMatchObject({ id: emu.org.id, links: [{ href: `${emu.baseUrl}/orgs/${emu.org.id}`, rel: "self" }] });
  });

  it("the server certificate names localhost, 127.0.0.1 and ::1, is no CA, and verifies against the CA", async () => {
    const emu = await emulator({ tls: true });
    const server = await new Promise<X509Certificate>((resolve, reject) => {
      const req = request(`${emu.origin}/`, { ca: emu.caCertificate, agent: false }, (res) => {
        const peer = res.socket as import("node:tls").TLSSocket;
        resolve(peer.getPeerX509Certificate() as X509Certificate);
        res.resume();
      });
      req.on("error", reject);
      req.end();
    });
    expect(server.ca).toBe(false);
    expect(server.subjectAltName).toContain("DNS:localhost");
    expect(server.subjectAltName).toContain("IP Address:127.0.0.1");
    expect(server.subjectAltName).toMatch(/IP Address:(0:0:0:0:0:0:0:1|::1)/);
    expect(server.checkIssued(new X509Certificate(emu.caCertificate ?? ""))).toBe(true);
    expect(server.verify(new X509Certificate(emu.caCertificate ?? "").publicKey)).toBe(true);
  });

  it("without the CA, a Node https request fails with a certificate error", async () => {
    const emu = await emulator({ tls: true });
    const failure = await httpsCall(`${emu.baseUrl}/orgs/${emu.org.id}`).then(
      () => undefined,
      (error: NodeJS.ErrnoException) => error,
    );
    expect(failure?.code).toMatch(/^(UNABLE_TO_VERIFY_LEAF_SIGNATURE|SELF_SIGNED_CERT_IN_CHAIN|UNABLE_TO_GET_ISSUER_CERT_LOCALLY)$/);
  });

  it("a CA of another start is not trusted (every start makes its own)", async () => {
    const first = await emulator({ tls: true });
    const second = await emulator({ tls: true });
    expect(first.caCertificate).not.toBe(second.caCertificate);
    const failure = await httpsCall(`${second.origin}/`, { ca: first.caCertificate ?? "" }).then(
      () => undefined,
      (error: NodeJS.ErrnoException) => error,
    );
    expect(failure?.code).toMatch(/CERT|SIGNATURE|ISSUER/);
  });

  it("the SDK client trusts it through caCertificate and lists invitations (API key and service account)", async () => {
    const emu = await emulator({ tls: true });
    const keyClient = new CloudManagerClient({
      baseUrl: emu.baseUrl,
      publicKey: emu.credentials.publicKey,
      privateKey: emu.credentials.privateKey,
      caCertificate: emu.caCertificate ?? "",
    });
    const created = await keyClient.createInvitation(emu.org.id, { username: "new@example.com", roles: ["ORG_MEMBER"] });
    expect((await keyClient.listInvitations(emu.org.id)).map((i) => i.id)).toEqual([created.id]);

    const saClient = new CloudManagerClient({
      baseUrl: emu.baseUrl,
      clientId: emu.serviceAccount?.clientId ?? "",
      clientSecret: emu.serviceAccount?.clientSecret ?? "",
      caCertificate: emu.caCertificate ?? "",
    });
    expect((await saClient.listInvitations(emu.org.id)).map((i) => i.username)).toEqual(["new@example.com"]);
  });

  it("the SDK client without caCertificate refuses the certificate", async () => {
    const emu = await emulator({ tls: true });
    const client = new CloudManagerClient({
      baseUrl: emu.baseUrl,
      publicKey: emu.credentials.publicKey,
      privateKey: emu.credentials.privateKey,
      retry: { maxRetries: 0 },
    });
    await expect(client.listInvitations(emu.org.id)).rejects.toThrow(/certificate|TLS/i);
    expect(emu.state.requests()).toEqual([]);
  });

  it("keeps the control plane on the same server, with the same-origin check on https", async () => {
    const emu = await emulator({ tls: true });
    const ca = emu.caCertificate ?? "";
    const state = await httpsCall(`${emu.origin}/__emulator/state`, { ca });
    expect(state.status).toBe(200);
    expect(JSON.parse(state.body)).toMatchObject({ orgs: [{ id: emu.org.id }] });
    const post = { method: "POST", headers: { "Content-Type": "application/json" }, body: JSON.stringify({ name: "Second" }) };
    const own = await httpsCall(`${emu.origin}/__emulator/orgs`, { ca, ...post, headers: { ...post.headers, Origin: emu.origin } });
    expect(own.status).toBe(201);
    const plain = await httpsCall(`${emu.origin}/__emulator/orgs`, {
      ca,
      ...post,
      headers: { ...post.headers, Origin: emu.origin.replace("https:", "http:") },
    });
    expect(plain.status).toBe(403);
    expect(JSON.parse(plain.body)).toMatchObject({ errorCode: "CONTROL_PLANE_FOREIGN_ORIGIN" });
  });

  it("serves the OAuth token endpoint over HTTPS", async () => {
    const emu = await emulator({ tls: true });
    const sa = emu.serviceAccount ?? { clientId: "", clientSecret: "" };
    const reply = await httpsCall(`${emu.origin}/api/oauth/token`, {
      ca: emu.caCertificate ?? "",
      method: "POST",
      headers: {
        Authorization: `Basic ${Buffer.from(`${sa.clientId}:${sa.clientSecret}`).toString("base64")}`,
        "Content-Type": "application/x-www-form-urlencoded",
      },
      body: "grant_type=client_credentials",
    });
    expect(reply.status).toBe(200);
    expect(JSON.parse(reply.body)).toMatchObject({ token_type: "Bearer" });
  });

  it("leaves no CA private key behind, and removes its folder at close", async () => {
    const emu = await emulator({ tls: true });
    const dir = dirname(emu.caCertificatePath ?? "");
    expect(execFileSync("ls", [dir], { encoding: "utf8" }).split("\n").filter(Boolean).sort()).toEqual([
      "ca.pem",
      "server.key",
      "server.pem",
    ]);
    expect(statSync(`${dir}/server.key`).mode & 0o777).toBe(0o600);
    await emu.close();
    expect(existsSync(dir)).toBe(false);
  });

  it("is off by default: plain HTTP, no CA", async () => {
    const emu = await emulator();
    expect(emu.origin).toMatch(/^http:\/\//);
    expect(emu.caCertificate).toBeUndefined();
    expect(emu.caCertificatePath).toBeUndefined();
  });

  it("names the listening host in the certificate too", () => {
    expect(subjectAltNames("127.0.0.1")).toEqual(["DNS:localhost", "IP:127.0.0.1", "IP:::1"]);
    expect(subjectAltNames("0.0.0.0")).toEqual(["DNS:localhost", "IP:127.0.0.1", "IP:::1", "IP:0.0.0.0"]);
    expect(subjectAltNames("Emulator.Local")).toEqual(["DNS:localhost", "IP:127.0.0.1", "IP:::1", "DNS:emulator.local"]);
  });
});

describe("TLS mode without openssl", () => {
  it("fails the start with a message naming apt-get install openssl", async () => {
    const path = process.env["PATH"];
    process.env["PATH"] = "/nonexistent-bin";
    try {
      await expect(emulator({ tls: true })).rejects.toThrow(/openssl.*apt-get install openssl/s);
    } finally {
      process.env["PATH"] = path;
    }
  });
});
