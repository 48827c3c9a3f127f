import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { CloudManagerClient, type CloudManagerError } from "../../sdk";
import { BearerAuth, UNCHALLENGED_REFRESH_AGE_MS } from "../../sdk/auth/bearer-auth";
import { OAuthTokenSource } from "../../sdk/auth/oauth-token-source";
import { HttpTransport } from "../../sdk/transport/http-transport";
import { apiErrorBody, json, startScriptedServer, type Reply, type ScriptedServer } from "./support/scripted-server";

// The token request on the wire, and the token endpoint's failure modes, against a scripted server.

const ORG = "5e2211c17a3e5a48f5497de3";
const CLIENT_ID = "mdb_sa_id_0123456789";
const CLIENT_SECRET = "mdb_sa_sk_supersecretvalue";
const organization = json(200, { id: ORG, name: "Acme" });

function basicOf(): string {
  return Buffer.from(`${CLIENT_ID}:${CLIENT_SECRET}`).toString("base64");
}

function token(value: string, expiresIn = 3600): Reply {
  return json(200, { access_token: value, expires_in: expiresIn, token_type: "Bearer" });
}

let server: ScriptedServer;
let client: CloudManagerClient;

beforeEach(async () => {
  server = await startScriptedServer();
  client = new CloudManagerClient({
    baseUrl: server.baseUrl,
    clientId: CLIENT_ID,
    clientSecret: CLIENT_SECRET,
    retry: { baseDelayMs: 1, maxDelayMs: 5 },
  });
});

afterEach(async () => {
  await client.close();
  await server.close();
});

describe("OAuth client credentials on the wire", () => {
  it("POSTs grant_type=client_credentials with Basic id:secret to /api/oauth/token at the server root", async () => {
    server.enqueue(token("tok-1"), organization);
    await client.getOrganization(ORG);
    const [tokenRequest, apiRequest] = server.arrived;
    expect(tokenRequest?.method).toBe("POST");
    expect(tokenRequest?.url).toBe("/api/oauth/token");
    expect(tokenRequest?.headers["content-type"]).toBe("application/x-www-form-urlencoded");
    expect(tokenRequest?.headers.authorization).toBe(`Basic ${Buffer.from(`${CLIENT_ID}:${CLIENT_SECRET}`).toString("base64")}`);
    expect(tokenRequest?.body).toBe("grant_type=client_credentials");
    expect(apiRequest?.headers.authorization).toBe("Bearer tok-1");
    expect(apiRequest?.url).toBe(`/api/public/v1.0/orgs/${ORG}`);
  });

  it("a 401 refusing a token from the cache (Bearer invalid_token): one new token, one retry", async () => {
    server.enqueue(token("tok-1"), organization);
    await client.getOrganization(ORG);
    server.enqueue(
      json(401, apiErrorBody(401, "USER_UNAUTHORIZED"), {
        "www-authenticate": 'Bearer error="invalid_token", error_description="expired"',
      }),
      token("tok-2"),
      organization,
    );
    await client.getOrganization(ORG);
    expect(server.arrived.slice(2).map((r) => `${r.method} ${r.url.split("/").pop()} ${r.headers.authorization?.split(" ")[0]}`)).toEqual([
      `GET ${ORG} Bearer`,
      "POST token Basic",
      `GET ${ORG} Bearer`,
    ]);
    expect(server.arrived[4]?.headers.authorization).toBe("Bearer tok-2");
  });

  it("a 401 without a Bearer challenge (a role failure) keeps the cached token: no refetch, no retry", async () => {
    server.enqueue(token("tok-1"), organization);
    await client.getOrganization(ORG);
    server.enqueue(json(401, apiErrorBody(401, "USER_UNAUTHORIZED")));
    const error = (await client.getOrganization(ORG).catch((e: unknown) => e)) as CloudManagerError;
    expect(error.status).toBe(401);
    expect(error.message).toContain("Organization Owner");
    // Also a challenge of another kind, or a Bearer one that is not about the token, is not a refusal.
    server.enqueue(json(401, apiErrorBody(401, "USER_UNAUTHORIZED"), { "www-authenticate": 'Bearer error="insufficient_scope"' }));
    await expect(client.getOrganization(ORG)).rejects.toMatchObject({ status: 401 });
    server.enqueue(organization);
    await client.getOrganization(ORG);
    expect(server.arrived.map((r) => r.headers.authorization)).toEqual([
      "Basic " + basicOf(),
      "Bearer tok-1",
      "Bearer tok-1",
      "Bearer tok-1",
      "Bearer tok-1",
    ]);
  });

  it("a 401 without any challenge on a token older than a minute: one new token, one retry (a server that sends no challenge for a revoked token)", async () => {
    const transport = new HttpTransport({ requestTimeoutMs: 30_000 });
    try {
      let now = 1_000_000;
      const credentials = { clientId: CLIENT_ID, clientSecret: CLIENT_SECRET };
      const tokens = new OAuthTokenSource(transport.send, new URL("/api/oauth/token", server.origin), credentials, () => now);
      const bearer = new BearerAuth(transport.send, tokens, () => {});
      const get = { method: "GET" as const, url: new URL(`orgs/${ORG}`, `${server.baseUrl}/`), headers: {} };
      server.enqueue(token("tok-1"), organization);
      expect((await bearer.send(get)).status).toBe(200);
      // Younger than UNCHALLENGED_REFRESH_AGE_MS: a bare 401 is taken as a role failure.
      now += UNCHALLENGED_REFRESH_AGE_MS - 1;
      server.enqueue(json(401, apiErrorBody(401, "USER_UNAUTHORIZED")));
      expect((await bearer.send(get)).status).toBe(401);
      // From that age on: the token may be what was refused, so it is replaced once.
      now += 1;
      server.enqueue(json(401, apiErrorBody(401, "USER_UNAUTHORIZED")), token("tok-2"), organization);
      expect((await bearer.send(get)).status).toBe(200);
      expect(server.arrived.map((r) => r.headers.authorization)).toEqual([
        "Basic " + basicOf(),
        "Bearer tok-1",
        "Bearer tok-1",
        "Bearer tok-1",
        "Basic " + basicOf(),
        "Bearer tok-2",
      ]);
    } finally {
      await transport.close();
    }
  });

  it("a 401 with a token fetched for this very call is final (no token loop)", async () => {
    server.enqueue(token("tok-1"), json(401, apiErrorBody(401, "USER_UNAUTHORIZED")));
    const error = (await client.getOrganization(ORG).catch((e: unknown) => e)) as CloudManagerError;
    expect(error.status).toBe(401);
    expect(server.arrived).toHaveLength(2);
  });

  it("a token is replaced before use once it is within its last 10% (at most 60 s), on the source's own clock", async () => {
    const transport = new HttpTransport({ requestTimeoutMs: 30_000 });
    try {
      let now = 5_000;
      const credentials = { clientId: CLIENT_ID, clientSecret: CLIENT_SECRET };
      const tokens = new OAuthTokenSource(transport.send, new URL("/api/oauth/token", server.origin), credentials, () => now);
      // expires_in 1 s: unusable from 0.9 s on.
      server.enqueue(token("short", 1));
      expect(await tokens.getToken()).toEqual({ token: "short", fresh: true, ageMs: 0 });
      now += 899;
      expect(await tokens.getToken()).toEqual({ token: "short", fresh: false, ageMs: 899 });
      now += 1;
      server.enqueue(token("hour"));
      expect(await tokens.getToken()).toEqual({ token: "hour", fresh: true, ageMs: 0 });
      // expires_in 3600 s: unusable from 3540 s on.
      now += 3_540_000 - 1;
      expect(await tokens.getToken()).toEqual({ token: "hour", fresh: false, ageMs: 3_540_000 - 1 });
      now += 1;
      server.enqueue(token("next"));
      expect(await tokens.getToken()).toEqual({ token: "next", fresh: true, ageMs: 0 });
      expect(server.arrived.map((r) => `${r.method} ${r.url}`)).toEqual(Array(3).fill("POST /api/oauth/token"));
    } finally {
      await transport.close();
    }
  });

  it("the token endpoint's 429 and 5xx are retried", async () => {
    server.enqueue(
      json(429, { error: "rate_limited" }, { "retry-after": "0" }),
      json(503, { error: "temporarily_unavailable" }),
      token("tok-1"),
      organization,
    );
    await client.getOrganization(ORG);
    expect(server.arrived.map((r) => r.url)).toEqual([
      "/api/oauth/token",
      "/api/oauth/token",
      "/api/oauth/token",
      `/api/public/v1.0/orgs/${ORG}`,
    ]);
  });

  it("a failed token request is not cached: the next call asks again", async () => {
    server.enqueue(json(401, { error: "invalid_client", error_description: "Client authentication failed." }));
    const error = (await client.getOrganization(ORG).catch((e: unknown) => e)) as CloudManagerError;
    expect(error.errorCode).toBe("invalid_client");
    expect(error.detail).toBe("Client authentication failed.");
    expect(error.message).toContain(CLIENT_ID);
    expect(error.message).not.toContain(CLIENT_SECRET);
    server.enqueue(token("tok-1"), organization);
    await client.getOrganization(ORG);
    expect(server.arrived).toHaveLength(3);
  });

  it("a token response without access_token is a response error", async () => {
    server.enqueue(json(200, { token_type: "Bearer" }));
    await expect(client.getOrganization(ORG)).rejects.toMatchObject({ code: "CLOUD_MANAGER_RESPONSE_ERROR" });
  });
});
