// What every act of the demo shares: the checked and narrated log (check, heading, table, what was
// done by hand, what the provider sent and said), running one Pulumi operation through the Automation
// API with its engine events digested — and the steps every act takes with it (up, destroy, the GitOps
// gate) checked and reported alike — and the few emulator calls an act makes by hand. Nothing here
// decides what an act tells.

import type { DestroyResult, EngineEvent, PreviewResult, Stack, UpResult } from "@pulumi/pulumi/automation";
import type { RunningEmulator } from "../../emulator";
import { driftOf, stepsOf, type Drift, type Step } from "./engine-events";
import type { Teardown } from "./teardown";

/** A check that failed: the demo stops with exit code 1 and this message. */
export class DemoFailure extends Error {}

export function check(condition: boolean, what: string, detail?: unknown): void {
  if (!condition) {
    throw new DemoFailure(`${what}${detail === undefined ? "" : `\n  got: ${JSON.stringify(detail, null, 2)}`}`);
  }
  console.log(`    ✓ ${what}`);
}

export function heading(text: string): void {
  console.log(`\n${text}\n${"─".repeat(Math.min(text.length, 100))}`);
}

export function table(header: string[], rows: string[][]): void {
  const widths = header.map((h, i) => Math.max(h.length, ...rows.map((r) => (r[i] ?? "").length)));
  const line = (cells: string[]) =>
    `    ${cells
      .map((c, i) => c.padEnd(widths[i] ?? 0))
      .join("  ")
      .trimEnd()}`;
  console.log(line(header));
  console.log(line(widths.map((w) => "-".repeat(w))));
  for (const row of rows) console.log(line(row));
}

export function seconds(ms: number): string {
  return `${(ms / 1000).toFixed(1)} s`;
}

/** Something done outside Pulumi, and how (the call that does it), in two columns: `width` is the first's. */
export function event(what: string, how: string, width: number): void {
  console.log(`    ${what.padEnd(width)} ${how}`);
}

/** The requests the provider sent, one a line, as the act's request log shows them. */
export function printWrites(writes: readonly string[]): void {
  console.log("    Sent to Cloud Manager by the provider (request log):");
  if (writes.length === 0) console.log("      nothing but reads");
  for (const w of writes) console.log(`      ${w}`);
}

/** The provider's warnings, each once (a refreshing command runs a resource's diff twice: at the refresh and at the plan). */
export function printWarnings(title: string, warnings: readonly string[]): void {
  console.log(`    ${title}`);
  if (warnings.length === 0) console.log("      none");
  for (const w of new Set(warnings)) console.log(`      ${w}`);
}

/** Checks that an up or destroy succeeded; `command` is how the act names it ("pulumi up --refresh"). */
export function checkSucceeded(run: Run<UpResult | DestroyResult>, command: string): void {
  check(
    run.result.summary.result === "succeeded",
    `${command} succeeded (${seconds(run.ms)}): ${JSON.stringify(run.result.summary.resourceChanges)}`,
  );
}

/** Where an act reads the requests the provider sent: the log's last sequence number, and the writes after one. */
export interface WriteLog {
  lastSeq(): number;
  writesSince(seq: number): string[];
}

/** What an act is given: where the repository is, what to undo on the way out, how talkative to be. */
export interface ActContext {
  repoRoot: string;
  teardown: Teardown;
  /** DEMO_VERBOSE=1: the Pulumi CLI's own output too. */
  verbose: boolean;
}

/** One Pulumi operation's engine events and CLI text. */
export interface Run<R> {
  result: R;
  events: EngineEvent[];
  steps: Step[];
  drift: Drift[];
  warnings: string[];
  errors: string[];
  ms: number;
}

export interface RunOptions {
  onEvent: (e: EngineEvent) => void;
  onOutput: (s: string) => void;
  /** Aborted by Ctrl-C: the CLI gets SIGINT and stops. */
  signal: AbortSignal;
}

/** Runs Pulumi operations for one act; `types` are the resource types whose steps and drift it reads. */
export class Runner {
  constructor(
    private readonly context: ActContext,
    private readonly types: readonly string[],
  ) {}

  runOptions(events: EngineEvent[]): RunOptions {
    const { teardown, verbose } = this.context;
    teardown.signal.throwIfAborted();
    return {
      onEvent: (e) => void events.push(e),
      onOutput: (s) => {
        if (verbose) process.stdout.write(s.replace(/^/gm, "      | "));
      },
      signal: teardown.signal,
    };
  }

  async run<R>(call: (opts: RunOptions) => Promise<R>): Promise<Run<R>> {
    const events: EngineEvent[] = [];
    const started = Date.now();
    const result = await call(this.runOptions(events));
    return { result, ...this.digest(events), ms: Date.now() - started };
  }

  /**
   * An operation expected to FAIL (the GitOps gate): its error, or undefined if it passed, with the
   * engine events either way.
   */
  async failing(call: (opts: RunOptions) => Promise<unknown>): Promise<Run<unknown>> {
    const events: EngineEvent[] = [];
    const started = Date.now();
    const result = await call(this.runOptions(events)).then(
      () => undefined,
      (e: unknown) => e,
    );
    this.context.teardown.signal.throwIfAborted();
    return { result, ...this.digest(events), ms: Date.now() - started };
  }

  /** `pulumi preview --refresh --expect-no-changes`, the GitOps gate, expected to pass (the act checks its errors). */
  gate(stack: Stack): Promise<Run<PreviewResult>> {
    return this.run((o) => stack.preview({ ...o, refresh: true, expectNoChanges: true }));
  }

  /** The GitOps gate, checked to FAIL with the engine's "changes were proposed". */
  async gateFails(stack: Stack): Promise<Run<unknown>> {
    const gate = await this.failing((o) => stack.preview({ ...o, refresh: true, expectNoChanges: true }));
    const gateMessage = gate.result instanceof Error ? gate.result.message : "";
    check(
      gateMessage.includes("no changes were expected for preview but changes were proposed"),
      `the gate failed, as a scheduled pipeline job would (${seconds(gate.ms)}): "no changes were expected for preview but changes were proposed"`,
      gate.result === undefined ? "the preview passed" : gateMessage.split("\n").slice(0, 3),
    );
    return gate;
  }

  /**
   * An up or destroy that must succeed (`command` names it in the check), then what the provider sent
   * (read from `log`) and said printed; `checkNoErrors` also checks the engine reported no error.
   */
  async applied<R extends UpResult | DestroyResult>(
    command: string,
    log: WriteLog,
    call: (opts: RunOptions) => Promise<R>,
    checkNoErrors = false,
  ): Promise<Run<R> & { writes: string[] }> {
    const before = log.lastSeq();
    const run = await this.run(call);
    checkSucceeded(run, command);
    if (checkNoErrors) check(run.errors.length === 0, "no errors");
    const writes = log.writesSince(before);
    printWrites(writes);
    printWarnings("What the provider said:", run.warnings);
    return { ...run, writes };
  }

  /** `pulumi up` (with `--refresh` when asked), through `applied`. */
  up(
    stack: Stack,
    log: WriteLog,
    refresh = false,
    command = refresh ? "pulumi up --refresh" : "pulumi up",
  ): Promise<Run<UpResult> & { writes: string[] }> {
    return this.applied(command, log, (o) => stack.up({ ...o, ...(refresh ? { refresh } : {}) }));
  }

  /** `pulumi destroy`, through `applied`, with no error reported. */
  destroy(stack: Stack, log: WriteLog): Promise<Run<DestroyResult> & { writes: string[] }> {
    return this.applied("pulumi destroy", log, (o) => stack.destroy(o), true);
  }

  digest(events: EngineEvent[]): Omit<Run<unknown>, "result" | "ms"> {
    const messages = events.flatMap((e) => (e.diagnosticEvent ? [e.diagnosticEvent] : []));
    return {
      events,
      // A name belongs to one type, so concatenating keeps each resource's steps in order.
      steps: this.types.flatMap((type) => stepsOf(events, type)),
      drift: this.types.flatMap((type) => driftOf(events, type)),
      // The provider writes its warnings to stderr; the engine shows them as "info#err" diagnostics.
      warnings: messages
        .flatMap((d) => d.message.split("\n"))
        .filter((l) => l.includes("warning: cloudmanager:"))
        .map((l) => l.trim()),
      errors: messages.filter((d) => d.severity === "error").map((d) => d.message.trim()),
    };
  }
}

/** The ops the engine reported for one resource, in order (a replacement shows several). */
export function opsOf(steps: Step[], name: string): string[] {
  return steps.filter((s) => s.name === name).map((s) => s.op);
}

/** Planned as "same" (next to the "refresh" a refreshing preview also reports), and nothing else. */
export function leftAlone(ops: string[]): boolean {
  return ops.includes("same") && ops.every((op) => op === "same" || op === "refresh");
}

export function describeDrift(drift: Drift): string {
  return Object.entries(drift.changes)
    .map(([key, [before, after]]) => `${key} ${JSON.stringify(before)} → ${JSON.stringify(after)}`)
    .join(", ");
}

export async function controlPlane(emulator: RunningEmulator, path: string, body?: object): Promise<unknown> {
  // The control plane takes JSON POSTs only (it refuses what a browser page could send cross-origin).
  const response = await fetch(`${emulator.origin}/__emulator/${path}`, {
    method: "POST",
    headers: { "content-type": "application/json" },
    ...(body === undefined ? {} : { body: JSON.stringify(body) }),
  });
  check(response.ok, `control plane POST /__emulator/${path} answered ${response.status}`);
  return response.json();
}

export function lastRequestSeq(emulator: RunningEmulator): number {
  return emulator.state.requests().reduce((max, r) => Math.max(max, r.seq), 0);
}
