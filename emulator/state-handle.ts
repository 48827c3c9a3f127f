// EmulatorState, the typed handle on a running emulator (`emu.state`): the same operations as the
// HTTP control plane (control-plane.ts), which calls it.
import type { EmulatorParts } from "./emulator-parts";
import type {
  AcceptProfile,
  AddOrgUserInput,
  ApiKeyCredentials,
  ApiKeyInput,
  EmulatorSettings,
  FaultInfo,
  FaultSpec,
  InvitationRecord,
  InvitationView,
  Organization,
  ProjectInvitationRecord,
  ProjectInvitationView,
  ProjectRecord,
  ProjectTeamRoles,
  ProjectUsersQuery,
  RateLimitOptions,
  RequestLogEntry,
  ServiceAccountCredentials,
  ServiceAccountInput,
  StateSnapshot,
  Team,
  UserRecord,
} from "./types";

export class EmulatorState {
  constructor(private readonly parts: EmulatorParts) {}

  // ---- reading ----

  /**
   * Orgs, teams, projects, every stored org and project invitation (pending, accepted, expired) with its
   * status, members (their direct project roles among their roles), principals.
   */
  snapshot(): StateSnapshot {
    return this.parts.store.snapshot();
  }

  /** Stored invitations of one org (or all), including accepted and expired ones. */
  invitations(orgId?: string): (InvitationRecord & { status: "pending" | "accepted" | "expired" })[] {
    return this.parts.store.allInvitations().filter((i) => orgId === undefined || i.orgId === orgId);
  }

  /** What `GET /orgs/{orgId}/invites` would answer right now. */
  pendingInvitations(orgId: string, username?: string): InvitationView[] {
    return this.parts.store.listInvitations(orgId, username);
  }

  /** Members of one org (roles narrowed to it), or every user who belongs to some org. */
  members(orgId?: string): UserRecord[] {
    return orgId === undefined ? this.parts.store.members.all() : this.parts.store.members.orgUsers(orgId);
  }

  orgs(): Organization[] {
    return this.parts.store.orgs();
  }

  teams(orgId?: string): Team[] {
    return this.parts.store.teams(orgId);
  }

  /** What `GET /orgs/{orgId}/teams/{teamId}/users` would list (every page). */
  teamUsers(orgId: string, teamId: string): UserRecord[] {
    return this.parts.store.members.teamUsers(orgId, teamId);
  }

  /** Projects of one org (or all), each with its teams and their project roles. */
  projects(orgId?: string): ProjectRecord[] {
    return this.parts.store.projects.list(orgId);
  }

  /** What `GET /groups/{projectId}/teams` would list (every page): `{teamId, roleNames}` in assignment order. */
  projectTeams(projectId: string): ProjectTeamRoles[] {
    return this.parts.store.projects.teams(projectId);
  }

  /**
   * What `GET /groups/{projectId}/users` would list (every page): users with a direct role in the project,
   * with `flattenTeams` also those reaching it through a team, with `includeOrgUsers` also the org's
   * ORG_OWNER and ORG_READ_ONLY members; each with every role it has.
   */
  projectUsers(projectId: string, query: ProjectUsersQuery = {}): UserRecord[] {
    return this.parts.store.projectUsers.list(projectId, query);
  }

  /** Stored project invitations of one project (or all), including accepted and expired ones. */
  projectInvitations(projectId?: string): (ProjectInvitationRecord & { status: "pending" | "accepted" | "expired" })[] {
    return this.parts.store.projectInvitations.all().filter((i) => projectId === undefined || i.groupId === projectId);
  }

  /** What `GET /groups/{projectId}/invites` would answer right now. */
  pendingProjectInvitations(projectId: string, username?: string): ProjectInvitationView[] {
    return this.parts.store.projectInvitations.list(projectId, username);
  }

  // ---- shaping the world ----

  createOrg(input: { name: string; id?: string }): Organization {
    return this.parts.store.createOrg(input);
  }

  /** A team with no user yet (the API's POST needs one). Names unique per org in any case (409), 250 teams per org. */
  createTeam(orgId: string, input: { name: string; id?: string }): Team {
    return this.parts.store.createTeam(orgId, input);
  }

  /** A project in the org (names unique per org in any case: 409 GROUP_ALREADY_EXISTS). */
  createProject(orgId: string, input: { name: string; id?: string }): ProjectRecord {
    return this.parts.store.projects.create(orgId, input);
  }

  // ---- changing teams and project access by hand (an admin in the UI), under the API's rules ----
  // `team` is a team id or a team name (any case) of the org (of the project's org).

  /** Renames the team (as PATCH /orgs/{orgId}/teams/{teamId}; 409 TEAM_NAME_NOT_AVAILABLE). */
  renameTeam(orgId: string, team: string, name: string): Team {
    const found = this.parts.store.orgTeams.resolve(orgId, team);
    return this.parts.store.orgTeams.rename(orgId, found.id, name);
  }

  /**
   * Deletes the team. Refused while a project uses it (404 CANNOT_DELETE_TEAM_ASSIGNED_TO_PROJECT, as
   * the API and the UI refuse), unless `force`: then it is taken off its projects first.
   */
  deleteTeam(orgId: string, team: string, options: { force?: boolean } = {}): void {
    const found = this.parts.store.orgTeams.resolve(orgId, team);
    this.parts.store.orgTeams.delete(orgId, found.id, options.force === true);
  }

  /**
   * The team gets exactly these roles in the project: assigned if it is not yet, its roles replaced if
   * it is (roles as the API takes them; 404 TEAM_NOT_IN_ORG, 400 MAX_TEAMS_PER_GROUP_EXCEEDED).
   */
  setProjectTeamRoles(projectId: string, team: string, roleNames: string[]): ProjectTeamRoles {
    return this.parts.store.projects.setTeamRoles(projectId, this.projectTeamId(projectId, team), roleNames);
  }

  /** Takes the team off the project (404 TEAM_NOT_IN_GROUP); the team stays in its org. */
  removeProjectTeam(projectId: string, team: string): void {
    this.parts.store.projects.removeTeam(projectId, this.projectTeamId(projectId, team));
  }

  /**
   * Adds a member directly, as if they had accepted an invitation long ago. The profile fields (and
   * `emailAddress`, default the username) describe a new user; an existing user keeps theirs (`updateUser`).
   */
  addOrgUser(orgId: string, input: AddOrgUserInput): UserRecord {
    return this.parts.store.members.addOrgUser(orgId, input);
  }

  /**
   * An invitation sent by a person in the Cloud Manager UI: `inviterUsername` is that person's
   * username (the API records the calling key's public key instead). Same rules as the API's POST.
   */
  inviteAs(orgId: string, input: { username: string; roles: string[]; teamIds?: string[] }, inviterUsername: string): InvitationView {
    return this.parts.store.createInvitation(
      orgId,
      { username: input.username, roles: input.roles, teamIds: input.teamIds ?? [] },
      inviterUsername,
    );
  }

  /** The invitation disappears from the API and its user becomes a member with its roles and teams. */
  acceptInvitation(orgId: string, invitationId: string, profile?: AcceptProfile): UserRecord {
    return this.parts.store.acceptInvitation(orgId, invitationId, profile);
  }

  /**
   * Changes a user's profile (`firstName`, `lastName`, `country`, `mobileNumber`, `emailAddress`): the
   * fields given replace the stored ones. `user` is a user id or a username (any case), of any user. The
   * username stays: an `emailAddress` that names someone else (eve@evil.com whose profile says
   * alice@acme.com) is only shown, never an identity. 400 INVALID_EMAIL_ADDRESS, 404 USER_NOT_FOUND.
   */
  updateUser(user: string, profile: AcceptProfile): UserRecord {
    return this.parts.store.members.updateProfile(user, profile);
  }

  // ---- changing a project's users and invitations by hand (an admin in the UI), under the API's rules ----
  // `user` is a user id or a username (any case).

  /**
   * The user gets exactly these direct roles in the project: added if it has none there yet (joining the
   * project's org as ORG_MEMBER if it is not a member), its roles replaced if it has. 404 USER_NOT_FOUND
   * (no such user: invite them instead), 400 INVALID_ATTRIBUTE (`[]`), INVALID_ROLE_FOR_GROUP,
   * INVALID_ENUM_VALUE, 403 CANNOT_DEMOTE_LAST_OWNER. Answers the user with every role it has.
   */
  setProjectUserRoles(projectId: string, user: string, roles: string[]): UserRecord {
    return this.parts.store.projectUsers.setByHand(projectId, user, roles);
  }

  /** Takes the user's direct roles in the project away (404 USER_NOT_IN_GROUP, 403 CANNOT_DELETE_LAST_OWNER); it stays in the org. */
  removeProjectUser(projectId: string, user: string): void {
    this.parts.store.projectUsers.removeByHand(projectId, user);
  }

  /**
   * A project invitation sent by a person in the UI: `inviterUsername` is that person's username (the API
   * records the calling key's public key instead). Same rules as the API's POST /groups/{id}/invites.
   */
  inviteToProjectAs(projectId: string, input: { username: string; roles: string[] }, inviterUsername: string): ProjectInvitationView {
    return this.parts.store.projectInvitations.create(projectId, input, inviterUsername);
  }

  /**
   * The project invitation disappears from the API; its person becomes a member of the project's org
   * (ORG_MEMBER if not one already; a new user gets `profile`) with the invitation's roles in the project,
   * added to any direct roles it had there. 404 RESOURCE_NOT_FOUND unless pending.
   */
  acceptProjectInvitation(projectId: string, invitationId: string, profile?: AcceptProfile): UserRecord {
    return this.parts.store.projectInvitations.accept(projectId, invitationId, profile);
  }

  /** Moves the project invitation's `expiresAt` into the past. */
  expireProjectInvitation(projectId: string, invitationId: string): ProjectInvitationRecord {
    return this.parts.store.projectInvitations.expire(projectId, invitationId);
  }

  /** The id of the project's org's team named `team` (id or name); else `team` itself, for the rules to refuse. */
  private projectTeamId(projectId: string, team: string): string {
    const project = this.parts.store.projects.get(projectId);
    return this.parts.store.orgTeams.find(project.orgId, team)?.id ?? team;
  }

  // ---- changing members by hand (an admin in the UI), under the API's rules ----
  // `user` is a user id or a username (any case); the member as `members(orgId)` shows it comes back.

  /** Replaces the member's roles in this org (as PUT …/users/{id}/roles does; 403 for the last owner). */
  setMemberOrgRoles(orgId: string, user: string, roles: string[]): UserRecord {
    this.parts.store.members.setOrgRoles(orgId, user, roles, "roles");
    return this.parts.store.members.orgMember(orgId, user);
  }

  /** The member's teams in this org become exactly `teamIds` (teams of other orgs stay). */
  setMemberTeams(orgId: string, user: string, teamIds: string[]): UserRecord {
    return this.parts.store.members.setTeams(orgId, user, teamIds);
  }

  /** Puts the member on these teams too. */
  addMemberToTeams(orgId: string, user: string, teamIds: string[]): UserRecord {
    return this.parts.store.members.addTeams(orgId, user, teamIds);
  }

  /** Takes the member off these teams (a team the member is not on is ignored). */
  removeMemberFromTeams(orgId: string, user: string, teamIds: string[]): UserRecord {
    return this.parts.store.members.removeTeams(orgId, user, teamIds);
  }

  /** Takes the member out of the org: its roles there and its places on the org's teams (403 for the last owner). */
  removeOrgUser(orgId: string, user: string): void {
    this.parts.store.members.removeFromOrg(orgId, user);
  }

  /** Moves the invitation's `expiresAt` into the past. */
  expireInvitation(orgId: string, invitationId: string): InvitationRecord {
    return this.parts.store.expireInvitation(orgId, invitationId);
  }

  addApiKey(input: ApiKeyInput = {}): ApiKeyCredentials {
    return this.parts.store.principals.addApiKey(input);
  }

  removeApiKey(publicKey: string): boolean {
    return this.parts.store.principals.removeApiKey(publicKey);
  }

  addServiceAccount(input: ServiceAccountInput = {}): ServiceAccountCredentials {
    return this.parts.store.principals.addServiceAccount(input);
  }

  removeServiceAccount(clientId: string): boolean {
    this.parts.tokens.forgetClient(clientId);
    return this.parts.store.principals.removeServiceAccount(clientId);
  }

  settings(): EmulatorSettings {
    return this.parts.store.settings;
  }

  updateSettings(settings: Partial<EmulatorSettings>): EmulatorSettings {
    return this.parts.store.updateSettings(settings);
  }

  // ---- auth state ----

  /** Every nonce issued so far is stale from now on. Returns how many were still live. */
  expireNonces(): number {
    return this.parts.verifier.expireAll();
  }

  /** Every access token issued so far is expired from now on. Returns how many were still live. */
  expireTokens(): number {
    return this.parts.tokens.expireAll();
  }

  // ---- faults and rate limits ----

  addFault(spec: FaultSpec): FaultInfo {
    return this.parts.faults.add(spec);
  }

  faults(): FaultInfo[] {
    return this.parts.faults.list();
  }

  clearFaults(): void {
    this.parts.faults.clear();
  }

  /** Replaces the rate limits; `{}` turns both off. */
  setRateLimits(limits: RateLimitOptions): RateLimitOptions {
    return this.parts.limiter.configure(limits);
  }

  rateLimits(): RateLimitOptions {
    return this.parts.limiter.current();
  }

  // ---- request log ----

  requests(): RequestLogEntry[] {
    return this.parts.requestLog.list();
  }

  clearRequests(): void {
    this.parts.requestLog.clear();
  }

  /**
   * Back to the start: only the seeded org, key and service account; no faults; rate limits as
   * configured at start; empty request log. Issued nonces and tokens of the seeded principals stay
   * valid, so a client's cached challenge or token keeps working across tests.
   */
  reset(): void {
    this.parts.store.replace(this.parts.seedData);
    this.parts.faults.clear();
    this.parts.limiter.configure(this.parts.initialRateLimits);
    this.parts.requestLog.clear();
  }
}
