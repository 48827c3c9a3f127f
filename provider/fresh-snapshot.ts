// Shares one list call among many concurrent callers without serving anyone stale data. A caller
// gets the result of a fetch that STARTS after the caller asked, so it reflects every change made
// before the call. While one fetch runs, later callers join the next one, which starts when the
// running one ends: two hundred creates arriving together cost two list calls, not two hundred.
// Hand-written: concurrency limiters (p-limit, p-queue) and memoizers dedupe calls to the one in
// flight, which would hand a caller a list fetched before its call; "join the NEXT fetch" is the
// point here, and it takes twenty lines.

export class FreshSnapshot<T> {
  private running: Promise<T> | undefined;
  private next: Promise<T> | undefined;

  constructor(private readonly fetch: () => Promise<T>) {}

  get(): Promise<T> {
    if (this.next) return this.next;
    if (!this.running) return this.start();
    // The running fetch began before this call: join the one after it.
    const startNext = () => {
      this.next = undefined;
      return this.start();
    };
    this.next = this.running.then(startNext, startNext);
    return this.next;
  }

  private start(): Promise<T> {
    const promise: Promise<T> = this.fetch().finally(() => {
      if (this.running === promise) this.running = undefined;
    });
    this.running = promise;
    return promise;
  }
}
