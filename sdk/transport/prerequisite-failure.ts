import type { WireOutcome } from "./retry-policy";

/**
 * Thrown below the retrying layer when a request was NOT sent because a request it needs first
 * failed (the OAuth token request). Internal to the SDK. The retrying layer decides on `outcome`
 * (what the prerequisite got: a status with its Retry-After, or a connection error) exactly as on
 * any attempt, within the same count and time bounds; the request itself never reached the server,
 * so it may be sent again even if it is not idempotent. When retrying stops, the layer throws
 * `toError(attempts)` instead.
 */
export class PrerequisiteFailure extends Error {
  constructor(
    /** For logs: what the prerequisite was, e.g. "getting an access token". */
    readonly what: string,
    readonly outcome: WireOutcome,
    /** The error the caller gets once retrying stops; `attempts` counts the attempts of the whole call. */
    readonly toError: (attempts: number) => Error,
  ) {
    super(`request not sent: ${what} failed`);
    this.name = "PrerequisiteFailure";
  }
}
