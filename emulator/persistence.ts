// Optional state file: loaded on start, rewritten after every change with temp file + rename, so a
// crash never leaves half a file. Secrets are in it only as digests (HA1, SHA-256); keep it private anyway.
import { randomBytes } from "node:crypto";
import { existsSync, mkdirSync, readFileSync, renameSync, rmSync, writeFileSync } from "node:fs";
import { dirname } from "node:path";
import type { StoreData } from "./state";

export function loadState(path: string): StoreData | undefined {
  if (!existsSync(path)) return undefined;
  let parsed: unknown;
  try {
    parsed = JSON.parse(readFileSync(path, "utf8"));
  } catch (error) {
    throw new Error(`Cannot read emulator state file ${path}: ${error instanceof Error ? error.message : String(error)}`);
  }
  if (!isStoreData(parsed)) throw new Error(`Emulator state file ${path} is not a version 1 state file.`);
  return parsed;
}

export function saveState(path: string, data: StoreData): void {
  mkdirSync(dirname(path), { recursive: true });
  const temp = `${path}.${process.pid}.${randomBytes(4).toString("hex")}.tmp`;
  try {
    writeFileSync(temp, `${JSON.stringify(data, null, 2)}\n`, { mode: 0o600 });
    renameSync(temp, path);
  } catch (error) {
    rmSync(temp, { force: true });
    throw error;
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
