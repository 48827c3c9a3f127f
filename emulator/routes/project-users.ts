// A project's users: GET /groups/{PROJECT-ID}/users (paged; flattenTeams, includeOrgUsers), POST
// …/users (a JSON array of {id, roles: [{roleName}]}), PUT …/users/{USER-ID}/roles ({groupRoles}) and
// DELETE …/users/{USER-ID}. Access as for a project's teams (requireProject).
import { checkFields, parseJsonArray, parseJsonObject, stringArrayField, stringField, type JsonObject } from "../body";
import { invalidAttribute, invalidJson, invalidQueryParameter } from "../errors";
import { isObjectId } from "../ids";
import type { Router } from "../router";
import type { ProjectRecord, ProjectUsersQuery } from "../types";
import { objectIdParam, requireProject, type ApiContext, type ApiHandler, type ApiReply } from "./api-context";
import { checkPageQuery, paged } from "./paging";
import { userView } from "./users";

const LIST_FLAGS = ["flattenTeams", "includeOrgUsers"] as const;

/** `true` or `false` (absent: false); anything else is 400 INVALID_QUERY_PARAMETER, so a typo is not read as false. */
function flag(ctx: ApiContext, name: string): boolean {
  const value = ctx.query.get(name);
  if (value === null || value === "false") return false;
  if (value === "true") return true;
  throw invalidQueryParameter(name, value);
}

function listQuery(ctx: ApiContext): ProjectUsersQuery {
  return { flattenTeams: flag(ctx, "flattenTeams"), includeOrgUsers: flag(ctx, "includeOrgUsers") };
}

/** The list the query selects, paged; the flags are carried into the page links. */
function usersPage(ctx: ApiContext, project: ProjectRecord, query: ProjectUsersQuery): ApiReply {
  const users = ctx.parts.store.projectUsers.list(project.id, query);
  return { status: 200, body: paged(ctx, `/groups/${project.id}/users`, users, (u) => userView(ctx, u), LIST_FLAGS) };
}

const listUsers: ApiHandler = (ctx) => {
  const project = requireProject(ctx, "read");
  return usersPage(ctx, project, listQuery(ctx));
};

/** One `roles` entry: `{roleName}`, optionally with the project's own `groupId` (the docs' table lists it). */
function roleName(projectId: string, value: unknown): string {
  if (typeof value !== "object" || value === null || Array.isArray(value)) throw invalidAttribute("roles", "Expected [{roleName}].");
  const role = value as JsonObject;
  checkFields(role, ["roleName", "groupId"], ["roleName"]);
  if (role["groupId"] !== undefined && role["groupId"] !== null && stringField(role, "groupId") !== projectId) {
    throw invalidAttribute("groupId", `A role added here is a role in project ${projectId}.`);
  }
  return stringField(role, "roleName");
}

/** Body: a JSON array `[{"id": USER-ID, "roles": [{"roleName": "GROUP_…"}]}]`, all or none; answers what GET answers (same query). */
const addUsers: ApiHandler = (ctx) => {
  const project = requireProject(ctx, "write");
  const entries = parseJsonArray(ctx.body).map((entry) => {
    if (typeof entry !== "object" || entry === null || Array.isArray(entry)) throw invalidJson();
    const item = entry as JsonObject;
    checkFields(item, ["id", "roles"], ["id", "roles"]);
    const userId = stringField(item, "id");
    if (!isObjectId(userId)) throw invalidAttribute("id", `${userId} is not a valid id (24 hexadecimal characters).`);
    const roles = item["roles"];
    if (!Array.isArray(roles)) throw invalidAttribute("roles", "Expected [{roleName}].");
    return { userId, roles: roles.map((r) => roleName(project.id, r)) };
  });
  // The answer's query is checked before anything changes.
  const query = listQuery(ctx);
  checkPageQuery(ctx);
  ctx.parts.store.projectUsers.add(project.id, entries);
  return usersPage(ctx, project, query);
};

/** Body exactly `{"groupRoles": [...]}`, the full set; answers `{groupRoles}` as now held (sorted). */
const updateRoles: ApiHandler = (ctx) => {
  const project = requireProject(ctx, "write");
  const userId = objectIdParam(ctx, "userId", "USER-ID");
  const body = parseJsonObject(ctx.body);
  checkFields(body, ["groupRoles"], ["groupRoles"]);
  const groupRoles = ctx.parts.store.projectUsers.setRoles(project.id, userId, stringArrayField(body, "groupRoles"));
  return { status: 200, body: { groupRoles } };
};

const removeUser: ApiHandler = (ctx) => {
  const project = requireProject(ctx, "write");
  const userId = objectIdParam(ctx, "userId", "USER-ID");
  ctx.parts.store.projectUsers.remove(project.id, userId);
  return { status: 204 };
};

export function addProjectUserRoutes(router: Router<ApiHandler>): void {
  router
    .add("GET", "/groups/:groupId/users", listUsers)
    .add("POST", "/groups/:groupId/users", addUsers)
    .add("PUT", "/groups/:groupId/users/:userId/roles", updateRoles)
    .add("DELETE", "/groups/:groupId/users/:userId", removeUser);
}
