// The ProjectTeam resource's model: a team's roles in one project. Never the team itself: deleting a
// ProjectTeam takes the team off the project, and the team stays.

import { compact, listOf, stringOf, type PropertyBag } from "../../model/property-bag";
import { isTeamId, waitingTeamName } from "../../model/team-ref";

/**
 * ACTIVE: the team has the roles in the project (or had, as of the last read). WAITING: its Team waits
 * for a founder; nothing is assigned until it exists. REMOVED: taken off the project outside Pulumi (the
 * next `up` puts it back).
 */
export type ProjectTeamStatus = "ACTIVE" | "WAITING" | "REMOVED";

export const PROJECT_TEAM_STATUSES: readonly ProjectTeamStatus[] = ["ACTIVE", "WAITING", "REMOVED"];

export type ProjectTeamInputs = {
  /** The organization of the team and of the project (its credentials are used). */
  orgId: string;
  projectId: string;
  /** A team id, or a waiting Team's `waiting:<name>`. */
  teamId: string;
  /** Project roles, sorted. */
  roles: string[];
};

export type ProjectTeamOutputs = ProjectTeamInputs & {
  status: ProjectTeamStatus;
  /** The team's and the project's names as last read, for messages and the gate. */
  teamName?: string;
  projectName?: string;
};

export type StoredProjectTeam = Partial<ProjectTeamOutputs>;

export function storedProjectTeamOf(bag: PropertyBag): StoredProjectTeam {
  return compact({
    orgId: stringOf(bag["orgId"]),
    projectId: stringOf(bag["projectId"]),
    teamId: stringOf(bag["teamId"]),
    roles: listOf(bag["roles"]),
    status: PROJECT_TEAM_STATUSES.find((s) => s === bag["status"]),
    teamName: stringOf(bag["teamName"]),
    projectName: stringOf(bag["projectName"]),
  });
}

export function projectTeamInputsOf(bag: PropertyBag): ProjectTeamInputs {
  return {
    orgId: stringOf(bag["orgId"]) ?? "",
    projectId: stringOf(bag["projectId"]) ?? "",
    teamId: stringOf(bag["teamId"]) ?? "",
    roles: listOf(bag["roles"]) ?? [],
  };
}

/** The Pulumi id: "{orgId}/{projectId}/{teamId}" (what `pulumi import` takes: the organization says whose credentials read it). */
export function projectTeamResourceId(orgId: string, projectId: string, teamId: string): string {
  return `${orgId}/${projectId}/${teamId}`;
}

export function parseProjectTeamId(id: string): { orgId: string; projectId: string; teamId: string } {
  const [orgId = "", projectId = "", ...rest] = id.split("/");
  const teamId = rest.join("/");
  const hex = /^[0-9a-f]{24}$/;
  if (hex.test(orgId) && hex.test(projectId) && (isTeamId(teamId) || waitingTeamName(teamId) !== undefined)) {
    return { orgId, projectId, teamId: isTeamId(teamId) ? teamId.toLowerCase() : teamId };
  }
  throw new Error(
    `INVALID_RESOURCE_ID: "${id}" is not a ProjectTeam id. Use "{orgId}/{projectId}/{teamId}", each 24 lowercase hex characters, e.g. ` +
      `"5f1b2c3d4e5f6a7b8c9d0e1f/65a0b1c2d3e4f5a6b7c8d9e0/6a0b1c2d3e4f5a6b7c8d9e0f".`,
  );
}
