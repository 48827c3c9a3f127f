// Every rule that decides an OrgInvitation's status, in one place (the table: docs/lifecycle.md).
// Cloud Manager's API only knows PENDING invitations: an accepted, expired or withdrawn one is simply
// not listed any more (and its id answers 404), so the status is decided from what the organization's
// lists show: is the invitation still pending, is the person a member (by username), and has the
// invitation's expiry passed.

import { isExpired } from "../../../sdk";
import type { Invitation } from "../../../sdk/types";
import { goneReason } from "../../access/invitations";
import type { OrgInvitationStatus } from "./model";

/** What the organization showed about one resource's invitation. */
export type Sighting =
  | { kind: "pending"; invitation: Invitation }
  | { kind: "gone"; isMember: boolean; expiresAt: string | undefined }
  | { kind: "never-sent"; isMember: boolean };

export function statusOf(sighting: Sighting): OrgInvitationStatus {
  switch (sighting.kind) {
    case "pending":
      return isExpired(sighting.invitation.expiresAt) ? "EXPIRED" : "PENDING";
    case "gone":
      return goneReason(sighting.isMember, sighting.expiresAt);
    case "never-sent":
      return sighting.isMember ? "ACCEPTED" : "REVOKED";
  }
}
