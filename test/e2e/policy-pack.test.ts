// The policy pack (policy/, docs/policy.md) the way a user runs it: the tarball `npm pack` makes,
// installed into a fresh project in the system's temporary folder, and `pulumi preview --policy-pack
// node_modules/pulumi-cloudmanager/policy` run by the `pulumi` binary itself, with the CLI's exit code
// and printed output checked beside the emulator's request log.
// - a TypeScript program (dynamic resources) declaring a gmail.com user and four Organization Owners:
//   mandatory config fails naming both resources and both rules, advisory passes with the same two as
//   warnings, and neither sends a single request to Cloud Manager;
// - a Pulumi YAML program in the same install (the plugin's `cloudmanager:index:*` resources): the
//   rules see those too;
// - `pulumi up` previews first: with the mandatory pack it stops there and sends nothing;
// - the CLI runs the pack through the Node.js language host beside it: no `pulumi-analyzer-policy`
//   shim is on PATH.

import { existsSync, mkdirSync, realpathSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { beforeAll, describe, expect, test } from "vitest";
import { REPO_ROOT } from "./harness/cli";
import { useE2e, type E2eContext } from "./harness/e2e-context";
import { describeRequest } from "./harness/emulator-view";
import { typescriptTemplate } from "./harness/fresh-typescript-project";
import { usePackedInstall, withoutNpmLifecycle } from "./harness/packed-package";
import { mustRunCommand, runCommand, type CommandRun } from "../support/run-command";
import type { TestStack } from "./harness/test-stack";

let e2e: E2eContext;
useE2e("policy-pack", (context) => (e2e = context));

const OWNERS = ["alice", "bob", "carol", "dave"];

/** Four Organization Owners, a gmail.com invitation, and the organization's roster (so that only two rules fail). */
const PROGRAM = `import * as pulumi from "@pulumi/pulumi";
import { OrgInvitation, OrgMembership, OrgRoster } from "pulumi-cloudmanager";

const orgId = new pulumi.Config().require("orgId");
const owners = ${JSON.stringify(OWNERS)};
for (const name of owners) new OrgMembership(name, { orgId, username: \`\${name}@example.com\`, roles: ["ORG_OWNER"] });
new OrgInvitation("mallory", { orgId, username: "mallory@gmail.com", roles: ["ORG_MEMBER"] });
new OrgRoster("roster", { orgId, managed: owners.map((name) => \`\${name}@example.com\`) });
`;

/** The plugin's resources from Pulumi YAML, breaking four rules (the project id is set in beforeAll). */
function yamlProgram(projectId: string): string {
  return `name: cloudmanager-policy-yaml
runtime: yaml
packages:
  cloudmanager: ../node_modules/pulumi-cloudmanager/plugin
config:
  orgId:
    type: string
resources:
  eve:
    type: cloudmanager:OrgMembership
    properties:
      orgId: \${orgId}
      username: eve@gmail.com
      roles: [ORG_MEMBER]
  frank:
    type: cloudmanager:OrgInvitation
    properties:
      orgId: \${orgId}
      username: frank@example.com
      roles: [ORG_OWNER]
  grace-prod:
    type: cloudmanager:ProjectMembership
    properties:
      orgId: \${orgId}
      projectId: ${projectId}
      username: grace@example.com
      roles: [GROUP_OWNER]
  heidi-prod:
    type: cloudmanager:ProjectMembership
    properties:
      orgId: \${orgId}
      projectId: ${projectId}
      username: heidi@example.com
      roles: [GROUP_OWNER]
  roster:
    type: cloudmanager:OrgRoster
    properties:
      orgId: \${orgId}
      managed: [eve@gmail.com]
      prune: true
`;
}

/** The template's project with PROGRAM as index.ts, the packed package installed. */
const installed = usePackedInstall("policy", { ...typescriptTemplate("cloudmanager-policy"), "index.ts": PROGRAM }, () => childEnv());
let project: string;
let yamlProject: string;
let packDir: string;
let projectId: string;

beforeAll(() => {
  project = installed.dir;
  packDir = join(project, "node_modules", "pulumi-cloudmanager", "policy");
  projectId = e2e.emulator.state.createProject(e2e.orgId, { name: "prod" }).id;
  yamlProject = join(project, "yaml");
  mkdirSync(yamlProject);
  writeFileSync(join(yamlProject, "Pulumi.yaml"), yamlProgram(projectId));
});

/** The test's environment minus npm's lifecycle variables (they describe this repository), then the suite's Pulumi settings. */
function childEnv(): Record<string, string> {
  return withoutNpmLifecycle(e2e.env);
}

/** A policy config file in the temporary folder. */
function configFile(name: string, config: object): string {
  const file = join(installed.temp, `${name}.json`);
  writeFileSync(file, JSON.stringify(config, null, 2));
  return file;
}

/** `pulumi preview --policy-pack <the installed pack> --policy-pack-config <file>` in `dir`, as a CI job runs it. */
async function previewWithPolicy(stack: TestStack, dir: string, config: string): Promise<CommandRun> {
  const run = await runCommand(
    join(e2e.cli.binDir, "pulumi"),
    ["preview", "--policy-pack", packDir, "--policy-pack-config", config, "--stack", stack.name, "--non-interactive", "--color", "never"],
    dir,
    childEnv(),
  );
  expect(run.output).not.toContain(e2e.emulator.credentials.privateKey);
  return run;
}

/** Every request the emulator received after `mark`, from anyone. */
function requestsAfter(mark: number): string[] {
  return e2e.emulator.state
    .requests()
    .filter((r) => r.seq > mark)
    .map(describeRequest);
}

/** The violations the CLI printed: "[level]  policy  (type: name)" lines. */
function violations(output: string): string[] {
  return output
    .split("\n")
    .map((l) => l.trim())
    .filter((l) => /^- \[(mandatory|advisory)\] /.test(l))
    .map((l) => l.replace(/\s+/g, " "))
    .sort();
}

const GMAIL = { "allowed-username-domains": { domains: ["example.com"] } };
const ownerUrn = (stack: TestStack, name: string) =>
  `urn:pulumi:${stack.name}::cloudmanager-policy::pulumi-nodejs:dynamic/cloudmanager:OrgMembership::${name}`;

describe("the policy pack of the packed package, through the pulumi CLI", () => {
  test("ships as node_modules/pulumi-cloudmanager/policy, and the CLI needs no analyzer shim to run it", () => {
    for (const file of ["PulumiPolicy.yaml", "package.json", join("..", "dist", "policy", "index.js")]) {
      expect(existsSync(join(packDir, file)), file).toBe(true);
    }
    // The CLI starts a Node.js pack through pulumi-language-nodejs (RunPlugin); the old shim is nowhere on PATH.
    const path = childEnv()["PATH"] ?? "";
    expect(path.split(":").filter((dir) => existsSync(join(dir, "pulumi-analyzer-policy")))).toEqual([]);
    expect(existsSync(join(e2e.cli.binDir, "pulumi-language-nodejs"))).toBe(true);
  });

  test("is found by a program (the Automation API's policyPacks) through the package's exports", async () => {
    const script = `console.log(require("path").dirname(require.resolve("pulumi-cloudmanager/policy/package.json")))`;
    const found = await mustRunCommand(join(REPO_ROOT, "node_modules", ".bin", "node"), ["-e", script], project, childEnv());
    expect(found.trim()).toBe(realpathSync(packDir));
  });

  test("mandatory: a gmail.com user and four owners fail the preview naming both resources and both rules, with zero API calls", async () => {
    const stack = await e2e.localStack(project, { config: { orgId: { value: e2e.orgId } } });
    const mark = e2e.view.mark();
    const run = await previewWithPolicy(stack, project, configFile("mandatory", GMAIL));
    expect(run.code, run.output).not.toBe(0);
    expect(violations(run.output), run.output).toEqual([
      "- [mandatory] allowed-username-domains (pulumi-nodejs:dynamic/cloudmanager:OrgInvitation: mallory)",
      `- [mandatory] max-org-owners (pulumi:pulumi:Stack: cloudmanager-policy-${stack.name})`,
    ]);
    expect(run.output).toContain(
      `OrgInvitation "mallory" (urn:pulumi:${stack.name}::cloudmanager-policy::pulumi-nodejs:dynamic/cloudmanager:OrgInvitation::mallory): ` +
        `username "mallory@gmail.com" is in domain "gmail.com"; rule allowed-username-domains allows only example.com. Fix:`,
    );
    expect(run.output).toContain(`organization ${e2e.orgId}: 4 people are declared with ORG_OWNER, more than 3 (rule max-org-owners)`);
    for (const name of OWNERS) expect(run.output).toContain(`- ${name}@example.com: OrgMembership "${name}" (${ownerUrn(stack, name)})`);
    expect(run.output).toContain(`Fix: give 1 of them a lesser role`);
    expect(run.output).toContain("cloudmanager-access@v0.1.0");
    expect(requestsAfter(mark)).toEqual([]);
  });

  test("advisory: the same two violations are warnings and the preview passes, with zero API calls", async () => {
    const stack = await e2e.localStack(project, { config: { orgId: { value: e2e.orgId } } });
    const mark = e2e.view.mark();
    const run = await previewWithPolicy(stack, project, configFile("advisory", { all: "advisory", ...GMAIL }));
    expect(run.code, run.output).toBe(0);
    expect(violations(run.output), run.output).toEqual([
      "- [advisory] allowed-username-domains (pulumi-nodejs:dynamic/cloudmanager:OrgInvitation: mallory)",
      `- [advisory] max-org-owners (pulumi:pulumi:Stack: cloudmanager-policy-${stack.name})`,
    ]);
    expect(run.output).toContain(`username "mallory@gmail.com" is in domain "gmail.com"`);
    expect(requestsAfter(mark)).toEqual([]);
  });

  test("pulumi up with the mandatory pack stops at its own preview, sending nothing; advisory, it goes on (the request log counts what it sends)", async () => {
    const stack = await e2e.localStack(project, { config: { orgId: { value: e2e.orgId } } });
    const up = (config: string) =>
      runCommand(
        join(e2e.cli.binDir, "pulumi"),
        [
          "up",
          "--yes",
          "--policy-pack",
          packDir,
          "--policy-pack-config",
          config,
          "--stack",
          stack.name,
          "--non-interactive",
          "--color",
          "never",
        ],
        project,
        childEnv(),
      );
    let mark = e2e.view.mark();
    const blocked = await up(configFile("up-mandatory", GMAIL));
    expect(blocked.code, blocked.output).not.toBe(0);
    expect(violations(blocked.output)).toHaveLength(2);
    expect(blocked.output).not.toContain("Updating (");
    expect(requestsAfter(mark)).toEqual([]);
    expect((await stack.resources()).filter((r) => r.type.includes("cloudmanager"))).toEqual([]);

    mark = e2e.view.mark();
    const warned = await up(configFile("up-advisory", { all: "advisory", ...GMAIL }));
    expect(warned.code, warned.output).toBe(0);
    expect(violations(warned.output)).toEqual(expect.arrayContaining([expect.stringMatching(/^- \[advisory\] max-org-owners /)]));
    expect(e2e.view.describeWritesSince(mark).map((w) => w.replace(e2e.orgId, "{org}"))).toEqual(
      Array(5).fill("POST /orgs/{org}/invites 201"),
    );
  });

  test("a misspelt setting fails the preview naming it, instead of turning the rule off", async () => {
    const stack = await e2e.localStack(project, { config: { orgId: { value: e2e.orgId } } });
    const run = await previewWithPolicy(
      stack,
      project,
      configFile("misspelt", { "allowed-username-domains": { domain: ["example.com"] } }),
    );
    expect(run.code, run.output).not.toBe(0);
    expect(run.output).toContain(`unknown setting "domain"; its settings are "domains", "allowedUsernames"`);
  });

  test("the plugin's resources (Pulumi YAML) are judged by the same rules, with zero API calls", async () => {
    const stack = await e2e.localStack(yamlProject, { config: { orgId: { value: e2e.orgId } } });
    const mark = e2e.view.mark();
    const config = configFile("yaml", { ...GMAIL, "max-project-owners": { maxProjectOwners: 1 } });
    const run = await previewWithPolicy(stack, yamlProject, config);
    expect(run.code, run.output).not.toBe(0);
    expect(violations(run.output), run.output).toEqual([
      "- [mandatory] allowed-username-domains (cloudmanager:index:OrgMembership: eve)",
      `- [mandatory] max-project-owners (pulumi:pulumi:Stack: cloudmanager-policy-yaml-${stack.name})`,
      "- [mandatory] no-role-by-invitation (cloudmanager:index:OrgInvitation: frank)",
      "- [mandatory] prune-needs-ignore (cloudmanager:index:OrgRoster: roster)",
    ]);
    expect(run.output).toContain(`project ${projectId}: 2 people and teams are declared with GROUP_OWNER, more than 1`);
    expect(run.output).toContain(
      `ProjectMembership "grace-prod" (urn:pulumi:${stack.name}::cloudmanager-policy-yaml::cloudmanager:index:ProjectMembership::grace-prod)`,
    );
    expect(requestsAfter(mark)).toEqual([]);
  });
});
