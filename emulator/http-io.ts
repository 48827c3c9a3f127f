// Reading request bodies and writing responses with the headers, `pretty` and `envelope` Cloud Manager honours.
import type { IncomingMessage, ServerResponse } from "node:http";
import { ApiError } from "./errors";

export const SERVICE_VERSION = "gitHash=0000000000000000000000000000000000000000; versionString=emulator";
const MAX_BODY_BYTES = 1024 * 1024;

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

export async function readBody(req: IncomingMessage): Promise<Buffer> {
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of req) {
    const buf = chunk as Buffer;
    size += buf.length;
    if (size > MAX_BODY_BYTES) throw new ApiError(413, "INVALID_JSON", "Request body is too large.", []);
    chunks.push(buf);
  }
  return Buffer.concat(chunks);
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
  if (httpStatus === 204) {
    res.end();
    return;
  }
  res.setHeader("Content-Length", Buffer.byteLength(text));
  res.end(text);
}

export function sendError(res: ServerResponse, error: ApiError, format: ResponseFormat, options: SendOptions = {}): void {
  sendJson(res, error.status, error.toBody(), format, { ...options, headers: { ...error.headers, ...options.headers } });
}

/** The caller's address, with IPv4-mapped IPv6 addresses written as plain IPv4. */
export function remoteAddress(req: IncomingMessage): string {
  const address = req.socket.remoteAddress ?? "";
  return address.startsWith("::ffff:") && address.includes(".") ? address.slice(7) : address;
}
