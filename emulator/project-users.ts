// Users in a project: a user's DIRECT project roles are `{groupId, roleName}` entries among its
// roles (beside its org roles). Listing (direct users; those who reach the project only through a
// team; the org's owners and read-only members), adding existing users, replacing their roles,
// removing them, and the rule that a project keeps at least one direct GROUP_OWNER.
import {
  cannotDeleteLastProjectOwner,
  cannotDemoteLastProjectOwner,
  invalidAttribute,
  invalidEnumValue,
  invalidRoleForGroup,
  missingAttribute,
  userNotFound,
  userNotInGroup,
} from "./errors";
import type { Members } from "./members";
import { CLOUD_MANAGER_PROJECT_ROLES, PROJECT_READ_ORG_ROLES } from "./project-roles";
import type { Projects } from "./projects";
import type { StoreData } from "./store-data";
import type { ProjectRecord, ProjectUsersQuery, UserRecord } from "./types";

export const PROJECT_OWNER_ROLE = "GROUP_OWNER";
/** The org role a user gets when added to (or invited into) a project of an org it is not a member of. */
const JOINING_ORG_ROLE = "ORG_MEMBER";

/** What project users need from the rest of the store. */
export interface ProjectUserStoreContext {
  readonly projects: Projects;
  readonly members: Members;
}

/**
 * Project roles of a user or an invitation: each one of the nine. A name that is no `GROUP_` role at
 * all (an org role, anything else) is 400 INVALID_ROLE_FOR_GROUP; a `GROUP_` name Cloud Manager does
 * not have (Atlas's GROUP_CLUSTER_MANAGER, a typo) 400 INVALID_ENUM_VALUE. Kept as a set, sorted.
 * The caller decides what an empty list is.
 */
export function projectRoleSet(roles: string[], field: string): string[] {
  for (const role of roles) {
    if (CLOUD_MANAGER_PROJECT_ROLES.includes(role)) continue;
    throw role.startsWith("GROUP_") ? invalidEnumValue(role, field) : invalidRoleForGroup(role);
  }
  return [...new Set(roles)].sort();
}

/** The user's direct roles in the project, sorted. */
export function directRoles(user: UserRecord, projectId: string): string[] {
  return user.roles
    .filter((r) => r.groupId === projectId)
    .map((r) => r.roleName)
    .sort();
}

export class ProjectUsers {
  constructor(
    private readonly data: () => StoreData,
    private readonly changed: () => void,
    private readonly store: ProjectUserStoreContext,
  ) {}

  /**
   * The project's users in user order, each with every role it has (all orgs and projects): those with a
   * direct role; with `flattenTeams` also those on a team assigned to the project; with
   * `includeOrgUsers` also the org's ORG_OWNER and ORG_READ_ONLY members. Pending invitees are no users.
   */
  list(projectId: string, query: ProjectUsersQuery = {}): UserRecord[] {
    const project = this.store.projects.get(projectId);
    const projectTeams = new Set(project.teams.map((t) => t.teamId));
    const listed = (u: UserRecord): boolean =>
      u.roles.some((r) => r.groupId === project.id) ||
      (query.flattenTeams === true && u.teamIds.some((t) => projectTeams.has(t))) ||
      (query.includeOrgUsers === true && u.roles.some((r) => r.orgId === project.orgId && PROJECT_READ_ORG_ROLES.includes(r.roleName)));
    return this.data()
      .users.filter(listed)
      .map((u) => structuredClone(u));
  }

  /**
   * Gives existing users (by id) these direct roles in the project, all or none. Each entry: a known user
   * (404 USER_NOT_FOUND), listed once (400 INVALID_ATTRIBUTE), at least one role (400 INVALID_ATTRIBUTE),
   * each a project role. A user already in the project has its direct roles there overwritten; a user
   * not in the project's org joins it as ORG_MEMBER. Refused (403 CANNOT_DEMOTE_LAST_OWNER) when it would
   * take the project's last direct GROUP_OWNER away.
   */
  add(projectId: string, entries: { userId: string; roles: string[] }[], field = "roles"): void {
    const project = this.store.projects.get(projectId);
    if (entries.length === 0) throw missingAttribute("id");
    const changes = new Map<UserRecord, string[]>();
    for (const entry of entries) {
      const user = this.data().users.find((u) => u.id === entry.userId);
      if (!user) throw userNotFound(entry.userId);
      if (changes.has(user)) throw invalidAttribute("id", `User ${entry.userId} is listed more than once.`);
      changes.set(user, this.requiredRoles(entry.roles, field));
    }
    this.checkOwnerRemains(project, changes, cannotDemoteLastProjectOwner);
    for (const [user, roles] of changes) {
      if (!user.roles.some((r) => r.orgId === project.orgId))
        this.store.members.join(project.orgId, user.username, [JOINING_ORG_ROLE], [], {});
      this.setDirect(user, project.id, roles);
    }
    this.changed();
  }

  /**
   * Replaces the direct roles of a user who has some in the project (404 USER_NOT_IN_GROUP otherwise,
   * a user reaching it through a team included). At least one role (400 INVALID_ATTRIBUTE); 403
   * CANNOT_DEMOTE_LAST_OWNER for the last direct GROUP_OWNER. Answers the roles now held, sorted.
   */
  setRoles(projectId: string, user: string, roles: string[], field = "groupRoles"): string[] {
    const project = this.store.projects.get(projectId);
    const stored = this.direct(project, user);
    const validated = this.requiredRoles(roles, field);
    this.checkOwnerRemains(project, new Map([[stored, validated]]), cannotDemoteLastProjectOwner);
    this.setDirect(stored, project.id, validated);
    this.changed();
    return validated;
  }

  /** Takes the user's direct roles in the project away (404 USER_NOT_IN_GROUP; 403 CANNOT_DELETE_LAST_OWNER). It stays in the org. */
  remove(projectId: string, user: string): void {
    const project = this.store.projects.get(projectId);
    const stored = this.direct(project, user);
    this.checkOwnerRemains(project, new Map([[stored, []]]), cannotDeleteLastProjectOwner);
    this.setDirect(stored, project.id, []);
    this.changed();
  }

  /**
   * By hand: the user (id, or username in any case; any known user, else 404 USER_NOT_FOUND) gets exactly
   * these direct roles in the project, added (and joined to the org) if it has none yet, as POST does.
   */
  setByHand(projectId: string, user: string, roles: string[]): UserRecord {
    const found = this.find(user);
    if (!found) throw userNotFound(user);
    this.add(projectId, [{ userId: found.id, roles }]);
    return structuredClone(found);
  }

  /** By hand: as DELETE, the user named by id or username (any case). */
  removeByHand(projectId: string, user: string): void {
    this.remove(projectId, this.find(user)?.id ?? user);
  }

  /** Gives the user these direct roles on top of those it has (an accepted invitation). */
  grant(projectId: string, userId: string, roles: string[]): void {
    const user = this.data().users.find((u) => u.id === userId);
    if (!user) throw userNotFound(userId);
    this.setDirect(user, projectId, [...new Set([...directRoles(user, projectId), ...roles])].sort());
  }

  private requiredRoles(roles: string[], field: string): string[] {
    if (roles.length === 0) throw invalidAttribute(field, "At least one project role is needed: remove the user with DELETE instead.");
    return projectRoleSet(roles, field);
  }

  private find(user: string): UserRecord | undefined {
    const lower = user.toLowerCase();
    const users = this.data().users;
    return users.find((u) => u.id === user) ?? users.find((u) => u.username.toLowerCase() === lower);
  }

  /** The stored user, which must hold a direct role in the project. */
  private direct(project: ProjectRecord, user: string): UserRecord {
    const found = this.find(user);
    if (!found?.roles.some((r) => r.groupId === project.id)) throw userNotInGroup(user, project.id);
    return found;
  }

  private setDirect(user: UserRecord, projectId: string, roles: string[]): void {
    user.roles = [...user.roles.filter((r) => r.groupId !== projectId), ...roles.map((roleName) => ({ groupId: projectId, roleName }))];
  }

  /**
   * "You cannot remove the last Project Owner": only DIRECT GROUP_OWNER roles count (a team's and an org
   * owner's implied ownership do not). A project that has no direct owner yet may stay without one.
   */
  private checkOwnerRemains(
    project: ProjectRecord,
    changes: Map<UserRecord, string[]>,
    refusal: (userId: string, groupId: string) => Error,
  ): void {
    const owns = (u: UserRecord): boolean => u.roles.some((r) => r.groupId === project.id && r.roleName === PROJECT_OWNER_ROLE);
    const before = this.data().users.filter(owns);
    if (before.length === 0) return;
    const after = this.data().users.filter((u) => {
      const next = changes.get(u);
      return next === undefined ? owns(u) : next.includes(PROJECT_OWNER_ROLE);
    });
    if (after.length > 0) return;
    const demoted = before.find((u) => changes.has(u)) ?? before[0];
    throw refusal(demoted?.id ?? "", project.id);
  }
}
