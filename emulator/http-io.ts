// Reading request bodies and writing responses with the headers, `pretty` and `envelope` Cloud Manager honours.
import type { IncomingMessage, ServerResponse } from "node:http";
import { ApiError } from "./errors";

export const SERVICE_VERSION = "gitHash=0000000000000000000000000000000000000000; versionString=emulator";
const MAX_BODY_BYTES = 1024 * 1024;
/**
 * A body the server answered without reading is drained (discarded) after the answer when it is at
 * most this big, so the connection stays usable (a Digest client's unsigned probe carries its body);
 * a bigger or unsized one gets `Connection: close` instead, so the server never reads it.
 */
export const DRAIN_LIMIT_BYTES = 64 * 1024;

export interface ResponseFormat {
  pretty: boolean;
  envelope: boolean;
}

export function formatFromQuery(query: URLSearchParams): ResponseFormat {
  return {
    pretty: query.get("pretty")?.toLowerCase() === "true",
    envelope: query.get("envelope")?.toLowerCase() === "true",
  };
}

/** Requests whose body the server has started to read (their leftovers are the reader's business). */
const bodiesRead = new WeakSet<IncomingMessage>();

/** Whether the request announces a body (Content-Length > 0 or a Transfer-Encoding). */
export function hasBody(req: IncomingMessage): boolean {
  return req.headers["transfer-encoding"] !== undefined || declaredLength(req) > 0;
}

function declaredLength(req: IncomingMessage): number {
  const raw = req.headers["content-length"];
  return raw === undefined ? 0 : Number(raw);
}

/** The whole body, at most 1 MB: a bigger one is refused with 413 before (or as soon as) it exceeds that. */
export function readBody(req: IncomingMessage): Promise<Buffer> {
  if (declaredLength(req) > MAX_BODY_BYTES) return Promise.reject(bodyTooLarge());
  bodiesRead.add(req);
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    let size = 0;
    const onData = (chunk: Buffer): void => {
      size += chunk.length;
      if (size <= MAX_BODY_BYTES) {
        chunks.push(chunk);
        return;
      }
      // Stop reading: the answer then closes the connection instead of draining the rest.
      cleanup();
      req.pause();
      bodiesRead.delete(req);
      reject(bodyTooLarge());
    };
    const onEnd = (): void => {
      cleanup();
      resolve(Buffer.concat(chunks));
    };
    const onError = (error: Error): void => {
      cleanup();
      reject(error);
    };
    const cleanup = (): void => {
      req.off("data", onData);
      req.off("end", onEnd);
      req.off("error", onError);
      req.off("aborted", onAborted);
    };
    const onAborted = (): void => onError(new Error("request aborted"));
    req.on("data", onData);
    req.on("end", onEnd);
    req.on("error", onError);
    req.on("aborted", onAborted);
  });
}

const bodyTooLarge = (): ApiError => new ApiError(413, "INVALID_JSON", "Request body is too large.", []);

/**
 * The media type of the body, lower-cased without parameters ("application/json"), or undefined
 * when the request has no Content-Type.
 */
export function mediaType(req: IncomingMessage): string | undefined {
  const header = req.headers["content-type"];
  if (header === undefined) return undefined;
  return (header.split(";")[0] ?? "").trim().toLowerCase();
}

/** Responses whose answer is lost on purpose (a `drop` fault after the handler): never written. */
const lostAnswers = new WeakSet<ServerResponse>();

/** Whatever this response would answer, the connection is destroyed instead. */
export function loseAnswer(res: ServerResponse): void {
  lostAnswers.add(res);
}

export interface SendOptions {
  headers?: Record<string, string>;
  /** Keep the real status even with `envelope=true` (Digest challenges: a client must see the 401 to sign). */
  keepStatus?: boolean;
}

/**
 * Writes a JSON response. `body === undefined` means no content (204). With `envelope=true` the status
 * line becomes 200 and the body `{"status": s, "content": body}` (content left out when there is none).
 */
export function sendJson(res: ServerResponse, status: number, body: unknown, format: ResponseFormat, options: SendOptions = {}): void {
  if (lostAnswers.has(res)) {
    res.destroy();
    return;
  }
  let httpStatus = status;
  let payload: unknown = body;
  if (format.envelope) {
    payload = body === undefined ? { status } : { status, content: body };
    if (!options.keepStatus) httpStatus = 200;
  }
  const text = payload === undefined ? "" : JSON.stringify(payload, null, format.pretty ? 2 : undefined);
  res.statusCode = httpStatus;
  res.setHeader("Content-Type", "application/json");
  res.setHeader("Strict-Transport-Security", "max-age=300");
  res.setHeader("X-MongoDB-Service-Version", SERVICE_VERSION);
  for (const [name, value] of Object.entries(options.headers ?? {})) res.setHeader(name, value);
  if (mustCloseUnreadBody(res.req)) res.setHeader("Connection", "close");
  if (httpStatus === 204) {
    res.end();
    return;
  }
  res.setHeader("Content-Length", Buffer.byteLength(text));
  res.end(text);
}

/**
 * Answering before the body arrived: Node drains what is left after the answer (keeping the
 * connection), which is fine for a small body but would read a large one in full. Those get
 * `Connection: close`, and the server stops reading once the answer is out.
 */
function mustCloseUnreadBody(req: IncomingMessage | undefined): boolean {
  if (!req || req.complete || !hasBody(req)) return false;
  if (bodiesRead.has(req)) return false;
  return req.headers["transfer-encoding"] !== undefined || declaredLength(req) > DRAIN_LIMIT_BYTES;
}

export function sendError(res: ServerResponse, error: ApiError, format: ResponseFormat, options: SendOptions = {}): void {
  sendJson(res, error.status, error.toBody(), format, { ...options, headers: { ...error.headers, ...options.headers } });
}

/** The caller's address, with IPv4-mapped IPv6 addresses written as plain IPv4. */
export function remoteAddress(req: IncomingMessage): string {
  const address = req.socket.remoteAddress ?? "";
  return address.startsWith("::ffff:") && address.includes(".") ? address.slice(7) : address;
}
