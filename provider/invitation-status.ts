// Every rule that decides an invitation's status, in one place. Cloud Manager's API only knows
// PENDING invitations: an accepted, expired or withdrawn one is simply not listed any more (and its
// id answers 404), so the status is decided from what the organization's lists show, the way
// MongoDB's own providers do it: is the invitation still pending, is the person a member, and has
// the invitation's expiry passed.
//
// | the organization shows                         | status   |
// |------------------------------------------------|----------|
// | the invitation pending, `expiresAt` not passed  | PENDING  |
// | the invitation pending, `expiresAt` passed      | EXPIRED  | (some servers list expired ones)
// | no such invitation; the person is a member      | ACCEPTED |
// | no such invitation; not a member; expiry passed | EXPIRED  |
// | no such invitation; not a member                | REVOKED  | (withdrawn before it was accepted)
// | nothing was ever sent (id `member:`): a member  | ACCEPTED |
// | nothing was ever sent: no longer a member       | REVOKED  |

import type { Invitation, OrgUser } from "../sdk/types";
import type { OrgInvitationStatus } from "./org-invitation-model";

/** What the organization showed about one resource's invitation. */
export type Sighting =
  | { kind: "pending"; invitation: Invitation }
  | { kind: "gone"; isMember: boolean; expiresAt: string | undefined }
  | { kind: "never-sent"; isMember: boolean };

export type GoneStatus = Exclude<OrgInvitationStatus, "PENDING">;

export function statusOf(sighting: Sighting): OrgInvitationStatus {
  switch (sighting.kind) {
    case "pending":
      return isPast(sighting.invitation.expiresAt) ? "EXPIRED" : "PENDING";
    case "gone":
      return goneStatus(sighting.isMember, sighting.expiresAt);
    case "never-sent":
      return sighting.isMember ? "ACCEPTED" : "REVOKED";
  }
}

/** The status of an invitation that is no longer pending (see the table above). */
export function goneStatus(isMember: boolean, expiresAt: string | undefined): GoneStatus {
  if (isMember) return "ACCEPTED";
  return isPast(expiresAt) ? "EXPIRED" : "REVOKED";
}

/** Whether `username` (an email) is among the organization's members, by username or email address. */
export function isMemberIn(members: readonly OrgUser[], username: string): boolean {
  return memberNamed(members, username) !== undefined;
}

/** The member whose username or email address is `username` (letter case ignored). */
export function memberNamed(members: readonly OrgUser[], username: string): OrgUser | undefined {
  const wanted = username.trim().toLowerCase();
  return members.find((user) => user.username.toLowerCase() === wanted || user.emailAddress.toLowerCase() === wanted);
}

/** True when the ISO timestamp lies in the past (an unknown or unreadable one is not past). */
export function isPast(timestamp: string | undefined): boolean {
  if (timestamp === undefined) return false;
  const ms = Date.parse(timestamp);
  return !Number.isNaN(ms) && ms <= Date.now();
}

/** What a gone status means, for warnings and errors. */
export function describeGone(status: GoneStatus, username: string): string {
  switch (status) {
    case "ACCEPTED":
      return `${username} accepted the invitation and is now a member of the organization`;
    case "EXPIRED":
      return `the invitation for ${username} expired (not accepted within 30 days)`;
    case "REVOKED":
      // What is known: not pending, not a member, not past its expiry. Who withdrew it is not.
      return `the invitation for ${username} was withdrawn before it was accepted (in Cloud Manager, or by an earlier Pulumi run that was interrupted)`;
  }
}
