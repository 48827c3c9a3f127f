// The API's error shape: {detail, error, errorCode, parameters, reason}, keys in that (alphabetical) order.
import { STATUS_CODES } from "node:http";

export interface ErrorBody {
  detail: string;
  error: number;
  errorCode: string;
  parameters: unknown[];
  reason: string;
}

/** An error the server answers with; thrown by handlers and state operations alike. */
export class ApiError extends Error {
  readonly status: number;
  readonly errorCode: string;
  readonly detail: string;
  readonly parameters: unknown[];
  readonly headers: Record<string, string>;

  constructor(status: number, errorCode: string, detail: string, parameters: unknown[] = [], headers: Record<string, string> = {}) {
    super(`${status} ${errorCode}: ${detail}`);
    this.name = "ApiError";
    this.status = status;
    this.errorCode = errorCode;
    this.detail = detail;
    this.parameters = parameters;
    this.headers = headers;
  }

  toBody(): ErrorBody {
    return {
      detail: this.detail,
      error: this.status,
      errorCode: this.errorCode,
      parameters: this.parameters,
      reason: STATUS_CODES[this.status] ?? "Unknown",
    };
  }
}

export const resourceNotFound = (path: string): ApiError =>
  new ApiError(404, "RESOURCE_NOT_FOUND", `Cannot find resource ${path}.`, [path]);

export const invitationNotFound = (id: string): ApiError =>
  new ApiError(404, "RESOURCE_NOT_FOUND", `Cannot find resource invitation ${id}.`, [id]);

export const orgNotFound = (orgId: string): ApiError =>
  new ApiError(404, "ORG_NOT_FOUND", `No organization with ID ${orgId} exists.`, [orgId]);

export const teamNotFound = (teamId: string): ApiError =>
  new ApiError(404, "RESOURCE_NOT_FOUND", `Cannot find resource team ${teamId}.`, [teamId]);

export const userNotFound = (username: string): ApiError =>
  new ApiError(404, "USER_NOT_FOUND", `No user with username ${username} exists.`, [username]);

/** A user who is not a member of the org (unknown altogether, or a member of other orgs only). */
export const memberNotFound = (userId: string, orgId: string): ApiError =>
  new ApiError(404, "USER_NOT_FOUND", `No user with ID ${userId} exists in organization ${orgId}.`, [userId]);

/** A username that is no member of the org (unknown, a pending invitee, or a member of other orgs only). */
export const usernameNotInOrg = (username: string, orgId: string): ApiError =>
  new ApiError(404, "USER_NOT_FOUND", `No user with username ${username} exists in organization ${orgId}.`, [username]);

/** A member of the org who is not on the team. */
export const teamMemberNotFound = (userId: string, teamId: string): ApiError =>
  new ApiError(404, "USER_NOT_FOUND", `User ${userId} is not a member of team ${teamId}.`, [userId]);

/** PUT …/roles without ORG_OWNER for the org's last owner (Cloud Manager's documented code). */
export const cannotDemoteLastOrgOwner = (userId: string, orgId: string): ApiError =>
  new ApiError(403, "CANNOT_DEMOTE_LAST_ORG_OWNER", `User ${userId} is the last owner of organization ${orgId} and cannot be demoted.`, [
    userId,
  ]);

/** DELETE of the org's last owner (the code Cloud Manager documents for a project's last owner). */
export const cannotDeleteLastOwner = (userId: string, orgId: string): ApiError =>
  new ApiError(403, "CANNOT_DELETE_LAST_OWNER", `User ${userId} is the last owner of organization ${orgId} and cannot be removed.`, [
    userId,
  ]);

/** Removing a team's only user (as reported in the field; the `emptyTeams` setting turns it off). */
export const cannotRemoveLastUserFromTeam = (teamId: string): ApiError =>
  new ApiError(400, "CANNOT_REMOVE_LAST_USER_FROM_TEAM", `Cannot remove the last user from team ${teamId}.`, [teamId]);

export const maxUsersPerTeamExceeded = (teamId: string, max: number): ApiError =>
  new ApiError(400, "MAX_USERS_PER_TEAM_EXCEEDED", `Team ${teamId} would have more than ${max} users.`, [teamId, max]);

export const invalidAttribute = (name: string, why = ""): ApiError =>
  new ApiError(400, "INVALID_ATTRIBUTE", `Invalid attribute ${name} specified.${why ? ` ${why}` : ""}`, [name]);

export const missingAttribute = (name: string): ApiError =>
  new ApiError(400, "MISSING_ATTRIBUTE", `The required attribute ${name} was not specified.`, [name]);

export const invalidJson = (): ApiError => new ApiError(400, "INVALID_JSON", "Received JSON is malformed.", []);

export const invalidEmail = (value: string): ApiError =>
  new ApiError(400, "INVALID_EMAIL_ADDRESS", `Invalid email address ${value}.`, [value]);

export const invalidEnumValue = (value: string, field: string): ApiError =>
  new ApiError(400, "INVALID_ENUM_VALUE", `An invalid enumeration value ${value} was specified.`, [value, field]);

export const invalidQueryParameter = (name: string, value: string): ApiError =>
  new ApiError(400, "INVALID_QUERY_PARAMETER", `Invalid query parameter ${name}=${value}.`, [name, value]);

export const methodNotAllowed = (method: string, allowed: string[]): ApiError =>
  new ApiError(405, "METHOD_NOT_ALLOWED", `Method ${method} is not allowed here.`, [method], { Allow: allowed.join(", ") });

/** Authenticated, but without the role the operation needs (or without any role on the org). */
export const userUnauthorized = (): ApiError =>
  new ApiError(401, "USER_UNAUTHORIZED", "Current user is not authorized to perform this action.", []);

export const invitationAlreadyExists = (username: string): ApiError =>
  new ApiError(409, "INVITATION_ALREADY_EXISTS", `A pending invitation for ${username} already exists.`, [username]);

export const ipNotOnAccessList = (ip: string): ApiError =>
  new ApiError(403, "IP_ADDRESS_NOT_ON_ACCESS_LIST", `IP address ${ip} is not allowed to access this resource.`, [ip]);

/** A body whose Content-Type is not JSON (or a body without one): the API consumes application/json only. */
export const unsupportedMediaType = (contentType: string | undefined): ApiError =>
  new ApiError(
    415,
    "UNSUPPORTED_MEDIA_TYPE",
    contentType === undefined
      ? "A request body needs Content-Type: application/json."
      : `Content-Type ${contentType} is not supported: send application/json.`,
    contentType === undefined ? [] : [contentType],
  );

/** A request target that is not a path ("//", "*", "foo", …). */
export const invalidRequestTarget = (target: string): ApiError =>
  new ApiError(400, "INVALID_REQUEST_TARGET", `The request target ${JSON.stringify(target)} is not an absolute path.`, [target]);

// ---- teams (org level) ----

/** POST /orgs/{ORG-ID}/teams without a user (Atlas's code; the `emptyTeams` setting turns it off). */
export const cannotCreateEmptyTeam = (): ApiError =>
  new ApiError(400, "CANNOT_CREATE_EMPTY_TEAM", "A team must contain at least one user.", []);

export const maxTeamsPerOrgExceeded = (orgId: string, max: number): ApiError =>
  new ApiError(400, "MAX_TEAMS_PER_ORG_EXCEEDED", `Organization ${orgId} cannot have more than ${max} teams.`, [orgId, max]);

/** A name another team of the org has (compared case-insensitively); Atlas's code and wording. */
export const teamNameNotAvailable = (name: string, orgId: string): ApiError =>
  new ApiError(409, "TEAM_NAME_NOT_AVAILABLE", `Cannot create a team named ${name} in organization ${orgId}.`, [name, orgId]);

export const teamNameNotFound = (name: string): ApiError =>
  new ApiError(404, "RESOURCE_NOT_FOUND", `Cannot find resource team named ${name}.`, [name]);

/** Atlas's code, which its error list puts among the 404s: a client must read the code, not only the status. */
export const cannotDeleteTeamAssignedToProject = (teamId: string, projectIds: string[]): ApiError =>
  new ApiError(
    404,
    "CANNOT_DELETE_TEAM_ASSIGNED_TO_PROJECT",
    "You cannot delete a team that has at least one project assigned to it. Make sure to remove the team from all projects before deleting it.",
    [teamId, ...projectIds],
  );

// ---- projects (groups) and their teams ----

export const groupNotFound = (groupId: string): ApiError =>
  new ApiError(404, "GROUP_NOT_FOUND", `No group with ID ${groupId} exists.`, [groupId]);

export const groupNameNotFound = (name: string): ApiError =>
  new ApiError(404, "GROUP_NAME_NOT_FOUND", `No group with name ${name} exists.`, [name]);

export const multipleGroups = (name: string): ApiError =>
  new ApiError(409, "MULTIPLE_GROUPS", `Multiple groups exist with the specified name ${name}.`, [name]);

export const groupAlreadyExists = (name: string): ApiError =>
  new ApiError(409, "GROUP_ALREADY_EXISTS", `A group with name "${name}" already exists in this organization.`, [name]);

export const invalidGroupName10gen = (name: string): ApiError =>
  new ApiError(400, "INVALID_GROUP_NAME_10GEN", `Group name ${name} is invalid: names starting with "10gen-" are reserved.`, [name]);

/** Authenticated, but with no access to the project at all (Cloud Manager's 401 for it). */
export const notInGroup = (groupId: string): ApiError =>
  new ApiError(401, "NOT_IN_GROUP", `Current user is not in group ${groupId}.`, [groupId]);

/** A team id in a project-team body that is not a team of the project's org (unknown, or another org's). */
export const teamNotInOrg = (teamId: string, orgId: string): ApiError =>
  new ApiError(404, "TEAM_NOT_IN_ORG", `Team ${teamId} is not a team of organization ${orgId}.`, [teamId, orgId]);

export const teamNotInGroup = (teamId: string, groupId: string): ApiError =>
  new ApiError(404, "TEAM_NOT_IN_GROUP", `Team ${teamId} is not assigned to group ${groupId}.`, [teamId, groupId]);

export const teamExistsInGroup = (teamId: string, groupId: string): ApiError =>
  new ApiError(409, "TEAM_EXISTS_IN_GROUP", `Cannot add team ${teamId}: it already exists in group ${groupId}.`, [teamId, groupId]);

export const maxTeamsPerGroupExceeded = (groupId: string, max: number): ApiError =>
  new ApiError(400, "MAX_TEAMS_PER_GROUP_EXCEEDED", `Group ${groupId} cannot have more than ${max} teams.`, [groupId, max]);

/** An org role where a project role is wanted. */
export const invalidRoleForGroup = (role: string): ApiError =>
  new ApiError(400, "INVALID_ROLE_FOR_GROUP", `Role ${role} is not a project role.`, [role]);

// ---- users in a project and project invitations ----

/** A user without a direct role in the project (unknown users, and users who reach it only through a team, included). */
export const userNotInGroup = (user: string, groupId: string): ApiError =>
  new ApiError(404, "USER_NOT_IN_GROUP", `User ${user} is not in group ${groupId}.`, [user, groupId]);

/** DELETE of the project's last direct GROUP_OWNER (Cloud Manager's code and wording). */
export const cannotDeleteLastProjectOwner = (userId: string, groupId: string): ApiError =>
  new ApiError(
    403,
    "CANNOT_DELETE_LAST_OWNER",
    "Cannot remove the last owner from the group. If you are trying to close the group by removing all users, please delete the group instead.",
    [userId, groupId],
  );

/** A role change that would leave the project without a direct GROUP_OWNER (Cloud Manager's code and wording). */
export const cannotDemoteLastProjectOwner = (userId: string, groupId: string): ApiError =>
  new ApiError(403, "CANNOT_DEMOTE_LAST_OWNER", "Cannot demote the last owner of the group.", [userId, groupId]);
