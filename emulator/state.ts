// The emulator's data: orgs, teams, invitations, users, API keys and service accounts.
// Plain JSON-able records so persistence is a straight dump; secrets only as digests.
import { isAccessListEntry } from "./access-list";
import { digestHa1 } from "./digest-verifier";
import {
  ApiError,
  invalidAttribute,
  invalidEmail,
  invalidEnumValue,
  invitationAlreadyExists,
  invitationNotFound,
  missingAttribute,
  orgNotFound,
  teamNotFound,
} from "./errors";
import { isObjectId, isoSeconds, newClientId, newClientSecret, newObjectId, newPrivateKey, newPublicKey } from "./ids";
import { CLOUD_MANAGER_ORG_ROLES, isEmail } from "./org-roles";
import { secretDigest, secretMatches } from "./secrets";
import type {
  AcceptProfile,
  AddOrgUserInput,
  ApiKeyCredentials,
  ApiKeyInput,
  EmulatorSettings,
  InvitationRecord,
  InvitationView,
  OrgRoleGrant,
  Organization,
  PrincipalSummary,
  ServiceAccountCredentials,
  ServiceAccountInput,
  StateSnapshot,
  Team,
  UserRecord,
} from "./types";

const THIRTY_DAYS_MS = 30 * 24 * 3600 * 1000;

export interface StoredApiKey {
  publicKey: string;
  name: string;
  /** MD5(publicKey:realm:privateKey), enough to verify Digest without keeping the key. */
  ha1: string;
  orgRoles: OrgRoleGrant[];
  accessList: string[];
}

export interface StoredServiceAccount {
  clientId: string;
  name: string;
  secretDigest: string;
  orgRoles: OrgRoleGrant[];
  accessList: string[];
}

export interface StoreData {
  version: 1;
  orgs: Organization[];
  teams: Team[];
  invitations: InvitationRecord[];
  users: UserRecord[];
  apiKeys: StoredApiKey[];
  serviceAccounts: StoredServiceAccount[];
  settings: EmulatorSettings;
  /** The org seeded at first start, reused on later starts without an explicit org id. */
  seedOrgId?: string;
}

export type InvitationStatus = "pending" | "accepted" | "expired";

export function emptyStoreData(settings: EmulatorSettings): StoreData {
  return { version: 1, orgs: [], teams: [], invitations: [], users: [], apiKeys: [], serviceAccounts: [], settings: { ...settings } };
}

export class Store {
  private data: StoreData;
  /** Called after every change (persistence hooks in here). */
  onChange: () => void = () => {};

  constructor(
    data: StoreData,
    private readonly extraRoles: readonly string[] = [],
  ) {
    this.data = structuredClone(data);
  }

  get seedOrgId(): string | undefined {
    return this.data.seedOrgId;
  }

  set seedOrgId(orgId: string | undefined) {
    if (orgId === undefined) delete this.data.seedOrgId;
    else this.data.seedOrgId = orgId;
    this.onChange();
  }

  toData(): StoreData {
    return structuredClone(this.data);
  }

  replace(data: StoreData): void {
    this.data = structuredClone(data);
    this.onChange();
  }

  get settings(): EmulatorSettings {
    return { ...this.data.settings };
  }

  updateSettings(settings: Partial<EmulatorSettings>): EmulatorSettings {
    if (settings.duplicateInvitations !== undefined && !["allow", "reject"].includes(settings.duplicateInvitations)) {
      throw invalidAttribute("duplicateInvitations", 'Use "allow" or "reject".');
    }
    if (settings.expiredInvitations !== undefined && !["hidden", "visible"].includes(settings.expiredInvitations)) {
      throw invalidAttribute("expiredInvitations", 'Use "hidden" or "visible".');
    }
    this.data.settings = { ...this.data.settings, ...settings };
    this.onChange();
    return this.settings;
  }

  // ---- organizations and teams ----

  org(orgId: string): Organization {
    const org = this.data.orgs.find((o) => o.id === orgId);
    if (!org) throw orgNotFound(orgId);
    return { ...org };
  }

  orgs(): Organization[] {
    return this.data.orgs.map((o) => ({ ...o }));
  }

  createOrg(input: { name: string; id?: string }): Organization {
    const id = input.id ?? newObjectId();
    if (!isObjectId(id)) throw invalidAttribute("id", "An org id is 24 lowercase hex characters.");
    if (typeof input.name !== "string" || input.name.trim() === "") throw missingAttribute("name");
    const existing = this.data.orgs.find((o) => o.id === id);
    if (existing) {
      existing.name = input.name;
    } else {
      this.data.orgs.push({ id, name: input.name });
    }
    this.onChange();
    return { id, name: input.name };
  }

  createTeam(orgId: string, input: { name: string; id?: string }): Team {
    this.org(orgId);
    const id = input.id ?? newObjectId();
    if (!isObjectId(id)) throw invalidAttribute("id", "A team id is 24 lowercase hex characters.");
    if (typeof input.name !== "string" || input.name.trim() === "") throw missingAttribute("name");
    if (this.data.teams.some((t) => t.id === id)) throw new ApiError(409, "DUPLICATE_TEAM", `Team ${id} already exists.`, [id]);
    const team = { id, orgId, name: input.name };
    this.data.teams.push(team);
    this.onChange();
    return { ...team };
  }

  teams(orgId?: string): Team[] {
    return this.data.teams.filter((t) => orgId === undefined || t.orgId === orgId).map((t) => ({ ...t }));
  }

  // ---- validation shared by the API and the control plane ----

  validateRoles(roles: string[]): string[] {
    for (const role of roles) {
      if (!CLOUD_MANAGER_ORG_ROLES.includes(role) && !this.extraRoles.includes(role)) throw invalidEnumValue(role, "roles");
    }
    return [...new Set(roles)];
  }

  validateTeamIds(orgId: string, teamIds: string[]): string[] {
    for (const teamId of teamIds) {
      if (!isObjectId(teamId)) throw invalidAttribute("teamIds", `${teamId} is not a team id.`);
      if (!this.data.teams.some((t) => t.id === teamId && t.orgId === orgId)) throw teamNotFound(teamId);
    }
    return [...new Set(teamIds)];
  }

  // ---- invitations ----

  invitationStatus(inv: InvitationRecord, now = Date.now()): InvitationStatus {
    if (inv.acceptedAt !== undefined) return "accepted";
    return Date.parse(inv.expiresAt) <= now ? "expired" : "pending";
  }

  /** What the API may show: pending ones, plus expired ones when settings say "visible". */
  private apiVisible(inv: InvitationRecord): boolean {
    const status = this.invitationStatus(inv);
    return status === "pending" || (status === "expired" && this.data.settings.expiredInvitations === "visible");
  }

  view(inv: InvitationRecord): InvitationView {
    return {
      createdAt: inv.createdAt,
      expiresAt: inv.expiresAt,
      id: inv.id,
      inviterUsername: inv.inviterUsername,
      orgId: inv.orgId,
      orgName: this.data.orgs.find((o) => o.id === inv.orgId)?.name ?? "",
      roles: [...inv.roles],
      teamIds: [...inv.teamIds],
      username: inv.username,
    };
  }

  listInvitations(orgId: string, username?: string): InvitationView[] {
    this.org(orgId);
    const wanted = username?.toLowerCase();
    return this.data.invitations
      .filter((i) => i.orgId === orgId && this.apiVisible(i) && (wanted === undefined || i.username.toLowerCase() === wanted))
      .map((i) => this.view(i));
  }

  getInvitation(orgId: string, id: string): InvitationView {
    return this.view(this.visibleInvitation(orgId, id));
  }

  createInvitation(orgId: string, input: { username: string; roles: string[]; teamIds: string[] }, inviterUsername: string): InvitationView {
    this.org(orgId);
    if (!isEmail(input.username)) throw invalidEmail(input.username);
    if (input.roles.length === 0) throw missingAttribute("roles");
    const roles = this.validateRoles(input.roles);
    const teamIds = this.validateTeamIds(orgId, input.teamIds);
    if (this.data.settings.duplicateInvitations === "reject") {
      const lower = input.username.toLowerCase();
      const dup = this.data.invitations.some(
        (i) => i.orgId === orgId && i.username.toLowerCase() === lower && this.invitationStatus(i) === "pending",
      );
      if (dup) throw invitationAlreadyExists(input.username);
    }
    const now = Date.now();
    const record: InvitationRecord = {
      id: newObjectId(),
      orgId,
      username: input.username,
      roles,
      teamIds,
      inviterUsername,
      createdAt: isoSeconds(now),
      expiresAt: isoSeconds(now + THIRTY_DAYS_MS),
    };
    this.data.invitations.push(record);
    this.onChange();
    return this.view(record);
  }

  updateInvitationRoles(orgId: string, id: string, roles: string[]): InvitationView {
    const inv = this.visibleInvitation(orgId, id);
    if (roles.length === 0) throw missingAttribute("roles");
    inv.roles = this.validateRoles(roles);
    this.onChange();
    return this.view(inv);
  }

  /** Updates every visible invitation for the username; answers with the most recent one. */
  updateInvitationByUsername(orgId: string, username: string, roles: string[]): InvitationView {
    this.org(orgId);
    if (!isEmail(username)) throw invalidEmail(username);
    if (roles.length === 0) throw missingAttribute("roles");
    const validated = this.validateRoles(roles);
    const lower = username.toLowerCase();
    const matches = this.data.invitations.filter((i) => i.orgId === orgId && i.username.toLowerCase() === lower && this.apiVisible(i));
    const latest = matches.at(-1);
    if (!latest) throw new ApiError(404, "RESOURCE_NOT_FOUND", `Cannot find resource invitation for ${username}.`, [username]);
    for (const inv of matches) inv.roles = [...validated];
    this.onChange();
    return this.view(latest);
  }

  deleteInvitation(orgId: string, id: string): void {
    const inv = this.visibleInvitation(orgId, id);
    this.data.invitations = this.data.invitations.filter((i) => i !== inv);
    this.onChange();
  }

  /** Control plane: the invited user joins the org with the invitation's roles and teams. */
  acceptInvitation(orgId: string, id: string, profile: AcceptProfile = {}): UserRecord {
    this.org(orgId);
    const inv = this.data.invitations.find((i) => i.orgId === orgId && i.id === id);
    if (!inv || this.invitationStatus(inv) !== "pending") throw invitationNotFound(id);
    inv.acceptedAt = isoSeconds(Date.now());
    const user = this.joinOrg(orgId, inv.username, inv.roles, inv.teamIds, profile);
    this.onChange();
    return user;
  }

  /** Control plane: moves the invitation's expiry into the past. */
  expireInvitation(orgId: string, id: string): InvitationRecord {
    this.org(orgId);
    const inv = this.data.invitations.find((i) => i.orgId === orgId && i.id === id);
    if (!inv || inv.acceptedAt !== undefined) throw invitationNotFound(id);
    const past = isoSeconds(Date.now() - 1000);
    inv.expiresAt = past;
    if (Date.parse(inv.createdAt) > Date.parse(past)) inv.createdAt = past;
    this.onChange();
    return { ...inv };
  }

  allInvitations(): (InvitationRecord & { status: InvitationStatus })[] {
    return this.data.invitations.map((i) => ({ ...structuredClone(i), status: this.invitationStatus(i) }));
  }

  private visibleInvitation(orgId: string, id: string): InvitationRecord {
    this.org(orgId);
    const inv = this.data.invitations.find((i) => i.orgId === orgId && i.id === id);
    if (!inv || !this.apiVisible(inv)) throw invitationNotFound(id);
    return inv;
  }

  // ---- users ----

  addOrgUser(orgId: string, input: AddOrgUserInput): UserRecord {
    this.org(orgId);
    if (typeof input.username !== "string" || !isEmail(input.username)) throw invalidEmail(String(input.username));
    if (!Array.isArray(input.roles) || input.roles.length === 0) throw missingAttribute("roles");
    const roles = this.validateRoles(input.roles);
    const teamIds = this.validateTeamIds(orgId, input.teamIds ?? []);
    const user = this.joinOrg(orgId, input.username, roles, teamIds, input);
    this.onChange();
    return user;
  }

  userByName(username: string): UserRecord | undefined {
    const lower = username.toLowerCase();
    const user = this.data.users.find((u) => u.username.toLowerCase() === lower);
    return user ? structuredClone(user) : undefined;
  }

  /** Members of an org, with roles and teams narrowed to that org. */
  orgUsers(orgId: string): UserRecord[] {
    this.org(orgId);
    const orgTeams = new Set(this.data.teams.filter((t) => t.orgId === orgId).map((t) => t.id));
    return this.data.users
      .filter((u) => u.roles.some((r) => r.orgId === orgId))
      .map((u) => ({
        ...structuredClone(u),
        roles: u.roles.filter((r) => r.orgId === orgId).map((r) => ({ ...r })),
        teamIds: u.teamIds.filter((t) => orgTeams.has(t)),
      }));
  }

  members(): UserRecord[] {
    return this.data.users.filter((u) => u.roles.length > 0).map((u) => structuredClone(u));
  }

  private joinOrg(orgId: string, username: string, roles: string[], teamIds: string[], profile: AcceptProfile): UserRecord {
    const lower = username.toLowerCase();
    let user = this.data.users.find((u) => u.username.toLowerCase() === lower);
    if (!user) {
      const names = namesFromEmail(username);
      user = {
        id: newObjectId(),
        username,
        emailAddress: username,
        firstName: profile.firstName ?? names.firstName,
        lastName: profile.lastName ?? names.lastName,
        teamIds: [],
        roles: [],
      };
      this.data.users.push(user);
    }
    const orgRoles = new Set(user.roles.filter((r) => r.orgId === orgId).map((r) => r.roleName));
    for (const role of roles) orgRoles.add(role);
    user.roles = [...user.roles.filter((r) => r.orgId !== orgId), ...[...orgRoles].map((roleName) => ({ orgId, roleName }))];
    user.teamIds = [...new Set([...user.teamIds, ...teamIds])];
    return structuredClone(user);
  }

  // ---- API keys and service accounts ----

  addApiKey(input: ApiKeyInput): ApiKeyCredentials {
    const publicKey = input.publicKey ?? newPublicKey();
    const privateKey = input.privateKey ?? newPrivateKey();
    if (typeof publicKey !== "string" || publicKey === "" || publicKey.includes(":")) throw invalidAttribute("publicKey");
    if (typeof privateKey !== "string" || privateKey === "") throw invalidAttribute("privateKey");
    const orgRoles = this.validateGrants(input.orgRoles ?? []);
    const accessList = validateAccessList(input.accessList ?? []);
    const key: StoredApiKey = { publicKey, name: input.name ?? publicKey, ha1: digestHa1(publicKey, privateKey), orgRoles, accessList };
    this.data.apiKeys = [...this.data.apiKeys.filter((k) => k.publicKey !== publicKey), key];
    this.onChange();
    return { publicKey, privateKey, name: key.name, orgRoles: structuredClone(orgRoles), accessList: [...accessList] };
  }

  removeApiKey(publicKey: string): boolean {
    const before = this.data.apiKeys.length;
    this.data.apiKeys = this.data.apiKeys.filter((k) => k.publicKey !== publicKey);
    this.onChange();
    return this.data.apiKeys.length < before;
  }

  apiKeyHa1(publicKey: string): string | undefined {
    return this.data.apiKeys.find((k) => k.publicKey === publicKey)?.ha1;
  }

  apiKey(publicKey: string): PrincipalSummary | undefined {
    const key = this.data.apiKeys.find((k) => k.publicKey === publicKey);
    return key && { kind: "apiKey", id: key.publicKey, name: key.name, orgRoles: structuredClone(key.orgRoles), accessList: [...key.accessList] };
  }

  addServiceAccount(input: ServiceAccountInput): ServiceAccountCredentials {
    const clientId = input.clientId ?? newClientId();
    const clientSecret = input.clientSecret ?? newClientSecret();
    if (typeof clientId !== "string" || clientId === "" || clientId.includes(":")) throw invalidAttribute("clientId");
    if (typeof clientSecret !== "string" || clientSecret === "") throw invalidAttribute("clientSecret");
    const orgRoles = this.validateGrants(input.orgRoles ?? []);
    const accessList = validateAccessList(input.accessList ?? []);
    const account: StoredServiceAccount = { clientId, name: input.name ?? clientId, secretDigest: secretDigest(clientSecret), orgRoles, accessList };
    this.data.serviceAccounts = [...this.data.serviceAccounts.filter((a) => a.clientId !== clientId), account];
    this.onChange();
    return { clientId, clientSecret, name: account.name, orgRoles: structuredClone(orgRoles), accessList: [...accessList] };
  }

  removeServiceAccount(clientId: string): boolean {
    const before = this.data.serviceAccounts.length;
    this.data.serviceAccounts = this.data.serviceAccounts.filter((a) => a.clientId !== clientId);
    this.onChange();
    return this.data.serviceAccounts.length < before;
  }

  /** The account when the secret is right (constant-time compare), else undefined. */
  verifyServiceAccount(clientId: string, clientSecret: string): PrincipalSummary | undefined {
    const account = this.data.serviceAccounts.find((a) => a.clientId === clientId);
    // Compare even for an unknown id so timing does not reveal which ids exist.
    const ok = secretMatches(clientSecret, account?.secretDigest ?? "0".repeat(64));
    return ok && account ? this.serviceAccount(clientId) : undefined;
  }

  serviceAccount(clientId: string): PrincipalSummary | undefined {
    const a = this.data.serviceAccounts.find((s) => s.clientId === clientId);
    return a && { kind: "serviceAccount", id: a.clientId, name: a.name, orgRoles: structuredClone(a.orgRoles), accessList: [...a.accessList] };
  }

  snapshot(): StateSnapshot {
    return {
      orgs: this.orgs(),
      teams: this.teams(),
      invitations: this.allInvitations(),
      members: this.members(),
      apiKeys: this.data.apiKeys.map((k) => this.apiKey(k.publicKey) as PrincipalSummary),
      serviceAccounts: this.data.serviceAccounts.map((a) => this.serviceAccount(a.clientId) as PrincipalSummary),
      settings: this.settings,
    };
  }

  private validateGrants(grants: OrgRoleGrant[]): OrgRoleGrant[] {
    if (!Array.isArray(grants)) throw invalidAttribute("orgRoles");
    return grants.map((g) => {
      if (typeof g !== "object" || g === null || typeof g.orgId !== "string" || !Array.isArray(g.roles)) throw invalidAttribute("orgRoles");
      if (!isObjectId(g.orgId)) throw invalidAttribute("orgRoles", `${g.orgId} is not an org id.`);
      return { orgId: g.orgId, roles: this.validateRoles(g.roles.map(String)) };
    });
  }
}

function validateAccessList(entries: string[]): string[] {
  if (!Array.isArray(entries) || entries.some((e) => typeof e !== "string" || !isAccessListEntry(e.trim()))) {
    throw invalidAttribute("accessList", "Entries are IP addresses or CIDR blocks.");
  }
  return entries.map((e) => e.trim());
}

function namesFromEmail(email: string): { firstName: string; lastName: string } {
  const local = email.split("@")[0] ?? email;
  const parts = local.split(/[._+-]+/).filter(Boolean);
  const cap = (s: string): string => s.charAt(0).toUpperCase() + s.slice(1);
  return { firstName: cap(parts[0] ?? local), lastName: parts.length > 1 ? cap(parts.slice(1).join(" ")) : "User" };
}
