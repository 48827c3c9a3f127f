// ProjectMembership and ProjectRoster through the `cloudmanager` plugin, with the real CLI, from Pulumi
// YAML in a project that installed the tarball `npm pack` makes (`packages: cloudmanager:
// ./node_modules/pulumi-cloudmanager/plugin`, as a user writes it):
// - a person's own roles in a project and the project's roster in one `up`; the GitOps gate green,
//   red (exit 7, naming the stranger and their roles) after a stranger is given a role by hand, and
//   green again after `up --refresh` with prune on (stack config), the stranger still in the org;
// - `pulumi import cloudmanager:index:ProjectMembership name {orgId}/{projectId}/{username}`: the
//   generated code, declared as is, previews with no changes; a person whose only roles in the
//   project are a team's has none of their own to import;
// - a role that is not a project role (ORG_OWNER) fails `pulumi preview` naming the field and the
//   nine roles, with no request sent.
// Each project has an owner of its own (a direct GROUP_OWNER made by hand) that the roster ignores:
// without that, the roster would report them at every gate (prune never removes a last owner).

import { describe, expect, test } from "vitest";
import { pluginToken } from "../../provider/model/type-tokens";
import { useE2e, type E2eContext } from "./harness/e2e-context";
import { projectAccess } from "./harness/project-access";
import { GATE } from "./harness/project-cli";
import { errorDiagnostics, type TestStack } from "./harness/test-stack";
import { expectRefusedAsNoProjectRole, generatedResources, indent, useYamlPluginProjects } from "./harness/yaml-plugin-project";
import { pluginLocalStack, resourcesOfType, runPulumi, type CliRun } from "../plugin/plugin-e2e";

let e2e: E2eContext;
useE2e("plugin-projects", (context) => (e2e = context));

const PROJECT_MEMBERSHIP = pluginToken("ProjectMembership");

const { yamlProject, writeYaml } = useYamlPluginProjects("projects", () => e2e);

/** `pulumi <args> --stack <stack>` in the stack's folder, as a pipeline runs it. */
function cli(stack: TestStack, args: string[]): Promise<CliRun> {
  return runPulumi(e2e, stack.workDir, [...args, "--stack", stack.name]);
}

const { directRoles, namedWrites: writesSince } = projectAccess(() => e2e);

const member = (username: string) => e2e.emulator.state.addOrgUser(e2e.orgId, { username, roles: ["ORG_MEMBER"] });

/** A project with an owner of its own, made by hand (the UI), as every project has one. */
function projectWithOwner(name: string, owner: string) {
  const project = e2e.emulator.state.createProject(e2e.orgId, { name });
  member(owner);
  e2e.emulator.state.setProjectUserRoles(project.id, owner, ["GROUP_OWNER"]);
  return project;
}

describe("a person's roles in a project and the project's roster, from YAML", () => {
  test("one up; the gate green, red naming a stranger given a role by hand (exit 7), green after up --refresh with prune", async () => {
    const owner = "owner@billing.example.com";
    const project = projectWithOwner("billing", owner);
    const alice = member("alice@example.com");
    const dir = yamlProject(
      "projects-roster",
      "config:\n  orgId: {type: string}\n  projectId: {type: string}\n  prune: {type: boolean, default: false}\n" +
        "resources:\n" +
        "  aliceBilling:\n    type: cloudmanager:index:ProjectMembership\n    properties:\n      orgId: ${orgId}\n      projectId: ${projectId}\n" +
        "      username: alice@example.com\n      roles: [GROUP_READ_ONLY, GROUP_DATA_ACCESS_READ_ONLY]\n" +
        "  billingRoster:\n    type: cloudmanager:index:ProjectRoster\n    properties:\n      orgId: ${orgId}\n      projectId: ${projectId}\n" +
        `      managed: [alice@example.com]\n      ignore: [${owner}]\n      prune: \${prune}\n` +
        "outputs:\n  aliceStatus: ${aliceBilling.status}\n  aliceRoles: ${aliceBilling.roles}\n" +
        "  unmanagedUsers: ${billingRoster.unmanagedUsers}\n",
    );
    const stack = await pluginLocalStack(e2e, dir, { config: { orgId: { value: e2e.orgId }, projectId: { value: project.id } } });
    const ids = { org: e2e.orgId, project: project.id, alice: alice.id };

    let mark = e2e.view.mark();
    const up = await stack.up();
    expect(errorDiagnostics(up)).toEqual([]);
    expect(up.result.summary.resourceChanges).toEqual({ create: 3 });
    expect(await stack.outputs()).toEqual({
      aliceStatus: "ACTIVE",
      aliceRoles: ["GROUP_DATA_ACCESS_READ_ONLY", "GROUP_READ_ONLY"],
      unmanagedUsers: "",
    });
    expect(writesSince(mark, ids)).toEqual(["POST /groups/{project}/users 200"]);
    expect(directRoles(project.id)).toEqual(["alice@example.com: GROUP_DATA_ACCESS_READ_ONLY, GROUP_READ_ONLY", `${owner}: GROUP_OWNER`]);
    expect((await resourcesOfType(stack, PROJECT_MEMBERSHIP)).get("aliceBilling")?.id).toBe(`${e2e.orgId}/${project.id}/alice@example.com`);

    mark = e2e.view.mark();
    const green = await cli(stack, GATE);
    expect(green.code, green.output).toBe(0);
    expect(green.output).toContain("3 unchanged");
    expect(e2e.view.writesSince(mark)).toEqual([]);

    // An admin gives a member of the organization a role in the project, in the Cloud Manager UI.
    const stranger = member("stranger@example.com");
    e2e.emulator.state.setProjectUserRoles(project.id, stranger.username, ["GROUP_DATA_ACCESS_ADMIN"]);
    mark = e2e.view.mark();
    const red = await cli(stack, GATE);
    expect(red.code, red.output).toBe(7);
    expect(red.output).toContain("no changes were expected for preview but changes were proposed");
    expect(red.output).toContain(
      `warning: cloudmanager: undeclared access in project ${project.id} (1 entry): stranger@example.com (GROUP_DATA_ACCESS_ADMIN). ` +
        "Declare them (ProjectMembership, ProjectTeam), add them to `ignore` or `teams`, or set `prune: true` to remove them at `pulumi up`.",
    );
    expect(red.output).not.toContain(`: ${owner} (`);
    expect(red.output).toMatch(/~ cloudmanager:index:ProjectRoster: \(update\)/);
    expect(red.output).toContain("1 to update");
    expect(e2e.view.writesSince(mark)).toEqual([]);

    // Prune on: up --refresh takes the stranger out of the project (not out of the organization).
    await stack.stack.setConfig("prune", { value: "true" });
    mark = e2e.view.mark();
    const converge = await cli(stack, ["up", "--refresh", "--yes"]);
    expect(converge.code, converge.output).toBe(0);
    expect(converge.output).toContain(
      `warning: cloudmanager: pruned: taking stranger@example.com (GROUP_DATA_ACCESS_ADMIN) out of project "billing" (${project.id}); ` +
        "no resource declares their roles there (they stay in the organization).",
    );
    expect(writesSince(mark, { ...ids, stranger: stranger.id })).toEqual(["DELETE /groups/{project}/users/{stranger} 204"]);
    expect(directRoles(project.id)).toEqual(["alice@example.com: GROUP_DATA_ACCESS_READ_ONLY, GROUP_READ_ONLY", `${owner}: GROUP_OWNER`]);
    expect(e2e.view.isMember("stranger@example.com")).toBe(true);
    expect((await stack.outputs())["unmanagedUsers"]).toBe("");

    const greenAgain = await cli(stack, GATE);
    expect(greenAgain.code, greenAgain.output).toBe(0);
  });
});

describe("pulumi import of a person's roles in a project, from a YAML project", () => {
  test("by {orgId}/{projectId}/{username}: the generated code previews with no changes; nothing is sent", async () => {
    const project = projectWithOwner("imports", "owner@imports.example.com");
    const dave = member("dave@example.com");
    e2e.emulator.state.setProjectUserRoles(project.id, dave.username, ["GROUP_READ_ONLY", "GROUP_BACKUP_ADMIN"]);
    const dir = yamlProject("projects-import", "resources: {}\n");
    const stack = await pluginLocalStack(e2e, dir);
    const mark = e2e.view.mark();

    const imported = await cli(stack, [
      "import",
      PROJECT_MEMBERSHIP,
      "daveImports",
      `${e2e.orgId}/${project.id}/dave@example.com`,
      "--yes",
      "--protect=false",
    ]);
    expect(imported.code, imported.output).toBe(0);
    expect(generatedResources(imported)).toEqual({
      daveImports: {
        type: "cloudmanager:ProjectMembership",
        properties: {
          orgId: e2e.orgId,
          projectId: project.id,
          roles: ["GROUP_BACKUP_ADMIN", "GROUP_READ_ONLY"],
          username: "dave@example.com",
        },
      },
    });
    const inState = (await resourcesOfType(stack, PROJECT_MEMBERSHIP)).get("daveImports");
    expect(inState?.id).toBe(`${e2e.orgId}/${project.id}/dave@example.com`);
    expect(inState?.outputs).toMatchObject({ status: "ACTIVE", userId: dave.id, projectName: "imports" });

    writeYaml(dir, "projects-import", `resources:\n${indent(imported)}`);
    const preview = await cli(stack, GATE);
    expect(preview.code, preview.output).toBe(0);
    expect(preview.output).toContain("2 unchanged");
    expect(e2e.view.writesSince(mark)).toEqual([]);
    expect(directRoles(project.id)).toEqual([
      "dave@example.com: GROUP_BACKUP_ADMIN, GROUP_READ_ONLY",
      "owner@imports.example.com: GROUP_OWNER",
    ]);
  });

  test("a person whose only roles in the project are a team's has none of their own to import", async () => {
    const project = projectWithOwner("team-only", "owner@team-only.example.com");
    const team = e2e.emulator.state.createTeam(e2e.orgId, { name: "readers" });
    e2e.emulator.state.addOrgUser(e2e.orgId, { username: "frank@example.com", roles: ["ORG_MEMBER"], teamIds: [team.id] });
    e2e.emulator.state.setProjectTeamRoles(project.id, team.id, ["GROUP_READ_ONLY"]);
    const dir = yamlProject("projects-import-team-only", "resources: {}\n");
    const stack = await pluginLocalStack(e2e, dir);
    const mark = e2e.view.mark();

    const id = `${e2e.orgId}/${project.id}/frank@example.com`;
    const run = await cli(stack, ["import", PROJECT_MEMBERSHIP, "frank", id, "--yes", "--protect=false"]);
    expect(run.code).not.toBe(0);
    expect(run.output).toContain(`RESOURCE_NOT_FOUND: the person has no roles of their own in the project: ${id}`);
    expect(await resourcesOfType(stack, PROJECT_MEMBERSHIP)).toEqual(new Map());
    expect(e2e.view.writesSince(mark)).toEqual([]);
  });
});

describe("a program mistake through the plugin", () => {
  test("a ProjectMembership with role ORG_OWNER fails preview naming the field and the nine project roles; no request sent", async () => {
    const dir = yamlProject(
      "projects-bad-role",
      "resources:\n  wrong:\n    type: cloudmanager:index:ProjectMembership\n    properties:\n" +
        `      orgId: "${e2e.orgId}"\n      projectId: "65a0b1c2d3e4f5a6b7c8d9e0"\n      username: alice@example.com\n      roles: [ORG_OWNER]\n`,
    );
    await expectRefusedAsNoProjectRole(e2e, dir);
  });
});
