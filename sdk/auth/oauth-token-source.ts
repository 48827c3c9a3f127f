import { inspect, type InspectOptions } from "node:util";
import { tokenEndpointError, malformedResponseError } from "../errors/error-messages";
import { Redactor } from "../errors/redactor";
import { NetworkFailure, PrerequisiteFailure } from "../errors/failures";
import { jsonObjectOf, type SendFn, type WireResponse } from "../wire";

export interface ServiceAccountCredentials {
  clientId: string;
  clientSecret: string;
}

export interface IssuedToken {
  token: string;
  /** True when the token was fetched for (or while) this caller waited; false when it came from the cache. */
  fresh: boolean;
  /** How long ago (ms, on the source's clock) the token was requested. */
  ageMs: number;
}

const GETTING_A_TOKEN = "while getting an access token";

interface CachedToken {
  token: string;
  /** Epoch ms when it was requested. */
  requestedAt: number;
  /** Epoch ms after which the token is no longer handed out. */
  refreshAt: number;
}

/**
 * OAuth 2.0 client-credentials tokens for a Cloud Manager service account
 * (`POST {origin}/api/oauth/token`, Basic client id:secret, `grant_type=client_credentials`;
 * cloud-manager-api.md, "OAuth 2.0 service accounts"). There are no refresh tokens: a token is cached
 * until shortly before it expires, and concurrent callers share ONE in-flight token request (the
 * endpoint allows 10 requests per minute). A failed token request throws a PrerequisiteFailure for
 * the retrying layer above (see fetchToken); `send` must not retry on its own.
 */
export class OAuthTokenSource {
  // The secret and the token are #private: never shown by util.inspect or JSON, whatever holds this.
  readonly #credentials: ServiceAccountCredentials;
  #cached: CachedToken | undefined;
  #inFlight: Promise<string> | undefined;

  readonly #redactor: Redactor;

  /**
   * `now`: the clock the token lifetime is measured on (tests pass their own). `redactor`: the client's;
   * it is given the secret, its Basic encoding and every token, so server echoes of them are scrubbed.
   */
  constructor(
    private readonly send: SendFn,
    private readonly tokenUrl: URL,
    credentials: ServiceAccountCredentials,
    private readonly now: () => number = Date.now,
    redactor: Redactor = new Redactor(),
  ) {
    this.#credentials = { ...credentials };
    this.#redactor = redactor;
    redactor.addSecret(credentials.clientSecret);
    redactor.addSecret(basicOf(credentials));
  }

  toJSON(): { tokenUrl: string; clientId: string } {
    return { tokenUrl: this.tokenUrl.href, clientId: this.#credentials.clientId };
  }

  [inspect.custom](_depth: number, options: InspectOptions, inspectFn: typeof inspect = inspect): string {
    return `OAuthTokenSource ${inspectFn(this.toJSON(), options)}`;
  }

  async getToken(): Promise<IssuedToken> {
    const cached = this.#cached;
    const now = this.now();
    if (cached !== undefined && now < cached.refreshAt) return { token: cached.token, fresh: false, ageMs: now - cached.requestedAt };
    this.#inFlight ??= this.fetchToken().finally(() => {
      this.#inFlight = undefined;
    });
    return { token: await this.#inFlight, fresh: true, ageMs: 0 };
  }

  /** Forgets `token` if it is still the cached one (the server refused it); a newer token is kept. */
  invalidate(token: string): void {
    if (this.#cached?.token === token) this.#cached = undefined;
  }

  private async fetchToken(): Promise<string> {
    const basic = basicOf(this.#credentials);
    const requestedAt = this.now();
    // Sent ONCE, with no retry layer of its own: a failure goes up as a PrerequisiteFailure and the
    // call's retrying layer decides, so a call's retry count and time bounds hold token requests
    // included (a nested retry layer multiplied them: 4 x 4 = 16 token requests at maxRetries 3).
    let response: WireResponse;
    try {
      response = await this.send({
        method: "POST",
        url: this.tokenUrl,
        headers: {
          authorization: `Basic ${basic}`,
          "content-type": "application/x-www-form-urlencoded",
          accept: "application/json",
        },
        body: "grant_type=client_credentials",
      });
    } catch (error) {
      if (!(error instanceof NetworkFailure)) throw error;
      throw new PrerequisiteFailure(GETTING_A_TOKEN, error, (attempts) => {
        // A copy per caller: concurrent calls share this failure but count their own attempts.
        const failure = new NetworkFailure({ cause: error.cause, method: error.method, url: error.url });
        failure.attempts = attempts;
        return failure;
      });
    }
    if (response.status !== 200) {
      const clientId = this.#credentials.clientId;
      const redactor = this.#redactor;
      throw new PrerequisiteFailure(GETTING_A_TOKEN, response, (attempts) =>
        tokenEndpointError({ ...response, attempts }, this.tokenUrl, clientId, redactor),
      );
    }
    const { token, expiresInSeconds } = parseTokenResponse(response, this.tokenUrl);
    // Before any request carries it: an echo in the very first answer must already be scrubbed.
    this.#redactor.addToken(token);
    const lifetimeMs = expiresInSeconds * 1000;
    // Stop using a token 60 s before it expires, or 10% of its lifetime for short-lived tokens.
    const marginMs = Math.min(60_000, lifetimeMs * 0.1);
    this.#cached = { token, requestedAt, refreshAt: requestedAt + lifetimeMs - marginMs };
    return token;
  }
}

function basicOf(credentials: ServiceAccountCredentials): string {
  return Buffer.from(`${credentials.clientId}:${credentials.clientSecret}`, "utf8").toString("base64");
}

function parseTokenResponse(response: WireResponse, tokenUrl: URL): { token: string; expiresInSeconds: number } {
  const record = jsonObjectOf(response.body) ?? {};
  const token = record.access_token;
  const expiresIn = record.expires_in;
  const tokenType = record.token_type;
  if (typeof token !== "string" || token === "" || (typeof tokenType === "string" && tokenType.toLowerCase() !== "bearer")) {
    throw malformedResponseError("POST", tokenUrl, "a token response with access_token and token_type Bearer", false);
  }
  // expires_in is RECOMMENDED, not required (RFC 6749 §5.1); Cloud Manager sends 3600.
  const expiresInSeconds = typeof expiresIn === "number" && expiresIn > 0 ? expiresIn : 3600;
  return { token, expiresInSeconds };
}
