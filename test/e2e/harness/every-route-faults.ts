// Every kind of fault on every route a deployment uses, without a list of routes: a route is learned
// from the emulator's request log the first time it is used, and from then on gets one fault of each
// kind. A route the provider starts using later is faulted too, without editing a test.
//
// How it stays deterministic. The emulator tries its fault table in order, first match wins; this
// class keeps rebuilding that table from what the log shows (its `log` hook runs as each answer is
// logged, before the client can send its next request):
// - It ends with a catch-all answering 502, a retryable status no other fault uses. A request on a
//   route not learned yet gets it; once logged, the route is learned and its faults go in ahead of
//   the catch-all, so the client's retry meets them. Each route's faults are counted (one of each
//   kind), so which request gets which fault does not depend on how concurrent requests interleave,
//   and no request on a route succeeds before all of its faults have fired.
// - A Digest client's first requests are unsigned: the server answers them 401 without acting, so a
//   fault spent on one proves nothing (a "drop after handler" must hit a request the server carries
//   out). Routes are therefore learned from SIGNED requests only; while an unsigned request is about
//   (the catch-all answered one) the catch-all is off, so that request gets its 401 challenge, and
//   that 401 turns it back on for the signed re-send. An unsigned request that still takes one of a
//   route's faults (a straggler sent before its client had the challenge) gives that kind back to
//   the route; its retry, signed by then, meets it again.
// - Seeded random faults of every kind come on top, only on learned routes and after their counted
//   faults, so they never lengthen the chain of retries that learning a route takes.

import type { EmulatorState, FaultAction, RequestLogEntry } from "../../../emulator";
import { API_PREFIX } from "./emulator-view";

export interface FaultKind {
  label: string;
  fault: FaultAction;
}

/** The catch-all's status: retryable (a 5xx other than 501/505) and used by no other fault. */
export const CATCH_ALL_STATUS = 502;

const ID_SEGMENT = /^[0-9a-f]{24}$/;

/** "POST /orgs/{id}/invites": the method and the path below the API prefix, ids replaced. */
export function routeOf(r: { method: string; path: string }): string {
  const path = r.path.startsWith(`${API_PREFIX}/`) ? r.path.slice(API_PREFIX.length) : r.path;
  return `${r.method} ${path
    .split("/")
    .map((s) => (ID_SEGMENT.test(s) ? "{id}" : s))
    .join("/")}`;
}

/** The fault path pattern of a route: its literal segments, and any id where the request had one. */
function pathPattern(path: string): string {
  const segments = path.split("/").map((s) => (ID_SEGMENT.test(s) ? "[0-9a-f]{24}" : s.replace(/[.*+?^${}()|[\]\\]/g, "\\$&")));
  return `^${segments.join("/")}$`;
}

/** The status the request log records for a request that ran into `fault` (0: no answer). */
function loggedStatus(fault: FaultAction): number | undefined {
  if (fault.type === "status") return fault.status;
  if (fault.type === "drop") return 0;
  return undefined;
}

interface LearnedRoute {
  method: string;
  pattern: string;
  /** Labels of the kinds this route has not received yet. */
  unfired: Set<string>;
}

export class EveryRouteFaults {
  private readonly routes = new Map<string, LearnedRoute>();
  /** Fault id in the emulator's table → the route and kind it stands for (count 1: gone once fired). */
  private readonly counted = new Map<number, { route: LearnedRoute; label: string }>();
  private active = false;
  private catchAll = true;
  private startSeq = 0;
  /** Log entries already looked at (answers are logged in arrival order, so a late one lands mid-log). */
  private readonly seen = new Set<number>();

  constructor(
    private readonly state: EmulatorState,
    private readonly kinds: FaultKind[],
    /** Seeded random faults of every kind on learned routes, each kind with this probability. */
    private readonly random: { probability: number; seed: number },
  ) {}

  /** From now on, until stop(). Only requests from now on teach routes. */
  start(): void {
    const log = this.state.requests();
    this.startSeq = log.length === 0 ? 0 : (log[log.length - 1] as RequestLogEntry).seq;
    this.active = true;
    this.install();
  }

  stop(): void {
    this.sync();
    this.active = false;
    this.state.clearFaults();
  }

  /** Pass to the emulator's `log` option: it runs each time a request has been answered (and logged). */
  readonly onAnswered = (): void => {
    if (!this.active) return;
    let changed = false;
    const givenBack: { route: LearnedRoute; label: string }[] = [];
    for (const r of this.state.requests()) {
      if (r.seq <= this.startSeq || this.seen.has(r.seq)) continue;
      this.seen.add(r.seq);
      const route = this.routes.get(routeOf(r));
      if (r.auth.type !== "none") {
        if (route) continue;
        this.routes.set(routeOf(r), { method: r.method, pattern: pathPattern(r.path), unfired: new Set(this.kinds.map((k) => k.label)) });
        changed = true;
      } else if (r.status === CATCH_ALL_STATUS) {
        changed ||= this.catchAll;
        this.catchAll = false;
      } else if (r.status === 401) {
        changed ||= !this.catchAll;
        this.catchAll = true;
      } else if (route) {
        // Whichever kind could have answered this status (both drops log 0): one too many is harmless.
        for (const { label, fault } of this.kinds) if (loggedStatus(fault) === r.status) givenBack.push({ route, label });
        changed ||= givenBack.length > 0;
      }
    }
    if (!changed) return;
    this.sync();
    for (const { route, label } of givenBack) route.unfired.add(label);
    this.install();
  };

  /**
   * "ROUTE: KIND" for each route used by `requests` and each kind of fault it did not receive; empty
   * when every route got every kind.
   */
  missing(requests: RequestLogEntry[]): string[] {
    this.sync();
    const out: string[] = [];
    for (const route of new Set(requests.map(routeOf))) {
      const unfired = this.routes.get(route)?.unfired ?? new Set(this.kinds.map((k) => k.label));
      for (const label of unfired) out.push(`${route}: ${label}`);
    }
    return out.sort();
  }

  /** A counted fault that fired is no longer in the emulator's table. */
  private sync(): void {
    if (!this.active) return;
    const present = new Set(this.state.faults().map((f) => f.id));
    for (const [id, { route, label }] of this.counted) {
      if (present.has(id)) continue;
      route.unfired.delete(label);
      this.counted.delete(id);
    }
  }

  /** Rebuilds the emulator's fault table (adding only appends, and order decides). */
  private install(): void {
    this.state.clearFaults();
    this.counted.clear();
    [...this.routes.values()].forEach((route, n) => {
      const where = { method: route.method, path: route.pattern };
      for (const { label, fault } of this.kinds) {
        if (!route.unfired.has(label)) continue;
        const info = this.state.addFault({ ...where, count: 1, fault });
        this.counted.set(info.id, { route, label });
      }
      // Random faults restart their seeded sequence at each rebuild.
      this.kinds.forEach(({ fault }, k) =>
        this.state.addFault({ ...where, probability: this.random.probability, seed: this.random.seed + 100 * n + k, fault }),
      );
      // Then nothing (a delay of 0 ms is no fault): a learned route never reaches the catch-all.
      this.state.addFault({ ...where, fault: { type: "delay", ms: 0 } });
    });
    if (this.catchAll) this.state.addFault({ fault: { type: "status", status: CATCH_ALL_STATUS, errorCode: "BAD_GATEWAY" } });
  }
}
