// The call mix of one measured run: GETs of one existing invitation, with every k-th call a POST create.

export type CallKind = "get" | "create";

/** `calls` entries; call i (0-based) is a create when (i + 1) is a multiple of `createEvery` (0 = GETs only). */
export function workloadMix(calls: number, createEvery: number): CallKind[] {
  return Array.from({ length: calls }, (_, i) => (createEvery > 0 && (i + 1) % createEvery === 0 ? "create" : "get"));
}

export function describeMix(calls: number, createEvery: number): string {
  const mix = workloadMix(calls, createEvery);
  const creates = mix.filter((kind) => kind === "create").length;
  const gets = calls - creates;
  const every = creates > 0 ? ` (every ${createEvery}th call)` : "";
  return `${calls} API calls = ${gets} GET /orgs/{orgId}/invites/{id} + ${creates} POST /orgs/{orgId}/invites${every}`;
}

/**
 * How calls at concurrency N are started:
 * - "pool": N workers, each starting its next call as soon as its last one is answered (steady N in flight);
 * - "waves": N calls started together, the next N once all of them are answered (a fan-out, like an engine
 *   starting N independent steps at once). On a warm client this is where a shared `nc` shows.
 */
export type Arrival = "pool" | "waves";
export const ARRIVALS: readonly Arrival[] = ["pool", "waves"];

/** Runs tasks 0..count-1 at `concurrency`, started as `arrival` says. */
export async function runCalls(
  count: number,
  concurrency: number,
  arrival: Arrival,
  task: (index: number) => Promise<void>,
): Promise<void> {
  if (arrival === "pool") return runPool(count, concurrency, task);
  for (let start = 0; start < count; start += concurrency) {
    const wave = Array.from({ length: Math.min(concurrency, count - start) }, (_, k) => start + k);
    await Promise.all(wave.map(task));
  }
}

/** At most `concurrency` tasks in flight; each worker takes the next index when it is free. */
async function runPool(count: number, concurrency: number, task: (index: number) => Promise<void>): Promise<void> {
  let next = 0;
  const worker = async (): Promise<void> => {
    while (next < count) {
      const index = next++;
      await task(index);
    }
  };
  await Promise.all(Array.from({ length: Math.max(1, Math.min(concurrency, count)) }, worker));
}
