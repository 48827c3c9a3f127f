// An org's teams: creating (with their first users), finding by id or name, renaming, deleting; the
// rules: 250 teams per org, names unique per org (case-insensitive, case kept), no empty team unless
// `emptyTeams` allows it, no deletion while a project uses the team unless forced by hand.
import {
  ApiError,
  cannotCreateEmptyTeam,
  cannotDeleteTeamAssignedToProject,
  invalidAttribute,
  maxTeamsPerOrgExceeded,
  maxUsersPerTeamExceeded,
  missingAttribute,
  teamNameNotAvailable,
  teamNameNotFound,
  teamNotFound,
  usernameNotInOrg,
} from "./errors";
import { isObjectId, newObjectId } from "./ids";
import { MAX_USERS_PER_TEAM, type Members } from "./members";
import type { Projects } from "./projects";
import type { StoreData } from "./store-data";
import type { EmulatorSettings, Organization, Team } from "./types";

/** Cloud Manager's documented limit of teams per organization. */
export const MAX_TEAMS_PER_ORG = 250;

/** What teams need from the rest of the store. */
export interface TeamStoreContext {
  org(orgId: string): Organization;
  readonly settings: EmulatorSettings;
  readonly members: Members;
  readonly projects: Projects;
}

export interface CreateTeamInput {
  name: string;
  /** Control plane only: a chosen id. */
  id?: string;
  /** Usernames (any case) of the org's members to put on the team; the API needs at least one unless `emptyTeams` is "allow". */
  usernames?: string[];
}

export class OrgTeams {
  constructor(
    private readonly data: () => StoreData,
    private readonly changed: () => void,
    private readonly store: TeamStoreContext,
  ) {}

  /**
   * A new team. Checked in this order: the name (400 MISSING_ATTRIBUTE if blank, 409
   * TEAM_NAME_NOT_AVAILABLE if another team of the org has it in any case), the org's team count (400
   * MAX_TEAMS_PER_ORG_EXCEEDED), then with `requireUsers` at least one username (400
   * CANNOT_CREATE_EMPTY_TEAM unless `emptyTeams` is "allow"), each an org member (404 USER_NOT_FOUND:
   * pending invitees are no users yet), at most 250 of them (400 MAX_USERS_PER_TEAM_EXCEEDED).
   */
  create(orgId: string, input: CreateTeamInput, requireUsers: boolean): Team {
    this.store.org(orgId);
    const id = input.id ?? newObjectId();
    if (typeof id !== "string" || !isObjectId(id)) throw invalidAttribute("id", "A team id is 24 lowercase hex characters.");
    if (this.data().teams.some((t) => t.id === id)) throw new ApiError(409, "DUPLICATE_TEAM", `Team ${id} already exists.`, [id]);
    this.checkName(orgId, input.name);
    if (this.data().teams.filter((t) => t.orgId === orgId).length >= MAX_TEAMS_PER_ORG)
      throw maxTeamsPerOrgExceeded(orgId, MAX_TEAMS_PER_ORG);
    const usernames = input.usernames ?? [];
    if (requireUsers && usernames.length === 0 && this.store.settings.emptyTeams !== "allow") throw cannotCreateEmptyTeam();
    const members = this.store.members.orgUsers(orgId);
    const userIds = [
      ...new Set(
        usernames.map((username) => {
          const lower = username.toLowerCase();
          const member = members.find((m) => m.username.toLowerCase() === lower);
          if (!member) throw usernameNotInOrg(username, orgId);
          return member.id;
        }),
      ),
    ];
    if (userIds.length > MAX_USERS_PER_TEAM) throw maxUsersPerTeamExceeded(id, MAX_USERS_PER_TEAM);
    const team: Team = { id, orgId, name: input.name };
    this.data().teams.push(team);
    if (userIds.length > 0) this.store.members.addToTeam(orgId, id, userIds);
    this.changed();
    return { ...team };
  }

  /** A team of this org; 404 RESOURCE_NOT_FOUND for an unknown team or another org's. */
  get(orgId: string, teamId: string): Team {
    return { ...this.stored(orgId, teamId) };
  }

  /** The org's team with this name in any case (names are unique that way); 404 RESOURCE_NOT_FOUND. */
  byName(orgId: string, name: string): Team {
    this.store.org(orgId);
    const lower = name.toLowerCase();
    const team = this.data().teams.find((t) => t.orgId === orgId && t.name.toLowerCase() === lower);
    if (!team) throw teamNameNotFound(name);
    return { ...team };
  }

  /** Control plane: the org's team named by its id, else by its name (any case); 404 RESOURCE_NOT_FOUND. */
  resolve(orgId: string, team: string): Team {
    const found = this.find(orgId, team);
    if (!found) throw teamNotFound(team);
    return found;
  }

  /** The org's team with this id, else with this name (any case). */
  find(orgId: string, team: string): Team | undefined {
    this.store.org(orgId);
    const lower = team.toLowerCase();
    const teams = this.data().teams.filter((t) => t.orgId === orgId);
    const found = teams.find((t) => t.id === team) ?? teams.find((t) => t.name.toLowerCase() === lower);
    return found ? { ...found } : undefined;
  }

  list(orgId?: string): Team[] {
    return this.data()
      .teams.filter((t) => orgId === undefined || t.orgId === orgId)
      .map((t) => ({ ...t }));
  }

  /** Only the name changes: id, members and project roles stay. Its own name in another case is fine. */
  rename(orgId: string, teamId: string, name: string): Team {
    const team = this.stored(orgId, teamId);
    this.checkName(orgId, name, team.id);
    team.name = name;
    this.changed();
    return { ...team };
  }

  /**
   * Deletes the team: its users leave it, pending invitations stop naming it. While a project uses it,
   * refused with 404 CANNOT_DELETE_TEAM_ASSIGNED_TO_PROJECT, unless `force` (control plane), which
   * takes it off those projects first.
   */
  delete(orgId: string, teamId: string, force = false): void {
    const team = this.stored(orgId, teamId);
    const projects = this.store.projects.projectsOfTeam(team.id);
    if (projects.length > 0 && !force) throw cannotDeleteTeamAssignedToProject(team.id, projects);
    if (projects.length > 0) this.store.projects.dropTeam(team.id);
    const data = this.data();
    for (const user of data.users) user.teamIds = user.teamIds.filter((t) => t !== team.id);
    for (const inv of data.invitations) inv.teamIds = inv.teamIds.filter((t) => t !== team.id);
    data.teams = data.teams.filter((t) => t !== team);
    this.changed();
  }

  private stored(orgId: string, teamId: string): Team {
    this.store.org(orgId);
    const team = this.data().teams.find((t) => t.id === teamId && t.orgId === orgId);
    if (!team) throw teamNotFound(teamId);
    return team;
  }

  /** Not blank; no other team of the org has it, in any case. */
  private checkName(orgId: string, name: string, self?: string): void {
    if (typeof name !== "string" || name.trim() === "") throw missingAttribute("name");
    const lower = name.toLowerCase();
    if (this.data().teams.some((t) => t.orgId === orgId && t.id !== self && t.name.toLowerCase() === lower)) {
      throw teamNameNotAvailable(name, orgId);
    }
  }
}
