import { configError } from "../errors/error-messages";
import { DEFAULT_MAX_RESPONSE_BYTES } from "../transport/http-transport";
import type { RetryOptions, RetrySettings } from "../transport/retry-policy";
import { retrySettings } from "../transport/retry-policy";
import type { ClientClock, ClientLogger, ClientLogEvent } from "../types";

/** Cloud Manager's API base URL, the default of `baseUrl`. The one place this URL is written down. */
export const DEFAULT_BASE_URL = "https://cloud.mongodb.com/api/public/v1.0";
/** Where the Public API v1.0 lives under a Cloud Manager or Ops Manager root URL. */
const API_PATH = "/api/public/v1.0";
const DEFAULT_REQUEST_TIMEOUT_MS = 30_000;
const DEFAULT_USER_AGENT = "pulumi-cloudmanager";

/** Options of `CloudManagerClient`. Give either an API key (publicKey + privateKey) or a service account (clientId + clientSecret). */
export interface CloudManagerClientOptions {
  /**
   * API base URL. Default {@link DEFAULT_BASE_URL}; Ops Manager: "https://host:port/api/public/v1.0", or
   * just its root "https://host:port" (see {@link normalizeBaseUrl}). No credentials, query or fragment.
   */
  baseUrl?: string;
  /** Programmatic API key, public part (the Digest username). */
  publicKey?: string;
  /** Programmatic API key, private part (the Digest password). Never logged or shown in errors. */
  privateKey?: string;
  /** Service account client id (OAuth 2.0 client credentials). Token URL: new URL("/api/oauth/token", baseUrl). */
  clientId?: string;
  /** Service account secret ("mdb_sa_sk_…"). Never logged or shown in errors. */
  clientSecret?: string;
  /** PEM text of a CA to trust IN ADDITION to the default roots (Ops Manager with a private CA). */
  caCertificate?: string;
  /** Turn TLS certificate verification off. Default false; prefer caCertificate. */
  insecureSkipTlsVerify?: boolean;
  /** Deadline of each attempt (headers and body), in ms. Default 30_000. */
  requestTimeoutMs?: number;
  /** Retry bounds for 429, 5xx, connection errors and the 400 rate-limit codes. */
  retry?: RetryOptions;
  /**
   * Largest response body the client reads, in bytes. Default 8 MiB (8_388_608), well above a 500-user
   * page. A longer body, or a Content-Length above it, fails the call at once with
   * CLOUD_MANAGER_RESPONSE_TOO_LARGE (not retried).
   */
  maxResponseBytes?: number;
  /** Logging hook. Every wait longer than 1 s is reported here at level "warn". Never receives secrets. */
  onLog?: (event: ClientLogEvent) => void;
  /** Ask for `envelope=true` responses (unwrapped transparently). */
  envelope?: boolean;
  /** Ask for `pretty=true` responses (parsed the same). */
  pretty?: boolean;
  /** User-Agent header. Default "pulumi-cloudmanager". */
  userAgent?: string;
  /**
   * The clock and the wait of retries and token lifetimes (see ClientClock). Default Date.now and real
   * timers; tests pass a fake one so that a Retry-After of a minute takes no real time.
   */
  clock?: ClientClock;
}

export type ResolvedCredentials =
  { kind: "apiKey"; publicKey: string; privateKey: string } | { kind: "serviceAccount"; clientId: string; clientSecret: string };

/** Options with defaults applied and checked (octokit's Options → State). */
export interface ClientSettings {
  baseUrl: URL;
  credentials: ResolvedCredentials;
  caCertificate: string | undefined;
  insecureSkipTlsVerify: boolean;
  requestTimeoutMs: number;
  maxResponseBytes: number;
  retry: RetrySettings;
  log: ClientLogger;
  envelope: boolean;
  pretty: boolean;
  userAgent: string;
  clock: ClientClock;
}

export function resolveSettings(options: CloudManagerClientOptions): ClientSettings {
  const baseUrl = parseBaseUrl(options.baseUrl ?? DEFAULT_BASE_URL);
  const requestTimeoutMs = options.requestTimeoutMs ?? DEFAULT_REQUEST_TIMEOUT_MS;
  if (!Number.isFinite(requestTimeoutMs) || requestTimeoutMs <= 0) {
    throw configError(`requestTimeoutMs must be a positive number of milliseconds, got ${requestTimeoutMs}.`);
  }
  const maxResponseBytes = options.maxResponseBytes ?? DEFAULT_MAX_RESPONSE_BYTES;
  if (!Number.isSafeInteger(maxResponseBytes) || maxResponseBytes <= 0) {
    throw configError(`maxResponseBytes must be a positive whole number of bytes, got ${maxResponseBytes}.`);
  }
  let retry: RetrySettings;
  try {
    retry = retrySettings(options.retry);
  } catch (error) {
    throw configError(error instanceof Error ? error.message : String(error));
  }
  if (options.caCertificate !== undefined && !isPemCertificate(options.caCertificate)) {
    throw configError("caCertificate must be the PEM text of a certificate (-----BEGIN CERTIFICATE----- …), not a file path.");
  }
  const onLog = options.onLog;
  return {
    baseUrl,
    credentials: resolveCredentials(options),
    caCertificate: options.caCertificate,
    insecureSkipTlsVerify: options.insecureSkipTlsVerify === true,
    requestTimeoutMs,
    maxResponseBytes,
    retry,
    // A throwing hook must not break a call.
    log: (event) => {
      try {
        onLog?.(event);
      } catch {
        // ignored on purpose
      }
    },
    envelope: options.envelope === true,
    pretty: options.pretty === true,
    userAgent: options.userAgent ?? DEFAULT_USER_AGENT,
    clock: options.clock ?? {},
  };
}

/**
 * The API base URL that `text` names, as a string without a trailing slash. Takes the API base itself
 * (".../api/public/v1.0") or a bare Cloud Manager / Ops Manager root ("https://opsmanager.example.com:8443"),
 * to which it appends /api/public/v1.0, as mongocli does with MCLI_OPS_MANAGER_URL. Only http(s); a
 * query or fragment is dropped. Throws a CLOUD_MANAGER_CONFIG_ERROR whose message states the problem
 * without naming a setting (e.g. `is not a URL: "x". Use e.g. …`), so that the caller can put the
 * setting's name in front.
 */
export function normalizeBaseUrl(text: string): string {
  const url = parseHttpUrl(text);
  if (typeof url === "string") throw configError(url);
  return toApiBase(url).href.replace(/\/+$/, "");
}

/** True when `text` is PEM text holding a certificate (a "-----BEGIN CERTIFICATE-----" line), not e.g. a file path. */
export function isPemCertificate(text: string): boolean {
  return text.includes("-----BEGIN CERTIFICATE-----");
}

/** `text` as an http(s) URL, or what is wrong with it (a sentence that follows the setting's name). */
function parseHttpUrl(text: string): URL | string {
  let url: URL;
  try {
    url = new URL(text);
  } catch {
    return `is not a URL: "${text}". Use e.g. ${DEFAULT_BASE_URL} or https://opsmanager.example.com:8443.`;
  }
  if (url.protocol !== "https:" && url.protocol !== "http:") return `must be an http(s) URL, got "${url.protocol}".`;
  return url;
}

/** A copy of `url` whose path ends with /api/public/v1.0 (appended unless it is there), without query or fragment. */
function toApiBase(url: URL): URL {
  const api = new URL(url.href);
  const path = api.pathname.replace(/\/+$/, "");
  api.pathname = path.endsWith(API_PATH) ? path : `${path}${API_PATH}`;
  api.search = "";
  api.hash = "";
  return api;
}

/**
 * The client's base URL: the rules of normalizeBaseUrl, and stricter where a client option can be:
 * credentials in the URL are refused (they belong in publicKey/privateKey or clientId/clientSecret), and
 * so are a query and a fragment (they would be dropped silently). Ends with "/" so that paths resolve under it.
 */
function parseBaseUrl(text: string): URL {
  const url = parseHttpUrl(text);
  if (typeof url === "string") throw configError(`baseUrl ${url}`);
  if (url.username !== "" || url.password !== "") {
    throw configError("baseUrl must not carry credentials; use publicKey/privateKey or clientId/clientSecret.");
  }
  if (url.search !== "" || url.hash !== "") throw configError("baseUrl must not have a query or fragment.");
  const base = toApiBase(url);
  base.pathname = `${base.pathname}/`;
  return base;
}

function resolveCredentials(options: CloudManagerClientOptions): ResolvedCredentials {
  const hasKey = present(options.publicKey) || present(options.privateKey);
  const hasAccount = present(options.clientId) || present(options.clientSecret);
  if (hasKey && hasAccount) {
    throw configError("Give either an API key (publicKey + privateKey) or a service account (clientId + clientSecret), not both.");
  }
  if (hasKey) {
    if (!present(options.publicKey) || !present(options.privateKey)) {
      throw configError("An API key needs both publicKey and privateKey.");
    }
    return { kind: "apiKey", publicKey: options.publicKey, privateKey: options.privateKey };
  }
  if (hasAccount) {
    if (!present(options.clientId) || !present(options.clientSecret)) {
      throw configError("A service account needs both clientId and clientSecret.");
    }
    return { kind: "serviceAccount", clientId: options.clientId, clientSecret: options.clientSecret };
  }
  throw configError("No credentials: give publicKey + privateKey (API key) or clientId + clientSecret (service account).");
}

function present(value: string | undefined): value is string {
  return value !== undefined && value !== "";
}

/** How errors name the credential: by its public part only. */
export function describeCredential(credentials: ResolvedCredentials): string {
  return credentials.kind === "apiKey"
    ? `the API key with public key "${credentials.publicKey}"`
    : `the service account "${credentials.clientId}"`;
}
