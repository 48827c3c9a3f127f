// `pulumi up` killed with SIGKILL while an OrgRoster prunes (issue 16, item 9). The `pulumi` process
// dies; the provider process it started does not (nothing tells it) and lives on, orphaned. Before
// the fix it went on through the list: more members removed than the killed run ever reported. Now
// each `pruned:` line is written BEFORE its request, and a provider whose `pulumi` process is gone
// sends no further write (ENGINE_GONE). Through the `pulumi` binary on a local program in its own
// folder, as the GitOps merge runs it (`pulumi up --refresh --config prune=true`):
// - after the kill, the emulator answers no more member DELETEs than were already on the wire (the
//   prune removes one member at a time; the per-org gate would allow 4 at most): none is sent after it;
// - every member DELETE the emulator received has its `pruned: removing <user>` line in what the
//   killed `pulumi up` printed;
// - the way back works: the stack is locked, `pulumi cancel` unlocks it, `pulumi refresh` clears the
//   interrupted update, `pulumi up` finishes the prune, and the gate
//   `pulumi preview --refresh --expect-no-changes` passes.
// The emulator holds each member DELETE a while (a delay fault), so the kill lands while one is held.
// Linux only, as the fix is (it finds the `pulumi` process in /proc).

import { spawn, type ChildProcess } from "node:child_process";
import { readdirSync, readFileSync, readlinkSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { afterEach, describe, expect, test } from "vitest";
import type { RequestLogEntry } from "../../emulator";
import { useE2e, type E2eContext } from "./harness/e2e-context";
import { API_PREFIX } from "./harness/emulator-view";

let e2e: E2eContext;
useE2e("killed-mid-prune", (context) => (e2e = context), { withdrawAfterEach: false });

const BREAK_GLASS = "admin@break-glass.example.com";
const UNMANAGED = 40;
/** How long the emulator holds each member DELETE before carrying it out and answering. */
const DELETE_DELAY_MS = 1_000;
/** Member DELETEs answered before the kill. */
const ANSWERED_BEFORE_KILL = 3;
/**
 * How long the DELETE on the wire has been held when the kill comes. Its `pruned:` line was written
 * before it was sent; this gives the engine time to print it (a line still in the pipe when the CLI
 * dies is lost whatever the provider does).
 */
const HELD_FOR_MS = 200;
/** The provider's calls in flight per organization (DEFAULT_ORG_CONCURRENCY in provider/runtime/org-limiter.ts). */
const ORG_CONCURRENCY = 4;

/** The user's program: the organization's OrgRoster, managing nobody, `prune` from stack config. */
const INDEX_JS = `"use strict";
const pulumi = require("@pulumi/pulumi");
const { OrgRoster } = require("pulumi-cloudmanager");

const config = new pulumi.Config();
const roster = new OrgRoster("roster", {
  orgId: config.require("orgId"),
  managed: [],
  ignore: ["*@break-glass.example.com"],
  prune: config.getBoolean("prune") ?? false,
});
exports.unmanagedMembers = roster.unmanagedMembers;
`;

interface CliRun {
  code: number | null;
  signal: NodeJS.Signals | null;
  output: string;
}

interface RunningCli {
  child: ChildProcess;
  /** What it printed so far (stdout and stderr). */
  output: () => string;
  ended: Promise<CliRun>;
}

/** Project folders of this file: whatever still runs in one after a test (the orphans) is killed by pid. */
const projectDirs: string[] = [];

afterEach(() => {
  for (const pid of projectDirs.flatMap(processesIn)) {
    try {
      process.kill(pid, "SIGKILL");
    } catch {
      // already gone
    }
  }
});

/** Starts `pulumi <args>` in the project folder with the suite's environment, as a CI job would. */
function startPulumi(workDir: string, args: string[]): RunningCli {
  const child = spawn(join(e2e.cli.binDir, "pulumi"), [...args, "--non-interactive", "--color", "never"], {
    cwd: workDir,
    env: { ...process.env, ...e2e.env },
    stdio: ["ignore", "pipe", "pipe"],
  });
  let output = "";
  child.stdout?.setEncoding("utf8").on("data", (d: string) => (output += d));
  child.stderr?.setEncoding("utf8").on("data", (d: string) => (output += d));
  const ended = new Promise<CliRun>((resolve, reject) => {
    child.on("error", reject);
    child.on("close", (code, signal) => resolve({ code, signal, output }));
  });
  return { child, output: () => output, ended };
}

function pulumi(workDir: string, args: string[]): Promise<CliRun> {
  return startPulumi(workDir, args).ended;
}

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/** Pids of the processes whose working directory is `dir`: the language host, the program, the provider. */
function processesIn(dir: string): number[] {
  const pids: number[] = [];
  for (const entry of readdirSync("/proc")) {
    if (!/^\d+$/.test(entry)) continue;
    try {
      if (readlinkSync(`/proc/${entry}/cwd`) === dir) pids.push(Number(entry));
    } catch {
      // gone, or not ours to read
    }
  }
  return pids;
}

/** CPU time a process has used so far, in clock ticks (user + system); undefined once it is gone. */
function cpuTicks(pid: number): number | undefined {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, "utf8");
    const fields = stat.slice(stat.lastIndexOf(")") + 2).split(" ");
    // After the name: utime and stime are fields 14 and 15 of the line, indexes 11 and 12 here.
    return Number(fields[11]) + Number(fields[12]);
  } catch {
    return undefined;
  }
}

/** The orphans still running that used more than a fifth of a CPU over one second, as "pid: ticks command". */
async function busyProcesses(pids: number[]): Promise<string[]> {
  const before = new Map(pids.map((pid) => [pid, cpuTicks(pid)]));
  await sleep(1_000);
  return pids.flatMap((pid) => {
    const start = before.get(pid);
    const end = cpuTicks(pid);
    if (start === undefined || end === undefined || end - start <= 20) return [];
    return [`${pid}: ${end - start} ticks in 1 s: ${commandLine(pid) ?? "(gone)"}`];
  });
}

function commandLine(pid: number): string | undefined {
  try {
    return readFileSync(`/proc/${pid}/cmdline`, "utf8").split("\0").join(" ").trim();
  } catch {
    return undefined;
  }
}

describe("pulumi up killed with SIGKILL mid-prune", () => {
  test("the orphaned provider sends no further DELETE, every DELETE sent was reported first, and cancel, refresh, up finish the prune", async () => {
    const { emulator, orgId } = e2e;
    const state = emulator.state;
    state.addOrgUser(orgId, { username: BREAK_GLASS, roles: ["ORG_OWNER"] });
    const usernameOf = new Map<string, string>();
    for (let n = 1; n <= UNMANAGED; n++) {
      const user = state.addOrgUser(orgId, { username: `unmanaged.${String(n).padStart(2, "0")}@example.com`, roles: ["ORG_MEMBER"] });
      usernameOf.set(user.id, user.username);
    }

    const workDir = e2e.newWorkDir("killed-mid-prune");
    projectDirs.push(workDir);
    writeFileSync(join(workDir, "Pulumi.yaml"), "name: killed-mid-prune\nruntime: nodejs\nmain: index.js\n");
    writeFileSync(join(workDir, "index.js"), INDEX_JS);
    const stack = await e2e.localStack(workDir, { config: { orgId: { value: orgId } } });
    const onStack = (...args: string[]) => [...args, "--stack", stack.name];

    // Without prune: the roster records the 40 and removes nobody.
    const first = await pulumi(workDir, onStack("up", "--yes"));
    expect(first.code, first.output).toBe(0);
    expect(state.members(orgId)).toHaveLength(1 + UNMANAGED);

    const memberPath = new RegExp(`^${API_PREFIX}/orgs/${orgId}/users/([0-9a-f]{24})$`);
    const delay = state.addFault({ method: "DELETE", path: memberPath.source, fault: { type: "delay", ms: DELETE_DELAY_MS } });
    /** Member DELETEs the emulator has received (a fault applies on arrival, before authentication). */
    const received = () => state.faults().find((f) => f.id === delay.id)?.hits ?? 0;
    /** Member DELETEs the emulator has answered (logged once answered). */
    const answered = (): RequestLogEntry[] => state.requests().filter((r) => r.method === "DELETE" && memberPath.test(r.path));

    // ---- the pruning `up`, killed while a member DELETE is held ----
    const up = startPulumi(workDir, onStack("up", "--refresh", "--yes", "--config", "prune=true"));
    let atKill: { answered: number; received: number } | undefined;
    let held: { received: number; since: number } | undefined;
    const deadline = Date.now() + 180_000;
    while (atKill === undefined) {
      if (Date.now() > deadline || up.child.exitCode !== null) {
        up.child.kill("SIGKILL");
        throw new Error(`pulumi up never got to a held DELETE after ${ANSWERED_BEFORE_KILL} answered ones; it printed:\n${up.output()}`);
      }
      const nAnswered = answered().length;
      const nReceived = received();
      if (nAnswered >= ANSWERED_BEFORE_KILL && nReceived > nAnswered) {
        if (held?.received !== nReceived) held = { received: nReceived, since: Date.now() };
        else if (Date.now() - held.since >= HELD_FOR_MS) {
          // SIGKILL to the pulumi process only, not its process group: its children live on, orphaned.
          process.kill(up.child.pid as number, "SIGKILL");
          atKill = { answered: answered().length, received: received() };
        }
      }
      if (atKill === undefined) await sleep(10);
    }
    const killed = await up.ended;
    expect(killed.signal).toBe("SIGKILL");
    const orphans = new Map(processesIn(workDir).map((pid) => [pid, commandLine(pid) ?? "(gone)"]));

    // Until the emulator has heard nothing for 2 s (at most 30 s; no timing is asserted).
    let seen = state.requests().length;
    let quietSince = Date.now();
    const settleBy = Date.now() + 30_000;
    while (Date.now() - quietSince < 2_000 && Date.now() < settleBy) {
      await sleep(100);
      if (state.requests().length !== seen) {
        seen = state.requests().length;
        quietSince = Date.now();
      }
    }

    const deletes = answered();
    const removed = deletes.map((r) => usernameOf.get(memberPath.exec(r.path)?.[1] ?? "") ?? r.path);
    const pruned = killed.output.split("\n").filter((line) => line.includes("pruned: removing "));
    const inFlight = atKill.received - atKill.answered;
    const counts = {
      answeredBeforeKill: atKill.answered,
      onTheWireAtKill: inFlight,
      answeredAfterKill: deletes.length - atKill.answered,
      receivedInAll: received(),
      prunedLinesShown: pruned.length,
      orphansLeft: [...orphans].filter(([pid]) => commandLine(pid) !== undefined).map(([pid, cmd]) => `${pid} ${cmd}`),
    };
    console.log(`killed mid-prune: ${JSON.stringify(counts, null, 2)}`);

    // The orphan went no further than the DELETEs already on the wire.
    expect(inFlight).toBeGreaterThanOrEqual(1);
    expect(inFlight).toBeLessThanOrEqual(ORG_CONCURRENCY);
    expect(counts.answeredAfterKill, JSON.stringify(counts)).toBeLessThanOrEqual(inFlight);
    expect(counts.receivedInAll, JSON.stringify(counts)).toBe(deletes.length);
    expect(state.members(orgId)).toHaveLength(1 + UNMANAGED - deletes.length);
    // Every member the emulator was asked to remove was reported to the user before.
    const unreported = removed.filter((username) => !pruned.some((line) => line.includes(`pruned: removing ${username} (`)));
    expect(unreported, `pulumi up printed:\n${killed.output}`).toEqual([]);
    // What is left of it is idle: the emulator heard nothing from it for 2 s, and it uses no CPU (an
    // orphan that writes to its dead stderr twice can spin on EPIPE errors at 100 %, memory growing).
    expect(Date.now() - quietSince, "the emulator kept hearing from the orphans for 30 s").toBeGreaterThanOrEqual(2_000);
    expect(await busyProcesses([...orphans.keys()])).toEqual([]);

    // ---- the way back ----
    state.clearFaults();
    const locked = await pulumi(workDir, onStack("up", "--yes"));
    expect(locked.code).not.toBe(0);
    expect(locked.output).toContain("the stack is currently locked");
    const cancel = await pulumi(workDir, onStack("cancel", "--yes"));
    expect(cancel.code, cancel.output).toBe(0);
    const refresh = await pulumi(workDir, onStack("refresh", "--yes"));
    expect(refresh.code, refresh.output).toBe(0);
    const left = state.members(orgId).filter((m) => m.username !== BREAK_GLASS);
    const mark = e2e.view.mark();
    const finish = await pulumi(workDir, onStack("up", "--yes"));
    expect(finish.code, finish.output).toBe(0);
    expect(finish.output).not.toContain("pending operations");
    expect(
      e2e.view
        .writesSince(mark)
        .map((r) => r.path)
        .sort(),
    ).toEqual(left.map((m) => `${API_PREFIX}/orgs/${orgId}/users/${m.id}`).sort());
    for (const m of left) expect(finish.output).toContain(`pruned: removing ${m.username} (`);
    expect(state.members(orgId).map((m) => m.username)).toEqual([BREAK_GLASS]);
    expect((await stack.outputs())["unmanagedMembers"]).toBe("");

    const gate = await pulumi(workDir, onStack("preview", "--refresh", "--expect-no-changes"));
    expect(gate.code, gate.output).toBe(0);
  });
});
