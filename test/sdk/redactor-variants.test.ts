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

// A gateway that echoes credentials in another form than the one sent: upper- or lower-cased (a header
// normalised), hex-encoded (either case), percent-encoded, or an `id:secret` pair re-encoded in base64 or
// base64url after a case change. None of these may come out of the SDK either.

const TOKEN = "eyJhbGciOiJIUzI1NiJ9.variant-token-0123456789abcdef.c2lnbmF0dXJl";

const hex = (text: string): string => Buffer.from(text, "utf8").toString("hex");
const b64 = (text: string): string => Buffer.from(text, "utf8").toString("base64");
const b64url = (text: string): string => Buffer.from(text, "utf8").toString("base64url");
/** aBcD…: neither the upper nor the lower form. */
const mixed = (text: string): string => [...text].map((c, i) => (i % 2 === 0 ? c.toLowerCase() : c.toUpperCase())).join("");

/** Every other form a gateway could echo a value in. */
function variants(value: string): string[] {
  return [
    value.toUpperCase(),
    value.toLowerCase(),
    mixed(value),
    hex(value),
    hex(value).toUpperCase(),
    encodeURIComponent(value.toUpperCase()),
    encodeURIComponent(value).toLowerCase(),
  ];
}

/** The base64 and base64url forms of an `id:secret` pair after a case change of either half. */
function pairVariants(id: string, secret: string): string[] {
  const pairs = [
    `${id.toUpperCase()}:${secret.toUpperCase()}`,
    `${id.toLowerCase()}:${secret.toLowerCase()}`,
    `${id}:${secret.toUpperCase()}`,
  ];
  return [...pairs.flatMap((pair) => [b64(pair), b64url(pair)]), b64url(`${id}:${secret}`)];
}

/** Case-insensitive: a found variant in any case is a leak. */
function expectNoneIn(haystack: string, needles: string[]): void {
  const folded = haystack.toLowerCase();
  for (const needle of needles) expect(folded.includes(needle.toLowerCase()), `found a variant: ${needle.slice(0, 16)}…`).toBe(false);
}

describe("Redactor: other forms of what it knows", () => {
  function redactor(): Redactor {
    const r = new Redactor();
    r.addSecret(PRIVATE_KEY);
    r.addSecret(KEY_BASIC);
    r.addSecret(CLIENT_SECRET);
    r.addSecret(ACCOUNT_BASIC);
    r.addToken(TOKEN);
    return r;
  }

  it("a secret in upper, lower and mixed case, hex (lower and UPPER) and percent-encoded after a case change", () => {
    const r = redactor();
    for (const secret of [PRIVATE_KEY, CLIENT_SECRET, KEY_BASIC, ACCOUNT_BASIC, TOKEN])
      for (const variant of variants(secret))
        expect(r.redact(`before ${variant} after`), `${secret} as ${variant}`).toBe("before [REDACTED] after");
  });

  it("the service account's id:secret upper-cased by a gateway, bare and in base64/base64url of other cases", () => {
    const r = redactor();
    const upper = `${CLIENT_ID}:${CLIENT_SECRET}`.toUpperCase();
    expect(r.redact(`X-AUTH: ${upper}`)).toBe(`X-AUTH: ${CLIENT_ID.toUpperCase()}:[REDACTED]`);
    for (const variant of [...pairVariants(CLIENT_ID, CLIENT_SECRET), ...pairVariants(PUBLIC_KEY, PRIVATE_KEY)])
      expect(r.redact(`credential=${variant};`), variant).toBe("credential=[REDACTED];");
  });

  it("a token and its Bearer header in other cases and hex; a Digest header and its response hash upper-cased", () => {
    const r = redactor();
    expect(r.redact(`AUTHORIZATION: BEARER ${TOKEN.toUpperCase()}`)).toBe("AUTHORIZATION: [REDACTED]");
    expect(r.redact(`h=${hex(`Bearer ${TOKEN}`).toUpperCase()}`)).toBe("h=[REDACTED]");
    const header = `Digest username="${PUBLIC_KEY}", realm="MMS Public API", nonce="n-1", uri="/api/x", response="0123456789abcdef0123456789abcdef"`;
    r.addRequestCredential(header);
    r.addRequestCredential("0123456789abcdef0123456789abcdef");
    expect(r.redact(`echo ${header.toUpperCase()} end`)).toBe("echo [REDACTED] end");
    expect(r.redact(`hash 0123456789ABCDEF0123456789ABCDEF, hex ${hex(header)} end`)).toBe("hash [REDACTED], hex [REDACTED] end");
  });

  it("overlapping and adjacent matches, prose and unrelated text kept", () => {
    const r = new Redactor();
    r.addSecret("abcdef-secret");
    r.addSecret("SECRET-tail-1234");
    // Overlapping: one span, nothing of either left.
    expect(r.redact("x abcdef-secret-tail-1234 y")).toBe("x [REDACTED] y");
    // Adjacent: two spans.
    expect(r.redact("ABCDEF-SECRETsecret-tail-1234")).toBe("[REDACTED][REDACTED]");
    expect(r.redact("A secret is not a Secret-Tail; 616263 is hex of abc.")).toBe("A secret is not a Secret-Tail; 616263 is hex of abc.");
    // Characters whose lower case is longer (U+0130) do not shift what is replaced.
    expect(r.redact("\u0130\u0130 ABCDEF-SECRET \u0130")).toBe("\u0130\u0130 [REDACTED] \u0130");
  });

  it("non-ASCII secrets in another case", () => {
    const r = new Redactor();
    r.addSecret("gehéimnis-ßwert");
    expect(r.redact("GEHÉIMNIS-ßWERT")).toBe("[REDACTED]");
    expect(r.redact(hex("gehéimnis-ßwert").toUpperCase())).toBe("[REDACTED]");
    // Too short to look for, even hex-encoded; a lone surrogate has no percent-encoded form but is found as it is.
    r.addSecret("ab");
    r.addSecret("lone-\ud800-secret");
    expect(r.redact("ab 6162 LONE-\ud800-SECRET")).toBe("ab 6162 [REDACTED]");
  });

  it("still shows nothing of what it holds, and forgets old per-request values and tokens", () => {
    const r = redactor();
    for (let i = 0; i < 600; i++) r.addRequestCredential(`digest-header-value-${i}`);
    for (let i = 0; i < 100; i++) r.addToken(`a-token-value-${i}-0123456789`);
    const shown = [
      inspect(r, { depth: Infinity, showHidden: true }),
      inspect(r, { depth: Infinity, showHidden: true, customInspect: false }),
      JSON.stringify(r),
      JSON.stringify({ r }),
    ].join("\n");
    expectNoneIn(shown, [PRIVATE_KEY, CLIENT_SECRET, KEY_BASIC, TOKEN, "digest-header-value-599", hex(PRIVATE_KEY), hex(CLIENT_SECRET)]);
    expect(r.redact("DIGEST-HEADER-VALUE-599 and DIGEST-HEADER-VALUE-1")).toBe("[REDACTED] and DIGEST-HEADER-VALUE-1");
    expect(r.redact("A-TOKEN-VALUE-99-0123456789 A-TOKEN-VALUE-1-0123456789")).toBe("[REDACTED] A-TOKEN-VALUE-1-0123456789");
    // Secrets are never forgotten.
    expect(r.redact(PRIVATE_KEY.toUpperCase())).toBe("[REDACTED]");
  });

  it("a large text against many known values in one pass", () => {
    const r = redactor();
    for (let i = 0; i < 512; i++)
      r.addRequestCredential(`Digest username="k", nonce="nonce-${i}", response="${hex(`hash-${i}`).padEnd(32, "0")}"`);
    const filler = "lorem ipsum dolor sit amet, ".repeat(40_000);
    const text = `${filler}${hex(PRIVATE_KEY).toUpperCase()}${filler}`;
    const started = performance.now();
    const result = r.redact(text);
    const elapsed = performance.now() - started;
    expect(result).toBe(`${filler}[REDACTED]${filler}`);
    // Generous (2 shared cores): a scan per known value would be ~10x this text per value.
    expect(elapsed).toBeLessThan(5_000);
  });
});

// Through the client, against a scripted gateway.

let server: ScriptedServer;
let logs: ClientLogEvent[];
let errors: CloudManagerError[];
const clients: CloudManagerClient[] = [];

function client(options: Partial<CloudManagerClientOptions>): CloudManagerClient {
  const created = new CloudManagerClient({
    baseUrl: server.baseUrl,
    retry: { baseDelayMs: 1, maxDelayMs: 5, maxRetries: 1 },
    onLog: (event) => logs.push(event),
    ...options,
  });
  clients.push(created);
  return created;
}

/** The CloudManagerError a call rejects with (./support/failure), kept for the checks after each test. */
async function failure(promise: Promise<unknown>): Promise<CloudManagerError> {
  const error = await failureOf(promise);
  errors.push(error);
  return error;
}

/** The request's Authorization header and everything in it, in every other form. */
function variantEcho(req: ArrivedRequest): string {
  const auth = req.headers.authorization ?? "";
  const bare = auth.replace(/^\S+\s+/, "");
  const hash = digestParams(req).get("response") ?? "";
  const decoded = auth.startsWith("Basic ") ? Buffer.from(bare, "base64").toString("utf8") : "";
  return [
    ...variants(auth),
    ...variants(bare),
    ...(hash === "" ? [] : variants(hash)),
    ...(decoded === "" ? [] : [decoded.toUpperCase(), b64(decoded.toUpperCase()), b64url(decoded.toLowerCase())]),
  ].join(" | ");
}

function echo(status: number, errorCode: string): Reply {
  return (req, res) => {
    const text = variantEcho(req);
    return json(status, {
      detail: `Refused. ${text}`,
      error: status,
      errorCode,
      parameters: [text.toUpperCase(), { nested: [hex(req.headers.authorization ?? "").toUpperCase()] }],
      reason: text,
    })(req, res);
  };
}

function renderings(): string {
  return [
    ...errors.flatMap((error) => [
      error.message,
      error.detail ?? "",
      error.errorCode ?? "",
      String(error),
      error.stack ?? "",
      JSON.stringify(error),
      JSON.stringify(error.parameters),
      inspect(error, { depth: 20, showHidden: true }),
      inspect(error, { depth: 20, showHidden: true, customInspect: false }),
    ]),
    ...logs.flatMap((event) => [JSON.stringify(event), inspect(event)]),
  ].join("\n");
}

function sent(): string[] {
  const headers = server.arrived.map((req) => req.headers.authorization).filter((value): value is string => value !== undefined);
  const hashes = server.arrived.map((req) => digestParams(req).get("response")).filter((value): value is string => value !== undefined);
  return [...headers, ...headers.map((value) => value.replace(/^\S+\s+/, "")), ...hashes];
}

function expectNoVariantLeaked(known: string[], pairs: Array<[string, string]>): void {
  const haystack = renderings();
  expect(haystack).toContain("[REDACTED]");
  const all = [...known, ...sent()];
  expect(all.length).toBeGreaterThan(3);
  expectNoneIn(haystack, [...all, ...all.flatMap(variants), ...pairs.flatMap(([id, secret]) => pairVariants(id, secret))]);
  expect(haystack).not.toMatch(/response="?[0-9a-f]{32}/i);
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

describe("a gateway echoing credentials in other forms", () => {
  it("the Digest header, its hash, the private key and the key pair's Basic: other cases, hex, percent-encoded", async () => {
    server.fallback = (req, res) =>
      digestIsValid(req, PUBLIC_KEY, PRIVATE_KEY)
        ? json(400, {
            detail: `Refused. ${variantEcho(req)} key ${variants(PRIVATE_KEY).join(" ")} basic ${pairVariants(PUBLIC_KEY, PRIVATE_KEY).join(" ")}`,
            error: 400,
            errorCode: `ECHO ${hex(PRIVATE_KEY).toUpperCase()}`,
            parameters: [PRIVATE_KEY.toUpperCase(), { nested: [hex(req.headers.authorization ?? "").toUpperCase()] }],
            reason: variantEcho(req),
          })(req, res)
        : challenge("nonce-1")(req, res);
    const error = await failure(client({ publicKey: PUBLIC_KEY, privateKey: PRIVATE_KEY }).getOrganization(ORG));
    expect(error.status).toBe(400);
    expect(error.detail).toContain("Refused.");
    expect(error.errorCode).toBe("ECHO [REDACTED]");
    expectNoVariantLeaked([PRIVATE_KEY, KEY_BASIC], [[PUBLIC_KEY, PRIVATE_KEY]]);
  });

  it("retried 503s echoing the upper-cased Digest header: log events and the error scrubbed", async () => {
    server.fallback = (req, res) =>
      (digestIsValid(req, PUBLIC_KEY, PRIVATE_KEY) ? echo(503, "SERVICE_UNAVAILABLE") : challenge("nonce-1"))(req, res);
    const error = await failure(client({ publicKey: PUBLIC_KEY, privateKey: PRIVATE_KEY }).listInvitations(ORG));
    expect(error.attempts).toBe(2);
    expect(logs.some((event) => event.waitMs !== undefined)).toBe(true);
    expectNoVariantLeaked([PRIVATE_KEY, KEY_BASIC], [[PUBLIC_KEY, PRIVATE_KEY]]);
  });

  it("the token request's Basic header decoded and upper-cased (MDB_SA_ID_…:MDB_SA_SK_…), re-encoded, hex", async () => {
    server.fallback = (req, res) =>
      json(401, {
        error: `invalid_client ${hex(CLIENT_SECRET).toUpperCase()}`,
        error_description: `${variantEcho(req)} secret ${variants(CLIENT_SECRET).join(" ")}`,
      })(req, res);
    const error = await failure(
      client({ clientId: CLIENT_ID, clientSecret: CLIENT_SECRET, retry: { maxRetries: 0 } }).getOrganization(ORG),
    );
    expect(error.status).toBe(401);
    expect(error.errorCode).toBe("invalid_client [REDACTED]");
    expect(error.detail).toContain(`${CLIENT_ID.toUpperCase()}:[REDACTED]`);
    expectNoVariantLeaked([CLIENT_SECRET, ACCOUNT_BASIC], [[CLIENT_ID, CLIENT_SECRET]]);
  });

  it("the Bearer header and token upper-cased, lower-cased and hex-encoded", async () => {
    server.enqueue(json(200, { access_token: TOKEN, expires_in: 3600, token_type: "Bearer" }), echo(404, "RESOURCE_NOT_FOUND"));
    const error = await failure(
      client({ clientId: CLIENT_ID, clientSecret: CLIENT_SECRET }).getInvitation(ORG, "0123456789abcdef01234567"),
    );
    expect(error.status).toBe(404);
    expect(server.arrived[1]?.headers.authorization).toBe(`Bearer ${TOKEN}`);
    expectNoVariantLeaked([TOKEN, CLIENT_SECRET, ACCOUNT_BASIC], [[CLIENT_ID, CLIENT_SECRET]]);
  });
});
