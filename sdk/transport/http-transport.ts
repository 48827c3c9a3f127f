import * as tls from "node:tls";
import { Agent, EnvHttpProxyAgent, request, type Dispatcher } from "undici";
import { CloudManagerError } from "../errors/cloud-manager-error";
import { NetworkFailure } from "./network-failure";
import type { WireRequest, WireResponse } from "./wire";

export interface HttpTransportOptions {
  /** PEM text of an extra CA (Ops Manager on-prem); added to the default roots, never replacing them. */
  caCertificate?: string;
  /** Turns TLS certificate verification off. Only for a lab; default false. */
  insecureSkipTlsVerify?: boolean;
  /** Deadline of one attempt, headers and body included, in milliseconds. */
  requestTimeoutMs: number;
  /** Where proxy variables are read from; default process.env. */
  env?: NodeJS.ProcessEnv;
}

/**
 * One HTTP attempt over undici's `request` with ONE explicit keep-alive dispatcher (never the global
 * one). Reads the whole body, so every response frees its connection, 401s included.
 */
export class HttpTransport {
  readonly dispatcher: Dispatcher;
  readonly proxied: boolean;
  private readonly timeoutMs: number;
  private readonly closing = new AbortController();

  constructor(options: HttpTransportOptions) {
    this.timeoutMs = options.requestTimeoutMs;
    const tlsOptions: tls.ConnectionOptions = { rejectUnauthorized: options.insecureSkipTlsVerify !== true };
    if (options.caCertificate !== undefined) tlsOptions.ca = [...defaultRootCertificates(), options.caCertificate];
    // Node's http server closes idle connections after 5 s; undici's 4 s default stays under that.
    const agentOptions = { keepAliveTimeout: 4_000, connect: tlsOptions };
    const proxy = proxySettings(options.env ?? process.env);
    this.proxied = proxy !== undefined;
    this.dispatcher =
      proxy === undefined
        ? new Agent(agentOptions)
        : // requestTls: TLS to the API host through a CONNECT tunnel; proxyTls: to an https:// proxy.
          new EnvHttpProxyAgent({ ...agentOptions, ...proxy, requestTls: tlsOptions, proxyTls: tlsOptions });
  }

  readonly send = async (req: WireRequest): Promise<WireResponse> => {
    if (this.closing.signal.aborted) throw closedError(req);
    const signal = AbortSignal.any([AbortSignal.timeout(this.timeoutMs), this.closing.signal]);
    try {
      const response = await request(req.url, {
        method: req.method,
        headers: req.headers,
        body: req.body ?? null,
        dispatcher: this.dispatcher,
        signal,
      });
      const body = Buffer.from(await response.body.arrayBuffer());
      // The body's end resolves before undici marks the connection idle; one turn of the event loop
      // lets an immediate follow-up (a Digest re-sign, a retry) reuse it instead of opening another.
      await new Promise<void>((resolve) => setImmediate(resolve));
      // No credentials are judged here: the auth layers above decide `authenticated`.
      return { status: response.statusCode, headers: response.headers, body, authenticated: false };
    } catch (error) {
      if (this.closing.signal.aborted) throw closedError(req);
      throw new NetworkFailure({ cause: error, method: req.method, url: req.url });
    }
  };

  async close(): Promise<void> {
    this.closing.abort();
    await this.dispatcher.close();
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

function closedError(req: WireRequest): CloudManagerError {
  return new CloudManagerError({
    code: "CLOUD_MANAGER_CLIENT_CLOSED",
    message: `The Cloud Manager client was closed before ${req.method} ${req.url.pathname} finished.`,
    method: req.method,
    path: `${req.url.pathname}${req.url.search}`,
  });
}
