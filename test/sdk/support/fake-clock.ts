import type { ClientClock } from "../../../sdk";

// A clock for the client's retries that moves only when the client waits: a wait returns on the next
// turn of the event loop, having moved the clock by its length. Retry-After of a minute takes no real
// time, and elapsed-time bounds are checked against the waits themselves.

export interface FakeClock extends Required<ClientClock> {
  /** Every wait the client asked for, in ms, in order. */
  readonly waits: number[];
  /** Called after a wait moved the clock; e.g. let a server's rate-limit window pass. */
  afterWait: ((ms: number) => void) | undefined;
}

export function fakeClock(startMs = Date.now()): FakeClock {
  let nowMs = startMs;
  const clock: FakeClock = {
    waits: [],
    afterWait: undefined,
    now: () => nowMs,
    sleep: async (ms, signal) => {
      signal.throwIfAborted();
      clock.waits.push(ms);
      nowMs += ms;
      clock.afterWait?.(ms);
      await new Promise<void>((resolve) => setImmediate(resolve));
      signal.throwIfAborted();
    },
  };
  return clock;
}
