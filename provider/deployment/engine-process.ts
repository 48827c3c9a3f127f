// The `pulumi` process that runs this provider's deployment (the engine): the nearest ancestor
// process named "pulumi", read from /proc (Linux). Used to name the deployment's peer channel
// (./peer-channel) and to stop sending writes once the engine is gone: a provider process orphaned by
// a killed `pulumi up` must not go on pruning people nobody will hear about. Without /proc, or
// without such an ancestor (the runtime embedded in a test or a program), there is no engine to find.

import { readFileSync } from "node:fs";

export interface EngineProcess {
  pid: number;
  /** Its start time (clock ticks since boot): a pid reused by another process has another one. */
  startTime: string;
}

/** The engine, looked up once per process. */
let found: EngineProcess | undefined | null = null;

export function engineProcess(): EngineProcess | undefined {
  if (found !== null) return found;
  found = undefined;
  let pid = process.ppid;
  for (let depth = 0; depth < 8 && pid > 1; depth += 1) {
    const stat = procStat(pid);
    if (stat === undefined) break;
    if (stat.name === "pulumi") {
      found = { pid, startTime: stat.startTime };
      break;
    }
    pid = stat.ppid;
  }
  return found;
}

/** False once the engine this process was started by has ended (true when there is none to watch). */
export function engineAlive(): boolean {
  const engine = engineProcess();
  return engine === undefined || processStartTime(engine.pid) === engine.startTime;
}

/**
 * Ends this provider process soon after its engine is found gone: nobody will read what it says or
 * save what it does, and @pulumi/pulumi's host would otherwise keep it alive (serving nobody).
 */
export function leaveOrphanedProcess(): void {
  setTimeout(() => process.exit(1), 500).unref();
}

/** A process's start time, or undefined when it does not exist. */
export function processStartTime(pid: number): string | undefined {
  return procStat(pid)?.startTime;
}

/** The name, parent and start time of a process (/proc/<pid>/stat; the name may hold spaces and parentheses). */
function procStat(pid: number): { name: string; ppid: number; startTime: string } | undefined {
  try {
    const text = readFileSync(`/proc/${pid}/stat`, "utf8");
    const open = text.indexOf("(");
    const close = text.lastIndexOf(")");
    const fields = text.slice(close + 2).split(" ");
    // After the name: state (3), ppid (4), …, starttime (22): indexes 0, 1, …, 19 here.
    const ppid = Number(fields[1]);
    const startTime = fields[19];
    if (open < 0 || close < open || !Number.isInteger(ppid) || startTime === undefined) return undefined;
    return { name: text.slice(open + 1, close), ppid, startTime };
  } catch {
    return undefined;
  }
}
