// The GitOps shape: a plain list of people, kept in a repository, becomes one OrgInvitation each.
// Kept apart from the Pulumi entry point so that Automation API inline programs (and tests) can
// reuse it with a list and an org id of their own.

import * as pulumi from "@pulumi/pulumi";
import { parse } from "yaml";
import { OrgInvitation, type OrgInvitationStatus } from "../../index";

/** One entry of people.yaml. */
export interface Person {
  /** The person's email address (their Cloud Manager username). */
  email: string;
  /** Organization roles, e.g. ["ORG_MEMBER"]. */
  roles: string[];
  /** Ids of the teams to add them to (24 hexadecimal characters each). */
  teams?: string[];
}

export interface DeclaredInvitations {
  /** One resource per person, by email (lower case). */
  invitations: Record<string, OrgInvitation>;
  /** Each person's invitation status, by email (lower case). */
  statuses: pulumi.Output<Record<string, OrgInvitationStatus>>;
}

/** Declares one OrgInvitation per person. The resource name is the email in lower case, so reordering the list changes nothing. */
export function declareOrgInvitations(
  people: readonly Person[],
  orgId: pulumi.Input<string>,
  opts?: pulumi.CustomResourceOptions,
): DeclaredInvitations {
  const keys = people.map((person) => person.email.trim().toLowerCase());
  const twice = keys.filter((key, i) => keys.indexOf(key) !== i);
  if (twice.length > 0) throw new Error(`listed more than once: ${[...new Set(twice)].join(", ")}; list each person once.`);
  const invitations: Record<string, OrgInvitation> = {};
  for (const [i, person] of people.entries()) {
    const key = keys[i] ?? person.email;
    invitations[key] = new OrgInvitation(
      key,
      { orgId, username: person.email, roles: person.roles, ...(person.teams ? { teamIds: person.teams } : {}) },
      opts,
    );
  }
  const statuses = pulumi.all(Object.fromEntries(Object.entries(invitations).map(([email, invitation]) => [email, invitation.status])));
  return { invitations, statuses };
}

/**
 * Reads the list from YAML (or JSON, which is YAML too). Checks only the shape here; the resource's
 * own check reports bad emails, roles and team ids per person, all at once, before anything is sent.
 */
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

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === "object" && value !== null && !Array.isArray(value);
}

function isStringList(value: unknown): value is string[] {
  return Array.isArray(value) && value.every((v) => typeof v === "string");
}
