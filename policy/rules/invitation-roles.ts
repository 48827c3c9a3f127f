// no-role-by-invitation: an OrgInvitation may not grant the configured roles (ORG_OWNER by default):
// whoever accepts the invitation — the address may be mistyped or forwarded — gets them. Roles not
// known at preview are not judged.

import type { InvitationRolesConfig } from "../config";
import { RULES } from "../names";
import { describe, knownTexts, texts, type Declared } from "../resources";

export function invitationRoleViolations(d: Declared, config: InvitationRolesConfig): string[] {
  if (d.kind !== "OrgInvitation") return [];
  const forbidden = new Set(config.roles.map((r) => r.trim().toUpperCase()));
  const granted = knownTexts(texts(d, "roles")).filter((r) => forbidden.has(r.trim().toUpperCase()));
  if (granted.length === 0) return [];
  return [
    `${describe(d)}: roles ${granted.join(", ")} may not be granted by invitation (rule ${RULES.invitationRoles}). ` +
      `Fix: invite the person with a role that is allowed (ORG_MEMBER), and once they have joined declare ` +
      `${granted.join(", ")} in the roles of their OrgMembership, which changes a member's roles in place.`,
  ];
}
