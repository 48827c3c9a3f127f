// A provider process knows the `pulumi` process that runs its deployment, and stops writing once it is
// gone (issue 16, item 9: an orphan of a killed `pulumi up` went on pruning). Real processes: a script
// named "pulumi" starts node (without exec, as the engine's dynamic-provider launcher does) and is then
// killed with SIGKILL; the node process, now an orphan, is asked again.
import { spawn } from "node:child_process";
import { chmodSync, existsSync, mkdtempSync, readFileSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";
import { setTimeout as sleep } from "node:timers/promises";
import { describe, expect, it } from "vitest";

const MODULE = resolve(__dirname, "../../../dist/provider/deployment/engine-process.js");

/** The file's lines once it has `count` of them (polled; the test's own timeout bounds the wait). */
async function linesOf(file: string, count: number): Promise<string[]> {
  for (;;) {
    const lines = existsSync(file) ? readFileSync(file, "utf8").split("\n").filter(Boolean) : [];
    if (lines.length >= count) return lines;
    await sleep(20);
  }
}

describe("EngineProcess_WhenPulumiIsKilled", () => {
  it.runIf(process.platform === "linux")("finds the engine among its ancestors, and reports it gone after a kill -9", async () => {
    expect(existsSync(MODULE), "run `npm run build` first").toBe(true);
    const dir = mkdtempSync(join(tmpdir(), "cm-engine-"));
    const [out, go] = [join(dir, "out"), join(dir, "go")];
    const child = join(dir, "provider.js");
    writeFileSync(
      child,
      `const fs = require("node:fs");
       const e = require(${JSON.stringify(MODULE)});
       fs.appendFileSync(${JSON.stringify(out)}, JSON.stringify({ engine: e.engineProcess() ?? null, alive: e.engineAlive() }) + "\\n");
       const timer = setInterval(() => {
         if (!fs.existsSync(${JSON.stringify(go)})) return;
         clearInterval(timer);
         fs.appendFileSync(${JSON.stringify(out)}, JSON.stringify({ alive: e.engineAlive() }) + "\\n");
       }, 20);
       setTimeout(() => process.exit(1), 60000).unref();`,
    );
    const script = join(dir, "pulumi");
    writeFileSync(script, `#!/bin/sh\n"${process.execPath}" "${child}"\n`);
    chmodSync(script, 0o755);
    const engine = spawn(script, [], { stdio: "ignore" });
    const [first] = await linesOf(out, 1);
    const started = JSON.parse(first ?? "") as { engine: { pid: number } | null; alive: boolean };
    expect(started.engine?.pid).toBe(engine.pid);
    expect(started.alive).toBe(true);
    engine.kill("SIGKILL");
    await new Promise((done) => engine.once("exit", done));
    writeFileSync(go, "");
    const [, second] = await linesOf(out, 2);
    expect(JSON.parse(second ?? "")).toEqual({ alive: false });
  });
});
