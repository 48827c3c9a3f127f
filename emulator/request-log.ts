// Every API request the emulator answered, in arrival order (the control plane's own are left out).
import type { RequestLogEntry } from "./types";

const MAX_ENTRIES = 100_000;

export class RequestLog {
  private entries: RequestLogEntry[] = [];
  private nextSeq = 1;

  /** Numbers a request when it arrives so the log keeps arrival order even if answers finish out of order. */
  nextSequence(): number {
    return this.nextSeq++;
  }

  record(entry: Omit<RequestLogEntry, "time"> & { time?: string }): void {
    const full: RequestLogEntry = { ...entry, time: entry.time ?? new Date().toISOString() };
    // Insert in seq order; answers usually finish in order, so this is the last slot.
    let i = this.entries.length;
    while (i > 0 && (this.entries[i - 1] as RequestLogEntry).seq > full.seq) i--;
    this.entries.splice(i, 0, full);
    if (this.entries.length > MAX_ENTRIES) this.entries.splice(0, this.entries.length - MAX_ENTRIES);
  }

  list(): RequestLogEntry[] {
    return this.entries.map((e) => ({ ...e, auth: { ...e.auth } }));
  }

  clear(): void {
    this.entries = [];
  }
}
