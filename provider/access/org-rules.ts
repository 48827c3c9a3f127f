// The rules of an organization that every resource applies the same way: who a member is (by
// username only, ./identity), their roles in this organization, and who is an Organization Owner
// (the last-owner rule that uses them: ./owner-guard). Expiry is the client's rule: sdk `isExpired`.

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
