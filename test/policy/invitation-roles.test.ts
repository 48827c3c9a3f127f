// no-role-by-invitation: an OrgInvitation granting a reserved role (ORG_OWNER by default).

import { describe, expect, it } from "vitest";
import { invitationRoleViolations } from "../../policy/rules/invitation-roles";
import { DOORS, ORG, resource, UNKNOWN_VALUE } from "./support";

const config = { roles: ["ORG_OWNER"] };

describe.each(DOORS)("no-role-by-invitation (%s resources)", (door) => {
  it("names the invitation, the roles, the rule and the fix", () => {
    const d = resource("OrgInvitation", "carol", { orgId: ORG, username: "carol@example.com", roles: ["ORG_MEMBER", "ORG_OWNER"] }, door);
    expect(invitationRoleViolations(d, config)).toEqual([
      `OrgInvitation "carol" (${d.urn}): roles ORG_OWNER may not be granted by invitation (rule no-role-by-invitation). ` +
        `Fix: invite the person with a role that is allowed (ORG_MEMBER), and once they have joined declare ORG_OWNER in the ` +
        `roles of their OrgMembership, which changes a member's roles in place.`,
    ]);
  });

  it("takes the reserved roles from config", () => {
    const d = resource(
      "OrgInvitation",
      "c",
      { orgId: ORG, username: "c@example.com", roles: ["ORG_GROUP_CREATOR", "ORG_BILLING_ADMIN"] },
      door,
    );
    expect(invitationRoleViolations(d, config)).toEqual([]);
    expect(invitationRoleViolations(d, { roles: ["org_billing_admin"] })).toEqual([
      expect.stringContaining("roles ORG_BILLING_ADMIN may not"),
    ]);
  });

  it("leaves OrgMemberships and roles not known at preview alone", () => {
    const membership = resource("OrgMembership", "m", { orgId: ORG, username: "m@example.com", roles: ["ORG_OWNER"] }, door);
    expect(invitationRoleViolations(membership, config)).toEqual([]);
    for (const roles of [UNKNOWN_VALUE, [UNKNOWN_VALUE], ["ORG_MEMBER", UNKNOWN_VALUE]]) {
      const d = resource("OrgInvitation", "u", { orgId: ORG, username: "u@example.com", roles }, door);
      expect(invitationRoleViolations(d, config)).toEqual([]);
    }
  });
});
