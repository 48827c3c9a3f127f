// CPU time by process of a `pulumi` run (Linux): every `everyMs` the /proc entries of the run's
// process tree are read, and each process's user + system time is kept at its last value, under the
// role its command line shows (the engine, the language host, the program, the provider). A process
// that ends between two looks loses at most one interval; the figures are a profile, not an account.

import { readdirSync, readFileSync } from "node:fs";

export const CPU_ROLES = ["engine", "language host", "program", "provider", "other"] as const;
export type CpuRole = (typeof CPU_ROLES)[number];

/** USER_HZ: the unit of utime and stime in /proc/<pid>/stat (100 on every Linux this runs on). */
const CLOCK_TICKS_PER_SECOND = 100;

export interface ProcStat {
  pid: number;
  ppid: number;
  /** utime + stime, in milliseconds. */
  cpuMs: number;
}

/** Parses /proc/<pid>/stat; the command name in parentheses may itself hold spaces and parentheses. */
export function parseProcStat(text: string): ProcStat | undefined {
  const close = text.lastIndexOf(")");
  if (close < 0) return undefined;
  const pid = Number(text.slice(0, text.indexOf(" ")));
  // After ") ": state(3) ppid(4) … utime(14) stime(15), counted from field 3.
  const fields = text
    .slice(close + 2)
    .trim()
    .split(/\s+/);
  const ppid = Number(fields[1]);
  const utime = Number(fields[11]);
  const stime = Number(fields[12]);
  if (![pid, ppid, utime, stime].every(Number.isFinite)) return undefined;
  return { pid, ppid, cpuMs: ((utime + stime) * 1000) / CLOCK_TICKS_PER_SECOND };
}

/** The role of a process from its command line (NUL-separated arguments, as /proc/<pid>/cmdline holds them). */
export function roleOf(cmdline: string, isRoot: boolean): CpuRole {
  if (isRoot) return "engine";
  const args = cmdline.split("\0").filter((a) => a !== "");
  const text = args.join(" ");
  if (/pulumi-language-\w+/.test(args[0] ?? "")) return "language host";
  // The Node.js dynamic-provider host, or our plugin (its launcher, then node on provider/plugin/main).
  if (/dynamic-provider|pulumi-resource-cloudmanager|provider\/plugin\/main/.test(text)) return "provider";
  // The Node.js program runner of @pulumi/pulumi.
  if (/@pulumi\/pulumi\/cmd\/run|pulumi-language-nodejs-exec|cmd\/run(-policy-pack)?\/index\.js/.test(text)) return "program";
  return "other";
}

function readText(path: string): string | undefined {
  try {
    return readFileSync(path, "utf8");
  } catch {
    return undefined;
  }
}

export interface CpuSampler {
  /** Takes a last look and returns the CPU milliseconds of each role. */
  stop: () => Record<CpuRole, number>;
}

/** Starts sampling the process tree under `rootPid` (the `pulumi` process itself counts as the engine). */
export function sampleCpu(rootPid: number, everyMs = 100): CpuSampler {
  const last = new Map<number, { role: CpuRole; cpuMs: number }>();
  const look = (): void => {
    const stats = new Map<number, ProcStat>();
    for (const name of readdirSync("/proc")) {
      if (!/^\d+$/.test(name)) continue;
      const text = readText(`/proc/${name}/stat`);
      const stat = text === undefined ? undefined : parseProcStat(text);
      if (stat !== undefined) stats.set(stat.pid, stat);
    }
    const inTree = (pid: number): boolean => {
      for (let at: number | undefined = pid, hops = 0; at !== undefined && hops < 64; hops++) {
        if (at === rootPid) return true;
        at = stats.get(at)?.ppid;
      }
      return false;
    };
    for (const stat of stats.values()) {
      if (!inTree(stat.pid)) continue;
      const known = last.get(stat.pid);
      const role = known?.role ?? roleOf(readText(`/proc/${stat.pid}/cmdline`) ?? "", stat.pid === rootPid);
      last.set(stat.pid, { role, cpuMs: Math.max(stat.cpuMs, known?.cpuMs ?? 0) });
    }
  };
  look();
  const timer = setInterval(look, everyMs);
  return {
    stop: () => {
      clearInterval(timer);
      look();
      const totals = Object.fromEntries(CPU_ROLES.map((r) => [r, 0])) as Record<CpuRole, number>;
      for (const { role, cpuMs } of last.values()) totals[role] += cpuMs;
      return totals;
    },
  };
}
