// Rewrites the provider error codes table of docs/troubleshooting.md (between `<!-- codes:begin -->`
// and `<!-- codes:end -->`) from provider/errors/codes.ts, through the compiled
// provider/errors/troubleshooting.ts: run it after a build (`npm run build && node tools/gen-troubleshooting.mjs`).
// The rest of the file is written by hand. test/provider/error-codes.test.ts fails while the table is stale.
import { readFileSync, writeFileSync } from "node:fs";
import { createRequire } from "node:module";
import { stdout } from "node:process";
import { fileURLToPath } from "node:url";

const require = createRequire(import.meta.url);
const { withTroubleshootingTable } = require("../dist/provider/errors/troubleshooting.js");

const file = fileURLToPath(import.meta.resolve("../docs/troubleshooting.md"));
const before = readFileSync(file, "utf8");
const after = withTroubleshootingTable(before);
if (after === before) {
  stdout.write("docs/troubleshooting.md is up to date\n");
} else {
  writeFileSync(file, after);
  stdout.write("docs/troubleshooting.md: table of provider error codes rewritten\n");
}
