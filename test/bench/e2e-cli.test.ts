// The pure parts of the CLI fronts of `npm run bench:e2e` (issue 22): the flags, the three programs'
// files, the commands of each phase, the rotation of the order, the summaries against the minimal
// no-op, the growth across sizes and the targets table, on made-up samples. No Pulumi CLI runs here
// and no time is asserted: the bench's figures are a report.
import { execFileSync } from "node:child_process";
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { dirname, join, resolve } from "node:path";
import { describe, expect, it } from "vitest";
import { parse } from "yaml";
import { parseE2eBenchArgs } from "../../bench/e2e-args";
import {
  NOOP_PROVIDER,
  NOOP_PROVIDER_PACKAGE,
  SHAPED_PROVIDER,
  SHAPED_PROVIDER_PACKAGE,
  noopProgramFiles,
  phaseArgs,
  pluginProgramFiles,
  realProgramFiles,
  rotation,
  shapedProgramFiles,
} from "../../bench/e2e-cli";
import {
  cliGrowth,
  cliTargetRows,
  formatCliReport,
  summarizeCliSize,
  type CliProgram,
  type CliSample,
  type CliSizeResult,
} from "../../bench/e2e-cli-report";
import { PHASES, type Phase } from "../../bench/e2e-report";

const ORG = "5f1b2c3d4e5f6a7b8c9d0e1f";

describe("bench:e2e CLI flags", () => {
  it("runs the CLI fronts, then the Automation API, every phase, the engine's own settings, by default", () => {
    const args = parseE2eBenchArgs([]);
    expect(args.fronts).toEqual(["cli", "plugin", "api"]);
    expect(args.phases).toEqual(["up", "preview", "refresh", "destroy"]);
    expect(args.skipCheckpoints).toBe(false);
    expect(args.parallel).toBeUndefined();
  });

  it("takes fronts and phases in any order (run in a fixed one), --skip-checkpoints and --parallel", () => {
    const args = parseE2eBenchArgs(["--front", "plugin,shaped,cli", "--phases", "up,destroy", "--skip-checkpoints", "--parallel", "64"]);
    expect(args.fronts).toEqual(["cli", "plugin", "shaped"]);
    expect(args.phases).toEqual(["up", "destroy"]);
    expect(args.skipCheckpoints).toBe(true);
    expect(args.parallel).toBe(64);
  });

  it("refuses an unknown front or phase, a repeated one, phases not starting with up and --parallel 0", () => {
    expect(() => parseE2eBenchArgs(["--front", "cli,go"])).toThrow(/--front takes api, cli, plugin, shaped; got "go"/);
    expect(() => parseE2eBenchArgs(["--front", "cli,cli"])).toThrow(/--front lists a value twice/);
    expect(() => parseE2eBenchArgs(["--phases", "preview,up"])).toThrow(/--phases must start with up/);
    expect(() => parseE2eBenchArgs(["--phases", "up,apply"])).toThrow(/--phases takes up, preview, refresh, destroy/);
    expect(() => parseE2eBenchArgs(["--parallel", "0"])).toThrow(/--parallel must be at least 1/);
  });
});

describe("bench:e2e CLI programs", () => {
  it("the real program declares N OrgInvitation of the installed package in plain JavaScript", () => {
    const files = realProgramFiles(3, ORG);
    expect(files["Pulumi.yaml"]).toBe("name: bench-real\nruntime: nodejs\n");
    expect(JSON.parse(files["package.json"] as string)).toMatchObject({ main: "index.js" });
    const program = files["index.js"] as string;
    expect(program).toContain('require("pulumi-cloudmanager")');
    expect(program).toContain('["person001","person002","person003"]');
    expect(program).toContain(`orgId: "${ORG}"`);
  });

  it("the no-op's provider is a module of create alone, needs nothing of ours, and is stored as one require line", () => {
    const program = noopProgramFiles(2)["index.js"] as string;
    expect(program).toContain(`const provider = require("${NOOP_PROVIDER}");`);
    expect(program).not.toContain("pulumi-cloudmanager");
    // Serialized as dynamic.Resource does, from a folder where the package lies under node_modules.
    const dir = mkdtempSync(join(tmpdir(), "cm-bench-noop-"));
    try {
      for (const [name, text] of Object.entries(NOOP_PROVIDER_PACKAGE)) {
        mkdirSync(join(dir, "node_modules", NOOP_PROVIDER, dirname(name)), { recursive: true });
        writeFileSync(join(dir, "node_modules", NOOP_PROVIDER, name), text);
      }
      const pulumi = JSON.stringify(resolve(__dirname, "../../node_modules/@pulumi/pulumi"));
      const script = `const provider = require("${NOOP_PROVIDER}");
        require(${pulumi}).runtime.serializeFunction(() => provider, { allowSecrets: true })
          .then((sf) => process.stdout.write(JSON.stringify({ text: sf.text, methods: Object.keys(provider) })));`;
      const out = JSON.parse(
        execFileSync(process.execPath, ["-e", script], { cwd: dir, encoding: "utf8", stdio: ["ignore", "pipe", "ignore"] }),
      ) as {
        text: string;
        methods: string[];
      };
      expect(out.methods).toEqual(["create"]);
      expect(out.text).toContain(`const provider = require("${NOOP_PROVIDER}/index.js");`);
      expect(out.text.match(/require\(/g)).toHaveLength(1);
      expect(Buffer.byteLength(out.text)).toBeLessThanOrEqual(300);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it("the shaped no-op declares OrgInvitation's keys and its provider returns OrgInvitation's outputs, sending nothing", async () => {
    const program = shapedProgramFiles(2, ORG)["index.js"] as string;
    expect(program).toContain(`const provider = require("${SHAPED_PROVIDER}");`);
    expect(program).not.toContain("pulumi-cloudmanager");
    const schema = JSON.parse(readFileSync(resolve(__dirname, "../../plugin/schema.json"), "utf8")) as {
      resources: Record<string, { properties: Record<string, unknown> }>;
    };
    const outputs = Object.keys(schema.resources["cloudmanager:index:OrgInvitation"]?.properties ?? {});
    // Every output OrgInvitation declares is declared by the shaped class, with __urn as OrgInvitation sets it.
    for (const key of [...outputs, "__urn"]) expect(program).toMatch(new RegExp(`\\b${key}: `));
    const dir = mkdtempSync(join(tmpdir(), "cm-bench-shaped-"));
    try {
      writeFileSync(join(dir, "provider.js"), SHAPED_PROVIDER_PACKAGE["index.js"] as string);
      const script = `const p = require("./provider.js");
        p.create({ __urn: "urn:x", orgId: "${ORG}", username: "a@example.com", roles: ["ORG_MEMBER"] })
          .then(async (c) => process.stdout.write(JSON.stringify({ id: c.id, keys: Object.keys(c.outs).sort(), read: await p.read(c.id, c.outs), same: await p.diff(c.id, c.outs, c.outs) })));`;
      const out = JSON.parse(execFileSync(process.execPath, ["-e", script], { cwd: dir, encoding: "utf8" })) as {
        id: string;
        keys: string[];
        read: { id: string };
        same: { changes: boolean };
      };
      expect(out.keys).toEqual([...outputs, "__urn"].sort());
      expect(out.id).toMatch(new RegExp(`^${ORG}/[0-9a-f]{24}$`));
      expect(out.read.id).toBe(out.id);
      expect(out.same.changes).toBe(false);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it("the plugin program is YAML of N cloudmanager:OrgInvitation on the installed plugin, the org id quoted", () => {
    const parsed = parse(pluginProgramFiles(12, ORG)["Pulumi.yaml"] as string) as {
      runtime: string;
      packages: Record<string, string>;
      resources: Record<string, { type: string; properties: Record<string, unknown> }>;
      outputs: Record<string, string>;
    };
    expect(parsed.runtime).toBe("yaml");
    expect(parsed.packages).toEqual({ cloudmanager: "./node_modules/pulumi-cloudmanager/plugin" });
    expect(Object.keys(parsed.resources)).toHaveLength(12);
    expect(parsed.resources["person012"]).toEqual({
      type: "cloudmanager:OrgInvitation",
      properties: { orgId: ORG, username: "person012@example.com", roles: ["ORG_MEMBER"] },
    });
    expect(parsed.outputs["person001"]).toBe("${person001.status}");
  });

  it("each phase is one engine pass (no preview before up, refresh or destroy), --parallel passed on when given", () => {
    expect(phaseArgs("up", undefined)).toEqual(["up", "--yes", "--skip-preview"]);
    expect(phaseArgs("preview", undefined)).toEqual(["preview", "--expect-no-changes"]);
    expect(phaseArgs("refresh", 8)).toEqual(["refresh", "--yes", "--skip-preview", "--expect-no-changes", "--parallel", "8"]);
    expect(phaseArgs("destroy", undefined)).toEqual(["destroy", "--yes", "--skip-preview"]);
  });

  it("rotates which program goes first from one repetition to the next", () => {
    expect(rotation(["a", "b", "c"], 1)).toEqual(["a", "b", "c"]);
    expect(rotation(["a", "b", "c"], 2)).toEqual(["b", "c", "a"]);
    expect(rotation(["a", "b", "c"], 4)).toEqual(["a", "b", "c"]);
  });
});

/** Samples of one size: each program's phase takes `ms[program][phase]` x (1 + repetition / 100). */
function size(
  invitations: number,
  repetitions: number,
  ms: Partial<Record<CliProgram, number>>,
  requests: Partial<Record<Phase, number>>,
  worst: Partial<Record<Phase, number>> = {},
): CliSizeResult {
  const programs = (Object.keys(ms) as CliProgram[]).filter((p) => ms[p] !== undefined);
  const samples: CliSample[] = [];
  for (let repetition = 1; repetition <= repetitions; repetition++) {
    for (const phase of PHASES) {
      for (const program of programs) {
        const base =
          program === "noop" || program === "shaped"
            ? 0
            : repetition === repetitions
              ? (worst[phase] ?? requests[phase] ?? 0)
              : (requests[phase] ?? 0);
        samples.push({
          invitations,
          repetition,
          program,
          phase,
          ms: (ms[program] ?? 0) * (1 + repetition / 100),
          apiRequests: base,
          byKind: {},
          load1: 1.5,
        });
      }
    }
  }
  return { invitations, repetitions, programs, phases: [...PHASES], samples };
}

describe("bench:e2e CLI summaries and targets", () => {
  const small = size(50, 5, { real: 1100, plugin: 1200, noop: 1000 }, { up: 52, refresh: 2, destroy: 51 }, { up: 54 });
  const large = size(500, 5, { real: 12_000, plugin: 11_000, noop: 10_000 }, { up: 502, refresh: 2, destroy: 501 });

  it("takes medians per program, their ratio to the no-op of the same size, and the worst run's requests", () => {
    const up = summarizeCliSize(small).filter((s) => s.phase === "up");
    const real = up.find((s) => s.program === "real");
    expect(real?.ratio).toBeCloseTo(1.1, 6);
    expect(real?.ms).toBeCloseTo(1100 * 1.03, 6);
    expect(real?.requestsPerInvitation).toBeCloseTo(52 / 50, 6);
    expect(real?.worstRequestsPerInvitation).toBeCloseTo(54 / 50, 6);
    expect(real?.runs).toBe(5);
    expect(up.find((s) => s.program === "noop")?.ratio).toBe(1);
  });

  it("gives time per invitation of each program against the size before", () => {
    const growth = cliGrowth([...summarizeCliSize(small), ...summarizeCliSize(large)]);
    const noopUp = growth.find((g) => g.program === "noop" && g.phase === "up");
    expect(noopUp).toMatchObject({ from: 50, to: 500 });
    expect(noopUp?.factor).toBeCloseTo(1, 6);
    expect(growth.find((g) => g.program === "real" && g.phase === "up")?.factor).toBeCloseTo(12_000 / 500 / (1100 / 50), 6);
  });

  it("judges each front's ratio and requests per invitation per size, never the no-op itself", () => {
    const rows = cliTargetRows([...summarizeCliSize(small), ...summarizeCliSize(large)]);
    const find = (start: string) => rows.find((r) => r.measure.startsWith(start));
    expect(find("real (CLI), N=50: up / minimal no-op up")).toMatchObject({ value: "1.10", verdict: "MET" });
    expect(find("plugin (YAML), N=50: up / minimal no-op up")).toMatchObject({ value: "1.20", verdict: "NOT MET" });
    expect(find("real (CLI), N=50: API requests per invitation, up")).toMatchObject({ value: "1.080", verdict: "NOT MET" });
    expect(find("real (CLI), N=500: API requests per invitation, refresh")).toMatchObject({ value: "0.004", verdict: "MET" });
    expect(find("real (CLI), N=500: API requests per invitation, destroy")).toMatchObject({ value: "1.002", verdict: "MET" });
    expect(rows.some((r) => r.measure.startsWith("minimal no-op"))).toBe(false);
    // preview has a ratio row but no request target
    expect(rows.filter((r) => r.measure.includes("API requests per invitation, preview"))).toEqual([]);
    expect(rows).toHaveLength(2 * 2 * (4 + 3));
    // The shaped no-op is a diagnostic: its ratio is in the summary, never a target row.
    const withShaped = size(50, 3, { real: 1100, plugin: 1200, noop: 1000, shaped: 1050 }, { up: 52, refresh: 2, destroy: 51 });
    const shapedUp = summarizeCliSize(withShaped).find((x) => x.program === "shaped" && x.phase === "up");
    expect(shapedUp?.ratio).toBeCloseTo(1.05, 6);
    expect(cliTargetRows(summarizeCliSize(withShaped)).filter((r) => r.measure.startsWith("shaped"))).toEqual([]);
  });

  it("prints both floors, the engine settings and the table", () => {
    const text = formatCliReport(
      { sizes: [small], settings: { skipCheckpoints: true, parallel: 32, cpu: false }, problems: [], elapsedMs: 1000 },
      new Map([[50, { up: 2000 }]]),
    );
    expect(text).toContain("engine settings: PULUMI_SKIP_CHECKPOINTS=true, --parallel 32");
    expect(text).toContain("floors: minimal no-op under the CLI up 1.03 s (Automation API no-op: 2.00 s); preview 1.03 s;");
    expect(text).toMatch(/real \(CLI\), N=50: up \/ minimal no-op up \(CLI floor, medians of 5\)\s+1\.10\s+<= 1\.15\s+MET/);
    expect(text).toContain("Outcomes (CLI): every run ended as expected");
    expect(text).not.toContain("shaped no-op");
    const shaped = size(50, 3, { real: 1100, noop: 1000, shaped: 1050 }, { up: 52, refresh: 2, destroy: 51 });
    const withShaped = formatCliReport({
      sizes: [shaped],
      settings: { skipCheckpoints: false, parallel: undefined, cpu: false },
      problems: [],
      elapsedMs: 1000,
    });
    expect(withShaped).toContain("shaped no-op = N dynamic resources with OrgInvitation's keys");
    expect(withShaped).toMatch(/up\s+shaped no-op\s+1\.\d\d s\s+1\.05/);
  });
});
