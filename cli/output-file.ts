// Writing a command's result to a file whole or not at all: into a temporary file beside it, then
// renamed over it. A failure half-way (an API error, a full disk, Ctrl-C) leaves the old file as it
// was and no partial one, so a committed people.yaml is never replaced by half an organization.

import { randomBytes } from "node:crypto";
import { renameSync, rmSync, writeFileSync } from "node:fs";
import { basename, dirname, join } from "node:path";

export function writeFileAtomically(file: string, text: string): void {
  // Same folder: a rename across file systems would not be atomic (or would fail).
  const temp = join(dirname(file), `.${basename(file)}.${process.pid}.${randomBytes(4).toString("hex")}.tmp`);
  try {
    writeFileSync(temp, text, { encoding: "utf8", flag: "wx" });
    renameSync(temp, file);
  } catch (e) {
    rmSync(temp, { force: true });
    throw e;
  }
}
