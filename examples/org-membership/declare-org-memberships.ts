// The GitOps shape for enforcement: a plain list of people, kept in a repository, becomes one
// OrgMembership each — the program owns each person's access, from the invitation to the membership
// to its removal — plus one OrgRoster for the organization, which reports (and with `prune` removes)
// the access nobody listed. The teams the list declares become one Team each (its founders: the people
// who list it, so nobody is typed twice) and one ProjectTeam per team and project; a person's teams,
// by name, become their OrgMembership's `teamIds` (the Teams' `teamId`). A person's own project roles
// (`projects`) become one ProjectMembership per person and project, and every project the list names
// gets a ProjectRoster, which reports (and with the same `prune` removes) the project access nobody
// listed. Kept apart from the Pulumi entry point so that Automation API inline programs and tests can
// reuse it. Reading the people is shared with examples/org-invitations; the teams section and the
// people's projects are checked by ../people/access-list.

import * as pulumi from "@pulumi/pulumi";
import {
  OrgMembership,
  OrgRoster,
  ProjectMembership,
  ProjectRoster,
  ProjectTeam,
  Team,
  rosterLines,
  type OrgMembershipStatus,
  type ProjectMembershipStatus,
  type ProjectTeamStatus,
  type TeamStatus,
} from "../../index";
import { accessListProblems, teamKey, type TeamEntry } from "../people/access-list";
import { personKeys, type Person } from "../people/people";

export { parsePeople, type Person } from "../people/people";
export { parseAccessList, type AccessList, type TeamEntry } from "../people/access-list";

export interface AccessOptions {
  /**
   * Usernames or patterns (`*` matches anything) the rosters — the organization's and each project's —
   * never report or prune, e.g. a break-glass owner, or the projects' own owner.
   */
  ignore?: pulumi.Input<pulumi.Input<string>[]>;
  /**
   * Remove, at `pulumi up`, the access nobody listed, in the organization and in every project the list
   * names. Default false: report it only (the drift gate fails on it).
   */
  prune?: pulumi.Input<boolean>;
  /**
   * Emails whose OrgMembership and ProjectMemberships get Pulumi's `retainOnDelete`: once an `up` has
   * recorded it, taking the person off the list leaves their access — organization and project roles —
   * in Cloud Manager (Pulumi forgets the resources without deleting them). Add them to `ignore` too, or
   * the rosters report them from then on.
   */
  retain?: readonly string[];
  /**
   * The teams people name in their `teams` (by name): one Team each, one ProjectTeam per project it
   * has roles in. A person's `teams` may also give team ids (teams this program does not manage).
   */
  teams?: readonly TeamEntry[];
}

/** What a project's roster found that nobody declared (as of the run), counted; 0 each after a pruning `up`. */
export interface UndeclaredCounts {
  /** People with roles of their own in the project. */
  users: number;
  /** Pending project invitations. */
  invitations: number;
  /** Teams with roles in the project. */
  teams: number;
}

/** A declared team as the stack exports it. */
export interface TeamOutput {
  /** Its id in Cloud Manager; `waiting:<name>` while it waits for its first member. */
  teamId: string;
  status: TeamStatus;
}

export interface DeclaredMemberships {
  /** One resource per person, by email (lower case). */
  memberships: Record<string, OrgMembership>;
  /** Each person's status (PENDING, ACTIVE, EXPIRED, REVOKED, REMOVED), by email (lower case). */
  statuses: pulumi.Output<Record<string, OrgMembershipStatus>>;
  /** The organization's roster: `managed` is everyone in the list. */
  roster: OrgRoster;
  /** One Team per declared team, by name in lower case. */
  teams: Record<string, Team>;
  /** One ProjectTeam per team and project, named `<team name in lower case>/<project id>`. */
  projectTeams: Record<string, ProjectTeam>;
  /** Each team's id and status (ACTIVE, WAITING, DELETED), by its name as declared. */
  teamStatuses: pulumi.Output<Record<string, TeamOutput>>;
  /** Each ProjectTeam's status (ACTIVE, WAITING, REMOVED), by its resource name. */
  projectTeamStatuses: pulumi.Output<Record<string, ProjectTeamStatus>>;
  /** One ProjectMembership per person and project, named `<email in lower case>/<project id>`. */
  projectMemberships: Record<string, ProjectMembership>;
  /** Each ProjectMembership's status (PENDING, ACTIVE, REMOVED), by its resource name. */
  projectMembershipStatuses: pulumi.Output<Record<string, ProjectMembershipStatus>>;
  /** One ProjectRoster per project the list names (a team's or a person's), by project id (lower case). */
  projectRosters: Record<string, ProjectRoster>;
  /** What each project's roster found that nobody declared, counted, by project id. */
  undeclaredProjectAccess: pulumi.Output<Record<string, UndeclaredCounts>>;
}

/**
 * Declares one OrgMembership per person (named by the email in lower case, so reordering the list
 * changes nothing) and the organization's OrgRoster, whose `managed` is the list's emails. A person
 * listed twice is refused before anything is declared. The roster waits for the memberships
 * (`dependsOn`; `opts.dependsOn`, if any, applies to the memberships and so to the roster too): it
 * looks at the organization, and prunes, only once every listed person's access has been applied,
 * and not at all in a run where one of them failed. A list whose teams or projects do not add up (see
 * accessListProblems) is refused the same way. A renamed team (`renamedFrom`) keeps its resources:
 * Pulumi aliases, so its id, members and project roles stay.
 *
 * Projects: one ProjectMembership per person and project of their `projects`, after the person's
 * OrgMembership (`dependsOn`: while they are only invited, its warning names their invitation; and a
 * person taken off the list leaves the project before the organization). One ProjectRoster per project
 * named anywhere in the list, after that project's ProjectMemberships and ProjectTeams: `managed` is
 * the people with roles of their own there, `teams` the Teams with roles there, `ignore` and `prune`
 * the OrgRoster's. Its project's own owner (a Project Owner nobody lists) is reported like anyone else:
 * list them or `ignore` them.
 */
export function declareOrgMemberships(
  people: readonly Person[],
  orgId: pulumi.Input<string>,
  options: AccessOptions = {},
  opts?: pulumi.CustomResourceOptions,
): DeclaredMemberships {
  const keys = personKeys(people);
  const teamEntries = options.teams ?? [];
  const problems = accessListProblems({ people: [...people], teams: [...teamEntries] }, "the list");
  if (problems.length > 0) throw new Error(problems.join("\n"));
  const retain = new Set((options.retain ?? []).map((email) => email.trim().toLowerCase()));
  for (const email of retain) {
    if (!keys.includes(email)) {
      void pulumi.log.warn(
        `retain: ${email} is not in the list, so there is nothing to retain. An entry takes effect while the person is listed ` +
          `(one \`pulumi up\` records it); then take them off the list, and this entry can go too.`,
      );
    }
  }
  const { teams, projectTeams } = declareTeams(teamEntries, people, orgId, opts);
  const memberships: Record<string, OrgMembership> = {};
  for (const [i, person] of people.entries()) {
    const key = keys[i] ?? person.email;
    // A team named in the list is its Team's id (known once the Team exists); anything else is a team id as given.
    const teamIds = person.teams?.map((ref) => teams[teamKey(ref)]?.teamId ?? ref);
    memberships[key] = new OrgMembership(
      key,
      { orgId, username: person.email, roles: person.roles, ...(teamIds ? { teamIds } : {}) },
      retain.has(key) ? { ...opts, retainOnDelete: true } : opts,
    );
  }
  const statuses = pulumi.all(Object.fromEntries(Object.entries(memberships).map(([email, membership]) => [email, membership.status])));
  const projectMemberships = declareProjectMemberships(people, keys, memberships, orgId, retain, opts);
  const projectRosters = declareProjectRosters(people, keys, teamEntries, teams, projectMemberships, projectTeams, orgId, options, opts);
  const roster = new OrgRoster(
    "roster",
    {
      orgId,
      managed: people.map((person) => person.email),
      ...(options.ignore !== undefined ? { ignore: options.ignore } : {}),
      ...(options.prune !== undefined ? { prune: options.prune } : {}),
    },
    { ...opts, dependsOn: Object.values(memberships) },
  );
  const teamStatuses = pulumi.all(
    Object.fromEntries(
      teamEntries.flatMap((entry) => {
        const team = teams[teamKey(entry.name)];
        if (team === undefined) return [];
        return [[entry.name, pulumi.all([team.teamId, team.status]).apply(([teamId, status]): TeamOutput => ({ teamId, status }))]];
      }),
    ),
  );
  const projectTeamStatuses = pulumi.all(Object.fromEntries(Object.entries(projectTeams).map(([name, pt]) => [name, pt.status])));
  const projectMembershipStatuses = pulumi.all(
    Object.fromEntries(Object.entries(projectMemberships).map(([name, pm]) => [name, pm.status])),
  );
  const undeclaredProjectAccess = pulumi.all(
    Object.fromEntries(
      Object.entries(projectRosters).map(([projectId, r]) => [
        projectId,
        pulumi
          .all([r.unmanagedUsers, r.unmanagedInvitations, r.unmanagedTeams])
          // Empty until the roster has looked (a preview of a new one).
          .apply(([users, invitations, teamsFound]): UndeclaredCounts => ({
            // JSON Lines: one entry per line.
            users: rosterLines(users ?? "").length,
            invitations: rosterLines(invitations ?? "").length,
            teams: rosterLines(teamsFound ?? "").length,
          })),
      ]),
    ),
  );
  return {
    memberships,
    statuses,
    roster,
    teams,
    projectTeams,
    teamStatuses,
    projectTeamStatuses,
    projectMemberships,
    projectMembershipStatuses,
    projectRosters,
    undeclaredProjectAccess,
  };
}

/**
 * One ProjectMembership per person and project of their `projects`, named `<email key>/<project id>`
 * (the id in lower case), after the person's OrgMembership, and retained with it.
 */
function declareProjectMemberships(
  people: readonly Person[],
  keys: readonly string[],
  memberships: Record<string, OrgMembership>,
  orgId: pulumi.Input<string>,
  retain: ReadonlySet<string>,
  opts: pulumi.CustomResourceOptions | undefined,
): Record<string, ProjectMembership> {
  const projectMemberships: Record<string, ProjectMembership> = {};
  for (const [i, person] of people.entries()) {
    const key = keys[i] ?? person.email;
    const membership = memberships[key];
    for (const [projectId, roles] of Object.entries(person.projects ?? {})) {
      const project = projectId.toLowerCase();
      projectMemberships[`${key}/${project}`] = new ProjectMembership(
        `${key}/${project}`,
        { orgId, projectId: project, username: person.email, roles },
        {
          ...opts,
          ...(membership !== undefined ? { dependsOn: [membership] } : {}),
          ...(retain.has(key) ? { retainOnDelete: true } : {}),
        },
      );
    }
  }
  return projectMemberships;
}

/**
 * One ProjectRoster per project the list names (a team's projects, a person's), named
 * `roster/<project id>`, declared after that project's ProjectMemberships and ProjectTeams so that
 * it counts them as declared.
 */
function declareProjectRosters(
  people: readonly Person[],
  keys: readonly string[],
  teamEntries: readonly TeamEntry[],
  teams: Record<string, Team>,
  projectMemberships: Record<string, ProjectMembership>,
  projectTeams: Record<string, ProjectTeam>,
  orgId: pulumi.Input<string>,
  options: AccessOptions,
  opts: pulumi.CustomResourceOptions | undefined,
): Record<string, ProjectRoster> {
  const projects = new Map<string, { managed: string[]; teams: pulumi.Output<string>[]; after: pulumi.Resource[] }>();
  const entryOf = (projectId: string) => {
    const project = projectId.toLowerCase();
    const found = projects.get(project) ?? { managed: [], teams: [], after: [] };
    projects.set(project, found);
    return { project, found };
  };
  for (const entry of teamEntries) {
    const key = teamKey(entry.name);
    const team = teams[key];
    for (const projectId of Object.keys(entry.projects ?? {})) {
      const { project, found } = entryOf(projectId);
      if (team !== undefined) found.teams.push(team.teamId);
      const projectTeam = projectTeams[`${key}/${project}`];
      if (projectTeam !== undefined) found.after.push(projectTeam);
    }
  }
  for (const [i, person] of people.entries()) {
    const key = keys[i] ?? person.email;
    for (const projectId of Object.keys(person.projects ?? {})) {
      const { project, found } = entryOf(projectId);
      found.managed.push(person.email);
      const projectMembership = projectMemberships[`${key}/${project}`];
      if (projectMembership !== undefined) found.after.push(projectMembership);
    }
  }
  const rosters: Record<string, ProjectRoster> = {};
  for (const [project, { managed, teams: teamIds, after }] of projects) {
    rosters[project] = new ProjectRoster(
      `roster/${project}`,
      {
        orgId,
        projectId: project,
        managed,
        teams: teamIds,
        ...(options.ignore !== undefined ? { ignore: options.ignore } : {}),
        ...(options.prune !== undefined ? { prune: options.prune } : {}),
      },
      { ...opts, dependsOn: after },
    );
  }
  return rosters;
}

/**
 * One Team per entry (founders: the people who list it, as they are written) and one ProjectTeam per
 * project it has roles in. Resource names come from the team's name in lower case, so a change of
 * letter case alone renames the team in place; `renamedFrom` gives the former names as aliases.
 */
function declareTeams(
  entries: readonly TeamEntry[],
  people: readonly Person[],
  orgId: pulumi.Input<string>,
  opts: pulumi.CustomResourceOptions | undefined,
): { teams: Record<string, Team>; projectTeams: Record<string, ProjectTeam> } {
  const teams: Record<string, Team> = {};
  const projectTeams: Record<string, ProjectTeam> = {};
  for (const entry of entries) {
    const key = teamKey(entry.name);
    const formerKeys = (entry.renamedFrom ?? []).map(teamKey).filter((former) => former !== key);
    const aliasesOf = (names: string[]) =>
      names.length > 0 ? { aliases: [...(opts?.aliases ?? []), ...names.map((name) => ({ name }))] } : {};
    const founders = people.filter((p) => (p.teams ?? []).some((ref) => teamKey(ref) === key)).map((p) => p.email);
    const team = new Team(key, { orgId, name: entry.name, founders }, { ...opts, ...aliasesOf(formerKeys) });
    teams[key] = team;
    for (const [projectId, roles] of Object.entries(entry.projects ?? {})) {
      const project = projectId.toLowerCase();
      const name = `${key}/${project}`;
      projectTeams[name] = new ProjectTeam(
        name,
        { orgId, projectId: project, teamId: team.teamId, roles },
        { ...opts, ...aliasesOf(formerKeys.map((former) => `${former}/${project}`)) },
      );
    }
  }
  return { teams, projectTeams };
}

/**
 * A list of usernames from stack config (`ignore`, `retain`): absent → empty, else a list of strings,
 * e.g. `pulumi config set --path 'ignore[0]' '*@break-glass.example.com'`.
 */
export function usernamesFromConfig(key: string, value: unknown): string[] {
  if (value === undefined) return [];
  if (Array.isArray(value) && value.every((v) => typeof v === "string")) return value;
  throw new Error(
    `stack config "${key}" must be a list of usernames${key === "ignore" ? " or patterns" : ""}, e.g. ` +
      `\`pulumi config set --path '${key}[0]' '${key === "ignore" ? "*@break-glass.example.com" : "alice@example.com"}'\`; got ${JSON.stringify(value)}.`,
  );
}
