// Progress of a long read, on stderr, one line per step ("adopt: members 2500/5000"): lines rather
// than a redrawn counter, so that a CI log keeps them readable. Off unless asked for or stderr is a
// terminal; the data goes to stdout (or a file), never mixed with these lines.

/** Where progress lines go: a stream's `write`, or anything that takes a line. */
export interface ProgressSink {
  write(text: string): unknown;
}

export class Progress {
  constructor(
    private readonly sink: ProgressSink,
    readonly enabled: boolean,
    private readonly prefix = "adopt",
  ) {}

  /** "members 500/5000"; `total` Infinity (the server gave none) prints the count alone. */
  count(what: string, done: number, total: number): void {
    this.line(Number.isFinite(total) ? `${what} ${done}/${total}` : `${what} ${done}`);
  }

  line(text: string): void {
    if (this.enabled) this.sink.write(`${this.prefix}: ${text}\n`);
  }
}
