// The GitOps input both people examples share (examples/org-invitations, examples/org-membership): a
// plain list of people kept in a repository — email, roles, optional teams — read from YAML (or
// JSON) and checked for shape, and the one rule a list must keep before anything is declared: each
// person once. What a person's entries mean is the resource's business: its own `check` reports bad
// emails, roles and team ids per person, all at once, before anything is sent. What
// examples/org-membership adds — the teams section (teams by name, their project roles) and a
// person's own project roles (`projects`) — is checked by ./access-list.

import { existsSync } from "node:fs";
import * as path from "node:path";
import { parse } from "yaml";

/** One entry of people.yaml. */
export interface Person {
  /** The person's email address (their Cloud Manager username). */
  email: string;
  /** Organization roles, e.g. ["ORG_MEMBER"]. */
  roles: string[];
  /**
   * The teams to put them on: ids (24 hexadecimal characters each) or, in examples/org-membership,
   * names of teams its `teams:` section declares (./access-list).
   */
  teams?: string[];
  /**
   * examples/org-membership only: the person's own roles per project, project id (24 hexadecimal
   * characters) → project roles (`GROUP_…`); roles through a team are the team's, not listed here.
   */
  projects?: Record<string, string[]>;
}

/** Reads the list: a YAML (or JSON) list of people, or `people:` followed by one. Every malformed entry is reported at once. */
export function parsePeople(text: string, source = "people.yaml"): Person[] {
  const data: unknown = parse(text);
  if (isRecord(data) && data["teams"] !== undefined) {
    // Team names would reach the resources as if they were ids: say where they are understood instead.
    throw new Error(
      `${source}: "teams:" declares teams, which only examples/org-membership creates (its program reads them); ` +
        `here, list team ids in each person's "teams" and remove the "teams:" section.`,
    );
  }
  const list = isRecord(data) && Array.isArray(data["people"]) ? data["people"] : data;
  if (!Array.isArray(list)) throw new Error(`${source}: expected a list of people (or "people:" followed by one).`);
  // Project roles would be dropped without a word here: say where they are understood instead.
  const { people, problems } = readPeople(list, source, { projects: false });
  if (problems.length > 0) throw new Error(problems.join("\n"));
  return people;
}

/**
 * The entries of a list of people, and what is wrong with any of them (`<source>: <entry> <n>: …`),
 * all at once. `entry` names an entry in the messages; `teamsAre` what a person's `teams` lists;
 * `projects`: whether a person may list project roles of their own (their shape is checked here,
 * what they mean by ./access-list). `entries`: each person's entry number in the list (1-based;
 * malformed entries leave gaps).
 */
export function readPeople(
  list: readonly unknown[],
  source: string,
  {
    entry: entryLabel = "entry",
    teamsAre = "team ids",
    projects: withProjects = true,
  }: { entry?: string; teamsAre?: string; projects?: boolean } = {},
): { people: Person[]; problems: string[]; entries: number[] } {
  const problems: string[] = [];
  const people: Person[] = [];
  const entries: number[] = [];
  list.forEach((entry: unknown, i) => {
    const where = `${source}: ${entryLabel} ${i + 1}`;
    if (!isRecord(entry)) {
      problems.push(`${where}: expected email, roles and optional teams${withProjects ? " and projects" : ""}`);
      return;
    }
    const { email, roles, teams, projects } = entry;
    if (typeof email !== "string" || email.trim() === "") problems.push(`${where}: "email" is missing`);
    if (!isStringList(roles)) problems.push(`${where}: "roles" must be a list of role names, e.g. [ORG_MEMBER]`);
    if (teams !== undefined && teams !== null && !isStringList(teams)) problems.push(`${where}: "teams" must be a list of ${teamsAre}`);
    let projectRoles: Record<string, string[]> | undefined;
    if (projects !== undefined && projects !== null) {
      if (!withProjects) {
        problems.push(
          `${where}: "projects" gives project roles, which only examples/org-membership declares (its program reads them): ` +
            `remove it here, or use that example`,
        );
      } else {
        const read = readProjectRoles(projects, where);
        problems.push(...read.problems);
        projectRoles = read.roles;
      }
    }
    if (typeof email === "string" && isStringList(roles)) {
      people.push({
        email,
        roles,
        ...(isStringList(teams) ? { teams } : {}),
        ...(projectRoles !== undefined ? { projects: projectRoles } : {}),
      });
      entries.push(i + 1);
    }
  });
  return { people, problems, entries };
}

/**
 * The shape of a `projects:` mapping (a team's, or a person's): project id → a list of roles. What
 * the ids and roles mean is ./access-list's. `where` starts each problem.
 */
export function readProjectRoles(projects: unknown, where: string): { roles?: Record<string, string[]>; problems: string[] } {
  if (!isRecord(projects)) {
    return { problems: [`${where}: "projects" must map project ids to roles, e.g. "5f1b2c3d4e5f6a7b8c9d0e30: [GROUP_READ_ONLY]"`] };
  }
  const roles: Record<string, string[]> = {};
  const problems: string[] = [];
  for (const [projectId, list] of Object.entries(projects)) {
    if (!isStringList(list)) {
      problems.push(`${where}: project ${projectId}: the roles must be a list, e.g. [GROUP_READ_ONLY]`);
      continue;
    }
    roles[projectId] = list;
  }
  return { roles, problems };
}

/**
 * Each person's key — the email trimmed, in lower case: the resource name, so reordering the list
 * changes nothing — in list order. A person listed twice (in any letter case) is refused here,
 * before anything is declared.
 */
export function personKeys(people: readonly Person[]): string[] {
  const keys = people.map((person) => person.email.trim().toLowerCase());
  const twice = keys.filter((key, i) => keys.indexOf(key) !== i);
  if (twice.length > 0) throw new Error(`listed more than once: ${[...new Set(twice)].join(", ")}; list each person once.`);
  return keys;
}

/**
 * The people.yaml next to an example's source. `compiledDir` is the example's `__dirname`: the
 * compiled program runs from dist/examples/<example>/, where tsc does not copy the YAML, so the
 * source folder (three levels up, then examples/<example>/) is looked at too.
 */
export function defaultPeopleFile(compiledDir: string, example: string): string {
  const candidates = [path.join(compiledDir, "people.yaml"), path.resolve(compiledDir, "../../../examples", example, "people.yaml")];
  return candidates.find((file) => existsSync(file)) ?? candidates[0] ?? "people.yaml";
}

export function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === "object" && value !== null && !Array.isArray(value);
}

export function isStringList(value: unknown): value is string[] {
  return Array.isArray(value) && value.every((v) => typeof v === "string");
}
