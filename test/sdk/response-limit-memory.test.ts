import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { execFile } from "node:child_process";
import { mkdtemp, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import * as path from "node:path";
import { promisify } from "node:util";
import type { ResponseLimitReport } from "../../bench/response-limit";

// The measurement as a test: bench/response-limit.ts, compiled as `npm run build` would, starts a
// server streaming an endless JSON body and runs the client in a child process. Memory is asserted, never time.

const run = promisify(execFile);
const ROOT = path.resolve(__dirname, "../..");
let work: string;

beforeAll(async () => {
  work = await mkdtemp(path.join(tmpdir(), "response-limit-"));
  // Only the bench script and what it imports (the sdk), with the project's own compiler settings.
  const tsconfig = {
    extends: path.join(ROOT, "tsconfig.json"),
    compilerOptions: {
      outDir: path.join(work, "out"),
      rootDir: ROOT,
      declaration: false,
      sourceMap: false,
      typeRoots: [path.join(ROOT, "node_modules/@types")],
    },
    files: [path.join(ROOT, "bench/response-limit.ts")],
    include: [],
  };
  await writeFile(path.join(work, "tsconfig.json"), JSON.stringify(tsconfig));
  await run(process.execPath, [path.join(ROOT, "node_modules/typescript/bin/tsc"), "-p", path.join(work, "tsconfig.json")]);
}, 120_000);

afterAll(async () => {
  await rm(work, { recursive: true, force: true });
});

describe("an endless, fast body (bench/response-limit.ts)", () => {
  it("fails with CLOUD_MANAGER_RESPONSE_TOO_LARGE while the client's process stays below 400 MB resident", async () => {
    // The child stops itself at 1 GB RSS, so a client without a bound fails this test without hurting the machine.
    const { stdout } = await run(process.execPath, [path.join(work, "out/bench/response-limit.js"), "--json", "--rss-guard-mb", "1000"], {
      // The compiled files live outside the repository: let them find undici.
      env: { ...process.env, NODE_PATH: path.join(ROOT, "node_modules") },
    }).catch((error: { stdout?: string }) => ({ stdout: error.stdout ?? "" }));
    const report = JSON.parse(stdout.trim()) as ResponseLimitReport;
    expect(report.outcome).toBe("CLOUD_MANAGER_RESPONSE_TOO_LARGE");
    expect(report.message).toContain("8388608 bytes");
    expect(report.peakRssBytes).toBeGreaterThan(0);
    expect(report.peakRssBytes).toBeLessThan(400 * 1000 * 1000);
    expect(report.met).toBe(true);
  }, 120_000);
});
