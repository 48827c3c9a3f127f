// What the OTHER provider processes of the same deployment have said. A program may use both front
// doors at once (dynamic resources run in the engine's `pulumi-nodejs` provider process, the
// `cloudmanager` plugin in its own), so a person moving from a dynamic OrgInvitation to the plugin's
// OrgMembership in one `up` is seen by two ledgers. They agree through one append-only file per
// deployment, named for the `pulumi` process that runs it (its pid and start time, read from /proc:
// the engine is the nearest ancestor named "pulumi"), in a private folder under the temp directory.
// Each process appends its declarations and holdings as JSON lines and reads the others' lines
// incrementally (from the offset it last read), so the cost stays linear in the deployment's size.
// Without /proc (not Linux) or without an engine ancestor (tests embedding the runtime) there is no
// channel: each process knows only its own resources, as before (docs/lifecycle.md says so).
// Hand-written: no library shares a few lines between sibling processes with less than this.

import {
  closeSync,
  existsSync,
  fstatSync,
  mkdirSync,
  openSync,
  readdirSync,
  readSync,
  rmSync,
  statSync,
  writeSync,
  type Stats,
} from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { engineProcess, processStartTime } from "./engine-process";

/**
 * One line of the channel: a resource declared a person, holds a key, or will leave a person with
 * these org roles (`intend`: the owner guard's plan), in this deployment.
 */
export interface PeerEntry {
  kind: "declare" | "hold" | "intend";
  /** The ledger key (personKey, or an invitation key). */
  key: string;
  urn: string;
  via?: "step" | "diff";
  /** `intend`: the roles the person is left with, and whether they are removed. */
  roles?: string[];
  removing?: boolean;
}

interface Line extends PeerEntry {
  pid: number;
}

const FOLDER = join(tmpdir(), "pulumi-cloudmanager-deployments");

export class PeerChannel {
  private offset = 0;
  // Both kept open for the process's life (it ends with the deployment): an open, a write or read and a
  // close per step was about 0.6 ms of CPU per resource.
  private appending: number | undefined;
  private reading: number | undefined;

  /** `self`: this process's pid (tests give two channels in one process different ones). */
  private constructor(
    private readonly file: string,
    private readonly self: number = process.pid,
  ) {}

  /** The channel of the deployment this process serves, or undefined when none can be found. */
  static forThisDeployment(): PeerChannel | undefined {
    const engine = engineProcess();
    if (engine === undefined) return undefined;
    try {
      mkdirSync(FOLDER, { recursive: true, mode: 0o700 });
      // Only a folder of our own that nobody else may write: a planted holding would stop a withdrawal.
      if (!privateToUs(statSync(FOLDER))) return undefined;
      removeStale();
      return new PeerChannel(join(FOLDER, `${engine.pid}-${engine.startTime}.jsonl`));
    } catch {
      return undefined;
    }
  }

  /** For tests: a channel on a given file, speaking as `self`. */
  static at(file: string, self: number): PeerChannel {
    return new PeerChannel(file, self);
  }

  record(entry: PeerEntry): void {
    try {
      this.appending ??= openSync(this.file, "a", 0o600);
      // A whole line per write to a file opened for appending, so lines of two processes do not
      // interleave; the loop only finishes a short write, as appendFileSync would.
      const line = Buffer.from(`${JSON.stringify({ ...entry, pid: this.self })}\n`);
      for (let written = 0; written < line.length;) written += writeSync(this.appending, line, written);
    } catch {
      // A channel that cannot be written is a channel the others cannot read: no worse than none.
    }
  }

  /**
   * Closes the channel's files (a runtime shut down within a longer-lived process). A later call opens
   * them again and reads on from where the last look ended.
   */
  close(): void {
    for (const fd of [this.appending, this.reading]) if (fd !== undefined) closeSync(fd);
    this.appending = undefined;
    this.reading = undefined;
  }

  /** What the other processes said since the last call (this process's own lines are left out). */
  news(): PeerEntry[] {
    const found: PeerEntry[] = [];
    if (this.reading === undefined) {
      // Nobody may have written yet: then there is no file, and the next call tries again. Asked
      // first because a failing openSync builds an error with a stack: in a `destroy` of 50, where
      // nobody writes, that was 6-14 ms of the provider's CPU (its profiles, three runs).
      if (!existsSync(this.file)) return found;
      try {
        this.reading = openSync(this.file, "r");
      } catch {
        return found;
      }
    }
    const fd = this.reading;
    const stat = fstatSync(fd);
    if (!privateToUs(stat)) return found;
    const size = stat.size;
    if (size <= this.offset) return found;
    const buffer = Buffer.alloc(size - this.offset);
    readSync(fd, buffer, 0, buffer.length, this.offset);
    const text = buffer.toString("utf8");
    // Only whole lines: a line being appended right now is read next time.
    const end = text.lastIndexOf("\n");
    if (end < 0) return found;
    this.offset += Buffer.byteLength(text.slice(0, end + 1));
    for (const raw of text.slice(0, end).split("\n")) {
      const line = parseLine(raw);
      if (line !== undefined && line.pid !== this.self) found.push(line);
    }
    return found;
  }
}

/** Owned by this process's user and writable by nobody else (a folder or file someone else made is not trusted). */
function privateToUs(stat: Stats): boolean {
  const uid = process.getuid?.();
  return (uid === undefined || stat.uid === uid) && (stat.mode & 0o022) === 0;
}

function parseLine(raw: string): Line | undefined {
  try {
    const value: unknown = JSON.parse(raw);
    if (typeof value !== "object" || value === null) return undefined;
    const v = value as Record<string, unknown>;
    const kind = v["kind"];
    if ((kind !== "declare" && kind !== "hold" && kind !== "intend") || typeof v["key"] !== "string" || typeof v["urn"] !== "string") {
      return undefined;
    }
    if (typeof v["pid"] !== "number") return undefined;
    const via = v["via"] === "step" || v["via"] === "diff" ? v["via"] : undefined;
    const roles = Array.isArray(v["roles"]) ? v["roles"].filter((r): r is string => typeof r === "string") : undefined;
    return {
      kind,
      key: v["key"],
      urn: v["urn"],
      pid: v["pid"],
      ...(via === undefined ? {} : { via }),
      ...(roles === undefined ? {} : { roles }),
      ...(typeof v["removing"] === "boolean" ? { removing: v["removing"] } : {}),
    };
  } catch {
    return undefined;
  }
}

/** Files of deployments whose engine process is gone (its pid ended, or now names another process). */
function removeStale(): void {
  for (const name of readdirSync(FOLDER)) {
    const match = /^(\d+)-(\d+)\.jsonl$/.exec(name);
    if (match === null) continue;
    if (processStartTime(Number(match[1])) !== match[2]) rmSync(join(FOLDER, name), { force: true });
  }
}
