// Wall-clock figures for the real engine against the emulator: `pulumi up` creating N invitations,
// a no-change `preview`, `refresh`, and `destroy` deleting them (N = 50 by default). Figures, not
// assertions; each run also checks the outcome (N pending after up, none after destroy).
//
//   npm run build && node dist/bench/e2e-timing.js [invitations=50] [runs=3]

import { mkdirSync, mkdtempSync, rmSync } from "node:fs";
import { cpus, tmpdir } from "node:os";
import { dirname, join } from "node:path";
import * as pulumi from "@pulumi/pulumi";
import { LocalWorkspace, PulumiCommand, type Stack } from "@pulumi/pulumi/automation";
import { startEmulator } from "../emulator";
import { findRepoRoot } from "../examples/demo/example-project";
import { ensurePulumiCli } from "../examples/demo/pulumi-cli";
import { OrgInvitation } from "../index";
import { ENV_VARS } from "../provider";

interface Figures {
  up: number;
  preview: number;
  refresh: number;
  destroy: number;
  requests: { up: number; destroy: number };
}

async function timed<T>(fn: () => Promise<T>): Promise<[T, number]> {
  const started = process.hrtime.bigint();
  const value = await fn();
  return [value, Number(process.hrtime.bigint() - started) / 1e6];
}

async function main(): Promise<void> {
  const count = Number(process.argv[2] ?? 50);
  const runs = Number(process.argv[3] ?? 3);
  const repoRoot = findRepoRoot();
  const binDir = await ensurePulumiCli(repoRoot);
  const pulumiCommand = await PulumiCommand.get({ root: dirname(binDir) });
  console.log(
    `e2e timing: ${count} invitations, ${runs} run(s); Pulumi ${pulumiCommand.version?.format() ?? "?"}, Node ${process.version}, ${cpus().length} CPUs`,
  );

  const results: Figures[] = [];
  for (let run = 1; run <= runs; run++) {
    const emulator = await startEmulator();
    const temp = mkdtempSync(join(tmpdir(), "cloudmanager-bench-"));
    mkdirSync(join(repoRoot, ".e2e-work"), { recursive: true });
    const workDir = mkdtempSync(join(repoRoot, ".e2e-work", "bench-"));
    mkdirSync(join(temp, "backend"));
    try {
      const org = emulator.org.id;
      const program = async () => {
        const statuses: Record<string, pulumi.Output<string>> = {};
        for (let i = 1; i <= count; i++) {
          const name = `person${String(i).padStart(3, "0")}`;
          statuses[name] = new OrgInvitation(name, { orgId: org, username: `${name}@example.com`, roles: ["ORG_MEMBER"] }).status;
        }
        return { statuses };
      };
      const stack: Stack = await LocalWorkspace.createOrSelectStack(
        { stackName: "bench", projectName: "cloudmanager-bench", program },
        {
          workDir,
          pulumiCommand,
          envVars: {
            PATH: [binDir, join(repoRoot, "node_modules", ".bin"), process.env["PATH"] ?? ""].join(":"),
            PULUMI_HOME: join(temp, "home"),
            PULUMI_BACKEND_URL: `file://${join(temp, "backend")}`,
            PULUMI_CONFIG_PASSPHRASE: "",
            PULUMI_SKIP_UPDATE_CHECK: "true",
            PULUMI_DISABLE_AUTOMATIC_PLUGIN_ACQUISITION: "true",
            ...Object.fromEntries(Object.values(ENV_VARS).map((name) => [name, ""])),
          },
        },
      );
      await stack.setAllConfig({
        "cloudmanager:baseUrl": { value: emulator.baseUrl },
        "cloudmanager:publicKey": { value: emulator.credentials.publicKey },
        "cloudmanager:privateKey": { value: emulator.credentials.privateKey, secret: true },
      });

      const [, up] = await timed(() => stack.up());
      const afterUp = emulator.state.requests().length;
      const pending = emulator.state.pendingInvitations(org).length;
      if (pending !== count) throw new Error(`after up: ${pending} pending invitations, expected ${count}`);
      const [, preview] = await timed(() => stack.preview({ expectNoChanges: true }));
      const [, refresh] = await timed(() => stack.refresh({ expectNoChanges: true }));
      const beforeDestroy = emulator.state.requests().length;
      const [, destroy] = await timed(() => stack.destroy());
      const left = emulator.state.pendingInvitations(org).length;
      if (left !== 0) throw new Error(`after destroy: ${left} pending invitations left`);
      const figures: Figures = {
        up,
        preview,
        refresh,
        destroy,
        requests: { up: afterUp, destroy: emulator.state.requests().length - beforeDestroy },
      };
      results.push(figures);
      console.log(
        `run ${run}: up ${s(up)}  preview ${s(preview)}  refresh ${s(refresh)}  destroy ${s(destroy)}` +
          `   (API requests: up ${figures.requests.up}, destroy ${figures.requests.destroy})`,
      );
    } finally {
      await emulator.close();
      rmSync(workDir, { recursive: true, force: true });
      rmSync(temp, { recursive: true, force: true });
    }
  }
  const median = (pick: (f: Figures) => number) => {
    const sorted = results.map(pick).sort((a, b) => a - b);
    return sorted[Math.floor(sorted.length / 2)] ?? 0;
  };
  console.log(
    `median of ${results.length}: up ${s(median((f) => f.up))} (${(median((f) => f.up) / count).toFixed(0)} ms per invitation)` +
      `  preview ${s(median((f) => f.preview))}  refresh ${s(median((f) => f.refresh))}` +
      `  destroy ${s(median((f) => f.destroy))} (${(median((f) => f.destroy) / count).toFixed(0)} ms per invitation)`,
  );
}

function s(ms: number): string {
  return `${(ms / 1000).toFixed(1)} s`;
}

main().catch((e: unknown) => {
  console.error(e instanceof Error ? e.message : e);
  process.exit(1);
});
