// One Pulumi stack driven through the Automation API, with every operation's engine events, text
// output and diagnostics kept for assertions. Failures are rethrown as StackOperationError with the
// CLI's full output, so a failing scenario says what the engine said.

import type {
  DestroyOptions,
  DestroyResult,
  EngineEvent,
  PreviewOptions,
  PreviewResult,
  RefreshOptions,
  RefreshResult,
  Stack,
  UpOptions,
  UpResult,
} from "@pulumi/pulumi/automation";
import { driftOf, ORG_INVITATION_TYPE, resourceName, stepsOf, type Drift, type Step } from "../../../examples/demo/engine-events";

export const INVITATION_TYPE = ORG_INVITATION_TYPE;
export type { Drift, Step };

export interface Diagnostic {
  severity: string;
  message: string;
  urn: string | undefined;
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
    readonly drift: Drift[],
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
  /** Where the program declared the resource, as the SDK records it: `project:///…#line,column`. */
  sourcePosition?: string;
  stackTrace?: { sourcePosition?: string }[];
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

  /**
   * The deployment as the Automation API exports it: `pulumi stack export --show-secrets`, so secrets
   * appear in PLAINTEXT. A value absent from it is absent from state; whether a secret is stored
   * encrypted needs the state file or a plain CLI `pulumi stack export` instead.
   */
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
      throw new StackOperationError(operation, output, diagnosticsOf(events), stepsOf(events), driftOf(events), e);
    }
  }
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
