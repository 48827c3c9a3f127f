// What the provider sent to Cloud Manager, read from the emulator's request log: the writes of the
// stack's own API key, shown as `METHOD path → status`. The acts check and print these lines.

import type { RequestLogEntry, RunningEmulator } from "../../emulator";
import { lastRequestSeq, type WriteLog } from "./narration";

/** The writes the stack's own key sent since `after` (a new provider process first collects a Digest challenge: a 401). */
export function providerRequests(emulator: RunningEmulator, after: number): RequestLogEntry[] {
  return emulator.state
    .requests()
    .filter(
      (r) =>
        r.seq > after &&
        r.method !== "GET" &&
        r.status !== 401 &&
        r.auth.type === "digest" &&
        r.auth.username === emulator.credentials.publicKey,
    );
}

/** A request log whose lines show the organization's path as `/orgs/{org}` and ids as they are (the membership act's). */
export function orgPathLog(emulator: RunningEmulator, org: string): WriteLog {
  const orgPath = `${new URL(emulator.baseUrl).pathname}/orgs/${org}`;
  return {
    lastSeq: () => lastRequestSeq(emulator),
    writesSince: (seq) => providerRequests(emulator, seq).map((r) => `${r.method} ${r.path.replace(orgPath, "/orgs/{org}")} → ${r.status}`),
  };
}

/**
 * A request log whose lines show ids as names — `{org}`, the projects', the teams' and members' as
 * they are named when the writes are read (so read at once) — sorted when `sorted` (steps run in
 * parallel, in any order).
 */
export class NamedIdLog implements WriteLog {
  private readonly names: Map<string, string>;
  private readonly apiBase: string;

  constructor(
    private readonly emulator: RunningEmulator,
    private readonly org: string,
    projects: Record<string, string>,
    private readonly sorted = false,
  ) {
    this.apiBase = new URL(emulator.baseUrl).pathname;
    this.names = new Map<string, string>([[org, "org"], ...Object.entries(projects).map(([name, id]) => [id, name] as [string, string])]);
  }

  /** The name an id is shown as (itself when none is known). */
  nameOf(id: string): string {
    return this.names.get(id) ?? id;
  }

  /** Shows `id` as `name` from now on. */
  name(id: string, name: string): void {
    this.names.set(id, name);
  }

  /** Learns the names of the organization's teams and members as they are now. */
  learnIds(): void {
    for (const t of this.emulator.state.teams(this.org)) this.names.set(t.id, t.name);
    for (const m of this.emulator.state.members(this.org)) this.names.set(m.id, m.username.split("@")[0] ?? m.username);
  }

  lastSeq(): number {
    return lastRequestSeq(this.emulator);
  }

  writesSince(seq: number): string[] {
    this.learnIds();
    const lines = providerRequests(this.emulator, seq).map(
      (r) => `${r.method} ${r.path.slice(this.apiBase.length).replace(/[0-9a-f]{24}/g, (id) => `{${this.nameOf(id)}}`)} → ${r.status}`,
    );
    return this.sorted ? lines.sort() : lines;
  }
}
