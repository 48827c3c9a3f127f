// What the demo opened, undone on the way out — at the end, after a failed check, or on Ctrl-C /
// SIGTERM. A first signal aborts the running Pulumi command (the CLI gets SIGINT and stops its
// program and provider), after which the demo unwinds through the same teardown; a second signal
// removes the folders at once and exits.

import { rmSync } from "node:fs";

export class Teardown {
  private readonly closers: (() => Promise<void>)[] = [];
  private readonly folders: string[] = [];
  private readonly abort = new AbortController();
  private signalName: NodeJS.Signals | undefined;

  constructor(private readonly keepFolders: boolean) {}

  /** Aborted on the first SIGINT/SIGTERM: pass it to every Pulumi command. */
  get signal(): AbortSignal {
    return this.abort.signal;
  }

  /** The signal that interrupted the demo, if one did. */
  get interruptedBy(): NodeJS.Signals | undefined {
    return this.signalName;
  }

  /** Something to close (an emulator, a client); closed in reverse order. */
  close(fn: () => Promise<void>): void {
    this.closers.push(fn);
  }

  /** A folder to remove (unless DEMO_KEEP=1). */
  folder(path: string): void {
    this.folders.push(path);
  }

  /** Handles SIGINT and SIGTERM from now on. */
  handleSignals(): void {
    const onSignal = (signal: NodeJS.Signals) => {
      if (this.signalName !== undefined) {
        console.error(`\n${signal} again: removing the demo's folders and exiting without waiting.`);
        this.removeFolders();
        process.exit(exitCode(signal));
      }
      this.signalName = signal;
      console.error(`\n${signal}: stopping the running Pulumi command, then cleaning up (send it again to quit at once).`);
      this.abort.abort(new Error(`interrupted by ${signal}`));
    };
    process.on("SIGINT", onSignal);
    process.on("SIGTERM", onSignal);
  }

  /** Closes everything (errors while closing are reported, not thrown) and removes the folders. */
  async run(): Promise<string[]> {
    for (const fn of this.closers.splice(0).reverse()) {
      await fn().catch((e: unknown) => console.error(`  (while cleaning up: ${e instanceof Error ? e.message : String(e)})`));
    }
    const kept = this.keepFolders ? [...this.folders] : [];
    this.removeFolders();
    return kept;
  }

  private removeFolders(): void {
    if (this.keepFolders) return;
    for (const dir of this.folders.splice(0).reverse()) rmSync(dir, { recursive: true, force: true });
  }
}

/** The shell's convention: 128 + the signal's number. */
export function exitCode(signal: NodeJS.Signals): number {
  return signal === "SIGTERM" ? 143 : 130;
}
