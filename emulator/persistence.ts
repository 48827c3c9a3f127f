// Optional state file: loaded on start, rewritten after every change with temp file + rename, so a
// crash never leaves half a file. Secrets are in it only as digests (HA1, SHA-256); keep it private anyway.
import { randomBytes } from "node:crypto";
import { existsSync, mkdirSync, readdirSync, readFileSync, renameSync, rmSync, writeFileSync } from "node:fs";
import { basename, dirname, join } from "node:path";
import type { StoreData } from "./store-data";

export function loadState(path: string): StoreData | undefined {
  if (!existsSync(path)) return undefined;
  let parsed: unknown;
  try {
    parsed = JSON.parse(readFileSync(path, "utf8"));
  } catch (error) {
    throw new Error(`Cannot read emulator state file ${path}: ${error instanceof Error ? error.message : String(error)}`, { cause: error });
  }
  if (!isStoreData(parsed)) throw new Error(`Emulator state file ${path} is not a version 1 state file.`);
  return parsed;
}

export function saveState(path: string, data: StoreData): void {
  mkdirSync(dirname(path), { recursive: true });
  const temp = `${path}.${process.pid}.${randomBytes(4).toString("hex")}.tmp`; // see removeStaleTempFiles
  try {
    writeFileSync(temp, `${JSON.stringify(data, null, 2)}\n`, { mode: 0o600 });
    renameSync(temp, path);
  } catch (error) {
    rmSync(temp, { force: true });
    throw error;
  }
}

/**
 * A process killed during a rewrite (kill -9, power loss) leaves its `<file>.<pid>.<hex>.tmp`
 * behind. Removed at start when that pid is no longer running; a live writer's file is left alone.
 */
export function removeStaleTempFiles(path: string): void {
  const dir = dirname(path);
  if (!existsSync(dir)) return;
  const prefix = `${basename(path)}.`;
  for (const name of readdirSync(dir)) {
    if (!name.startsWith(prefix)) continue;
    const match = /^(\d+)\.[0-9a-f]{8}\.tmp$/.exec(name.slice(prefix.length));
    if (match && !processAlive(Number(match[1]))) rmSync(join(dir, name), { force: true });
  }
}

function processAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    // EPERM: it exists, under another user.
    return (error as NodeJS.ErrnoException).code === "EPERM";
  }
}

function isStoreData(value: unknown): value is StoreData {
  if (typeof value !== "object" || value === null) return false;
  const v = value as Record<string, unknown>;
  return (
    v["version"] === 1 &&
    ["orgs", "teams", "invitations", "users", "apiKeys", "serviceAccounts"].every((k) => Array.isArray(v[k])) &&
    typeof v["settings"] === "object"
  );
}
