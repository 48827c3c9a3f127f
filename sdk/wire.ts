// The request/response shapes that every layer (transport, retries, auth, envelope) passes along,
// and what errors are built from. Layers wrap a `SendFn`, octokit style, instead of subclassing each
// other. At the sdk root because every folder uses it; it imports nothing but types.

import type { ClientLogEvent } from "./types";

export type HttpMethod = "GET" | "POST" | "PATCH" | "PUT" | "DELETE";

export interface WireRequest {
  method: HttpMethod;
  url: URL;
  headers: Record<string, string>;
  /** Strings and Buffers only: every layer may send the same request again (Digest re-challenge, retries). */
  body?: string | Buffer;
  /** The organization the call is for, if any: every layer copies it into its log events about this request. */
  orgId?: string;
  /**
   * True when sending the request twice has the same effect as sending it once.
   * Defaults by method: POST is not idempotent, everything else is.
   */
  idempotent?: boolean;
  /**
   * For a request that is not idempotent: called before it is sent again after a failure that the
   * server may have acted on (5xx, connection lost after sending, timeout). Returning a response ends
   * the call with it instead of re-sending; returning undefined re-sends. Without this hook such a
   * request is not re-sent after an ambiguous failure.
   */
  beforeReplay?: (request: WireRequest) => Promise<WireResponse | undefined>;
  /**
   * Aborted once the caller no longer needs the answer (a page a listing asked for ahead, when the
   * listing ended before it): an attempt in flight is cut off, and no retry is waited for or sent
   * after that; the last answer stands.
   */
  abandoned?: AbortSignal;
}

export interface WireResponse {
  status: number;
  headers: Record<string, string | string[] | undefined>;
  /** The whole body, already read (API bodies are small; reading them also frees the connection). */
  body: Buffer;
  /** How many times the request went on the wire through the retrying layer (1 = no retry). */
  attempts?: number;
  /** Set by an auth layer when it gives up on a 401 that rejects the credentials themselves. */
  credentialsRejected?: boolean;
  /**
   * True when this answers a request that carried credentials (Digest: a signed request; OAuth: a
   * Bearer token from the token endpoint) and it is not a 401. The transport says false; only the
   * auth layers set it true. An unsigned Digest probe answered without a challenge (e.g. a wrong
   * base path that 404s everything) stays false: nothing there checked our credentials.
   */
  authenticated: boolean;
}

export type SendFn = (request: WireRequest) => Promise<WireResponse>;

/** The path and query exactly as sent: what Digest signs and what errors and logs show. */
export function pathOf(url: URL): string {
  return `${url.pathname}${url.search}`;
}

/** The fields every log event about `request` carries: method, path and query, and the organization if any. */
export function eventFieldsOf(request: WireRequest): Pick<ClientLogEvent, "method" | "path" | "orgId"> {
  return { method: request.method, path: pathOf(request.url), ...(request.orgId === undefined ? {} : { orgId: request.orgId }) };
}

export function headerValue(response: WireResponse, name: string): string | undefined {
  const value = response.headers[name.toLowerCase()];
  return Array.isArray(value) ? value.join(", ") : value;
}

/** All values of a header that may appear several times (e.g. WWW-Authenticate). */
export function headerValues(response: WireResponse, name: string): string[] {
  const value = response.headers[name.toLowerCase()];
  if (value === undefined) return [];
  return Array.isArray(value) ? value : [value];
}

export function isIdempotent(request: WireRequest): boolean {
  return request.idempotent ?? request.method !== "POST";
}

/** The body parsed as a JSON object, or undefined when it is empty, not JSON, or not an object. */
export function jsonObjectOf(body: Buffer): Record<string, unknown> | undefined {
  if (body.length === 0) return undefined;
  let parsed: unknown;
  try {
    parsed = JSON.parse(body.toString("utf8"));
  } catch {
    return undefined;
  }
  return typeof parsed === "object" && parsed !== null && !Array.isArray(parsed) ? (parsed as Record<string, unknown>) : undefined;
}
