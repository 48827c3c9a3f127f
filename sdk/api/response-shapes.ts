import type {
  Invitation,
  Organization,
  OrgUser,
  Page,
  Project,
  ProjectInvitation,
  ProjectTeam,
  ProjectUser,
  Team,
  UserRole,
} from "../types";

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

/** A paged list (`{results, totalCount, links}`) whose every result `parseEntry` accepts; `totalCount` is Infinity when left out. */
function parsePage<T>(value: unknown, parseEntry: (entry: unknown) => T | undefined): Page<T> | undefined {
  if (!isRecord(value) || !Array.isArray(value.results)) return undefined;
  const results: T[] = [];
  for (const entry of value.results) {
    const parsed = parseEntry(entry);
    if (parsed === undefined) return undefined;
    results.push(parsed);
  }
  const links = Array.isArray(value.links)
    ? value.links.filter((link): link is Page<T>["links"][number] => isRecord(link) && typeof link.rel === "string")
    : [];
  const totalCount = typeof value.totalCount === "number" ? value.totalCount : Number.POSITIVE_INFINITY;
  return { results, totalCount, links };
}

/** A page of `/orgs/{ORG-ID}/users` or `/orgs/{ORG-ID}/teams/{TEAM-ID}/users`. */
export function parseUserPage(value: unknown): Page<OrgUser> | undefined {
  return parsePage(value, parseOrgUser);
}

/** One team: `GET /orgs/{ORG-ID}/teams/{TEAM-ID}`, `…/teams/byName/{NAME}`, and the answers of create and rename. */
export function parseTeam(value: unknown): Team | undefined {
  if (!isRecord(value) || typeof value.id !== "string" || typeof value.name !== "string") return undefined;
  return value as unknown as Team;
}

/** A page of `/orgs/{ORG-ID}/teams`. */
export function parseTeamPage(value: unknown): Page<Team> | undefined {
  return parsePage(value, parseTeam);
}

/** The answer of `PUT /orgs/{ORG-ID}/users/{USER-ID}/roles`: `{"orgRoles": [...]}` (extra fields such as `links` ignored). */
export function parseOrgRoles(value: unknown): string[] | undefined {
  if (!isRecord(value) || !isStringArray(value.orgRoles)) return undefined;
  return value.orgRoles;
}

export function parseOrganization(value: unknown): Organization | undefined {
  if (!isRecord(value) || typeof value.id !== "string" || typeof value.name !== "string") return undefined;
  return value as unknown as Organization;
}

/** One project: `GET /groups/{PROJECT-ID}`. */
export function parseProject(value: unknown): Project | undefined {
  if (!isRecord(value)) return undefined;
  if (typeof value.id !== "string" || typeof value.name !== "string" || typeof value.orgId !== "string") return undefined;
  return value as unknown as Project;
}

/** A page of `GET /groups` or `GET /orgs/{ORG-ID}/groups`. */
export function parseProjectPage(value: unknown): Page<Project> | undefined {
  return parsePage(value, parseProject);
}

function parseProjectTeam(value: unknown): ProjectTeam | undefined {
  if (!isRecord(value) || typeof value.teamId !== "string" || !isStringArray(value.roleNames)) return undefined;
  return value as unknown as ProjectTeam;
}

/**
 * A page of `{teamId, roleNames}`: `GET /groups/{PROJECT-ID}/teams`, and the answers of adding teams to a
 * project (POST) and of changing a team's roles in it (PATCH).
 */
export function parseProjectTeamPage(value: unknown): Page<ProjectTeam> | undefined {
  return parsePage(value, parseProjectTeam);
}

/**
 * One user of project `projectId` (`GET /groups/{PROJECT-ID}/users`), with `projectRoles` worked out
 * from `roles`: those whose `groupId` is the project's (ids are hex, compared ignoring case). `roles`
 * lists every organization and project of the user, so it is the only place these come from.
 */
function parseProjectUser(value: unknown, projectId: string): ProjectUser | undefined {
  if (!isRecord(value)) return undefined;
  if (typeof value.id !== "string" || typeof value.username !== "string") return undefined;
  const roles = value.roles === undefined ? [] : value.roles;
  if (!Array.isArray(roles) || !roles.every((role) => isRecord(role) && typeof role.roleName === "string")) return undefined;
  const project = projectId.toLowerCase();
  const projectRoles = new Set<string>();
  for (const role of roles as UserRole[]) {
    if (typeof role.groupId === "string" && role.groupId.toLowerCase() === project) projectRoles.add(role.roleName);
  }
  return { ...value, roles: roles as UserRole[], projectRoles: [...projectRoles] } as unknown as ProjectUser;
}

/** A page of `GET /groups/{PROJECT-ID}/users` (also the answer of `POST /groups/{PROJECT-ID}/users`). */
export function projectUserPageParser(projectId: string): (value: unknown) => Page<ProjectUser> | undefined {
  return (value) => parsePage(value, (entry) => parseProjectUser(entry, projectId));
}

/** The answer of `PUT /groups/{PROJECT-ID}/users/{USER-ID}/roles`: `{"groupRoles": [...]}` (extra fields ignored). */
export function parseGroupRoles(value: unknown): string[] | undefined {
  if (!isRecord(value) || !isStringArray(value.groupRoles)) return undefined;
  return value.groupRoles;
}

/** One pending project invitation: `GET /groups/{PROJECT-ID}/invites/{INVITATION-ID}`, and the answers of create and update. */
export function parseProjectInvitation(value: unknown): ProjectInvitation | undefined {
  if (!isRecord(value)) return undefined;
  if (typeof value.id !== "string" || typeof value.username !== "string" || !isStringArray(value.roles)) return undefined;
  return value as unknown as ProjectInvitation;
}

/** `GET /groups/{PROJECT-ID}/invites` answers a bare array, as the organization's invitations do. */
export function parseProjectInvitationList(value: unknown): ProjectInvitation[] | undefined {
  if (!Array.isArray(value)) return undefined;
  const invitations: ProjectInvitation[] = [];
  for (const entry of value) {
    const invitation = parseProjectInvitation(entry);
    if (invitation === undefined) return undefined;
    invitations.push(invitation);
  }
  return invitations;
}
