// Issue 20's "Done means" for people in projects, the way a user runs it: a fresh TypeScript project in
// the system's temporary folder (outside the repository, so nothing resolves through its node_modules),
// the tarball `npm pack` makes installed into it, and every step run by the `pulumi` binary itself (up,
// preview --refresh --expect-no-changes, config set, destroy), its exit code and printed output checked
// beside what the emulator holds. The program (index.ts) is written again for each change "in code".
// The Automation API only creates the stack and sets its config (secret key included) and exports state.
//
// Three people with roles in two projects: alice through team dba (Team + ProjectTeam +
// OrgMembership.teamIds), bob and carol directly (ProjectMembership), one ProjectRoster per project.
// Each project has an owner of its own (a direct GROUP_OWNER made by hand, declared nowhere), which the
// rosters `ignore`: prune would leave that owner alone anyway (the last Project Owner is never pruned),
// but a roster reports every undeclared person it does not prune, so without `ignore` the gate would be
// red for good.
// Steps 1-7 are one test (one stack); the rosters list team dba's teamId from the first up, while it
// is still `waiting:dba`. Step 8 is the other way docs/lifecycle.md gives: a roster that leaves the
// program's own team out of `teams` and comes after its ProjectTeam, whose check declares the team;
// 8b: that green gate names no team as undeclared access (it did, from the refresh's diff, until 52494bf).

import { lstatSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, test } from "vitest";
import { useE2e, type E2eContext } from "./harness/e2e-context";
import { API_PREFIX } from "./harness/emulator-view";
import { typescriptTemplate } from "./harness/fresh-typescript-project";
import { usePackedInstall, withoutNpmLifecycle } from "./harness/packed-package";
import { projectAccess } from "./harness/project-access";
import { GATE, summary, useProjectCli, warnings } from "./harness/project-cli";
import type { CommandRun } from "../support/run-command";
import type { TestStack } from "./harness/test-stack";

let e2e: E2eContext;
useE2e("projects", (context) => (e2e = context));

// ---- the project: made like `pulumi new typescript`, the packed package installed ----

const project = usePackedInstall(
  "projects",
  typescriptTemplate("cloudmanager-projects", "People in projects against the Cloud Manager emulator"),
  () => withoutNpmLifecycle(e2e.env),
);

// ---- the program, written as code ----

interface PersonDecl {
  resource: string;
  username: string;
  /** Whether the OrgMembership lists team dba's teamId. */
  onTeam: boolean;
}

interface GrantDecl {
  /** The ProjectMembership's resource name. */
  resource: string;
  /** Resource name of the person's OrgMembership (its `username` output is the ProjectMembership's username). */
  person: string;
  projectId: string;
  roles: string[];
}

interface TeamRoleDecl {
  resource: string;
  projectId: string;
  roles: string[];
}

interface Program {
  team: { name: string; founders: string[] };
  people: PersonDecl[];
  teamRoles: TeamRoleDecl[];
  grants: GrantDecl[];
  /** One ProjectRoster per project: managed = the usernames its ProjectMemberships declare, teams = [dba.teamId]. */
  rosters: { resource: string; projectId: string }[];
  /**
   * "as declared": `teams: [dba.teamId]` (`waiting:dba` while the Team waits). "left out": no `teams`;
   * the roster `dependsOn` the ProjectTeams and ProjectMemberships (their checks declare them first).
   */
  rosterTeams: "as declared" | "left out";
  /** What every roster ignores: the projects' own owner. */
  ignore: string[];
}

const lit = (value: unknown): string => JSON.stringify(value);

/** index.ts declaring exactly `p`, with every resource's state exported; `prune` comes from stack config. */
function programSource(p: Program): string {
  const usernameOf = new Map(p.people.map((m) => [m.resource, m.username]));
  return [
    `import * as pulumi from "@pulumi/pulumi";`,
    `import { OrgMembership, ProjectMembership, ProjectRoster, ProjectTeam, Team } from "pulumi-cloudmanager";`,
    ``,
    `const config = new pulumi.Config();`,
    `const orgId = config.require("orgId");`,
    `const prune = config.getBoolean("prune") ?? false;`,
    ``,
    `const dba = new Team("dba", { orgId, name: ${lit(p.team.name)}, founders: ${lit(p.team.founders)} });`,
    `const people: Record<string, OrgMembership> = {};`,
    ...p.people.map(
      (m) =>
        `people[${lit(m.resource)}] = new OrgMembership(${lit(m.resource)}, { orgId, username: ${lit(m.username)}, roles: ["ORG_MEMBER"], ` +
        `teamIds: ${m.onTeam ? "[dba.teamId]" : "[]"} });`,
    ),
    `const teamRoles: Record<string, ProjectTeam> = {};`,
    ...p.teamRoles.map(
      (r) =>
        `teamRoles[${lit(r.resource)}] = new ProjectTeam(${lit(r.resource)}, { orgId, projectId: ${lit(r.projectId)}, teamId: dba.teamId, ` +
        `roles: ${lit(r.roles)} });`,
    ),
    `// Each person's project roles name their OrgMembership's username: made after it, removed before it.`,
    `const grants: Record<string, ProjectMembership> = {};`,
    ...p.grants.map(
      (g) =>
        `grants[${lit(g.resource)}] = new ProjectMembership(${lit(g.resource)}, { orgId, projectId: ${lit(g.projectId)}, ` +
        `username: people[${lit(g.person)}].username, roles: ${lit(g.roles)} });`,
    ),
    p.rosterTeams === "as declared" ? `const rosterTeams = [dba.teamId];` : `const rosterTeams: string[] = [];`,
    `const declared = { dependsOn: ${p.rosterTeams === "left out" ? "[...Object.values(teamRoles), ...Object.values(grants)]" : "[]"} };`,
    `const rosters: Record<string, ProjectRoster> = {};`,
    ...p.rosters.map((r) => {
      const managed = p.grants.filter((g) => g.projectId === r.projectId).map((g) => usernameOf.get(g.person));
      return (
        `rosters[${lit(r.resource)}] = new ProjectRoster(${lit(r.resource)}, { orgId, projectId: ${lit(r.projectId)}, ` +
        `managed: ${lit(managed)}, teams: rosterTeams, ignore: ${lit(p.ignore)}, prune }, declared);`
      );
    }),
    ``,
    `export const teamState = { teamId: dba.teamId, status: dba.status };`,
    `export const personStates = Object.fromEntries(Object.entries(people).map(([k, m]) => [k, { status: m.status, teamIds: m.teamIds }]));`,
    `export const teamRoleStates = Object.fromEntries(Object.entries(teamRoles).map(([k, r]) => [k, { status: r.status, roles: r.roles }]));`,
    `export const grantStates = Object.fromEntries(Object.entries(grants).map(([k, g]) =>`,
    `  [k, { status: g.status, roles: g.roles, userId: g.userId }]));`,
    `export const rosterStates = Object.fromEntries(Object.entries(rosters).map(([k, r]) =>`,
    `  [k, { managed: r.managed, teams: r.teams, unmanagedUsers: r.unmanagedUsers, unmanagedInvitations: r.unmanagedInvitations, unmanagedTeams: r.unmanagedTeams }]));`,
    ``,
  ].join("\n");
}

function writeProgram(p: Program): void {
  writeFileSync(join(project.dir, "index.ts"), programSource(p));
}

// ---- the CLI ----

const cli = useProjectCli("test/e2e/projects.test.ts", () => e2e, project);
const { pulumi, mustPulumi, up } = cli;

interface Outputs {
  teamState: { teamId: string; status: string };
  personStates: Record<string, { status: string; teamIds: string[] }>;
  teamRoleStates: Record<string, { status: string; roles: string[] }>;
  grantStates: Record<string, { status: string; roles: string[]; userId?: string }>;
  rosterStates: Record<
    string,
    {
      managed: string[];
      teams: string[];
      /** JSON Lines, one entry per line (provider/access/roster-outputs): "" when the roster found nobody. */
      unmanagedUsers: string;
      unmanagedInvitations: string;
      unmanagedTeams: string;
    }
  >;
}

const outputs = (stack: TestStack) => cli.outputs<Outputs>(stack);

// ---- the emulator ----

const { directRoles, teamRolesIn, namedWrites: writes } = projectAccess(() => e2e);

function pendingProjectInvitations(projectId: string): string[] {
  return e2e.emulator.state
    .pendingProjectInvitations(projectId)
    .map((i) => i.username)
    .sort();
}

function userId(username: string): string {
  const found = e2e.emulator.state.members(e2e.orgId).find((m) => m.username === username);
  if (found === undefined) throw new Error(`${username} is not a member`);
  return found.id;
}

/** How many times each project's users and invitations were read since `mark` (GET, any page). */
function projectReads(mark: number, projects: Record<string, string>): Record<string, number> {
  const counts: Record<string, number> = {};
  for (const r of e2e.view.requestsSince(mark)) {
    if (r.method !== "GET") continue;
    for (const [name, id] of Object.entries(projects)) {
      for (const list of ["users", "invites"]) {
        if (r.path === `${API_PREFIX}/groups/${id}/${list}`) counts[`${name} ${list}`] = (counts[`${name} ${list}`] ?? 0) + 1;
      }
    }
  }
  return counts;
}

const ALICE = "alice@example.com";
const BOB = "bob@example.com";
const CAROL = "carol@example.com";
/** The projects' own owner: a direct GROUP_OWNER of both, made by hand, declared nowhere. */
const OWNER = "owner@example.com";
const STRANGER = "stranger@example.com";
const GUEST = "guest@example.com";
/** Who sends the by-hand project invitation, in the UI (a person: prune may withdraw it). */
const ADMIN = "admin@example.com";

/** What step 8's green gate printed, for 8b. */
let leftOutGate: CommandRun | undefined;

describe("people in projects through the pulumi CLI, the packed package in a fresh project", () => {
  test("the package is the packed copy, not a link to this repository", () => {
    const installed = join(project.dir, "node_modules", "pulumi-cloudmanager");
    expect(lstatSync(installed).isSymbolicLink()).toBe(false);
    expect(lstatSync(join(installed, "dist", "provider", "resources", "project-membership", "lifecycle.js")).isFile()).toBe(true);
  });

  test("declare, wait, converge, by-hand drift and the gate, prune, one person taken off, destroy (issue 20's scenario)", async () => {
    const orgId = e2e.orgId;
    const state = e2e.emulator.state;
    const prod = state.createProject(orgId, { name: "prod" });
    const analytics = state.createProject(orgId, { name: "analytics" });
    state.addOrgUser(orgId, { username: OWNER, roles: ["ORG_MEMBER"] });
    for (const p of [prod, analytics]) state.setProjectUserRoles(p.id, OWNER, ["GROUP_OWNER"]);
    const ownerId = userId(OWNER);
    const ids = { org: orgId, prod: prod.id, analytics: analytics.id };

    // 1. alice through team dba in both projects; bob directly in both, carol directly in analytics.
    const program: Program = {
      team: { name: "dba", founders: [ALICE] },
      people: [
        { resource: "alice", username: ALICE, onTeam: true },
        { resource: "bob", username: BOB, onTeam: false },
        { resource: "carol", username: CAROL, onTeam: false },
      ],
      teamRoles: [
        { resource: "dba-prod", projectId: prod.id, roles: ["GROUP_DATA_ACCESS_ADMIN"] },
        { resource: "dba-analytics", projectId: analytics.id, roles: ["GROUP_READ_ONLY"] },
      ],
      grants: [
        { resource: "bob-prod", person: "bob", projectId: prod.id, roles: ["GROUP_READ_ONLY"] },
        { resource: "bob-analytics", person: "bob", projectId: analytics.id, roles: ["GROUP_DATA_ACCESS_READ_WRITE"] },
        { resource: "carol-analytics", person: "carol", projectId: analytics.id, roles: ["GROUP_DATA_ACCESS_READ_ONLY"] },
      ],
      rosters: [
        { resource: "prod-roster", projectId: prod.id },
        { resource: "analytics-roster", projectId: analytics.id },
      ],
      rosterTeams: "as declared",
      ignore: [OWNER],
    };
    writeProgram(program);
    const stack = await e2e.localStack(project.dir, { config: { orgId: { value: orgId } } });

    // 2. Nobody is a member yet: three organization invitations, and nothing else. The project roles
    // wait (no project invitation: that would be a second invitation), the team waits for alice.
    let mark = e2e.view.mark();
    const first = await up(stack);
    expect(summary(first)).toEqual({ created: 12 });
    expect(writes(mark, ids)).toEqual(["POST /orgs/{org}/invites 201", "POST /orgs/{org}/invites 201", "POST /orgs/{org}/invites 201"]);
    const pending = e2e.view.pending();
    expect(pending.map((i) => i.username).sort()).toEqual([ALICE, BOB, CAROL]);
    expect(state.projectInvitations(prod.id)).toEqual([]);
    expect(state.projectInvitations(analytics.id)).toEqual([]);
    expect([directRoles(prod.id), directRoles(analytics.id)]).toEqual([[`${OWNER}: GROUP_OWNER`], [`${OWNER}: GROUP_OWNER`]]);
    expect([teamRolesIn(prod.id), teamRolesIn(analytics.id)]).toEqual([[], []]);
    const invitationOf = (username: string) => e2e.view.pendingFor(username).id;
    expect(warnings(first)).toEqual(
      expect.arrayContaining([
        expect.stringContaining(
          `${BOB} gets GROUP_READ_ONLY in project "prod" once they are a member of organization ${orgId}: their invitation ${invitationOf(BOB)} is pending`,
        ),
        expect.stringContaining(
          `${BOB} gets GROUP_DATA_ACCESS_READ_WRITE in project "analytics" once they are a member of organization ${orgId}: their invitation ${invitationOf(BOB)} is pending`,
        ),
        expect.stringContaining(`${CAROL} gets GROUP_DATA_ACCESS_READ_ONLY in project "analytics" once they are a member`),
        expect.stringMatching(/team "dba" waits for a founder/),
      ]),
    );
    let out = await outputs(stack);
    expect(out.teamState).toEqual({ teamId: "waiting:dba", status: "WAITING" });
    expect(Object.values(out.personStates).map((m) => m.status)).toEqual(["PENDING", "PENDING", "PENDING"]);
    expect(Object.values(out.teamRoleStates).map((r) => r.status)).toEqual(["WAITING", "WAITING"]);
    expect(Object.values(out.grantStates).map((g) => g.status)).toEqual(["PENDING", "PENDING", "PENDING"]);
    // The owner is ignored; nobody else has access: the rosters found nothing.
    expect(out.rosterStates).toEqual({
      "prod-roster": { managed: [BOB], teams: ["waiting:dba"], unmanagedUsers: "", unmanagedInvitations: "", unmanagedTeams: "" },
      "analytics-roster": {
        managed: [BOB, CAROL],
        teams: ["waiting:dba"],
        unmanagedUsers: "",
        unmanagedInvitations: "",
        unmanagedTeams: "",
      },
    });

    // 3. All three accept (in the Cloud Manager UI): the next up makes the team, gives it and bob and
    // carol their roles.
    for (const invitation of pending) state.acceptInvitation(orgId, invitation.id);
    mark = e2e.view.mark();
    const converged = await up(stack);
    const dba = state.teams(orgId).find((t) => t.name === "dba");
    if (dba === undefined) throw new Error(`team dba was not made:\n${converged}`);
    const named = { ...ids, dba: dba.id, bob: userId(BOB), carol: userId(CAROL) };
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
    expect(teamRolesIn(prod.id)).toEqual(["dba: GROUP_DATA_ACCESS_ADMIN"]);
    expect(teamRolesIn(analytics.id)).toEqual(["dba: GROUP_READ_ONLY"]);
    expect(state.teamUsers(orgId, dba.id).map((u) => u.username)).toEqual([ALICE]);
    expect(state.projectInvitations()).toEqual([]);
    out = await outputs(stack);
    expect(out.teamState).toEqual({ teamId: dba.id, status: "ACTIVE" });
    expect(out.grantStates).toEqual({
      "bob-prod": { status: "ACTIVE", roles: ["GROUP_READ_ONLY"], userId: named.bob },
      "bob-analytics": { status: "ACTIVE", roles: ["GROUP_DATA_ACCESS_READ_WRITE"], userId: named.bob },
      "carol-analytics": { status: "ACTIVE", roles: ["GROUP_DATA_ACCESS_READ_ONLY"], userId: named.carol },
    });
    expect(Object.values(out.rosterStates).map((r) => [r.teams, r.unmanagedUsers, r.unmanagedInvitations, r.unmanagedTeams])).toEqual([
      [[dba.id], "", "", ""],
      [[dba.id], "", "", ""],
    ]);

    // The gate is green, sends nothing, and reads each project's users and invitations once.
    mark = e2e.view.mark();
    const green = await pulumi(stack, GATE);
    expect(green.code, green.output).toBe(0);
    expect(summary(green.output)).toEqual({ unchanged: 12 });
    expect(e2e.view.writesSince(mark)).toEqual([]);
    expect(projectReads(mark, { prod: prod.id, analytics: analytics.id })).toEqual({
      "prod users": 1,
      "prod invites": 1,
      "analytics users": 1,
      "analytics invites": 1,
    });

    // 4. By hand: a stranger (an org member) given a role in prod, a project invitation to someone
    // nobody declared, bob's role in prod raised. The gate fails and names all three.
    state.addOrgUser(orgId, { username: STRANGER, roles: ["ORG_MEMBER"] });
    state.setProjectUserRoles(prod.id, STRANGER, ["GROUP_DATA_ACCESS_ADMIN"]);
    const guestInvitation = state.inviteToProjectAs(analytics.id, { username: GUEST, roles: ["GROUP_READ_ONLY"] }, ADMIN);
    state.setProjectUserRoles(prod.id, BOB, ["GROUP_OWNER"]);
    mark = e2e.view.mark();
    const red = await pulumi(stack, GATE);
    expect(red.code, red.output).toBe(7);
    expect(red.output).toContain("no changes were expected for preview but changes were proposed");
    const said = warnings(red.output);
    expect(said).toEqual(
      expect.arrayContaining([
        expect.stringContaining(`undeclared access in project ${prod.id} (1 entry): ${STRANGER} (GROUP_DATA_ACCESS_ADMIN).`),
        expect.stringContaining(
          `undeclared access in project ${analytics.id} (1 entry): ${GUEST} (invited by ${ADMIN} at ${guestInvitation.createdAt}: GROUP_READ_ONLY).`,
        ),
        expect.stringContaining(`${BOB} in project "prod" has GROUP_OWNER; \`pulumi up\` sets GROUP_READ_ONLY.`),
      ]),
    );
    // Neither the owner (ignored) nor a declared person is reported as undeclared.
    expect(said.filter((w) => w.includes("undeclared access") && (w.includes(OWNER) || w.includes(BOB) || w.includes(CAROL)))).toEqual([]);
    // bob's ProjectMembership and both rosters.
    expect(red.output).toContain("3 to update");
    expect(e2e.view.writesSince(mark)).toEqual([]);

    // 5. Prune on (stack config): up --refresh sets bob's role back, takes the stranger out of prod
    // (not out of the organization) and withdraws the invitation, one `pruned:` line each.
    await mustPulumi(stack, ["config", "set", "prune", "true"]);
    mark = e2e.view.mark();
    const restore = await up(stack, "--refresh");
    const strangerId = userId(STRANGER);
    expect(writes(mark, { ...named, stranger: strangerId, guest: guestInvitation.id })).toEqual([
      "DELETE /groups/{analytics}/invites/{guest} 204",
      "DELETE /groups/{prod}/users/{stranger} 204",
      "PUT /groups/{prod}/users/{bob}/roles 200",
    ]);
    const pruned = warnings(restore).filter((w) => w.startsWith("warning: cloudmanager: pruned:"));
    expect(pruned).toHaveLength(2);
    expect(pruned).toEqual(
      expect.arrayContaining([
        expect.stringContaining(`pruned: taking ${STRANGER} (GROUP_DATA_ACCESS_ADMIN) out of project "prod" (${prod.id})`),
        expect.stringContaining(
          `pruned: withdrawing the invitation ${guestInvitation.id} for ${GUEST} to project "analytics" (${analytics.id})`,
        ),
      ]),
    );
    expect(warnings(restore).filter((w) => w.includes("not pruned"))).toEqual([]);
    expect(directRoles(prod.id)).toEqual([`${BOB}: GROUP_READ_ONLY`, `${OWNER}: GROUP_OWNER`]);
    expect(directRoles(analytics.id)).toEqual([
      `${BOB}: GROUP_DATA_ACCESS_READ_WRITE`,
      `${CAROL}: GROUP_DATA_ACCESS_READ_ONLY`,
      `${OWNER}: GROUP_OWNER`,
    ]);
    expect(e2e.view.isMember(STRANGER)).toBe(true);
    expect(pendingProjectInvitations(analytics.id)).toEqual([]);
    out = await outputs(stack);
    expect(Object.values(out.rosterStates).map((r) => [r.unmanagedUsers, r.unmanagedInvitations, r.unmanagedTeams])).toEqual([
      ["", "", ""],
      ["", "", ""],
    ]);
    const greenAgain = await pulumi(stack, GATE);
    expect(greenAgain.code, greenAgain.output).toBe(0);

    // 6. carol taken off the list (her ProjectMembership and the roster's `managed`; her OrgMembership
    // stays): one up takes her out of analytics, once, and she stays in the organization. Prune is on:
    // the roster leaves her to her own resource.
    program.grants = program.grants.filter((g) => g.resource !== "carol-analytics");
    writeProgram(program);
    mark = e2e.view.mark();
    const removal = await up(stack);
    expect(summary(removal)).toEqual({ updated: 1, deleted: 1, unchanged: 10 });
    expect(writes(mark, named)).toEqual(["DELETE /groups/{analytics}/users/{carol} 204"]);
    expect(warnings(removal).filter((w) => w.includes("pruned"))).toEqual([]);
    expect(directRoles(analytics.id)).toEqual([`${BOB}: GROUP_DATA_ACCESS_READ_WRITE`, `${OWNER}: GROUP_OWNER`]);
    expect(e2e.view.isMember(CAROL)).toBe(true);
    out = await outputs(stack);
    expect(Object.keys(out.grantStates).sort()).toEqual(["bob-analytics", "bob-prod"]);
    expect(out.personStates["carol"]).toEqual({ status: "ACTIVE", teamIds: [] });
    expect(out.rosterStates["analytics-roster"]?.managed).toEqual([BOB]);
    const greenAfterRemoval = await pulumi(stack, GATE);
    expect(greenAfterRemoval.code, greenAfterRemoval.output).toBe(0);

    // 7. destroy completes; the projects' own owner is untouched (no request names them), and so is the
    // stranger's organization membership (not the program's).
    mark = e2e.view.mark();
    const destroy = await mustPulumi(stack, ["destroy", "--yes"]);
    expect(summary(destroy)).toEqual({ deleted: 11 });
    expect(e2e.view.requestsSince(mark).filter((r) => r.path.includes(ownerId))).toEqual([]);
    expect(directRoles(prod.id)).toEqual([`${OWNER}: GROUP_OWNER`]);
    expect(directRoles(analytics.id)).toEqual([`${OWNER}: GROUP_OWNER`]);
    expect(e2e.view.isMember(OWNER)).toBe(true);
    expect([teamRolesIn(prod.id), teamRolesIn(analytics.id)]).toEqual([[], []]);
    expect(state.teams(orgId)).toEqual([]);
    expect([ALICE, BOB, CAROL].filter((u) => e2e.view.isMember(u))).toEqual([]);
    expect(e2e.view.isMember(STRANGER)).toBe(true);
    expect(e2e.view.pending()).toEqual([]);
    expect([pendingProjectInvitations(prod.id), pendingProjectInvitations(analytics.id)]).toEqual([[], []]);
    expect(await stack.resources()).toEqual([]);
  });

  // docs/lifecycle.md (ProjectRoster, "check"): leave the program's own teams out of `teams`, their
  // ProjectTeams declare them. Only those checked before the roster's step count, hence `dependsOn`.
  test("8. a roster without the program's own team in `teams`, after its ProjectTeam: waits, converges, and the gate is green", async () => {
    const orgId = e2e.orgId;
    const state = e2e.emulator.state;
    const reports = state.createProject(orgId, { name: "reports" });
    state.addOrgUser(orgId, { username: "owner@reports.example.com", roles: ["ORG_MEMBER"] });
    state.setProjectUserRoles(reports.id, "owner@reports.example.com", ["GROUP_OWNER"]);
    const erin = "erin@left-out.example.com";
    writeProgram({
      team: { name: "reporting", founders: [erin] },
      people: [{ resource: "erin", username: erin, onTeam: true }],
      teamRoles: [{ resource: "reporting-reports", projectId: reports.id, roles: ["GROUP_READ_ONLY"] }],
      grants: [{ resource: "erin-reports", person: "erin", projectId: reports.id, roles: ["GROUP_DATA_ACCESS_READ_ONLY"] }],
      rosters: [{ resource: "reports-roster", projectId: reports.id }],
      rosterTeams: "left out",
      ignore: ["owner@reports.example.com"],
    });
    const stack = await e2e.localStack(project.dir, { config: { orgId: { value: orgId } } });
    try {
      await up(stack);
      const invitation = e2e.view.pendingFor(erin);
      expect(state.projectInvitations(reports.id)).toEqual([]);
      state.acceptInvitation(orgId, invitation.id);
      await up(stack);
      expect(teamRolesIn(reports.id)).toEqual(["reporting: GROUP_READ_ONLY"]);
      expect(directRoles(reports.id)).toEqual([`${erin}: GROUP_DATA_ACCESS_READ_ONLY`, "owner@reports.example.com: GROUP_OWNER"]);
      expect((await outputs(stack)).rosterStates["reports-roster"]).toEqual({
        managed: [erin],
        teams: [],
        unmanagedUsers: "",
        unmanagedInvitations: "",
        unmanagedTeams: "",
      });
      const mark = e2e.view.mark();
      leftOutGate = await pulumi(stack, GATE);
      expect(leftOutGate.code, leftOutGate.output).toBe(0);
      expect(e2e.view.writesSince(mark)).toEqual([]);
    } finally {
      await mustPulumi(stack, ["destroy", "--yes"]);
    }
    expect(e2e.view.isMember(erin)).toBe(false);
    expect(state.teams(orgId).filter((t) => t.name === "reporting")).toEqual([]);
    expect(directRoles(reports.id)).toEqual(["owner@reports.example.com: GROUP_OWNER"]);
  });

  // The refresh reads the team into the roster's record and the engine diffs the refreshed roster
  // before the program has run (no ProjectTeam checked yet): that diff names nobody until the roster
  // itself is checked, and the preview's diff, after the ProjectTeam's check, finds nothing undeclared.
  test("8b. ...and that green gate names no team as undeclared access", () => {
    expect(leftOutGate?.code).toBe(0);
    expect(warnings(leftOutGate?.output ?? "").filter((w) => w.includes("undeclared access"))).toEqual([]);
  });
});
