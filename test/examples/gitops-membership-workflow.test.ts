// The GitOps recipe's enforcement workflow (examples/gitops/cloud-manager-membership.yml): it parses,
// runs examples/org-membership, and each trigger runs the command the recipe promises — the
// scheduled gate `preview --refresh --expect-no-changes` with prune never set, the pull request's
// preview without prune, and prune only in the `up` of a push to main — with the Cloud Manager
// credentials taken from secrets. `npm run lint` runs actionlint on it (tools/actionlint.sh).

import { existsSync, readdirSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { orgEnvVar } from "../../provider/runtime/credentials";
import { describe, expect, it } from "vitest";
import { parse } from "yaml";

interface Job {
  if?: string;
  steps: { run?: string; uses?: string; with?: Record<string, unknown> }[];
}

interface Workflow {
  on: Record<string, unknown>;
  env: Record<string, string>;
  jobs: Record<string, Job>;
}

const ROOT = join(__dirname, "../..");
const text = readFileSync(join(ROOT, "examples/gitops/cloud-manager-membership.yml"), "utf8");
const workflow = parse(text) as Workflow;

/** Every `pulumi …` command a job runs, one per line of its steps' scripts (without a trailing `|| …`). */
function pulumiCommands(job: Job | undefined): string[] {
  return (job?.steps ?? []).flatMap((s) =>
    (s.run ?? "")
      .split("\n")
      .map((line) => line.trim())
      .filter((line) => line.startsWith("pulumi "))
      .map((line) => line.split(" || ")[0] ?? line),
  );
}

const allCommands = Object.values(workflow.jobs).flatMap(pulumiCommands);

describe("examples/gitops membership workflow", () => {
  it("runs on merge to main, on pull requests and on a schedule", () => {
    expect(workflow.on["push"]).toEqual({ branches: ["main"] });
    expect(workflow.on).toHaveProperty("pull_request");
    expect(workflow.on["schedule"]).toEqual([{ cron: expect.stringMatching(/^\S+ \S+ \S+ \S+ \S+$/) as unknown }]);
  });

  it("runs the enforcement example: every pulumi command in its project folder, on the one stack", () => {
    expect(workflow.env["PULUMI_PROJECT_DIR"]).toBe("examples/org-membership");
    expect(existsSync(join(ROOT, "examples/org-membership/Pulumi.yaml"))).toBe(true);
    expect(allCommands.length).toBeGreaterThanOrEqual(3); // the gate, the pull request preview, the merge's up
    for (const command of allCommands) expect(command).toContain('--cwd "$PULUMI_PROJECT_DIR" --stack "$PULUMI_STACK"');
  });

  it("the scheduled job is the gate: preview --refresh --expect-no-changes, nothing else, prune never set", () => {
    const gate = workflow.jobs["drift-check"];
    expect(gate?.if).toContain("github.event_name == 'schedule'");
    const commands = pulumiCommands(gate);
    expect(commands).toHaveLength(1);
    expect(commands[0]).toMatch(/^pulumi preview .*--refresh/);
    expect(commands[0]).toContain("--expect-no-changes");
    expect(commands[0]).not.toContain("prune");
  });

  it("the gate's step tells drift (Pulumi's exit code 7) from a failed run, and fails with the CLI's own code", () => {
    const script = workflow.jobs["drift-check"]?.steps.find((s) => s.run?.includes("--expect-no-changes"))?.run ?? "";
    expect(script).toContain("|| status=$?");
    expect(script).toMatch(/if \[ "\$status" -eq 7 \]; then\n\s+echo "::error /);
    expect(script.trim().split("\n").at(-1)?.trim()).toBe('exit "$status"');
  });

  it("a pull request only previews, with prune off", () => {
    const preview = workflow.jobs["preview"];
    expect(preview?.if).toBe("github.event_name == 'pull_request'");
    const commands = pulumiCommands(preview);
    expect(commands).toEqual([expect.stringMatching(/^pulumi preview .*--refresh/) as unknown]);
    expect(commands[0]).not.toContain("prune");
  });

  it("only a push to main applies: up --refresh with prune=true (prune alone is no change, so the gate needs no second up)", () => {
    const apply = workflow.jobs["apply"];
    expect(apply?.if).toBe("github.event_name == 'push' && github.ref == 'refs/heads/main'");
    const commands = pulumiCommands(apply);
    expect(commands).toEqual([expect.stringMatching(/^pulumi up .*--refresh .*--yes .*--config prune=true$/) as unknown]);
    // prune=true nowhere else: no other job runs up, sets prune, or passes it.
    for (const [name, job] of Object.entries(workflow.jobs)) {
      if (name === "apply") continue;
      for (const command of pulumiCommands(job)) {
        expect(command).toMatch(/^pulumi preview /);
        expect(command).not.toContain("prune");
      }
    }
    expect(text).not.toMatch(/config set .*prune/);
  });

  it("takes Cloud Manager credentials from secrets, as environment variables (never stack config)", () => {
    expect(workflow.env["MCLI_PUBLIC_API_KEY"]).toBe("${{ secrets.CLOUD_MANAGER_PUBLIC_KEY }}");
    expect(workflow.env["MCLI_PRIVATE_API_KEY"]).toBe("${{ secrets.CLOUD_MANAGER_PRIVATE_KEY }}");
    expect(text).not.toMatch(/config set .*cloudmanager:(privateKey|clientSecret)/);
  });

  it("takes a second organization's key from its own secrets, in the variables the provider reads for that organization", () => {
    const names = Object.keys(workflow.env).filter((name) => name.startsWith("CLOUDMANAGER_ORG_"));
    const orgId = /^CLOUDMANAGER_ORG_([0-9A-F]{24})_PUBLIC_KEY$/.exec(names[0] ?? "")?.[1] ?? "";
    expect(names.sort()).toEqual([orgEnvVar(orgId, "privateKey"), orgEnvVar(orgId, "publicKey")]);
    expect(workflow.env[orgEnvVar(orgId, "privateKey")]).toBe("${{ secrets.CLOUD_MANAGER_NONPROD_PRIVATE_KEY }}");
  });

  it("npm run lint checks every example workflow with actionlint (tools/actionlint.sh lists them all)", () => {
    const script = readFileSync(join(ROOT, "tools/actionlint.sh"), "utf8");
    const listed = /^workflows=\(([^)]*)\)/m.exec(script)?.[1]?.trim().split(/\s+/) ?? [];
    const shipped = ["gitops", "release"].flatMap((folder) =>
      readdirSync(join(ROOT, "examples", folder))
        .filter((file) => file.endsWith(".yml"))
        .map((file) => `examples/${folder}/${file}`),
    );
    expect(listed.sort()).toEqual(shipped.sort());
  });
});
