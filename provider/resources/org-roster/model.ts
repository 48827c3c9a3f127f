// The OrgRoster resource's model: one per organization, it records the access nobody declared —
// pending invitations and members whose usernames the program does not manage — so a GitOps gate
// fails on them, and with `prune` removes them.

/** An invitation pending for someone the program does not manage; keyed by the invitee's username in the outputs. */
export type UnmanagedInvitation = {
  roles: string[];
  invitationId: string;
  inviterUsername: string;
  createdAt: string;
  /** True for an invitation of a DECLARED person that their resource does not hold (they are a member already, or a duplicate). */
  extra?: boolean;
  /** When the roster first found it (ISO 8601: the time of that up or refresh). */
  firstSeen: string;
};

/** A member the program does not manage; keyed by username in the outputs. */
export type UnmanagedMember = {
  /** Roles in this organization. */
  roles: string[];
  userId: string;
  /** When the roster first found them (ISO 8601). */
  firstSeen: string;
};

/** The checked inputs. */
export type OrgRosterInputs = {
  orgId: string;
  /** Usernames the program manages (sorted, one entry per address). */
  managed: string[];
  /** Usernames or patterns (`*` matches anything) never reported or pruned. */
  ignore: string[];
  /** Revoke unmanaged invitations and remove unmanaged members at `up`. */
  prune: boolean;
};

/**
 * The outputs: maps keyed by username (a person's second pending invitation by `username#invitationId`),
 * so that one person more or less is a one-entry diff.
 */
export type OrgRosterOutputs = OrgRosterInputs & {
  unmanagedInvitations: Record<string, UnmanagedInvitation>;
  unmanagedMembers: Record<string, UnmanagedMember>;
};

export function rosterResourceId(orgId: string): string {
  return `${orgId}/roster`;
}

export function parseRosterId(id: string): string {
  const match = /^([0-9a-f]{24})\/roster$/.exec(id);
  if (match?.[1] === undefined) {
    throw new Error(`INVALID_RESOURCE_ID: "${id}" is not an OrgRoster id. Use "{orgId}/roster", e.g. "5f1b2c3d4e5f6a7b8c9d0e1f/roster".`);
  }
  return match[1];
}
