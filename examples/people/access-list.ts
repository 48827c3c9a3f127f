// The list examples/org-membership reads: the people (./people) and the teams they are on, BY NAME,
// with each team's roles in projects, and each person's own roles in projects. One file rather than a
// people.yaml and a teams.yaml: a change that puts someone on a team, one that widens what the team
// may do in a project and one that gives a person a role there themselves are reviewed in the same
// diff, and a team a person names is checked against the teams the same file declares.
//
//   teams:
//     - name: dba
//       projects:
//         5f1b2c3d4e5f6a7b8c9d0e30: [GROUP_DATA_ACCESS_ADMIN]
//   people:
//     - email: bob@example.com
//       roles: [ORG_MEMBER]
//       teams: [dba]
//     - email: carol@example.com
//       roles: [ORG_MEMBER]
//       projects:
//         5f1b2c3d4e5f6a7b8c9d0e30: [GROUP_READ_ONLY]
//
// A plain list of people (no `teams:`) is still read as before, and a person's `teams` may still give
// team ids (24 hexadecimal characters): teams this list does not manage. Every problem is reported at
// once, each naming the file, the entry and the fix, before anything is declared.

import { parse } from "yaml";
import { KNOWN_PROJECT_ROLES } from "../../index";
import { isRecord, isStringList, readPeople, readProjectRoles, type Person } from "./people";

/** One entry of the `teams:` section. */
export interface TeamEntry {
  /** The team's name in Cloud Manager (unique in the organization ignoring case); people name it in their `teams`. */
  name: string;
  /** The team's roles per project: project id (24 hexadecimal characters) → project roles (`GROUP_…`). */
  projects?: Record<string, string[]>;
  /**
   * The names the team had before (rename = change `name` and list the old one here): the team keeps
   * its id, members and project roles. Needed in the `up` that renames it; harmless afterwards.
   */
  renamedFrom?: string[];
}

/** The whole file: people, and the teams they are on. */
export interface AccessList {
  people: Person[];
  teams: TeamEntry[];
}

const HEX24 = /^[0-9a-fA-F]{24}$/;
/** How a number YAML parsed reads once it is an object key again, e.g. "1.2345678901234568e+23". */
const NUMBER = /^[-+]?\d+(\.\d+)?(e[-+]?\d+)?$/i;
const PROJECT_ROLES: ReadonlySet<string> = new Set(KNOWN_PROJECT_ROLES);
const TOP_KEYS = ["people", "teams"];
const TEAM_KEYS = ["name", "projects", "renamedFrom"];

/** Reads people.yaml: a list of people, or `people:` (and optionally `teams:`). Throws every problem at once. */
export function parseAccessList(text: string, source = "people.yaml"): AccessList {
  const data: unknown = parse(text);
  if (Array.isArray(data)) {
    const { people, problems, entries } = readPeople(data, source);
    const all = [...problems, ...accessListProblems({ people, teams: [] }, source, { entries, personLabel: "entry" })];
    if (all.length > 0) throw new Error(all.join("\n"));
    return { people, teams: [] };
  }
  if (!isRecord(data) || !Array.isArray(data["people"])) {
    throw new Error(`${source}: expected a list of people, or "people:" followed by one (and optionally "teams:" before it).`);
  }
  const problems: string[] = [];
  for (const key of Object.keys(data).filter((k) => !TOP_KEYS.includes(k))) {
    problems.push(`${source}: unknown section "${key}": the file has "people:" and optionally "teams:"`);
  }
  const rawTeams = data["teams"] ?? [];
  const teams: TeamEntry[] = [];
  const teamEntries: number[] = [];
  if (!Array.isArray(rawTeams)) {
    problems.push(`${source}: "teams:" must be a list of teams, each "- name: <team name>" with optional "projects:"`);
  } else {
    rawTeams.forEach((raw: unknown, i) => {
      const read = readTeam(raw, `${source}: teams entry ${i + 1}`);
      problems.push(...read.problems);
      if (read.team !== undefined) {
        teams.push(read.team);
        teamEntries.push(i + 1);
      }
    });
  }
  const {
    people,
    problems: peopleProblems,
    entries,
  } = readPeople(data["people"] as unknown[], source, {
    entry: "people entry",
    teamsAre: "team names (or team ids)",
  });
  problems.push(...peopleProblems, ...accessListProblems({ people, teams }, source, { entries, teamEntries }));
  if (problems.length > 0) throw new Error(problems.join("\n"));
  return { people, teams };
}

/** The shape of one `teams:` entry; what it means against the rest of the file is accessListProblems'. */
function readTeam(raw: unknown, where: string): { team?: TeamEntry; problems: string[] } {
  if (!isRecord(raw)) return { problems: [`${where}: expected "name:" and optional "projects:" and "renamedFrom:"`] };
  const problems: string[] = [];
  const { name, projects, renamedFrom } = raw;
  if (typeof name !== "string" || name.trim() === "") problems.push(`${where}: "name" is missing: the team's name in Cloud Manager`);
  const named = typeof name === "string" && name.trim() !== "" ? `${where} ("${name.trim()}")` : where;
  for (const key of Object.keys(raw).filter((k) => !TEAM_KEYS.includes(k))) {
    problems.push(`${named}: unknown key "${key}": a team has ${TEAM_KEYS.join(", ")}`);
  }
  let roles: Record<string, string[]> | undefined;
  if (projects !== undefined && projects !== null) {
    const read = readProjectRoles(projects, named);
    problems.push(...read.problems);
    roles = read.roles;
  }
  const former = typeof renamedFrom === "string" ? [renamedFrom] : renamedFrom;
  if (former !== undefined && former !== null && !isStringList(former)) {
    problems.push(`${named}: "renamedFrom" must be the team's former name, or a list of them`);
  }
  if (typeof name !== "string" || name.trim() === "") return { problems };
  return {
    team: {
      name: name.trim(),
      ...(roles !== undefined ? { projects: roles } : {}),
      ...(isStringList(former) ? { renamedFrom: former.map((f) => f.trim()) } : {}),
    },
    problems,
  };
}

/** Where each person and team came from in the file (1-based entry numbers); by default their place in the lists. */
export interface EntryNumbers {
  entries?: readonly number[];
  teamEntries?: readonly number[];
  /** What a person's entry is called: "people entry" (under `people:`, the default) or "entry" (a plain list). */
  personLabel?: string;
}

/**
 * What is wrong with the list as a whole, each problem naming `source`, the entry and the fix: a team
 * declared twice (names are unique ignoring case), a project id that is not one (a team's or a
 * person's), a project listed twice in one entry, a role that is not a project role, a former name in
 * use, a team nobody is on (Cloud Manager keeps no empty team), and a person's team that is neither
 * declared nor a team id. Used by the parser and by
 * declareOrgMemberships (so a program that builds the list in code is held to the same rules).
 */
export function accessListProblems(list: AccessList, source: string, numbers: EntryNumbers = {}): string[] {
  const problems: string[] = [];
  const teamEntry = (i: number) => `teams entry ${numbers.teamEntries?.[i] ?? i + 1} ("${list.teams[i]?.name ?? ""}")`;
  const teamWhere = (i: number) => `${source}: ${teamEntry(i)}`;
  const personWhere = (i: number) =>
    `${source}: ${numbers.personLabel ?? "people entry"} ${numbers.entries?.[i] ?? i + 1} (${list.people[i]?.email.trim() ?? ""})`;

  const byName = new Map<string, number>();
  list.teams.forEach((team, i) => {
    const key = teamKey(team.name);
    const first = byName.get(key);
    if (first !== undefined) {
      problems.push(
        `${teamWhere(i)}: team "${team.name}" is declared twice (also ${teamEntry(first)}; team names are unique ` +
          `ignoring case): merge the two entries into one`,
      );
      return;
    }
    byName.set(key, i);
  });

  const formerOf = new Map<string, number>();
  list.teams.forEach((team, i) => {
    problems.push(...projectRolesProblems(team.projects, teamWhere(i), TEAM_ROLES));
    for (const former of team.renamedFrom ?? []) {
      const inUse = byName.get(teamKey(former));
      if (inUse !== undefined && inUse !== i) {
        problems.push(
          `${teamWhere(i)}: renamedFrom "${former}" is the name of ${teamEntry(inUse)}: a former name must ` +
            `not be in use; remove it from renamedFrom`,
        );
      }
      const claimed = formerOf.get(teamKey(former));
      if (claimed !== undefined && claimed !== i) {
        problems.push(`${teamWhere(i)}: renamedFrom "${former}" is also claimed by ${teamEntry(claimed)}: keep it in one`);
      }
      formerOf.set(teamKey(former), i);
    }
  });

  const declared = list.teams.map((t) => t.name);
  const onTeam = new Set<string>();
  list.people.forEach((person, i) => {
    problems.push(...projectRolesProblems(person.projects, personWhere(i), PERSON_ROLES));
    const seen = new Set<string>();
    for (const ref of person.teams ?? []) {
      const key = teamKey(ref);
      if (seen.has(key)) problems.push(`${personWhere(i)}: team "${ref}" is listed twice: keep one`);
      seen.add(key);
      if (byName.has(key)) {
        onTeam.add(key);
        continue;
      }
      if (HEX24.test(ref.trim())) continue; // a team id: a team this list does not manage
      const renamed = formerOf.get(key);
      if (renamed !== undefined) {
        problems.push(`${personWhere(i)}: team "${ref}" was renamed to "${list.teams[renamed]?.name ?? ""}": write the new name`);
        continue;
      }
      problems.push(
        `${personWhere(i)}: team "${ref}" is not declared under "teams:": ` +
          (declared.length === 0
            ? `declare it there ("- name: ${ref}"), or give a team id (24 hexadecimal characters)`
            : `correct the name (declared: ${declared.join(", ")}) or declare it there ("- name: ${ref}")`),
      );
    }
  });
  list.teams.forEach((team, i) => {
    if (byName.get(teamKey(team.name)) !== i || onTeam.has(teamKey(team.name))) return;
    problems.push(
      `${teamWhere(i)}: nobody lists team "${team.name}" in their "teams", and Cloud Manager cannot keep an empty team: ` +
        `add it to the teams of the people on it, or delete this entry to delete the team`,
    );
  });
  return problems;
}

/** Whose roles a `projects:` mapping gives, as the messages say it. */
interface RolesOf {
  /** "a team's", "a person's". */
  whose: string;
  /** Who a project's removal takes off it: "the team", "them". */
  who: string;
}

const TEAM_ROLES: RolesOf = { whose: "a team's", who: "the team" };
const PERSON_ROLES: RolesOf = { whose: "a person's", who: "them" };

/**
 * A `projects:` mapping (a team's or a person's): each key a project id (24 hexadecimal characters),
 * no project twice (ids ignore case), each with a non-empty list of project roles.
 */
function projectRolesProblems(projects: Readonly<Record<string, readonly string[]>> | undefined, where: string, of: RolesOf): string[] {
  const problems: string[] = [];
  const projectKeys = new Set<string>();
  for (const [projectId, roles] of Object.entries(projects ?? {})) {
    if (!HEX24.test(projectId)) {
      problems.push(
        // An id of digits only (or digits and one "e") is a number to YAML, which hands back its rounded value.
        NUMBER.test(projectId)
          ? `${where}: "${projectId}" is not a project id: YAML read the id as a number; put it in quotes, ` +
              `e.g. "'012345678901234567890123': [GROUP_READ_ONLY]"`
          : `${where}: "${projectId}" is not a project id: write the project's id (24 hexadecimal characters; ` +
              `it is in the project's URL and under Project Settings), not its name`,
      );
      continue;
    }
    if (projectKeys.has(projectId.toLowerCase())) problems.push(`${where}: project ${projectId} is listed twice: keep one entry`);
    projectKeys.add(projectId.toLowerCase());
    problems.push(...roleProblems(roles, `${where}: project ${projectId}`, of));
  }
  return problems;
}

/** Roles in one project: a non-empty list of Cloud Manager's project roles, each once. */
function roleProblems(roles: readonly string[], where: string, of: RolesOf): string[] {
  const known = KNOWN_PROJECT_ROLES.join(", ");
  if (roles.length === 0) return [`${where}: no roles: list at least one (${known}), or remove the project to take ${of.who} off it`];
  const problems: string[] = [];
  const seen = new Set<string>();
  for (const role of roles) {
    if (seen.has(role)) problems.push(`${where}: role ${role} is listed twice: keep one`);
    seen.add(role);
    if (PROJECT_ROLES.has(role)) continue;
    if (PROJECT_ROLES.has(role.trim().toUpperCase())) {
      problems.push(`${where}: "${role}" is not a project role: write it "${role.trim().toUpperCase()}"`);
    } else if (!role.trim().toUpperCase().startsWith("GROUP_")) {
      problems.push(`${where}: "${role}" is not a project role (${of.whose} roles in a project are GROUP_ roles): use one of ${known}`);
    } else {
      problems.push(`${where}: "${role}" is not a Cloud Manager project role: use one of ${known}`);
    }
  }
  return problems;
}

/** How a team is named in resource names and matched in the file: Cloud Manager keeps names unique ignoring case. */
export function teamKey(name: string): string {
  return name.trim().toLowerCase();
}
