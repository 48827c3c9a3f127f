// The GitOps recipe's workflow file: it parses, and each trigger runs the command the recipe
// promises — the scheduled gate `preview --expect-no-changes`, `up` only on main — with the
// Cloud Manager credentials taken from secrets.

import { readFileSync } from "node:fs";
import { join } from "node:path";
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

const text = readFileSync(join(__dirname, "../../examples/gitops/cloud-manager-invitations.yml"), "utf8");
const workflow = parse(text) as Workflow;

function pulumiCommands(job: Job | undefined): string[] {
  return (job?.steps ?? []).flatMap((s) => (s.run?.trim().startsWith("pulumi ") ? [s.run.trim()] : []));
}

describe("examples/gitops workflow", () => {
  it("runs on merge to main, on pull requests and on a schedule", () => {
    expect(workflow.on["push"]).toEqual({ branches: ["main"] });
    expect(workflow.on).toHaveProperty("pull_request");
    expect(workflow.on["schedule"]).toEqual([{ cron: expect.stringMatching(/^\S+ \S+ \S+ \S+ \S+$/) as unknown }]);
  });

  it("the scheduled job is the gate: preview --refresh --expect-no-changes, and nothing else", () => {
    const gate = workflow.jobs["drift-check"];
    expect(gate?.if).toContain("github.event_name == 'schedule'");
    const commands = pulumiCommands(gate);
    expect(commands).toHaveLength(1);
    expect(commands[0]).toMatch(/^pulumi preview .*--refresh/);
    expect(commands[0]).toContain("--expect-no-changes");
  });

  it("only a push to main applies, with pulumi up --refresh --yes", () => {
    const apply = workflow.jobs["apply"];
    expect(apply?.if).toBe("github.event_name == 'push' && github.ref == 'refs/heads/main'");
    expect(pulumiCommands(apply)).toEqual([expect.stringMatching(/^pulumi up .*--refresh .*--yes/) as unknown]);
    for (const [name, job] of Object.entries(workflow.jobs)) {
      if (name !== "apply") for (const command of pulumiCommands(job)) expect(command).toMatch(/^pulumi preview /);
    }
  });

  it("takes Cloud Manager credentials from secrets, as environment variables (never stack config)", () => {
    expect(workflow.env["MCLI_PUBLIC_API_KEY"]).toBe("${{ secrets.CLOUD_MANAGER_PUBLIC_KEY }}");
    expect(workflow.env["MCLI_PRIVATE_API_KEY"]).toBe("${{ secrets.CLOUD_MANAGER_PRIVATE_KEY }}");
    expect(text).not.toMatch(/config set .*cloudmanager:(privateKey|clientSecret)/);
  });
});
