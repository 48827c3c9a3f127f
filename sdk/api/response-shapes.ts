import type { Invitation, Organization, OrgUser, Page, UserRole } from "../types";

// Light checks of 2xx bodies: enough to fail with a clear error when baseUrl points at something that
// is not the Cloud Manager API, without rejecting fields MongoDB adds later (they are kept as sent).
// Each returns undefined when the body does not have the documented shape.

type Json = Record<string, unknown>;

function isRecord(value: unknown): value is Json {
  return typeof value === "object" && value !== null && !Array.isArray(value);
}

function isStringArray(value: unknown): value is string[] {
  return Array.isArray(value) && value.every((entry) => typeof entry === "string");
}

export function parseInvitation(value: unknown): Invitation | undefined {
  if (!isRecord(value)) return undefined;
  if (typeof value.id !== "string" || typeof value.username !== "string" || !isStringArray(value.roles)) return undefined;
  // `teamIds` is `[]` when none (cloud-manager-api.md); be lenient if a server leaves it out.
  const teamIds = value.teamIds === undefined ? [] : value.teamIds;
  if (!isStringArray(teamIds)) return undefined;
  return { ...value, teamIds } as unknown as Invitation;
}

/** `GET /orgs/{ORG-ID}/invites` answers a bare array (no `results` wrapper). */
export function parseInvitationList(value: unknown): Invitation[] | undefined {
  if (!Array.isArray(value)) return undefined;
  const invitations: Invitation[] = [];
  for (const entry of value) {
    const invitation = parseInvitation(entry);
    if (invitation === undefined) return undefined;
    invitations.push(invitation);
  }
  return invitations;
}

export function parseOrgUser(value: unknown): OrgUser | undefined {
  if (!isRecord(value)) return undefined;
  if (typeof value.id !== "string" || typeof value.username !== "string") return undefined;
  const roles = value.roles === undefined ? [] : value.roles;
  if (!Array.isArray(roles) || !roles.every((role) => isRecord(role) && typeof role.roleName === "string")) return undefined;
  const teamIds = value.teamIds === undefined ? [] : value.teamIds;
  if (!isStringArray(teamIds)) return undefined;
  return { ...value, roles: roles as UserRole[], teamIds } as unknown as OrgUser;
}

export function parseUserPage(value: unknown): Page<OrgUser> | undefined {
  if (!isRecord(value) || !Array.isArray(value.results)) return undefined;
  const results: OrgUser[] = [];
  for (const entry of value.results) {
    const user = parseOrgUser(entry);
    if (user === undefined) return undefined;
    results.push(user);
  }
  const links = Array.isArray(value.links)
    ? value.links.filter((link): link is Page<OrgUser>["links"][number] => isRecord(link) && typeof link.rel === "string")
    : [];
  const totalCount = typeof value.totalCount === "number" ? value.totalCount : Number.POSITIVE_INFINITY;
  return { results, totalCount, links };
}

export function parseOrganization(value: unknown): Organization | undefined {
  if (!isRecord(value) || typeof value.id !== "string" || typeof value.name !== "string") return undefined;
  return value as unknown as Organization;
}
