import { setTimeout as timer } from "node:timers/promises";
import { CloudManagerError } from "../errors/cloud-manager-error";
import type { ClientClock, ClientLogger } from "../types";
import { NetworkFailure, PrerequisiteFailure } from "../errors/failures";
import { decide, outcomeOfFailure, outcomeOfResponse, type AttemptOutcome, type RetrySettings } from "./retry-policy";
import { eventFieldsOf, isIdempotent, pathOf, type SendFn, type WireRequest, type WireResponse } from "../wire";

/** Waits longer than this are reported at level "warn" (the provider shows them to the user). */
const LOUD_WAIT_MS = 1_000;

export interface RetryingTransportOptions extends ClientClock {
  /** Where the back-off jitter comes from: a number in [0, 1). Default Math.random. */
  random?: () => number;
}

/**
 * Re-sends a request on 429, the 400 rate-limit codes, 5xx and connection errors, as `retry-policy`
 * decides, bounded by retry count and total time. Sits above the auth layers, so every attempt is
 * signed afresh (new Digest `nc`, current token). It is the ONLY retry layer of a call: a failed
 * token request reaches it as a PrerequisiteFailure and counts as one attempt of the call.
 */
export class RetryingTransport {
  /** `closed` aborts a wait before a retry (the client was closed); `options` injects the clock, the wait and the jitter. */
  constructor(
    private readonly next: SendFn,
    private readonly settings: RetrySettings,
    private readonly log: ClientLogger,
    private readonly closed: AbortSignal,
    // Called as methods of `options`, so a clock object whose methods use `this` works.
    private readonly options: RetryingTransportOptions = {},
  ) {}

  readonly send: SendFn = async (req: WireRequest): Promise<WireResponse> => {
    const startedAt = this.now();
    // A request that is not idempotent may only be re-sent after a failure the server may have acted
    // on if it can first check what the server did (`beforeReplay`).
    const replayAllowedAfterAction = isIdempotent(req) || req.beforeReplay !== undefined;
    let mustReconcile = false;
    for (let retriesDone = 0; ; retriesDone++) {
      if (mustReconcile && req.beforeReplay !== undefined) {
        const settled = await req.beforeReplay(req);
        if (settled !== undefined) return { ...settled, attempts: retriesDone };
      }
      let response: WireResponse | undefined;
      let failure: NetworkFailure | PrerequisiteFailure | undefined;
      try {
        response = await this.next(req);
      } catch (error) {
        if (!(error instanceof NetworkFailure) && !(error instanceof PrerequisiteFailure)) throw error;
        failure = error;
      }
      const outcome = outcomeOf(response, failure);
      const nowMs = this.now();
      const decision = decide(
        this.settings,
        outcome,
        { retriesDone, elapsedMs: nowMs - startedAt, nowMs, replayAllowedAfterAction },
        () => this.options.random?.() ?? Math.random(),
      );
      if (decision.retry) {
        // Abandoned before the wait or during it: the last answer stands, as if no retry were left.
        if (!req.abandoned?.aborted) {
          this.report(req, decision.reason, decision.waitMs, retriesDone + 1);
          await this.wait(decision.waitMs, req);
        }
        if (!req.abandoned?.aborted) {
          // Once the server may have acted on a non-idempotent request, every later re-send checks first.
          mustReconcile ||= decision.serverMayHaveActed && !isIdempotent(req);
          continue;
        }
        this.log({
          level: "debug",
          message: `Cloud Manager ${decision.reason} on ${req.method} ${pathOf(req.url)}: not retried, its answer is no longer needed`,
          ...eventFieldsOf(req),
        });
      }
      if (failure instanceof PrerequisiteFailure) throw failure.toError(retriesDone + 1);
      if (failure !== undefined) {
        failure.attempts = retriesDone + 1;
        throw failure;
      }
      return { ...(response as WireResponse), attempts: retriesDone + 1 };
    }
  };

  private now(): number {
    return this.options.now?.() ?? Date.now();
  }

  private report(req: WireRequest, reason: string, waitMs: number, retryNumber: number): void {
    const seconds = (waitMs / 1000).toFixed(1);
    this.log({
      level: waitMs > LOUD_WAIT_MS ? "warn" : "debug",
      message: `Cloud Manager ${reason} on ${req.method} ${pathOf(req.url)}: waiting ${seconds} s before retry ${retryNumber} of ${this.settings.maxRetries}`,
      waitMs,
      ...eventFieldsOf(req),
    });
  }

  /** Waits `ms`; ends early, without an error, once the request is abandoned. */
  private async wait(ms: number, req: WireRequest): Promise<void> {
    const signal = req.abandoned === undefined ? this.closed : AbortSignal.any([this.closed, req.abandoned]);
    try {
      await (this.options.sleep === undefined ? timer(ms, undefined, { signal }) : this.options.sleep(ms, signal));
    } catch (error) {
      if (!this.closed.aborted && req.abandoned?.aborted) return;
      if (!this.closed.aborted) throw error;
      throw new CloudManagerError({
        code: "CLOUD_MANAGER_CLIENT_CLOSED",
        message: `The Cloud Manager client was closed while ${req.method} ${req.url.pathname} waited to retry.`,
        method: req.method,
        path: pathOf(req.url),
      });
    }
  }
}

function outcomeOf(response: WireResponse | undefined, failure: NetworkFailure | PrerequisiteFailure | undefined): AttemptOutcome {
  if (failure instanceof PrerequisiteFailure) {
    const { answer } = failure;
    const outcome = answer instanceof NetworkFailure ? outcomeOfFailure(answer) : outcomeOfResponse(answer);
    return { kind: "prerequisite", what: failure.what, outcome };
  }
  if (failure !== undefined) return outcomeOfFailure(failure);
  if (response === undefined) return { kind: "network", networkCode: "UNKNOWN", notSent: false, retryable: false };
  return outcomeOfResponse(response);
}
