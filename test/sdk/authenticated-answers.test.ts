import { afterAll, afterEach, beforeAll, describe, expect, it } from "vitest";
import { startEmulator, type RunningEmulator } from "../../emulator";
import { CloudManagerClient, type CloudManagerClientOptions } from "../../sdk";
import {
  apiErrorBody,
  challenge,
  digestIsValid,
  json,
  startScriptedServer,
  type Reply,
  type ScriptedServer,
} from "./support/scripted-server";
import { failure } from "./support/failure";

// `authenticated` and `hasErrorBody` on errors: the provider may read a 404 as "this invitation is
// gone" only when Cloud Manager itself answered a request whose credentials it accepted.

const ORG = "5e2211c17a3e5a48f5497de3";
const INVITATION = "0123456789abcdef01234567";
const PUBLIC_KEY = "pubkeyab";
const PRIVATE_KEY = "0d9b3c4e-5f6a-4b7c-8d9e-0f1a2b3c4d5e";
const FAST = { baseDelayMs: 1, maxDelayMs: 5, maxRetries: 2 };

let emulator: RunningEmulator;
const clients: CloudManagerClient[] = [];

function client(options: CloudManagerClientOptions): CloudManagerClient {
  const created = new CloudManagerClient({ retry: FAST, ...options });
  clients.push(created);
  return created;
}

function serviceAccount(): { clientId: string; clientSecret: string } {
  const account = emulator.serviceAccount;
  if (account === undefined) throw new Error("the emulator seeded no service account");
  return account;
}

beforeAll(async () => {
  emulator = await startEmulator();
});

afterEach(async () => {
  await Promise.all(clients.splice(0).map((c) => c.close()));
});

afterAll(async () => {
  await emulator.close();
});

describe("against the emulator", () => {
  it("a wrong base path: every request 404s unchallenged, so the 404 is not authenticated", async () => {
    const typo = client({ baseUrl: `${emulator.origin}/typo/`, ...emulator.credentials });
    emulator.state.clearRequests();
    const error = await failure(typo.getInvitation(emulator.org.id, INVITATION));
    expect(error).toMatchObject({ status: 404, errorCode: "RESOURCE_NOT_FOUND", authenticated: false, hasErrorBody: true });
    // The emulator's own record: nothing signed ever went out.
    expect(emulator.state.requests().map((entry) => entry.auth.type)).toEqual(["none"]);
    // Still false on the next call: no challenge was ever learned, so nothing is signed up front.
    expect((await failure(typo.getInvitation(emulator.org.id, INVITATION))).authenticated).toBe(false);
  });

  it("a missing invitation over Digest: authenticated, with Cloud Manager's error body", async () => {
    const digest = client({ baseUrl: emulator.baseUrl, ...emulator.credentials });
    const error = await failure(digest.getInvitation(emulator.org.id, INVITATION));
    expect(error).toMatchObject({ status: 404, errorCode: "RESOURCE_NOT_FOUND", authenticated: true, hasErrorBody: true });
    // Warm client (signs up front): the same.
    expect(await failure(digest.getInvitation(emulator.org.id, INVITATION))).toMatchObject({ authenticated: true, hasErrorBody: true });
  });

  it("a missing invitation over OAuth: authenticated, with Cloud Manager's error body", async () => {
    const oauth = client({ baseUrl: emulator.baseUrl, ...serviceAccount() });
    const error = await failure(oauth.getInvitation(emulator.org.id, INVITATION));
    expect(error).toMatchObject({ status: 404, errorCode: "RESOURCE_NOT_FOUND", authenticated: true, hasErrorBody: true });
  });

  it("a missing invitation with envelope=true: the unwrapped answer keeps both fields", async () => {
    const digest = client({ baseUrl: emulator.baseUrl, ...emulator.credentials, envelope: true });
    const error = await failure(digest.getInvitation(emulator.org.id, INVITATION));
    expect(error).toMatchObject({ status: 404, errorCode: "RESOURCE_NOT_FOUND", authenticated: true, hasErrorBody: true });
  });

  it("a wrong private key (401 after signing) and a wrong client secret are not authenticated", async () => {
    const wrongKey = client({ baseUrl: emulator.baseUrl, ...emulator.credentials, privateKey: "wrong-private-key" });
    expect(await failure(wrongKey.getOrganization(emulator.org.id))).toMatchObject({ status: 401, authenticated: false });
    const wrongSecret = client({ baseUrl: emulator.baseUrl, ...serviceAccount(), clientSecret: "mdb_sa_sk_wrong" });
    expect(await failure(wrongSecret.getOrganization(emulator.org.id))).toMatchObject({ status: 401, authenticated: false });
  });

  it("no HTTP answer at all: authenticated undefined, no error body", async () => {
    const nowhere = client({ baseUrl: "http://127.0.0.1:1/api/public/v1.0", ...emulator.credentials, retry: { maxRetries: 0 } });
    const error = await failure(nowhere.getOrganization(emulator.org.id));
    expect(error.code).toBe("CLOUD_MANAGER_NETWORK_ERROR");
    expect(error.authenticated).toBeUndefined();
    expect(error.hasErrorBody).toBe(false);
    expect(JSON.parse(JSON.stringify(error))).toMatchObject({ hasErrorBody: false });
  });
});

describe("against a scripted server", () => {
  let server: ScriptedServer;

  beforeAll(async () => {
    server = await startScriptedServer();
  });

  afterAll(async () => {
    await server.close();
  });

  const html404: Reply = (_req, res) => {
    res.writeHead(404, { "content-type": "text/html" });
    res.end("<html><body><h1>404 Not Found</h1>nginx</body></html>");
  };

  /** Challenges unsigned requests; answers correctly signed ones with `then`. */
  function gate(then: Reply): Reply {
    return (req, res) => (digestIsValid(req, PUBLIC_KEY, PRIVATE_KEY) ? then(req, res) : challenge("nonce-1")(req, res));
  }

  it("an HTML 404 to the unsigned probe: neither authenticated nor a Cloud Manager body", async () => {
    server.fallback = html404;
    const digest = client({ baseUrl: server.baseUrl, publicKey: PUBLIC_KEY, privateKey: PRIVATE_KEY });
    const error = await failure(digest.getInvitation(ORG, INVITATION));
    expect(error).toMatchObject({ status: 404, authenticated: false, hasErrorBody: false });
  });

  it("an HTML 404 to a signed request (a proxy after the challenge): authenticated, but no Cloud Manager body", async () => {
    server.fallback = gate(html404);
    const digest = client({ baseUrl: server.baseUrl, publicKey: PUBLIC_KEY, privateKey: PRIVATE_KEY });
    const error = await failure(digest.getInvitation(ORG, INVITATION));
    expect(error).toMatchObject({ status: 404, authenticated: true, hasErrorBody: false });
  });

  it("JSON that is not Cloud Manager's error shape (no errorCode, or `error` not the status) is no error body", async () => {
    const digest = client({ baseUrl: server.baseUrl, publicKey: PUBLIC_KEY, privateKey: PRIVATE_KEY });
    server.fallback = gate(json(404, { timestamp: "2024-01-01T00:00:00Z", status: 404, error: "Not Found", path: "/x" }));
    expect(await failure(digest.getInvitation(ORG, INVITATION))).toMatchObject({ authenticated: true, hasErrorBody: false });
    server.fallback = gate(json(404, apiErrorBody(500, "RESOURCE_NOT_FOUND")));
    expect(await failure(digest.getInvitation(ORG, INVITATION))).toMatchObject({ authenticated: true, hasErrorBody: false });
    server.fallback = gate(json(404, apiErrorBody(404, "RESOURCE_NOT_FOUND")));
    expect(await failure(digest.getInvitation(ORG, INVITATION))).toMatchObject({ authenticated: true, hasErrorBody: true });
  });

  it("OAuth: a token endpoint error is not authenticated; a 401 to the Bearer request is not either", async () => {
    const oauth = client({ baseUrl: server.baseUrl, clientId: "mdb_sa_id_x", clientSecret: "mdb_sa_sk_x", retry: { maxRetries: 0 } });
    server.fallback = undefined;
    server.enqueue(json(401, { error: "invalid_client", error_description: "bad client" }));
    expect(await failure(oauth.getOrganization(ORG))).toMatchObject({ status: 401, authenticated: false, hasErrorBody: false });
    server.enqueue(
      json(200, { access_token: "token-1", expires_in: 3600, token_type: "Bearer" }),
      json(401, apiErrorBody(401, "USER_UNAUTHORIZED")),
    );
    expect(await failure(oauth.getOrganization(ORG))).toMatchObject({ status: 401, authenticated: false, hasErrorBody: true });
    // The cached token, answered 404 in Cloud Manager's shape.
    server.enqueue(json(404, apiErrorBody(404, "RESOURCE_NOT_FOUND")));
    expect(await failure(oauth.getInvitation(ORG, INVITATION))).toMatchObject({ status: 404, authenticated: true, hasErrorBody: true });
  });
});
