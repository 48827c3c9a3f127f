import { createHash } from "node:crypto";
import { createServer, type IncomingHttpHeaders, type Server, type ServerResponse } from "node:http";
import type { AddressInfo, Socket } from "node:net";

// A real node:http server on 127.0.0.1:0 whose answers each test scripts call by call (the undici
// way): it records what arrived, in order, on which connection.

export interface ArrivedRequest {
  method: string;
  /** Path and query as received. */
  url: string;
  headers: IncomingHttpHeaders;
  body: string;
  /** 1-based id of the TCP connection it came on. */
  connection: number;
}

export type Reply = (req: ArrivedRequest, res: ServerResponse) => void | Promise<void>;

export interface ScriptedServer {
  origin: string;
  baseUrl: string;
  arrived: ArrivedRequest[];
  /** Connections opened so far. */
  connections(): number;
  /** Answers for the next requests, in order. */
  enqueue(...replies: Reply[]): void;
  /** Answer for requests once the queue is empty (default: 500 "unexpected request"). */
  fallback: Reply | undefined;
  close(): Promise<void>;
}

export async function startScriptedServer(): Promise<ScriptedServer> {
  const queue: Reply[] = [];
  const arrived: ArrivedRequest[] = [];
  const sockets = new Map<Socket, number>();
  let connectionCount = 0;
  const state: { fallback: Reply | undefined } = { fallback: undefined };
  const server: Server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on("data", (chunk: Buffer) => chunks.push(chunk));
    req.on("end", () => {
      const request: ArrivedRequest = {
        method: req.method ?? "",
        url: req.url ?? "",
        headers: req.headers,
        body: Buffer.concat(chunks).toString("utf8"),
        connection: sockets.get(req.socket) ?? 0,
      };
      arrived.push(request);
      const reply = queue.shift() ?? state.fallback ?? json(500, { detail: "unexpected request", errorCode: "UNEXPECTED" });
      void Promise.resolve(reply(request, res)).catch((error: unknown) => {
        res.destroy(error instanceof Error ? error : new Error(String(error)));
      });
    });
  });
  server.on("connection", (socket: Socket) => {
    connectionCount += 1;
    sockets.set(socket, connectionCount);
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const { port } = server.address() as AddressInfo;
  const origin = `http://127.0.0.1:${port}`;
  return {
    origin,
    baseUrl: `${origin}/api/public/v1.0`,
    arrived,
    connections: () => connectionCount,
    enqueue: (...replies) => queue.push(...replies),
    get fallback() {
      return state.fallback;
    },
    set fallback(reply: Reply | undefined) {
      state.fallback = reply;
    },
    close: async () => {
      server.closeAllConnections();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}

/** A JSON answer. */
export function json(status: number, body: unknown, headers: Record<string, string> = {}): Reply {
  return (_req, res) => {
    const text = body === undefined ? "" : JSON.stringify(body);
    res.writeHead(status, { "content-type": "application/json", ...headers });
    res.end(text);
  };
}

/** The error body Cloud Manager documents. */
export function apiErrorBody(status: number, errorCode: string, detail = errorCode, parameters: unknown[] = []): unknown {
  return { detail, error: status, errorCode, parameters, reason: "Reason" };
}

/** Cloud Manager's Digest challenge, byte for byte in its documented form. */
export function challengeHeader(nonce: string, stale = false): string {
  return `Digest realm="MMS Public API", domain="", nonce="${nonce}", algorithm=MD5, qop="auth", stale=${stale}`;
}

/** A 401 with a Digest challenge and a body (so a client must drain it to reuse the connection). */
export function challenge(nonce: string, stale = false): Reply {
  return json(401, apiErrorBody(401, "UNAUTHORIZED", "You are not authorized for this resource."), {
    "www-authenticate": challengeHeader(nonce, stale),
  });
}

/** A page as Cloud Manager shapes it; `totalCount` undefined leaves the field out. */
export function page(results: unknown[], totalCount: number | undefined, next: boolean): Reply {
  const links = [{ rel: "self", href: "http://x/self" }, ...(next ? [{ rel: "next", href: "http://x/next" }] : [])];
  return json(200, { results, links, ...(totalCount === undefined ? {} : { totalCount }) });
}

/** Serves page `pageNum` of the query with `make`. No Digest challenge: every request gets a page. */
export function byPage(make: (pageNum: number) => Reply): Reply {
  return (req, res) => make(Number(new URL(req.url, "http://x").searchParams.get("pageNum")))(req, res);
}

/** An answer without a body. */
export function empty(status: number): Reply {
  return (_req, res) => {
    res.writeHead(status);
    res.end();
  };
}

/** An error in Cloud Manager's format. */
export function errorReply(status: number, errorCode: string, detail = errorCode): Reply {
  return json(status, apiErrorBody(status, errorCode, detail));
}

/** Closes the connection without an answer, after the request arrived. */
export function drop(): Reply {
  return (_req, res) => {
    res.socket?.destroy();
  };
}

/** The Digest parameters of a request's Authorization header. */
export function digestParams(req: ArrivedRequest): Map<string, string> {
  const header = req.headers.authorization ?? "";
  const params = new Map<string, string>();
  if (!header.startsWith("Digest ")) return params;
  for (const match of header.slice(7).matchAll(/([a-z]+)=(?:"((?:[^"\\]|\\.)*)"|([^,\s]*))/g)) {
    params.set(match[1] as string, match[2] ?? match[3] ?? "");
  }
  return params;
}

/** Checks a request's Digest signature independently of the SDK's signer (MD5, qop=auth). */
export function digestIsValid(req: ArrivedRequest, username: string, password: string, realm = "MMS Public API"): boolean {
  const p = digestParams(req);
  const md5 = (text: string): string => createHash("md5").update(text).digest("hex");
  if (p.get("username") !== username || p.get("realm") !== realm || p.get("uri") !== req.url) return false;
  const ha1 = md5(`${username}:${realm}:${password}`);
  const ha2 = md5(`${req.method}:${req.url}`);
  const expected = md5(`${ha1}:${p.get("nonce")}:${p.get("nc")}:${p.get("cnonce")}:${p.get("qop")}:${ha2}`);
  return p.get("response") === expected;
}
