// Projects ("groups") and their teams: GET /groups (paged: the caller's projects), GET
// /groups/{PROJECT-ID}, GET /groups/byName/{NAME}, GET /orgs/{ORG-ID}/groups (paged), and GET|POST
// /groups/{PROJECT-ID}/teams, PATCH|DELETE /groups/{PROJECT-ID}/teams/{TEAM-ID}.
import { checkFields, parseJsonArray, parseJsonObject, stringArrayField, stringField } from "../body";
import { groupNameNotFound, invalidAttribute, invalidJson, multipleGroups } from "../errors";
import { isObjectId } from "../ids";
import type { Router } from "../router";
import type { ProjectRecord, ProjectTeamRoles } from "../types";
import { objectIdParam, requireOrg, requireProject, seesOrgProjects, type ApiContext, type ApiHandler, type ApiReply } from "./api-context";
import { paged } from "./paging";

const API_PREFIX = "/api/public/v1.0";

/**
 * The project, alphabetical as Cloud Manager writes it. The emulator runs no agents or hosts: the
 * counts are 0, `tags` empty; no `agentApiKey` (a secret) and no `lastActiveAgent` (no agent yet).
 */
function projectView(ctx: ApiContext, project: ProjectRecord): Record<string, unknown> {
  return {
    activeAgentCount: 0,
    hostCounts: { arbiter: 0, config: 0, master: 0, mongos: 0, primary: 0, secondary: 0, slave: 0 },
    id: project.id,
    links: [{ href: `${ctx.origin}${API_PREFIX}/groups/${project.id}`, rel: "self" }],
    name: project.name,
    orgId: project.orgId,
    publicApiEnabled: true,
    replicaSetCount: 0,
    shardCount: 0,
    tags: [],
  };
}

/** `{links, roleNames, teamId}`; `links` names the assignment's path (PATCH and DELETE live there). */
function projectTeamView(ctx: ApiContext, projectId: string, assignment: ProjectTeamRoles): Record<string, unknown> {
  return {
    links: [{ href: `${ctx.origin}${API_PREFIX}/groups/${projectId}/teams/${assignment.teamId}`, rel: "self" }],
    roleNames: assignment.roleNames,
    teamId: assignment.teamId,
  };
}

/** Projects the caller reaches, in creation order (see seesOrgProjects). */
function visibleProjects(ctx: ApiContext, orgId?: string): ProjectRecord[] {
  return ctx.parts.store.projects.list(orgId).filter((p) => seesOrgProjects(ctx.principal, p.orgId));
}

function projectTeamsPage(ctx: ApiContext, projectId: string, assignments: ProjectTeamRoles[]): ApiReply {
  return { status: 200, body: paged(ctx, `/groups/${projectId}/teams`, assignments, (a) => projectTeamView(ctx, projectId, a)) };
}

const listMine: ApiHandler = (ctx) => ({
  status: 200,
  body: paged(ctx, "/groups", visibleProjects(ctx), (p) => projectView(ctx, p)),
});

const getProject: ApiHandler = (ctx) => ({ status: 200, body: projectView(ctx, requireProject(ctx, "read")) });

/** Among the caller's projects, by name in any case: 404 GROUP_NAME_NOT_FOUND, or 409 MULTIPLE_GROUPS (one per org). */
const getProjectByName: ApiHandler = (ctx) => {
  const name = ctx.params["name"] ?? "";
  const lower = name.toLowerCase();
  const matches = visibleProjects(ctx).filter((p) => p.name.toLowerCase() === lower);
  if (matches.length === 0) throw groupNameNotFound(name);
  if (matches.length > 1) throw multipleGroups(name);
  return { status: 200, body: projectView(ctx, matches[0] as ProjectRecord) };
};

/** Any role in the org may ask; the list holds the projects the caller reaches. `name`: a case-insensitive prefix. */
const listInOrg: ApiHandler = (ctx) => {
  const orgId = requireOrg(ctx, "read");
  const prefix = ctx.query.get("name")?.toLowerCase();
  const projects = visibleProjects(ctx, orgId).filter((p) => prefix === undefined || p.name.toLowerCase().startsWith(prefix));
  return { status: 200, body: paged(ctx, `/orgs/${orgId}/groups`, projects, (p) => projectView(ctx, p)) };
};

const listTeams: ApiHandler = (ctx) => {
  const project = requireProject(ctx, "read");
  return projectTeamsPage(ctx, project.id, ctx.parts.store.projects.teams(project.id));
};

/** Body: a JSON array of `{teamId, roleNames}`, all or none; answers the assignments just made (paged shape). */
const addTeams: ApiHandler = (ctx) => {
  const project = requireProject(ctx, "write");
  const entries = parseJsonArray(ctx.body).map((entry) => {
    if (typeof entry !== "object" || entry === null || Array.isArray(entry)) throw invalidJson();
    const item = entry as Record<string, unknown>;
    checkFields(item, ["teamId", "roleNames"], ["teamId", "roleNames"]);
    const teamId = stringField(item, "teamId");
    if (!isObjectId(teamId)) throw invalidAttribute("teamId", `${teamId} is not a valid id (24 hexadecimal characters).`);
    return { teamId, roleNames: stringArrayField(item, "roleNames") };
  });
  return projectTeamsPage(ctx, project.id, ctx.parts.store.projects.addTeams(project.id, entries));
};

/** Body exactly `{roleNames}`: replaces the team's roles; answers every team of the project, as GET does. */
const updateTeamRoles: ApiHandler = (ctx) => {
  const project = requireProject(ctx, "write");
  const teamId = objectIdParam(ctx, "teamId", "TEAM-ID");
  const body = parseJsonObject(ctx.body);
  checkFields(body, ["roleNames"], ["roleNames"]);
  ctx.parts.store.projects.updateTeamRoles(project.id, teamId, stringArrayField(body, "roleNames"));
  return projectTeamsPage(ctx, project.id, ctx.parts.store.projects.teams(project.id));
};

const removeTeam: ApiHandler = (ctx) => {
  const project = requireProject(ctx, "write");
  const teamId = objectIdParam(ctx, "teamId", "TEAM-ID");
  ctx.parts.store.projects.removeTeam(project.id, teamId);
  return { status: 204 };
};

export function addProjectRoutes(router: Router<ApiHandler>): void {
  router
    .add("GET", "/groups", listMine)
    .add("GET", "/groups/byName/:name", getProjectByName)
    .add("GET", "/groups/:groupId", getProject)
    .add("GET", "/orgs/:orgId/groups", listInOrg)
    .add("GET", "/groups/:groupId/teams", listTeams)
    .add("POST", "/groups/:groupId/teams", addTeams)
    .add("PATCH", "/groups/:groupId/teams/:teamId", updateTeamRoles)
    .add("DELETE", "/groups/:groupId/teams/:teamId", removeTeam);
}
