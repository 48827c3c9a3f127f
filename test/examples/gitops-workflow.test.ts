// The GitOps recipe's workflow file: it parses, and each trigger runs the command the recipe
// promises — the scheduled gate `preview --expect-no-changes`, `up` only on main — with the
// Cloud Manager credentials taken from secrets.

import { existsSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { parse } from "yaml";
import { parsePeople } from "../../examples/org-invitations/declare-org-invitations";
import { domainsConfig, invitationRolesConfig, orgOwnersConfig } from "../../policy/config";
import { RULES } from "../../policy/names";
import { invitationRoleViolations } from "../../policy/rules/invitation-roles";
import { orgOwnerFindings } from "../../policy/rules/owner-limits";
import { usernameDomainViolations } from "../../policy/rules/username-domains";
import { ORG, resource } from "../policy/support";

interface Job {
  if?: string;
  steps: { run?: string; uses?: string; with?: Record<string, unknown>; env?: Record<string, string> }[];
}

interface Workflow {
  on: Record<string, unknown>;
  env: Record<string, string>;
  jobs: Record<string, Job>;
}

const ROOT = join(__dirname, "../..");
const text = readFileSync(join(ROOT, "examples/gitops/cloud-manager-invitations.yml"), "utf8");
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

  it("checks the pull request's preview and the merge's up against the shipped policy pack, which the shipped people.yaml passes", () => {
    const packOptions = '--policy-pack "$GITHUB_WORKSPACE/$POLICY_PACK" --policy-pack-config "$GITHUB_WORKSPACE/$POLICY_CONFIG"';
    expect(existsSync(join(ROOT, workflow.env["POLICY_PACK"] ?? "", "PulumiPolicy.yaml"))).toBe(true);
    for (const job of ["preview", "apply"]) expect(pulumiCommands(workflow.jobs[job])[0]).toContain(packOptions);
    const config = JSON.parse(readFileSync(join(ROOT, workflow.env["POLICY_CONFIG"] ?? ""), "utf8")) as Record<
      string,
      Record<string, unknown>
    >;
    const settings = (rule: string) => {
      const { enforcementLevel: _level, ...rest } = config[rule] ?? {};
      return rest;
    };
    // The example program declares one OrgInvitation per person of people.yaml.
    const people = parsePeople(readFileSync(join(ROOT, "examples/org-invitations/people.yaml"), "utf8"));
    const invitations = people.map((p) => resource("OrgInvitation", p.email, { orgId: ORG, username: p.email, roles: p.roles }));
    const domains = domainsConfig(RULES.domains, settings(RULES.domains));
    expect(domains.domains).not.toEqual([]);
    expect(invitations.flatMap((d) => usernameDomainViolations(d, domains))).toEqual([]);
    const reserved = invitationRolesConfig(RULES.invitationRoles, settings(RULES.invitationRoles));
    expect(reserved.roles).toEqual(["ORG_OWNER"]);
    expect(invitations.flatMap((d) => invitationRoleViolations(d, reserved))).toEqual([]);
    expect(orgOwnerFindings(invitations, orgOwnersConfig(RULES.orgOwners, settings(RULES.orgOwners)))).toEqual([]);
    // The rules do bite on this file: an owner by invitation, or a stranger's domain, is named.
    const owner = resource("OrgInvitation", "x", { orgId: ORG, username: "x@gmail.com", roles: ["ORG_OWNER"] });
    expect(invitationRoleViolations(owner, reserved)).toHaveLength(1);
    expect(usernameDomainViolations(owner, domains)).toHaveLength(1);
  });

  it("keeps the engine's checkpoints: without a roster nothing would withdraw an unrecorded invitation of a killed run", () => {
    const settings = [workflow.env, ...Object.values(workflow.jobs).flatMap((job) => job.steps.map((step) => step.env ?? {}))];
    for (const env of settings) expect(env).not.toHaveProperty("PULUMI_SKIP_CHECKPOINTS");
    expect(text).not.toMatch(/^\s*PULUMI_SKIP_CHECKPOINTS:/m);
  });

  it("takes Cloud Manager credentials from secrets, as environment variables (never stack config)", () => {
    expect(workflow.env["MCLI_PUBLIC_API_KEY"]).toBe("${{ secrets.CLOUD_MANAGER_PUBLIC_KEY }}");
    expect(workflow.env["MCLI_PRIVATE_API_KEY"]).toBe("${{ secrets.CLOUD_MANAGER_PRIVATE_KEY }}");
    expect(text).not.toMatch(/config set .*cloudmanager:(privateKey|clientSecret)/);
  });
});
