// The GitOps shape for enforcement: a plain list of people, kept in a repository, becomes one
// OrgMembership each — the program owns each person's access, from the invitation to the membership
// to its removal — plus one OrgRoster for the organization, which reports (and with `prune` removes)
// the access nobody listed. The teams the list declares become one Team each (its founders: the people
// who list it, so nobody is typed twice) and one ProjectTeam per team and project; a person's teams,
// by name, become their OrgMembership's `teamIds` (the Teams' `teamId`). Kept apart from the Pulumi
// entry point so that Automation API inline programs and tests can reuse it. Reading the people is
// shared with examples/org-invitations; the teams section is ../people/access-list.

import * as pulumi from "@pulumi/pulumi";
import {
  OrgMembership,
  OrgRoster,
  ProjectTeam,
  Team,
  type OrgMembershipStatus,
  type ProjectTeamStatus,
  type TeamStatus,
} from "../../index";
import { accessListProblems, teamKey, type TeamEntry } from "../people/access-list";
import { personKeys, type Person } from "../people/people";

export { parsePeople, type Person } from "../people/people";
export { parseAccessList, type AccessList, type TeamEntry } from "../people/access-list";

export interface AccessOptions {
  /** Usernames or patterns (`*` matches anything) the roster never reports or prunes, e.g. a break-glass owner. */
  ignore?: pulumi.Input<pulumi.Input<string>[]>;
  /** Remove, at `pulumi up`, the access nobody listed. Default false: report it only (the drift gate fails on it). */
  prune?: pulumi.Input<boolean>;
  /**
   * Emails whose OrgMembership gets Pulumi's `retainOnDelete`: once an `up` has recorded it, taking
   * the person off the list leaves their access in Cloud Manager (Pulumi forgets the resource
   * without deleting it). Add them to `ignore` too, or the roster reports them from then on.
   */
  retain?: readonly string[];
  /**
   * The teams people name in their `teams` (by name): one Team each, one ProjectTeam per project it
   * has roles in. A person's `teams` may also give team ids (teams this program does not manage).
   */
  teams?: readonly TeamEntry[];
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
}

/**
 * Declares one OrgMembership per person (named by the email in lower case, so reordering the list
 * changes nothing) and the organization's OrgRoster, whose `managed` is the list's emails. A person
 * listed twice is refused before anything is declared. The roster waits for the memberships
 * (`dependsOn`; `opts.dependsOn`, if any, applies to the memberships and so to the roster too): it
 * looks at the organization, and prunes, only once every listed person's access has been applied,
 * and not at all in a run where one of them failed. A list whose teams do not add up (see
 * accessListProblems) is refused the same way. A renamed team (`renamedFrom`) keeps its resources:
 * Pulumi aliases, so its id, members and project roles stay.
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
  return { memberships, statuses, roster, teams, projectTeams, teamStatuses, projectTeamStatuses };
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
