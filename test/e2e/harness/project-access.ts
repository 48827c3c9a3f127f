// Who has what in the emulator's projects and teams, and what the provider wrote, as the sorted lines
// the assertions of the project and team scenarios compare ("username: ROLE, ROLE").

import type { E2eContext } from "./e2e-context";

/** Plain functions (no `this`): a test file takes them apart. */
export interface ProjectAccess {
  /** A project's users with roles of their own as "username: ROLE, ROLE", sorted (a team's roles are not listed). */
  directRoles: (projectId: string) => string[];
  /** The project's teams as "team name: ROLE, ROLE", sorted. */
  teamRolesIn: (projectId: string) => string[];
  /** The team's usernames, sorted. */
  usersOf: (teamId: string) => string[];
  /** The provider's writes since `mark`, as "METHOD /path status" with the ids named ({name}), sorted (parallel steps send in any order). */
  namedWrites: (mark: number, ids: Record<string, string>) => string[];
}

/** Reads of the organization of `e2e()` (called at each read: the context is made in beforeAll). */
export function projectAccess(e2e: () => E2eContext): ProjectAccess {
  return {
    directRoles: (projectId) =>
      e2e()
        .emulator.state.projectUsers(projectId)
        .map((u) => ({ u, roles: u.roles.filter((r) => r.groupId === projectId).map((r) => r.roleName) }))
        .filter(({ roles }) => roles.length > 0)
        .map(({ u, roles }) => `${u.username}: ${roles.sort().join(", ")}`)
        .sort(),
    teamRolesIn: (projectId) => {
      const { emulator, orgId } = e2e();
      const names = new Map(emulator.state.teams(orgId).map((t) => [t.id, t.name]));
      return emulator.state
        .projectTeams(projectId)
        .map((t) => `${names.get(t.teamId) ?? t.teamId}: ${[...t.roleNames].sort().join(", ")}`)
        .sort();
    },
    usersOf: (teamId) => {
      const { emulator, orgId } = e2e();
      return emulator.state
        .teamUsers(orgId, teamId)
        .map((u) => u.username)
        .sort();
    },
    namedWrites: (mark, ids) =>
      e2e()
        .view.describeWritesSince(mark)
        .map((line) => Object.entries(ids).reduce((text, [name, id]) => text.split(id).join(`{${name}}`), line))
        .sort(),
  };
}
