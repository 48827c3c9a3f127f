// create, read, update and delete of a ProjectTeam (a team's roles in one project), in lifecycle order
// (the table: docs/lifecycle.md). Cloud Manager has no read of one team in a project: each project's
// teams are listed once per deployment (../../deployment/org-view) and shared. Roles are compared as a
// set and always sent whole. Before anything is sent, the project and the team must both be of the
// resource's organization. A team its Team has not created yet (waiting for a founder) is assigned
// nothing: the ProjectTeam is replaced once the Team's `teamId` changes.

import type { CreateResult, ReadResult, UpdateResult } from "@pulumi/pulumi/dynamic";
import { isNotFoundAnswer, sameSet } from "../../../sdk";
import type { Project, Team } from "../../../sdk/types";
import { findProject, ofThisOrg } from "../../access/projects";
import { warn } from "../../deployment/notices";
import type { OrgApi } from "../../deployment/org-api";
import { codedMessage } from "../../errors/codes";
import { orFail, providerError } from "../../errors/provider-error";
import { compact, type PropertyBag } from "../../model/property-bag";
import { waitingTeamName } from "../../model/team-ref";
import { projectTeamResourceId, storedProjectTeamOf, type ProjectTeamInputs, type ProjectTeamOutputs } from "./model";

// ---- create ----

export async function createProjectTeam(api: OrgApi, inputs: ProjectTeamInputs): Promise<CreateResult<ProjectTeamOutputs>> {
  const id = projectTeamResourceId(inputs.orgId, inputs.projectId, inputs.teamId);
  const waiting = waitingTeamName(inputs.teamId);
  if (waiting !== undefined) {
    warn(
      `team "${waiting}" gets its roles in project ${inputs.projectId} once its Team is created (it waits for a founder); nothing was sent.`,
    );
    return { id, outs: { ...inputs, status: "WAITING" } };
  }
  const { project, team } = await sameOrganization(api, inputs);
  const assigned = await assignedRoles(api, project, team.id);
  if (assigned === undefined) {
    await api
      .addTeamToProject(project.id, team.id, inputs.roles)
      .catch((e: unknown) =>
        Promise.reject(providerError(`Giving team "${team.name}" roles in project "${project.name}" (${project.id})`, e)),
      );
  } else {
    warn(`team "${team.name}" already has roles in project "${project.name}" (${assigned.join(", ")}); adopting them.`);
    await setRoles(api, project, team, assigned, inputs.roles);
  }
  return { id, outs: outputs(inputs, "ACTIVE", project, team) };
}

// ---- read ----

export async function readProjectTeam(
  api: OrgApi,
  parsed: { orgId: string; projectId: string; teamId: string },
  props: PropertyBag,
): Promise<ReadResult<ProjectTeamOutputs>> {
  const stored = storedProjectTeamOf(props);
  const id = projectTeamResourceId(parsed.orgId, parsed.projectId, parsed.teamId);
  const base = { orgId: parsed.orgId, projectId: parsed.projectId, teamId: parsed.teamId, roles: stored.roles ?? [] };
  if (waitingTeamName(parsed.teamId) !== undefined)
    return stored.status === undefined ? { id: "" } : { id, props: { ...base, status: "WAITING" } };
  const project = ofThisOrg(api, await findProject(api, parsed.projectId));
  const team = (await teamsOf(api)).find((t) => t.id.toLowerCase() === parsed.teamId);
  const roles = project === undefined ? undefined : await assignedRoles(api, project, parsed.teamId);
  if (roles === undefined) {
    if (stored.status === undefined) return { id: "" };
    // Taken off the project (or the team or project deleted) outside Pulumi: drift, kept in state.
    const removed: ProjectTeamOutputs = {
      ...base,
      status: "REMOVED",
      teamName: team?.name ?? stored.teamName,
      projectName: project?.name ?? stored.projectName,
    };
    return { id, props: compact(removed) };
  }
  return {
    id,
    props: compact({
      ...base,
      roles,
      status: "ACTIVE" as const,
      teamName: team?.name ?? stored.teamName,
      projectName: project?.name,
    }),
  };
}

// ---- update ----

export async function updateProjectTeam(api: OrgApi, inputs: ProjectTeamInputs): Promise<UpdateResult<ProjectTeamOutputs>> {
  if (waitingTeamName(inputs.teamId) !== undefined) return { outs: { ...inputs, status: "WAITING" } };
  const { project, team } = await sameOrganization(api, inputs);
  const assigned = await assignedRoles(api, project, team.id);
  if (assigned === undefined) {
    warn(`team "${team.name}" is not in project "${project.name}" (taken off outside Pulumi); giving it its roles again.`);
    await api
      .addTeamToProject(project.id, team.id, inputs.roles)
      .catch((e: unknown) =>
        Promise.reject(providerError(`Giving team "${team.name}" roles in project "${project.name}" (${project.id})`, e)),
      );
  } else {
    await setRoles(api, project, team, assigned, inputs.roles);
  }
  return { outs: outputs(inputs, "ACTIVE", project, team) };
}

// ---- delete ----

/** Takes the team off the project (never deletes the team). */
export async function deleteProjectTeam(api: OrgApi, parsed: { projectId: string; teamId: string }, props: PropertyBag): Promise<void> {
  if (waitingTeamName(parsed.teamId) !== undefined) return; // nothing was ever assigned
  const stored = storedProjectTeamOf(props);
  const what = `team "${stored.teamName ?? parsed.teamId}" in project "${stored.projectName ?? parsed.projectId}"`;
  const project = ofThisOrg(api, await findProject(api, parsed.projectId));
  if (project === undefined || (await assignedRoles(api, project, parsed.teamId)) === undefined) {
    warn(`${what} has no roles any more (taken off, or the team or the project deleted, outside Pulumi); nothing to remove.`);
    return;
  }
  try {
    await api.removeTeamFromProject(parsed.projectId, parsed.teamId);
  } catch (e) {
    // A 404 proves nothing by itself: gone only if the project's teams, read now, do not list it.
    if (isNotFoundAnswer(e) && !(await stillAssigned(api, parsed.projectId, parsed.teamId))) {
      warn(`${what} was already gone; nothing to remove.`);
      return;
    }
    throw providerError(`Taking ${what} off the project`, e);
  }
}

// ---- steps ----

async function teamsOf(api: OrgApi): Promise<readonly Team[]> {
  return orFail(api.teams(), `Reading the teams of organization ${api.orgId}`);
}

async function teamsNow(api: OrgApi): Promise<readonly Team[]> {
  return orFail(
    api.call((c) => c.listTeams(api.orgId)),
    `Reading the teams of organization ${api.orgId}`,
  );
}

/** Whether the project's teams, from a read that starts now, still list the team (a project gone lists none). */
async function stillAssigned(api: OrgApi, projectId: string, teamId: string): Promise<boolean> {
  const teams = await api
    .call((c) => c.listProjectTeams(projectId))
    .catch((e: unknown) => {
      if (isNotFoundAnswer(e)) return [];
      throw providerError(`Reading the teams of project ${projectId} (to confirm that the team is off it)`, e);
    });
  return teams.some((t) => t.teamId.toLowerCase() === teamId.toLowerCase());
}

/** The team's roles in the project, undefined when it has none (one list per project per deployment). */
async function assignedRoles(api: OrgApi, project: Project, teamId: string): Promise<string[] | undefined> {
  const teams = await orFail(api.projectTeams(project.id), `Reading the teams of project "${project.name}" (${project.id})`);
  const entry = teams.find((t) => t.teamId.toLowerCase() === teamId.toLowerCase());
  return entry === undefined ? undefined : [...entry.roleNames].sort();
}

/** The project and the team, both of the resource's organization; refused before anything is sent otherwise, naming both. */
async function sameOrganization(api: OrgApi, inputs: ProjectTeamInputs): Promise<{ project: Project; team: Team }> {
  const sameTeam = (t: Team) => t.id.toLowerCase() === inputs.teamId.toLowerCase();
  // A team or project missing from this deployment's view may have been made during the run, after
  // the view was read: read again before refusing.
  const team = (await teamsOf(api)).find(sameTeam) ?? (await teamsNow(api)).find(sameTeam);
  const found = await findProject(api, inputs.projectId);
  const project = ofThisOrg(api, found);
  if (team !== undefined && project !== undefined) return { project, team };
  const teamText =
    team === undefined
      ? `team ${inputs.teamId} is not a team of organization ${api.orgId}`
      : `team "${team.name}" (${team.id}) is of organization ${api.orgId}`;
  // Name the project's own organization when the credentials can see it.
  const projectText =
    found === undefined
      ? `project ${inputs.projectId} is not a project of organization ${api.orgId}`
      : `project "${found.name}" (${found.id}) is of organization ${found.orgId}`;
  throw new Error(
    codedMessage(
      "PROJECT_TEAM_ORG_MISMATCH",
      `a team gets roles only in projects of its own organization: ${teamText}, and ${projectText}. Fix projectId, teamId or orgId. Nothing was sent.`,
    ),
  );
}

async function setRoles(api: OrgApi, project: Project, team: Team, assigned: readonly string[], roles: string[]): Promise<void> {
  if (sameSet(assigned, roles)) return;
  await api
    .setProjectTeamRoles(project.id, team.id, roles)
    .catch((e: unknown) =>
      Promise.reject(providerError(`Setting the roles of team "${team.name}" in project "${project.name}" (${project.id})`, e)),
    );
}

function outputs(inputs: ProjectTeamInputs, status: ProjectTeamOutputs["status"], project: Project, team: Team): ProjectTeamOutputs {
  return { ...inputs, status, teamName: team.name, projectName: project.name };
}
