// Team and ProjectTeam through the `cloudmanager` plugin, with the real CLI, from Pulumi YAML in a
// project that installed the tarball `npm pack` makes (`packages: cloudmanager:
// ./node_modules/pulumi-cloudmanager/plugin`, as a user writes it):
// - a team made from code in one `up` (its founder already a member), its people declared by their
//   OrgMemberships' teamIds, its roles in a project; the GitOps gate green, red (exit 7, naming the
//   team and the project) after a by-hand change of those roles, green again after `up --refresh`;
// - the waiting path: the founder only invited → the Team WAITS (nothing sent for it) → accepted →
//   the next `up` creates the team and gives it its project roles;
// - `pulumi import` of a team (by name and by id) and of its roles in a project: the generated code,
//   declared as is, previews with no changes; the dynamic type cannot be imported (upstream);
// - a project role that is not one (ORG_OWNER) fails `pulumi preview` naming the field and the nine
//   roles, with no request sent.
// The Go side (Team and ProjectTeam from the generated Go SDK) is in plugin-go.test.ts.

import { writeFileSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, test } from "vitest";
import { dynamicType, pluginToken } from "../../provider/model/type-tokens";
import { useE2e, type E2eContext } from "./harness/e2e-context";
import { projectAccess } from "./harness/project-access";
import { GATE } from "./harness/project-cli";
import { errorDiagnostics, type TestStack } from "./harness/test-stack";
import { expectRefusedAsNoProjectRole, generatedResources, indent, useYamlPluginProjects } from "./harness/yaml-plugin-project";
import { cloudmanagerWarnings, pluginLocalStack, resourcesOfType, runPulumi, type CliRun } from "../plugin/plugin-e2e";

let e2e: E2eContext;
useE2e("plugin-teams", (context) => (e2e = context));

const TEAM = pluginToken("Team");
const PROJECT_TEAM = pluginToken("ProjectTeam");
const HEX24 = /^[0-9a-f]{24}$/;

const { yamlProject, writeYaml } = useYamlPluginProjects("teams", () => e2e);

/** `pulumi <args> --stack <stack>` in the stack's folder, as a pipeline runs it. */
function cli(stack: TestStack, args: string[]): Promise<CliRun> {
  return runPulumi(e2e, stack.workDir, [...args, "--stack", stack.name]);
}

const { usersOf, namedWrites: writesSince } = projectAccess(() => e2e);

function rolesIn(projectId: string, teamId: string): string[] | undefined {
  const entry = e2e.emulator.state.projectTeams(projectId).find((t) => t.teamId === teamId);
  return entry === undefined ? undefined : [...entry.roleNames].sort();
}

const member = (username: string) => e2e.emulator.state.addOrgUser(e2e.orgId, { username, roles: ["ORG_MEMBER"] });

const CONFIG = "config:\n  orgId: {type: string}\n  projectId: {type: string}\n";

describe("a team from YAML, its people and its roles in a project", () => {
  test("one up converges; the gate is green, red after a by-hand role change (naming team and project), green after up --refresh", async () => {
    member("alice@example.com");
    member("bob@example.com");
    const project = e2e.emulator.state.createProject(e2e.orgId, { name: "billing" });
    const dir = yamlProject(
      "teams-converge",
      CONFIG +
        "resources:\n" +
        "  dba:\n    type: cloudmanager:index:Team\n    properties:\n      orgId: ${orgId}\n      name: dba\n      founders: [alice@example.com]\n" +
        '  alice:\n    type: cloudmanager:index:OrgMembership\n    properties:\n      orgId: ${orgId}\n      username: alice@example.com\n      roles: [ORG_MEMBER]\n      teamIds: ["${dba.teamId}"]\n' +
        '  bob:\n    type: cloudmanager:index:OrgMembership\n    properties:\n      orgId: ${orgId}\n      username: bob@example.com\n      roles: [ORG_MEMBER]\n      teamIds: ["${dba.teamId}"]\n' +
        "  dbaBilling:\n    type: cloudmanager:index:ProjectTeam\n    properties:\n      orgId: ${orgId}\n      projectId: ${projectId}\n" +
        "      teamId: ${dba.teamId}\n      roles: [GROUP_READ_ONLY, GROUP_DATA_ACCESS_READ_ONLY]\n" +
        "outputs:\n  teamId: ${dba.teamId}\n  teamStatus: ${dba.status}\n  projectTeamStatus: ${dbaBilling.status}\n",
    );
    const stack = await pluginLocalStack(e2e, dir, { config: { orgId: { value: e2e.orgId }, projectId: { value: project.id } } });

    let mark = e2e.view.mark();
    const up = await stack.up();
    expect(errorDiagnostics(up)).toEqual([]);
    expect(up.result.summary.resourceChanges).toEqual({ create: 5 });
    const teams = e2e.emulator.state.teams(e2e.orgId);
    expect(teams.map((t) => t.name)).toEqual(["dba"]);
    const teamId = teams[0]?.id ?? "";
    expect(await stack.outputs()).toEqual({ teamId, teamStatus: "ACTIVE", projectTeamStatus: "ACTIVE" });
    expect(usersOf(teamId)).toEqual(["alice@example.com", "bob@example.com"]);
    expect(rolesIn(project.id, teamId)).toEqual(["GROUP_DATA_ACCESS_READ_ONLY", "GROUP_READ_ONLY"]);
    // The team made with its founder, bob put on it by his OrgMembership, the roles given: nothing else.
    const ids = { org: e2e.orgId, team: teamId, project: project.id };
    expect(writesSince(mark, ids)).toEqual([
      "POST /groups/{project}/teams 200",
      "POST /orgs/{org}/teams 200",
      "POST /orgs/{org}/teams/{team}/users 200",
    ]);
    expect(e2e.view.pending()).toEqual([]);

    mark = e2e.view.mark();
    const green = await cli(stack, GATE);
    expect(green.code, green.output).toBe(0);
    expect(green.output).toContain("5 unchanged");
    expect(e2e.view.writesSince(mark)).toEqual([]);

    // An admin gives the team other roles in the project, in the Cloud Manager UI.
    e2e.emulator.state.setProjectTeamRoles(project.id, teamId, ["GROUP_OWNER"]);
    mark = e2e.view.mark();
    const red = await cli(stack, GATE);
    expect(red.code, red.output).toBe(7);
    expect(red.output).toContain("no changes were expected for preview but changes were proposed");
    expect(red.output).toContain(
      'warning: cloudmanager: team "dba" in project "billing" has roles GROUP_OWNER; `pulumi up` sets them to GROUP_DATA_ACCESS_READ_ONLY, GROUP_READ_ONLY.',
    );
    expect(red.output).toMatch(/~ cloudmanager:index:ProjectTeam: \(update\)/);
    expect(red.output).toContain("1 to update");
    expect(e2e.view.writesSince(mark)).toEqual([]);

    mark = e2e.view.mark();
    const converge = await cli(stack, ["up", "--refresh", "--yes"]);
    expect(converge.code, converge.output).toBe(0);
    expect(converge.output).toContain("1 updated");
    expect(writesSince(mark, ids)).toEqual(["PATCH /groups/{project}/teams/{team} 200"]);
    expect(rolesIn(project.id, teamId)).toEqual(["GROUP_DATA_ACCESS_READ_ONLY", "GROUP_READ_ONLY"]);
    expect(usersOf(teamId)).toEqual(["alice@example.com", "bob@example.com"]);

    const greenAgain = await cli(stack, GATE);
    expect(greenAgain.code, greenAgain.output).toBe(0);
  });
});

describe("a team whose founder is only invited, from YAML", () => {
  test("up: the Team WAITS and nothing is sent for it; the founder accepts; up creates the team and gives it its project roles", async () => {
    const project = e2e.emulator.state.createProject(e2e.orgId, { name: "monitoring" });
    const dir = yamlProject(
      "teams-waiting",
      CONFIG +
        "resources:\n" +
        "  ops:\n    type: cloudmanager:index:Team\n    properties:\n      orgId: ${orgId}\n      name: ops\n      founders: [carol@example.com]\n" +
        '  carol:\n    type: cloudmanager:index:OrgMembership\n    properties:\n      orgId: ${orgId}\n      username: carol@example.com\n      roles: [ORG_MEMBER]\n      teamIds: ["${ops.teamId}"]\n' +
        "  opsMonitoring:\n    type: cloudmanager:index:ProjectTeam\n    properties:\n      orgId: ${orgId}\n      projectId: ${projectId}\n" +
        "      teamId: ${ops.teamId}\n      roles: [GROUP_MONITORING_ADMIN]\n" +
        "outputs:\n  teamId: ${ops.teamId}\n  teamStatus: ${ops.status}\n  waitingFor: ${ops.waitingFor}\n" +
        "  projectTeamStatus: ${opsMonitoring.status}\n  carolStatus: ${carol.status}\n",
    );
    const stack = await pluginLocalStack(e2e, dir, { config: { orgId: { value: e2e.orgId }, projectId: { value: project.id } } });

    let mark = e2e.view.mark();
    const first = await stack.up();
    expect(errorDiagnostics(first)).toEqual([]);
    expect(await stack.outputs()).toEqual({
      teamId: "waiting:ops",
      teamStatus: "WAITING",
      waitingFor: ["carol@example.com"],
      projectTeamStatus: "WAITING",
      carolStatus: "PENDING",
    });
    const invitation = e2e.view.pendingFor("carol@example.com");
    expect(invitation.teamIds).toEqual([]);
    expect(e2e.emulator.state.teams(e2e.orgId).some((t) => t.name === "ops")).toBe(false);
    expect(e2e.emulator.state.projectTeams(project.id)).toEqual([]);
    // Only carol's invitation: nothing for the team or its roles.
    expect(writesSince(mark, { org: e2e.orgId })).toEqual(["POST /orgs/{org}/invites 201"]);
    const warnings = cloudmanagerWarnings(first).join("\n");
    expect(warnings).toContain('team "ops" waits for a founder');
    expect(warnings).toContain("carol@example.com joins team ops once it is created");
    expect(warnings).toContain(`team "ops" gets its roles in project ${project.id} once its Team is created`);

    e2e.emulator.state.acceptInvitation(e2e.orgId, invitation.id);

    mark = e2e.view.mark();
    const second = await stack.up();
    expect(errorDiagnostics(second)).toEqual([]);
    const ops = e2e.emulator.state.teams(e2e.orgId).find((t) => t.name === "ops");
    const teamId = ops?.id ?? "";
    expect(teamId).toMatch(HEX24);
    // waitingFor is no longer an output of the Team: YAML reads it as null.
    expect(await stack.outputs()).toEqual({
      teamId,
      teamStatus: "ACTIVE",
      waitingFor: null,
      projectTeamStatus: "ACTIVE",
      carolStatus: "ACTIVE",
    });
    expect(usersOf(teamId)).toEqual(["carol@example.com"]);
    expect(rolesIn(project.id, teamId)).toEqual(["GROUP_MONITORING_ADMIN"]);
    expect(second.result.summary.resourceChanges).toEqual({ replace: 2, update: 1, same: 1 });
    // The team made with carol, and its roles given; the waiting ones' deletes send nothing.
    expect(writesSince(mark, { org: e2e.orgId, team: teamId, project: project.id })).toEqual([
      "POST /groups/{project}/teams 200",
      "POST /orgs/{org}/teams 200",
    ]);

    const gate = await cli(stack, GATE);
    expect(gate.code, gate.output).toBe(0);
  });
});

describe("pulumi import of a team and of its roles in a project, from a YAML project", () => {
  /** A team made by hand in the UI, with a member and roles in a project. */
  function handmadeTeam(name: string, username: string, projectName: string) {
    const team = e2e.emulator.state.createTeam(e2e.orgId, { name });
    e2e.emulator.state.addOrgUser(e2e.orgId, { username, roles: ["ORG_MEMBER"], teamIds: [team.id] });
    const project = e2e.emulator.state.createProject(e2e.orgId, { name: projectName });
    e2e.emulator.state.setProjectTeamRoles(project.id, team.id, ["GROUP_READ_ONLY", "GROUP_BACKUP_ADMIN"]);
    return { team, project };
  }

  async function emptyProject(label: string): Promise<{ dir: string; stack: TestStack }> {
    const dir = yamlProject(label, "resources: {}\n");
    return { dir, stack: await pluginLocalStack(e2e, dir) };
  }

  test("Team by {orgId}/name:{name} and ProjectTeam by {orgId}/{projectId}/{teamId}: the generated code previews with no changes", async () => {
    const { team, project } = handmadeTeam("Platform", "dave@example.com", "imports");
    const { dir, stack } = await emptyProject("teams-import-name");
    const mark = e2e.view.mark();

    // The name in another letter case: names are unique ignoring case.
    const byName = await cli(stack, ["import", TEAM, "platform", `${e2e.orgId}/name:platform`, "--yes", "--protect=false"]);
    expect(byName.code, byName.output).toBe(0);
    expect(generatedResources(byName)).toEqual({
      platform: { type: "cloudmanager:Team", properties: { founders: [], name: "Platform", orgId: e2e.orgId } },
    });
    const pt = await cli(stack, [
      "import",
      PROJECT_TEAM,
      "platformImports",
      `${e2e.orgId}/${project.id}/${team.id}`,
      "--yes",
      "--protect=false",
    ]);
    expect(pt.code, pt.output).toBe(0);
    const generated = generatedResources(pt);
    expect(generated).toEqual({
      platformImports: {
        type: "cloudmanager:ProjectTeam",
        properties: { orgId: e2e.orgId, projectId: project.id, roles: ["GROUP_BACKUP_ADMIN", "GROUP_READ_ONLY"], teamId: team.id },
      },
    });
    expect(e2e.view.writesSince(mark)).toEqual([]);

    // The id by name becomes the team's id in state.
    const teams = await resourcesOfType(stack, TEAM);
    expect(teams.get("platform")?.id).toBe(`${e2e.orgId}/${team.id}`);
    expect(teams.get("platform")?.outputs).toMatchObject({
      status: "ACTIVE",
      teamId: team.id,
      members: ["dave@example.com"],
      projectIds: [project.id],
    });
    expect((await resourcesOfType(stack, PROJECT_TEAM)).get("platformImports")?.id).toBe(`${e2e.orgId}/${project.id}/${team.id}`);

    // The code the two imports printed, declared as it is.
    writeYaml(dir, "teams-import-name", `resources:\n${indent(byName)}${indent(pt)}`);
    const preview = await cli(stack, ["preview", "--refresh", "--expect-no-changes", "--diff"]);
    expect(preview.code, preview.output).toBe(0);
    expect(preview.output).toContain("3 unchanged");
    expect(e2e.view.writesSince(mark)).toEqual([]);

    // The ProjectTeam's teamId as a reference to the Team (docs/plugin-and-languages.md says why): still
    // no change, and, once an `up` has recorded that dependency, destroy takes the team off the project
    // before it deletes the team.
    writeYaml(
      dir,
      "teams-import-name",
      `resources:\n${indent(byName)}${indent(pt).replace(`teamId: ${team.id}`, "teamId: ${platform.teamId}")}`,
    );
    const referenced = await cli(stack, ["preview", "--expect-no-changes", "--diff"]);
    expect(referenced.code, referenced.output).toBe(0);
    // destroy follows the dependencies in state, which `pulumi import` left empty: one `up` (no change) records it.
    const recorded = await cli(stack, ["up", "--yes", "--expect-no-changes"]);
    expect(recorded.code, recorded.output).toBe(0);
    expect(e2e.view.writesSince(mark)).toEqual([]);
    const destroy = await cli(stack, ["destroy", "--yes"]);
    expect(destroy.code, destroy.output).toBe(0);
    expect(e2e.view.describeWritesSince(mark)).toEqual([
      `DELETE /groups/${project.id}/teams/${team.id} 204`,
      `DELETE /orgs/${e2e.orgId}/teams/${team.id} 204`,
    ]);
    expect(e2e.emulator.state.teams(e2e.orgId).some((t) => t.id === team.id)).toBe(false);
    expect(e2e.view.isMember("dave@example.com")).toBe(true);
  });

  // The generated code names the team id literally, so the engine does not order the ProjectTeam's
  // delete before the Team's: the Team's delete must wait for it (the ProjectTeam's DELETE is held here
  // by a delay fault, so the Team's delete always reads the project while it is on the wire).
  test("destroy of the imported code as generated (literal teamId) takes the team off the project, then deletes it", async () => {
    const { team, project } = handmadeTeam("Storage", "frank@example.com", "backups");
    const { dir, stack } = await emptyProject("teams-import-destroy");
    const byId = await cli(stack, ["import", TEAM, "storage", `${e2e.orgId}/${team.id}`, "--yes", "--protect=false"]);
    expect(byId.code, byId.output).toBe(0);
    const pt = await cli(stack, [
      "import",
      PROJECT_TEAM,
      "storageBackups",
      `${e2e.orgId}/${project.id}/${team.id}`,
      "--yes",
      "--protect=false",
    ]);
    expect(pt.code, pt.output).toBe(0);
    writeYaml(dir, "teams-import-destroy", `resources:\n${indent(byId)}${indent(pt)}`);

    e2e.emulator.state.addFault({ method: "DELETE", path: `/groups/${project.id}/teams/`, count: 1, fault: { type: "delay", ms: 3000 } });
    const mark = e2e.view.mark();
    try {
      const destroy = await cli(stack, ["destroy", "--yes"]);
      expect(destroy.output).not.toContain("TEAM_IN_UNDECLARED_PROJECTS");
      expect(destroy.code, destroy.output).toBe(0);
      expect(e2e.view.describeWritesSince(mark)).toEqual([
        `DELETE /groups/${project.id}/teams/${team.id} 204`,
        `DELETE /orgs/${e2e.orgId}/teams/${team.id} 204`,
      ]);
    } finally {
      e2e.emulator.state.clearFaults();
    }
  });

  test("Team by {orgId}/{teamId}: the generated code, without founders as a user writes it too, previews with no changes", async () => {
    const { team } = handmadeTeam("Security", "erin@example.com", "audits");
    const { dir, stack } = await emptyProject("teams-import-id");
    const mark = e2e.view.mark();

    const byId = await cli(stack, ["import", TEAM, "security", `${e2e.orgId}/${team.id}`, "--yes", "--protect=false"]);
    expect(byId.code, byId.output).toBe(0);
    expect(generatedResources(byId)).toEqual({
      security: { type: "cloudmanager:Team", properties: { founders: [], name: "Security", orgId: e2e.orgId } },
    });
    writeYaml(dir, "teams-import-id", `resources:\n${indent(byId)}`);
    const asGenerated = await cli(stack, ["preview", "--expect-no-changes", "--diff"]);
    expect(asGenerated.code, asGenerated.output).toBe(0);

    writeYaml(
      dir,
      "teams-import-id",
      `resources:\n  security:\n    type: cloudmanager:index:Team\n    properties:\n      orgId: "${e2e.orgId}"\n      name: Security\n`,
    );
    const asWritten = await cli(stack, ["preview", "--refresh", "--expect-no-changes", "--diff"]);
    expect(asWritten.code, asWritten.output).toBe(0);
    expect(e2e.view.writesSince(mark)).toEqual([]);
  });

  test("an id that names no team fails the import and says which forms an id takes", async () => {
    const { stack } = await emptyProject("teams-import-missing");
    const missing = await cli(stack, ["import", TEAM, "ghost", `${e2e.orgId}/name:ghost`, "--yes", "--protect=false"]);
    expect(missing.code).not.toBe(0);
    expect(missing.output).toContain(`RESOURCE_NOT_FOUND: no team ${e2e.orgId}/name:ghost in Cloud Manager`);
    expect(await resourcesOfType(stack, TEAM)).toEqual(new Map());
  });

  test("the dynamic type cannot be imported (upstream: an import has no serialized provider); nothing is sent", async () => {
    // A Node.js project inside the repository, so the engine's dynamic provider host finds @pulumi/pulumi.
    const dir = e2e.newWorkDir("teams-import-dynamic");
    writeFileSync(join(dir, "Pulumi.yaml"), "name: teams-import-dynamic\nruntime: nodejs\n");
    writeFileSync(join(dir, "package.json"), JSON.stringify({ name: "teams-import-dynamic", main: "index.js" }));
    writeFileSync(join(dir, "index.js"), "module.exports = {};\n");
    const stack = await e2e.localStack(dir);
    const team = e2e.emulator.state.createTeam(e2e.orgId, { name: "dynamic" });
    const mark = e2e.view.mark();

    const run = await cli(stack, ["import", dynamicType("Team"), "dyn", `${e2e.orgId}/${team.id}`, "--yes", "--protect=false"]);
    expect(run.code).not.toBe(0);
    expect(run.output).toMatch(/pulumi-nodejs:dynamic\/cloudmanager:Team \(dyn\):\s*\n\s*error:.*code must be a string/);
    expect(e2e.view.requestsSince(mark)).toEqual([]);
    expect(await resourcesOfType(stack, dynamicType("Team"))).toEqual(new Map());
  });
});

describe("a program mistake through the plugin", () => {
  test("a ProjectTeam with role ORG_OWNER fails preview naming the field and the nine project roles; no request sent", async () => {
    const dir = yamlProject(
      "teams-bad-role",
      "resources:\n  wrong:\n    type: cloudmanager:index:ProjectTeam\n    properties:\n" +
        `      orgId: "${e2e.orgId}"\n      projectId: "65a0b1c2d3e4f5a6b7c8d9e0"\n      teamId: "6a0b1c2d3e4f5a6b7c8d9e0f"\n      roles: [ORG_OWNER]\n`,
    );
    await expectRefusedAsNoProjectRole(e2e, dir);
  });
});
