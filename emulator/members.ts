// Organization members: users, the orgs they belong to with which roles, and their teams; the
// rules for changing them (the last owner, a team's last user, the team size limit).
import {
  cannotDeleteLastOwner,
  cannotDemoteLastOrgOwner,
  cannotRemoveLastUserFromTeam,
  invalidAttribute,
  invalidEmail,
  maxUsersPerTeamExceeded,
  memberNotFound,
  missingAttribute,
  teamMemberNotFound,
  userNotFound,
} from "./errors";
import { newObjectId } from "./ids";
import { isEmail, OWNER_ROLE } from "./org-roles";
import type { StoreData } from "./store-data";
import type { AcceptProfile, AddOrgUserInput, EmulatorSettings, Organization, Team, UserRecord } from "./types";

export const DEFAULT_COUNTRY = "US";
/** Cloud Manager's documented limit of users per team. */
export const MAX_USERS_PER_TEAM = 250;

/** What members need from the rest of the store. */
export interface MemberStoreContext {
  org(orgId: string): Organization;
  team(orgId: string, teamId: string): Team;
  readonly settings: EmulatorSettings;
  validateRoles(roles: string[]): string[];
  validateTeamIds(orgId: string, teamIds: string[]): string[];
}

export class Members {
  constructor(
    private readonly data: () => StoreData,
    private readonly changed: () => void,
    private readonly store: MemberStoreContext,
  ) {}

  addOrgUser(orgId: string, input: AddOrgUserInput): UserRecord {
    this.store.org(orgId);
    if (typeof input.username !== "string" || !isEmail(input.username)) throw invalidEmail(String(input.username));
    checkProfile(input);
    if (!Array.isArray(input.roles) || input.roles.length === 0) throw missingAttribute("roles");
    const roles = this.store.validateRoles(input.roles);
    const teamIds = this.store.validateTeamIds(orgId, input.teamIds ?? []);
    const user = this.join(orgId, input.username, roles, teamIds, input);
    this.changed();
    return user;
  }

  /**
   * Changes an existing user's profile (an admin, or the user, editing it in the UI): the fields given
   * replace the stored ones. `user` is an id or a username (any case), of any user, in an org or not
   * (404 USER_NOT_FOUND if unknown). The username never changes: it is the identity.
   */
  updateProfile(user: string, profile: AcceptProfile): UserRecord {
    checkProfile(profile);
    const lower = user.toLowerCase();
    const users = this.data().users;
    const found = users.find((u) => u.id === user) ?? users.find((u) => u.username.toLowerCase() === lower);
    if (!found) throw userNotFound(user);
    for (const field of PROFILE_FIELDS) {
      const value = profile[field];
      if (value !== undefined) found[field] = value;
    }
    this.changed();
    return structuredClone(found);
  }

  userById(id: string): UserRecord | undefined {
    const user = this.data().users.find((u) => u.id === id);
    return user ? structuredClone(user) : undefined;
  }

  userByName(username: string): UserRecord | undefined {
    const lower = username.toLowerCase();
    const user = this.data().users.find((u) => u.username.toLowerCase() === lower);
    return user ? structuredClone(user) : undefined;
  }

  /** Members of an org, with roles and teams narrowed to that org. */
  orgUsers(orgId: string): UserRecord[] {
    const { members, shown } = this.orgUserList(orgId);
    return members.map(shown);
  }

  /**
   * The org's members as the store holds them, and how one is shown (a copy, roles and teams narrowed
   * to the org): a page of the list copies only its own members, not the whole organization's.
   */
  orgUserList(orgId: string): { members: readonly UserRecord[]; shown: (user: UserRecord) => UserRecord } {
    this.store.org(orgId);
    const orgTeams = this.orgTeamIds(orgId);
    return { members: this.data().users.filter((u) => u.roles.some((r) => r.orgId === orgId)), shown: (u) => narrow(orgId, u, orgTeams) };
  }

  /** One member (by id, or by username in any case) as `orgUsers` shows it; 404 USER_NOT_FOUND if not in the org. */
  orgMember(orgId: string, user: string): UserRecord {
    return narrow(orgId, this.member(orgId, user), this.orgTeamIds(orgId));
  }

  /** The team's users (members of its org whose teamIds name it), as `orgUsers` shows them. */
  teamUsers(orgId: string, teamId: string): UserRecord[] {
    this.store.team(orgId, teamId);
    const { members, shown } = this.orgUserList(orgId);
    return members.filter((u) => u.teamIds.includes(teamId)).map(shown);
  }

  /**
   * Replaces the member's roles in this org (other orgs' roles and project roles stay). At least one
   * role, no role twice, each known; refused (403) when it would take ORG_OWNER from the last owner.
   * `field` names the list in errors (the API's `orgRoles`, the control plane's `roles`).
   */
  setOrgRoles(orgId: string, user: string, roles: string[], field = "orgRoles"): string[] {
    const member = this.member(orgId, user);
    if (roles.length === 0) throw missingAttribute(field);
    const validated = this.store.validateRoles(roles);
    if (validated.length !== roles.length) throw invalidAttribute(field, "A role is listed more than once.");
    if (!validated.includes(OWNER_ROLE) && this.isLastOwner(orgId, member)) throw cannotDemoteLastOrgOwner(member.id, orgId);
    member.roles = [...member.roles.filter((r) => r.orgId !== orgId), ...validated.map((roleName) => ({ orgId, roleName }))];
    this.changed();
    return validated;
  }

  /**
   * Takes the member out of the org: its roles there, its direct roles in the org's projects (even a
   * project's last GROUP_OWNER: the org decides) and its places on the org's teams. Not the org's last owner.
   */
  removeFromOrg(orgId: string, user: string): void {
    const member = this.member(orgId, user);
    if (this.isLastOwner(orgId, member)) throw cannotDeleteLastOwner(member.id, orgId);
    const orgTeams = this.orgTeamIds(orgId);
    const orgProjects = new Set(
      this.data()
        .projects.filter((p) => p.orgId === orgId)
        .map((p) => p.id),
    );
    member.roles = member.roles.filter((r) => r.orgId !== orgId && (r.groupId === undefined || !orgProjects.has(r.groupId)));
    member.teamIds = member.teamIds.filter((t) => !orgTeams.has(t));
    this.changed();
  }

  /** Puts members of the org on the team (all or none); one already on it is fine. */
  addToTeam(orgId: string, teamId: string, users: string[]): void {
    this.store.team(orgId, teamId);
    if (users.length === 0) throw missingAttribute("id");
    const members = users.map((u) => this.member(orgId, u));
    this.checkTeamSize(teamId, members);
    for (const member of members) if (!member.teamIds.includes(teamId)) member.teamIds.push(teamId);
    this.changed();
  }

  /** Takes a member off the team; refused for its last user unless `emptyTeams` is "allow". */
  removeFromTeam(orgId: string, teamId: string, user: string): void {
    this.store.team(orgId, teamId);
    const member = this.member(orgId, user);
    if (!member.teamIds.includes(teamId)) throw teamMemberNotFound(member.id, teamId);
    this.checkNotLastTeamUser(teamId, member);
    member.teamIds = member.teamIds.filter((t) => t !== teamId);
    this.changed();
  }

  /** The member's teams in this org become exactly `teamIds` (other orgs' teams stay), under the team rules. */
  setTeams(orgId: string, user: string, teamIds: string[]): UserRecord {
    const member = this.member(orgId, user);
    const wanted = this.store.validateTeamIds(orgId, teamIds);
    const orgTeams = this.orgTeamIds(orgId);
    const current = member.teamIds.filter((t) => orgTeams.has(t));
    for (const teamId of wanted) if (!current.includes(teamId)) this.checkTeamSize(teamId, [member]);
    for (const teamId of current) if (!wanted.includes(teamId)) this.checkNotLastTeamUser(teamId, member);
    member.teamIds = [...member.teamIds.filter((t) => !orgTeams.has(t)), ...wanted];
    this.changed();
    return narrow(orgId, member, orgTeams);
  }

  /** Adds teams to the member's teams in this org. */
  addTeams(orgId: string, user: string, teamIds: string[]): UserRecord {
    const current = this.orgMember(orgId, user).teamIds;
    return this.setTeams(orgId, user, [...current, ...this.store.validateTeamIds(orgId, teamIds)]);
  }

  /** Removes teams from the member's teams in this org; a team the member is not on is ignored. */
  removeTeams(orgId: string, user: string, teamIds: string[]): UserRecord {
    const current = this.orgMember(orgId, user).teamIds;
    const dropped = new Set(this.store.validateTeamIds(orgId, teamIds));
    return this.setTeams(
      orgId,
      user,
      current.filter((t) => !dropped.has(t)),
    );
  }

  /** The stored member: by id, else by username (case-insensitive); 404 USER_NOT_FOUND unless it has a role in the org. */
  private member(orgId: string, user: string): UserRecord {
    this.store.org(orgId);
    const lower = user.toLowerCase();
    const users = this.data().users;
    const found = users.find((u) => u.id === user) ?? users.find((u) => u.username.toLowerCase() === lower);
    if (!found?.roles.some((r) => r.orgId === orgId)) throw memberNotFound(user, orgId);
    return found;
  }

  private orgTeamIds(orgId: string): Set<string> {
    return new Set(
      this.data()
        .teams.filter((t) => t.orgId === orgId)
        .map((t) => t.id),
    );
  }

  /** The member holds ORG_OWNER in the org and no other user does. */
  private isLastOwner(orgId: string, member: UserRecord): boolean {
    const owns = (u: UserRecord): boolean => u.roles.some((r) => r.orgId === orgId && r.roleName === OWNER_ROLE);
    return owns(member) && !this.data().users.some((u) => u !== member && owns(u));
  }

  private checkTeamSize(teamId: string, adding: UserRecord[]): void {
    const on = new Set(
      this.data()
        .users.filter((u) => u.teamIds.includes(teamId))
        .map((u) => u.id),
    );
    for (const member of adding) on.add(member.id);
    if (on.size > MAX_USERS_PER_TEAM) throw maxUsersPerTeamExceeded(teamId, MAX_USERS_PER_TEAM);
  }

  private checkNotLastTeamUser(teamId: string, member: UserRecord): void {
    if (this.store.settings.emptyTeams === "allow") return;
    if (!this.data().users.some((u) => u !== member && u.teamIds.includes(teamId))) throw cannotRemoveLastUserFromTeam(teamId);
  }

  /** Users who belong to at least one org. */
  all(): UserRecord[] {
    return this.data()
      .users.filter((u) => u.roles.length > 0)
      .map((u) => structuredClone(u));
  }

  /** Adds the user (created if new) to the org with these roles and teams; existing roles there are kept. */
  join(orgId: string, username: string, roles: string[], teamIds: string[], profile: AcceptProfile): UserRecord {
    const lower = username.toLowerCase();
    let user = this.data().users.find((u) => u.username.toLowerCase() === lower);
    if (!user) {
      const names = namesFromEmail(username);
      user = {
        id: newObjectId(),
        username,
        emailAddress: profile.emailAddress ?? username,
        firstName: profile.firstName ?? names.firstName,
        lastName: profile.lastName ?? names.lastName,
        country: profile.country ?? DEFAULT_COUNTRY,
        mobileNumber: profile.mobileNumber ?? "",
        teamIds: [],
        roles: [],
      };
      this.data().users.push(user);
    }
    const orgRoles = new Set(user.roles.filter((r) => r.orgId === orgId).map((r) => r.roleName));
    for (const role of roles) orgRoles.add(role);
    user.roles = [...user.roles.filter((r) => r.orgId !== orgId), ...[...orgRoles].map((roleName) => ({ orgId, roleName }))];
    user.teamIds = [...new Set([...user.teamIds, ...teamIds])];
    return structuredClone(user);
  }
}

/** What a profile holds besides the username. */
const PROFILE_FIELDS = ["firstName", "lastName", "country", "mobileNumber", "emailAddress"] as const;

/** A profile's values are strings; its emailAddress, when given, an email address (400 INVALID_EMAIL_ADDRESS). */
export function checkProfile(profile: AcceptProfile): void {
  for (const field of PROFILE_FIELDS) {
    const value: unknown = profile[field];
    if (value !== undefined && typeof value !== "string") throw invalidAttribute(field);
  }
  if (profile.emailAddress !== undefined && !isEmail(profile.emailAddress)) throw invalidEmail(profile.emailAddress);
}

/** A user with its roles and teams narrowed to one org. */
function narrow(orgId: string, user: UserRecord, orgTeams: Set<string>): UserRecord {
  return {
    ...structuredClone(user),
    roles: user.roles.filter((r) => r.orgId === orgId).map((r) => ({ ...r })),
    teamIds: user.teamIds.filter((t) => orgTeams.has(t)),
  };
}

function namesFromEmail(email: string): { firstName: string; lastName: string } {
  const local = email.split("@")[0] ?? email;
  const parts = local.split(/[._+-]+/).filter(Boolean);
  const cap = (s: string): string => s.charAt(0).toUpperCase() + s.slice(1);
  return { firstName: cap(parts[0] ?? local), lastName: parts.length > 1 ? cap(parts.slice(1).join(" ")) : "User" };
}
