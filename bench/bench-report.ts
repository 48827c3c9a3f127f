// Turns the runs into the printed table: medians per client and concurrency, each figure of the other
// clients also as the median of its per-repetition ratio to our client, and a verdict on the target.
import { cpus, loadavg } from "node:os";
import { median } from "./median";
import { benchConfigurations, configurationLabel, type HttpBenchResult, type RunSample } from "./run-http-bench";
import { describeMix, type Arrival } from "./workload";

/** Issue 2 §4: our client makes at most this many wire requests per API call, at concurrency 1 and 16. */
export const TARGET_WIRE_PER_CALL = 1.05;
export const TARGET_CONCURRENCIES = [1, 16] as const;
export const BASELINE_CLIENT_ID = "ours";

export interface Figure {
  /** Median over the repetitions. */
  value: number;
  /** Median of (this client / our client) over repetitions of the same concurrency; undefined for our client or when ours is 0. */
  ratio: number | undefined;
  /** Smallest and largest per-repetition ratio (how much the machine's noise moved it). */
  ratioRange: [number, number] | undefined;
}

export interface SummaryRow {
  clientId: string;
  label: string;
  concurrency: number;
  arrival: Arrival;
  runs: number;
  wirePerCall: Figure;
  unauthorizedPerCall: Figure;
  failed: Figure;
  callsPerSecond: Figure;
  /** Median count of 401s on signed requests (reused nc). */
  signedUnauthorized: number;
  /** Reason → total count over all repetitions. */
  failures: Record<string, number>;
}

export interface Verdict {
  met: boolean;
  text: string;
}

type Metric = (sample: RunSample) => number;
const wirePerCall: Metric = (s) => s.wireRequests / s.calls;
const unauthorizedPerCall: Metric = (s) => s.unauthorized / s.calls;
const failedCalls: Metric = (s) => s.failed;
const callsPerSecond: Metric = (s) => s.callsPerSecond;

export function summarize(result: HttpBenchResult): SummaryRow[] {
  const rows: SummaryRow[] = [];
  for (const { concurrency, arrival } of benchConfigurations(result.options)) {
    const inConfiguration = (s: RunSample): boolean => s.concurrency === concurrency && s.arrival === arrival;
    const baseline = new Map<number, RunSample>();
    for (const s of result.samples) {
      if (s.clientId === BASELINE_CLIENT_ID && inConfiguration(s)) baseline.set(s.repetition, s);
    }
    for (const client of result.clients) {
      const samples = result.samples.filter((s) => s.clientId === client.id && inConfiguration(s));
      if (samples.length === 0) continue;
      const figure = (metric: Metric): Figure => {
        const value = median(samples.map(metric));
        if (client.id === BASELINE_CLIENT_ID) return { value, ratio: undefined, ratioRange: undefined };
        const ratios = samples.flatMap((s) => {
          const base = baseline.get(s.repetition);
          return base !== undefined && metric(base) !== 0 ? [metric(s) / metric(base)] : [];
        });
        if (ratios.length === 0) return { value, ratio: undefined, ratioRange: undefined };
        return { value, ratio: median(ratios), ratioRange: [Math.min(...ratios), Math.max(...ratios)] };
      };
      const failures: Record<string, number> = {};
      for (const s of samples) for (const [reason, count] of Object.entries(s.failures)) failures[reason] = (failures[reason] ?? 0) + count;
      rows.push({
        clientId: client.id,
        label: client.label,
        concurrency,
        arrival,
        runs: samples.length,
        wirePerCall: figure(wirePerCall),
        unauthorizedPerCall: figure(unauthorizedPerCall),
        failed: figure(failedCalls),
        callsPerSecond: figure(callsPerSecond),
        signedUnauthorized: median(samples.map((s) => s.signedUnauthorized)),
        failures,
      });
    }
  }
  return rows;
}

/** Judged on our client's WORST run, not the median: every run must meet the target. */
export function verdict(result: HttpBenchResult): Verdict {
  const ours = result.samples.filter((s) => s.clientId === BASELINE_CLIENT_ID);
  const parts: string[] = [];
  let met = ours.length > 0;
  for (const { concurrency, arrival } of benchConfigurations(result.options)) {
    const runs = ours.filter((s) => s.concurrency === concurrency && s.arrival === arrival);
    const worst = Math.max(...runs.map(wirePerCall));
    if (!(worst <= TARGET_WIRE_PER_CALL)) met = false;
    parts.push(`${worst.toFixed(3)} at c=${configurationLabel(concurrency, arrival)}`);
  }
  const failed = ours.reduce((sum, s) => sum + s.failed, 0);
  if (failed > 0) met = false;
  const missing = TARGET_CONCURRENCIES.filter((c) => !result.options.concurrency.includes(c));
  const head = missing.length > 0 ? `INCOMPLETE (concurrency ${missing.join(", ")} not measured)` : met ? "MET" : "MISSED";
  const runs = result.options.repeat;
  const text =
    `Target (ours <= ${TARGET_WIRE_PER_CALL} wire requests per call at c=${TARGET_CONCURRENCIES.join(" and ")}, no call failing with nc reuse refused): ` +
    `${head}; worst of ${runs} repetition${runs === 1 ? "" : "s"}: ${parts.join(", ")} wire requests per call, ${failed} of ${ours.reduce((n, s) => n + s.calls, 0)} calls failed.`;
  return { met: met && missing.length === 0, text };
}

function fixed(value: number, digits: number): string {
  return Number.isFinite(value) ? value.toFixed(digits) : "n/a";
}

function ratioText(ratio: number | undefined, isBaseline: boolean): string {
  if (isBaseline) return "1.00";
  if (ratio === undefined || !Number.isFinite(ratio)) return "n/a";
  return ratio >= 100 ? ratio.toFixed(0) : ratio >= 10 ? ratio.toFixed(1) : ratio.toFixed(2);
}

function rangeText(range: [number, number] | undefined): string {
  return range === undefined ? "" : `(${range[0].toFixed(2)}-${range[1].toFixed(2)})`;
}

function countText(value: number): string {
  return Number.isInteger(value) ? String(value) : value.toFixed(1);
}

export function formatReport(result: HttpBenchResult, command?: string): string {
  const { options } = result;
  const rows = summarize(result);
  const labelWidth = Math.max(6, ...rows.map((r) => r.label.length));
  const confWidth = Math.max(4, ...rows.map((r) => configurationLabel(r.concurrency, r.arrival).length));
  const header1 = [
    "conc".padEnd(confWidth),
    "client".padEnd(labelWidth),
    "wire req/call",
    "  401s/call  ",
    "failed calls",
    "     calls/s                 ",
    "signed 401s",
  ];
  const header2 = [
    "".padEnd(confWidth),
    "".padEnd(labelWidth),
    "value  x ours",
    "value  x ours",
    "value x ours",
    "  value x ours (min-max)     ",
    "(reused nc)",
  ];
  const widths = header1.map((h, i) => Math.max(h.length, (header2[i] as string).length));
  const line = (cells: string[]): string =>
    cells
      .map((cell, i) => (i <= 1 ? cell.padEnd(widths[i] as number) : cell.padStart(widths[i] as number)))
      .join("  ")
      .trimEnd();
  const pair = (a: string, b: string, width: number): string => `${a.padStart(width - 7)}  ${b.padStart(5)}`;

  const out: string[] = [];
  if (command !== undefined) out.push(`$ ${command}`);
  out.push("HTTP Digest benchmark: three clients against the in-process emulator with rejectReusedNonceCount: true");
  out.push(`  per run: ${describeMix(options.calls, options.createEvery)}; a fresh client per run, so its first challenge counts`);
  out.push(
    "  concurrency N: pool = N calls always in flight (a new one starts as one is answered); waves = N calls started at once, the next N after all are answered",
  );
  out.push(
    `  repetitions: ${options.repeat} per client and configuration, interleaved (client order rotated each repetition); warm-up: ${options.warmupCalls} calls per client`,
  );
  out.push(
    '  figures are medians over the repetitions; "x ours" = median of the per-repetition ratio to our client at the same concurrency',
  );
  out.push(
    "  wire requests and 401s are counted from the emulator's request log; calls/s include the emulator, which shares the event loop",
  );
  const load = loadavg()
    .map((l) => l.toFixed(1))
    .join(" ");
  out.push(
    `  node ${process.version}, ${process.platform} ${process.arch}, ${cpus().length} CPUs, load average at the end ${load} (calls/s move with the machine's load; the request counts do not)`,
  );
  out.push("");
  out.push(line(header1));
  out.push(line(header2));
  out.push(line(widths.map((w) => "-".repeat(w))));
  let previous: string | undefined;
  for (const row of rows) {
    const configuration = configurationLabel(row.concurrency, row.arrival);
    if (previous !== undefined && previous !== configuration) out.push("");
    previous = configuration;
    const base = row.clientId === BASELINE_CLIENT_ID;
    out.push(
      line([
        configuration,
        row.label,
        pair(fixed(row.wirePerCall.value, 3), ratioText(row.wirePerCall.ratio, base), widths[2] as number),
        pair(fixed(row.unauthorizedPerCall.value, 3), ratioText(row.unauthorizedPerCall.ratio, base), widths[3] as number),
        pair(countText(row.failed.value), base ? "-" : ratioText(row.failed.ratio, false), widths[4] as number),
        `${pair(fixed(row.callsPerSecond.value, 0), ratioText(row.callsPerSecond.ratio, base), 14)} ${rangeText(row.callsPerSecond.ratioRange)}`.padEnd(
          widths[5] as number,
        ),
        countText(row.signedUnauthorized),
      ]),
    );
  }
  const failing = rows.filter((r) => Object.keys(r.failures).length > 0);
  if (failing.length > 0) {
    out.push("");
    out.push("Failed calls over all repetitions, by answer:");
    for (const row of failing) {
      const reasons = Object.entries(row.failures)
        .map(([reason, count]) => `${reason} x${count}`)
        .join(", ");
      const total = Object.values(row.failures).reduce((a, b) => a + b, 0);
      out.push(
        `  ${row.label} at c=${configurationLabel(row.concurrency, row.arrival)}: ${total} of ${row.runs * options.calls} calls (${reasons})`,
      );
    }
  }
  out.push("");
  out.push(verdict(result).text);
  return out.join("\n");
}
