import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { inspect } from "node:util";
import { CloudManagerClient, type ClientLogEvent, type CloudManagerClientOptions, type CloudManagerError } from "../../sdk";
import { Redactor } from "../../sdk/errors/redactor";
import {
  challenge,
  digestIsValid,
  digestParams,
  json,
  startScriptedServer,
  type ArrivedRequest,
  type Reply,
  type ScriptedServer,
} from "./support/scripted-server";
import { ACCOUNT_BASIC, CLIENT_ID, CLIENT_SECRET, KEY_BASIC, ORG, PRIVATE_KEY, PUBLIC_KEY } from "./support/echoed-credentials";
import { failure as failureOf } from "./support/failure";

// A gateway that echoes the request's Authorization header (and the Basic header of the token request)
// into detail, error_description, errorCode, parameters, reason and response headers. None of the
// client's credentials may come out of the SDK: not in messages, fields, JSON, inspect or log events.

const TOKEN_1 = "eyJhbGciOiJIUzI1NiJ9.first-token-0123456789abcdef.c2lnbmF0dXJl";
const TOKEN_2 = "eyJhbGciOiJIUzI1NiJ9.second-token-fedcba9876543210.c2lnbmF0dXJl";

let server: ScriptedServer;
let logs: ClientLogEvent[];
let errors: CloudManagerError[];
const clients: CloudManagerClient[] = [];

function client(options: Partial<CloudManagerClientOptions>): CloudManagerClient {
  const created = new CloudManagerClient({
    baseUrl: server.baseUrl,
    retry: { baseDelayMs: 1, maxDelayMs: 5, maxRetries: 2 },
    onLog: (event) => logs.push(event),
    ...options,
  });
  clients.push(created);
  return created;
}

const apiKey = { publicKey: PUBLIC_KEY, privateKey: PRIVATE_KEY };
const serviceAccount = { clientId: CLIENT_ID, clientSecret: CLIENT_SECRET };

/** The CloudManagerError a call rejects with (./support/failure), kept for the checks after each test. */
async function failure(promise: Promise<unknown>): Promise<CloudManagerError> {
  const error = await failureOf(promise);
  errors.push(error);
  return error;
}

/** Everything of the request's credentials a gateway could echo, in every form. */
function echoOf(req: ArrivedRequest): string {
  const auth = req.headers.authorization ?? "";
  const hash = digestParams(req).get("response") ?? "";
  const bare = auth.replace(/^\S+\s+/, "");
  return `Authorization: ${auth} | bare ${bare} | hash ${hash} | lower ${auth.toLowerCase().slice(0, 7)}${bare} | url ${encodeURIComponent(auth)}`;
}

/** An error answer that echoes the request everywhere Cloud Manager puts text. */
function echo(status: number, errorCode = "INVALID_ATTRIBUTE", headers: Record<string, string> = {}): Reply {
  return (req, res) => {
    const text = echoOf(req);
    return json(
      status,
      {
        detail: `The request was refused. ${text}`,
        error: status,
        errorCode: `${errorCode}`,
        parameters: [req.headers.authorization ?? "", { authorization: text, nested: [digestParams(req).get("response") ?? ""] }],
        reason: text,
      },
      { "x-echo-authorization": encodeURIComponent(req.headers.authorization ?? ""), ...headers },
    )(req, res);
  };
}

/** Digest gate: challenge unsigned requests, answer signed ones with `then`. */
function gate(then: Reply): Reply {
  return (req, res) => (digestIsValid(req, PUBLIC_KEY, PRIVATE_KEY) ? then(req, res) : challenge("nonce-1")(req, res));
}

function token(value: string): Reply {
  return json(200, { access_token: value, expires_in: 3600, token_type: "Bearer" });
}

/** Every secret the client held, learned or sent during the test. */
function secrets(): string[] {
  const sent = server.arrived.map((req) => req.headers.authorization).filter((value): value is string => value !== undefined);
  const hashes = server.arrived.map((req) => digestParams(req).get("response")).filter((value): value is string => value !== undefined);
  return [
    PRIVATE_KEY,
    KEY_BASIC,
    CLIENT_SECRET,
    ACCOUNT_BASIC,
    TOKEN_1,
    TOKEN_2,
    ...sent,
    ...sent.map((value) => value.replace(/^\S+\s+/, "")),
    ...hashes,
  ];
}

function renderings(): string[] {
  return [
    ...errors.flatMap((error) => [
      error.message,
      error.detail ?? "",
      error.errorCode ?? "",
      String(error),
      error.stack ?? "",
      JSON.stringify(error),
      JSON.stringify(error.parameters),
      JSON.stringify({ wrapped: error }),
      inspect(error, { depth: 20 }),
      inspect(error, { depth: 20, showHidden: true }),
      inspect(error, { depth: 20, showHidden: true, customInspect: false }),
    ]),
    ...logs.flatMap((event) => [JSON.stringify(event), inspect(event)]),
  ];
}

function expectNothingLeaked(): void {
  const haystack = renderings().join("\n");
  const all = secrets();
  expect(all.filter((secret) => secret.length >= 8).length).toBeGreaterThan(4);
  for (const secret of all) expect(haystack.includes(secret), `found a secret: ${secret.slice(0, 14)}…`).toBe(false);
  for (const secret of all)
    expect(haystack.includes(encodeURIComponent(secret)), `found an encoded secret: ${secret.slice(0, 14)}…`).toBe(false);
  expect(haystack).not.toMatch(/Bearer\s+\S/i);
  expect(haystack).not.toMatch(/Basic\s+[A-Za-z0-9+/=]{8,}/i);
  expect(haystack).not.toMatch(/response="?[0-9a-f]{32}/);
}

beforeEach(async () => {
  server = await startScriptedServer();
  logs = [];
  errors = [];
});

afterEach(async () => {
  await Promise.all(clients.splice(0).map((c) => c.close()));
  await server.close();
});

describe("a gateway echoing the Digest Authorization header", () => {
  it("in detail, errorCode, parameters and reason of a 400: scrubbed everywhere, the rest of the text kept", async () => {
    server.fallback = gate(
      echo(400, "ECHO", {
        // The key pair as a gateway that converts Digest to Basic would show it.
        "x-basic": KEY_BASIC,
      }),
    );
    const c = client(apiKey);
    const error = await failure(c.getOrganization(ORG));
    expect(error.status).toBe(400);
    expect(error.detail).toContain("The request was refused.");
    expect(error.detail).toContain("[REDACTED]");
    expect(error.message).toContain("[REDACTED]");
    expect(server.arrived.some((req) => req.headers.authorization?.startsWith("Digest "))).toBe(true);
    expectNothingLeaked();
  });

  it("the private key, its Basic encoding and a response hash quoted alone", async () => {
    server.fallback = gate((req, res) =>
      json(404, {
        detail: `key ${PRIVATE_KEY} encoded ${KEY_BASIC} header Basic ${KEY_BASIC} hash ${digestParams(req).get("response")}`,
        error: 404,
        errorCode: "RESOURCE_NOT_FOUND",
        parameters: [PRIVATE_KEY, KEY_BASIC, encodeURIComponent(KEY_BASIC)],
        reason: "Not Found",
      })(req, res),
    );
    const error = await failure(client(apiKey).getInvitation(ORG, "0123456789abcdef01234567"));
    expect(error.detail).toBe("key [REDACTED] encoded [REDACTED] header [REDACTED] hash [REDACTED]");
    expect(error.parameters).toEqual(["[REDACTED]", "[REDACTED]", "[REDACTED]"]);
    expectNothingLeaked();
  });

  it("in a 401 re-challenge (wrong key), a 403 access-list answer and retried 503s with their log events", async () => {
    // Wrong key: the gate re-challenges and echoes what it got.
    server.fallback = (req, res) =>
      req.headers.authorization === undefined
        ? challenge("nonce-1")(req, res)
        : echo(401, "USER_UNAUTHORIZED", {
            "www-authenticate": 'Digest realm="MMS Public API", nonce="nonce-2", algorithm=MD5, qop="auth"',
          })(req, res);
    const wrong = await failure(client({ publicKey: PUBLIC_KEY, privateKey: "another-private-key-4321" }).getOrganization(ORG));
    expect(wrong.status).toBe(401);

    // The access-list message quotes the first string parameter as the IP to add.
    server.fallback = gate(echo(403, "IP_ADDRESS_NOT_ON_ACCESS_LIST"));
    const fenced = await failure(client(apiKey).listInvitations(ORG));
    expect(fenced.message).toContain("IP address [REDACTED]");

    server.fallback = gate(echo(503, "SERVICE_UNAVAILABLE"));
    const busy = await failure(client(apiKey).listInvitations(ORG));
    expect(busy.attempts).toBe(3);
    expect(logs.some((event) => event.waitMs !== undefined)).toBe(true);

    const haystack = renderings().join("\n");
    expect(haystack).not.toContain("another-private-key-4321");
    expectNothingLeaked();
  });
});

describe("a gateway echoing OAuth credentials", () => {
  it("the token request's Basic header in error and error_description", async () => {
    server.fallback = (req, res) =>
      json(
        401,
        { error: `invalid_client (${req.headers.authorization})`, error_description: `${echoOf(req)} secret ${CLIENT_SECRET}` },
        { "x-echo-authorization": req.headers.authorization ?? "" },
      )(req, res);
    const error = await failure(client({ ...serviceAccount, retry: { maxRetries: 0 } }).getOrganization(ORG));
    expect(error.status).toBe(401);
    expect(error.errorCode).toBe("invalid_client ([REDACTED])");
    expect(error.detail).toContain("[REDACTED]");
    expect(server.arrived[0]?.headers.authorization).toBe(`Basic ${ACCOUNT_BASIC}`);
    expectNothingLeaked();
  });

  it("the Bearer header and the bare token, current and past, in detail, parameters and reason", async () => {
    const c = client(serviceAccount);
    server.enqueue(token(TOKEN_1), echo(400));
    const first = await failure(c.getOrganization(ORG));
    expect(first.detail).toContain("[REDACTED]");

    // The server refuses token 1; the client fetches token 2; the answer quotes both.
    server.enqueue(
      json(
        401,
        { detail: "expired", error: 401, errorCode: "USER_UNAUTHORIZED", parameters: [], reason: "Unauthorized" },
        {
          "www-authenticate": 'Bearer error="invalid_token"',
        },
      ),
      token(TOKEN_2),
      (req, res) =>
        json(404, {
          detail: `old Bearer ${TOKEN_1}, new ${req.headers.authorization}, bare ${TOKEN_2}, lower bearer ${TOKEN_2}`,
          error: 404,
          errorCode: "RESOURCE_NOT_FOUND",
          parameters: [TOKEN_1, `Bearer ${TOKEN_2}`, { token: TOKEN_2 }],
          reason: `Bearer ${TOKEN_1}`,
        })(req, res),
    );
    const second = await failure(c.getInvitation(ORG, "0123456789abcdef01234567"));
    expect(second.detail).toBe("old [REDACTED], new [REDACTED], bare [REDACTED], lower [REDACTED]");
    expect(second.parameters).toEqual(["[REDACTED]", "[REDACTED]", { token: "[REDACTED]" }]);
    expect(logs.some((event) => event.message.includes("access token"))).toBe(true);
    expectNothingLeaked();
  });
});

describe("Redactor", () => {
  it("keeps prose and credentials of other forms apart", () => {
    const redactor = new Redactor();
    redactor.addSecret("the-private-key-value");
    expect(redactor.redact("Basic authentication is not enabled; a Bearer token is required")).toBe(
      "Basic authentication is not enabled; a Bearer token is required",
    );
    // Credentials it was never given, in the forms headers take.
    const foreignBasic = Buffer.from("someone:else-secret").toString("base64");
    expect(redactor.redact(`proxy saw Basic ${foreignBasic} and Bearer abcdefghijklmnopqrstuvwxyz012345`)).toBe(
      "proxy saw [REDACTED] and [REDACTED]",
    );
    expect(
      redactor.redact('got Digest username="u", realm="r", nonce="n", uri="/x", response="0123456789abcdef0123456789abcdef" end'),
    ).toBe("got [REDACTED] end");
    expect(redactor.redact("response=0123456789abcdef0123456789abcdef")).toBe('response="[REDACTED]"');
  });

  it("shows nothing of what it holds, and keeps a bounded number of per-request values", () => {
    const redactor = new Redactor();
    redactor.addSecret("the-private-key-value");
    redactor.addToken("a-token-value-0123456789");
    for (let i = 0; i < 600; i++) redactor.addRequestCredential(`digest-header-value-${i}`);
    const shown = [
      inspect(redactor, { depth: Infinity, showHidden: true }),
      inspect(redactor, { depth: Infinity, showHidden: true, customInspect: false }),
      JSON.stringify(redactor),
      JSON.stringify({ redactor }),
    ].join("\n");
    for (const secret of ["the-private-key-value", "a-token-value-0123456789", "digest-header-value-599"])
      expect(shown).not.toContain(secret);
    expect(redactor.redact("digest-header-value-599 and digest-header-value-1")).toBe("[REDACTED] and digest-header-value-1");
    expect(redactor.redact("the-private-key-value a-token-value-0123456789")).toBe("[REDACTED] [REDACTED]");
  });
});
