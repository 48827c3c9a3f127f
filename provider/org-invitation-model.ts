// The property shapes of the OrgInvitation resource, shared by the resource class and the runtime.
// The engine hands the provider plain objects (`PropertyBag`); the runtime turns them into these.

/** Where an invitation stands, as this resource records it. */
export type OrgInvitationStatus = "PENDING" | "ACCEPTED" | "EXPIRED" | "REVOKED";

export const ORG_INVITATION_STATUSES: readonly OrgInvitationStatus[] = ["PENDING", "ACCEPTED", "EXPIRED", "REVOKED"];

/**
 * The resource's URN, put into its inputs by the resource class and kept in its outputs: the engine
 * passes dynamic providers no URN, and the provider must know which resource a call is for
 * (./deployment-ledger). Bookkeeping like `__provider`, not part of the resource's model.
 */
export const URN_KEY = "__urn";

/** A property bag as the engine passes it to a dynamic provider (it also carries `__provider`). */
export type PropertyBag = Record<string, unknown>;

// Type aliases, not interfaces: an alias is assignable to `PropertyBag` (the engine's plain objects).

/** The inputs after `check`: validated and normalized (roles sorted and deduplicated, teamIds sorted). */
export type OrgInvitationInputs = {
  orgId: string;
  username: string;
  roles: string[];
  teamIds: string[];
};

/**
 * Everything stored in state. It carries every input because the engine gives `diff`, `update` and
 * `delete` the OLD OUTPUTS, never the old inputs.
 */
export type OrgInvitationOutputs = OrgInvitationInputs & {
  status: OrgInvitationStatus;
  /** Absent when nothing was sent because the user already was a member. */
  invitationId?: string;
  createdAt?: string;
  expiresAt?: string;
  inviterUsername?: string;
  orgName?: string;
};

