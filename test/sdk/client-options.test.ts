import { afterAll, beforeAll, describe, expect, it } from "vitest";
import {
  CloudManagerClient,
  DEFAULT_BASE_URL,
  isCloudManagerError,
  isPemCertificate,
  normalizeBaseUrl,
  type CloudManagerError,
} from "../../sdk";
import { json, startScriptedServer, type ScriptedServer } from "./support/scripted-server";

// The API facts the SDK owns about its settings: where the API lives under a URL, and what a CA
// certificate looks like. The provider uses the same functions and only puts the setting's name first.

function configError(run: () => unknown): CloudManagerError {
  try {
    run();
  } catch (error) {
    if (isCloudManagerError(error)) return error;
    throw error;
  }
  throw new Error("expected a CloudManagerError");
}

describe("normalizeBaseUrl", () => {
  it.each([
    ["https://opsmanager.example.com:8443", "https://opsmanager.example.com:8443/api/public/v1.0"],
    ["https://opsmanager.example.com:8443/", "https://opsmanager.example.com:8443/api/public/v1.0"],
    ["https://cloud.mongodb.com/api/public/v1.0/", "https://cloud.mongodb.com/api/public/v1.0"],
    ["https://cloud.mongodb.com/api/public/v1.0//", "https://cloud.mongodb.com/api/public/v1.0"],
    ["http://127.0.0.1:9000/api/public/v1.0", "http://127.0.0.1:9000/api/public/v1.0"],
    ["https://gateway.example.com/mongo/api/public/v1.0", "https://gateway.example.com/mongo/api/public/v1.0"],
    ["https://gateway.example.com/mongo", "https://gateway.example.com/mongo/api/public/v1.0"],
    ["https://opsmanager.example.com:8443/?x=1#top", "https://opsmanager.example.com:8443/api/public/v1.0"],
  ])("takes %s as %s", (given, expected) => {
    expect(normalizeBaseUrl(given)).toBe(expected);
  });

  it("the default is already normal", () => {
    expect(normalizeBaseUrl(DEFAULT_BASE_URL)).toBe(DEFAULT_BASE_URL);
  });

  it("refuses what is not an http(s) URL, with a message that names no setting (the caller puts its own first)", () => {
    const notUrl = configError(() => normalizeBaseUrl("not a url"));
    expect(notUrl.code).toBe("CLOUD_MANAGER_CONFIG_ERROR");
    expect(notUrl.message).toBe(`is not a URL: "not a url". Use e.g. ${DEFAULT_BASE_URL} or https://opsmanager.example.com:8443.`);
    const ftp = configError(() => normalizeBaseUrl("ftp://opsmanager.example.com"));
    expect(ftp.code).toBe("CLOUD_MANAGER_CONFIG_ERROR");
    expect(ftp.message).toBe('must be an http(s) URL, got "ftp:".');
    // "host:port" without a scheme parses as the scheme "opsmanager:".
    expect(configError(() => normalizeBaseUrl("opsmanager:8443")).message).toBe('must be an http(s) URL, got "opsmanager:".');
  });
});

describe("isPemCertificate", () => {
  it("is true for PEM text with a certificate, false for a path or other PEM", () => {
    expect(isPemCertificate("-----BEGIN CERTIFICATE-----\nMII…\n-----END CERTIFICATE-----\n")).toBe(true);
    expect(isPemCertificate("/etc/ssl/opsmanager-ca.pem")).toBe(false);
    expect(isPemCertificate("-----BEGIN PRIVATE KEY-----\nMII…\n-----END PRIVATE KEY-----\n")).toBe(false);
  });
});

describe("the client's baseUrl follows the same rules", () => {
  let server: ScriptedServer;

  beforeAll(async () => {
    server = await startScriptedServer();
  });

  afterAll(async () => {
    await server.close();
  });

  it("a bare root gets /api/public/v1.0, like the provider's settings", async () => {
    const client = new CloudManagerClient({ baseUrl: server.origin, clientId: "mdb_sa_id_x", clientSecret: "mdb_sa_sk_x" });
    try {
      server.enqueue(json(200, { access_token: "t", expires_in: 3600, token_type: "Bearer" }), json(200, { id: "o1", name: "Acme" }));
      await client.getOrganization("o1");
      expect(server.arrived.map((r) => r.url)).toEqual(["/api/oauth/token", "/api/public/v1.0/orgs/o1"]);
      expect(client.toJSON().baseUrl).toBe(`${server.origin}/api/public/v1.0/`);
    } finally {
      await client.close();
    }
  });

  it("refuses what normalizeBaseUrl refuses, naming baseUrl, and also credentials, a query or a fragment", () => {
    const keys = { publicKey: "p", privateKey: "k" };
    const messages = [
      "not a url",
      "ftp://host/api/public/v1.0",
      "https://u:pw@host/api",
      "https://host/api/public/v1.0?x=1",
      "https://host/#f",
    ].map((baseUrl) => configError(() => new CloudManagerClient({ baseUrl, ...keys })));
    for (const error of messages) expect(error.code).toBe("CLOUD_MANAGER_CONFIG_ERROR");
    expect(messages.map((error) => error.message)).toEqual([
      `baseUrl is not a URL: "not a url". Use e.g. ${DEFAULT_BASE_URL} or https://opsmanager.example.com:8443.`,
      'baseUrl must be an http(s) URL, got "ftp:".',
      "baseUrl must not carry credentials; use publicKey/privateKey or clientId/clientSecret.",
      "baseUrl must not have a query or fragment.",
      "baseUrl must not have a query or fragment.",
    ]);
  });

  it("caCertificate must be PEM text, not a path", () => {
    const error = configError(() => new CloudManagerClient({ publicKey: "p", privateKey: "k", caCertificate: "/etc/ca.pem" }));
    expect(error.message).toContain("caCertificate must be the PEM text of a certificate");
  });
});
