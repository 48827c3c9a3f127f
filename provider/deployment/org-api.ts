// The API as one organization's resources use it (implemented by ../runtime/client-pool): calls go
// through the organization's gate, lists come from this deployment's view of it (./org-view), and
// writes go through here so that view stays current.

import type { CloudManagerClient } from "../../sdk";
import type {
  CreateInvitationRequest,
  Invitation,
  OrgUser,
  Project,
  ProjectInvitation,
  ProjectTeam,
  ProjectUser,
  Team,
} from "../../sdk/types";

/** The API as one organization's resources use it. Writes go through here so the org's view stays current. */
export interface OrgApi {
  readonly orgId: string;
  /** The public id of the credentials in use (API public key or service account client id): what Cloud Manager records as the inviter. */
  readonly credentialId: string;
  /**
   * Runs `fn` while no other `exclusive` section of this organization runs (owner-affecting writes:
   * ../access/owner-guard). Calls inside still go through the gate.
   */
  exclusive<T>(fn: () => Promise<T>): Promise<T>;
  /** Runs one client call through the organization's gate. */
  call<T>(fn: (client: CloudManagerClient) => Promise<T>): Promise<T>;
  /** Pending invitations of the org as this deployment knows them (./org-view). */
  pending(): Promise<readonly Invitation[]>;
  /** Pending invitations from a read that starts after this call: the proof that one is gone. */
  freshPending(): Promise<readonly Invitation[]>;
  /** Members of the org (all pages) as this deployment knows them. */
  members(): Promise<readonly OrgUser[]>;
  /** Members from a read that starts after this call (why a confirmed-gone invitation is gone). */
  freshMembers(): Promise<readonly OrgUser[]>;
  createInvitation(request: CreateInvitationRequest): Promise<Invitation>;
  updateInvitationRoles(invitationId: string, roles: string[]): Promise<Invitation>;
  /** Withdraws the invitation (a 404 is thrown as is: the caller decides what it means, and `forget`s it once confirmed). */
  deleteInvitation(invitationId: string): Promise<void>;
  /** Records that an invitation is no longer pending (a 404 the caller confirmed). */
  forget(invitationId: string): void;
  /** The organization's teams as this deployment knows them. */
  teams(): Promise<readonly Team[]>;
  /** Replaces a member's roles in this organization (the full set). */
  setMemberRoles(member: OrgUser, roles: string[]): Promise<void>;
  addMemberToTeam(member: OrgUser, teamId: string): Promise<void>;
  removeMemberFromTeam(member: OrgUser, teamId: string): Promise<void>;
  /** Removes the member from the organization. */
  removeMember(member: OrgUser): Promise<void>;
  /** Creates a team with these members (usernames of active members: Cloud Manager refuses an empty team). */
  createTeam(name: string, usernames: string[]): Promise<Team>;
  renameTeam(teamId: string, name: string): Promise<Team>;
  /** Deletes the team (a 404 or CANNOT_DELETE_TEAM_ASSIGNED_TO_PROJECT is thrown as is: the caller decides). */
  deleteTeam(teamId: string): Promise<void>;
  /** The organization's projects as this deployment knows them. */
  projects(): Promise<readonly Project[]>;
  /** A project by id, wherever it is (to name the organization of a project that is not this one's). */
  project(projectId: string): Promise<Project>;
  /** The teams of a project with their roles, as this deployment knows them (one read per project). */
  projectTeams(projectId: string): Promise<readonly ProjectTeam[]>;
  addTeamToProject(projectId: string, teamId: string, roles: string[]): Promise<void>;
  setProjectTeamRoles(projectId: string, teamId: string, roles: string[]): Promise<void>;
  /** Takes the team off the project (a 404 is thrown as is). */
  removeTeamFromProject(projectId: string, teamId: string): Promise<void>;
  /** The users with roles of their own in a project (`projectRoles`), as this deployment knows them (one read per project). */
  projectUsers(projectId: string): Promise<readonly ProjectUser[]>;
  /** The same, from a read that starts after this call (the proof that someone is gone). */
  freshProjectUsers(projectId: string): Promise<readonly ProjectUser[]>;
  /** Gives an organization member roles of their own in the project (the full set). */
  addUserToProject(projectId: string, member: OrgUser, roles: string[]): Promise<void>;
  setProjectUserRoles(projectId: string, user: ProjectUser, roles: string[]): Promise<void>;
  /** Takes the user out of the project (a 404 is thrown as is); they stay in the organization. */
  removeProjectUser(projectId: string, user: ProjectUser): Promise<void>;
  /** The project's pending invitations, as this deployment knows them (one read per project). */
  projectInvitations(projectId: string): Promise<readonly ProjectInvitation[]>;
  /** Withdraws a project invitation (a 404 is thrown as is). */
  deleteProjectInvitation(projectId: string, invitationId: string): Promise<void>;
}
