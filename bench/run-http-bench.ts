// The benchmark itself: each client against the in-process emulator, which refuses a reused nc.
// Wire figures come from the emulator's request log, cleared before every run.
import { startEmulator, type RunningEmulator } from "../emulator";
import { CloudManagerClient } from "../sdk";
import type { BenchClient, BenchClientKind, BenchTarget } from "./clients/bench-client";
import { digestFetchClient } from "./clients/digest-fetch-client";
import { goTwoRoundTripClient } from "./clients/go-two-round-trip-client";
import { ourClient } from "./clients/our-client";
import { runCalls, workloadMix, type Arrival } from "./workload";

/** Our client first: every other row is given as a ratio to it. */
export const BENCH_CLIENTS: readonly BenchClientKind[] = [ourClient, digestFetchClient, goTwoRoundTripClient];

export interface HttpBenchOptions {
  /** API calls per measured run. */
  calls: number;
  /** Every k-th call is a POST create; 0 = GETs only. */
  createEvery: number;
  /** Measured runs per client and concurrency. */
  repeat: number;
  concurrency: number[];
  /** How calls are started at a concurrency above 1 (at 1 both are the same, so only "pool" runs). */
  arrivals: Arrival[];
  /** Unmeasured calls per client before the first repetition (JIT, sockets); 0 = none. */
  warmupCalls: number;
  /** Use this emulator instead of starting one; it must have been started with rejectReusedNonceCount: true. Not closed here. */
  emulator?: RunningEmulator;
  /** Called after each measured run, while the emulator's request log still holds exactly that run's requests. */
  onRun?: (sample: RunSample) => void;
  /** Progress lines (to stderr from the CLI). */
  progress?: (line: string) => void;
}

export interface RunSample {
  clientId: string;
  concurrency: number;
  arrival: Arrival;
  /** 1-based. */
  repetition: number;
  calls: number;
  /** Requests the emulator logged during the run. */
  wireRequests: number;
  /** Logged requests answered 401. */
  unauthorized: number;
  /** Of those, requests that carried a Digest signature (a reused nc: no nonce goes stale within a run). */
  signedUnauthorized: number;
  failed: number;
  /** Reason → count, for the failed calls. */
  failures: Record<string, number>;
  elapsedMs: number;
  callsPerSecond: number;
}

export interface HttpBenchResult {
  options: Omit<HttpBenchOptions, "emulator" | "onRun" | "progress">;
  clients: { id: string; label: string }[];
  samples: RunSample[];
}

const ROLES = ["ORG_MEMBER"];

export async function runHttpBench(options: HttpBenchOptions): Promise<HttpBenchResult> {
  const emulator = options.emulator ?? (await startEmulator({ rejectReusedNonceCount: true }));
  const progress = options.progress ?? (() => {});
  const target: BenchTarget = {
    baseUrl: emulator.baseUrl,
    publicKey: emulator.credentials.publicKey,
    privateKey: emulator.credentials.privateKey,
    orgId: emulator.org.id,
  };
  try {
    const invitationId = await createGetTarget(target);
    const mix = workloadMix(options.calls, options.createEvery);
    let serial = 0;
    const username = (tag: string): string => `bench-${tag}-${++serial}@example.com`;

    if (options.warmupCalls > 0) {
      const warmMix = workloadMix(options.warmupCalls, options.createEvery);
      const warmConcurrency = Math.max(...options.concurrency);
      for (const kind of BENCH_CLIENTS) {
        progress(`warm-up: ${kind.label}`);
        await measure(kind, target, invitationId, warmMix, warmConcurrency, "pool", () => username("warmup"));
      }
    }

    const samples: RunSample[] = [];
    for (let repetition = 1; repetition <= options.repeat; repetition++) {
      for (const { concurrency, arrival } of benchConfigurations(options)) {
        // Interleaved: every client runs once per repetition, starting with a different one each time,
        // so drifting machine load falls on all of them alike.
        for (let k = 0; k < BENCH_CLIENTS.length; k++) {
          const kind = BENCH_CLIENTS[(k + repetition - 1) % BENCH_CLIENTS.length] as BenchClientKind;
          emulator.state.clearRequests();
          const run = await measure(kind, target, invitationId, mix, concurrency, arrival, () =>
            username(`${kind.id}-c${concurrency}-${arrival}`),
          );
          const log = emulator.state.requests();
          const sample: RunSample = {
            clientId: kind.id,
            concurrency,
            arrival,
            repetition,
            calls: mix.length,
            wireRequests: log.length,
            unauthorized: log.filter((entry) => entry.status === 401).length,
            signedUnauthorized: log.filter((entry) => entry.status === 401 && entry.auth.type === "digest").length,
            failed: run.failed,
            failures: run.failures,
            elapsedMs: run.elapsedMs,
            callsPerSecond: mix.length / (run.elapsedMs / 1000),
          };
          samples.push(sample);
          options.onRun?.(sample);
          progress(
            `rep ${repetition}/${options.repeat} ${configurationLabel(concurrency, arrival)} ${kind.label}: ${sample.wireRequests} wire requests, ${sample.failed} failed, ${Math.round(sample.callsPerSecond)} calls/s`,
          );
        }
      }
    }
    const { calls, createEvery, repeat, concurrency, arrivals, warmupCalls } = options;
    return {
      options: { calls, createEvery, repeat, concurrency, arrivals, warmupCalls },
      clients: BENCH_CLIENTS.map(({ id, label }) => ({ id, label })),
      samples,
    };
  } finally {
    if (options.emulator === undefined) await emulator.close();
  }
}

/** The measured (concurrency, arrival) pairs in order; at concurrency 1 pool and waves are the same, so only "pool". */
export function benchConfigurations(
  options: Pick<HttpBenchOptions, "concurrency" | "arrivals">,
): { concurrency: number; arrival: Arrival }[] {
  return options.concurrency.flatMap((concurrency) =>
    concurrency === 1 ? [{ concurrency, arrival: "pool" as const }] : options.arrivals.map((arrival) => ({ concurrency, arrival })),
  );
}

export function configurationLabel(concurrency: number, arrival: Arrival): string {
  return concurrency === 1 ? "1" : `${concurrency} ${arrival}`;
}

/** The invitation every GET reads, created before any measured run. */
async function createGetTarget(target: BenchTarget): Promise<string> {
  const client = new CloudManagerClient({ baseUrl: target.baseUrl, publicKey: target.publicKey, privateKey: target.privateKey });
  try {
    const invitation = await client.createInvitation(target.orgId, { username: "bench-get-target@example.com", roles: ROLES });
    return invitation.id;
  } finally {
    await client.close();
  }
}

interface RunOutcome {
  failed: number;
  failures: Record<string, number>;
  elapsedMs: number;
}

/** One run with a FRESH client (so its first challenge is part of the run), timed from the first call to the last answer. */
async function measure(
  kind: BenchClientKind,
  target: BenchTarget,
  invitationId: string,
  mix: readonly ("get" | "create")[],
  concurrency: number,
  arrival: Arrival,
  nextUsername: () => string,
): Promise<RunOutcome> {
  const client: BenchClient = await kind.create(target);
  const failures: Record<string, number> = {};
  let failed = 0;
  const started = performance.now();
  try {
    await runCalls(mix.length, concurrency, arrival, async (index) => {
      const result =
        mix[index] === "create" ? await client.createInvitation(nextUsername(), ROLES) : await client.getInvitation(invitationId);
      if (!result.ok) {
        failed++;
        failures[result.reason] = (failures[result.reason] ?? 0) + 1;
      }
    });
    return { failed, failures, elapsedMs: performance.now() - started };
  } finally {
    await client.close();
  }
}
