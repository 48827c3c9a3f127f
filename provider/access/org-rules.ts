// The rules of an organization that every resource applies the same way: who a member is (by
// username only, ./identity), their roles in this organization, the last Organization Owner, and
// whether an invitation is past its expiry (the rule itself is the client's: sdk `isExpired`).

import { isExpired } from "../../sdk";
import type { OrgUser } from "../../sdk/types";
import { usernameKey } from "./identity";

const OWNER = "ORG_OWNER";

/**
 * The member whose USERNAME is `username` (letter case ignored). A profile's `emailAddress` is never
 * matched: it is contact data its owner (or a proxy rewriting profiles) can set to anyone's address,
 * so matching it would let one person adopt another's access.
 */
export function memberNamed(members: readonly OrgUser[], username: string): OrgUser | undefined {
  const wanted = usernameKey(username);
  return members.find((user) => usernameKey(user.username) === wanted);
}

/** Whether `username` is among the organization's members (by username only). */
export function isMemberIn(members: readonly OrgUser[], username: string): boolean {
  return memberNamed(members, username) !== undefined;
}

/** True when the ISO timestamp lies in the past (an unknown or unreadable one is not past). */
export function isPast(timestamp: string | undefined): boolean {
  return isExpired(timestamp);
}

/** A member's roles in `orgId` (the user's roles also name other organizations and projects). */
export function orgRolesOf(member: OrgUser, orgId: string): string[] {
  return member.roles.filter((r) => r.orgId === orgId).map((r) => r.roleName);
}

export function isOrgOwner(member: OrgUser, orgId: string): boolean {
  return orgRolesOf(member, orgId).includes(OWNER);
}

/** Whether a role list keeps Organization Owner. */
export function keepsOwner(roles: readonly string[]): boolean {
  return roles.includes(OWNER);
}

/**
 * True when `member` is the organization's only Organization Owner among its users and would stop
 * being one with `rolesAfter` (removal: none). Cloud Manager refuses that change.
 */
export function isLastOwner(members: readonly OrgUser[], member: OrgUser, orgId: string, rolesAfter: readonly string[] = []): boolean {
  return isOrgOwner(member, orgId) && !keepsOwner(rolesAfter) && !members.some((m) => m.id !== member.id && isOrgOwner(m, orgId));
}
