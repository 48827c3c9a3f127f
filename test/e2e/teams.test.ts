// Issue 19's "Done means" for teams as code, the way a user runs it: a fresh TypeScript project in the
// system's temporary folder (outside the repository, so nothing resolves through its node_modules),
// the tarball `npm pack` makes installed into it, and every step run by the `pulumi` binary itself
// (up, preview --refresh --expect-no-changes, destroy), with its exit code and printed output checked
// beside what the emulator holds. The program (index.ts) is written again for each change "in code".
// The Automation API only creates the stack and sets its config (secret key included) and exports state.
// Steps 1-7 are one test (one stack); step 8, a hand-over of a team's only place, has a stack of its own,
// and 8b checks that one up finishes that move even when the leave runs first.

import { lstatSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, test } from "vitest";
import { useE2e, type E2eContext } from "./harness/e2e-context";
import { describeRequest } from "./harness/emulator-view";
import { typescriptTemplate } from "./harness/fresh-typescript-project";
import { usePackedInstall, withoutNpmLifecycle } from "./harness/packed-package";
import { projectAccess } from "./harness/project-access";
import { GATE, summary, useProjectCli, warnings } from "./harness/project-cli";
import type { TestStack } from "./harness/test-stack";

/**
 * Records each request after which a team that had users had none: "a team update never empties a
 * team" is then checked at every request, not inferred from the end state. (destroy legitimately
 * empties a team for a moment: it removes the people from the organization, then deletes the team;
 * the tests read the records of their ups only.)
 */
class EmptyTeamWatch {
  readonly violations: string[] = [];
  private readonly hadUsers = new Set<string>();
  private e2e: E2eContext | undefined;

  readonly onRequest = (line: string): void => {
    if (!this.e2e) return;
    const { state } = this.e2e.emulator;
    for (const team of state.teams(this.e2e.orgId)) {
      const users = state.teamUsers(this.e2e.orgId, team.id).length;
      if (users > 0) this.hadUsers.add(team.id);
      else if (this.hadUsers.has(team.id)) this.violations.push(`after "${line}": team "${team.name}" (${team.id}) has no user`);
    }
  };

  attach(e2e: E2eContext): void {
    this.e2e = e2e;
  }
}

const emptyTeams = new EmptyTeamWatch();
let e2e: E2eContext;
useE2e(
  "teams",
  (context) => {
    e2e = context;
    emptyTeams.attach(context);
  },
  { emulator: { log: emptyTeams.onRequest } },
);

// ---- the project: made like `pulumi new typescript`, the packed package installed ----

const project = usePackedInstall(
  "teams",
  typescriptTemplate("cloudmanager-teams", "Teams as code against the Cloud Manager emulator"),
  () => withoutNpmLifecycle(e2e.env),
);

// ---- the program, written as code ----

interface TeamDecl {
  /** The Team's resource name (stays when the team is renamed). */
  resource: string;
  name: string;
  founders: string[];
}

interface PersonDecl {
  resource: string;
  username: string;
  /** Resource names of the Teams whose `teamId` the OrgMembership lists. */
  teams: string[];
  /** Resource names of people whose OrgMembership this one `dependsOn` (to pin the engine's order). */
  after?: string[];
}

interface ProjectTeamDecl {
  resource: string;
  team: string;
  projectId: string;
  roles: string[];
}

interface Program {
  teams: TeamDecl[];
  people: PersonDecl[];
  projectTeams: ProjectTeamDecl[];
}

const lit = (value: unknown): string => JSON.stringify(value);

/** index.ts declaring exactly `p`, with every resource's status exported. */
function programSource(p: Program): string {
  return [
    `import * as pulumi from "@pulumi/pulumi";`,
    `import { OrgMembership, ProjectTeam, Team } from "pulumi-cloudmanager";`,
    ``,
    `const orgId = new pulumi.Config().require("orgId");`,
    ``,
    `const teams: Record<string, Team> = {};`,
    ...p.teams.map(
      (t) => `teams[${lit(t.resource)}] = new Team(${lit(t.resource)}, { orgId, name: ${lit(t.name)}, founders: ${lit(t.founders)} });`,
    ),
    `const people: Record<string, OrgMembership> = {};`,
    ...p.people.map(
      (m) =>
        `people[${lit(m.resource)}] = new OrgMembership(${lit(m.resource)}, { orgId, username: ${lit(m.username)}, roles: ["ORG_MEMBER"], ` +
        `teamIds: [${m.teams.map((t) => `teams[${lit(t)}].teamId`).join(", ")}] }` +
        (m.after === undefined ? "" : `, { dependsOn: [${m.after.map((a) => `people[${lit(a)}]`).join(", ")}] }`) +
        `);`,
    ),
    `const projectTeams: Record<string, ProjectTeam> = {};`,
    ...p.projectTeams.map(
      (r) =>
        `projectTeams[${lit(r.resource)}] = new ProjectTeam(${lit(r.resource)}, { orgId, projectId: ${lit(r.projectId)}, ` +
        `teamId: teams[${lit(r.team)}].teamId, roles: ${lit(r.roles)} });`,
    ),
    ``,
    `export const teamStates = Object.fromEntries(Object.entries(teams).map(([k, t]) =>`,
    `  [k, { name: t.name, teamId: t.teamId, status: t.status, waitingFor: t.waitingFor }]));`,
    `export const personStates = Object.fromEntries(Object.entries(people).map(([k, m]) => [k, { status: m.status, teamIds: m.teamIds }]));`,
    `export const projectTeamStates = Object.fromEntries(Object.entries(projectTeams).map(([k, r]) =>`,
    `  [k, { status: r.status, roles: r.roles, teamId: r.teamId }]));`,
    ``,
  ].join("\n");
}

function writeProgram(p: Program): void {
  writeFileSync(join(project.dir, "index.ts"), programSource(p));
}

// ---- the CLI ----

const cli = useProjectCli("test/e2e/teams.test.ts", () => e2e, project);
const { pulumi, mustPulumi, up } = cli;

interface Outputs {
  teamStates: Record<string, { name: string; teamId: string; status: string; waitingFor?: string[] }>;
  personStates: Record<string, { status: string; teamIds: string[] }>;
  projectTeamStates: Record<string, { status: string; roles: string[]; teamId: string }>;
}

const outputs = (stack: TestStack) => cli.outputs<Outputs>(stack);

// ---- the emulator ----

const { usersOf, teamRolesIn: rolesIn } = projectAccess(() => e2e);

function teamNamed(name: string): { id: string; name: string } | undefined {
  return e2e.emulator.state.teams(e2e.orgId).find((t) => t.name === name);
}

function writes(mark: number): string[] {
  return e2e.view.writesSince(mark).map((r) => describeRequest(r).replace(e2e.orgId, "{org}"));
}

/** The people on oncall right after step 8's move (one up), for 8b. */
let oncallAfterTheMove: string[] | undefined;

const ALICE = "alice@example.com";
const BOB = "bob@example.com";
const CAROL = "carol@example.com";

describe("teams as code through the pulumi CLI, the packed package in a fresh project", () => {
  test("the package is the packed copy, not a link to this repository", () => {
    const installed = join(project.dir, "node_modules", "pulumi-cloudmanager");
    expect(lstatSync(installed).isSymbolicLink()).toBe(false);
    expect(lstatSync(join(installed, "dist", "provider", "resources", "team", "lifecycle.js")).isFile()).toBe(true);
  });

  test("declare, wait, converge, drift and the gate, rename, remove, destroy (issue 19's scenario)", async () => {
    const orgId = e2e.orgId;
    const prod = e2e.emulator.state.createProject(orgId, { name: "prod" });
    const staging = e2e.emulator.state.createProject(orgId, { name: "staging" });

    // 1. Two teams, three people, the teams' roles in two projects.
    const dba: TeamDecl = { resource: "dba", name: "dba", founders: [ALICE, BOB] };
    const ops: TeamDecl = { resource: "ops", name: "ops", founders: [CAROL] };
    const program: Program = {
      teams: [dba, ops],
      people: [
        { resource: "alice", username: ALICE, teams: ["dba"] },
        { resource: "bob", username: BOB, teams: ["dba"] },
        { resource: "carol", username: CAROL, teams: ["ops"] },
      ],
      projectTeams: [
        { resource: "dba-prod", team: "dba", projectId: prod.id, roles: ["GROUP_DATA_ACCESS_ADMIN"] },
        { resource: "dba-staging", team: "dba", projectId: staging.id, roles: ["GROUP_READ_ONLY"] },
        { resource: "ops-prod", team: "ops", projectId: prod.id, roles: ["GROUP_AUTOMATION_ADMIN"] },
      ],
    };
    writeProgram(program);
    const stack = await e2e.localStack(project.dir, { config: { orgId: { value: orgId } } });

    // 2. Nobody is a member yet: invitations go out without a team, the teams and their roles wait.
    let mark = e2e.view.mark();
    const first = await up(stack);
    expect(summary(first)).toEqual({ created: 9 });
    const pending = e2e.view.pending();
    expect(pending.map((i) => i.username).sort()).toEqual([ALICE, BOB, CAROL]);
    expect(pending.map((i) => i.teamIds)).toEqual([[], [], []]);
    expect(e2e.emulator.state.teams(orgId)).toEqual([]);
    expect([rolesIn(prod.id), rolesIn(staging.id)]).toEqual([[], []]);
    expect(writes(mark)).toEqual([`POST /orgs/{org}/invites 201`, `POST /orgs/{org}/invites 201`, `POST /orgs/{org}/invites 201`]);
    const said = warnings(first);
    expect(said).toEqual(
      expect.arrayContaining([
        expect.stringMatching(/team "dba" waits for a founder: .* none of alice@example\.com, bob@example\.com is a member/),
        expect.stringMatching(/team "ops" waits for a founder: .* none of carol@example\.com is a member/),
        expect.stringContaining(`team "dba" gets its roles in project ${prod.id} once its Team is created`),
        expect.stringContaining(`team "dba" gets its roles in project ${staging.id} once its Team is created`),
        expect.stringContaining(`team "ops" gets its roles in project ${prod.id} once its Team is created`),
        expect.stringContaining(`${ALICE} joins team dba once it is created`),
        expect.stringContaining(`${BOB} joins team dba once it is created`),
        expect.stringContaining(`${CAROL} joins team ops once it is created`),
      ]),
    );
    let out = await outputs(stack);
    expect(out.teamStates).toEqual({
      dba: { name: "dba", teamId: "waiting:dba", status: "WAITING", waitingFor: [ALICE, BOB] },
      ops: { name: "ops", teamId: "waiting:ops", status: "WAITING", waitingFor: [CAROL] },
    });
    expect(Object.values(out.projectTeamStates).map((r) => r.status)).toEqual(["WAITING", "WAITING", "WAITING"]);
    expect(Object.values(out.personStates).map((m) => m.status)).toEqual(["PENDING", "PENDING", "PENDING"]);

    // 3. All three accept: the next up makes the teams with their founders and gives them their roles.
    for (const invitation of pending) e2e.emulator.state.acceptInvitation(orgId, invitation.id);
    const converged = await up(stack);
    // The teams and their roles replace the waiting ones; the people's teamIds follow the new ids.
    expect(summary(converged)).toEqual({ updated: 3, replaced: 5, unchanged: 1 });
    const dbaTeam = teamNamed("dba");
    const opsTeam = teamNamed("ops");
    if (dbaTeam === undefined || opsTeam === undefined) throw new Error(`teams not made:\n${converged}`);
    expect(usersOf(dbaTeam.id)).toEqual([ALICE, BOB]);
    expect(usersOf(opsTeam.id)).toEqual([CAROL]);
    expect(rolesIn(prod.id)).toEqual(["dba: GROUP_DATA_ACCESS_ADMIN", "ops: GROUP_AUTOMATION_ADMIN"]);
    expect(rolesIn(staging.id)).toEqual(["dba: GROUP_READ_ONLY"]);
    expect(e2e.view.pending()).toEqual([]);
    out = await outputs(stack);
    expect(out.teamStates).toEqual({
      dba: { name: "dba", teamId: dbaTeam.id, status: "ACTIVE" },
      ops: { name: "ops", teamId: opsTeam.id, status: "ACTIVE" },
    });
    expect(out.personStates).toEqual({
      alice: { status: "ACTIVE", teamIds: [dbaTeam.id] },
      bob: { status: "ACTIVE", teamIds: [dbaTeam.id] },
      carol: { status: "ACTIVE", teamIds: [opsTeam.id] },
    });
    expect(Object.values(out.projectTeamStates).map((r) => r.status)).toEqual(["ACTIVE", "ACTIVE", "ACTIVE"]);
    mark = e2e.view.mark();
    const green = await pulumi(stack, GATE);
    expect(green.code, green.output).toBe(0);
    expect(summary(green.output)).toEqual({ unchanged: 9 });
    expect(writes(mark)).toEqual([]);

    // 4. By hand: dba's role in prod raised, team ops deleted. The gate fails naming both; up --refresh restores.
    e2e.emulator.state.setProjectTeamRoles(prod.id, dbaTeam.id, ["GROUP_OWNER"]);
    e2e.emulator.state.deleteTeam(orgId, opsTeam.id, { force: true });
    mark = e2e.view.mark();
    const red = await pulumi(stack, GATE);
    expect(red.code, red.output).not.toBe(0);
    expect(red.output).toContain("no changes were expected for preview but changes were proposed");
    expect(warnings(red.output)).toEqual(
      expect.arrayContaining([
        expect.stringContaining(`team "dba" in project "prod" has roles GROUP_OWNER; \`pulumi up\` sets them to GROUP_DATA_ACCESS_ADMIN`),
        expect.stringContaining(`team "ops" (${opsTeam.id}) of organization ${orgId} was deleted outside Pulumi`),
        expect.stringContaining(`team "ops" in project "prod" was taken off the project outside Pulumi`),
      ]),
    );
    expect(writes(mark)).toEqual([]);
    expect(rolesIn(prod.id)).toEqual(["dba: GROUP_OWNER"]);

    const restore = await up(stack, "--refresh");
    expect(summary(restore)).toEqual({ updated: 2, replaced: 2, unchanged: 5 });
    const opsAgain = teamNamed("ops");
    if (opsAgain === undefined) throw new Error("team ops was not made again");
    expect(opsAgain.id).not.toBe(opsTeam.id);
    expect(usersOf(opsAgain.id)).toEqual([CAROL]);
    expect(rolesIn(prod.id)).toEqual(["dba: GROUP_DATA_ACCESS_ADMIN", "ops: GROUP_AUTOMATION_ADMIN"]);
    expect(rolesIn(staging.id)).toEqual(["dba: GROUP_READ_ONLY"]);
    out = await outputs(stack);
    expect(out.teamStates["ops"]).toMatchObject({ teamId: opsAgain.id, status: "ACTIVE" });
    expect(out.personStates["carol"]).toEqual({ status: "ACTIVE", teamIds: [opsAgain.id] });
    const greenAgain = await pulumi(stack, GATE);
    expect(greenAgain.code, greenAgain.output).toBe(0);

    // 5. Renamed in code: one up renames it in place (same id, same people, same project roles).
    dba.name = "database-admins";
    writeProgram(program);
    mark = e2e.view.mark();
    const rename = await up(stack);
    expect(summary(rename)).toMatchObject({ updated: 1, unchanged: 8 });
    expect(warnings(rename)).toEqual(
      expect.arrayContaining([
        expect.stringContaining(`team "dba" (${dbaTeam.id}) of organization ${orgId} is renamed to "database-admins" in place`),
      ]),
    );
    expect(writes(mark)).toEqual([`PATCH /orgs/{org}/teams/${dbaTeam.id} 200`]);
    expect(teamNamed("dba")).toBeUndefined();
    expect(teamNamed("database-admins")?.id).toBe(dbaTeam.id);
    expect(usersOf(dbaTeam.id)).toEqual([ALICE, BOB]);
    expect(rolesIn(prod.id)).toEqual(["database-admins: GROUP_DATA_ACCESS_ADMIN", "ops: GROUP_AUTOMATION_ADMIN"]);
    expect((await outputs(stack)).teamStates["dba"]).toEqual({ name: "database-admins", teamId: dbaTeam.id, status: "ACTIVE" });
    expect((await pulumi(stack, GATE)).code).toBe(0);

    // 6. Team ops, its role in prod and carol's place on it taken out of the program: one up removes them.
    program.teams = [dba];
    program.projectTeams = program.projectTeams.filter((r) => r.team !== "ops");
    program.people = program.people.map((m) => (m.resource === "carol" ? { ...m, teams: [] } : m));
    writeProgram(program);
    mark = e2e.view.mark();
    const removal = await up(stack);
    expect(summary(removal)).toEqual({ updated: 1, deleted: 2, unchanged: 6 });
    expect(teamNamed("ops")).toBeUndefined();
    expect(e2e.emulator.state.teams(orgId).map((t) => t.id)).toEqual([dbaTeam.id]);
    expect(rolesIn(prod.id)).toEqual(["database-admins: GROUP_DATA_ACCESS_ADMIN"]);
    expect(writes(mark)).toEqual(
      expect.arrayContaining([`DELETE /groups/${prod.id}/teams/${opsAgain.id} 204`, `DELETE /orgs/{org}/teams/${opsAgain.id} 204`]),
    );
    expect(e2e.view.isMember(CAROL)).toBe(true);
    out = await outputs(stack);
    expect(Object.keys(out.teamStates)).toEqual(["dba"]);
    expect(Object.keys(out.projectTeamStates)).toEqual(["dba-prod", "dba-staging"]);
    const greenAfterRemoval = await pulumi(stack, GATE);
    expect(greenAfterRemoval.code, greenAfterRemoval.output).toBe(0);

    // No team that had a user was left without one at any request of steps 2 to 6.
    expect(emptyTeams.violations).toEqual([]);

    // 7. destroy: no team, no project role and no pending invitation of the program is left. (Removing
    // the members from the organization takes them off the team before the team is deleted.)
    const destroy = await mustPulumi(stack, ["destroy", "--yes"]);
    expect(summary(destroy)).toEqual({ deleted: 7 });
    expect(e2e.emulator.state.teams(orgId)).toEqual([]);
    expect([rolesIn(prod.id), rolesIn(staging.id)]).toEqual([[], []]);
    expect(e2e.view.pending()).toEqual([]);
    expect([ALICE, BOB, CAROL].filter((u) => e2e.view.isMember(u))).toEqual([]);
    expect(await stack.resources()).toEqual([]);
  });

  test("8. a hand-over never empties a team: dave takes the place of bob, oncall's only member, as bob moves to a new team (bob's step first)", async () => {
    const orgId = e2e.orgId;
    // Members already (added by hand): this step is about teams, not invitations. Names of its own, so
    // that nothing a failed scenario above left behind is adopted.
    const bob = "bob@move.example.com";
    const dave = "dave@move.example.com";
    for (const username of [bob, dave]) e2e.emulator.state.addOrgUser(orgId, { username, roles: ["ORG_MEMBER"] });
    const program: Program = {
      teams: [{ resource: "oncall", name: "oncall", founders: [bob] }],
      people: [
        { resource: "bob", username: bob, teams: ["oncall"] },
        { resource: "dave", username: dave, teams: [] },
      ],
      projectTeams: [],
    };
    writeProgram(program);
    const stack = await e2e.localStack(project.dir, { config: { orgId: { value: orgId } } });
    await up(stack);
    const oncall = teamNamed("oncall");
    if (oncall === undefined) throw new Error("team oncall was not made");
    expect(usersOf(oncall.id)).toEqual([bob]);

    // Taking bob off oncall before dave is on it would leave oncall empty. dave's OrgMembership depends on
    // bob's, so the engine runs bob's step (the leave) first: the order it also picks on its own
    // without dependsOn in most runs (their two steps are independent), pinned here.
    const before = emptyTeams.violations.length;
    program.teams = [
      { resource: "oncall", name: "oncall", founders: [dave] },
      { resource: "backup", name: "backup", founders: [bob] },
    ];
    program.people = [
      { resource: "bob", username: bob, teams: ["backup"] },
      { resource: "dave", username: dave, teams: ["oncall"], after: ["bob"] },
    ];
    writeProgram(program);
    const mark = e2e.view.mark();
    const move = await up(stack);
    expect(summary(move)).toMatchObject({ created: 1, updated: 3 });
    const backup = teamNamed("backup");
    if (backup === undefined) throw new Error(`team backup was not made:\n${move}`);
    // No request left oncall (or any team) without a user, and nothing was taken off it before dave was on it.
    expect(emptyTeams.violations.slice(before)).toEqual([]);
    expect(usersOf(backup.id)).toEqual([bob]);
    expect(usersOf(oncall.id)).toContain(dave);
    const onOncall = writes(mark).filter((w) => w.includes(`/teams/${oncall.id}/users`));
    expect(onOncall[0]).toBe(`POST /orgs/{org}/teams/${oncall.id}/users 200`);
    oncallAfterTheMove = usersOf(oncall.id);

    // bob left oncall in that same up (8b); the next up keeps it so.
    await up(stack);
    expect(usersOf(oncall.id)).toEqual([dave]);
    expect(usersOf(backup.id)).toEqual([bob]);
    expect(emptyTeams.violations.slice(before)).toEqual([]);
    const green = await pulumi(stack, GATE);
    expect(green.code, green.output).toBe(0);

    await mustPulumi(stack, ["destroy", "--yes"]);
    expect(e2e.emulator.state.teams(orgId)).toEqual([]);
    expect([bob, dave].filter((u) => e2e.view.isMember(u))).toEqual([]);
  });

  // Joins come before leaves within one person's OrgMembership; across two people the engine picks the
  // order. When bob's step runs first, his leave is refused (oncall's last member) and kept in the
  // deployment's ledger; dave's join then does it.
  test("8b. ...and that one up finished the move: bob is off oncall", () => {
    expect(oncallAfterTheMove).toEqual(["dave@move.example.com"]);
  });
});
