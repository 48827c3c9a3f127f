// The resources. The provider logic (`./runtime`) is not exported here: it is loaded by the stored
// providers at call time as "pulumi-cloudmanager/provider/runtime".
export { OrgInvitation, type OrgInvitationArgs, type OrgInvitationState } from "./org-invitation";
export {
  ORG_INVITATION_STATUSES,
  type OrgInvitationStatus,
  type OrgInvitationInputs,
  type OrgInvitationOutputs,
} from "./org-invitation-model";
export { OrgMembership, type OrgMembershipArgs } from "./org-membership";
export {
  ORG_MEMBERSHIP_STATUSES,
  membershipResourceId,
  type OrgMembershipStatus,
  type OrgMembershipInputs,
  type OrgMembershipOutputs,
} from "./org-membership-model";
export { invitationResourceId, parseResourceId, type ParsedResourceId } from "./resource-id";
export { CONFIG_KEYS, ENV_VARS } from "./credentials";
export { OrgRoster, type OrgRosterArgs } from "./org-roster";
export type { UnmanagedInvitation, UnmanagedMember, OrgRosterInputs, OrgRosterOutputs } from "./org-roster-model";
