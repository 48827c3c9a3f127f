// Test-side helpers: a small independent Digest signer and thin fetch wrappers around a running emulator.
import { createHash, randomBytes } from "node:crypto";
import { afterEach } from "vitest";
import { startEmulator, type EmulatorOptions, type RunningEmulator } from "../../emulator";

const running: RunningEmulator[] = [];

/** Starts an emulator that is closed after the current test. */
export async function emulator(options: EmulatorOptions = {}): Promise<RunningEmulator> {
  const emu = await startEmulator(options);
  running.push(emu);
  return emu;
}

afterEach(async () => {
  await Promise.all(running.splice(0).map((e) => e.close()));
});

export const md5 = (s: string): string => createHash("md5").update(s).digest("hex");

export interface Challenge {
  realm: string;
  nonce: string;
  qop: string;
  stale: string;
}

export function parseChallenge(header: string | null): Challenge {
  if (!header) throw new Error("no WWW-Authenticate header");
  const get = (name: string): string => {
    const m = new RegExp(`${name}="?([^",]*)"?`).exec(header);
    if (!m || m[1] === undefined) throw new Error(`no ${name} in ${header}`);
    return m[1];
  };
  return { realm: get("realm"), nonce: get("nonce"), qop: get("qop"), stale: get("stale") };
}

export function digestHeader(args: {
  username: string;
  password: string;
  method: string;
  uri: string;
  nonce: string;
  nc: number;
  realm?: string;
  cnonce?: string;
}): string {
  const realm = args.realm ?? "MMS Public API";
  const cnonce = args.cnonce ?? randomBytes(8).toString("hex");
  const nc = args.nc.toString(16).padStart(8, "0");
  const ha1 = md5(`${args.username}:${realm}:${args.password}`);
  const ha2 = md5(`${args.method}:${args.uri}`);
  const response = md5(`${ha1}:${args.nonce}:${nc}:${cnonce}:auth:${ha2}`);
  return `Digest username="${args.username}", realm="${realm}", nonce="${args.nonce}", uri="${args.uri}", algorithm=MD5, response="${response}", qop=auth, nc=${nc}, cnonce="${cnonce}"`;
}

export interface Reply {
  status: number;
  headers: Headers;
  text: string;
  json: unknown;
}

async function toReply(res: Response): Promise<Reply> {
  const text = await res.text();
  return { status: res.status, headers: res.headers, text, json: parseJson(text) };
}

/** The body as JSON, or undefined when it is empty or not JSON. */
function parseJson(text: string): unknown {
  if (!text) return undefined;
  try {
    return JSON.parse(text);
  } catch {
    return undefined;
  }
}

export async function raw(url: string, init: RequestInit = {}): Promise<Reply> {
  return toReply(await fetch(url, init));
}

/** A Digest API-key client that caches the challenge and counts nc in hex, like a good client. */
export type EmulatorAddress = Pick<RunningEmulator, "baseUrl" | "origin" | "credentials">;

export class DigestTestClient {
  private nonce: string | undefined;
  private nc = 0;

  constructor(
    private readonly emu: EmulatorAddress,
    private readonly username = emu.credentials.publicKey,
    private readonly password = emu.credentials.privateKey,
  ) {}

  /**
   * `path` below the API prefix, query included. A body goes out as application/json unless `headers`
   * name a Content-Type; a Uint8Array body goes out as is, with no Content-Type unless given.
   */
  async call(method: string, path: string, body?: unknown, headers: Record<string, string> = {}): Promise<Reply> {
    const uri = new URL(this.emu.baseUrl + path).pathname + new URL(this.emu.baseUrl + path).search;
    const namesContentType = Object.keys(headers).some((k) => k.toLowerCase() === "content-type");
    const send = async (): Promise<Response> => {
      const h: Record<string, string> = { Accept: "application/json", ...headers };
      if (this.nonce)
        h["Authorization"] = digestHeader({
          username: this.username,
          password: this.password,
          method,
          uri,
          nonce: this.nonce,
          nc: ++this.nc,
        });
      if (body !== undefined && !namesContentType && !(body instanceof Uint8Array)) h["Content-Type"] = "application/json";
      const payload = body === undefined ? null : body instanceof Uint8Array || typeof body === "string" ? body : JSON.stringify(body);
      return fetch(this.emu.origin + uri, { method, headers: h, ...(payload !== null ? { body: payload } : {}) });
    };
    let res = await send();
    if (res.status === 401 && res.headers.get("www-authenticate")?.startsWith("Digest")) {
      await res.arrayBuffer();
      this.nonce = parseChallenge(res.headers.get("www-authenticate")).nonce;
      this.nc = 0;
      res = await send();
    }
    return toReply(res);
  }
}

/** A call to the control plane (which wants Content-Type: application/json on every POST and body). */
export async function control(emu: RunningEmulator, method: string, path: string, body?: unknown): Promise<Reply> {
  const json = body !== undefined || method === "POST";
  return raw(`${emu.origin}/__emulator${path}`, {
    method,
    ...(json ? { headers: { "Content-Type": "application/json" } } : {}),
    ...(body !== undefined ? { body: JSON.stringify(body) } : {}),
  });
}

export async function bearerToken(
  emu: RunningEmulator,
  clientId = emu.serviceAccount?.clientId ?? "",
  secret = emu.serviceAccount?.clientSecret ?? "",
): Promise<string> {
  const reply = await raw(`${emu.origin}/api/oauth/token`, {
    method: "POST",
    headers: {
      Authorization: `Basic ${Buffer.from(`${clientId}:${secret}`).toString("base64")}`,
      "Content-Type": "application/x-www-form-urlencoded",
    },
    body: "grant_type=client_credentials",
  });
  if (reply.status !== 200) throw new Error(`token request failed: ${reply.status} ${reply.text}`);
  return (reply.json as { access_token: string }).access_token;
}

export function errorCodeOf(reply: Reply): string | undefined {
  return (reply.json as { errorCode?: string } | undefined)?.errorCode;
}
