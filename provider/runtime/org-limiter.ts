// A per-organization gate in front of every API call. One provider process serves every resource
// of a deployment at once: a stack of hundreds of invitations would otherwise fire hundreds of
// requests together and run into Cloud Manager's rate limits (requests per org per minute, and
// invitations per minute) over and over. The gate
// - lets at most `concurrency` calls per organization run at a time, and
// - holds back new calls while a call to that organization waits out a rate limit or a server error
//   (the client reports each retry wait, and honours Retry-After), so queued calls do not pile onto
//   a limit that is already hit.
// The client's own retries do the re-sending; together they keep a large stack moving at about the
// rate Cloud Manager allows. Waits longer than a second are reported to the user, at most once per
// `reportEveryMs` per organization.
//
// Written by hand rather than with p-limit / p-queue: p-limit only caps concurrency, and p-queue
// (one queue per org) can pause but not "until this deadline, extended by any later backoff", nor
// tell how long each call waited and why — the part the user sees. What is left of the gate is a
// counter and a FIFO; a runtime dependency (ESM-only, in a CommonJS package) for that is not worth it.

export interface OrgLimiterOptions {
  /** Calls in flight per organization. Default 8 (DEFAULT_ORG_CONCURRENCY). */
  concurrency?: number;
  /** Minimum time between two "waiting" messages for one organization, in ms. Default 5000. */
  reportEveryMs?: number;
  /** Where messages for the user go. */
  report: (message: string) => void;
  /** Epoch ms (tests pass a virtual clock). */
  now?: () => number;
  /** Waits `ms` before a paused organization's calls go on (tests pass a virtual wait). Default: a timer. */
  wait?: (ms: number) => Promise<void>;
}

interface Waiter {
  start: () => void;
  queuedAt: number;
}

interface OrgGate {
  active: number;
  queue: Waiter[];
  pausedUntil: number;
  pauseReason: string;
  /** A wait for the end of a pause is running. */
  waking: boolean;
  lastReportAt: number;
  /** Longest queue wait (ms) and count of long waits since the last report. */
  longestWaitMs: number;
  longWaits: number;
}

// Why 8 (issue 22): Cloud Manager documents its limits as requests per resource per minutes (and
// invitations per minutes), never as calls in flight, so no concurrency keeps a stack under them:
// at 4, a round trip of 100-300 ms already allows far more than 100 requests a minute. What keeps a
// large stack going under a limit is the back-off on 429 and the pause above. What the cap does
// decide is how many of the engine's operations run at once: the CLI runs 4 x GOMAXPROCS resource
// operations at a time (8 on a 2-CPU runner), and a gate of 4 made 200 deletes about 50 round trips
// in a row where the engine would run 25. At 8 the gate no longer halves the engine's own
// parallelism on such a runner, and a burst that hits a limit is still at most 8 refused calls
// before the pause holds the rest back (the rate-limited runs of bench:e2e: docs/performance.md).
// A listing is one call here, with up to 4 of its pages in flight (the sdk's PAGES_AT_ONCE).
export const DEFAULT_ORG_CONCURRENCY = 8;
const LONG_WAIT_MS = 1000;

export class OrgLimiter {
  readonly concurrency: number;
  private readonly reportEveryMs: number;
  private readonly report: (message: string) => void;
  private readonly now: () => number;
  private readonly wait: (ms: number) => Promise<void>;
  private readonly gates = new Map<string, OrgGate>();

  constructor(options: OrgLimiterOptions) {
    this.concurrency = Math.max(1, Math.floor(options.concurrency ?? DEFAULT_ORG_CONCURRENCY));
    this.reportEveryMs = options.reportEveryMs ?? 5000;
    this.report = options.report;
    this.now = options.now ?? Date.now;
    this.wait = options.wait ?? ((ms) => new Promise((resolve) => setTimeout(resolve, ms)));
  }

  /** Runs `fn` once the organization has a free slot and is not paused. */
  async run<T>(orgKey: string, fn: () => Promise<T>): Promise<T> {
    const gate = this.gate(orgKey);
    await new Promise<void>((resolve) => {
      gate.queue.push({ start: resolve, queuedAt: this.now() });
      this.dispatch(orgKey, gate);
    });
    try {
      return await fn();
    } finally {
      gate.active -= 1;
      this.dispatch(orgKey, gate);
    }
  }

  /**
   * Holds back new calls to the organization for `ms` (a call of it is waiting before a retry).
   * `reason` says why, for the user.
   */
  pause(orgKey: string, ms: number, reason: string): void {
    const gate = this.gate(orgKey);
    const until = this.now() + ms;
    if (until > gate.pausedUntil) {
      gate.pausedUntil = until;
      gate.pauseReason = reason;
    }
  }

  /** Calls waiting for a slot, per organization (for tests and diagnostics). */
  queued(orgKey: string): number {
    return this.gates.get(orgKey)?.queue.length ?? 0;
  }

  private gate(orgKey: string): OrgGate {
    let gate = this.gates.get(orgKey);
    if (!gate) {
      gate = {
        active: 0,
        queue: [],
        pausedUntil: 0,
        pauseReason: "",
        waking: false,
        lastReportAt: -Infinity,
        longestWaitMs: 0,
        longWaits: 0,
      };
      this.gates.set(orgKey, gate);
    }
    return gate;
  }

  private dispatch(orgKey: string, gate: OrgGate): void {
    const now = this.now();
    if (gate.pausedUntil > now) {
      if (gate.queue.length > 0 && !gate.waking) {
        gate.waking = true;
        void this.wait(gate.pausedUntil - now).then(() => {
          gate.waking = false;
          this.dispatch(orgKey, gate);
        });
      }
      return;
    }
    while (gate.active < this.concurrency && gate.queue.length > 0) {
      const waiter = gate.queue.shift();
      if (!waiter) break;
      gate.active += 1;
      const waited = now - waiter.queuedAt;
      if (waited > LONG_WAIT_MS) {
        gate.longWaits += 1;
        gate.longestWaitMs = Math.max(gate.longestWaitMs, waited);
      }
      waiter.start();
    }
    this.maybeReport(orgKey, gate, now);
  }

  private maybeReport(orgKey: string, gate: OrgGate, now: number): void {
    if (gate.longWaits === 0 || now - gate.lastReportAt < this.reportEveryMs) return;
    const why = gate.pauseReason
      ? `calls to this organization are held back while one backs off (${gate.pauseReason})`
      : `at most ${this.concurrency} calls run at once per organization, to stay under Cloud Manager's rate limits`;
    this.report(
      `organization ${orgKey}: ${gate.longWaits} call(s) waited up to ${(gate.longestWaitMs / 1000).toFixed(1)} s ` +
        `before being sent: ${why}; ${gate.queue.length} still queued.`,
    );
    gate.lastReportAt = now;
    gate.longWaits = 0;
    gate.longestWaitMs = 0;
    gate.pauseReason = "";
  }
}
