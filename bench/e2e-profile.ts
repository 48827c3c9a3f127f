// `node dist/bench/e2e-profile.js` (after `npm run build`): where the e2e bench's time goes (issue 9).
// One fixture (bench/e2e-run.ts) with three stacks of N resources: the real program, the no-op one,
// and a no-op with OrgInvitation's shape (bench/e2e-programs.ts: same keys, same answers, same state,
// none of our code). Each measured phase runs for the three, in an order that turns per repetition;
// for each run it takes the wall time and the CPU time of each side:
//   program   this process: the inline program (resource constructors, serialization, registration),
//             with the Automation API's event handling and the in-process emulator;
//   provider  the dynamic-provider host (a preload reports its CPU time when it exits);
//   engine    every other process the CLI ran (pulumi, the language host, the launcher's `node -e`):
//             the CPU of the waited-for children (Linux /proc) less the provider's.
// It prints the medians, real against shaped (our code) and shaped against no-op (the shape).
// With --cpu-prof it also writes V8 CPU profiles of the first repetition under --out
// (<program>-<phase>/program.cpuprofile for this process, CPU.*.cpuprofile for the CLI's Node
// processes) and prints a summary of each (bench/cpuprofile-summary.ts). Profiling slows every
// process; compare the CPU split without it.
// Phases other than up expect an up first: without up among --phases, one up per stack is run first,
// unmeasured. preview and refresh expect no changes, so they can repeat in the same fixture.

import { mkdirSync, readdirSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { Session } from "node:inspector/promises";
import { dirname, join, resolve } from "node:path";
import { parseArgs } from "node:util";
import { LocalWorkspace, PulumiCommand, type Stack } from "@pulumi/pulumi/automation";
import { findRepoRoot } from "../examples/demo/example-project";
import { ensurePulumiCli } from "../examples/demo/pulumi-cli";
import { formatSummary, readProfile, summarizeProfile } from "./cpuprofile-summary";
import { shapedNoopProgram } from "./e2e-programs";
import { PHASES, type Phase } from "./e2e-report";
import { median } from "./median";
import { runPhase, timed, withFixture, type BenchEnvironment } from "./e2e-run";

const USAGE = `Usage: node dist/bench/e2e-profile.js [options]   (npm run build first)
  --invitations N   resources per stack (default 500)
  --phases LIST     measured phases, in order, comma-separated (default preview,refresh)
  --repeat R        repetitions, medians reported (default 3)
  --cpu-prof        also write and summarize V8 CPU profiles of the first repetition
  --out DIR         where profiles go (default .e2e-work/profile)
  --top N           rows per table of a profile summary (default 15)`;

const PROGRAMS = ["real", "shaped", "noop"] as const;
type Program = (typeof PROGRAMS)[number];

interface Run {
  program: Program;
  phase: Phase;
  wallMs: number;
  programMs: number;
  providerMs: number;
  engineMs: number;
}

// Preloaded into every Node process the CLI starts. The engine ends the provider process with a
// signal, and neither --cpu-prof nor an exit handler runs then: a signal becomes a normal exit.
const PRELOAD = `"use strict";
for (const s of ["SIGINT", "SIGTERM"]) process.on(s, () => process.exit(0));
if ((process.argv[1] ?? "").includes("dynamic-provider") && process.env.CLOUDMANAGER_PROFILE_CPU_FILE) {
  process.on("exit", () => {
    const u = process.cpuUsage();
    require("node:fs").appendFileSync(process.env.CLOUDMANAGER_PROFILE_CPU_FILE, (u.user + u.system) / 1000 + "\\n");
  });
}
`;

/** CPU time (ms) of this process's waited-for children and theirs (Linux; NaN elsewhere). */
function childrenCpuMs(): number {
  try {
    const fields = readFileSync("/proc/self/stat", "utf8").split(") ")[1]?.split(" ") ?? [];
    // Fields 16 and 17 of stat (cutime, cstime), in clock ticks of 10 ms; index 0 here is field 3.
    return (Number(fields[13]) + Number(fields[14])) * 10;
  } catch {
    return Number.NaN;
  }
}

function sumOfLines(file: string): number {
  try {
    return readFileSync(file, "utf8")
      .split("\n")
      .filter((l) => l.trim() !== "")
      .reduce((sum, l) => sum + Number(l), 0);
  } catch {
    return Number.NaN;
  }
}

const s = (ms: number) => (Number.isFinite(ms) ? (ms / 1000).toFixed(2) : "n/a");
const ratio = (a: number, b: number) => (Number.isFinite(a / b) ? (a / b).toFixed(2) : "n/a");

function formatTable(runs: Run[], phases: readonly Phase[], invitations: number, repeat: number): string {
  const lines = [
    `N=${invitations}, medians of ${repeat}: wall time, then CPU time by side (s)`,
    `  phase    program  wall    program  provider  engine   | wall vs shaped  vs no-op`,
  ];
  for (const phase of phases) {
    const med = (program: Program, key: keyof Omit<Run, "program" | "phase">) =>
      median(runs.filter((r) => r.phase === phase && r.program === program).map((r) => r[key]));
    for (const program of PROGRAMS) {
      const wall = med(program, "wallMs");
      lines.push(
        `  ${phase.padEnd(8)} ${program.padEnd(7)}  ${s(wall).padStart(6)}  ${s(med(program, "programMs")).padStart(7)}  ${s(
          med(program, "providerMs"),
        ).padStart(8)}  ${s(med(program, "engineMs")).padStart(6)}   | ${ratio(wall, med("shaped", "wallMs")).padStart(14)}  ${ratio(
          wall,
          med("noop", "wallMs"),
        ).padStart(8)}`,
      );
    }
  }
  return lines.join("\n");
}

async function main(argv: readonly string[]): Promise<number> {
  const { values } = parseArgs({
    args: [...argv],
    strict: true,
    options: {
      invitations: { type: "string", default: "500" },
      phases: { type: "string", default: "preview,refresh" },
      repeat: { type: "string", default: "3" },
      "cpu-prof": { type: "boolean", default: false },
      out: { type: "string" },
      top: { type: "string", default: "15" },
      help: { type: "boolean", default: false },
    },
  });
  if (values.help) {
    process.stdout.write(`${USAGE}\n`);
    return 0;
  }
  const invitations = Number(values.invitations);
  const repeat = Number(values.repeat);
  const top = Number(values.top);
  const phases = values.phases.split(",") as Phase[];
  if (![invitations, repeat, top].every((n) => Number.isInteger(n) && n >= 1) || phases.some((p) => !PHASES.includes(p))) {
    process.stderr.write(`${USAGE}\n`);
    return 2;
  }
  const cpuProf = values["cpu-prof"];
  const repoRoot = findRepoRoot();
  const out = resolve(values.out ?? join(repoRoot, ".e2e-work", "profile"));
  mkdirSync(out, { recursive: true });
  const preload = join(out, "preload.cjs");
  writeFileSync(preload, PRELOAD);
  const binDir = await ensurePulumiCli(repoRoot);
  const pulumiCommand = await PulumiCommand.get({ root: dirname(binDir) });
  const env: BenchEnvironment = { repoRoot, binDir, pulumiCommand, progress: (line) => process.stderr.write(`${line}\n`) };

  const session = new Session();
  session.connect();
  await session.post("Profiler.enable");
  const runs: Run[] = [];
  const summaries: string[] = [];
  await withFixture(env, invitations, async (fixture) => {
    const workspace = fixture.stacks.real.workspace as LocalWorkspace;
    const shaped = await LocalWorkspace.createOrSelectStack(
      {
        stackName: `shaped-${invitations}`,
        projectName: "cloudmanager-bench",
        program: shapedNoopProgram(fixture.emulator.org.id, invitations),
      },
      { workDir: workspace.workDir, pulumiCommand, envVars: { ...workspace.envVars } },
    );
    const stacks: Record<Program, Stack> = { real: fixture.stacks.real, shaped, noop: fixture.stacks.noop };
    if (phases[0] !== "up") {
      for (const program of PROGRAMS) await runPhase(stacks[program], "up");
    }
    for (let repetition = 1; repetition <= repeat; repetition++) {
      const order = PROGRAMS.map((_, i) => PROGRAMS[(i + repetition - 1) % PROGRAMS.length] as Program);
      for (const phase of phases) {
        for (const program of order) {
          const profiled = cpuProf && repetition === 1;
          const dir = join(out, `${program}-${phase}`);
          rmSync(dir, { recursive: true, force: true });
          mkdirSync(dir, { recursive: true });
          const cpuFile = join(dir, "provider-cpu.txt");
          const envVars = (stacks[program].workspace as LocalWorkspace).envVars;
          envVars["NODE_OPTIONS"] = `--require=${preload}${profiled ? ` --cpu-prof --cpu-prof-dir=${dir}` : ""}`;
          envVars["CLOUDMANAGER_PROFILE_CPU_FILE"] = cpuFile;
          if (profiled) await session.post("Profiler.start");
          const self = process.cpuUsage();
          const children = childrenCpuMs();
          let wallMs: number;
          try {
            wallMs = await timed(() => runPhase(stacks[program], phase));
          } finally {
            delete envVars["NODE_OPTIONS"];
            delete envVars["CLOUDMANAGER_PROFILE_CPU_FILE"];
          }
          const selfUsage = process.cpuUsage(self);
          const childrenMs = childrenCpuMs() - children;
          const providerMs = sumOfLines(cpuFile);
          const run: Run = {
            program,
            phase,
            wallMs,
            programMs: (selfUsage.user + selfUsage.system) / 1000,
            providerMs,
            engineMs: childrenMs - providerMs,
          };
          runs.push(run);
          env.progress(
            `${repetition}/${repeat} ${phase} ${program}: wall ${s(wallMs)} s; CPU program ${s(run.programMs)}, provider ${s(providerMs)}, engine ${s(run.engineMs)} s`,
          );
          if (profiled) {
            const { profile } = await session.post("Profiler.stop");
            writeFileSync(join(dir, "program.cpuprofile"), JSON.stringify(profile));
            summaries.push(`=== ${program} ${phase}, N=${invitations}: ${s(wallMs)} s wall ===`);
            for (const file of readdirSync(dir).sort()) {
              if (!file.endsWith(".cpuprofile")) continue;
              const label = file === "program.cpuprofile" ? "program (this process)" : `${file} (a Node process the CLI ran)`;
              summaries.push(formatSummary(label, summarizeProfile(readProfile(join(dir, file)), top)));
            }
          }
        }
      }
    }
  });
  session.disconnect();
  process.stdout.write(`${[formatTable(runs, phases, invitations, repeat), ...summaries].join("\n\n")}\n`);
  return 0;
}

main(process.argv.slice(2)).then(
  (code) => {
    process.exitCode = code;
  },
  (error: unknown) => {
    process.stderr.write(`e2e-profile failed: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}\n`);
    process.exitCode = 1;
  },
);
