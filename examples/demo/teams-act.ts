// The demo's teams act (`npm run demo -- --teams`): teams as code — made, given roles in projects,
// put back after by-hand changes, renamed and deleted from people.yaml — through the real Pulumi engine
// against the emulator of ./demo-world.
//
// The program is the enforcement example's (examples/org-membership: declareOrgMemberships over the
// list parseAccessList reads), inline (run by the Automation API in this process, the project folder
// under <repo>/.e2e-work/): one OrgMembership per person, one Team per team of people.yaml (its
// founders: the people who list it), one ProjectTeam per team and project, and the roster.
//
//   1. pulumi up while everyone is only invited: the teams WAIT (Cloud Manager cannot create an empty
//      team), so do their project roles; nothing but the invitations is sent;
//   2. outside Pulumi, everyone accepts;
//   3. pulumi up converges: both teams made with their people, their roles given in both projects;
//   4. outside Pulumi, an admin changes a team's roles in a project and deletes the other team;
//   5. pulumi preview --refresh --expect-no-changes (the GitOps gate) fails, naming both;
//   6. pulumi up --refresh puts them back (the deleted team is made again, with a new id);
//   7. a team renamed in people.yaml: one PATCH, same id, members and project roles kept;
//   8. a team and its project roles removed from people.yaml: one pulumi up takes it off the projects and deletes it;
//   9. pulumi destroy leaves no team, no project role, no member and no pending invitation;
//  10. a closing table.
// Every step's outcome is checked; anything unexpected ends the demo with exit code 1.

import { readFileSync, writeFileSync } from "node:fs";
import { relative } from "node:path";
import type { PulumiFn } from "@pulumi/pulumi/automation";
import { declareOrgMemberships, parseAccessList, type TeamEntry } from "../org-membership/declare-org-memberships";
import type { Person } from "../people/people";
import { createProjects, inlineStack, startDemoWorld } from "./demo-world";
import { ORG_MEMBERSHIP_TYPE, ORG_ROSTER_TYPE, PROJECT_TEAM_TYPE, TEAM_TYPE, type Drift } from "./engine-events";
import { check, controlPlane, event, heading, leftAlone, opsOf, printWarnings, Runner, seconds, table, type ActContext } from "./narration";
import { NamedIdLog } from "./request-log";

// Two teams, three people (two on dba, one on ops). ops is changed by hand in step 4 and renamed to
// "operations" in step 7; dba is deleted by hand in step 4, made again in step 6 and removed from
// people.yaml in step 8.
const PEOPLE: Person[] = [
  { email: "alice@example.com", roles: ["ORG_MEMBER"], teams: ["dba"] },
  { email: "bob@example.com", roles: ["ORG_MEMBER"], teams: ["dba"] },
  { email: "carol@example.com", roles: ["ORG_GROUP_CREATOR", "ORG_MEMBER"], teams: ["ops"] },
];
const [ALICE, BOB, CAROL] = PEOPLE.map((p) => p.email) as [string, string, string];

const DBA = "dba";
const OPS = "ops";
const OPS_RENAMED = "operations";
const PROJECTS = ["prod", "staging"] as const;
type ProjectName = (typeof PROJECTS)[number];

/** Each team's roles per project, by project name (the ids are the emulator's). */
const ROLES: Record<string, Record<ProjectName, string[]>> = {
  [DBA]: { prod: ["GROUP_DATA_ACCESS_ADMIN"], staging: ["GROUP_DATA_ACCESS_READ_WRITE"] },
  [OPS]: { prod: ["GROUP_MONITORING_ADMIN", "GROUP_READ_ONLY"], staging: ["GROUP_OWNER"] },
};
/** What the admin sets by hand in step 4. */
const HAND_ROLES = ["GROUP_OWNER"];

/** A team as the program exports it. */
interface TeamOut {
  teamId: string;
  status: string;
}

/** The GitOps shape with teams: the enforcement example's declarations over people.yaml. */
function teamsProgram(orgId: string, peopleFile: string): PulumiFn {
  return async () => {
    const { people, teams } = parseAccessList(readFileSync(peopleFile, "utf8"), "people.yaml");
    const access = declareOrgMemberships(people, orgId, { teams });
    return { statuses: access.statuses, teams: access.teamStatuses, projectTeams: access.projectTeamStatuses };
  };
}

/** people.yaml as a platform team would write it: the teams (projects named in comments), then the people. */
function accessYaml(teams: readonly TeamEntry[], people: readonly Person[], projectName: (id: string) => string): string {
  const lines = ["teams:"];
  for (const team of teams) {
    lines.push(`  - name: ${team.name}`);
    if (team.renamedFrom) lines.push(`    renamedFrom: ${team.renamedFrom.join(", ")}`);
    lines.push("    projects:");
    for (const [id, roles] of Object.entries(team.projects ?? {})) lines.push(`      ${id}: [${roles.join(", ")}] # ${projectName(id)}`);
  }
  lines.push("people:");
  for (const p of people) {
    lines.push(`  - email: ${p.email}`, `    roles: [${p.roles.join(", ")}]`);
    if (p.teams && p.teams.length > 0) lines.push(`    teams: [${p.teams.join(", ")}]`);
  }
  return `${lines.join("\n")}\n`;
}

export async function teamsAct(context: ActContext): Promise<void> {
  const { repoRoot } = context;
  const runner = new Runner(context, [ORG_MEMBERSHIP_TYPE, ORG_ROSTER_TYPE, TEAM_TYPE, PROJECT_TEAM_TYPE]);
  console.log("pulumi-cloudmanager demo, teams act: Team and ProjectTeam through the real Pulumi engine, against a local Cloud Manager");

  heading("Setup");
  const world = await startDemoWorld(context, { orgName: "Demo Org" });
  const { binDir, emulator, org, admin, temp } = world;
  const projectIds = await createProjects(world, PROJECTS);
  const { prod } = projectIds;
  const projectName = (id: string) => PROJECTS.find((name) => projectIds[name] === id) ?? id;
  const teamEntries = (names: Record<string, string>, renamed?: { from: string }): TeamEntry[] =>
    Object.entries(names).map(([team, declaredAs]) => ({
      name: declaredAs,
      ...(renamed && declaredAs !== team ? { renamedFrom: [renamed.from] } : {}),
      projects: Object.fromEntries(PROJECTS.map((p) => [projectIds[p], ROLES[team]?.[p] ?? []])),
    }));

  const stackProject = "cloudmanager-demo-teams";
  const { stack, workDir, peopleFile } = await inlineStack(context, world, "demo-teams", stackProject, (file) => teamsProgram(org, file));
  const writePeople = (teams: TeamEntry[], people: Person[]) => writeFileSync(peopleFile, accessYaml(teams, people, projectName));
  writePeople(teamEntries({ [DBA]: DBA, [OPS]: OPS }), PEOPLE);

  // ---- what Cloud Manager holds, read from the emulator ----
  const teamNamed = (name: string) => emulator.state.teams(org).find((t) => t.name === name);
  const membersOf = (teamId: string | undefined) =>
    teamId === undefined
      ? []
      : emulator.state
          .teamUsers(org, teamId)
          .map((u) => u.username)
          .sort();
  const rolesIn = (project: ProjectName, teamId: string | undefined) =>
    [...(emulator.state.projectTeams(projectIds[project]).find((t) => t.teamId === teamId)?.roleNames ?? [])].sort();
  const declared = (team: string, project: ProjectName) => [...(ROLES[team]?.[project] ?? [])].sort();
  const same = (a: readonly string[], b: readonly string[]) => JSON.stringify(a) === JSON.stringify(b);
  const pendingFor = (email: string) => emulator.state.pendingInvitations(org).filter((i) => i.username === email);
  const member = (email: string) => emulator.state.members(org).find((m) => m.username === email);

  // ---- the request log, with ids shown as names ----
  const log = new NamedIdLog(emulator, org, projectIds);
  const wrote = (writes: string[], line: string) => writes.includes(line);
  const showTeams = () =>
    table(
      ["team", "id", "members", ...PROJECTS.map((p) => `roles in ${p}`)],
      emulator.state
        .teams(org)
        .map((t) => [t.name, t.id, membersOf(t.id).join(", ") || "-", ...PROJECTS.map((p) => rolesIn(p, t.id).join(", ") || "-")]),
    );
  const pt = (team: string, project: ProjectName) => `${team}/${projectIds[project]}`;

  console.log(`    Pulumi CLI        ${binDir}`);
  console.log(`    Cloud Manager     emulator at ${emulator.baseUrl}, organization "${emulator.org.name}" (${org})`);
  console.log(`    Projects          ${PROJECTS.map((p) => `${p} (${projectIds[p]})`).join(", ")}, made by an admin (control plane)`);
  console.log(`    Pulumi project    ${stackProject}, inline program (examples/demo/teams-act.ts), folder ${relative(repoRoot, workDir)}`);
  console.log(`    Stack "demo"      file backend and PULUMI_HOME in ${temp}, empty passphrase`);
  console.log("    The program       examples/org-membership's declareOrgMemberships over people.yaml: one OrgMembership per person,");
  console.log(
    "                      one Team per team (founders: the people who list it), one ProjectTeam per team and project, the roster",
  );
  console.log("    people.yaml");
  for (const line of readFileSync(peopleFile, "utf8").trimEnd().split("\n")) console.log(`      ${line}`);

  // ---- 1 ----
  heading("1. pulumi up while everyone is only invited");
  const up1 = await runner.up(stack, log);
  const writes1 = up1.writes;
  const teams1 = teamsOf(up1.result.outputs);
  const projectTeams1 = projectTeamsOf(up1.result.outputs);
  table(
    ["team", "status", "teamId"],
    Object.entries(teams1).map(([name, t]) => [name, t.status, t.teamId]),
  );
  check(
    teams1[DBA]?.status === "WAITING" && teams1[OPS]?.status === "WAITING" && teams1[DBA]?.teamId === `waiting:${DBA}`,
    'both teams WAIT (teamId "waiting:<name>"): Cloud Manager cannot create an empty team, and none of their people is a member yet',
    teams1,
  );
  check(
    Object.keys(projectTeams1).length === 4 && Object.values(projectTeams1).every((s) => s === "WAITING"),
    "their 4 project roles (2 teams × 2 projects) WAIT with them",
    projectTeams1,
  );
  check(
    up1.warnings.some((w) => w.includes(`team "${DBA}" waits for a founder`)) &&
      up1.warnings.some((w) => w.includes(`team "${OPS}" waits for a founder`)),
    "a warning says what each team waits for",
    up1.warnings,
  );
  check(
    writes1.length === PEOPLE.length &&
      writes1.every((w) => w === "POST /orgs/{org}/invites → 201") &&
      emulator.state.teams(org).length === 0,
    `nothing sent but the ${PEOPLE.length} invitations: no team, no project role`,
    writes1,
  );
  const statuses1 = statusesOf(up1.result.outputs);
  check(
    PEOPLE.every((p) => statuses1[p.email] === "PENDING"),
    "every membership PENDING",
    statuses1,
  );

  // ---- 2 ----
  heading("2. Meanwhile, outside Pulumi: everyone accepts");
  for (const p of PEOPLE) {
    const [invitation] = pendingFor(p.email);
    event(`${p.email} accepts the invitation`, "(emulator control plane: POST /__emulator/orgs/{org}/invites/{id}/accept)", 50);
    await controlPlane(emulator, `orgs/${org}/invites/${invitation?.id ?? ""}/accept`);
  }
  check(
    PEOPLE.every((p) => member(p.email) !== undefined),
    `all ${PEOPLE.length} are members now, on no team yet (none exists)`,
  );

  // ---- 3 ----
  heading("3. pulumi up: the teams are made, with their people and their project roles");
  const up3 = await runner.up(stack, log);
  const writes3 = up3.writes;
  showTeams();
  const teams3 = teamsOf(up3.result.outputs);
  const dba3 = teamNamed(DBA);
  const ops3 = teamNamed(OPS);
  check(
    teams3[DBA]?.status === "ACTIVE" &&
      teams3[OPS]?.status === "ACTIVE" &&
      teams3[DBA]?.teamId === dba3?.id &&
      teams3[OPS]?.teamId === ops3?.id,
    "both teams ACTIVE, with the ids Cloud Manager gave them",
    teams3,
  );
  check(
    same(membersOf(dba3?.id), [ALICE, BOB]) && same(membersOf(ops3?.id), [CAROL]),
    `${DBA}: ${ALICE} and ${BOB}; ${OPS}: ${CAROL} — the people who list each team, made its founders`,
  );
  check(
    [DBA, OPS].every((team) => PROJECTS.every((p) => same(rolesIn(p, teamNamed(team)?.id), declared(team, p)))),
    "each team has the roles of people.yaml in prod and in staging",
  );
  check(
    Object.values(projectTeamsOf(up3.result.outputs)).every((s) => s === "ACTIVE") &&
      PEOPLE.every((p) => statusesOf(up3.result.outputs)[p.email] === "ACTIVE"),
    "exported: every project role ACTIVE, every membership ACTIVE",
    up3.result.outputs,
  );
  check(!writes3.some((w) => w.includes("/invites")), "no invitation sent again", writes3);
  const gate3 = await runner.gate(stack);
  check(gate3.errors.length === 0, `the gate, pulumi preview --refresh --expect-no-changes, passes (${seconds(gate3.ms)})`);

  // ---- 4 ----
  heading("4. Meanwhile, outside Pulumi: an admin changes a team's roles and deletes the other team");
  const dbaId = dba3?.id ?? "";
  const opsId = ops3?.id ?? "";
  const width = 56;
  event(
    `the admin gives ${OPS} ${HAND_ROLES.join(", ")} in prod`,
    "(PATCH /groups/{prod}/teams/{ops} with the admin's own API key)",
    width,
  );
  await admin.setProjectTeamRoles(prod, opsId, HAND_ROLES);
  event(
    `the admin takes ${DBA} off both projects and deletes it`,
    "(DELETE /groups/{…}/teams/{dba}, DELETE /orgs/{org}/teams/{dba}: the admin's key)",
    width,
  );
  for (const p of PROJECTS) await admin.removeTeamFromProject(projectIds[p], dbaId);
  await admin.deleteTeam(org, dbaId);
  check(
    same(rolesIn("prod", opsId), HAND_ROLES),
    `${OPS}'s roles in prod are now ${HAND_ROLES.join(", ")} (declared: ${declared(OPS, "prod").join(", ")})`,
  );
  check(
    teamNamed(DBA) === undefined && PROJECTS.every((p) => rolesIn(p, dbaId).length === 0),
    `${DBA} is gone, and with it its roles in both projects`,
  );

  // ---- 5 ----
  heading("5. pulumi preview --refresh --expect-no-changes: the GitOps gate");
  const gate = await runner.gateFails(stack);
  const planned = [DBA, OPS, ...[DBA, OPS].flatMap((t) => PROJECTS.map((p) => pt(t, p))), ...PEOPLE.map((p) => p.email)];
  console.log("    What the refresh found (a Team's projectIds, read afresh, left out):");
  for (const name of planned) {
    const found = gate.drift.find((d) => d.name === name);
    const described = found === undefined ? "" : describeTeamDrift(found);
    if (described !== "") console.log(`      ${displayName(name, projectName).padEnd(24)} ${described}`);
  }
  printWarnings("What the provider said:", gate.warnings);
  console.log("    What pulumi up would do:");
  for (const name of planned) console.log(`      ${displayName(name, projectName).padEnd(24)} ${describeOps(opsOf(gate.steps, name))}`);
  check(
    gate.warnings.some((w) => w.includes(`team "${OPS}" in project "prod" has roles ${HAND_ROLES.join(", ")}`)),
    `a warning names ${OPS}'s roles in prod: "team "${OPS}" in project "prod" has roles ${HAND_ROLES.join(", ")}; …"`,
    gate.warnings,
  );
  check(
    gate.warnings.some((w) => w.includes(`team "${DBA}" (${dbaId}) of organization ${org} was deleted outside Pulumi`)),
    `a warning names the deleted team: "team "${DBA}" (${dbaId}) … was deleted outside Pulumi"`,
    gate.warnings,
  );
  check(
    driftOf(gate.drift, DBA, "status")?.join(" → ") === "ACTIVE → DELETED" &&
      PROJECTS.every((p) => driftOf(gate.drift, pt(DBA, p), "status")?.join(" → ") === "ACTIVE → REMOVED") &&
      JSON.stringify(driftOf(gate.drift, pt(OPS, "prod"), "roles")) === JSON.stringify([declared(OPS, "prod"), HAND_ROLES]),
    `drift: ${DBA} ACTIVE → DELETED, its project roles ACTIVE → REMOVED, ${OPS}'s roles in prod ${JSON.stringify(declared(OPS, "prod"))} → ${JSON.stringify(HAND_ROLES)}`,
    gate.drift,
  );
  check(
    opsOf(gate.steps, DBA).includes("create-replacement") &&
      opsOf(gate.steps, pt(OPS, "prod")).includes("update") &&
      leftAlone(opsOf(gate.steps, OPS)) &&
      leftAlone(opsOf(gate.steps, pt(OPS, "staging"))) &&
      leftAlone(opsOf(gate.steps, CAROL)),
    `the plan makes ${DBA} again and sets ${OPS}'s roles in prod back; ${OPS} itself, its roles in staging and ${CAROL} are left alone`,
    gate.steps,
  );

  // ---- 6 ----
  heading("6. pulumi up --refresh: put back");
  const up6 = await runner.up(stack, log, true);
  const writes6 = up6.writes;
  if (up6.warnings.some((w) => w.includes("nothing to delete") || w.includes("nothing to remove"))) {
    console.log(
      '    (The "nothing to remove/delete" lines are the replaced resources\' deletes: the old dba and its roles were gone already.)',
    );
  }
  showTeams();
  const dba6 = teamNamed(DBA);
  check(
    dba6 !== undefined && dba6.id !== dbaId && same(membersOf(dba6.id), [ALICE, BOB]),
    `${DBA} made again (a new id, ${dba6?.id ?? "?"}: the old one was deleted), with ${ALICE} and ${BOB}`,
  );
  check(
    PROJECTS.every((p) => same(rolesIn(p, dba6?.id), declared(DBA, p))),
    `${DBA}'s roles in prod and staging given again`,
  );
  check(
    same(rolesIn("prod", opsId), declared(OPS, "prod")) && wrote(writes6, `PATCH /groups/{prod}/teams/{${OPS}} → 200`),
    `${OPS}'s roles in prod set back to ${declared(OPS, "prod").join(", ")} (PATCH /groups/{prod}/teams/{ops} → 200)`,
    writes6,
  );
  const teams6 = teamsOf(up6.result.outputs);
  check(teams6[DBA]?.teamId === dba6?.id && teams6[OPS]?.teamId === opsId, "exported: the new id of dba, the same id of ops", teams6);
  const gate6 = await runner.gate(stack);
  check(gate6.errors.length === 0, `the gate passes (${seconds(gate6.ms)})`);

  // ---- 7 ----
  heading(`7. people.yaml renames ${OPS} to ${OPS_RENAMED}, then pulumi up`);
  const renamedPeople = PEOPLE.map((p) => (p.email === CAROL ? { ...p, teams: [OPS_RENAMED] } : p));
  writePeople(teamEntries({ [DBA]: DBA, [OPS]: OPS_RENAMED }, { from: OPS }), renamedPeople);
  console.log(`    people.yaml       - name: ${OPS_RENAMED}`);
  console.log(`                        renamedFrom: ${OPS}          (so the resources keep their identity: Pulumi aliases)`);
  console.log(`                      ${CAROL}: teams: [${OPS_RENAMED}]`);
  const up7 = await runner.up(stack, log);
  const writes7 = up7.writes;
  const teams7 = teamsOf(up7.result.outputs);
  check(
    teams7[OPS_RENAMED]?.teamId === opsId && teamNamed(OPS_RENAMED)?.id === opsId && teamNamed(OPS) === undefined,
    `the same team, renamed in place: ${OPS_RENAMED} has ${OPS}'s id ${opsId}`,
    teams7,
  );
  check(
    writes7.length === 1 && wrote(writes7, `PATCH /orgs/{org}/teams/{${OPS_RENAMED}} → 200`),
    "one request: PATCH /orgs/{org}/teams/{id} (no team made, no project role touched)",
    writes7,
  );
  check(
    same(membersOf(opsId), [CAROL]) && PROJECTS.every((p) => same(rolesIn(p, opsId), declared(OPS, p))),
    `its member (${CAROL}) and its roles in both projects stay`,
  );
  check(
    opsOf(up7.steps, OPS_RENAMED).join() === "update" && PROJECTS.every((p) => leftAlone(opsOf(up7.steps, pt(OPS_RENAMED, p)))),
    `the engine updated the Team and left its ProjectTeams as they were (found under their former names)`,
    up7.steps,
  );
  const gate7 = await runner.gate(stack);
  check(gate7.errors.length === 0, `the gate passes (${seconds(gate7.ms)})`);

  // ---- 8 ----
  heading(`8. people.yaml drops ${DBA} and its project roles, then pulumi up`);
  const withoutDba = renamedPeople.map((p) => (p.teams?.includes(DBA) ? { ...p, teams: [] } : p));
  writePeople(teamEntries({ [OPS]: OPS_RENAMED }, { from: OPS }), withoutDba);
  console.log(`    people.yaml       the ${DBA} entry removed from teams:, and ${DBA} from ${ALICE}'s and ${BOB}'s teams`);
  const dbaNow = dba6?.id ?? "";
  const up8 = await runner.up(stack, log, false, "one pulumi up");
  const writes8 = up8.writes;
  check(
    PROJECTS.every((p) => wrote(writes8, `DELETE /groups/{${p}}/teams/{${DBA}} → 204`)) &&
      wrote(writes8, `DELETE /orgs/{org}/teams/{${DBA}} → 204`),
    `${DBA} taken off prod and staging (its ProjectTeams' deletes), then deleted (its Team's)`,
    writes8,
  );
  check(
    teamNamed(DBA) === undefined && PROJECTS.every((p) => rolesIn(p, dbaNow).length === 0),
    `Cloud Manager has no ${DBA} any more, and no project role of it`,
  );
  if (up8.warnings.some((w) => w.includes("stays on team") && w.includes("last member"))) {
    console.log(
      "    (Cloud Manager keeps a team from being empty: the last of its people stayed on it until its delete, later in the same up.)",
    );
  }
  check(
    opsOf(up8.steps, DBA).join() === "delete" && PROJECTS.every((p) => opsOf(up8.steps, pt(DBA, p)).join() === "delete"),
    `the engine deleted the ProjectTeams, then the Team (dependency order)`,
    up8.steps,
  );
  const gate8 = await runner.gate(stack);
  check(gate8.errors.length === 0, `the gate passes (${seconds(gate8.ms)})`);

  // ---- 9 ----
  heading("9. pulumi destroy");
  const destroy = await runner.destroy(stack, log);
  const writes9 = destroy.writes;
  check(emulator.state.teams(org).length === 0, "no team left in the organization", emulator.state.teams(org));
  check(
    PROJECTS.every((p) => emulator.state.projectTeams(projectIds[p]).length === 0),
    "no team has a role in prod or staging",
    PROJECTS.map((p) => emulator.state.projectTeams(projectIds[p])),
  );
  check(emulator.state.pendingInvitations(org).length === 0, "no pending invitation", emulator.state.pendingInvitations(org));
  check(
    PEOPLE.every((p) => member(p.email) === undefined),
    "and none of the three is a member any more (OrgMembership's delete removes a member)",
  );

  // ---- 10 ----
  heading("10. Summary");
  // Every cell is read back from what the steps above recorded.
  const idOf = (id: string | undefined) => (id === undefined ? "-" : id.startsWith("waiting:") ? id : `…${id.slice(-6)}`);
  table(
    ["team", "up, invited (1)", "up, accepted (3)", "by hand (4)", "up --refresh (6)", "rename (7)", "removed (8)", "destroy (9)"],
    [
      [
        DBA,
        `${teams1[DBA]?.status ?? "?"} ${idOf(teams1[DBA]?.teamId)}`,
        `${teams3[DBA]?.status ?? "?"} ${idOf(teams3[DBA]?.teamId)}`,
        "deleted",
        `made again ${idOf(teams6[DBA]?.teamId)}`,
        "-",
        wrote(writes8, `DELETE /orgs/{org}/teams/{${DBA}} → 204`) ? "off projects, deleted" : "?",
        "-",
      ],
      [
        `${OPS} → ${OPS_RENAMED}`,
        `${teams1[OPS]?.status ?? "?"} ${idOf(teams1[OPS]?.teamId)}`,
        `${teams3[OPS]?.status ?? "?"} ${idOf(teams3[OPS]?.teamId)}`,
        `prod roles → ${HAND_ROLES.join(",")}`,
        wrote(writes6, `PATCH /groups/{prod}/teams/{${OPS}} → 200`) ? "prod roles set back" : "?",
        teams7[OPS_RENAMED]?.teamId === opsId ? `renamed, same id ${idOf(opsId)}` : "?",
        "stays",
        wrote(writes9, `DELETE /orgs/{org}/teams/{${OPS_RENAMED}} → 204`) ? "off projects, deleted" : "?",
      ],
    ],
  );
  console.log("\nDemo complete: every step behaved as expected.");
}

function statusesOf(outputs: Record<string, { value: unknown }>): Record<string, string> {
  const value = outputs["statuses"]?.value;
  return typeof value === "object" && value !== null ? (value as Record<string, string>) : {};
}

function teamsOf(outputs: Record<string, { value: unknown }>): Record<string, TeamOut> {
  const value = outputs["teams"]?.value;
  return typeof value === "object" && value !== null ? (value as Record<string, TeamOut>) : {};
}

function projectTeamsOf(outputs: Record<string, { value: unknown }>): Record<string, string> {
  const value = outputs["projectTeams"]?.value;
  return typeof value === "object" && value !== null ? (value as Record<string, string>) : {};
}

function driftOf(list: Drift[], name: string, key: string): [unknown, unknown] | undefined {
  return list.find((d) => d.name === name)?.changes[key];
}

/** A ProjectTeam's resource name `<team>/<project id>` shown as `<team> in <project>`. */
function displayName(name: string, projectName: (id: string) => string): string {
  const slash = name.indexOf("/");
  return slash === -1 ? name : `${name.slice(0, slash)} in ${projectName(name.slice(slash + 1))}`;
}

/** The changes that tell the story: status and roles of a team or its project roles, a person's teams. */
function describeTeamDrift(drift: Drift): string {
  return Object.entries(drift.changes)
    .filter(([key]) => ["status", "roles", "teamIds", "members"].includes(key))
    .map(([key, [before, after]]) => `${key} ${JSON.stringify(before)} → ${JSON.stringify(after)}`)
    .join(", ");
}

function describeOps(ops: string[]): string {
  if (ops.includes("create-replacement")) return "replace (create again)";
  if (ops.includes("update")) return "update";
  return leftAlone(ops) ? "nothing" : ops.join(", ");
}
