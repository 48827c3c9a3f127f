// Organization members: users, the orgs they belong to with which roles, and their teams.
import { invalidEmail, missingAttribute } from "./errors";
import { newObjectId } from "./ids";
import { isEmail } from "./org-roles";
import type { StoreData } from "./store-data";
import type { AcceptProfile, AddOrgUserInput, Organization, UserRecord } from "./types";

export const DEFAULT_COUNTRY = "US";

/** What members need from the rest of the store. */
export interface MemberStoreContext {
  org(orgId: string): Organization;
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
    if (!Array.isArray(input.roles) || input.roles.length === 0) throw missingAttribute("roles");
    const roles = this.store.validateRoles(input.roles);
    const teamIds = this.store.validateTeamIds(orgId, input.teamIds ?? []);
    const user = this.join(orgId, input.username, roles, teamIds, input);
    this.changed();
    return user;
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
    this.store.org(orgId);
    const orgTeams = new Set(
      this.data()
        .teams.filter((t) => t.orgId === orgId)
        .map((t) => t.id),
    );
    return this.data()
      .users.filter((u) => u.roles.some((r) => r.orgId === orgId))
      .map((u) => ({
        ...structuredClone(u),
        roles: u.roles.filter((r) => r.orgId === orgId).map((r) => ({ ...r })),
        teamIds: u.teamIds.filter((t) => orgTeams.has(t)),
      }));
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
        emailAddress: username,
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

function namesFromEmail(email: string): { firstName: string; lastName: string } {
  const local = email.split("@")[0] ?? email;
  const parts = local.split(/[._+-]+/).filter(Boolean);
  const cap = (s: string): string => s.charAt(0).toUpperCase() + s.slice(1);
  return { firstName: cap(parts[0] ?? local), lastName: parts.length > 1 ? cap(parts.slice(1).join(" ")) : "User" };
}
