import { afterAll, afterEach, beforeAll, describe, expect, it } from "vitest";
import { createServer as createHttpServer, request as httpRequest, type Server } from "node:http";
import { createServer as createHttpsServer } from "node:https";
import { connect, type AddressInfo, type Socket } from "node:net";
import * as tls from "node:tls";
import { CloudManagerClient, isCloudManagerError, type CloudManagerError } from "../../sdk";
import { HttpTransport, type HttpTransportOptions } from "../../sdk/transport/http-transport";
import { NetworkFailure } from "../../sdk/errors/failures";
import type { WireResponse } from "../../sdk/wire";
import { challenge, json, startScriptedServer, type ScriptedServer } from "./support/scripted-server";
import { makeTestCertificates, type TestCertificates } from "./support/test-certificates";

// The undici transport on real sockets: TLS with a private CA, proxies, deadlines, keep-alive.

const transports: HttpTransport[] = [];
const servers: Server[] = [];

function transport(options: Partial<HttpTransportOptions> = {}): HttpTransport {
  const created = new HttpTransport({ requestTimeoutMs: 5_000, env: {}, ...options });
  transports.push(created);
  return created;
}

async function listen(server: Server): Promise<string> {
  servers.push(server);
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  return `127.0.0.1:${(server.address() as AddressInfo).port}`;
}

function get(t: HttpTransport, url: string): Promise<WireResponse> {
  return t.send({ method: "GET", url: new URL(url), headers: { accept: "application/json" } });
}

async function networkFailure(promise: Promise<unknown>): Promise<NetworkFailure> {
  const error = await promise.then(
    () => undefined,
    (e: unknown) => e,
  );
  if (!(error instanceof NetworkFailure)) throw new Error(`expected a NetworkFailure, got ${String(error)}`);
  return error;
}

afterEach(async () => {
  await Promise.all(transports.splice(0).map((t) => t.close()));
});

afterAll(async () => {
  for (const server of servers) {
    server.closeAllConnections();
    server.close();
  }
});

/** An HTTPS server whose certificate is signed by `certs`' private CA. */
async function httpsServer(certs: TestCertificates): Promise<string> {
  const server = createHttpsServer({ key: certs.serverKeyPem, cert: certs.serverCertPem }, (_req, res) => {
    res.writeHead(200, { "content-type": "application/json" });
    res.end('{"ok":true}');
  });
  return listen(server);
}

describe("TLS", () => {
  let opsManagerCa: TestCertificates;
  let otherCa: TestCertificates;
  let opsManager: string;
  let other: string;

  beforeAll(async () => {
    opsManagerCa = makeTestCertificates();
    otherCa = makeTestCertificates();
    opsManager = await httpsServer(opsManagerCa);
    other = await httpsServer(otherCa);
  }, 60_000);

  it("verifies certificates by default: a private CA is refused, and not retried", async () => {
    const failure = await networkFailure(get(transport(), `https://${opsManager}/`));
    expect(failure.networkCode).toMatch(/SELF_SIGNED|UNABLE_TO_VERIFY|UNABLE_TO_GET_ISSUER/);
    expect(failure.retryable).toBe(false);

    const client = new CloudManagerClient({ baseUrl: `https://${opsManager}/api/public/v1.0`, publicKey: "k", privateKey: "p-secret" });
    const error = (await client.getOrganization("o").catch((e: unknown) => e)) as CloudManagerError;
    await client.close();
    expect(isCloudManagerError(error)).toBe(true);
    expect(error.code).toBe("CLOUD_MANAGER_NETWORK_ERROR");
    expect(error.attempts).toBe(1);
    expect(error.message).toContain("caCertificate");
  });

  it("trusts a caCertificate (PEM text)", async () => {
    const response = await get(transport({ caCertificate: opsManagerCa.caPem }), `https://${opsManager}/`);
    expect(response.status).toBe(200);
    // …and only that CA: a server under another private CA is still refused.
    await expect(get(transport({ caCertificate: opsManagerCa.caPem }), `https://${other}/`)).rejects.toBeInstanceOf(NetworkFailure);
  });

  it("adds the caCertificate to the default roots instead of replacing them", async () => {
    const before = tls.getCACertificates("default");
    // Make the other CA one of the process's default roots, as NODE_EXTRA_CA_CERTS or a system store would.
    tls.setDefaultCACertificates([...before, otherCa.caPem]);
    try {
      const both = transport({ caCertificate: opsManagerCa.caPem });
      expect((await get(both, `https://${opsManager}/`)).status).toBe(200);
      expect((await get(both, `https://${other}/`)).status).toBe(200);
    } finally {
      tls.setDefaultCACertificates(before);
    }
  });

  it("insecureSkipTlsVerify turns verification off", async () => {
    expect((await get(transport({ insecureSkipTlsVerify: true }), `https://${opsManager}/`)).status).toBe(200);
  });

  describe("through proxies", () => {
    let proxyAddress: string;
    const seen: string[] = [];

    beforeAll(async () => {
      // A forward proxy: CONNECT tunnels for https targets, absolute-form requests for http ones.
      const proxy = createHttpServer((req, res) => {
        seen.push(`${req.method} ${req.url}`);
        const target = new URL(req.url ?? "");
        const forwarded = httpRequest(
          {
            host: target.hostname,
            port: target.port,
            method: req.method,
            path: `${target.pathname}${target.search}`,
            headers: req.headers,
          },
          (answer) => {
            res.writeHead(answer.statusCode ?? 502, answer.headers);
            answer.pipe(res);
          },
        );
        req.pipe(forwarded);
      });
      proxy.on("connect", (req, clientSocket: Socket, head: Buffer) => {
        seen.push(`CONNECT ${req.url}`);
        const [host, port] = (req.url ?? "").split(":");
        const upstream = connect(Number(port), host ?? "", () => {
          clientSocket.write("HTTP/1.1 200 Connection Established\r\n\r\n");
          upstream.write(head);
          upstream.pipe(clientSocket);
          clientSocket.pipe(upstream);
        });
        upstream.on("error", () => clientSocket.destroy());
        clientSocket.on("error", () => upstream.destroy());
      });
      proxyAddress = await listen(proxy);
    });

    afterEach(() => {
      seen.length = 0;
    });

    it("HTTPS_PROXY tunnels https requests with CONNECT, still verifying with the caCertificate", async () => {
      const t = transport({ caCertificate: opsManagerCa.caPem, env: { HTTPS_PROXY: `http://${proxyAddress}` } });
      expect(t.proxied).toBe(true);
      expect((await get(t, `https://${opsManager}/`)).status).toBe(200);
      expect(seen).toEqual([`CONNECT ${opsManager}`]);

      const untrusted = transport({ env: { https_proxy: `http://${proxyAddress}` } });
      await expect(get(untrusted, `https://${opsManager}/`)).rejects.toBeInstanceOf(NetworkFailure);
    });

    it("HTTP_PROXY carries http requests; NO_PROXY bypasses it", async () => {
      const server = await startScriptedServer();
      try {
        server.fallback = json(200, { ok: true });
        const target = server.origin.replace("http://", "");
        const viaProxy = transport({ env: { HTTP_PROXY: `http://${proxyAddress}` } });
        expect((await get(viaProxy, `${server.origin}/x`)).status).toBe(200);
        expect(seen).toEqual([`GET http://${target}/x`]);

        seen.length = 0;
        const bypass = transport({ env: { HTTP_PROXY: `http://${proxyAddress}`, NO_PROXY: "127.0.0.1" } });
        expect((await get(bypass, `${server.origin}/y`)).status).toBe(200);
        expect(seen).toEqual([]);
        expect(server.arrived.map((r) => r.url)).toEqual(["/x", "/y"]);
      } finally {
        await server.close();
      }
    });

    it("without proxy variables the transport is a plain Agent", () => {
      expect(transport({ env: {} }).proxied).toBe(false);
      expect(transport({ env: { NO_PROXY: "*" } }).proxied).toBe(false);
    });
  });
});

describe("deadlines, keep-alive and close", () => {
  let server: ScriptedServer;

  beforeAll(async () => {
    server = await startScriptedServer();
  });

  afterAll(async () => {
    await server.close();
  });

  afterEach(() => {
    server.fallback = undefined;
    server.arrived.length = 0;
  });

  it("an attempt that gets no answer ends at requestTimeoutMs with TIMEOUT", async () => {
    server.fallback = () => {
      // never answer
    };
    const failure = await networkFailure(get(transport({ requestTimeoutMs: 100 }), `${server.origin}/slow`));
    expect(failure.networkCode).toBe("TIMEOUT");
    expect(failure.retryable).toBe(true);
    expect(failure.notSent).toBe(false);
  });

  it("a body that stalls after the headers also hits the deadline", async () => {
    server.fallback = (_req, res) => {
      res.writeHead(200, { "content-type": "application/json" });
      res.write('{"partial":');
    };
    const failure = await networkFailure(get(transport({ requestTimeoutMs: 150 }), `${server.origin}/stall`));
    expect(failure.networkCode).toBe("TIMEOUT");
  });

  it("sequential requests share one keep-alive connection", async () => {
    server.fallback = json(200, { ok: true });
    const before = server.connections();
    const t = transport();
    for (let i = 0; i < 5; i++) await get(t, `${server.origin}/k`);
    expect(server.connections() - before).toBe(1);
  });

  it("sends strings and Buffers, and the same request can be sent twice", async () => {
    server.fallback = json(200, { ok: true });
    const t = transport();
    const request = {
      method: "POST" as const,
      url: new URL(`${server.origin}/b`),
      headers: { "content-type": "application/json" },
      body: Buffer.from('{"a":1}'),
    };
    await t.send(request);
    await t.send(request);
    expect(server.arrived.map((r) => r.body)).toEqual(['{"a":1}', '{"a":1}']);
  });

  it("close() ends a call that waits to retry with CLOUD_MANAGER_CLIENT_CLOSED", async () => {
    server.fallback = json(503, { error: 503, errorCode: "SERVICE_UNAVAILABLE" }, { "retry-after": "30" });
    const client = new CloudManagerClient({ baseUrl: server.baseUrl, publicKey: "k", privateKey: "p" });
    // no challenge needed: the 503 comes first
    const pending = client.listInvitations("5e2211c17a3e5a48f5497de3").catch((e: unknown) => e);
    while (server.arrived.length === 0) await new Promise((resolve) => setTimeout(resolve, 5));
    await client.close();
    const error = (await pending) as CloudManagerError;
    expect(error.code).toBe("CLOUD_MANAGER_CLIENT_CLOSED");
    expect(server.arrived).toHaveLength(1);
  });

  it("a call after close() fails without sending", async () => {
    server.fallback = challenge("n");
    const client = new CloudManagerClient({ baseUrl: server.baseUrl, publicKey: "k", privateKey: "p" });
    await client.close();
    await expect(client.getOrganization("o")).rejects.toMatchObject({ code: "CLOUD_MANAGER_CLIENT_CLOSED" });
    expect(server.arrived).toHaveLength(0);
  });
});
