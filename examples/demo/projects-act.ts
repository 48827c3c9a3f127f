// The demo's projects act (`npm run demo -- --projects`): people's roles in projects — their own
// (ProjectMembership) and through a team (ProjectTeam) — and the project access nobody declared
// (ProjectRoster), through the real Pulumi engine against the emulator of ./demo-world.
//
// The program is the enforcement example's (examples/org-membership: declareOrgMemberships over the
// list parseAccessList reads), inline (run by the Automation API in this process, the project folder
// under <repo>/.e2e-work/): one OrgMembership per person, one Team per team and one ProjectTeam per
// team and project, one ProjectMembership per person and project of their own roles, the
// organization's roster and one ProjectRoster per project; `ignore` holds the projects' own owner,
// `prune` is the stack config `prune`.
//
//   1. pulumi up while everyone is only invited: the project roles WAIT (no project invitation is
//      sent: it would be a second invitation), so does the team; the gate stays green;
//   2. outside Pulumi, everyone accepts;
//   3. pulumi up converges: the team made with its roles, bob and carol given theirs; the gate passes;
//   4. outside Pulumi: dave (listed in the organization, in no project) given a role in prod, a
//      project invitation to a stranger in analytics, bob's role in prod raised;
//   5. pulumi preview --refresh --expect-no-changes (the GitOps gate) fails, naming all three;
//   6. prune on, pulumi up --refresh: bob's role set back, dave taken out of prod (he stays in the
//      organization), the invitation withdrawn; the gate passes;
//   7. carol's project role taken off people.yaml: she leaves the project and stays in the organization;
//   8. pulumi destroy completes, and the projects' own owner is untouched;
//   9. a closing table.
// Every step's outcome is checked; anything unexpected ends the demo with exit code 1.

import { readFileSync, writeFileSync } from "node:fs";
import { relative } from "node:path";
import * as pulumi from "@pulumi/pulumi";
import type { PulumiFn } from "@pulumi/pulumi/automation";
import { rosterLines } from "../../index";
import { declareOrgMemberships, parseAccessList, type TeamEntry, type UndeclaredCounts } from "../org-membership/declare-org-memberships";
import type { Person } from "../people/people";
import { createProjects, inlineStack, startDemoWorld } from "./demo-world";
import {
  ORG_MEMBERSHIP_TYPE,
  ORG_ROSTER_TYPE,
  PROJECT_MEMBERSHIP_TYPE,
  PROJECT_ROSTER_TYPE,
  PROJECT_TEAM_TYPE,
  TEAM_TYPE,
  type Drift,
} from "./engine-events";
import {
  check,
  controlPlane,
  event as eventIn,
  heading,
  lastRequestSeq,
  leftAlone,
  opsOf,
  printWarnings,
  Runner,
  seconds,
  table,
  type ActContext,
} from "./narration";
import { NamedIdLog } from "./request-log";

const PROJECTS = ["prod", "analytics"] as const;
type ProjectName = (typeof PROJECTS)[number];

const ALICE = "alice@example.com";
const BOB = "bob@example.com";
const CAROL = "carol@example.com";
/** Listed in the organization, in no project: the admin gives him a project role by hand in step 4. */
const DAVE = "dave@example.com";
/** The projects' own owner (a direct Project Owner of both, from before Pulumi): the rosters ignore them. */
const OWNER = "owner@example.com";
/** Someone nobody declared, invited to a project in the Cloud Manager UI in step 4. */
const GUEST = "guest@example.net";
/** A person with ORG_OWNER who works in the Cloud Manager UI (the project invitation they send names them). */
const ADMIN_USER = "admin@example.com";

const DBA = "dba";
/** The team's roles per project. */
const TEAM_ROLES: Record<ProjectName, string[]> = { prod: ["GROUP_DATA_ACCESS_ADMIN"], analytics: ["GROUP_READ_ONLY"] };
/** Each person's own roles per project (alice's come through dba only; dave has none). */
const OWN_ROLES: Record<string, Partial<Record<ProjectName, string[]>>> = {
  [BOB]: { prod: ["GROUP_READ_ONLY"], analytics: ["GROUP_DATA_ACCESS_READ_WRITE"] },
  [CAROL]: { analytics: ["GROUP_DATA_ACCESS_READ_ONLY"] },
};
/** What the admin does by hand in step 4. */
const DAVE_BY_HAND = ["GROUP_DATA_ACCESS_ADMIN"];
const GUEST_ROLES = ["GROUP_READ_ONLY"];
const BOB_RAISED = ["GROUP_OWNER"];

/** The GitOps shape with project roles: the enforcement example's declarations over people.yaml. */
function projectsProgram(orgId: string, peopleFile: string): PulumiFn {
  return async () => {
    const prune = new pulumi.Config().getBoolean("prune") ?? false;
    const { people, teams } = parseAccessList(readFileSync(peopleFile, "utf8"), "people.yaml");
    const access = declareOrgMemberships(people, orgId, { teams, ignore: [OWNER], prune });
    return {
      statuses: access.statuses,
      teams: access.teamStatuses,
      projectMemberships: access.projectMembershipStatuses,
      undeclared: access.undeclaredProjectAccess,
    };
  };
}

/** people.yaml as a platform team would write it: the team (projects named in comments), then the people with their own project roles. */
function accessYaml(teams: readonly TeamEntry[], people: readonly Person[], projectName: (id: string) => string): string {
  const lines = ["teams:"];
  for (const team of teams) {
    lines.push(`  - name: ${team.name}`, "    projects:");
    for (const [id, roles] of Object.entries(team.projects ?? {})) lines.push(`      ${id}: [${roles.join(", ")}] # ${projectName(id)}`);
  }
  lines.push("people:");
  for (const p of people) {
    lines.push(`  - email: ${p.email}`, `    roles: [${p.roles.join(", ")}]`);
    if (p.teams && p.teams.length > 0) lines.push(`    teams: [${p.teams.join(", ")}]`);
    const projects = Object.entries(p.projects ?? {});
    if (projects.length > 0) lines.push("    projects:");
    for (const [id, roles] of projects) lines.push(`      ${id}: [${roles.join(", ")}] # ${projectName(id)}`);
  }
  return `${lines.join("\n")}\n`;
}

export async function projectsAct(context: ActContext): Promise<void> {
  const { repoRoot } = context;
  const runner = new Runner(context, [
    ORG_MEMBERSHIP_TYPE,
    ORG_ROSTER_TYPE,
    TEAM_TYPE,
    PROJECT_TEAM_TYPE,
    PROJECT_MEMBERSHIP_TYPE,
    PROJECT_ROSTER_TYPE,
  ]);
  console.log(
    "pulumi-cloudmanager demo, projects act: ProjectMembership and ProjectRoster through the real Pulumi engine, against a local Cloud Manager",
  );

  heading("Setup");
  const world = await startDemoWorld(context, { orgName: "Demo Org" });
  const { binDir, emulator, org, admin, temp } = world;
  const projectIds = await createProjects(world, PROJECTS);
  const { prod, analytics } = projectIds;
  // Whoever made the projects owns them: a Project Owner of their own in both, from before Pulumi.
  await controlPlane(emulator, `orgs/${org}/users`, { username: OWNER, roles: ["ORG_MEMBER"] });
  for (const name of PROJECTS) await controlPlane(emulator, `groups/${projectIds[name]}/users/${OWNER}/roles`, { roles: ["GROUP_OWNER"] });
  const projectName = (id: string) => PROJECTS.find((name) => projectIds[name] === id) ?? id;

  const byId = (roles: Partial<Record<ProjectName, string[]>>): Record<string, string[]> =>
    Object.fromEntries(PROJECTS.flatMap((p) => (roles[p] === undefined ? [] : [[projectIds[p], roles[p]]])));
  const TEAMS: TeamEntry[] = [{ name: DBA, projects: byId(TEAM_ROLES) }];
  const person = (email: string, teams?: string[]): Person => ({
    email,
    roles: ["ORG_MEMBER"],
    ...(teams ? { teams } : {}),
    ...(OWN_ROLES[email] ? { projects: byId(OWN_ROLES[email]) } : {}),
  });
  const PEOPLE: Person[] = [person(ALICE, [DBA]), person(BOB), person(CAROL), person(DAVE)];

  const stackProject = "cloudmanager-demo-projects";
  const { stack, workDir, peopleFile } = await inlineStack(
    context,
    world,
    "demo-projects",
    stackProject,
    (file) => projectsProgram(org, file),
    { prune: { value: "false" } },
  );
  const writePeople = (people: Person[]) => writeFileSync(peopleFile, accessYaml(TEAMS, people, projectName));
  writePeople(PEOPLE);

  // ---- what Cloud Manager holds, read from the emulator ----
  const member = (email: string) => emulator.state.members(org).find((m) => m.username === email);
  const pendingFor = (email: string) => emulator.state.pendingInvitations(org).filter((i) => i.username === email);
  const teamNamed = (name: string) => emulator.state.teams(org).find((t) => t.name === name);
  /** A person's own roles in a project, sorted ([] when they have none there). */
  const ownRoles = (project: ProjectName, email: string) =>
    (
      emulator.state
        .projectUsers(projectIds[project])
        .find((u) => u.username === email)
        ?.roles.filter((r) => r.groupId === projectIds[project])
        .map((r) => r.roleName) ?? []
    ).sort();
  const teamRoles = (project: ProjectName, teamId: string | undefined) =>
    [...(emulator.state.projectTeams(projectIds[project]).find((t) => t.teamId === teamId)?.roleNames ?? [])].sort();
  const projectInvitations = (project: ProjectName) => emulator.state.pendingProjectInvitations(projectIds[project]);
  const declared = (email: string, project: ProjectName) => [...(OWN_ROLES[email]?.[project] ?? [])].sort();
  const same = (a: readonly string[], b: readonly string[]) => JSON.stringify(a) === JSON.stringify(b);

  // ---- the request log, with ids shown as names, sorted (steps run in parallel, in any order) ----
  const log = new NamedIdLog(emulator, org, projectIds, true);
  /** Who has what in each project, as Cloud Manager holds it. */
  const showProjects = () => {
    const rows: string[][] = [];
    for (const p of PROJECTS) {
      for (const u of emulator.state.projectUsers(projectIds[p])) {
        const roles = ownRoles(p, u.username);
        if (roles.length > 0) rows.push([p, u.username, "own roles", roles.join(", ")]);
      }
      for (const t of emulator.state.projectTeams(projectIds[p])) {
        rows.push([p, `team ${log.nameOf(t.teamId)}`, "team's roles", [...t.roleNames].sort().join(", ")]);
      }
      for (const i of projectInvitations(p)) rows.push([p, i.username, "project invitation", i.roles.join(", ")]);
    }
    log.learnIds();
    table(["project", "who", "how", "roles"], rows);
  };
  const grant = (email: string, project: ProjectName) => `${email}/${projectIds[project]}`;
  const rosterOf = (project: ProjectName) => `roster/${projectIds[project]}`;
  const event = (what: string, how: string) => eventIn(what, how, 58);

  console.log(`    Pulumi CLI        ${binDir}`);
  console.log(`    Cloud Manager     emulator at ${emulator.baseUrl}, organization "${emulator.org.name}" (${org})`);
  console.log(
    `    Projects          ${PROJECTS.map((p) => `${p} (${projectIds[p]})`).join(", ")}, made by an admin; ${OWNER} is their Project Owner`,
  );
  console.log(
    `    Pulumi project    ${stackProject}, inline program (examples/demo/projects-act.ts), folder ${relative(repoRoot, workDir)}`,
  );
  console.log(`    Stack "demo"      file backend and PULUMI_HOME in ${temp}, empty passphrase`);
  console.log("    The program       examples/org-membership's declareOrgMemberships over people.yaml: one OrgMembership per person,");
  console.log("                      the Team and a ProjectTeam per project, one ProjectMembership per person and project of their");
  console.log("                      own roles, the organization's roster and one ProjectRoster per project;");
  console.log(`                      ignore = [${OWNER}] (the projects' own owner), prune = stack config prune (false)`);
  console.log("    people.yaml");
  for (const line of readFileSync(peopleFile, "utf8").trimEnd().split("\n")) console.log(`      ${line}`);

  // ---- 1 ----
  heading("1. pulumi up while everyone is only invited");
  const up1 = await runner.up(stack, log);
  const writes1 = up1.writes;
  const grants1 = outputOf<Record<string, string>>(up1.result.outputs, "projectMemberships");
  table(
    ["person", "project", "own roles (people.yaml)", "status"],
    Object.entries(OWN_ROLES).flatMap(([email, roles]) =>
      PROJECTS.filter((p) => roles[p] !== undefined).map((p) => [email, p, declared(email, p).join(", "), grants1[grant(email, p)] ?? "?"]),
    ),
  );
  check(
    Object.keys(grants1).length === 3 && Object.values(grants1).every((s) => s === "PENDING"),
    "the 3 own project roles (bob in prod and analytics, carol in analytics) are PENDING: their people are not members yet",
    grants1,
  );
  check(
    writes1.length === PEOPLE.length && writes1.every((w) => w === "POST /orgs/{org}/invites → 201"),
    `nothing sent but the ${PEOPLE.length} organization invitations: no project role, no team`,
    writes1,
  );
  check(
    PROJECTS.every((p) => emulator.state.projectInvitations(projectIds[p]).length === 0),
    "no project invitation: that would be a second invitation for one person, and accepting it would make them a member with a role nobody declared",
  );
  const bobInvitation = pendingFor(BOB)[0]?.id ?? "?";
  check(
    up1.warnings.some(
      (w) =>
        w.includes(`${BOB} gets GROUP_READ_ONLY in project "prod" once they are a member`) &&
        w.includes(`their invitation ${bobInvitation}`),
    ),
    `a warning says what each waits for: "${BOB} gets GROUP_READ_ONLY in project "prod" once they are a member …: their invitation ${bobInvitation} is pending"`,
    up1.warnings,
  );
  check(
    outputOf<Record<string, { status: string }>>(up1.result.outputs, "teams")[DBA]?.status === "WAITING",
    `${DBA} WAITS too (Cloud Manager cannot create an empty team), and its project roles with it`,
  );
  let before = lastRequestSeq(emulator);
  const gate1 = await runner.gate(stack);
  check(
    gate1.errors.length === 0 && log.writesSince(before).length === 0,
    `the gate passes while they are invited: waiting is not drift (${seconds(gate1.ms)}), and sends nothing`,
  );

  // ---- 2 ----
  heading("2. Meanwhile, outside Pulumi: everyone accepts");
  for (const p of PEOPLE) {
    const [invitation] = pendingFor(p.email);
    event(`${p.email} accepts the invitation`, "(emulator control plane: POST /__emulator/orgs/{org}/invites/{id}/accept)");
    await controlPlane(emulator, `orgs/${org}/invites/${invitation?.id ?? ""}/accept`);
  }
  check(
    PEOPLE.every((p) => member(p.email) !== undefined),
    `all ${PEOPLE.length} are members of the organization now, with no project role yet`,
  );
  log.learnIds();

  // ---- 3 ----
  heading("3. pulumi up: the team is made with its roles, bob and carol get their own");
  const up3 = await runner.up(stack, log);
  const writes3 = up3.writes;
  showProjects();
  const dbaId = teamNamed(DBA)?.id;
  check(
    same(writes3, [
      "POST /groups/{analytics}/teams → 200",
      "POST /groups/{analytics}/users → 200",
      "POST /groups/{analytics}/users → 200",
      "POST /groups/{prod}/teams → 200",
      "POST /groups/{prod}/users → 200",
      "POST /orgs/{org}/teams → 200",
    ]),
    "one POST per person and project (bob twice, carol once), the team made and given its roles in both projects; no invitation",
    writes3,
  );
  check(
    Object.entries(OWN_ROLES).every(([email, roles]) => PROJECTS.every((p) => same(ownRoles(p, email), [...(roles[p] ?? [])].sort()))) &&
      PROJECTS.every((p) => ownRoles(p, ALICE).length === 0 && ownRoles(p, DAVE).length === 0),
    "each person has exactly the own roles of people.yaml (alice none: hers come through dba; dave none)",
  );
  const dbaMade = dbaId !== undefined && PROJECTS.every((p) => same(teamRoles(p, dbaId), [...TEAM_ROLES[p]].sort()));
  check(dbaMade, `${DBA} has its roles in prod and analytics`);
  const grants3 = outputOf<Record<string, string>>(up3.result.outputs, "projectMemberships");
  check(
    Object.values(grants3).every((s) => s === "ACTIVE"),
    "exported: every own project role ACTIVE",
    grants3,
  );
  check(
    PROJECTS.every((p) => same(ownRoles(p, OWNER), ["GROUP_OWNER"])),
    `${OWNER} is still the Project Owner of both (ignored: neither reported nor touched)`,
  );
  const gate3 = await runner.gate(stack);
  check(gate3.errors.length === 0, `the gate, pulumi preview --refresh --expect-no-changes, passes (${seconds(gate3.ms)})`);

  // ---- 4 ----
  heading("4. Meanwhile, outside Pulumi: project access nobody declared, and a role raised");
  const daveId = member(DAVE)?.id ?? "";
  const bobId = member(BOB)?.id ?? "";
  event(`the admin gives ${DAVE} ${DAVE_BY_HAND.join(", ")} in prod`, "(POST /groups/{prod}/users with the admin's own API key)");
  await admin.addUsersToProject(prod, [{ userId: daveId, roles: DAVE_BY_HAND }]);
  event(
    `the admin invites ${GUEST} to analytics in the Cloud Manager UI`,
    `(emulator control plane: POST /__emulator/groups/{analytics}/invites as ${ADMIN_USER})`,
  );
  const guestInvitation = (await controlPlane(emulator, `groups/${analytics}/invites`, {
    username: GUEST,
    roles: GUEST_ROLES,
    inviterUsername: ADMIN_USER,
  })) as { id: string; createdAt: string };
  log.name(guestInvitation.id, "guest's invitation");
  event(`the admin raises ${BOB} to ${BOB_RAISED.join(", ")} in prod`, "(PUT /groups/{prod}/users/{bob}/roles with the admin's API key)");
  await admin.setProjectUserRoles(prod, bobId, BOB_RAISED);
  showProjects();
  check(
    same(ownRoles("prod", DAVE), DAVE_BY_HAND) &&
      projectInvitations("analytics").some((i) => i.username === GUEST) &&
      same(ownRoles("prod", BOB), BOB_RAISED),
    `Cloud Manager now has ${DAVE} in prod, an invitation for ${GUEST} to analytics, and ${BOB} as Project Owner of prod (declared: ${declared(BOB, "prod").join(", ")})`,
  );

  // ---- 5 ----
  heading("5. pulumi preview --refresh --expect-no-changes: the GitOps gate");
  before = lastRequestSeq(emulator);
  const gate = await runner.gateFails(stack);
  const watched = [grant(BOB, "prod"), grant(BOB, "analytics"), grant(CAROL, "analytics"), rosterOf("prod"), rosterOf("analytics")];
  console.log("    What the refresh found:");
  for (const d of gate.drift.filter((d) => watched.includes(d.name))) {
    console.log(`      ${displayName(d.name, projectName).padEnd(30)} ${describeProjectDrift(d)}`);
  }
  printWarnings("What the provider said:", gate.warnings);
  console.log("    What pulumi up would do:");
  for (const name of watched) console.log(`      ${displayName(name, projectName).padEnd(30)} ${describeOps(opsOf(gate.steps, name))}`);
  check(
    // "(N entries): " then the names, newest first.
    gate.warnings.some(
      (w) => w.includes(`undeclared access in project ${prod} (`) && w.includes(`): ${DAVE} (${DAVE_BY_HAND.join(", ")})`),
    ),
    `a warning names ${DAVE} in prod with his roles: "undeclared access in project ${prod} (1 entry): ${DAVE} (${DAVE_BY_HAND.join(", ")}) …"`,
    gate.warnings,
  );
  check(
    gate.warnings.some(
      (w) =>
        w.includes(`undeclared access in project ${analytics} (`) &&
        w.includes(`): ${GUEST} (invited by ${ADMIN_USER} at ${guestInvitation.createdAt}: ${GUEST_ROLES.join(", ")})`),
    ),
    `a warning names the invitation: "undeclared access in project ${analytics} (1 entry): ${GUEST} (invited by ${ADMIN_USER} at …: ${GUEST_ROLES.join(", ")})"`,
    gate.warnings,
  );
  check(
    gate.warnings.some((w) =>
      w.includes(`${BOB} in project "prod" has ${BOB_RAISED.join(", ")}; \`pulumi up\` sets ${declared(BOB, "prod").join(", ")}`),
    ),
    `a warning names bob's raised role: "${BOB} in project "prod" has ${BOB_RAISED.join(", ")}; \`pulumi up\` sets ${declared(BOB, "prod").join(", ")}."`,
    gate.warnings,
  );
  check(
    !gate.warnings.some((w) => w.includes("undeclared access") && (w.includes(OWNER) || w.includes(`organization ${org}`))),
    `neither ${OWNER} (ignored) nor ${DAVE} (listed in the organization) is undeclared access to the organization`,
    gate.warnings,
  );
  check(
    opsOf(gate.steps, grant(BOB, "prod")).includes("update") &&
      opsOf(gate.steps, rosterOf("prod")).includes("update") &&
      opsOf(gate.steps, rosterOf("analytics")).includes("update") &&
      leftAlone(opsOf(gate.steps, grant(BOB, "analytics"))) &&
      leftAlone(opsOf(gate.steps, grant(CAROL, "analytics"))) &&
      leftAlone(opsOf(gate.steps, DAVE)),
    "the plan updates bob's roles in prod and both projects' rosters; the rest is left alone",
    gate.steps,
  );
  check(log.writesSince(before).length === 0, "a preview sends nothing");

  // ---- 6 ----
  heading("6. prune on, then pulumi up --refresh: put back and removed");
  await stack.setConfig("prune", { value: "true" });
  console.log("    stack config prune = true               (pulumi config set prune true; in GitOps: the merge's --config prune=true)");
  const up6 = await runner.up(stack, log, true);
  const writes6 = up6.writes;
  showProjects();
  check(
    same(writes6, [
      "DELETE /groups/{analytics}/invites/{guest's invitation} → 204",
      "DELETE /groups/{prod}/users/{dave} → 204",
      "PUT /groups/{prod}/users/{bob}/roles → 200",
    ]),
    "three requests: bob's roles set back, dave taken out of prod, the invitation withdrawn",
    writes6,
  );
  check(
    up6.warnings.some((w) => w.includes(`pruned: taking ${DAVE} (${DAVE_BY_HAND.join(", ")}) out of project "prod"`)) &&
      up6.warnings.some((w) => w.includes(`pruned: withdrawing the invitation ${guestInvitation.id} for ${GUEST} to project "analytics"`)),
    "one pruned: line each, naming who or what, the project and the roles",
    up6.warnings,
  );
  check(same(ownRoles("prod", BOB), declared(BOB, "prod")), `${BOB}'s own roles in prod are ${declared(BOB, "prod").join(", ")} again`);
  check(
    member(DAVE) !== undefined && ownRoles("prod", DAVE).length === 0,
    `${DAVE} is out of prod and still a member of the organization (people.yaml lists him there)`,
  );
  check(projectInvitations("analytics").length === 0, `no project invitation left in analytics`);
  const undeclared6 = outputOf<Record<string, UndeclaredCounts>>(up6.result.outputs, "undeclared");
  check(
    PROJECTS.every((p) => same(Object.values(undeclared6[projectIds[p]] ?? { users: -1 }).map(String), ["0", "0", "0"])),
    "exported: nothing undeclared left in either project (users, invitations, teams: 0)",
    undeclared6,
  );
  check(
    PROJECTS.every((p) => same(ownRoles(p, OWNER), ["GROUP_OWNER"])),
    `${OWNER} untouched in both projects (ignored: neither reported nor pruned)`,
  );
  await stack.setConfig("prune", { value: "false" });
  console.log("    stack config prune = false              (back to report-only, as the scheduled gate runs)");
  const gate6 = await runner.gate(stack);
  check(gate6.errors.length === 0, `the gate passes (${seconds(gate6.ms)})`);

  // ---- 7 ----
  heading(`7. people.yaml drops ${CAROL}'s project role (she stays listed), then pulumi up`);
  writePeople(PEOPLE.map((p) => (p.email === CAROL ? { email: p.email, roles: p.roles } : p)));
  console.log(`    people.yaml       ${CAROL}: the projects: entry removed`);
  const up7 = await runner.up(stack, log);
  const writes7 = up7.writes;
  check(same(writes7, ["DELETE /groups/{analytics}/users/{carol} → 204"]), "one request: carol taken out of analytics", writes7);
  check(
    opsOf(up7.steps, grant(CAROL, "analytics")).join() === "delete" && leftAlone(opsOf(up7.steps, CAROL)),
    "her ProjectMembership deleted, her OrgMembership left alone",
    up7.steps,
  );
  check(
    member(CAROL) !== undefined && ownRoles("analytics", CAROL).length === 0,
    `${CAROL} left analytics and is still a member of the organization`,
  );
  const gate7 = await runner.gate(stack);
  check(gate7.errors.length === 0, `the gate passes (${seconds(gate7.ms)})`);

  // ---- 8 ----
  heading("8. pulumi destroy");
  const ownerId = member(OWNER)?.id ?? "?";
  before = lastRequestSeq(emulator);
  const destroy = await runner.destroy(stack, log);
  const writes8 = destroy.writes;
  check(
    emulator.state.requests().every((r) => r.seq <= before || !r.path.includes(ownerId)) &&
      PROJECTS.every((p) => same(ownRoles(p, OWNER), ["GROUP_OWNER"])) &&
      member(OWNER) !== undefined,
    `${OWNER} untouched: still the Project Owner of both projects and a member; no request named them`,
  );
  check(
    PROJECTS.every((p) => emulator.state.projectTeams(projectIds[p]).length === 0) && emulator.state.teams(org).length === 0,
    "no team left, and no team's role in either project",
  );
  check(
    PROJECTS.every((p) => emulator.state.projectUsers(projectIds[p]).every((u) => u.username === OWNER)),
    "nobody but the owner has roles of their own in either project",
  );
  check(
    PEOPLE.every((p) => member(p.email) === undefined) &&
      emulator.state.pendingInvitations(org).length === 0 &&
      PROJECTS.every((p) => projectInvitations(p).length === 0),
    "none of the four is a member any more (OrgMembership's delete), and no invitation is pending, organization or project",
  );

  // ---- 9 ----
  heading("9. Summary");
  // Every cell is read back from what the steps above recorded.
  const cell = (status: string | undefined) => status ?? "-";
  table(
    [
      "who, where",
      "up, invited (1)",
      "up, accepted (3)",
      "by hand (4)",
      "up --refresh, prune (6)",
      `${CAROL.split("@")[0] ?? ""} off (7)`,
      "destroy (8)",
    ],
    [
      [
        `${DBA} (team) in both`,
        "WAITING",
        dbaMade ? "made, roles given" : "?",
        "-",
        "-",
        "-",
        writes8.includes(`DELETE /orgs/{org}/teams/{${DBA}} → 204`) ? "off both, deleted" : "?",
      ],
      [
        `${BOB} in prod`,
        cell(grants1[grant(BOB, "prod")]),
        cell(grants3[grant(BOB, "prod")]),
        `raised to ${BOB_RAISED.join(",")}`,
        writes6.includes("PUT /groups/{prod}/users/{bob}/roles → 200") ? "set back" : "?",
        "-",
        writes8.includes("DELETE /groups/{prod}/users/{bob} → 204") ? "taken out" : "?",
      ],
      [
        `${BOB} in analytics`,
        cell(grants1[grant(BOB, "analytics")]),
        cell(grants3[grant(BOB, "analytics")]),
        "-",
        "-",
        "-",
        writes8.includes("DELETE /groups/{analytics}/users/{bob} → 204") ? "taken out" : "?",
      ],
      [
        `${CAROL} in analytics`,
        cell(grants1[grant(CAROL, "analytics")]),
        cell(grants3[grant(CAROL, "analytics")]),
        "-",
        "-",
        writes7.includes("DELETE /groups/{analytics}/users/{carol} → 204") ? "taken out, stays in org" : "?",
        "-",
      ],
      [
        `${DAVE} in prod`,
        "(not declared there)",
        "-",
        `given ${DAVE_BY_HAND.join(",")}`,
        writes6.includes("DELETE /groups/{prod}/users/{dave} → 204") ? "pruned, stays in org" : "?",
        "-",
        "-",
      ],
      [
        `${GUEST} (invitation to analytics)`,
        "-",
        "-",
        "invited",
        writes6.includes("DELETE /groups/{analytics}/invites/{guest's invitation} → 204") ? "withdrawn" : "?",
        "-",
        "-",
      ],
      [`${OWNER} (ignored) in both`, "GROUP_OWNER", "untouched", "-", "untouched", "-", "untouched"],
    ],
  );
  console.log("\nDemo complete: every step behaved as expected.");
}

function outputOf<T>(outputs: Record<string, { value: unknown }>, key: string): T {
  const value = outputs[key]?.value;
  return (typeof value === "object" && value !== null ? value : {}) as T;
}

/** `<email>/<project id>` shown as `<email> in <project>`, `roster/<project id>` as `roster of <project>`. */
function displayName(name: string, projectName: (id: string) => string): string {
  const slash = name.indexOf("/");
  if (slash === -1) return name;
  const [who, id] = [name.slice(0, slash), name.slice(slash + 1)];
  return who === "roster" ? `roster of ${projectName(id)}` : `${who} in ${projectName(id)}`;
}

/** The changes that tell the story: a person's own roles, and what a roster found. */
function describeProjectDrift(drift: Drift): string {
  return Object.entries(drift.changes)
    .filter(([key]) => ["status", "roles", "unmanagedUsers", "unmanagedInvitations", "unmanagedTeams"].includes(key))
    .map(([key, [before, after]]) => {
      if (!key.startsWith("unmanaged")) return `${key} ${JSON.stringify(before)} → ${JSON.stringify(after)}`;
      // JSON Lines: one entry per line, named by `username` (teams by `name`).
      const entries = typeof after === "string" ? rosterLines<{ username?: string; name?: string }>(after) : [];
      return `${key}: ${entries.map((e) => e.username ?? e.name).join(", ")}`;
    })
    .join(", ");
}

function describeOps(ops: string[]): string {
  if (ops.includes("update")) return "update";
  if (ops.includes("create-replacement")) return "replace";
  return leftAlone(ops) ? "nothing" : ops.join(", ");
}
