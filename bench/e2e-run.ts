// The runs of `npm run bench:e2e` through the real engine: per repetition a fresh in-process emulator
// and a fresh file backend holding both stacks (real and no-op), the phases interleaved; and the
// rate-limited `up`s, with the emulator's limits set over its control plane. Each run also checks its
// outcome (N pending after up, none after destroy, no duplicate); a wrong one is thrown as an
// OutcomeError and reported, never hidden in a figure.

import { mkdirSync, mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { LocalWorkspace, type PulumiCommand, type PulumiFn, type Stack } from "@pulumi/pulumi/automation";
import { startEmulator, type RunningEmulator } from "../emulator";
import type { RequestLogEntry } from "../emulator/types";
import { ENV_VARS } from "../provider";
import { noopProgram, realProgram, resourceNames, RESOURCE_TYPE, usernameOf } from "./e2e-programs";
import {
  apiRequests,
  countKinds,
  mergeStoredProvider,
  PHASES,
  PROGRAM_LABEL,
  RATE_LIMITED_INVITATIONS,
  refusedCount,
  seconds,
  storedProviderFigures,
  unrefusedCount,
  type Phase,
  type PhaseSample,
  type ProgramKind,
  type RateLimitedSample,
  type RateLimitSpec,
  type SizeResult,
  type StateResourceLike,
  type StoredProviderFigures,
} from "./e2e-report";

export interface BenchEnvironment {
  repoRoot: string;
  /** The folder holding pulumi and its Node.js plugins (tools/pulumi-cli/ensure-pulumi.sh). */
  binDir: string;
  pulumiCommand: PulumiCommand;
  progress: (line: string) => void;
}

/** A run ended in the wrong state: its figures are not to be trusted. */
export class OutcomeError extends Error {
  override name = "OutcomeError";
}

export interface Fixture {
  emulator: RunningEmulator;
  stacks: Record<ProgramKind, Stack>;
  invitations: number;
}

/** A fresh emulator, PULUMI_HOME and file backend with the two stacks of `invitations` resources; all removed afterwards. */
export async function withFixture<T>(env: BenchEnvironment, invitations: number, use: (fixture: Fixture) => Promise<T>): Promise<T> {
  const emulator = await startEmulator();
  const temp = mkdtempSync(join(tmpdir(), "cloudmanager-bench-"));
  // The project folder must lie inside the repository: the provider process resolves
  // pulumi-cloudmanager/provider/runtime from it, like a user's project does from its node_modules.
  mkdirSync(join(env.repoRoot, ".e2e-work"), { recursive: true });
  const workDir = mkdtempSync(join(env.repoRoot, ".e2e-work", "bench-"));
  mkdirSync(join(temp, "backend"));
  try {
    const envVars = {
      PATH: [env.binDir, join(env.repoRoot, "node_modules", ".bin"), process.env["PATH"] ?? ""].join(":"),
      PULUMI_HOME: join(temp, "home"),
      PULUMI_BACKEND_URL: `file://${join(temp, "backend")}`,
      PULUMI_CONFIG_PASSPHRASE: "",
      PULUMI_SKIP_UPDATE_CHECK: "true",
      PULUMI_DISABLE_AUTOMATIC_PLUGIN_ACQUISITION: "true",
      // Credentials come from stack config only, never from this shell's environment.
      ...Object.fromEntries(Object.values(ENV_VARS).map((name) => [name, ""])),
    };
    const stack = (kind: ProgramKind, program: PulumiFn) =>
      LocalWorkspace.createOrSelectStack(
        { stackName: `${kind}-${invitations}`, projectName: "cloudmanager-bench", program },
        { workDir, pulumiCommand: env.pulumiCommand, envVars },
      );
    const real = await stack("real", realProgram(emulator.org.id, invitations));
    await real.setAllConfig({
      "cloudmanager:baseUrl": { value: emulator.baseUrl },
      "cloudmanager:publicKey": { value: emulator.credentials.publicKey },
      "cloudmanager:privateKey": { value: emulator.credentials.privateKey, secret: true },
    });
    const noop = await stack("noop", noopProgram(invitations));
    return await use({ emulator, stacks: { real, noop }, invitations });
  } finally {
    await emulator.close();
    rmSync(workDir, { recursive: true, force: true });
    rmSync(temp, { recursive: true, force: true });
  }
}

export async function runPhase(stack: Stack, phase: Phase): Promise<void> {
  switch (phase) {
    case "up":
      await stack.up();
      return;
    case "preview":
      await stack.preview({ expectNoChanges: true });
      return;
    case "refresh":
      await stack.refresh({ expectNoChanges: true });
      return;
    case "destroy":
      await stack.destroy();
      return;
  }
}

export async function timed(fn: () => Promise<void>): Promise<number> {
  const started = performance.now();
  await fn();
  return performance.now() - started;
}

function lastSeq(emulator: RunningEmulator): number {
  return emulator.state.requests().reduce((max, entry) => Math.max(max, entry.seq), 0);
}

/** The API requests logged after `seq`. */
function apiLogSince(emulator: RunningEmulator, seq: number): RequestLogEntry[] {
  return apiRequests(emulator.state.requests().filter((entry) => entry.seq > seq));
}

/** What the organization must hold after a phase of a program of `n` invitations. */
export function checkOutcome(emulator: RunningEmulator, n: number, phase: Phase, log: readonly RequestLogEntry[], where: string): void {
  const org = emulator.org.id;
  const pending = emulator.state.pendingInvitations(org);
  if (phase === "destroy") {
    if (pending.length !== 0) throw new OutcomeError(`${where}: ${pending.length} invitations still pending after destroy, expected none`);
    return;
  }
  const usernames = new Set(pending.map((i) => i.username.toLowerCase()));
  if (usernames.size !== pending.length) {
    throw new OutcomeError(`${where}: duplicate pending invitations (${pending.length} pending for ${usernames.size} people)`);
  }
  if (pending.length !== n) throw new OutcomeError(`${where}: ${pending.length} invitations pending after ${phase}, expected ${n}`);
  const expected = resourceNames(n).map(usernameOf);
  const missing = expected.filter((u) => !usernames.has(u));
  if (missing.length > 0) throw new OutcomeError(`${where}: no pending invitation for ${missing.slice(0, 3).join(", ")}…`);
  const stored = emulator.state.invitations(org).length;
  if (stored !== n) throw new OutcomeError(`${where}: the emulator holds ${stored} invitations for ${n} people (a duplicate)`);
  if (phase === "up") {
    const sent = log.filter((e) => e.method === "POST" && e.status === 201 && /\/invites$/.test(e.path)).length;
    if (sent !== n) throw new OutcomeError(`${where}: ${sent} invitations sent for ${n} people`);
  } else {
    const sent = log.filter((e) => e.method === "POST" && /\/invites$/.test(e.path)).length;
    if (sent !== 0) throw new OutcomeError(`${where}: ${phase} sent ${sent} invitation(s)`);
  }
}

async function storedProvider(fixture: Fixture, program: ProgramKind): Promise<StoredProviderFigures> {
  const exported = await fixture.stacks[program].exportStack();
  const deployment = exported.deployment as { resources?: StateResourceLike[] } | undefined;
  const secrets = [fixture.emulator.credentials.privateKey, fixture.emulator.serviceAccount?.clientSecret ?? ""];
  const figures = storedProviderFigures(program, deployment?.resources ?? [], RESOURCE_TYPE[program], secrets);
  if (figures.resources !== fixture.invitations) {
    throw new OutcomeError(`${PROGRAM_LABEL[program]} N=${fixture.invitations}: ${figures.resources} resources in state`);
  }
  return figures;
}

/** One repetition at one size: the eight phases, interleaved; `realFirst` alternates between repetitions. */
async function runRepetition(
  env: BenchEnvironment,
  invitations: number,
  repetition: number,
  repeat: number,
  samples: PhaseSample[],
  providers: Map<ProgramKind, StoredProviderFigures>,
): Promise<void> {
  await withFixture(env, invitations, async (fixture) => {
    const order: ProgramKind[] = repetition % 2 === 1 ? ["real", "noop"] : ["noop", "real"];
    for (const phase of PHASES) {
      const line: string[] = [];
      for (const program of order) {
        const where = `N=${invitations} repetition ${repetition}, ${PROGRAM_LABEL[program]} ${phase}`;
        const mark = lastSeq(fixture.emulator);
        let ms: number;
        try {
          ms = await timed(() => runPhase(fixture.stacks[program], phase));
        } catch (e) {
          throw new OutcomeError(`${where} failed: ${briefError(e)}`, { cause: e });
        }
        const log = apiLogSince(fixture.emulator, mark);
        if (program === "real") checkOutcome(fixture.emulator, fixture.invitations, phase, log, where);
        samples.push({ invitations, repetition, program, phase, ms, apiRequests: log.length, byKind: countKinds(log) });
        line.push(`${PROGRAM_LABEL[program]} ${seconds(ms)} (${log.length} API requests)`);
        // The stored provider as up writes it and as refresh rewrites it (first repetition; it does not change).
        if (repetition === 1 && (phase === "up" || phase === "refresh")) {
          const figures = await storedProvider(fixture, program);
          const known = providers.get(program);
          providers.set(program, known ? mergeStoredProvider(known, figures) : figures);
        }
      }
      env.progress(`N=${invitations} repetition ${repetition}/${repeat} ${phase}: ${line.join(", ")}`);
    }
  });
}

export async function runSize(env: BenchEnvironment, invitations: number, repeat: number, problems: string[]): Promise<SizeResult> {
  const samples: PhaseSample[] = [];
  const providers = new Map<ProgramKind, StoredProviderFigures>();
  for (let repetition = 1; repetition <= repeat; repetition++) {
    try {
      await runRepetition(env, invitations, repetition, repeat, samples, providers);
    } catch (e) {
      const problem = e instanceof OutcomeError ? e.message : `N=${invitations} repetition ${repetition}: ${briefError(e)}`;
      problems.push(problem);
      env.progress(`WRONG: ${problem}`);
    }
  }
  return { invitations, repetitions: repeat, samples, storedProvider: [...providers.values()] };
}

/** PUT /__emulator/rateLimits over HTTP, as a test or a CI job would; `{}` turns the limits off. */
export async function setRateLimits(emulator: RunningEmulator, limits: Record<string, number>): Promise<void> {
  const response = await fetch(`${emulator.origin}/__emulator/rateLimits`, {
    method: "PUT",
    headers: { "content-type": "application/json" },
    body: JSON.stringify(limits),
  });
  const text = await response.text();
  if (!response.ok) throw new Error(`PUT /__emulator/rateLimits answered ${response.status}: ${text}`);
  const applied = JSON.parse(text) as Record<string, unknown>;
  for (const [key, value] of Object.entries(limits)) {
    if (applied[key] !== value) throw new Error(`PUT /__emulator/rateLimits set ${key} to ${String(applied[key])}, not ${value}`);
  }
}

/** The real `up` of 40 under one limit, and the no-op `up` of 40 (the floor), in the same run; the order alternates. */
export async function runRateLimited(
  env: BenchEnvironment,
  spec: RateLimitSpec,
  repetition: number,
  repeat: number,
): Promise<RateLimitedSample> {
  return withFixture(env, RATE_LIMITED_INVITATIONS, async (fixture) => {
    const order: ProgramKind[] = repetition % 2 === 1 ? ["noop", "real"] : ["real", "noop"];
    let floorMs = Number.NaN;
    let ms = Number.NaN;
    let log: RequestLogEntry[] = [];
    for (const program of order) {
      const where = `${spec.kind} limit run ${repetition}, ${PROGRAM_LABEL[program]} up of ${fixture.invitations}`;
      try {
        if (program === "noop") {
          floorMs = await timed(() => fixture.stacks.noop.up().then(() => undefined));
          continue;
        }
        await setRateLimits(fixture.emulator, spec.limits);
        const mark = lastSeq(fixture.emulator);
        try {
          ms = await timed(() => fixture.stacks.real.up().then(() => undefined));
        } finally {
          await setRateLimits(fixture.emulator, {});
        }
        log = apiLogSince(fixture.emulator, mark);
      } catch (e) {
        throw new OutcomeError(`${where} failed: ${briefError(e)}`, { cause: e });
      }
      checkOutcome(fixture.emulator, fixture.invitations, "up", log, where);
    }
    const sample: RateLimitedSample = {
      kind: spec.kind,
      repetition,
      invitations: fixture.invitations,
      floorMs,
      ms,
      apiRequests: log.length,
      unrefused: unrefusedCount(log),
      refused: refusedCount(log),
      byKind: countKinds(log),
    };
    env.progress(
      `rate limit "${spec.label}" run ${repetition}/${repeat}: real up ${seconds(ms)} (${sample.apiRequests} API requests, ${sample.refused} refused), no-op up ${seconds(floorMs)}`,
    );
    return sample;
  });
}

/** An error's message, cut to its first and last lines (the CLI's output can be long). */
export function briefError(e: unknown): string {
  const text = e instanceof Error ? e.message : String(e);
  const lines = text.split("\n").filter((l) => l.trim() !== "");
  return lines.length <= 20 ? lines.join("\n    ") : [...lines.slice(0, 5), "…", ...lines.slice(-12)].join("\n    ");
}
