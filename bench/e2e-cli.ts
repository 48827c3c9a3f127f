// The CLI fronts of `npm run bench:e2e` (issue 22): the programs run as users run them. Once per bench
// run the repository is packed (`npm pack`, the tarball `npm publish` would upload) and installed with
// `npm install` into a folder outside the repository; each program is a project folder of its own
// with that install's node_modules linked in, and `pulumi` runs as a subprocess in it. Per repetition
// a fresh emulator, file backend and PULUMI_HOME; the programs interleaved phase by phase.
// test/e2e/harness/packed-package.ts does the same pack and install for the e2e tests, but inside
// vitest's hooks; bench/ is built to dist/ and cannot import test/, so the two npm commands are
// repeated here.

import { spawn } from "node:child_process";
import { mkdirSync, mkdtempSync, rmSync, symlinkSync, writeFileSync } from "node:fs";
import { loadavg, tmpdir } from "node:os";
import { dirname, join } from "node:path";
import { startEmulator, type RunningEmulator } from "../emulator";
import { sampleCpu, type CpuSampler } from "./cpu-by-process";
import type { RequestLogEntry } from "../emulator/types";
import { ENV_VARS } from "../provider";
import { type CliEngineSettings, type CliProgram, type CliSizeResult, CLI_PROGRAM_LABEL } from "./e2e-cli-report";
import { resourceNames, usernameOf } from "./e2e-programs";
import { apiRequests, countKinds, seconds, type Phase } from "./e2e-report";
import { checkOutcome, OutcomeError, type BenchEnvironment } from "./e2e-run";

/** One organization id for every emulator, so that each program's text is the same at every repetition. */
export const CLI_ORG_ID = "5f1b2c3d4e5f6a7b8c9d0e1f";

export interface CommandResult {
  code: number | null;
  output: string;
}

/** Runs `command` to its end, stdout and stderr together; `env` is its whole environment; `started` gets its pid. */
export function runCommand(
  command: string,
  args: readonly string[],
  cwd: string,
  env: NodeJS.ProcessEnv,
  started?: (pid: number) => void,
): Promise<CommandResult> {
  return new Promise((resolve, reject) => {
    const child = spawn(command, args, { cwd, env, stdio: ["ignore", "pipe", "pipe"] });
    if (child.pid !== undefined) started?.(child.pid);
    let output = "";
    child.stdout.setEncoding("utf8").on("data", (d: string) => (output += d));
    child.stderr.setEncoding("utf8").on("data", (d: string) => (output += d));
    child.on("error", reject);
    child.on("close", (code) => resolve({ code, output }));
  });
}

async function mustRun(command: string, args: readonly string[], cwd: string, env: NodeJS.ProcessEnv, what: string): Promise<string> {
  const run = await runCommand(command, args, cwd, env);
  if (run.code !== 0) throw new Error(`${what}: \`${command} ${args.join(" ")}\` exited with ${run.code}:\n${tail(run.output)}`);
  return run.output;
}

function tail(text: string): string {
  const lines = text.split("\n").filter((l) => l.trim() !== "");
  return lines.length <= 30 ? lines.join("\n") : ["…", ...lines.slice(-30)].join("\n");
}

/** This process's environment without npm's lifecycle variables (they describe this repository's run). */
function cleanEnv(extra: Record<string, string>): Record<string, string> {
  const keep = new Set(["npm_config_registry", "npm_config_cache", "npm_config_userconfig"]);
  const inherited = Object.entries(process.env).filter(
    (e): e is [string, string] => e[1] !== undefined && (!/^npm_/i.test(e[0]) || keep.has(e[0])),
  );
  return { ...Object.fromEntries(inherited), ...extra };
}

export interface PackedInstall {
  /** Holds the tarball and `install/node_modules`; removed by `remove`. */
  temp: string;
  nodeModules: string;
  remove: () => void;
}

/** `npm pack` of the repository (dist/ as built) and `npm install` of the tarball outside the repository. */
export async function packAndInstall(env: BenchEnvironment): Promise<PackedInstall> {
  const temp = mkdtempSync(join(tmpdir(), "cloudmanager-bench-cli-"));
  const npmEnv = cleanEnv({ PATH: cliPath(env) });
  try {
    const packed = await mustRun("npm", ["pack", "--silent", "--pack-destination", temp], env.repoRoot, npmEnv, "npm pack");
    const tarball = join(temp, packed.trim().split("\n").pop()?.trim() ?? "");
    const install = join(temp, "install");
    mkdirSync(install);
    writeFileSync(join(install, "package.json"), JSON.stringify({ name: "cloudmanager-bench-install", private: true }));
    await mustRun(
      "npm",
      ["install", "--no-audit", "--no-fund", "--prefer-offline", tarball],
      install,
      npmEnv,
      "npm install of the packed tarball (it needs the npm registry or npm's cache)",
    );
    const nodeModules = join(install, "node_modules");
    for (const [pkg, files] of [
      [NOOP_PROVIDER, NOOP_PROVIDER_PACKAGE],
      [SHAPED_PROVIDER, SHAPED_PROVIDER_PACKAGE],
    ] as const) {
      for (const [name, text] of Object.entries(files)) {
        mkdirSync(join(nodeModules, pkg, dirname(name)), { recursive: true });
        writeFileSync(join(nodeModules, pkg, name), text);
      }
    }
    return { temp, nodeModules, remove: () => rmSync(temp, { recursive: true, force: true }) };
  } catch (e) {
    rmSync(temp, { recursive: true, force: true });
    throw e;
  }
}

function cliPath(env: BenchEnvironment): string {
  // The repository's Node 24 (the npm package `node`) first: the language hosts and the providers start `node`.
  return [env.binDir, join(env.repoRoot, "node_modules", ".bin"), process.env["PATH"] ?? ""].join(":");
}

// ---------------------------------------------------------------------------------------------
// The programs, as project files

/** A JavaScript Pulumi project named `name` whose program is `index`. */
function nodeProject(name: string, index: string): Record<string, string> {
  return {
    "Pulumi.yaml": `name: ${name}\nruntime: nodejs\n`,
    "package.json": JSON.stringify({ name, private: true, main: "index.js" }),
    "index.js": index,
  };
}

/** The real program: N OrgInvitation, each exporting its status. JavaScript, so no program pays a TypeScript compile. */
export function realProgramFiles(count: number, orgId: string): Record<string, string> {
  const names = JSON.stringify(resourceNames(count));
  return nodeProject(
    "bench-real",
    `"use strict";
const { OrgInvitation } = require("pulumi-cloudmanager");
const statuses = {};
for (const name of ${names}) {
  statuses[name] = new OrgInvitation(name, { orgId: ${JSON.stringify(orgId)}, username: name + "@example.com", roles: ["ORG_MEMBER"] }).status;
}
exports.statuses = statuses;
`,
  );
}

/** The floor's provider: a package installed beside pulumi-cloudmanager whose module is the provider. */
export const NOOP_PROVIDER = "cloudmanager-bench-noop";
export const NOOP_PROVIDER_PACKAGE: Record<string, string> = {
  "package.json": JSON.stringify({ name: NOOP_PROVIDER, version: "1.0.0", main: "index.js" }),
  "index.js": `"use strict";\nexports.create = async (inputs) => ({ id: inputs.name });\n`,
};

/**
 * The floor: N dynamic resources whose provider has `create` only (the engine's defaults stand in
 * for the rest) and is a module under node_modules, so Pulumi stores it as one `require` line, as it
 * stores pulumi-cloudmanager's installed providers: as small as JavaScript allows. Each exports its id.
 */
export function noopProgramFiles(count: number): Record<string, string> {
  const names = JSON.stringify(resourceNames(count));
  return nodeProject(
    "bench-noop",
    `"use strict";
const pulumi = require("@pulumi/pulumi");
const provider = require("${NOOP_PROVIDER}");
class Noop extends pulumi.dynamic.Resource {
  constructor(name) { super(provider, name, { name }, undefined, "bench", "Noop"); }
}
const ids = {};
for (const name of ${names}) ids[name] = new Noop(name).id;
exports.ids = ids;
`,
  );
}

/** The shaped no-op's provider: OrgInvitation's keys and value sizes, none of its logic (no request). */
export const SHAPED_PROVIDER = "cloudmanager-bench-shaped";
export const SHAPED_PROVIDER_PACKAGE: Record<string, string> = {
  "package.json": JSON.stringify({ name: SHAPED_PROVIDER, version: "1.0.0", main: "index.js" }),
  "index.js": `"use strict";
const { createHash } = require("node:crypto");
const hex = (text) => createHash("sha1").update(text).digest("hex").slice(0, 24);
exports.check = async (olds, news) => ({ inputs: news });
exports.diff = async (id, olds, news) => ({ changes: JSON.stringify(olds.roles) !== JSON.stringify(news.roles) });
exports.create = async (inputs) => {
  const now = new Date();
  const outs = {
    ...inputs,
    teamIds: [],
    invitationId: hex(inputs.username),
    status: "PENDING",
    createdAt: now.toISOString(),
    expiresAt: new Date(now.getTime() + 30 * 86400000).toISOString(),
    inviterUsername: "bench-admin@example.com",
    orgName: "Bench Organization",
  };
  return { id: inputs.orgId + "/" + outs.invitationId, outs };
};
exports.read = async (id, props) => ({ id, props });
exports.update = async (id, olds, news) => ({ outs: { ...olds, ...news } });
exports.delete = async () => {};
`,
};

/**
 * The shaped no-op: N dynamic resources declared exactly as OrgInvitation declares itself (the same
 * 12 keys, `__urn` included, each exporting its status) on a provider of the same methods that sends
 * nothing: against the real program it isolates our code; against the minimal no-op, the cost of the
 * resource's shape in the engine and @pulumi/pulumi.
 */
export function shapedProgramFiles(count: number, orgId: string): Record<string, string> {
  const names = JSON.stringify(resourceNames(count));
  return nodeProject(
    "bench-shaped",
    `"use strict";
const pulumi = require("@pulumi/pulumi");
const provider = require("${SHAPED_PROVIDER}");
const TYPE = "pulumi-nodejs:dynamic/bench:Shaped";
class Shaped extends pulumi.dynamic.Resource {
  constructor(name, args) {
    super(provider, name, {
      __urn: pulumi.createUrn(name, TYPE),
      orgId: args.orgId, username: args.username, roles: args.roles, teamIds: undefined,
      invitationId: undefined, status: undefined, createdAt: undefined, expiresAt: undefined,
      inviterUsername: undefined, orgName: undefined,
    }, undefined, "bench", "Shaped");
  }
}
const statuses = {};
for (const name of ${names}) {
  statuses[name] = new Shaped(name, { orgId: ${JSON.stringify(orgId)}, username: name + "@example.com", roles: ["ORG_MEMBER"] }).status;
}
exports.statuses = statuses;
`,
  );
}

/** The plugin's front door: a Pulumi YAML program of N cloudmanager:OrgInvitation, each exporting its status. */
export function pluginProgramFiles(count: number, orgId: string): Record<string, string> {
  const names = resourceNames(count);
  const resources = names
    .map(
      (name) =>
        `  ${name}:\n    type: cloudmanager:OrgInvitation\n    properties:\n      orgId: "${orgId}"\n` +
        `      username: ${usernameOf(name)}\n      roles: [ORG_MEMBER]\n`,
    )
    .join("");
  const outputs = names.map((name) => `  ${name}: \${${name}.status}\n`).join("");
  return {
    "Pulumi.yaml":
      "name: bench-plugin\nruntime: yaml\npackages:\n  cloudmanager: ./node_modules/pulumi-cloudmanager/plugin\n" +
      `resources:\n${resources}outputs:\n${outputs}`,
  };
}

/** The type token each program's resources have in the state. */
export const CLI_RESOURCE_TYPE: Record<CliProgram, string> = {
  real: "pulumi-nodejs:dynamic/cloudmanager:OrgInvitation",
  plugin: "cloudmanager:index:OrgInvitation",
  noop: "pulumi-nodejs:dynamic/bench:Noop",
  shaped: "pulumi-nodejs:dynamic/bench:Shaped",
};

/** The arguments of each phase (the stack and output flags are added by the runner). */
export function phaseArgs(phase: Phase, parallel: number | undefined): string[] {
  const p = parallel === undefined ? [] : ["--parallel", String(parallel)];
  switch (phase) {
    case "up":
      return ["up", "--yes", "--skip-preview", ...p];
    case "preview":
      return ["preview", "--expect-no-changes", ...p];
    case "refresh":
      return ["refresh", "--yes", "--skip-preview", "--expect-no-changes", ...p];
    case "destroy":
      return ["destroy", "--yes", "--skip-preview", ...p];
  }
}

/** Which program goes first rotates with the repetition, so no program always runs on a warm (or cold) machine. */
export function rotation<T>(items: readonly T[], repetition: number): T[] {
  if (items.length === 0) return [];
  const k = (repetition - 1) % items.length;
  return [...items.slice(k), ...items.slice(0, k)];
}

// ---------------------------------------------------------------------------------------------
// Runs

/** A program's project: its folder, its own emulator (two programs of the same people must not meet) and the CLI's environment. */
interface CliProject {
  dir: string;
  emulator: RunningEmulator;
  env: Record<string, string>;
}

async function withCliProjects<T>(
  env: BenchEnvironment,
  install: PackedInstall,
  invitations: number,
  programs: readonly CliProgram[],
  settings: CliEngineSettings,
  use: (projects: Map<CliProgram, CliProject>) => Promise<T>,
): Promise<T> {
  const temp = mkdtempSync(join(tmpdir(), "cloudmanager-bench-cli-run-"));
  const projects = new Map<CliProgram, CliProject>();
  try {
    mkdirSync(join(temp, "backend"));
    for (const program of programs) {
      const emulator = await startEmulator({ orgId: CLI_ORG_ID });
      const dir = join(temp, program);
      const runEnv = cleanEnv({
        PATH: cliPath(env),
        PULUMI_HOME: join(temp, "home"),
        PULUMI_BACKEND_URL: `file://${join(temp, "backend")}`,
        PULUMI_CONFIG_PASSPHRASE: "",
        PULUMI_SKIP_UPDATE_CHECK: "true",
        PULUMI_DISABLE_AUTOMATIC_PLUGIN_ACQUISITION: "true",
        // The provider's settings from the environment, as a CI job gives them (never in a program's state).
        [ENV_VARS.baseUrl]: emulator.baseUrl,
        [ENV_VARS.publicKey]: emulator.credentials.publicKey,
        [ENV_VARS.privateKey]: emulator.credentials.privateKey,
        [ENV_VARS.clientId]: "",
        [ENV_VARS.clientSecret]: "",
        [ENV_VARS.caCertificate]: "",
      });
      // Only this bench's flag decides: an inherited value would make every figure mean something else.
      if (settings.skipCheckpoints) runEnv["PULUMI_SKIP_CHECKPOINTS"] = "true";
      else delete runEnv["PULUMI_SKIP_CHECKPOINTS"];
      projects.set(program, { dir, emulator, env: runEnv });
      mkdirSync(dir);
      const files =
        program === "real"
          ? realProgramFiles(invitations, CLI_ORG_ID)
          : program === "plugin"
            ? pluginProgramFiles(invitations, CLI_ORG_ID)
            : program === "shaped"
              ? shapedProgramFiles(invitations, CLI_ORG_ID)
              : noopProgramFiles(invitations);
      for (const [name, text] of Object.entries(files)) writeFileSync(join(dir, name), text);
      symlinkSync(install.nodeModules, join(dir, "node_modules"));
      await mustRun(join(env.binDir, "pulumi"), ["stack", "init", "bench", "--non-interactive"], dir, runEnv, `stack init of ${program}`);
    }
    return await use(projects);
  } finally {
    for (const project of projects.values()) await project.emulator.close();
    rmSync(temp, { recursive: true, force: true });
  }
}

function lastSeq(emulator: RunningEmulator): number {
  return emulator.state.requests().reduce((max, entry) => Math.max(max, entry.seq), 0);
}

function apiLogSince(emulator: RunningEmulator, seq: number): RequestLogEntry[] {
  return apiRequests(emulator.state.requests().filter((entry) => entry.seq > seq));
}

async function runCliRepetition(
  env: BenchEnvironment,
  install: PackedInstall,
  size: CliSizeResult,
  repetition: number,
  settings: CliEngineSettings,
): Promise<void> {
  const n = size.invitations;
  await withCliProjects(env, install, n, size.programs, settings, async (projects) => {
    for (const phase of size.phases) {
      const line: string[] = [];
      for (const program of rotation(size.programs, repetition)) {
        const where = `CLI N=${n} repetition ${repetition}, ${CLI_PROGRAM_LABEL[program]} ${phase}`;
        const { dir, emulator, env: runEnv } = projects.get(program) as CliProject;
        const mark = lastSeq(emulator);
        const load1 = loadavg()[0] ?? Number.NaN;
        const args = [...phaseArgs(phase, settings.parallel), "--stack", "bench", "--non-interactive", "--color", "never"];
        let sampler: CpuSampler | undefined;
        const started = performance.now();
        const run = await runCommand(join(env.binDir, "pulumi"), args, dir, runEnv, (pid) => {
          if (settings.cpu) sampler = sampleCpu(pid);
        });
        const ms = performance.now() - started;
        const cpuMs = sampler?.stop();
        if (run.code !== 0) throw new OutcomeError(`${where}: pulumi ${args.join(" ")} exited with ${run.code}:\n    ${tail(run.output)}`);
        if (run.output.includes(emulator.credentials.privateKey)) throw new OutcomeError(`${where}: the output shows the private key`);
        const log = apiLogSince(emulator, mark);
        if (program === "real" || program === "plugin") checkOutcome(emulator, n, phase, log, where);
        else if (log.length > 0) throw new OutcomeError(`${where}: the no-op sent ${log.length} API request(s)`);
        size.samples.push({
          invitations: n,
          repetition,
          program,
          phase,
          ms,
          apiRequests: log.length,
          byKind: countKinds(log),
          load1,
          ...(cpuMs === undefined ? {} : { cpuMs }),
        });
        line.push(`${CLI_PROGRAM_LABEL[program]} ${seconds(ms)} (${log.length} API requests)`);
      }
      env.progress(`CLI N=${n} repetition ${repetition}/${size.repetitions} ${phase}: ${line.join(", ")}`);
    }
  });
}

export async function runCliSize(
  env: BenchEnvironment,
  install: PackedInstall,
  invitations: number,
  repeat: number,
  programs: readonly CliProgram[],
  phases: readonly Phase[],
  settings: CliEngineSettings,
  problems: string[],
): Promise<CliSizeResult> {
  const size: CliSizeResult = { invitations, repetitions: repeat, programs: [...programs], phases: [...phases], samples: [] };
  for (let repetition = 1; repetition <= repeat; repetition++) {
    try {
      await runCliRepetition(env, install, size, repetition, settings);
    } catch (e) {
      const problem = e instanceof OutcomeError ? e.message : `CLI N=${invitations} repetition ${repetition}: ${String(e)}`;
      problems.push(problem);
      env.progress(`WRONG: ${problem}`);
    }
  }
  return size;
}
