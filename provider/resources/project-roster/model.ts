// The ProjectRoster resource's model: one per project, it records the project access nobody declared
// — people with roles of their own, pending project invitations, teams with roles — so the GitOps gate
// fails on them, and with `prune` removes them. OrgRoster's rules, one level down.

/** A person with roles of their own in the project that the program does not manage: one line of `unmanagedUsers`. */
export type UnmanagedProjectUser = {
  username: string;
  userId: string;
  roles: string[];
  /** When the roster first found them (ISO 8601: the time of that up or refresh). */
  firstSeen: string;
};

/** A pending project invitation for someone the program does not manage: one line of `unmanagedInvitations`. */
export type UnmanagedProjectInvitation = {
  /** The invitee. */
  username: string;
  invitationId: string;
  roles: string[];
  inviterUsername: string;
  createdAt: string;
  /** True for an invitation of a DECLARED person: no resource sends project invitations, so accepting it would add roles nobody declared. */
  extra?: boolean;
  /** When the roster first found it (ISO 8601). */
  firstSeen: string;
};

/** A team with roles in the project that no ProjectTeam declares and `teams` does not list: one line of `unmanagedTeams`. */
export type UnmanagedProjectTeam = {
  /** The team's name (its id when the read could not name it). */
  name: string;
  teamId: string;
  roles: string[];
  /** When the roster first found it (ISO 8601). */
  firstSeen: string;
};

export type ProjectRosterInputs = {
  orgId: string;
  projectId: string;
  /** Usernames whose own roles in the project the program manages (ProjectMemberships of the deployment count too). */
  managed: string[];
  /** Team ids whose roles in the project the program manages (ProjectTeams of the deployment count too). */
  teams: string[];
  /** Usernames or patterns (`*` matches anything) never reported or pruned. */
  ignore: string[];
  prune: boolean;
};

/** The outputs: JSON Lines sorted by username (teams by name), so that one person more or less is one line of `preview --diff`. */
export type ProjectRosterOutputs = ProjectRosterInputs & {
  unmanagedUsers: string;
  unmanagedInvitations: string;
  unmanagedTeams: string;
};

export function projectRosterResourceId(orgId: string, projectId: string): string {
  return `${orgId}/${projectId}/roster`;
}

export function parseProjectRosterId(id: string): { orgId: string; projectId: string } {
  const match = /^([0-9a-f]{24})\/([0-9a-f]{24})\/roster$/.exec(id);
  if (match?.[1] === undefined || match[2] === undefined) {
    throw new Error(
      `INVALID_RESOURCE_ID: "${id}" is not a ProjectRoster id. Use "{orgId}/{projectId}/roster", e.g. "5f1b2c3d4e5f6a7b8c9d0e1f/65a0b1c2d3e4f5a6b7c8d9e0/roster".`,
    );
  }
  return { orgId: match[1], projectId: match[2] };
}
