import * as tls from "node:tls";
import type { Dispatcher } from "undici";
import { CloudManagerError, isCloudManagerError } from "../errors/cloud-manager-error";
import { responseTooLargeError } from "../errors/error-messages";
import { NetworkFailure } from "../errors/failures";
import { pathOf, type WireRequest, type WireResponse } from "../wire";
import { undiciParts } from "./undici-parts";

/**
 * 8 MiB. The largest answers are a page of 500 organization users (an entry is 0.3-1 KB, more with many
 * project roles) and the unpaged list of pending invitations (about 0.35 KB each). 8 MiB holds 500 users of
 * 16 KB each even with pretty=true, or over 20 000 pending invitations: ten times and more what a real
 * organization sends, and still small enough that a runaway body cannot grow the process much.
 */
export const DEFAULT_MAX_RESPONSE_BYTES = 8 * 1024 * 1024;

export interface HttpTransportOptions {
  /** PEM text of an extra CA (Ops Manager on-prem); added to the default roots, never replacing them. */
  caCertificate?: string;
  /** Turns TLS certificate verification off. Only for a lab; default false. */
  insecureSkipTlsVerify?: boolean;
  /** Deadline of one attempt, headers and body included, in milliseconds. */
  requestTimeoutMs: number;
  /** Largest body read, in bytes; a longer one (or a Content-Length above it) ends the attempt. Default 8 MiB. */
  maxResponseBytes?: number;
  /** Where proxy variables are read from; default process.env. */
  env?: NodeJS.ProcessEnv;
}

/**
 * One HTTP attempt over undici's `request` (./undici-parts) with ONE explicit keep-alive dispatcher
 * (never the global one), made at the first send. Reads the whole body, so every response frees its
 * connection, 401s included, but never more than `maxResponseBytes`: past that the connection is
 * dropped and CLOUD_MANAGER_RESPONSE_TOO_LARGE thrown (a CloudManagerError, which the retrying layer
 * passes through: a retry would read it again).
 */
export class HttpTransport {
  readonly proxied: boolean;
  private readonly timeoutMs: number;
  private readonly maxResponseBytes: number;
  private readonly closing = new AbortController();
  private readonly makeDispatcher: () => Dispatcher;
  private madeDispatcher: Dispatcher | undefined;

  constructor(options: HttpTransportOptions) {
    this.timeoutMs = options.requestTimeoutMs;
    this.maxResponseBytes = options.maxResponseBytes ?? DEFAULT_MAX_RESPONSE_BYTES;
    const tlsOptions: tls.ConnectionOptions = { rejectUnauthorized: options.insecureSkipTlsVerify !== true };
    if (options.caCertificate !== undefined) tlsOptions.ca = [...defaultRootCertificates(), options.caCertificate];
    // Node's http server closes idle connections after 5 s; undici's 4 s default stays under that.
    const agentOptions = { keepAliveTimeout: 4_000, connect: tlsOptions };
    const proxy = proxySettings(options.env ?? process.env);
    this.proxied = proxy !== undefined;
    this.makeDispatcher = () =>
      proxy === undefined
        ? new (undiciParts().Agent)(agentOptions)
        : // requestTls: TLS to the API host through a CONNECT tunnel; proxyTls: to an https:// proxy.
          new (undiciParts().EnvHttpProxyAgent())({ ...agentOptions, ...proxy, requestTls: tlsOptions, proxyTls: tlsOptions });
  }

  /** The keep-alive dispatcher, made (and undici loaded) on first use. */
  get dispatcher(): Dispatcher {
    this.madeDispatcher ??= this.makeDispatcher();
    return this.madeDispatcher;
  }

  readonly send = async (req: WireRequest): Promise<WireResponse> => {
    if (this.closing.signal.aborted) throw closedError(req);
    // An abandoned request (a page its listing no longer needs) is cut off in flight too: its
    // connection is freed at once instead of waiting for an answer nobody reads.
    const signals = [AbortSignal.timeout(this.timeoutMs), this.closing.signal];
    if (req.abandoned !== undefined) signals.push(req.abandoned);
    const signal = AbortSignal.any(signals);
    try {
      const response = await this.dispatcher.request({
        origin: req.url.origin,
        path: pathOf(req.url),
        method: req.method,
        headers: req.headers,
        body: req.body ?? null,
        signal,
      });
      const body = await this.readBody(req, response);
      // The body's end resolves before undici marks the connection idle; one turn of the event loop
      // lets an immediate follow-up (a Digest re-sign, a retry) reuse it instead of opening another.
      await new Promise<void>((resolve) => setImmediate(resolve));
      // No credentials are judged here: the auth layers above decide `authenticated`.
      return { status: response.statusCode, headers: response.headers, body, authenticated: false };
    } catch (error) {
      if (this.closing.signal.aborted) throw closedError(req);
      if (isCloudManagerError(error)) throw error;
      throw new NetworkFailure({ cause: error, method: req.method, url: req.url });
    }
  };

  /** The body, counted chunk by chunk as it arrives; at most `maxResponseBytes` is ever held. */
  private async readBody(req: WireRequest, response: Dispatcher.ResponseData): Promise<Buffer> {
    const limit = this.maxResponseBytes;
    const announced = contentLength(response.headers["content-length"]);
    if (announced !== undefined && announced > limit) {
      // Destroying the body aborts the request and closes its connection: nothing more is read.
      response.body.destroy();
      throw responseTooLargeError(req, response.statusCode, limit, announced);
    }
    const chunks: Buffer[] = [];
    let size = 0;
    for await (const chunk of response.body) {
      const bytes = chunk as Buffer;
      size += bytes.length;
      if (size > limit) {
        // Leaving the loop destroys the stream; destroy first so no further chunk is buffered meanwhile.
        response.body.destroy();
        throw responseTooLargeError(req, response.statusCode, limit, undefined);
      }
      chunks.push(bytes);
    }
    return Buffer.concat(chunks, size);
  }

  async close(): Promise<void> {
    this.closing.abort();
    // Never used: nothing to close, and no reason to load undici now.
    await this.madeDispatcher?.close();
  }
}

/** The roots Node trusts by default (bundled, plus NODE_EXTRA_CA_CERTS where supported). */
function defaultRootCertificates(): readonly string[] {
  // tls.getCACertificates exists from Node 22.15 / 23.5; fall back to the bundled list.
  return typeof tls.getCACertificates === "function" ? tls.getCACertificates("default") : tls.rootCertificates;
}

/**
 * HTTP(S)_PROXY / NO_PROXY (lowercase first, like curl), or undefined when no proxy is set. Every
 * field is passed explicitly ("" = none) so undici does not read process.env behind our back.
 */
function proxySettings(env: NodeJS.ProcessEnv): { httpProxy: string; httpsProxy: string; noProxy: string } | undefined {
  const pick = (name: string): string => env[name.toLowerCase()] || env[name] || "";
  const httpProxy = pick("HTTP_PROXY");
  const httpsProxy = pick("HTTPS_PROXY");
  if (httpProxy === "" && httpsProxy === "") return undefined;
  return { httpProxy, httpsProxy, noProxy: pick("NO_PROXY") };
}

/** A Content-Length header as a number, or undefined when absent or unreadable. */
function contentLength(value: string | string[] | undefined): number | undefined {
  const text = Array.isArray(value) ? value[0] : value;
  if (text === undefined || !/^\d+$/.test(text.trim())) return undefined;
  return Number(text.trim());
}

function closedError(req: WireRequest): CloudManagerError {
  return new CloudManagerError({
    code: "CLOUD_MANAGER_CLIENT_CLOSED",
    message: `The Cloud Manager client was closed before ${req.method} ${req.url.pathname} finished.`,
    method: req.method,
    path: pathOf(req.url),
  });
}
