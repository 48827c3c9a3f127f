import { KNOWN_PROJECT_ROLES } from "../types";
import { headerValue, jsonObjectOf, pathOf, type WireResponse } from "../wire";
import { isApiErrorBody, isRateLimitAnswer, parseApiErrorBody } from "./api-error-body";
import { CloudManagerError } from "./cloud-manager-error";
import { TLS_VERIFY_CODES, type NetworkFailure } from "./failures";
import type { Redactor } from "./redactor";

// Messages that say what to do next. Every message names credentials by their PUBLIC part only
// (public key, client id); private keys, secrets and tokens never reach this file from us. Text from
// the server (detail, errorCode, parameters, error_description) may echo them, so it goes through the
// client's Redactor before it is used anywhere.

/** What the client knows about a call when it turns an answer into an error. */
export interface CallContext {
  method: string;
  url: URL;
  /** The credential in use, by its public part: `API key "abcdefgh"` or `service account "mdb_sa_id_…"`. */
  credential: string;
  /** Organization of the call, for role and not-found messages. */
  orgId?: string;
  /**
   * The project whose access the call reads or changes (its users, teams and invitations): role
   * refusals and last-owner refusals then speak of the project's roles instead of the organization's.
   */
  projectId?: string;
  /** What a 404 means for this call, e.g. `invitation 5f… in organization 5e…`. */
  subject?: string;
  /**
   * For a route some servers lack (Ops Manager documents neither `PUT /orgs/{ORG-ID}/users/{USER-ID}/roles`
   * nor `DELETE /orgs/{ORG-ID}/users/{USER-ID}`): what to do when a 404 that names no missing user (or a
   * 405) suggests this server does not have it. The client never falls back to another route by itself.
   */
  missingRoute?: string;
  /** The call sends project roles (`GROUP_…`): a refused role (INVALID_ENUM_VALUE, INVALID_ROLE) lists Cloud Manager's. */
  sendsProjectRoles?: boolean;
  /** Headers as the client built them (auth is added by lower layers on copies; redacted anyway). */
  headers?: Record<string, string>;
  /** Scrubs the client's credentials out of server-provided text. */
  redactor: Redactor;
}

const ROLE_CODES = new Set(["USER_UNAUTHORIZED", "NOT_ORG_ADMIN", "NOT_GROUP_USER_ADMIN"]);

/**
 * Refusals to leave an organization without an owner: CANNOT_DEMOTE_LAST_ORG_OWNER (roles PUT, 403 in
 * Cloud Manager's error list); CANNOT_DELETE_LAST_OWNER and CANNOT_DEMOTE_LAST_OWNER (the list files them
 * under projects, but a removal of the last owner may answer with them); CANNOT_REMOVE_LAST_ORG_OWNER
 * (not in the list; Atlas-style wording of the same rule).
 */
const LAST_OWNER_CODES: ReadonlySet<string> = new Set([
  "CANNOT_DEMOTE_LAST_ORG_OWNER",
  "CANNOT_DELETE_LAST_OWNER",
  "CANNOT_DEMOTE_LAST_OWNER",
  "CANNOT_REMOVE_LAST_ORG_OWNER",
]);

/**
 * The same two codes on a call about a project's access: the project would be left without a Project
 * Owner (CANNOT_DELETE_LAST_OWNER from DELETE …/users/{USER-ID}, CANNOT_DEMOTE_LAST_OWNER from PUT …/roles).
 */
const PROJECT_LAST_OWNER_CODES: ReadonlySet<string> = new Set(["CANNOT_DELETE_LAST_OWNER", "CANNOT_DEMOTE_LAST_OWNER"]);

/** 404 errorCodes that name a missing user: the route exists, the user does not (there). */
const USER_NOT_FOUND_CODES: ReadonlySet<string> = new Set(["USER_NOT_FOUND", "INVALID_USER_ID", "USERNAME_NOT_FOUND"]);

const PROJECT_ROLES_ARE = `Cloud Manager's project roles are ${KNOWN_PROJECT_ROLES.join(", ")}.`;

/** Where a refused call acts, as its message names it: `organization 5e…`, `project 5f…` (or "the organization/project"). */
interface Where {
  org: string;
  project: string;
  /** The project on a call about one, else the organization. */
  scope: string;
}

/** What to do about the refusals of the team, project-team, project-user and invitation calls, by errorCode (any 4xx status: Cloud Manager's vary). */
const TEAM_AND_PROJECT_ADVICE: Readonly<Record<string, (where: Where) => string>> = {
  CANNOT_CREATE_EMPTY_TEAM: ({ org }) =>
    `a team must have at least one user. Name at least one active member of ${org} (an invitee must accept the ` + `invitation first).`,
  TEAM_NAME_NOT_AVAILABLE: ({ org }) =>
    `another team of ${org} already has this name (a name belongs to one team of an organization). Choose another ` +
    `name, or use the team that has it.`,
  CANNOT_DELETE_TEAM_ASSIGNED_TO_PROJECT: () =>
    `the team still has roles in at least one project. Remove it from every project first ` +
    `(DELETE /groups/{PROJECT-ID}/teams/{TEAM-ID}), then delete it.`,
  MAX_TEAMS_PER_ORG_EXCEEDED: ({ org }) => `${org} already has as many teams as Cloud Manager allows (250). Delete a team first.`,
  MAX_USERS_PER_TEAM_EXCEEDED: () => `a team holds at most 250 users. Remove users from the team, or split it.`,
  MAX_TEAMS_PER_GROUP_EXCEEDED: () => `the project already has as many teams as Cloud Manager allows. Remove a team from it first.`,
  TEAM_EXISTS_IN_GROUP: () =>
    `the team already has roles in this project. Change them with PATCH /groups/{PROJECT-ID}/teams/{TEAM-ID} instead.`,
  INVALID_ROLE_FOR_GROUP: () => `a role sent is not a project role. ${PROJECT_ROLES_ARE}`,
  MAX_USERS_PER_GROUP_EXCEEDED: ({ project }) =>
    `${project} already has as many users as Cloud Manager allows. Remove a user from it first, or give access through a team.`,
  INVITATION_ALREADY_EXISTS: ({ scope }) =>
    `a pending invitation for this username already exists in ${scope}. Change its ` +
    `roles (PATCH …/invites/{INVITATION-ID}) instead, or delete it and invite again.`,
};

/** Role refusals that do not say which kind of role was wrong: they list the project roles only on calls that send some. */
const INVALID_ROLE_CODES: ReadonlySet<string> = new Set(["INVALID_ENUM_VALUE", "INVALID_ROLE"]);

export function apiError(response: WireResponse, ctx: CallContext): CloudManagerError {
  const body = parseApiErrorBody(response.body);
  const status = response.status;
  const { redactor } = ctx;
  const errorCode = body?.errorCode === undefined ? undefined : redactor.redact(body.errorCode);
  const detail = body?.detail === undefined ? undefined : redactor.redact(body.detail);
  const parameters = redactor.redactValue(body?.parameters ?? []) as unknown[];
  const call = `${ctx.method} ${pathOf(ctx.url)}`;
  const label = errorCode === undefined ? `${status}` : `${status} ${errorCode}`;
  const server = detail === undefined ? "" : ` Cloud Manager says: ${detail}`;
  const attempts = response.attempts ?? 1;
  const org = ctx.orgId === undefined ? "the organization" : `organization ${ctx.orgId}`;
  const project = ctx.projectId === undefined ? "the project" : `project ${ctx.projectId}`;

  let message: string;
  if (status === 401 && response.credentialsRejected === true) {
    message =
      `Cloud Manager did not accept ${ctx.credential} (${label}) on ${call}: the key pair is wrong, or the key ` +
      `was deleted or disabled. Check the public and private key (the private key is not shown here).${server}`;
  } else if (status === 401 && headerValue(response, "www-authenticate") !== undefined) {
    // A 401 that still carries a challenge is about authentication, whatever its errorCode says
    // (Cloud Manager uses USER_UNAUTHORIZED for both).
    message =
      `Cloud Manager did not authenticate ${ctx.credential} (${label}) on ${call}: check the credentials; if they are ` +
      `right, something between this machine and Cloud Manager may be altering requests.${server}`;
  } else if (status === 401 && errorCode !== undefined && ROLE_CODES.has(errorCode) && ctx.projectId !== undefined) {
    message =
      `${capitalize(ctx.credential)} is not allowed to ${call} (${label}) in ${project}: changing a project's users, teams ` +
      `and invitations needs Project Owner or Project User Admin (GROUP_OWNER, GROUP_USER_ADMIN) in it, or Organization ` +
      `Owner (ORG_OWNER) of its organization. Grant one in the project's Access Manager, or use another key.${server}`;
  } else if (status === 401 && errorCode !== undefined && ROLE_CODES.has(errorCode)) {
    message =
      `${capitalize(ctx.credential)} is not allowed to ${call} (${label}): it needs the Organization Owner role ` +
      `(ORG_OWNER) on ${org}. Grant it in Cloud Manager under Organization Access Manager, or use another key.${server}`;
  } else if (status === 401 && errorCode === "BILLING_UNSUPPORTED") {
    message = `This server (Ops Manager) does not support billing roles (${label}) on ${call}: remove ORG_BILLING_* roles.${server}`;
  } else if (status === 401) {
    message = `Cloud Manager refused ${ctx.credential} (${label}) on ${call}: check the credentials and their organization roles.${server}`;
  } else if (status === 403 && errorCode === "IP_ADDRESS_NOT_ON_ACCESS_LIST") {
    const ip = parameters.find((value): value is string => typeof value === "string") ?? "this machine's address";
    message =
      `Requests from IP address ${ip} are not on the API access list of ${ctx.credential} (${label}) on ${call}: ` +
      `add ${ip} to the access list of that key in Cloud Manager, or call from an address on the list.${server}`;
  } else if (
    status >= 400 &&
    status < 500 &&
    errorCode !== undefined &&
    PROJECT_LAST_OWNER_CODES.has(errorCode) &&
    ctx.projectId !== undefined
  ) {
    message =
      `Cloud Manager refused ${call} (${label}): it would leave ${project} without a Project Owner. A project must keep at ` +
      `least one user with GROUP_OWNER of their own (a team's GROUP_OWNER or an Organization Owner may not count): give ` +
      `another user GROUP_OWNER in the project first (addUsersToProject or setProjectUserRoles), then change or remove this one.${server}`;
  } else if (status >= 400 && status < 500 && errorCode !== undefined && LAST_OWNER_CODES.has(errorCode)) {
    message =
      `Cloud Manager refused ${call} (${label}): it would leave ${org} without an Organization Owner. The organization ` +
      `must keep at least one Organization Owner: give another member ORG_OWNER first, then change or remove this one.${server}`;
  } else if (status >= 400 && status < 500 && errorCode === "CANNOT_REMOVE_LAST_USER_FROM_TEAM") {
    message =
      `Cloud Manager refused ${call} (${label}): a team must keep at least one member. Add another user to the team ` +
      `first, or delete the team instead.${server}`;
  } else if (status >= 400 && status < 500 && errorCode !== undefined && Object.hasOwn(TEAM_AND_PROJECT_ADVICE, errorCode)) {
    const advice = TEAM_AND_PROJECT_ADVICE[errorCode] as (where: Where) => string;
    message = `Cloud Manager refused ${call} (${label}): ${advice({ org, project, scope: ctx.projectId === undefined ? org : project })}${server}`;
  } else if (status === 400 && errorCode !== undefined && INVALID_ROLE_CODES.has(errorCode) && ctx.sendsProjectRoles === true) {
    message = `Cloud Manager refused ${call} (${label}): a role sent is not one it knows. ${PROJECT_ROLES_ARE}${server}`;
  } else if (status === 403) {
    message = `Cloud Manager forbids ${call} for ${ctx.credential} (${label}).${server}`;
  } else if (status === 404 && errorCode === "ORG_NOT_FOUND") {
    message = `${capitalize(org)} was not found, or ${ctx.credential} cannot see it (${label}) on ${call}: check the organization id.${server}`;
  } else if (status === 404 && errorCode === "USER_NOT_IN_GROUP") {
    const what = ctx.subject ?? `the user at ${pathOf(ctx.url)}`;
    message =
      `Not found: ${what} (${label}) on ${call}: the user has no project role of their own there. Access that comes only ` +
      `through a team or an organization role (ORG_OWNER, ORG_READ_ONLY) is changed on that team or role, not here; to give ` +
      `the user roles in ${project}, use addUsersToProject. After a retry, an earlier attempt may already have removed the user.${server}`;
  } else if (
    ctx.missingRoute !== undefined &&
    (status === 405 || (status === 404 && (errorCode === undefined || !USER_NOT_FOUND_CODES.has(errorCode))))
  ) {
    // Nothing in the answer says the user is missing: this server may not have the route at all.
    const what = ctx.subject ?? `the resource at ${pathOf(ctx.url)}`;
    const either = status === 405 ? "" : `either ${what} does not exist, or `;
    message =
      `${call} answered ${label}: ${either}this server may not support this route (Ops Manager does not). ` +
      `${ctx.missingRoute}${server}`;
  } else if (status === 404) {
    const what = ctx.subject ?? `the resource at ${pathOf(ctx.url)}`;
    message = `Not found: ${what} (${label}) on ${call}.${server}`;
  } else if (isRateLimitAnswer(status, errorCode)) {
    message =
      `Cloud Manager kept rate limiting ${call} (${label}); gave up after ${attempts} attempt${plural(attempts)}. ` +
      `Wait a minute and run again, or make fewer calls at once (e.g. lower Pulumi's --parallel).${server}`;
  } else if (status >= 500) {
    message = `Cloud Manager failed on ${call} (${label}) after ${attempts} attempt${plural(attempts)}; try again later.${server}`;
  } else {
    message = `Cloud Manager rejected ${call} (${label}).${server}`;
  }
  return new CloudManagerError({
    code: "CLOUD_MANAGER_API_ERROR",
    message,
    status,
    errorCode,
    detail,
    parameters,
    method: ctx.method,
    path: pathOf(ctx.url),
    attempts,
    request: requestOf(ctx),
    authenticated: response.authenticated,
    credentialsRefused:
      status === 401 && (response.credentialsRejected === true || headerValue(response, "www-authenticate") !== undefined),
    hasErrorBody: isApiErrorBody(response.body, status),
  });
}

export function networkError(failure: NetworkFailure, ctx: CallContext | undefined): CloudManagerError {
  const url = failure.url;
  const call = `${failure.method} ${pathOf(url)}`;
  const attempts = failure.attempts ?? 1;
  const code = failure.networkCode;
  let hint: string;
  if (code === "ECONNREFUSED") hint = "nothing accepts connections there: check baseUrl";
  else if (code === "ENOTFOUND" || code === "EAI_AGAIN")
    hint = "the host name does not resolve: check baseUrl, DNS and HTTPS_PROXY/NO_PROXY";
  else if (code === "TIMEOUT") hint = "no complete answer within requestTimeoutMs";
  else if (TLS_VERIFY_CODES.has(code)) {
    hint = "the server's TLS certificate is not trusted: for a private CA (Ops Manager) set caCertificate to its PEM";
  } else hint = "the connection failed: check the network, baseUrl and HTTPS_PROXY/NO_PROXY";
  return new CloudManagerError({
    code: "CLOUD_MANAGER_NETWORK_ERROR",
    message: `Could not reach ${url.host} (${code}) for ${call} after ${attempts} attempt${plural(attempts)}: ${hint}.`,
    method: failure.method,
    path: pathOf(url),
    networkCode: code,
    attempts,
    ...(ctx === undefined ? {} : { request: requestOf(ctx) }),
    cause: ctx === undefined ? failure.cause : ctx.redactor.redactCause(failure.cause),
  });
}

/** The token endpoint answers OAuth-style: `{"error": "invalid_client", "error_description": …}`. */
export function tokenEndpointError(response: WireResponse, tokenUrl: URL, clientId: string, redactor: Redactor): CloudManagerError {
  // Not JSON: the status alone.
  const parsed = jsonObjectOf(response.body) ?? {};
  const rawCode = typeof parsed.error === "string" ? parsed.error : typeof parsed.errorCode === "string" ? parsed.errorCode : undefined;
  const rawDetail =
    typeof parsed.error_description === "string" ? parsed.error_description : typeof parsed.detail === "string" ? parsed.detail : undefined;
  const errorCode = rawCode === undefined ? undefined : redactor.redact(rawCode);
  const detail = rawDetail === undefined ? undefined : redactor.redact(rawDetail);
  const label = errorCode === undefined ? `${response.status}` : `${response.status} ${errorCode}`;
  const server = detail === undefined ? "" : ` The token endpoint says: ${detail}`;
  const what =
    response.status === 400 || response.status === 401
      ? `check clientId and clientSecret of service account "${clientId}" (the secret is not shown here)`
      : response.status === 429
        ? "the token endpoint allows 10 requests per minute: wait and run again"
        : "try again later";
  return new CloudManagerError({
    code: "CLOUD_MANAGER_API_ERROR",
    message: `Could not get an access token for service account "${clientId}" from ${tokenUrl.origin} (${label}): ${what}.${server}`,
    status: response.status,
    errorCode,
    detail,
    method: "POST",
    path: pathOf(tokenUrl),
    attempts: response.attempts,
    // No token was issued, so no API request carried one.
    authenticated: false,
    // The token endpoint refusing the client (401, or OAuth's invalid_client) is about the account itself.
    credentialsRefused: response.status === 401 || errorCode === "invalid_client",
    hasErrorBody: isApiErrorBody(response.body, response.status),
  });
}

/** A 2xx whose body is not the documented one; `authenticated` as on the answer. */
export function malformedResponseError(method: string, url: URL, expected: string, authenticated: boolean): CloudManagerError {
  return new CloudManagerError({
    code: "CLOUD_MANAGER_RESPONSE_ERROR",
    message: `Cloud Manager answered ${method} ${pathOf(url)} with something other than ${expected}: is baseUrl a Cloud Manager or Ops Manager API (…/api/public/v1.0)?`,
    method,
    path: pathOf(url),
    authenticated,
  });
}

/** A paged listing whose pages cannot be right (repeats, more than totalCount, endless `next` links). */
/** `why` may quote the server (a user id), so it goes through the redactor. */
export function pagingError(ctx: CallContext, pageNum: number, why: string, authenticated: boolean): CloudManagerError {
  return new CloudManagerError({
    code: "CLOUD_MANAGER_RESPONSE_ERROR",
    message:
      `Cloud Manager's paging of ${ctx.method} ${ctx.url.pathname} went wrong on page ${pageNum}: ${ctx.redactor.redact(why)}. ` +
      `The listing was stopped rather than return duplicated or endless results: is baseUrl a Cloud Manager or Ops Manager API ` +
      `(…/api/public/v1.0)?`,
    method: ctx.method,
    path: pathOf(ctx.url),
    authenticated,
  });
}

/**
 * An answer whose body passed the client's limit. `status` stays unset on purpose: code that branches on
 * a 404 must not take a cut-off body for Cloud Manager's answer.
 */
export function responseTooLargeError(
  req: { method: string; url: URL; headers: Record<string, string> },
  status: number,
  limitBytes: number,
  announcedBytes: number | undefined,
): CloudManagerError {
  const call = `${req.method} ${pathOf(req.url)}`;
  const seen = announcedBytes === undefined ? "its body passed" : `its Content-Length (${announcedBytes} bytes) passes`;
  return new CloudManagerError({
    code: "CLOUD_MANAGER_RESPONSE_TOO_LARGE",
    message:
      `The answer (HTTP ${status}) from ${req.url.host} to ${call} was cut off: ${seen} the client's limit of ` +
      `${limitBytes} bytes (maxResponseBytes). Cloud Manager's answers are far smaller: check that baseUrl is a Cloud ` +
      `Manager or Ops Manager API (…/api/public/v1.0); if it is, raise the client option maxResponseBytes.`,
    method: req.method,
    path: pathOf(req.url),
    request: { method: req.method, url: req.url.href, headers: req.headers },
  });
}

export function configError(message: string): CloudManagerError {
  return new CloudManagerError({ code: "CLOUD_MANAGER_CONFIG_ERROR", message });
}

function requestOf(ctx: CallContext): { method: string; url: string; headers: Record<string, string> } {
  return { method: ctx.method, url: ctx.url.href, headers: ctx.headers ?? {} };
}

function plural(count: number): string {
  return count === 1 ? "" : "s";
}

function capitalize(text: string): string {
  return text.length === 0 ? text : `${(text[0] as string).toUpperCase()}${text.slice(1)}`;
}
