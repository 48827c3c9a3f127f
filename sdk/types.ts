// Shapes of the Cloud Manager Public API objects this package touches.
// Source: Cloud Manager API docs for organization invitations and users (see README "API notes").

/** Organization roles Cloud Manager knows today. MongoDB adds roles over time, so APIs take `string`. */
export const KNOWN_ORG_ROLES = [
  "ORG_OWNER",
  "ORG_MEMBER",
  "ORG_GROUP_CREATOR",
  "ORG_BILLING_ADMIN",
  "ORG_READ_ONLY",
  "ORG_BILLING_READ_ONLY",
] as const;

/**
 * Project roles Cloud Manager knows today: exactly these 9 (the Atlas-only ones such as
 * GROUP_CLUSTER_MANAGER do not exist there). MongoDB adds roles over time, so APIs take `string`.
 */
export const KNOWN_PROJECT_ROLES = [
  "GROUP_AUTOMATION_ADMIN",
  "GROUP_BACKUP_ADMIN",
  "GROUP_DATA_ACCESS_ADMIN",
  "GROUP_DATA_ACCESS_READ_ONLY",
  "GROUP_DATA_ACCESS_READ_WRITE",
  "GROUP_MONITORING_ADMIN",
  "GROUP_OWNER",
  "GROUP_READ_ONLY",
  "GROUP_USER_ADMIN",
] as const;

/** A pending organization invitation, as the API returns it. */
export interface Invitation {
  id: string;
  orgId: string;
  orgName: string;
  username: string;
  roles: string[];
  teamIds: string[];
  inviterUsername: string;
  /** ISO 8601, second precision, `Z` suffix. */
  createdAt: string;
  /** `createdAt` + 30 days. */
  expiresAt: string;
}

export interface CreateInvitationRequest {
  username: string;
  roles: string[];
  teamIds?: string[];
}

/** A role held by an organization user: org-level (`orgId`) or project-level (`groupId`). */
export interface UserRole {
  orgId?: string;
  groupId?: string;
  roleName: string;
}

export interface OrgUser {
  id: string;
  username: string;
  emailAddress: string;
  firstName: string;
  lastName: string;
  teamIds: string[];
  roles: UserRole[];
}

export interface Organization {
  id: string;
  name: string;
}

/** A team of an organization, as `GET /orgs/{ORG-ID}/teams` lists it. */
export interface Team {
  id: string;
  name: string;
}

/** A project (the API calls it a group), as `GET /groups/{PROJECT-ID}` answers it; other fields are kept as sent. */
export interface Project {
  id: string;
  name: string;
  orgId: string;
}

/** A team's roles in a project, as `GET /groups/{PROJECT-ID}/teams` lists them. */
export interface ProjectTeam {
  teamId: string;
  /** Project roles (`GROUP_…`), in no particular order: compare them as a set. */
  roleNames: string[];
}

/**
 * A user of a project, as `GET /groups/{PROJECT-ID}/users` lists it; other fields are kept as sent.
 * Which users are listed depends on listProjectUsers' options: by default those with at least one role
 * of their own in the project.
 */
export interface ProjectUser {
  id: string;
  username: string;
  emailAddress: string;
  firstName: string;
  lastName: string;
  /**
   * EVERY role the user holds, as Cloud Manager sends it: in every organization (`orgId`) and every
   * project (`groupId`) the user belongs to, and global roles (neither). Not only this project's.
   */
  roles: UserRole[];
  /**
   * The user's own roles in THIS project, worked out by the client: the `roleName` of each entry of
   * `roles` whose `groupId` is the project's id, each once, in the order sent (compare them as a set).
   * Empty for a user listed only because a team (`flattenTeams`) or an organization role
   * (`includeOrgUsers`) gives access: those roles are the team's or the organization's, not the user's.
   */
  projectRoles: string[];
}

/** Who listProjectUsers lists besides the users with roles of their own in the project. Both default to false. */
export interface ListProjectUsersOptions {
  /** Also users who reach the project only through a team (`flattenTeams=true`). */
  flattenTeams?: boolean;
  /** Also the Organization Owners and Organization Read Only members of the project's organization (`includeOrgUsers=true`). */
  includeOrgUsers?: boolean;
}

/** A user and the project roles (`GROUP_…`, at least one) addUsersToProject gives them. */
export interface ProjectUserRoles {
  userId: string;
  roles: string[];
}

/** A pending project invitation, as `GET /groups/{PROJECT-ID}/invites` lists it (no orgId, no teamIds). */
export interface ProjectInvitation {
  id: string;
  /** The project's id. */
  groupId: string;
  groupName: string;
  username: string;
  /** Project roles (`GROUP_…`), in no particular order. */
  roles: string[];
  inviterUsername: string;
  /** ISO 8601, second precision, `Z` suffix. */
  createdAt: string;
  /** `createdAt` + 30 days. */
  expiresAt: string;
}

export interface CreateProjectInvitationRequest {
  /** The invitee's username (an email). */
  username: string;
  /** Project roles (`GROUP_…`), at least one. */
  roles: string[];
}

/** The paged list shape of every listing: org users, teams, team users, projects, a project's teams and users. */
export interface Page<T> {
  results: T[];
  totalCount: number;
  links: { rel: "self" | "previous" | "next"; href: string }[];
}

/** The JSON body of every API error. */
export interface ApiErrorBody {
  detail: string;
  error: number;
  errorCode: string;
  parameters: unknown[];
  reason: string;
}

/** One event of the client's logging hook. Never carries credentials, tokens or Authorization headers. */
export interface ClientLogEvent {
  level: "debug" | "info" | "warn";
  message: string;
  /** Set when the client is about to wait before a retry, in milliseconds. */
  waitMs?: number;
  method?: string;
  /** Path and query of the request concerned, e.g. "/api/public/v1.0/orgs/…/invites". */
  path?: string;
  /**
   * The organization the call is for, on every event of a call made for one (all invitation, member,
   * team and organization calls and listOrgProjects; not getUserByName, getUser or the calls on one project). A wait before a retry (`waitMs`) with an `orgId` means
   * that organization's calls are being held back, e.g. by its rate limit.
   */
  orgId?: string;
}

export type ClientLogger = (event: ClientLogEvent) => void;

/**
 * The time source of a client: the clock its retrying layer measures elapsed time (maxElapsedMs) and
 * Retry-After dates with, how it waits before a retry, and the clock of OAuth token lifetimes.
 * Per-attempt deadlines (requestTimeoutMs) are real timers regardless. Tests give a fake one, so that
 * retry waits take no real time.
 */
export interface ClientClock {
  /** Epoch milliseconds. Default Date.now. */
  now?: () => number;
  /** Resolves after `ms` milliseconds, and rejects once `signal` aborts (the client was closed). Default: a timer. */
  sleep?: (ms: number, signal: AbortSignal) => Promise<void>;
}
