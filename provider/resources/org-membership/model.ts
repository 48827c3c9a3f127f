// The OrgMembership resource's model: a person's access to an organization, from invitation to
// membership. Its inputs are those of OrgInvitation (and are checked by the same rules); its
// outputs follow the person through the invitation and the membership.

import type { PersonInputs } from "../../model/person-inputs";

/** Where a person's access stands, as this resource records it (decided in ./membership-status). */
export type OrgMembershipStatus = "PENDING" | "ACTIVE" | "EXPIRED" | "REVOKED" | "REMOVED";

export const ORG_MEMBERSHIP_STATUSES: readonly OrgMembershipStatus[] = ["PENDING", "ACTIVE", "EXPIRED", "REVOKED", "REMOVED"];

/** The checked inputs: the same shape, and the same `check`, as OrgInvitation's. */
export type OrgMembershipInputs = PersonInputs;

/** Everything stored in state (every input too: diff, update and delete get the old outputs only). */
export type OrgMembershipOutputs = OrgMembershipInputs & {
  status: OrgMembershipStatus;
  /** The member's user id, once the person is a member. */
  userId?: string;
  /** The pending invitation, while there is one. */
  invitationId?: string;
  createdAt?: string;
  expiresAt?: string;
  inviterUsername?: string;
  orgName?: string;
};

/** The resource id: `{orgId}/{username}` — stable from invitation to membership (also what `get` takes). */
export function membershipResourceId(orgId: string, username: string): string {
  return `${orgId}/${username}`;
}

// One "/" only: the username is an email address, which has none (`{org}/a@b.c/extra` is malformed, not "not found").
const ID = /^([0-9a-f]{24})\/([^/\s@]+@[^/\s@]+)$/;

export function parseMembershipId(id: string): { orgId: string; username: string } {
  const match = ID.exec(id);
  if (match?.[1] === undefined || match[2] === undefined) {
    throw new Error(
      `INVALID_RESOURCE_ID: "${id}" is not an OrgMembership id. Use "{orgId}/{username}", e.g. ` +
        `"5f1b2c3d4e5f6a7b8c9d0e1f/alice@example.com" (the org id is 24 lowercase hex characters).`,
    );
  }
  return { orgId: match[1], username: match[2] };
}
