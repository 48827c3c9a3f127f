import { inspect, type InspectOptions } from "node:util";
import { Redactor } from "../errors/redactor";
import type { ClientLogger } from "../types";
import { eventFieldsOf, headerValues, pathOf, type SendFn, type WireRequest, type WireResponse } from "../wire";
import { digestAuthorization, isSupportedChallenge, newCnonce, parseDigestChallenge, type DigestChallenge } from "./digest-signer";

// Written by hand on purpose: the npm package `digest-fetch` cannot be our transport. As measured
// (http-and-digest.md) it always uses the global fetch (no undici dispatcher, so no keep-alive agent,
// proxy or CA of ours), writes `nc` in decimal, never resets it on a new nonce, sends the same `nc` on
// concurrent calls, ignores `stale` and never drains 401 bodies.

/** A challenge this client signs with, and the last `nc` it used with that nonce. */
interface CachedChallenge {
  readonly challenge: DigestChallenge;
  nc: number;
}

export interface DigestCredentials {
  username: string;
  password: string;
}

/** The largest `nc` that fits in 8 hex digits; past it the client starts over with a new challenge. */
const MAX_NONCE_COUNT = 0xffffffff;

/**
 * HTTP Digest for Cloud Manager API keys. Caches the challenge per origin and signs requests up front,
 * so N calls cost about N round trips, not 2N (Cloud Manager's own Go client pays 2N).
 * On a 401 carrying a new or stale challenge it signs again ONCE; a second 401 goes back to the caller
 * (marked `credentialsRejected`), never into a loop.
 */
export class DigestAuth {
  private readonly challenges = new Map<string, CachedChallenge>();
  /** The unsigned request that is fetching the first challenge of an origin; others wait for it. */
  private readonly probes = new Map<string, Promise<void>>();

  /** #private: never shown by util.inspect or JSON, whatever holds this object. */
  readonly #credentials: DigestCredentials;
  readonly #redactor: Redactor;

  /** `redactor`: the client's; it is given the private key and every header and hash this layer signs. */
  constructor(
    private readonly next: SendFn,
    credentials: DigestCredentials,
    private readonly log: ClientLogger,
    redactor: Redactor = new Redactor(),
  ) {
    this.#credentials = { ...credentials };
    this.#redactor = redactor;
    redactor.addSecret(credentials.password);
    // Never sent by this layer, but a gateway may show the key pair in this form.
    redactor.addSecret(Buffer.from(`${credentials.username}:${credentials.password}`, "utf8").toString("base64"));
  }

  toJSON(): { username: string } {
    return { username: this.#credentials.username };
  }

  [inspect.custom](_depth: number, options: InspectOptions, inspectFn: typeof inspect = inspect): string {
    return `DigestAuth ${inspectFn(this.toJSON(), options)}`;
  }

  readonly send: SendFn = async (req: WireRequest): Promise<WireResponse> => {
    const origin = req.url.origin;
    let cached = this.usableChallenge(origin);
    if (cached === undefined) {
      const probe = this.probes.get(origin);
      if (probe !== undefined) {
        await probe;
        cached = this.usableChallenge(origin);
      }
    }
    if (cached !== undefined) return this.sendSigned(req, cached, false);

    // No challenge yet: send without credentials and let concurrent callers wait for the challenge
    // this request brings back, instead of each paying for its own 401.
    let release = (): void => {};
    this.probes.set(origin, new Promise<void>((resolve) => (release = resolve)));
    let response: WireResponse;
    try {
      response = await this.next(req);
    } finally {
      this.probes.delete(origin);
      release();
    }
    const challenge = this.challengeOf(response);
    // Unsigned and unchallenged: whatever answered never asked for our credentials.
    if (challenge === undefined) return { ...response, authenticated: false };
    return this.sendSigned(req, this.adopt(origin, challenge, undefined), true);
  };

  /**
   * Sends `req` signed with `cached`. `fresh`: the challenge arrived during this call, so a plain 401
   * means the key itself is wrong. With a challenge cached from earlier calls, a 401 may only mean the
   * nonce expired: then sign once more with the new challenge.
   */
  private async sendSigned(req: WireRequest, cached: CachedChallenge, fresh: boolean): Promise<WireResponse> {
    const origin = req.url.origin;
    const response = signedAnswer(await this.next(this.sign(req, cached)));
    const challenge = this.challengeOf(response);
    if (challenge === undefined) return response; // success, or a 401 that is about roles, not the signature
    if (fresh && !challenge.stale) return { ...response, credentialsRejected: true };
    this.log({
      level: "debug",
      message: `Digest ${challenge.stale ? "nonce went stale" : "challenge changed"} on ${req.method} ${pathOf(req.url)}: signing once more`,
      ...eventFieldsOf(req),
    });
    const retried = signedAnswer(await this.next(this.sign(req, this.adopt(origin, challenge, cached))));
    // Stale twice in a row says nothing about the key; any other challenge now does.
    const again = this.challengeOf(retried);
    return again !== undefined && !again.stale ? { ...retried, credentialsRejected: true } : retried;
  }

  /** A copy of `req` with the Authorization header; `nc` is taken here, synchronously, before sending. */
  private sign(req: WireRequest, cached: CachedChallenge): WireRequest {
    cached.nc += 1;
    const authorization = digestAuthorization({
      username: this.#credentials.username,
      password: this.#credentials.password,
      challenge: cached.challenge,
      method: req.method,
      uri: pathOf(req.url),
      nc: cached.nc,
      cnonce: newCnonce(),
    });
    this.#redactor.addRequestCredential(authorization);
    const hash = /\bresponse="([0-9a-f]+)"/.exec(authorization)?.[1];
    if (hash !== undefined) this.#redactor.addRequestCredential(hash);
    return { ...req, headers: { ...req.headers, authorization } };
  }

  /**
   * Makes `challenge` the origin's current one, unless another call already replaced the challenge
   * that `used` came from: then that newer one is kept, so concurrent callers share one nonce and one
   * `nc` sequence instead of each restarting at 00000001.
   */
  private adopt(origin: string, challenge: DigestChallenge, used: CachedChallenge | undefined): CachedChallenge {
    const current = this.challenges.get(origin);
    if (current !== undefined && current !== used && current.nc < MAX_NONCE_COUNT) return current;
    if (current !== undefined && current.challenge.nonce === challenge.nonce && current.nc < MAX_NONCE_COUNT) return current;
    const entry: CachedChallenge = { challenge, nc: 0 };
    this.challenges.set(origin, entry);
    return entry;
  }

  private usableChallenge(origin: string): CachedChallenge | undefined {
    const cached = this.challenges.get(origin);
    if (cached !== undefined && cached.nc >= MAX_NONCE_COUNT) {
      this.challenges.delete(origin);
      return undefined;
    }
    return cached;
  }

  private challengeOf(response: WireResponse): DigestChallenge | undefined {
    if (response.status !== 401) return undefined;
    const challenge = parseDigestChallenge(headerValues(response, "www-authenticate"));
    return challenge !== undefined && isSupportedChallenge(challenge) ? challenge : undefined;
  }
}

/** The answer to a signed request: authenticated unless it is a 401. */
function signedAnswer(response: WireResponse): WireResponse {
  return { ...response, authenticated: response.status !== 401 };
}
