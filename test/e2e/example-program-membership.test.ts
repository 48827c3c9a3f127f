// The enforcement example (examples/org-membership, its own Pulumi.yaml) as a LOCAL program run by
// the Node language host — the way users and the GitOps workflow run it — and the workflow's steps
// through the `pulumi` binary itself, with the exit codes a pipeline acts on: the scheduled gate,
// the merge's pruning `up --config prune=true`, the gate again with prune off. Then the two
// ways off the list: removed (the invitation withdrawn) and let go (`retain`: retainOnDelete, nothing sent).
// A second scenario runs the same program with teams declared in people.yaml: teams waiting for a
// member, made once one accepts, a by-hand role change failing the gate and put back by the merge,
// a rename in place, a team removed, a file with an undeclared team refused before anything is sent.
// A third gives people roles in projects (issue 20): one through a team, two directly; the roles
// wait while everyone is invited (no project invitation), are given once they accept; by hand a
// declared member given a role in a project nobody listed them in, a project invitation to a
// stranger and a raised role fail the gate, naming all three; the merge's pruning up puts the role
// back and removes the other two; a person's project taken off the list; destroy leaves the
// projects' own (ignored) owner alone.

import { spawn } from "node:child_process";
import { readFileSync, writeFileSync } from "node:fs";
import { join, relative, resolve } from "node:path";
import { describe, expect, test } from "vitest";
import { parse, stringify } from "yaml";
import type { ProjectRecord } from "../../emulator";
import { REPO_ROOT } from "./harness/cli";
import { useE2e, type E2eContext } from "./harness/e2e-context";

let e2e: E2eContext;
useE2e("example-membership", (context) => (e2e = context), { withdrawAfterEach: false });

const EXAMPLE = join(REPO_ROOT, "examples", "org-membership");
const BREAK_GLASS = "admin@break-glass.example.com";

interface CliRun {
  code: number | null;
  output: string;
}

/** Runs `file args` in `cwd` with the suite's environment and `env`; stdout and stderr as one text. */
function run(file: string, args: string[], cwd: string, env: Record<string, string> = {}): Promise<CliRun> {
  return new Promise((resolvePromise, reject) => {
    const child = spawn(file, args, { cwd, env: { ...process.env, ...e2e.env, ...env }, stdio: ["ignore", "pipe", "pipe"] });
    let output = "";
    child.stdout.setEncoding("utf8").on("data", (d: string) => (output += d));
    child.stderr.setEncoding("utf8").on("data", (d: string) => (output += d));
    child.on("error", reject);
    child.on("close", (code) => resolvePromise({ code, output }));
  });
}

/** Runs `pulumi <args>` in the project folder with the suite's environment, as a CI job would. */
function pulumi(workDir: string, args: string[]): Promise<CliRun> {
  return run(join(e2e.cli.binDir, "pulumi"), [...args, "--non-interactive", "--color", "never"], workDir);
}

/** The GitOps workflow's `pulumi …` command of `job` (examples/gitops/cloud-manager-membership.yml), as its step writes it. */
function workflowCommand(job: "preview" | "apply"): { command: string; env: Record<string, string> } {
  const workflow = parse(readFileSync(join(REPO_ROOT, "examples", "gitops", "cloud-manager-membership.yml"), "utf8")) as {
    env: Record<string, string>;
    jobs: Record<string, { steps: { run?: string; env?: Record<string, string> }[] }>;
  };
  const step = workflow.jobs[job]?.steps.find((s) => s.run?.trim().startsWith("pulumi ") === true);
  if (step?.run === undefined) throw new Error(`the workflow's ${job} job runs no pulumi command`);
  // The workflow's policy settings and the step's own environment (the apply step's engine settings).
  const env = { ...Object.fromEntries(Object.entries(workflow.env).filter(([name]) => name.startsWith("POLICY_"))), ...step.env };
  return { command: step.run.trim(), env };
}

/** Runs the workflow's `job` step through bash as the runner would: the repository is this one, the project `workDir`. */
function runWorkflowStep(job: "preview" | "apply", workDir: string, stack: string): Promise<CliRun> {
  const { command, env } = workflowCommand(job);
  return run("bash", ["-c", `${command} --color never`], REPO_ROOT, {
    ...env,
    GITHUB_WORKSPACE: REPO_ROOT,
    PULUMI_PROJECT_DIR: workDir,
    PULUMI_STACK: stack,
  });
}

/** A project folder under this file's work root: the example's Pulumi.yaml, `main` pointing back at the compiled example. */
function exampleProject(peopleYaml: string): { workDir: string; peopleFile: string } {
  const project = parse(readFileSync(join(EXAMPLE, "Pulumi.yaml"), "utf8")) as { name: string; main: string };
  const program = resolve(EXAMPLE, project.main);
  const workDir = e2e.newWorkDir("org-membership");
  writeFileSync(join(workDir, "Pulumi.yaml"), stringify({ ...project, main: relative(workDir, program) }));
  const peopleFile = join(workDir, "people.yaml");
  writeFileSync(peopleFile, peopleYaml);
  return { workDir, peopleFile };
}

describe("the enforcement example (examples/org-membership)", () => {
  test("runs as a local program: up invites everyone in people.yaml (all PENDING); the gate, the pruning merge and the gate again through the pulumi binary", async () => {
    const dba = e2e.emulator.state.createTeam(e2e.orgId, { name: "dba" });
    e2e.emulator.state.addOrgUser(e2e.orgId, { username: BREAK_GLASS, roles: ["ORG_OWNER"] });
    const { workDir, peopleFile } = exampleProject(
      [
        "- email: Alice@Example.com",
        "  roles: [ORG_OWNER]",
        "- email: bob@example.com",
        "  roles: [ORG_GROUP_CREATOR, ORG_MEMBER]",
        `  teams: [${dba.id}]`,
        "- email: carol@example.com",
        "  roles: [ORG_READ_ONLY]",
        "",
      ].join("\n"),
    );
    const stack = await e2e.localStack(workDir, {
      config: {
        orgId: { value: e2e.orgId },
        peopleFile: { value: peopleFile },
        ignore: { value: JSON.stringify(["*@break-glass.example.com"]) },
      },
    });

    const up = await stack.up();
    expect(up.result.summary.resourceChanges).toEqual({ create: 5 });
    const outputs = await stack.outputs();
    expect(outputs["statuses"]).toEqual({ "alice@example.com": "PENDING", "bob@example.com": "PENDING", "carol@example.com": "PENDING" });
    expect(outputs["unmanagedInvitations"]).toBe("");
    expect(outputs["unmanagedMembers"]).toBe("");
    expect([...e2e.view.pendingByUser().keys()].sort()).toEqual(["alice@example.com", "bob@example.com", "carol@example.com"]);
    expect(e2e.view.pendingFor("bob@example.com").teamIds).toEqual([dba.id]);

    const args = ["--stack", stack.name];
    const gate = ["preview", "--refresh", "--expect-no-changes", "--diff", ...args];
    const green = await pulumi(workDir, gate);
    expect(green.output).toContain("5 unchanged");
    expect(green.code).toBe(0);

    // Someone invited in the Cloud Manager UI: the scheduled gate fails with Pulumi's "no changes expected" exit code.
    const invited = e2e.emulator.state.inviteAs(e2e.orgId, { username: "stranger@example.com", roles: ["ORG_OWNER"] }, "admin@example.com");
    let mark = e2e.view.mark();
    const red = await pulumi(workDir, gate);
    expect(red.code).toBe(7);
    expect(red.output).toContain("no changes were expected for preview but changes were proposed");
    expect(red.output).toMatch(
      /warning: cloudmanager: undeclared access in organization [0-9a-f]{24} \(\d+ entr(y|ies)[^)]*\): stranger@example\.com \(invited by/,
    );
    expect(e2e.view.writesSince(mark)).toEqual([]);

    // The pull request's preview, with the workflow's policy pack (examples/org-membership/policy.json):
    // the list passes the rules; prune is off, so the stranger is named, not removed.
    const review = await runWorkflowStep("preview", workDir, stack.name);
    expect(review.code).toBe(0);
    expect(review.output).toMatch(/Policy Packs run:\s+Name\s+Version\s+cloudmanager-access\|local\|/);
    expect(review.output).toContain("stranger@example.com");
    expect(e2e.view.writesSince(mark)).toEqual([]);

    // The merge's pruning up with no break-glass account in `ignore`: the pack's prune-needs-ignore rule
    // stops it before anything is sent.
    await stack.stack.removeConfig("ignore");
    const unsafe = await runWorkflowStep("apply", workDir, stack.name);
    expect(unsafe.code).not.toBe(0);
    expect(unsafe.output).toContain("prune-needs-ignore");
    expect(unsafe.output).toContain("[mandatory]");
    expect(e2e.view.writesSince(mark)).toEqual([]);
    expect(e2e.view.pendingFor("stranger@example.com").id).toBe(invited.id);
    await stack.stack.setConfig("ignore", { value: JSON.stringify(["*@break-glass.example.com"]) });

    // The merge to main, as the workflow's apply job runs it: `pulumi up --refresh --config prune=true` with the pack.
    const merge = await runWorkflowStep("apply", workDir, stack.name);
    expect(merge.code).toBe(0);
    expect(merge.output).toContain(`pruned: withdrawing the invitation ${invited.id} for stranger@example.com`);
    expect(e2e.view.describeWritesSince(mark)).toEqual([`DELETE /orgs/${e2e.orgId}/invites/${invited.id} 204`]);
    expect(e2e.view.isMember(BREAK_GLASS)).toBe(true);

    // The scheduled gate runs with prune off (the committed config has none): prune alone is no
    // change, so it passes right after the pruning merge, with no other up in between.
    mark = e2e.view.mark();
    expect((await pulumi(workDir, ["config", "rm", "prune", ...args])).code).toBe(0);
    const greenAgain = await pulumi(workDir, gate);
    expect(e2e.view.writesSince(mark)).toEqual([]);
    expect(greenAgain.code).toBe(0);

    // Someone taken off the list loses their access: their invitation is withdrawn, once.
    const carol = e2e.view.pendingFor("carol@example.com");
    writeFileSync(peopleFile, readFileSync(peopleFile, "utf8").replace("- email: carol@example.com\n  roles: [ORG_READ_ONLY]\n", ""));
    mark = e2e.view.mark();
    const removal = await stack.up();
    expect(removal.result.summary.resourceChanges).toMatchObject({ delete: 1 });
    expect(e2e.view.describeWritesSince(mark)).toEqual([`DELETE /orgs/${e2e.orgId}/invites/${carol.id} 204`]);
    expect((await stack.outputs())["statuses"]).toEqual({ "alice@example.com": "PENDING", "bob@example.com": "PENDING" });
    expect((await pulumi(workDir, gate)).code).toBe(0);

    // Someone to let go of without removing them: retainOnDelete recorded first (an up that sends
    // nothing), then taken off the list — Pulumi forgets the resource, the access stays — and ignored.
    const bob = e2e.view.pendingFor("bob@example.com");
    await stack.stack.setConfig("retain", { value: JSON.stringify(["bob@example.com"]) });
    await stack.stack.setConfig("ignore", { value: JSON.stringify(["*@break-glass.example.com", "bob@example.com"]) });
    mark = e2e.view.mark();
    await stack.up();
    writeFileSync(peopleFile, readFileSync(peopleFile, "utf8").replace(/- email: bob@example.com\n( {2}.*\n)+/, ""));
    const letGo = await stack.up();
    expect(letGo.result.summary.resourceChanges).toMatchObject({ delete: 1 });
    expect(e2e.view.writesSince(mark)).toEqual([]);
    expect(e2e.view.pendingFor("bob@example.com").id).toBe(bob.id);
    expect((await stack.outputs())["statuses"]).toEqual({ "alice@example.com": "PENDING" });
    expect((await pulumi(workDir, gate)).code).toBe(0);

    const destroy = await stack.destroy();
    expect(destroy.result.summary.result).toBe("succeeded");
    expect(e2e.view.pending().map((i) => i.username)).toEqual(["bob@example.com"]);
    expect(e2e.view.isMember(BREAK_GLASS)).toBe(true);
    await e2e.withdrawAllPending();
  });
});

describe("the enforcement example with teams (people.yaml declares teams by name and their project roles)", () => {
  test("teams wait for a member, are made with their roles, drift fails the gate and the merge puts it back; rename, removal, destroy", async () => {
    const state = e2e.emulator.state;
    const prod: ProjectRecord = state.createProject(e2e.orgId, { name: "prod" });
    const staging: ProjectRecord = state.createProject(e2e.orgId, { name: "staging" });
    const accessYaml = (team: { name: string; renamedFrom?: string } | undefined, teamOf: (email: string) => string | undefined) =>
      [
        ...(team === undefined
          ? []
          : [
              "teams:",
              `  - name: ${team.name}`,
              ...(team.renamedFrom === undefined ? [] : [`    renamedFrom: ${team.renamedFrom}`]),
              "    projects:",
              `      ${prod.id}: [GROUP_DATA_ACCESS_ADMIN]`,
              `      ${staging.id}: [GROUP_READ_ONLY, GROUP_DATA_ACCESS_READ_ONLY]`,
            ]),
        "people:",
        ...["alice@example.com", "bob@example.com", "carol@example.com"].flatMap((email) => [
          `  - email: ${email}`,
          "    roles: [ORG_MEMBER]",
          ...(teamOf(email) === undefined ? [] : [`    teams: [${teamOf(email)}]`]),
        ]),
        "",
      ].join("\n");
    const onSre = (email: string) => (email === "carol@example.com" ? undefined : "sre");
    const { workDir, peopleFile } = exampleProject(accessYaml({ name: "sre" }, onSre));
    // The break-glass owner the first scenario leaves in the organization is ignored, as there.
    const stack = await e2e.localStack(workDir, {
      config: {
        orgId: { value: e2e.orgId },
        peopleFile: { value: peopleFile },
        ignore: { value: JSON.stringify(["*@break-glass.example.com"]) },
      },
    });
    const args = ["--stack", stack.name];
    const gate = ["preview", "--refresh", "--expect-no-changes", "--diff", ...args];
    const teamNamed = (name: string) => state.teams(e2e.orgId).find((t) => t.name === name);
    const rolesOf = (projectId: string, teamId: string | undefined) =>
      [...(state.projectTeams(projectId).find((t) => t.teamId === teamId)?.roleNames ?? [])].sort();
    const members = (teamId: string) =>
      state
        .teamUsers(e2e.orgId, teamId)
        .map((u) => u.username)
        .sort();

    // Everyone only invited: the team waits (Cloud Manager cannot create an empty one), and so do its roles.
    let mark = e2e.view.mark();
    const invited = await stack.up();
    // 3 memberships, the roster, the team, 2 project roles, a roster per project, the stack
    expect(invited.result.summary.resourceChanges).toEqual({ create: 10 });
    expect(await stack.outputs()).toMatchObject({
      teamStatuses: { sre: { teamId: "waiting:sre", status: "WAITING" } },
      projectTeamStatuses: { [`sre/${prod.id}`]: "WAITING", [`sre/${staging.id}`]: "WAITING" },
    });
    expect(e2e.view.describeWritesSince(mark).every((w) => w.startsWith(`POST /orgs/${e2e.orgId}/invites `))).toBe(true);
    expect(teamNamed("sre")).toBeUndefined();
    // Waiting is not drift: the gate stays green while the team waits, says what it waits for, and sends nothing (examples/gitops/README.md).
    mark = e2e.view.mark();
    const waitingGate = await pulumi(workDir, gate);
    expect(waitingGate.code, waitingGate.output).toBe(0);
    expect(waitingGate.output).toMatch(/team "sre" of organization .* waits for one of .* to be a member/);
    expect(e2e.view.writesSince(mark)).toEqual([]);

    // alice accepts; bob has not yet: the team is made with alice, bob joins it once he is a member.
    state.acceptInvitation(e2e.orgId, e2e.view.pendingFor("alice@example.com").id);
    const made = await stack.up();
    expect(made.result.summary.resourceChanges).toMatchObject({ replace: 3 });
    const sre = teamNamed("sre");
    expect(sre).toBeDefined();
    const sreId = sre?.id ?? "";
    expect(members(sreId)).toEqual(["alice@example.com"]);
    expect(rolesOf(prod.id, sreId)).toEqual(["GROUP_DATA_ACCESS_ADMIN"]);
    expect(rolesOf(staging.id, sreId)).toEqual(["GROUP_DATA_ACCESS_READ_ONLY", "GROUP_READ_ONLY"]);
    expect((await stack.outputs())["teamStatuses"]).toEqual({ sre: { teamId: sreId, status: "ACTIVE" } });
    expect(e2e.view.pendingFor("bob@example.com").teamIds).toEqual([sreId]);
    expect((await pulumi(workDir, gate)).code).toBe(0);

    // By hand: sre raised to Project Owner in prod. The scheduled gate fails, naming the team and the project.
    state.setProjectTeamRoles(prod.id, sreId, ["GROUP_OWNER"]);
    mark = e2e.view.mark();
    const red = await pulumi(workDir, gate);
    expect(red.code).toBe(7);
    expect(red.output).toContain(
      'warning: cloudmanager: team "sre" in project "prod" has roles GROUP_OWNER; `pulumi up` sets them to GROUP_DATA_ACCESS_ADMIN.',
    );
    expect(e2e.view.writesSince(mark)).toEqual([]);

    // The merge to main puts the roles back; the gate passes again with prune off.
    const merge = await pulumi(workDir, ["up", "--refresh", "--yes", "--config", "prune=true", ...args]);
    expect(merge.code).toBe(0);
    expect(e2e.view.describeWritesSince(mark)).toEqual([`PATCH /groups/${prod.id}/teams/${sreId} 200`]);
    expect(rolesOf(prod.id, sreId)).toEqual(["GROUP_DATA_ACCESS_ADMIN"]);
    expect((await pulumi(workDir, ["config", "rm", "prune", ...args])).code).toBe(0);
    expect((await pulumi(workDir, gate)).code).toBe(0);

    // A team name nobody declared is refused by the program, naming the file and the entry, before anything is sent.
    const good = readFileSync(peopleFile, "utf8");
    writeFileSync(peopleFile, good.replace("    teams: [sre]\n  - email: carol", "    teams: [sre-team]\n  - email: carol"));
    mark = e2e.view.mark();
    const refused = await pulumi(workDir, ["preview", ...args]);
    expect(refused.code).not.toBe(0);
    expect(refused.output).toContain(
      `${peopleFile}: people entry 2 (bob@example.com): team "sre-team" is not declared under "teams:": correct the name (declared: sre) or declare it there ("- name: sre-team")`,
    );
    expect(e2e.view.requestsSince(mark)).toEqual([]);

    // Renamed in people.yaml (renamedFrom keeps the resources): one PATCH, same id, members and roles kept.
    writeFileSync(
      peopleFile,
      accessYaml({ name: "site-reliability", renamedFrom: "sre" }, (email) => onSre(email) && "site-reliability"),
    );
    mark = e2e.view.mark();
    const renamed = await stack.up();
    expect(renamed.result.summary.resourceChanges).toMatchObject({ update: 1 });
    expect(e2e.view.describeWritesSince(mark)).toEqual([`PATCH /orgs/${e2e.orgId}/teams/${sreId} 200`]);
    expect(teamNamed("site-reliability")?.id).toBe(sreId);
    expect(rolesOf(prod.id, sreId)).toEqual(["GROUP_DATA_ACCESS_ADMIN"]);
    expect((await stack.outputs())["teamStatuses"]).toEqual({ "site-reliability": { teamId: sreId, status: "ACTIVE" } });

    // Removed from people.yaml with its project roles: one up takes it off both projects and deletes it.
    writeFileSync(
      peopleFile,
      accessYaml(undefined, () => undefined),
    );
    mark = e2e.view.mark();
    const removed = await stack.up();
    expect(removed.result.summary.resourceChanges).toMatchObject({ delete: 5 }); // the Team, its 2 ProjectTeams, the 2 projects' rosters
    expect(e2e.view.describeWritesSince(mark)).toEqual(
      expect.arrayContaining([
        `DELETE /groups/${prod.id}/teams/${sreId} 204`,
        `DELETE /groups/${staging.id}/teams/${sreId} 204`,
        `DELETE /orgs/${e2e.orgId}/teams/${sreId} 204`,
      ]),
    );
    expect(teamNamed("sre") ?? teamNamed("site-reliability")).toBeUndefined();
    expect([...state.projectTeams(prod.id), ...state.projectTeams(staging.id)]).toEqual([]);
    expect((await pulumi(workDir, gate)).code).toBe(0);

    const destroy = await stack.destroy();
    expect(destroy.result.summary.result).toBe("succeeded");
    expect(e2e.view.pending()).toEqual([]);
    expect(e2e.view.isMember("alice@example.com")).toBe(false);
  });
});

describe("the enforcement example with project roles (people.yaml gives people roles of their own in projects)", () => {
  test("roles wait while invited, are given once accepted; a role nobody listed, a project invitation and a raised role fail the gate; the merge prunes and puts back; a project taken off; destroy", async () => {
    const state = e2e.emulator.state;
    const orgId = e2e.orgId;
    const ALICE = "alice@example.com";
    const BOB = "bob@example.com";
    const CAROL = "carol@example.com";
    /** In the organization (listed), with no project role: an admin gives him one by hand. */
    const DAVE = "dave@example.com";
    /** The projects' own owner: a direct GROUP_OWNER of both, made by hand, ignored by the stack config. */
    const OWNER = "owner@example.com";
    const GUEST = "guest@example.net";
    const ADMIN = "admin@example.com";
    const prod: ProjectRecord = state.createProject(orgId, { name: "production" });
    const analytics: ProjectRecord = state.createProject(orgId, { name: "analytics" });
    state.addOrgUser(orgId, { username: OWNER, roles: ["ORG_MEMBER"] });
    for (const project of [prod, analytics]) state.setProjectUserRoles(project.id, OWNER, ["GROUP_OWNER"]);

    /**
     * people.yaml: alice on team data (roles in both projects), bob's own roles in both, carol's in analytics
     * (unless dropped), dave in the org only. Not "dba": the first scenario leaves a hand-made team of that name, which a Team adopts.
     */
    const accessYaml = (carolInAnalytics: boolean) =>
      [
        "teams:",
        "  - name: data",
        "    projects:",
        `      ${prod.id}: [GROUP_DATA_ACCESS_ADMIN]`,
        `      ${analytics.id}: [GROUP_READ_ONLY]`,
        "people:",
        `  - email: ${ALICE}`,
        "    roles: [ORG_MEMBER]",
        "    teams: [data]",
        `  - email: ${BOB}`,
        "    roles: [ORG_MEMBER]",
        "    projects:",
        `      ${prod.id}: [GROUP_READ_ONLY]`,
        `      ${analytics.id}: [GROUP_DATA_ACCESS_READ_WRITE]`,
        `  - email: ${CAROL}`,
        "    roles: [ORG_MEMBER]",
        ...(carolInAnalytics ? ["    projects:", `      ${analytics.id}: [GROUP_DATA_ACCESS_READ_ONLY]`] : []),
        `  - email: ${DAVE}`,
        "    roles: [ORG_MEMBER]",
        "",
      ].join("\n");
    const { workDir, peopleFile } = exampleProject(accessYaml(true));
    const stack = await e2e.localStack(workDir, {
      config: {
        orgId: { value: orgId },
        peopleFile: { value: peopleFile },
        ignore: { value: JSON.stringify(["*@break-glass.example.com", OWNER]) },
      },
    });
    const args = ["--stack", stack.name];
    const gate = ["preview", "--refresh", "--expect-no-changes", "--diff", ...args];
    /** A project's users with roles of their own, as "username: ROLE, ROLE", sorted (a team's roles are not listed). */
    const directRoles = (projectId: string) =>
      state
        .projectUsers(projectId)
        .map((u) => ({ u, roles: u.roles.filter((r) => r.groupId === projectId).map((r) => r.roleName) }))
        .filter(({ roles }) => roles.length > 0)
        .map(({ u, roles }) => `${u.username}: ${roles.sort().join(", ")}`)
        .sort();
    const userId = (username: string) => state.members(orgId).find((m) => m.username === username)?.id ?? `(${username}: no member)`;
    /** The provider's writes since `mark`, with the ids named, sorted (parallel steps send in any order). */
    const writes = (mark: number, ids: Record<string, string>) =>
      e2e.view
        .describeWritesSince(mark)
        .map((line) => Object.entries(ids).reduce((text, [name, id]) => text.split(id).join(`{${name}}`), line))
        .sort();
    const ids = { org: orgId, prod: prod.id, analytics: analytics.id };
    const grant = (email: string, project: ProjectRecord) => `${email}/${project.id}`;
    const zero = { users: 0, invitations: 0, teams: 0 };

    // 1. Everyone only invited: four organization invitations and nothing else. The project roles wait
    // (no project invitation: it would be a second invitation), and so does the team.
    let mark = e2e.view.mark();
    const invited = await stack.up();
    // 4 memberships, the roster, the team, 2 team roles, 3 people's roles, 2 project rosters, the stack
    expect(invited.result.summary.resourceChanges).toEqual({ create: 14 });
    expect(writes(mark, ids)).toEqual(Array(4).fill("POST /orgs/{org}/invites 201"));
    expect(state.projectInvitations()).toEqual([]);
    expect(invited.output).toContain(
      `${BOB} gets GROUP_READ_ONLY in project "production" once they are a member of organization ${orgId}: their invitation ${e2e.view.pendingFor(BOB).id} is pending`,
    );
    let outputs = await stack.outputs();
    expect(outputs["projectMembershipStatuses"]).toEqual({
      [grant(BOB, prod)]: "PENDING",
      [grant(BOB, analytics)]: "PENDING",
      [grant(CAROL, analytics)]: "PENDING",
    });
    expect(outputs["undeclaredProjectAccess"]).toEqual({ [prod.id]: zero, [analytics.id]: zero });
    // Waiting is not drift: the gate stays green while they are invited, and sends nothing.
    mark = e2e.view.mark();
    const waitingGate = await pulumi(workDir, gate);
    expect(waitingGate.code, waitingGate.output).toBe(0);
    expect(waitingGate.output).toContain(`${BOB} in project "production" gets their roles once they are a member of organization ${orgId}`);
    expect(e2e.view.writesSince(mark)).toEqual([]);

    // 2. They accept; the next up makes the team with its roles and gives bob and carol theirs.
    for (const email of [ALICE, BOB, CAROL, DAVE]) state.acceptInvitation(orgId, e2e.view.pendingFor(email).id);
    mark = e2e.view.mark();
    const converged = await stack.up();
    expect(converged.result.summary.result).toBe("succeeded");
    const dataId = state.teams(orgId).find((t) => t.name === "data")?.id ?? "(no team data)";
    const named = { ...ids, data: dataId, bob: userId(BOB), carol: userId(CAROL), dave: userId(DAVE) };
    expect(writes(mark, named)).toEqual([
      "POST /groups/{analytics}/teams 200",
      "POST /groups/{analytics}/users 200",
      "POST /groups/{analytics}/users 200",
      "POST /groups/{prod}/teams 200",
      "POST /groups/{prod}/users 200",
      "POST /orgs/{org}/teams 200",
    ]);
    expect(directRoles(prod.id)).toEqual([`${BOB}: GROUP_READ_ONLY`, `${OWNER}: GROUP_OWNER`]);
    expect(directRoles(analytics.id)).toEqual([
      `${BOB}: GROUP_DATA_ACCESS_READ_WRITE`,
      `${CAROL}: GROUP_DATA_ACCESS_READ_ONLY`,
      `${OWNER}: GROUP_OWNER`,
    ]);
    outputs = await stack.outputs();
    expect(Object.values(outputs["projectMembershipStatuses"] as Record<string, string>)).toEqual(["ACTIVE", "ACTIVE", "ACTIVE"]);
    expect(outputs["undeclaredProjectAccess"]).toEqual({ [prod.id]: zero, [analytics.id]: zero });
    expect((await pulumi(workDir, gate)).code).toBe(0);

    // A role that is no project role is refused by the program, naming the file and the entry, before anything is sent.
    writeFileSync(peopleFile, accessYaml(true).replace("[GROUP_DATA_ACCESS_READ_ONLY]", "[ORG_READ_ONLY]"));
    mark = e2e.view.mark();
    const refused = await pulumi(workDir, ["preview", ...args]);
    expect(refused.code).not.toBe(0);
    expect(refused.output).toContain(
      `${peopleFile}: people entry 3 (${CAROL}): project ${analytics.id}: "ORG_READ_ONLY" is not a project role (a person's roles in a project are GROUP_ roles)`,
    );
    expect(e2e.view.requestsSince(mark)).toEqual([]);
    writeFileSync(peopleFile, accessYaml(true));

    // 3. By hand, in the Cloud Manager UI: dave (listed, with no project role) given one in prod, a
    // project invitation to a stranger in analytics, bob raised to Project Owner in prod. The gate
    // fails and names all three.
    state.setProjectUserRoles(prod.id, DAVE, ["GROUP_DATA_ACCESS_ADMIN"]);
    const guest = state.inviteToProjectAs(analytics.id, { username: GUEST, roles: ["GROUP_READ_ONLY"] }, ADMIN);
    state.setProjectUserRoles(prod.id, BOB, ["GROUP_OWNER"]);
    mark = e2e.view.mark();
    const red = await pulumi(workDir, gate);
    expect(red.code, red.output).toBe(7);
    expect(red.output).toContain("no changes were expected for preview but changes were proposed");
    expect(red.output).toContain(
      `warning: cloudmanager: undeclared access in project ${prod.id} (1 entry): ${DAVE} (GROUP_DATA_ACCESS_ADMIN).`,
    );
    expect(red.output).toContain(
      `warning: cloudmanager: undeclared access in project ${analytics.id} (1 entry): ${GUEST} (invited by ${ADMIN} at ${guest.createdAt}: GROUP_READ_ONLY).`,
    );
    expect(red.output).toContain(
      `warning: cloudmanager: ${BOB} in project "production" has GROUP_OWNER; \`pulumi up\` sets GROUP_READ_ONLY.`,
    );
    // Neither the owner (ignored) nor a listed person's own roles are undeclared; dave is no stranger to the organization.
    expect(red.output).not.toMatch(new RegExp(`undeclared access in [^\\n]*(${OWNER}|${BOB}|${CAROL})`));
    expect(red.output).not.toContain(`undeclared access in organization`);
    expect(e2e.view.writesSince(mark)).toEqual([]);

    // 4. The merge to main: up --refresh --config prune=true sets bob's role back, takes dave out of
    // prod (not out of the organization) and withdraws the invitation, one pruned: line each.
    mark = e2e.view.mark();
    const merge = await pulumi(workDir, ["up", "--refresh", "--yes", "--config", "prune=true", ...args]);
    expect(merge.code, merge.output).toBe(0);
    expect(writes(mark, { ...named, guest: guest.id })).toEqual([
      "DELETE /groups/{analytics}/invites/{guest} 204",
      "DELETE /groups/{prod}/users/{dave} 204",
      "PUT /groups/{prod}/users/{bob}/roles 200",
    ]);
    expect(merge.output).toContain(`pruned: taking ${DAVE} (GROUP_DATA_ACCESS_ADMIN) out of project "production" (${prod.id})`);
    expect(merge.output).toContain(`pruned: withdrawing the invitation ${guest.id} for ${GUEST} to project "analytics" (${analytics.id})`);
    expect(directRoles(prod.id)).toEqual([`${BOB}: GROUP_READ_ONLY`, `${OWNER}: GROUP_OWNER`]);
    expect(state.pendingProjectInvitations(analytics.id)).toEqual([]);
    expect(e2e.view.isMember(DAVE)).toBe(true);
    expect((await stack.outputs())["undeclaredProjectAccess"]).toEqual({ [prod.id]: zero, [analytics.id]: zero });
    expect((await pulumi(workDir, ["config", "rm", "prune", ...args])).code).toBe(0);
    expect((await pulumi(workDir, gate)).code).toBe(0);

    // 5. carol's project role taken off people.yaml (she stays listed): one up takes her out of
    // analytics, and she stays in the organization.
    writeFileSync(peopleFile, accessYaml(false));
    mark = e2e.view.mark();
    const removal = await stack.up();
    expect(removal.result.summary.resourceChanges).toMatchObject({ delete: 1, update: 1 }); // her ProjectMembership; the roster's managed
    expect(writes(mark, named)).toEqual(["DELETE /groups/{analytics}/users/{carol} 204"]);
    expect(directRoles(analytics.id)).toEqual([`${BOB}: GROUP_DATA_ACCESS_READ_WRITE`, `${OWNER}: GROUP_OWNER`]);
    expect(e2e.view.isMember(CAROL)).toBe(true);
    expect(Object.keys((await stack.outputs())["projectMembershipStatuses"] as object).sort()).toEqual(
      [grant(BOB, prod), grant(BOB, analytics)].sort(),
    );
    expect((await pulumi(workDir, gate)).code).toBe(0);

    // 6. destroy completes; the projects' own owner is untouched (no request names them).
    mark = e2e.view.mark();
    const ownerId = userId(OWNER);
    const destroy = await stack.destroy();
    expect(destroy.result.summary.result).toBe("succeeded");
    expect(e2e.view.requestsSince(mark).filter((r) => r.path.includes(ownerId))).toEqual([]);
    expect([directRoles(prod.id), directRoles(analytics.id)]).toEqual([[`${OWNER}: GROUP_OWNER`], [`${OWNER}: GROUP_OWNER`]]);
    expect([...state.projectTeams(prod.id), ...state.projectTeams(analytics.id)]).toEqual([]);
    expect(state.teams(orgId).filter((t) => t.id === dataId)).toEqual([]);
    expect([ALICE, BOB, CAROL, DAVE].filter((u) => e2e.view.isMember(u))).toEqual([]);
    expect(e2e.view.isMember(OWNER)).toBe(true);
    expect(e2e.view.pending()).toEqual([]);
  });
});
