// The org's teams and their users: GET|POST /orgs/{ORG-ID}/teams (GET paged), GET|PATCH|DELETE
// …/teams/{TEAM-ID}, GET …/teams/byName/{TEAM-NAME}, GET|POST …/teams/{TEAM-ID}/users (paged; POST
// takes a JSON array of {"id": USER-ID}) and DELETE …/teams/{TEAM-ID}/users/{USER-ID}.
import { checkFields, optionalStringArrayField, parseJsonArray, parseJsonObject, stringField } from "../body";
import { invalidAttribute, invalidJson } from "../errors";
import { isObjectId } from "../ids";
import type { Router } from "../router";
import type { Team } from "../types";
import { objectIdParam, requireOrg, type ApiContext, type ApiHandler, type ApiReply } from "./api-context";
import { paged } from "./paging";
import { userView } from "./users";

const API_PREFIX = "/api/public/v1.0";

/** `{id, links, name}`, alphabetical as Cloud Manager writes it; `links` points at GET …/teams/{TEAM-ID}. */
function teamView(ctx: ApiContext, team: Team): Record<string, unknown> {
  return { id: team.id, links: [{ href: `${ctx.origin}${API_PREFIX}/orgs/${team.orgId}/teams/${team.id}`, rel: "self" }], name: team.name };
}

/** The org (read or write access) and one of its teams; 404 RESOURCE_NOT_FOUND for another org's team. */
function orgTeam(ctx: ApiContext, access: "read" | "write"): Team {
  const orgId = requireOrg(ctx, access);
  const teamId = objectIdParam(ctx, "teamId", "TEAM-ID");
  return ctx.parts.store.team(orgId, teamId);
}

function teamUsersPage(ctx: ApiContext, team: Team): ApiReply {
  const users = ctx.parts.store.members.teamUsers(team.orgId, team.id);
  return { status: 200, body: paged(ctx, `/orgs/${team.orgId}/teams/${team.id}/users`, users, (u) => userView(ctx, u)) };
}

const listTeams: ApiHandler = (ctx) => {
  const orgId = requireOrg(ctx, "read");
  const teams = ctx.parts.store.teams(orgId);
  return { status: 200, body: paged(ctx, `/orgs/${orgId}/teams`, teams, (t) => teamView(ctx, t)) };
};

const getTeam: ApiHandler = (ctx) => ({ status: 200, body: teamView(ctx, orgTeam(ctx, "read")) });

/** The name is one path segment, URL-encoded (a `/` in it as %2F); matched in any case. */
const getTeamByName: ApiHandler = (ctx) => {
  const orgId = requireOrg(ctx, "read");
  return { status: 200, body: teamView(ctx, ctx.parts.store.orgTeams.byName(orgId, ctx.params["teamName"] ?? "")) };
};

/** Body `{name, usernames}`: usernames of the org's members (at least one unless `emptyTeams` is "allow"). */
const createTeam: ApiHandler = (ctx) => {
  const orgId = requireOrg(ctx, "write");
  const body = parseJsonObject(ctx.body);
  checkFields(body, ["name", "usernames"], ["name"]);
  const input = { name: stringField(body, "name"), usernames: optionalStringArrayField(body, "usernames") };
  const team = ctx.parts.store.orgTeams.create(orgId, input, true);
  // As the Cloud Manager docs show it: {id, links, name}, no usernames (read them with GET …/users).
  return { status: 200, body: teamView(ctx, team) };
};

/** Body exactly `{name}`: only the name changes. */
const renameTeam: ApiHandler = (ctx) => {
  const team = orgTeam(ctx, "write");
  const body = parseJsonObject(ctx.body);
  checkFields(body, ["name"], ["name"]);
  return { status: 200, body: teamView(ctx, ctx.parts.store.orgTeams.rename(team.orgId, team.id, stringField(body, "name"))) };
};

const deleteTeam: ApiHandler = (ctx) => {
  const team = orgTeam(ctx, "write");
  ctx.parts.store.orgTeams.delete(team.orgId, team.id);
  return { status: 204 };
};

const listTeamUsers: ApiHandler = (ctx) => teamUsersPage(ctx, orgTeam(ctx, "read"));

/** Body: a JSON array of `{"id": USER-ID}`, each a member of the org; answers the team's users like GET. */
const addTeamUsers: ApiHandler = (ctx) => {
  const team = orgTeam(ctx, "write");
  const userIds = parseJsonArray(ctx.body).map((entry) => {
    if (typeof entry !== "object" || entry === null || Array.isArray(entry)) throw invalidJson();
    const item = entry as Record<string, unknown>;
    checkFields(item, ["id"], ["id"]);
    const id = stringField(item, "id");
    if (!isObjectId(id)) throw invalidAttribute("id", `${id} is not a valid id (24 hexadecimal characters).`);
    return id;
  });
  ctx.parts.store.members.addToTeam(team.orgId, team.id, userIds);
  return teamUsersPage(ctx, team);
};

const removeTeamUser: ApiHandler = (ctx) => {
  const team = orgTeam(ctx, "write");
  const userId = objectIdParam(ctx, "userId", "USER-ID");
  ctx.parts.store.members.removeFromTeam(team.orgId, team.id, userId);
  return { status: 204 };
};

export function addTeamRoutes(router: Router<ApiHandler>): void {
  router
    .add("GET", "/orgs/:orgId/teams", listTeams)
    .add("POST", "/orgs/:orgId/teams", createTeam)
    // Before …/teams/:teamId/users: a team named "users" is found by name, not taken for a team id.
    .add("GET", "/orgs/:orgId/teams/byName/:teamName", getTeamByName)
    .add("GET", "/orgs/:orgId/teams/:teamId", getTeam)
    .add("PATCH", "/orgs/:orgId/teams/:teamId", renameTeam)
    .add("DELETE", "/orgs/:orgId/teams/:teamId", deleteTeam)
    .add("GET", "/orgs/:orgId/teams/:teamId/users", listTeamUsers)
    .add("POST", "/orgs/:orgId/teams/:teamId/users", addTeamUsers)
    .add("DELETE", "/orgs/:orgId/teams/:teamId/users/:userId", removeTeamUser);
}
