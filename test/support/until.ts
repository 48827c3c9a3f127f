// Waiting in a test for something another party does (a server receiving a request, a process
// printing a line): check a condition until it holds. The deadline is no assertion on speed: it
// turns a wait that can never end (the event was missed, the code under test is broken) into a
// failure that says what was awaited, instead of a hang until the test's own timeout.

export interface UntilOptions {
  /** Give up after this long. Default 10 000 ms, well inside the unit tests' 30 s timeout. */
  timeoutMs?: number;
  /** What is awaited, for the timeout message. Default: the condition's source text. */
  what?: string;
  /** Pause between checks. Default 10 ms. */
  intervalMs?: number;
}

type Truthy<T> = Exclude<T, false | 0 | "" | null | undefined>;

/**
 * Resolves with the condition's first truthy result (`true`, a regexp match, a found entry).
 * A condition that throws ends the wait with its error (e.g. "the process exited early").
 */
export async function until<T>(condition: () => T | Promise<T>, options: UntilOptions = {}): Promise<Truthy<T>> {
  const timeoutMs = options.timeoutMs ?? 10_000;
  const intervalMs = options.intervalMs ?? 10;
  const deadline = performance.now() + timeoutMs;
  for (;;) {
    const result = await condition();
    if (result) return result as Truthy<T>;
    if (performance.now() >= deadline) {
      throw new Error(`until: gave up after ${timeoutMs} ms waiting for ${options.what ?? String(condition)}`);
    }
    await new Promise((resolve) => setTimeout(resolve, intervalMs));
  }
}
