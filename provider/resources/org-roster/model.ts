// The OrgRoster resource's model: one per organization, it records the access nobody declared —
// pending invitations and members whose usernames the program does not manage — so a GitOps gate
// fails on them, and with `prune` removes them.

/** An invitation pending for someone the program does not manage: one line of `unmanagedInvitations`. */
export type UnmanagedInvitation = {
  /** The invitee. */
  username: string;
  roles: string[];
  invitationId: string;
  inviterUsername: string;
  createdAt: string;
  /** True for an invitation of a DECLARED person that their resource does not hold (they are a member already, or a duplicate). */
  extra?: boolean;
  /** When the roster first found it (ISO 8601: the time of that up or refresh). */
  firstSeen: string;
};

/** A member the program does not manage: one line of `unmanagedMembers`. */
export type UnmanagedMember = {
  username: string;
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
 * The outputs: JSON Lines (one `UnmanagedInvitation` / `UnmanagedMember` object per line, sorted by
 * username), so that one person more or less is one line of `preview --diff` (`rosterLines` reads them).
 */
export type OrgRosterOutputs = OrgRosterInputs & {
  unmanagedInvitations: string;
  unmanagedMembers: string;
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
