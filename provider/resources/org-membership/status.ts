// Every rule that decides an OrgMembership's status, in one place (OrgInvitation's are in
// ../org-invitation/status). A person's access is read from the organization's two lists: its members
// and its pending invitations.
// the table: docs/lifecycle.md
// EXPIRED, REVOKED and REMOVED make the next `pulumi up` invite the person again.

import { isExpired } from "../../../sdk";
import type { Invitation, OrgUser } from "../../../sdk/types";
import type { OrgMembershipStatus } from "./model";

export type MembershipSighting =
  | { kind: "member"; member: OrgUser }
  | { kind: "invited"; invitation: Invitation }
  | { kind: "neither"; wasMember: boolean; expiresAt: string | undefined };

export function membershipStatusOf(sighting: MembershipSighting): OrgMembershipStatus {
  switch (sighting.kind) {
    case "member":
      return "ACTIVE";
    case "invited":
      return isExpired(sighting.invitation.expiresAt) ? "EXPIRED" : "PENDING";
    case "neither":
      if (sighting.wasMember) return "REMOVED";
      return isExpired(sighting.expiresAt) ? "EXPIRED" : "REVOKED";
  }
}

/** Statuses after which the person has no access and the next `up` invites them again. */
export function isGone(status: OrgMembershipStatus | undefined): boolean {
  return status === "EXPIRED" || status === "REVOKED" || status === "REMOVED";
}
