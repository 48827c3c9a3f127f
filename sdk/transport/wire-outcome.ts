import { parseApiErrorBody } from "../errors/api-error-body";
import type { NetworkFailure } from "./network-failure";
import type { WireOutcome } from "./retry-policy";
import { headerValue, type WireResponse } from "./wire";

// What a retry decision needs from an answer or a failure, read off the wire objects.

export function outcomeOfResponse(response: WireResponse): WireOutcome {
  return {
    kind: "response",
    status: response.status,
    // Only 400s need the body to decide (the invitation rate-limit codes).
    errorCode: response.status === 400 ? parseApiErrorBody(response.body)?.errorCode : undefined,
    retryAfter: headerValue(response, "retry-after"),
  };
}

export function outcomeOfFailure(failure: NetworkFailure): WireOutcome {
  return { kind: "network", networkCode: failure.networkCode, notSent: failure.notSent, retryable: failure.retryable };
}
