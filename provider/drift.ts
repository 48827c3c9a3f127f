// What became of an invitation Cloud Manager no longer shows. Only pending invitations exist for the
// API: an accepted, expired or deleted one answers 404 alike. MongoDB's own providers tell them
// apart the same way: look the person up among the organization's members.

import type { OrgUser } from "../sdk/types";
import type { OrgApi } from "./client-pool";
import type { OrgInvitationStatus } from "./org-invitation-model";

export type GoneStatus = Exclude<OrgInvitationStatus, "PENDING">;

/** member → ACCEPTED; not a member and past `expiresAt` → EXPIRED; otherwise REVOKED (withdrawn before acceptance). */
export async function resolveGoneInvitation(api: OrgApi, username: string, expiresAt: string | undefined): Promise<GoneStatus> {
  if (await isMember(api, username)) return "ACCEPTED";
  return isPast(expiresAt) ? "EXPIRED" : "REVOKED";
}

export async function isMember(api: OrgApi, username: string): Promise<boolean> {
  const members = await api.members();
  return members.some((user) => sameUser(user, username));
}

export function sameUser(user: OrgUser, username: string): boolean {
  const wanted = username.trim().toLowerCase();
  return user.username.toLowerCase() === wanted || user.emailAddress.toLowerCase() === wanted;
}

/** True when the ISO timestamp lies in the past (an unknown or unreadable one is not past). */
export function isPast(timestamp: string | undefined): boolean {
  if (timestamp === undefined) return false;
  const ms = Date.parse(timestamp);
  return !Number.isNaN(ms) && ms <= Date.now();
}

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
