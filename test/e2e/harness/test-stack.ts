// One Pulumi stack driven through the Automation API, with every operation's engine events, text
// output and diagnostics kept for assertions. Failures are rethrown as StackOperationError with the
// CLI's full output, so a failing scenario says what the engine said.

import type {
  DestroyOptions,
  DestroyResult,
  EngineEvent,
  OpType,
  PreviewOptions,
  PreviewResult,
  RefreshOptions,
  RefreshResult,
  Stack,
  UpOptions,
  UpResult,
} from "@pulumi/pulumi/automation";

export const INVITATION_TYPE = "pulumi-nodejs:dynamic/cloudmanager:OrgInvitation";

export interface Diagnostic {
  severity: string;
  message: string;
  urn: string | undefined;
}

export interface Step {
  op: OpType;
  /** The resource's name (last URN segment). */
  name: string;
  type: string;
  /**
   * Inputs whose value differs between the old state and the program (`__provider` left out). The
   * engine's own `diffs` stay empty for dynamic providers, whose diff reports no per-property detail.
   */
  changedInputs: string[];
  /** The replacement reasons the provider gave (`replaces`), when the engine reports them. */
  diffs: string[];
}

/** A resource whose outputs a refresh changed: what drifted. */
export interface Drift {
  name: string;
  /** Output name → [before, after], only those that changed. */
  changes: Record<string, [unknown, unknown]>;
}

export interface Operation<R> {
  result: R;
  events: EngineEvent[];
  /** What the CLI printed (the text a user sees). */
  output: string;
  diagnostics: Diagnostic[];
  /** One per resource, from its pre-event: what the engine did (or plans to do) with it. */
  steps: Step[];
  /** Resources whose refresh (`refresh`, or `--refresh` on preview/up/destroy) found them changed. */
  drift: Drift[];
}

export class StackOperationError extends Error {
  constructor(
    readonly operation: string,
    readonly output: string,
    readonly diagnostics: Diagnostic[],
    readonly steps: Step[],
    cause: unknown,
  ) {
    const why = cause instanceof Error ? cause.message : String(cause);
    super(`pulumi ${operation} failed: ${why}\n--- output ---\n${output}`, { cause });
  }
}

/** A resource as the exported state holds it. */
export interface StateResource {
  urn: string;
  type: string;
  id?: string;
  custom?: boolean;
  external?: boolean;
  inputs?: Record<string, unknown>;
  outputs?: Record<string, unknown>;
}

export class TestStack {
  constructor(
    readonly stack: Stack,
    readonly workDir: string,
  ) {}

  get name(): string {
    return this.stack.name;
  }

  up(opts: UpOptions = {}): Promise<Operation<UpResult>> {
    return this.run("up", (onEvent, onOutput) => this.stack.up({ ...opts, onEvent, onOutput }));
  }

  preview(opts: PreviewOptions = {}): Promise<Operation<PreviewResult>> {
    return this.run("preview", (onEvent, onOutput) => this.stack.preview({ ...opts, onEvent, onOutput }));
  }

  refresh(opts: RefreshOptions = {}): Promise<Operation<RefreshResult>> {
    return this.run("refresh", (onEvent, onOutput) => this.stack.refresh({ ...opts, onEvent, onOutput }));
  }

  destroy(opts: DestroyOptions = {}): Promise<Operation<DestroyResult>> {
    return this.run("destroy", (onEvent, onOutput) => this.stack.destroy({ ...opts, onEvent, onOutput }));
  }

  /** Stack outputs as plain values (the secret flag dropped). */
  async outputs(): Promise<Record<string, unknown>> {
    const outputs = await this.stack.outputs();
    return Object.fromEntries(Object.entries(outputs).map(([k, v]) => [k, v.value as unknown]));
  }

  /** `pulumi stack export`: the deployment as the backend stores it. */
  async exportedText(): Promise<string> {
    return JSON.stringify(await this.stack.exportStack());
  }

  async resources(): Promise<StateResource[]> {
    const exported = await this.stack.exportStack();
    const deployment = exported.deployment as { resources?: StateResource[] } | undefined;
    return deployment?.resources ?? [];
  }

  /** The OrgInvitation resources in state, by resource name. */
  async invitations(): Promise<Map<string, StateResource>> {
    const found = new Map<string, StateResource>();
    for (const r of await this.resources()) {
      if (r.type === INVITATION_TYPE) found.set(resourceName(r.urn), r);
    }
    return found;
  }

  /** The stored outputs of one OrgInvitation; fails if it is not in state. */
  async invitationState(name: string): Promise<Record<string, unknown>> {
    const r = (await this.invitations()).get(name);
    if (!r) throw new Error(`no OrgInvitation "${name}" in the state of stack ${this.name}`);
    return r.outputs ?? {};
  }

  private async run<R>(
    operation: string,
    call: (onEvent: (e: EngineEvent) => void, onOutput: (text: string) => void) => Promise<R>,
  ): Promise<Operation<R>> {
    const events: EngineEvent[] = [];
    let output = "";
    const onEvent = (e: EngineEvent) => void events.push(e);
    const onOutput = (text: string) => void (output += text);
    try {
      const result = await call(onEvent, onOutput);
      return { result, events, output, diagnostics: diagnosticsOf(events), steps: stepsOf(events), drift: driftOf(events) };
    } catch (e) {
      throw new StackOperationError(operation, output, diagnosticsOf(events), stepsOf(events), e);
    }
  }
}

export function resourceName(urn: string): string {
  return urn.slice(urn.lastIndexOf("::") + 2);
}

/** Diagnostics a user sees (the engine also streams "debug" ones, which its typings do not list). */
function diagnosticsOf(events: EngineEvent[]): Diagnostic[] {
  return events.flatMap((e) => {
    const d = e.diagnosticEvent;
    const severity: string | undefined = d?.severity;
    if (!d || severity === "debug") return [];
    return [{ severity: d.severity, message: d.message, urn: d.urn }];
  });
}

/** Steps of OrgInvitation resources only (the stack resource is noise for these tests). */
function stepsOf(events: EngineEvent[]): Step[] {
  return events.flatMap((e) => {
    const m = e.resourcePreEvent?.metadata;
    if (!m || m.type !== INVITATION_TYPE) return [];
    return [{ op: m.op, name: resourceName(m.urn), type: m.type, changedInputs: changedKeys(m.old?.inputs, m.new?.inputs), diffs: m.diffs ?? [] }];
  });
}

/**
 * Refresh results of OrgInvitation resources that changed their outputs. The engine reports a
 * refresh result as "same" when the provider's diff sees nothing to do (e.g. an accepted
 * invitation), so the refresh is recognized by its pre-event: a resource's first outputs event
 * after a "refresh" pre-event is that refresh's result.
 */
function driftOf(events: EngineEvent[]): Drift[] {
  const refreshing = new Set<string>();
  const drift: Drift[] = [];
  for (const e of events) {
    const pre = e.resourcePreEvent?.metadata;
    if (pre && pre.type === INVITATION_TYPE && pre.op === "refresh") refreshing.add(pre.urn);
    const m = e.resOutputsEvent?.metadata;
    if (!m || !refreshing.delete(m.urn)) continue;
    const before = m.old?.outputs ?? {};
    const after = m.new?.outputs ?? {};
    const changes: Record<string, [unknown, unknown]> = {};
    for (const key of changedKeys(before, after)) changes[key] = [before[key], after[key]];
    if (Object.keys(changes).length > 0) drift.push({ name: resourceName(m.urn), changes });
  }
  return drift;
}

function changedKeys(before: Record<string, unknown> | undefined, after: Record<string, unknown> | undefined): string[] {
  if (!before || !after) return [];
  const keys = new Set([...Object.keys(before), ...Object.keys(after)]);
  keys.delete("__provider");
  return [...keys].filter((k) => JSON.stringify(before[k]) !== JSON.stringify(after[k])).sort();
}

/** "alice: update" lines, sorted, the shape assertions compare. */
export function describeSteps(steps: Step[]): string[] {
  return steps.map((s) => `${s.name}: ${s.op}`).sort();
}

/** The provider's warnings: it writes them to stderr, which the engine shows as "info#err" diagnostics. */
export function providerWarnings(op: { diagnostics: Diagnostic[] }): string[] {
  return op.diagnostics.flatMap((d) => d.message.split("\n")).filter((line) => line.includes("warning: cloudmanager:"));
}

/** Diagnostics of severity "error" (a failed step, or the provider throwing). */
export function errorDiagnostics(op: { diagnostics: Diagnostic[] }): string[] {
  return op.diagnostics.filter((d) => d.severity === "error").map((d) => d.message);
}
