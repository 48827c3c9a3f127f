// The package's `bin` commands run as a clone builds them (`npm run build`, which tools/bin-modes.mjs
// ends): executable, with a shebang, so `npx <bin>` works in a clone, not only where npm installed
// the package and set the mode itself.

import { execFileSync } from "node:child_process";
import { readFileSync, statSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";

const ROOT = join(__dirname, "../..");
const { bin } = JSON.parse(readFileSync(join(ROOT, "package.json"), "utf8")) as { bin: Record<string, string> };
const NODE_BIN = join(ROOT, "node_modules", "node", "bin");

describe("the package's bin commands", () => {
  it("are the two commands the docs name", () => {
    expect(Object.keys(bin).sort()).toEqual(["cloudmanager-emulator", "pulumi-cloudmanager"]);
  });

  it.each(Object.entries(bin))("%s (%s) is built executable and runs by its own path", (_name, target) => {
    const file = join(ROOT, target);
    expect(readFileSync(file, "utf8").startsWith("#!/usr/bin/env node\n")).toBe(true);
    expect(statSync(file).mode & 0o111).toBe(0o111);
    // Run as a shell runs it: the shebang picks `node` from PATH (the project's own Node 24 first).
    const help = execFileSync(file, ["--help"], {
      encoding: "utf8",
      env: { ...process.env, PATH: `${NODE_BIN}:${process.env["PATH"] ?? ""}` },
    });
    expect(help).toMatch(/usage/i);
  });
});
