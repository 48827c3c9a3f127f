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
