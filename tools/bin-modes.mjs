// Makes the files package.json's `bin` names executable after `tsc` wrote them. npm sets the mode
// when it installs the package, but in a clone `npm ci` links node_modules/.bin/* before dist/
// exists, and tsc writes 0644: `npx cloudmanager-emulator` would then fail with EACCES.
import { chmodSync, readFileSync, statSync } from "node:fs";
import { dirname, join } from "node:path";
import { stderr } from "node:process";
import { fileURLToPath } from "node:url";

const root = join(dirname(fileURLToPath(import.meta.url)), "..");
const { bin } = JSON.parse(readFileSync(join(root, "package.json"), "utf8"));
let failed = false;
for (const [name, target] of Object.entries(bin ?? {})) {
  const file = join(root, target);
  try {
    chmodSync(file, statSync(file).mode | 0o111);
  } catch (e) {
    stderr.write(`bin-modes: the bin "${name}" (${target}) was not built: ${e.message}\n`);
    failed = true;
  }
}
if (failed) throw new Error("bin-modes: package.json names a bin that the build did not write");
