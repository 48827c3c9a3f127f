// `npm run build && node dist/bench/response-limit.js`: the client against a server that streams an endless
// JSON body as fast as the client reads it. The client runs in a child process, so its peak resident memory
// (process.resourceUsage().maxRSS) is its own; the report gives that peak, the time until the call failed and
// the error code. Target (issue): CLOUD_MANAGER_RESPONSE_TOO_LARGE with a peak below 400 MB.
// Exit code 0 when the target is met, 1 when not, 2 on bad flags. `--json` prints the report as one JSON line.
import { fork } from "node:child_process";
import { createServer, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import { parseArgs } from "node:util";
import { CloudManagerClient, isCloudManagerError } from "../sdk";

const USAGE = `Usage: node dist/bench/response-limit.js [options]
  --max-response-bytes N  the client's maxResponseBytes (default: the client's default, 8 MiB)
  --rss-guard-mb N        the child gives up when its RSS passes N MB, to spare the machine (default 2048)
  --json                  print the report as one JSON line
  --help`;

/** The issue's bound on the client's peak resident memory. */
export const TARGET_PEAK_RSS_BYTES = 400 * 1000 * 1000;

/** What the child reports over IPC. */
export interface ChildReport {
  /** The error's code, "SUCCEEDED" if the call returned, or "RSS_GUARD" if the guard stopped it. */
  outcome: string;
  message: string;
  /** From the call's start to its failure, in ms. */
  elapsedMs: number;
  /** process.resourceUsage().maxRSS before the call and at the end, in bytes. */
  baselineRssBytes: number;
  peakRssBytes: number;
}

export interface ResponseLimitReport extends ChildReport {
  /** Bytes the server managed to hand to the socket before the client hung up. */
  serverBytesWritten: number;
  maxResponseBytes: number | "default";
  met: boolean;
}

const CHUNK = Buffer.from(
  `${JSON.stringify({
    id: "5e2211c17a3e5a48f5497de3",
    username: "someone@example.com",
    emailAddress: "someone@example.com",
    firstName: "Some",
    lastName: "One",
    teamIds: [],
    roles: [{ orgId: "5e2211c17a3e5a48f5497de3", roleName: "ORG_MEMBER" }],
  })},`.repeat(256),
);

/** Answers every request 200 with `{"results":[` and user objects forever, as fast as the socket takes them. */
function startEndlessServer(): Promise<{ server: Server; baseUrl: string; written: () => number }> {
  let written = 0;
  const server = createServer((_req, res) => {
    res.writeHead(200, { "content-type": "application/json" });
    res.write('{"results":[');
    const pump = (): void => {
      while (!res.destroyed) {
        written += CHUNK.length;
        if (!res.write(CHUNK)) return;
      }
    };
    res.on("drain", pump);
    pump();
  });
  return new Promise((resolve) => {
    server.listen(0, "127.0.0.1", () => {
      const { port } = server.address() as AddressInfo;
      resolve({ server, baseUrl: `http://127.0.0.1:${port}/api/public/v1.0`, written: () => written });
    });
  });
}

function maxRssBytes(): number {
  // maxRSS is in kilobytes (KiB).
  return process.resourceUsage().maxRSS * 1024;
}

/** The child: one listOrgUsers call against the endless server, measured. */
async function runChild(baseUrl: string, maxResponseBytes: number | undefined, guardBytes: number): Promise<ChildReport> {
  const client = new CloudManagerClient({
    baseUrl,
    publicKey: "benchpub",
    privateKey: "bench-private-key",
    ...(maxResponseBytes === undefined ? {} : { maxResponseBytes }),
  });
  const baselineRssBytes = maxRssBytes();
  const started = performance.now();
  // A client without a bound would read until the machine runs out; stop it well past the target instead.
  let guard: NodeJS.Timeout | undefined;
  const guarded = new Promise<ChildReport>((resolve) => {
    guard = setInterval(() => {
      if (process.memoryUsage.rss() > guardBytes) {
        resolve({
          outcome: "RSS_GUARD",
          message: `RSS passed ${guardBytes} bytes`,
          elapsedMs: performance.now() - started,
          baselineRssBytes,
          peakRssBytes: maxRssBytes(),
        });
      }
    }, 20);
  });
  const call = client.listOrgUsers("5e2211c17a3e5a48f5497de3").then(
    (): ChildReport => ({
      outcome: "SUCCEEDED",
      message: "",
      elapsedMs: performance.now() - started,
      baselineRssBytes,
      peakRssBytes: maxRssBytes(),
    }),
    (error: unknown): ChildReport => ({
      outcome: isCloudManagerError(error) ? error.code : "OTHER_ERROR",
      message: error instanceof Error ? error.message : String(error),
      elapsedMs: performance.now() - started,
      baselineRssBytes,
      peakRssBytes: maxRssBytes(),
    }),
  );
  const report = await Promise.race([call, guarded]);
  clearInterval(guard);
  return report;
}

/** Starts the server, runs the child once, and returns the figures. */
export async function runResponseLimitBench(options: { maxResponseBytes?: number; rssGuardMb?: number }): Promise<ResponseLimitReport> {
  const { server, baseUrl, written } = await startEndlessServer();
  try {
    const args = ["--child", baseUrl, String(options.maxResponseBytes ?? "default"), String(options.rssGuardMb ?? 2048)];
    const child = fork(__filename, args, { stdio: ["ignore", "inherit", "inherit", "ipc"] });
    const report = await new Promise<ChildReport>((resolve, reject) => {
      let received: ChildReport | undefined;
      child.on("message", (message) => {
        received = message as ChildReport;
      });
      child.on("error", reject);
      child.on("exit", (code, signal) => {
        if (received !== undefined) resolve(received);
        else reject(new Error(`the child exited without a report (code ${code}, signal ${signal})`));
      });
    });
    return {
      ...report,
      serverBytesWritten: written(),
      maxResponseBytes: options.maxResponseBytes ?? "default",
      met: report.outcome === "CLOUD_MANAGER_RESPONSE_TOO_LARGE" && report.peakRssBytes < TARGET_PEAK_RSS_BYTES,
    };
  } finally {
    server.closeAllConnections();
    await new Promise<void>((resolve) => server.close(() => resolve()));
  }
}

function mb(bytes: number): string {
  return `${(bytes / 1e6).toFixed(1)} MB`;
}

export function formatReport(report: ResponseLimitReport): string {
  return [
    `client limit (maxResponseBytes):   ${report.maxResponseBytes === "default" ? "default (8388608 bytes)" : `${report.maxResponseBytes} bytes`}`,
    `outcome:                           ${report.outcome}`,
    `time until the call failed:        ${report.elapsedMs.toFixed(1)} ms`,
    `child peak RSS (maxRSS):           ${mb(report.peakRssBytes)} (before the call: ${mb(report.baselineRssBytes)})`,
    `bytes the server wrote:            ${report.serverBytesWritten}`,
    `target (< ${mb(TARGET_PEAK_RSS_BYTES)}, clear error): ${report.met ? "met" : "NOT met"}`,
    `message: ${report.message}`,
  ].join("\n");
}

async function main(argv: readonly string[]): Promise<number> {
  if (argv[0] === "--child") {
    const [, baseUrl = "", limit = "default", guardMb = "2048"] = argv;
    const report = await runChild(baseUrl, limit === "default" ? undefined : Number(limit), Number(guardMb) * 1e6);
    await new Promise<void>((resolve) => process.send?.(report, () => resolve()));
    // Whatever the client still holds (a runaway request) must not keep the child alive.
    process.exit(0);
  }
  let values: { "max-response-bytes"?: string; "rss-guard-mb"?: string; json?: boolean; help?: boolean };
  try {
    ({ values } = parseArgs({
      args: [...argv],
      strict: true,
      allowPositionals: false,
      options: {
        "max-response-bytes": { type: "string" },
        "rss-guard-mb": { type: "string" },
        json: { type: "boolean", default: false },
        help: { type: "boolean", default: false },
      },
    }));
  } catch (error) {
    process.stderr.write(`${error instanceof Error ? error.message : String(error)}\n${USAGE}\n`);
    return 2;
  }
  if (values.help === true) {
    process.stdout.write(`${USAGE}\n`);
    return 0;
  }
  const limit = values["max-response-bytes"];
  const guard = values["rss-guard-mb"];
  for (const [name, text] of [
    ["max-response-bytes", limit],
    ["rss-guard-mb", guard],
  ] as const) {
    if (text !== undefined && !/^[1-9]\d*$/.test(text)) {
      process.stderr.write(`--${name} must be a positive whole number, got "${text}"\n${USAGE}\n`);
      return 2;
    }
  }
  const report = await runResponseLimitBench({
    ...(limit === undefined ? {} : { maxResponseBytes: Number(limit) }),
    ...(guard === undefined ? {} : { rssGuardMb: Number(guard) }),
  });
  process.stdout.write(`${values.json === true ? JSON.stringify(report) : formatReport(report)}\n`);
  return report.met ? 0 : 1;
}

if (require.main === module) {
  main(process.argv.slice(2)).then(
    (code) => {
      process.exitCode = code;
    },
    (error: unknown) => {
      process.stderr.write(`response-limit bench failed: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}\n`);
      process.exitCode = 1;
    },
  );
}
