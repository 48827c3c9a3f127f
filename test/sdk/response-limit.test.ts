import { afterAll, afterEach, beforeAll, describe, expect, it } from "vitest";
import type { ServerResponse } from "node:http";
import { CloudManagerClient, type CloudManagerClientOptions } from "../../sdk";
import { challenge, digestIsValid, json, startScriptedServer, type Reply, type ScriptedServer } from "./support/scripted-server";
import { failure } from "./support/failure";

// maxResponseBytes: every body the client reads is bounded while it streams in.

const ORG = "5e2211c17a3e5a48f5497de3";
const PUBLIC_KEY = "pubkeyab";
const PRIVATE_KEY = "0d9b3c4e-5f6a-4b7c-8d9e-0f1a2b3c4d5e";

let server: ScriptedServer;
const clients: CloudManagerClient[] = [];
/** Bytes each endless reply managed to write before its connection closed. */
const written: number[] = [];

function client(options: Partial<CloudManagerClientOptions> = {}): CloudManagerClient {
  const created = new CloudManagerClient({
    baseUrl: server.baseUrl,
    publicKey: PUBLIC_KEY,
    privateKey: PRIVATE_KEY,
    retry: { baseDelayMs: 1, maxDelayMs: 5, maxRetries: 3 },
    ...options,
  });
  clients.push(created);
  return created;
}

/** Signed requests get `then`; unsigned ones a challenge. */
function gate(then: Reply): Reply {
  return (req, res) => (digestIsValid(req, PUBLIC_KEY, PRIVATE_KEY) ? then(req, res) : challenge("nonce-1")(req, res));
}

/** Where an "endless" body stalls, so that a client without a limit times out instead of filling memory. */
const ENDLESS_CAP_BYTES = 64 * 1024 * 1024;

/** A JSON body that does not end (up to ENDLESS_CAP_BYTES, then silence), written as fast as the client takes it. */
function endless(status = 200): Reply {
  return (_req, res) => {
    res.writeHead(status, { "content-type": "application/json" });
    const chunk = Buffer.from(`${JSON.stringify({ id: "x".repeat(24), username: "u@example.com", roles: [] })},`.repeat(100));
    let sent = 0;
    res.write('{"results":[');
    const pump = (): void => {
      while (!res.destroyed && sent < ENDLESS_CAP_BYTES) {
        sent += chunk.length;
        if (!res.write(chunk)) return;
      }
    };
    res.on("drain", pump);
    res.on("close", () => written.push(sent));
    pump();
  };
}

/** Headers announcing `length` bytes, then silence: only the header can end the call. */
function announces(length: number): Reply {
  return (_req, res: ServerResponse) => {
    res.writeHead(200, { "content-type": "application/json", "content-length": String(length) });
    res.flushHeaders();
  };
}

beforeAll(async () => {
  server = await startScriptedServer();
});

afterEach(async () => {
  await Promise.all(clients.splice(0).map((c) => c.close()));
  server.fallback = undefined;
  server.arrived.length = 0;
  written.length = 0;
});

afterAll(async () => {
  await server.close();
});

describe("maxResponseBytes", () => {
  it("an endless body fails fast with CLOUD_MANAGER_RESPONSE_TOO_LARGE, names the limit, the call and what to do", async () => {
    server.fallback = gate(endless());
    const error = await failure(client({ maxResponseBytes: 64 * 1024, requestTimeoutMs: 5_000 }).listOrgUsers(ORG));
    expect(error.code).toBe("CLOUD_MANAGER_RESPONSE_TOO_LARGE");
    expect(error.message).toContain("65536 bytes");
    expect(error.message).toContain("maxResponseBytes");
    expect(error.message).toContain(`GET /api/public/v1.0/orgs/${ORG}/users?pageNum=1&itemsPerPage=500`);
    expect(error.message).toContain("baseUrl");
    expect(error).toMatchObject({ method: "GET", path: `/api/public/v1.0/orgs/${ORG}/users?pageNum=1&itemsPerPage=500` });
    // A cut-off body is no answer to branch on.
    expect(error.status).toBeUndefined();
    expect(error.request?.headers.authorization).toBe("[REDACTED]");
  });

  it("is not retried, even on a status that is (503), and the connection is dropped", async () => {
    server.fallback = gate(endless(503));
    const c = client({ maxResponseBytes: 64 * 1024, requestTimeoutMs: 5_000 });
    expect((await failure(c.getOrganization(ORG))).code).toBe("CLOUD_MANAGER_RESPONSE_TOO_LARGE");
    // The unsigned probe, then ONE signed attempt.
    expect(server.arrived).toHaveLength(2);
    await expect.poll(() => written.length).toBe(1);
    // Reading stopped at the limit: the server could not write its whole body (kernel buffers aside).
    expect(written[0]).toBeLessThan(ENDLESS_CAP_BYTES);

    // The client still works, on a new connection.
    server.fallback = gate(json(200, { id: ORG, name: "Acme" }));
    const before = server.connections();
    expect(await c.getOrganization(ORG)).toEqual({ id: ORG, name: "Acme" });
    expect(server.connections()).toBe(before + 1);
  });

  it("a Content-Length above the limit fails at the headers, before any body arrives", async () => {
    server.fallback = gate(announces(10 * 1024 * 1024 * 1024));
    // A long deadline: only the announced length can end this call quickly.
    const error = await failure(client({ requestTimeoutMs: 20_000 }).getOrganization(ORG));
    expect(error.code).toBe("CLOUD_MANAGER_RESPONSE_TOO_LARGE");
    expect(error.message).toContain("Content-Length (10737418240 bytes)");
    expect(error.message).toContain("8388608 bytes");
  });

  it("the unsigned Digest probe and the OAuth token request are bounded too", async () => {
    server.fallback = endless(401);
    expect((await failure(client({ maxResponseBytes: 10_000, requestTimeoutMs: 5_000 }).getOrganization(ORG))).code).toBe(
      "CLOUD_MANAGER_RESPONSE_TOO_LARGE",
    );
    expect(server.arrived).toHaveLength(1);
    server.arrived.length = 0;

    const oauth = client({
      publicKey: undefined,
      privateKey: undefined,
      clientId: "mdb_sa_id_x",
      clientSecret: "mdb_sa_sk_x",
      maxResponseBytes: 10_000,
      requestTimeoutMs: 5_000,
    });
    const error = await failure(oauth.getOrganization(ORG));
    expect(error.code).toBe("CLOUD_MANAGER_RESPONSE_TOO_LARGE");
    expect(error.path).toBe("/api/oauth/token");
    expect(server.arrived.map((req) => req.url)).toEqual(["/api/oauth/token"]);
  });

  it("a body of exactly the limit is read; one byte more is not", async () => {
    const body = { id: ORG, name: "Acme" };
    const size = Buffer.byteLength(JSON.stringify(body));
    // No challenge (its 401 body would pass so small a limit): every request gets `body`.
    server.fallback = json(200, body);
    expect(await client({ maxResponseBytes: size }).getOrganization(ORG)).toEqual(body);
    const tight = client({ maxResponseBytes: size - 1 });
    expect((await failure(tight.getOrganization(ORG))).code).toBe("CLOUD_MANAGER_RESPONSE_TOO_LARGE");
    // Chunked, without a Content-Length: counted as it streams.
    server.fallback = (_req, res) => {
      res.writeHead(200, { "content-type": "application/json" });
      res.write(JSON.stringify(body).slice(0, 5));
      res.end(JSON.stringify(body).slice(5));
    };
    expect(await client({ maxResponseBytes: size }).getOrganization(ORG)).toEqual(body);
    expect((await failure(client({ maxResponseBytes: size - 1 }).getOrganization(ORG))).code).toBe("CLOUD_MANAGER_RESPONSE_TOO_LARGE");
  });

  it("must be a positive whole number", () => {
    for (const maxResponseBytes of [0, -1, 1.5, Number.NaN, Number.POSITIVE_INFINITY]) {
      expect(() => client({ maxResponseBytes })).toThrow(expect.objectContaining({ code: "CLOUD_MANAGER_CONFIG_ERROR" }));
    }
  });
});
