// What the package exports: the resources users declare, and their types. The provider logic
// (`./runtime`) is not exported here: the stored providers load it at call time as
// "pulumi-cloudmanager/provider/runtime", so a program loads none of it.
export { OrgInvitation, type OrgInvitationArgs, type OrgInvitationState } from "./resources/org-invitation/resource";
export {
  ORG_INVITATION_STATUSES,
  type OrgInvitationStatus,
  type OrgInvitationInputs,
  type OrgInvitationOutputs,
} from "./resources/org-invitation/model";
export { OrgMembership, type OrgMembershipArgs } from "./resources/org-membership/resource";
export {
  ORG_MEMBERSHIP_STATUSES,
  membershipResourceId,
  type OrgMembershipStatus,
  type OrgMembershipInputs,
  type OrgMembershipOutputs,
} from "./resources/org-membership/model";
export { invitationResourceId, parseResourceId, type ParsedResourceId } from "./resources/org-invitation/id";
export { CONFIG_KEYS, ENV_VARS } from "./runtime/credentials";
export { OrgRoster, type OrgRosterArgs } from "./resources/org-roster/resource";
export type { UnmanagedInvitation, UnmanagedMember, OrgRosterInputs, OrgRosterOutputs } from "./resources/org-roster/model";
// Reads the rosters' JSON Lines outputs in a program (a pure function: no provider logic is loaded).
export { rosterLines } from "./access/roster-outputs";
export { Team, type TeamArgs, type TeamState } from "./resources/team/resource";
export { TEAM_STATUSES, type TeamStatus, type TeamInputs, type TeamOutputs } from "./resources/team/model";
export { ProjectTeam, type ProjectTeamArgs } from "./resources/project-team/resource";
export {
  PROJECT_TEAM_STATUSES,
  type ProjectTeamStatus,
  type ProjectTeamInputs,
  type ProjectTeamOutputs,
} from "./resources/project-team/model";
export { ProjectMembership, type ProjectMembershipArgs, type ProjectMembershipState } from "./resources/project-membership/resource";
export {
  PROJECT_MEMBERSHIP_STATUSES,
  type ProjectMembershipStatus,
  type ProjectMembershipInputs,
  type ProjectMembershipOutputs,
} from "./resources/project-membership/model";
export { ProjectRoster, type ProjectRosterArgs } from "./resources/project-roster/resource";
export type {
  UnmanagedProjectUser,
  UnmanagedProjectInvitation,
  UnmanagedProjectTeam,
  ProjectRosterInputs,
  ProjectRosterOutputs,
} from "./resources/project-roster/model";
