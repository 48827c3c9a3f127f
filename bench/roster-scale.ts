// `npm run bench:roster`: the rosters over large organizations (issue 22, item 4), through the real
// engine (Automation API, as bench:e2e's "api" front). Per size: an in-process emulator seeded over
// its control plane with M members and I pending invitations; a stack with an OrgRoster managing 50
// people and those 50 as OrgMemberships (all already members: adopted, nothing sent). Printed per
// size: the requests per list at up and at refresh (pages of 500), the dynamic provider process's peak
// resident memory (the kernel's high-water mark, VmHWM, read from /proc while it runs), the state's
// size and the part the roster's two outputs take (JSON Lines strings; and what the same entries took
// as the maps, keyed by username, written before the lines),
// the median refresh time, then, after one newcomer joins by hand, the `preview --diff --refresh`
// output's size and the gate's warning (whom it names first). Then the same provider figures for a
// no-op that carries the roster's outputs: a stack of one dynamic resource whose provider returns the
// real roster's exported outputs at create and what the engine sent at read (no request, none of our
// code; the newcomer joins it too before its preview), beside 50 minimal no-ops for the memberships:
// what the dynamic-provider host costs for outputs of that size, whoever returns them. Last: the
// refresh ratio of the largest size to the smallest, and the targets. With --plugin, the same roster and
// memberships also run through the cloudmanager plugin (a Pulumi YAML program, its own stack), after a
// second newcomer joins: its provider process's peak by phase and its refresh times, beside the dynamic one's.
// A report, not a test: exit status 0 whatever the figures; 1 when a run ended wrong (the gate did not
// name the newcomer, a list read more than once); 2 on a bad flag. Linux only (/proc).
// ROSTER_BENCH_DUMP=<path prefix> also writes each size's preview output to <prefix>-<members>.txt.
// The report's text and verdicts are ./roster-report's. Each provider's peak is also broken down
// (./heap-probe, preloaded into the stacks' processes): V8's young and old generations, buffers, the
// rest; `--node-options` passes Node flags to those processes (e.g. a smaller young generation) to
// measure a setting against the default.

import { mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { dirname, join } from "node:path";
import * as pulumi from "@pulumi/pulumi";
import { LocalWorkspace, PulumiCommand, type ConfigMap, type PulumiFn, type Stack } from "@pulumi/pulumi/automation";
import { startEmulator, type RunningEmulator } from "../emulator";
import { findRepoRoot } from "../examples/demo/example-project";
import { ensurePulumiCli } from "../examples/demo/pulumi-cli";
import { OrgMembership, OrgRoster } from "../index";
import { ENV_VARS } from "../provider";
import { CarrierResource } from "./carrier-program";
import { NoopResource } from "./e2e-programs";
import { HEAP_DIR_VARIABLE, HEAP_PROBE_MODULE, PROVIDER_COMMAND, readHeapProbe } from "./heap-probe";
import {
  inviteeName,
  listReads,
  memberName,
  NEWCOMER,
  parseRosterArgs,
  problemsOf,
  rosterOutputsOf,
  sizeReport,
  stateFigures,
  summaryReport,
  USAGE,
  type FrontFigures,
  type Phase,
  type PhaseHeaps,
  type PhasePeaks,
  type SizeFigures,
} from "./roster-report";

async function main(): Promise<number> {
  const args = parseRosterArgs(process.argv.slice(2));
  if (args.kind === "help") {
    console.log(USAGE);
    return 0;
  }
  if (args.kind === "bad") {
    console.error(args.message);
    return 2;
  }
  const { sizes, managed, repeat, plugin, nodeOptions } = args;
  const repoRoot = findRepoRoot();
  const binDir = await ensurePulumiCli(repoRoot);
  const pulumiCommand = await PulumiCommand.get({ root: dirname(binDir) });
  if (nodeOptions !== "") console.log(`the stacks' processes run with the Node flags ${nodeOptions}`);
  const results: SizeFigures[] = [];
  const problems: string[] = [];
  for (const [members, invitations] of sizes) {
    process.stderr.write(`roster bench: ${members} members, ${invitations} invitations…\n`);
    const figures = await runSize({ repoRoot, binDir, pulumiCommand, nodeOptions, plugin }, members, invitations, managed, repeat);
    results.push(figures);
    for (const line of sizeReport(figures)) console.log(line);
    problems.push(...problemsOf(figures));
  }
  for (const line of summaryReport(results, managed, nodeOptions)) console.log(line);
  for (const p of problems) console.log(`PROBLEM: ${p}`);
  return problems.length > 0 ? 1 : 0;
}

interface Env {
  repoRoot: string;
  binDir: string;
  pulumiCommand: PulumiCommand;
  /** Node flags for the stacks' processes, from --node-options. */
  nodeOptions: string;
  /** --plugin: the same roster and memberships through the plugin too. */
  plugin: boolean;
}

async function runSize(env: Env, members: number, invitations: number, managed: number, repeat: number): Promise<SizeFigures> {
  const emulator = await startEmulator({ orgName: "RosterBench" });
  const temp = mkdtempSync(join(tmpdir(), "roster-bench-"));
  mkdirSync(join(env.repoRoot, ".e2e-work"), { recursive: true });
  // Inside the repository: the provider process resolves pulumi-cloudmanager/provider/runtime from it.
  const workDir = mkdtempSync(join(env.repoRoot, ".e2e-work", "roster-bench-"));
  const sampler = new PeakSampler(heapDirIn(temp), PROVIDER_COMMAND.dynamic);
  try {
    const org = emulator.org.id;
    seed(emulator, members, invitations);
    const usernames = Array.from({ length: managed }, (_, i) => memberName(i));
    const stack = await benchStack(env, `roster-${members}`, program(org, usernames), workDir, temp);
    await stack.setAllConfig(emulatorConfig(emulator));
    sampler.start();
    let mark = lastSeq(emulator);
    await stack.up();
    const upReads = listReads(emulator.state.requests(), mark, org);
    sampler.restart("up");

    const refreshSeconds: number[] = [];
    let refreshReads = upReads;
    for (let i = 0; i < repeat; i++) {
      mark = lastSeq(emulator);
      refreshSeconds.push(await timedRefresh(stack));
      refreshReads = listReads(emulator.state.requests(), mark, org);
    }
    sampler.restart("refresh");
    // Exported once: the preview below writes no state, so the carrier takes the same outputs.
    const exported = await stack.exportStack();
    const rosterOutputs = rosterOutputsOf(exported);
    const state = stateFigures(exported, rosterOutputs);

    // One person more, added by hand: what the gate and `preview --diff` show of it.
    emulator.state.addOrgUser(org, { username: NEWCOMER, roles: ["ORG_MEMBER"] });
    mark = lastSeq(emulator);
    const preview = await stack.preview({ diff: true, refresh: true });
    const previewReads = listReads(emulator.state.requests(), mark, org);
    sampler.restart("preview");
    sampler.stop();
    const carrier = await runCarrier(env, rosterOutputs, join(temp, "carrier"), managed, repeat);
    const plugin = env.plugin ? await runPlugin(env, emulator, usernames, join(temp, "plugin"), repeat) : undefined;
    const text = preview.stdout;
    const lines = text.split("\n");
    if (process.env["ROSTER_BENCH_DUMP"])
      writeFileSync(`${process.env["ROSTER_BENCH_DUMP"]}-${members}.txt`, `${text}\n--- stderr ---\n${preview.stderr}`);
    // Warnings go to stderr (Automation API); the display of the plan to stdout.
    const notice = `${preview.stderr}\n${text}`.split("\n").find((line) => line.includes("undeclared access in organization")) ?? "";
    return {
      members,
      invitations,
      reads: { up: upReads, refresh: refreshReads, preview: previewReads },
      refreshSeconds,
      providerPeakBytes: Math.max(...Object.values(sampler.peakByPhase)),
      peakByPhase: sampler.peakByPhase,
      heapByPhase: sampler.heapByPhase,
      carrier,
      plugin,
      ...state,
      diffBytes: Buffer.byteLength(text),
      diffLines: lines.length,
      // What the display marks as added, removed or changed; the rest is context it prints around a change.
      markedLines: lines.filter((line) => /^\s*[+~-] /.test(line)).length,
      newcomerLines: lines.filter((line) => line.includes(NEWCOMER)).length,
      gateNotice: notice.trim(),
    };
  } finally {
    sampler.stop();
    await emulator.close();
    rmSync(workDir, { recursive: true, force: true });
    rmSync(temp, { recursive: true, force: true });
  }
}

/** The stack config that points the provider at `emulator`. */
function emulatorConfig(emulator: RunningEmulator): ConfigMap {
  return {
    "cloudmanager:baseUrl": { value: emulator.baseUrl },
    "cloudmanager:publicKey": { value: emulator.credentials.publicKey },
    "cloudmanager:privateKey": { value: emulator.credentials.privateKey, secret: true },
  };
}

/** A stack of `program` in `workDir`, with its own file backend and PULUMI_HOME under `temp`. */
function benchStack(env: Env, stackName: string, program: PulumiFn, workDir: string, temp: string): Promise<Stack> {
  return LocalWorkspace.createOrSelectStack(
    { stackName, projectName: "cloudmanager-roster-bench", program },
    { workDir, pulumiCommand: env.pulumiCommand, envVars: stackEnv(env, temp) },
  );
}

/** The environment of a bench stack's `pulumi` runs: files under `temp`, the heap probe preloaded, no provider settings. */
function stackEnv(env: Env, temp: string): Record<string, string> {
  return {
    PATH: [env.binDir, join(env.repoRoot, "node_modules", ".bin"), process.env["PATH"] ?? ""].join(":"),
    PULUMI_HOME: join(temp, "home"),
    PULUMI_BACKEND_URL: `file://${mkdirAndReturn(join(temp, "backend"))}`,
    PULUMI_CONFIG_PASSPHRASE: "",
    PULUMI_SKIP_UPDATE_CHECK: "true",
    PULUMI_DISABLE_AUTOMATIC_PLUGIN_ACQUISITION: "true",
    // The heap probe in every process of the stack (it acts in the provider processes only), then --node-options.
    NODE_OPTIONS: [process.env["NODE_OPTIONS"], `--require ${JSON.stringify(HEAP_PROBE_MODULE)}`, env.nodeOptions]
      .filter(Boolean)
      .join(" "),
    [HEAP_DIR_VARIABLE]: heapDirIn(temp),
    ...Object.fromEntries(Object.values(ENV_VARS).map((name) => [name, ""])),
  };
}

/**
 * The no-op that carries the real roster's `outputs` (as exported from its stack), beside `managed` minimal
 * no-ops: up, `repeat` refreshes and a `preview --diff --refresh`; its provider's peak by phase and the
 * refresh times.
 */
async function runCarrier(
  env: Env,
  outputs: Record<string, unknown>,
  temp: string,
  managed: number,
  repeat: number,
): Promise<FrontFigures> {
  mkdirSync(temp, { recursive: true });
  const file = join(temp, "roster-outputs.json");
  writeFileSync(file, JSON.stringify(outputs));
  const workDir = mkdtempSync(join(env.repoRoot, ".e2e-work", "roster-carrier-"));
  const sampler = new PeakSampler(heapDirIn(temp), PROVIDER_COMMAND.dynamic);
  try {
    const stack = await benchStack(env, "carrier", carrierProgram(file, managed), workDir, temp);
    // The real preview's work: the newcomer joins, then a refresh of every resource and the diffs.
    // One line of `unmanagedMembers`, as the roster writes it.
    return await measuredPhases(stack, sampler, repeat, () => {
      const newcomer = {
        username: NEWCOMER,
        roles: ["ORG_MEMBER"],
        userId: "6b1663626a264fcde297ab00",
        firstSeen: new Date().toISOString(),
      };
      writeFileSync(`${file}.joined`, `${JSON.stringify(newcomer)}\n`);
    });
  } finally {
    sampler.stop();
    rmSync(workDir, { recursive: true, force: true });
  }
}

/**
 * The same OrgRoster and OrgMemberships as a Pulumi YAML program of the cloudmanager plugin (this
 * repository's plugin/ folder, its dist as built), a stack of its own on the same organization: up,
 * `repeat` refreshes, then a second newcomer joins and `preview --diff --refresh`; its provider's peak by phase.
 */
async function runPlugin(
  env: Env,
  emulator: RunningEmulator,
  usernames: readonly string[],
  temp: string,
  repeat: number,
): Promise<FrontFigures> {
  const workDir = mkdirAndReturn(join(temp, "project"));
  writeFileSync(join(workDir, "Pulumi.yaml"), pluginProgram(join(env.repoRoot, "plugin"), emulator.org.id, usernames));
  const sampler = new PeakSampler(heapDirIn(temp), PROVIDER_COMMAND.plugin);
  try {
    const stack = await LocalWorkspace.createOrSelectStack(
      { stackName: "plugin", workDir },
      { pulumiCommand: env.pulumiCommand, envVars: stackEnv(env, temp) },
    );
    await stack.setAllConfig(emulatorConfig(emulator));
    return await measuredPhases(stack, sampler, repeat, () =>
      emulator.state.addOrgUser(emulator.org.id, { username: `second-${NEWCOMER}`, roles: ["ORG_MEMBER"] }),
    );
  } finally {
    sampler.stop();
  }
}

/** The Pulumi.yaml of an OrgRoster managing `usernames`, each an OrgMembership (as `program`), through the plugin at `pluginDir`. */
function pluginProgram(pluginDir: string, orgId: string, usernames: readonly string[]): string {
  const memberships = usernames.map(
    (username, i) =>
      `  person-${i}:\n    type: cloudmanager:OrgMembership\n    properties:\n      orgId: "${orgId}"\n` +
      `      username: ${JSON.stringify(username)}\n      roles: [${i === 0 ? "ORG_OWNER" : "ORG_MEMBER"}]\n`,
  );
  const roster =
    `  roster:\n    type: cloudmanager:OrgRoster\n    properties:\n      orgId: "${orgId}"\n      managed:\n` +
    usernames.map((username) => `        - ${JSON.stringify(username)}\n`).join("");
  return `name: cloudmanager-roster-bench-plugin\nruntime: yaml\npackages:\n  cloudmanager: ${JSON.stringify(pluginDir)}\nresources:\n${memberships.join("")}${roster}`;
}

/**
 * `up`, `repeat` timed refreshes, then someone joins (`someoneJoins`) and `preview --diff --refresh`: the
 * provider's peak by phase (`sampler`), what each peak is made of, and the refresh times.
 */
async function measuredPhases(stack: Stack, sampler: PeakSampler, repeat: number, someoneJoins: () => void): Promise<FrontFigures> {
  sampler.start();
  await stack.up();
  sampler.restart("up");
  const refreshSeconds: number[] = [];
  for (let i = 0; i < repeat; i++) refreshSeconds.push(await timedRefresh(stack));
  sampler.restart("refresh");
  someoneJoins();
  await stack.preview({ diff: true, refresh: true });
  sampler.restart("preview");
  return { peakByPhase: sampler.peakByPhase, heapByPhase: sampler.heapByPhase, refreshSeconds };
}

/** One `pulumi refresh`, in seconds. */
async function timedRefresh(stack: Stack): Promise<number> {
  const started = performance.now();
  await stack.refresh();
  return (performance.now() - started) / 1000;
}

/** Where the heap probes of a stack whose files are under `temp` write (the stack's env and its sampler agree). */
function heapDirIn(temp: string): string {
  return join(temp, "heap");
}

function mkdirAndReturn(dir: string): string {
  mkdirSync(dir, { recursive: true });
  return dir;
}

/** Members (the first an Organization Owner) and pending invitations, over the in-process control plane. */
function seed(emulator: RunningEmulator, members: number, invitations: number): void {
  const org = emulator.org.id;
  for (let i = 0; i < members; i++) {
    emulator.state.addOrgUser(org, { username: memberName(i), roles: [i === 0 ? "ORG_OWNER" : "ORG_MEMBER"] });
  }
  for (let i = 0; i < invitations; i++) {
    emulator.state.inviteAs(org, { username: inviteeName(i), roles: ["ORG_MEMBER"] }, "admin@example.com");
  }
  emulator.state.clearRequests();
}

/** An OrgRoster managing `usernames`, and each of them as an OrgMembership (already members: adopted). */
function program(orgId: string, usernames: readonly string[]): PulumiFn {
  return async () => {
    const statuses: Record<string, pulumi.Output<string>> = {};
    usernames.forEach((username, i) => {
      statuses[username] = new OrgMembership(`person-${i}`, { orgId, username, roles: [i === 0 ? "ORG_OWNER" : "ORG_MEMBER"] }).status;
    });
    const roster = new OrgRoster("roster", { orgId, managed: [...usernames] });
    return { statuses, rosterId: roster.id };
  };
}

/** The carrier and `managed` minimal no-ops (standing for the memberships). */
function carrierProgram(file: string, managed: number): PulumiFn {
  return async () => {
    new CarrierResource("roster", file);
    for (let i = 0; i < managed; i++) new NoopResource(`person-${i}`);
    return {};
  };
}

function lastSeq(emulator: RunningEmulator): number {
  return emulator.state.requests().reduce((max, entry) => Math.max(max, entry.seq), 0);
}

/**
 * The provider processes of one front door this bench started (descendants of this process whose
 * command line names `command`: the dynamic-provider host, or the plugin's server): their high-water mark of resident memory (VmHWM), read every
 * 100 ms while they run, by phase. VmHWM is the kernel's own peak, so a sample misses nothing before it.
 * With each phase's peak, what it consists of: the heap probe's file (`heapDir`) of the process that peaked.
 */
class PeakSampler {
  readonly peakByPhase: PhasePeaks = {};
  readonly heapByPhase: PhaseHeaps = {};
  private peakBytes = 0;
  private peakPid: number | undefined;
  private timer: NodeJS.Timeout | undefined;
  /** Processes seen in this phase; at a restart they retire, so one ending late is not counted in the next. */
  private readonly seen = new Set<number>();
  private readonly retired = new Set<number>();

  /** `command`: the part of a provider process's command line that names it (./heap-probe's PROVIDER_COMMAND). */
  constructor(
    private readonly heapDir: string,
    private readonly command: string,
  ) {}

  start(): void {
    this.timer = setInterval(() => this.sample(), 100);
  }

  /** Records the peak since the start or the last restart as `phase`'s (one last sample first); then counts from zero. */
  restart(phase: Phase): void {
    this.sample();
    this.peakByPhase[phase] = this.peakBytes;
    const heap = this.peakPid === undefined ? undefined : readHeapProbe(this.heapDir, this.peakPid);
    if (heap !== undefined) this.heapByPhase[phase] = heap;
    this.peakBytes = 0;
    this.peakPid = undefined;
    for (const pid of this.seen) this.retired.add(pid);
    this.seen.clear();
  }

  stop(): void {
    if (this.timer !== undefined) clearInterval(this.timer);
    this.timer = undefined;
    this.sample();
  }

  private sample(): void {
    for (const name of readdirSync("/proc")) {
      if (!/^\d+$/.test(name)) continue;
      try {
        const cmdline = readFileSync(`/proc/${name}/cmdline`, "utf8");
        const pid = Number(name);
        if (this.retired.has(pid) || !cmdline.includes(this.command) || !descendsFrom(pid, process.pid)) continue;
        this.seen.add(pid);
        const hwm = /VmHWM:\s+(\d+) kB/.exec(readFileSync(`/proc/${name}/status`, "utf8"))?.[1];
        if (hwm !== undefined && Number(hwm) * 1024 > this.peakBytes) {
          this.peakBytes = Number(hwm) * 1024;
          this.peakPid = pid;
        }
      } catch {
        // The process ended between the listing and the read.
      }
    }
  }
}

function descendsFrom(pid: number, ancestor: number): boolean {
  let current = pid;
  for (let depth = 0; depth < 10 && current > 1; depth++) {
    const ppid = /PPid:\s+(\d+)/.exec(readFileSync(`/proc/${current}/status`, "utf8"))?.[1];
    if (ppid === undefined) return false;
    current = Number(ppid);
    if (current === ancestor) return true;
  }
  return false;
}

main().then(
  (code) => process.exit(code),
  (e: unknown) => {
    console.error(e);
    process.exit(1);
  },
);
