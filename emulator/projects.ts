// Projects ("groups" in the API's paths) under orgs, and the teams assigned to them with their
// project roles: the rules for adding a team, changing its roles and taking it off a project.
import {
  groupAlreadyExists,
  groupNotFound,
  invalidAttribute,
  invalidEnumValue,
  invalidGroupName10gen,
  invalidRoleForGroup,
  maxTeamsPerGroupExceeded,
  missingAttribute,
  teamExistsInGroup,
  teamNotInGroup,
  teamNotInOrg,
} from "./errors";
import { isObjectId, newObjectId } from "./ids";
import { CLOUD_MANAGER_PROJECT_ROLES } from "./project-roles";
import type { StoreData } from "./store-data";
import type { Organization, ProjectRecord, ProjectTeamRoles } from "./types";

/** Atlas's documented limit of teams per project (Cloud Manager publishes none). */
export const MAX_TEAMS_PER_PROJECT = 100;

/** What projects need from the rest of the store. */
export interface ProjectStoreContext {
  org(orgId: string): Organization;
  /** Every org role name the emulator knows (Cloud Manager's six and any additional ones). */
  readonly orgRoleNames: readonly string[];
}

export class Projects {
  constructor(
    private readonly data: () => StoreData,
    private readonly changed: () => void,
    private readonly store: ProjectStoreContext,
  ) {}

  /** A new project in the org. Names are unique per org, compared case-insensitively (409 GROUP_ALREADY_EXISTS). */
  create(orgId: string, input: { name: string; id?: string }): ProjectRecord {
    this.store.org(orgId);
    const id = input.id ?? newObjectId();
    if (typeof id !== "string" || !isObjectId(id)) throw invalidAttribute("id", "A project id is 24 lowercase hex characters.");
    if (typeof input.name !== "string" || input.name.trim() === "") throw missingAttribute("name");
    if (input.name.toLowerCase().startsWith("10gen-")) throw invalidGroupName10gen(input.name);
    if (this.data().projects.some((p) => p.id === id)) throw invalidAttribute("id", `Project ${id} already exists.`);
    const lower = input.name.toLowerCase();
    if (this.data().projects.some((p) => p.orgId === orgId && p.name.toLowerCase() === lower)) throw groupAlreadyExists(input.name);
    const project: ProjectRecord = { id, orgId, name: input.name, teams: [] };
    this.data().projects.push(project);
    this.changed();
    return structuredClone(project);
  }

  /** 404 GROUP_NOT_FOUND for an unknown id. */
  get(projectId: string): ProjectRecord {
    return structuredClone(this.stored(projectId));
  }

  /** The org of a project, or undefined for an unknown id (the rate limiter's question). */
  orgOf(projectId: string): string | undefined {
    return this.data().projects.find((p) => p.id === projectId)?.orgId;
  }

  /** Projects in creation order, of one org or all. */
  list(orgId?: string): ProjectRecord[] {
    return this.data()
      .projects.filter((p) => orgId === undefined || p.orgId === orgId)
      .map((p) => structuredClone(p));
  }

  /** The project's teams with their roles, in assignment order. */
  teams(projectId: string): ProjectTeamRoles[] {
    return structuredClone(this.stored(projectId).teams);
  }

  /** Ids of the projects a team is assigned to. */
  projectsOfTeam(teamId: string): string[] {
    return this.data()
      .projects.filter((p) => p.teams.some((t) => t.teamId === teamId))
      .map((p) => p.id);
  }

  /**
   * Assigns teams to the project, all or none: each a team of the project's org (404 TEAM_NOT_IN_ORG),
   * listed once (400 INVALID_ATTRIBUTE), not assigned already (409 TEAM_EXISTS_IN_GROUP), with valid
   * roles; at most MAX_TEAMS_PER_PROJECT in all. Answers the assignments just made, in the order sent.
   */
  addTeams(projectId: string, entries: { teamId: string; roleNames: string[] }[]): ProjectTeamRoles[] {
    const project = this.stored(projectId);
    if (entries.length === 0) throw missingAttribute("teamId");
    const added: ProjectTeamRoles[] = [];
    for (const entry of entries) {
      this.requireOrgTeam(project, entry.teamId);
      if (added.some((a) => a.teamId === entry.teamId)) throw invalidAttribute("teamId", `Team ${entry.teamId} is listed more than once.`);
      if (project.teams.some((t) => t.teamId === entry.teamId)) throw teamExistsInGroup(entry.teamId, project.id);
      added.push({ teamId: entry.teamId, roleNames: this.validateRoles(entry.roleNames) });
    }
    if (project.teams.length + added.length > MAX_TEAMS_PER_PROJECT) throw maxTeamsPerGroupExceeded(project.id, MAX_TEAMS_PER_PROJECT);
    project.teams.push(...added);
    this.changed();
    return structuredClone(added);
  }

  /** Replaces an assigned team's roles (404 TEAM_NOT_IN_GROUP if it is not assigned). */
  updateTeamRoles(projectId: string, teamId: string, roleNames: string[]): ProjectTeamRoles {
    const project = this.stored(projectId);
    const assignment = project.teams.find((t) => t.teamId === teamId);
    if (!assignment) throw teamNotInGroup(teamId, project.id);
    assignment.roleNames = this.validateRoles(roleNames);
    this.changed();
    return structuredClone(assignment);
  }

  /** By hand: the team gets exactly these roles in the project, assigned first if it is not yet (under the same rules). */
  setTeamRoles(projectId: string, teamId: string, roleNames: string[]): ProjectTeamRoles {
    const project = this.stored(projectId);
    if (project.teams.some((t) => t.teamId === teamId)) return this.updateTeamRoles(projectId, teamId, roleNames);
    const [added] = this.addTeams(projectId, [{ teamId, roleNames }]);
    return added as ProjectTeamRoles;
  }

  /** Takes the team off the project (404 TEAM_NOT_IN_GROUP if it is not on it); the team stays in its org. */
  removeTeam(projectId: string, teamId: string): void {
    const project = this.stored(projectId);
    if (!project.teams.some((t) => t.teamId === teamId)) throw teamNotInGroup(teamId, project.id);
    project.teams = project.teams.filter((t) => t.teamId !== teamId);
    this.changed();
  }

  /** Takes the team off every project (a team deleted by force). */
  dropTeam(teamId: string): void {
    for (const project of this.data().projects) project.teams = project.teams.filter((t) => t.teamId !== teamId);
    this.changed();
  }

  /**
   * At least one role (400 MISSING_ATTRIBUTE: `[]` is not a removal), each one of the nine project
   * roles: an org role is 400 INVALID_ROLE_FOR_GROUP, anything else 400 INVALID_ENUM_VALUE. Kept as a
   * set, sorted: a reply may list them in another order than sent.
   */
  validateRoles(roleNames: string[]): string[] {
    if (roleNames.length === 0) throw missingAttribute("roleNames");
    for (const role of roleNames) {
      if (CLOUD_MANAGER_PROJECT_ROLES.includes(role)) continue;
      throw this.store.orgRoleNames.includes(role) ? invalidRoleForGroup(role) : invalidEnumValue(role, "roleNames");
    }
    return [...new Set(roleNames)].sort();
  }

  private stored(projectId: string): ProjectRecord {
    const project = this.data().projects.find((p) => p.id === projectId);
    if (!project) throw groupNotFound(projectId);
    return project;
  }

  private requireOrgTeam(project: ProjectRecord, teamId: string): void {
    if (!this.data().teams.some((t) => t.id === teamId && t.orgId === project.orgId)) throw teamNotInOrg(teamId, project.orgId);
  }
}
