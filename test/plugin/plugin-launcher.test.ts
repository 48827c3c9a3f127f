// The executable the engine starts (plugin/pulumi-resource-cloudmanager), run with a stand-in `node`
// first on PATH that reports what it was given: the compiled entry, the engine's arguments, and
// NODE_OPTIONS with V8's young generation capped (docs/performance.md) ahead of the user's own flags,
// which come later and so win.

import { chmodSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { runSeparated } from "../support/run-command";

const ROOT = resolve(__dirname, "../..");
const LAUNCHER = join(ROOT, "plugin", "pulumi-resource-cloudmanager");
const bin = mkdtempSync(join(tmpdir(), "cloudmanager-launcher-"));
writeFileSync(join(bin, "node"), `#!/bin/sh\nprintf '%s\\n' "NODE_OPTIONS=\${NODE_OPTIONS-(unset)}" "$@"\n`);
chmodSync(join(bin, "node"), 0o755);
afterAll(() => rmSync(bin, { recursive: true, force: true }));

async function launch(env: NodeJS.ProcessEnv): Promise<string[]> {
  const run = await runSeparated("/bin/sh", [LAUNCHER, "127.0.0.1:40000"], ROOT, { PATH: `${bin}:/usr/bin:/bin`, ...env });
  expect(run.code, run.stderr).toBe(0);
  return run.stdout.trimEnd().split("\n");
}

describe("the plugin's launcher", () => {
  it("runs the compiled entry with the engine's address and V8's young generation capped", async () => {
    expect(await launch({})).toEqual([
      "NODE_OPTIONS=--max-semi-space-size=16",
      `${ROOT}/plugin/../dist/provider/plugin/main.js`,
      "127.0.0.1:40000",
    ]);
  });

  it("keeps the user's NODE_OPTIONS after its own flag, so the user's setting wins", async () => {
    const [options] = await launch({ NODE_OPTIONS: "--max-semi-space-size=64 --require ./trace.js" });
    expect(options).toBe("NODE_OPTIONS=--max-semi-space-size=16 --max-semi-space-size=64 --require ./trace.js");
  });
});
