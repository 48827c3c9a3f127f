// The GitOps shape: a plain list of people, kept in a repository, becomes one OrgInvitation each.
// Kept apart from the Pulumi entry point so that Automation API inline programs (and tests) can
// reuse it with a list and an org id of their own. Reading the list is shared with
// examples/org-membership (../people/people).

import * as pulumi from "@pulumi/pulumi";
import { OrgInvitation, type OrgInvitationStatus } from "../../index";
import { personKeys, type Person } from "../people/people";

export { parsePeople, type Person } from "../people/people";

export interface DeclaredInvitations {
  /** One resource per person, by email (lower case). */
  invitations: Record<string, OrgInvitation>;
  /** Each person's invitation status, by email (lower case). */
  statuses: pulumi.Output<Record<string, OrgInvitationStatus>>;
}

/** Declares one OrgInvitation per person. The resource name is the email in lower case, so reordering the list changes nothing. */
export function declareOrgInvitations(
  people: readonly Person[],
  orgId: pulumi.Input<string>,
  opts?: pulumi.CustomResourceOptions,
): DeclaredInvitations {
  const keys = personKeys(people);
  const invitations: Record<string, OrgInvitation> = {};
  for (const [i, person] of people.entries()) {
    const key = keys[i] ?? person.email;
    invitations[key] = new OrgInvitation(
      key,
      { orgId, username: person.email, roles: person.roles, ...(person.teams ? { teamIds: person.teams } : {}) },
      opts,
    );
  }
  const statuses = pulumi.all(Object.fromEntries(Object.entries(invitations).map(([email, invitation]) => [email, invitation.status])));
  return { invitations, statuses };
}
