// The GitOps input both people examples share (examples/org-invitations, examples/org-membership): a
// plain list of people kept in a repository — email, roles, optional teams — read from YAML (or
// JSON) and checked for shape, and the one rule a list must keep before anything is declared: each
// person once. What a person's entries mean is the resource's business: its own `check` reports bad
// emails, roles and team ids per person, all at once, before anything is sent.

import { existsSync } from "node:fs";
import * as path from "node:path";
import { parse } from "yaml";

/** One entry of people.yaml. */
export interface Person {
  /** The person's email address (their Cloud Manager username). */
  email: string;
  /** Organization roles, e.g. ["ORG_MEMBER"]. */
  roles: string[];
  /** Ids of the teams to add them to (24 hexadecimal characters each). */
  teams?: string[];
}

/** Reads the list: a YAML (or JSON) list of people, or `people:` followed by one. Every malformed entry is reported at once. */
export function parsePeople(text: string, source = "people.yaml"): Person[] {
  const data: unknown = parse(text);
  const list = isRecord(data) && Array.isArray(data["people"]) ? data["people"] : data;
  if (!Array.isArray(list)) throw new Error(`${source}: expected a list of people (or "people:" followed by one).`);
  const problems: string[] = [];
  const people: Person[] = [];
  list.forEach((entry: unknown, i) => {
    const where = `${source}: entry ${i + 1}`;
    if (!isRecord(entry)) {
      problems.push(`${where}: expected email, roles and optional teams`);
      return;
    }
    const { email, roles, teams } = entry;
    if (typeof email !== "string" || email.trim() === "") problems.push(`${where}: "email" is missing`);
    if (!isStringList(roles)) problems.push(`${where}: "roles" must be a list of role names, e.g. [ORG_MEMBER]`);
    if (teams !== undefined && teams !== null && !isStringList(teams)) problems.push(`${where}: "teams" must be a list of team ids`);
    if (typeof email === "string" && isStringList(roles)) {
      people.push({ email, roles, ...(isStringList(teams) ? { teams } : {}) });
    }
  });
  if (problems.length > 0) throw new Error(problems.join("\n"));
  return people;
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

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === "object" && value !== null && !Array.isArray(value);
}

function isStringList(value: unknown): value is string[] {
  return Array.isArray(value) && value.every((v) => typeof v === "string");
}
