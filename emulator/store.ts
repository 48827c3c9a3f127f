// The store: the emulator's data (store-data.ts) and every rule that reads or changes it. Orgs and
// invitations are here; members are in members.ts, teams in org-teams.ts, projects and their teams in
// projects.ts, a project's users in project-users.ts, project invitations in project-invitations.ts,
// keys and service accounts in principals.ts.
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
import { isObjectId, isoSeconds, newObjectId } from "./ids";
import { CLOUD_MANAGER_ORG_ROLES, isEmail } from "./org-roles";
import { checkProfile, Members } from "./members";
import { OrgTeams } from "./org-teams";
import { Principals } from "./principals";
import { ProjectInvitations } from "./project-invitations";
import { ProjectUsers } from "./project-users";
import { Projects } from "./projects";
import type { StoreData } from "./store-data";
import type {
  AcceptProfile,
  EmulatorSettings,
  InvitationRecord,
  InvitationView,
  Organization,
  StateSnapshot,
  Team,
  UserRecord,
} from "./types";

const THIRTY_DAYS_MS = 30 * 24 * 3600 * 1000;

export type InvitationStatus = "pending" | "accepted" | "expired";

export class Store {
  private data: StoreData;
  /** Called after every change (persistence hooks in here). */
  onChange: () => void = () => {};
  readonly principals = new Principals(
    () => this.data,
    () => this.onChange(),
    (roles) => this.validateRoles(roles),
  );
  readonly members = new Members(
    () => this.data,
    () => this.onChange(),
    this,
  );
  readonly projects = new Projects(
    () => this.data,
    () => this.onChange(),
    this,
  );
  readonly orgTeams = new OrgTeams(
    () => this.data,
    () => this.onChange(),
    this,
  );
  readonly projectUsers = new ProjectUsers(
    () => this.data,
    () => this.onChange(),
    this,
  );
  readonly projectInvitations = new ProjectInvitations(
    () => this.data,
    () => this.onChange(),
    this,
  );

  constructor(
    data: StoreData,
    private readonly extraRoles: readonly string[] = [],
  ) {
    this.data = withDefaultSettings(structuredClone(data));
  }

  get seedOrgId(): string | undefined {
    return this.data.seedOrgId;
  }

  set seedOrgId(orgId: string | undefined) {
    if (orgId === undefined) delete this.data.seedOrgId;
    else this.data.seedOrgId = orgId;
    this.onChange();
  }

  /** The seeded key and service account of the last start (see StoreData). */
  get seedPrincipals(): { publicKey: string | undefined; clientId: string | undefined } {
    return { publicKey: this.data.seedPublicKey, clientId: this.data.seedClientId };
  }

  set seedPrincipals(seed: { publicKey: string | undefined; clientId: string | undefined }) {
    delete this.data.seedPublicKey;
    delete this.data.seedClientId;
    if (seed.publicKey !== undefined) this.data.seedPublicKey = seed.publicKey;
    if (seed.clientId !== undefined) this.data.seedClientId = seed.clientId;
    this.onChange();
  }

  toData(): StoreData {
    return structuredClone(this.data);
  }

  replace(data: StoreData): void {
    this.data = withDefaultSettings(structuredClone(data));
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
    if (settings.emptyTeams !== undefined && !["reject", "allow"].includes(settings.emptyTeams)) {
      throw invalidAttribute("emptyTeams", 'Use "reject" or "allow".');
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

  /** By hand (control plane): a team with no user yet, under the name and count rules. */
  createTeam(orgId: string, input: { name: string; id?: string }): Team {
    return this.orgTeams.create(orgId, input, false);
  }

  /** A team of this org; 404 RESOURCE_NOT_FOUND for an unknown team or another org's. */
  team(orgId: string, teamId: string): Team {
    return this.orgTeams.get(orgId, teamId);
  }

  teams(orgId?: string): Team[] {
    return this.orgTeams.list(orgId);
  }

  /** Every org role name known here (Cloud Manager's six and the additional ones). */
  get orgRoleNames(): readonly string[] {
    return [...CLOUD_MANAGER_ORG_ROLES, ...this.extraRoles];
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

  createInvitation(
    orgId: string,
    input: { username: string; roles: string[]; teamIds: string[] },
    inviterUsername: string,
  ): InvitationView {
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
    checkProfile(profile);
    inv.acceptedAt = isoSeconds(Date.now());
    const user = this.members.join(orgId, inv.username, inv.roles, inv.teamIds, profile);
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

  snapshot(): StateSnapshot {
    return {
      orgs: this.orgs(),
      teams: this.teams(),
      projects: this.projects.list(),
      invitations: this.allInvitations(),
      projectInvitations: this.projectInvitations.all(),
      members: this.members.all(),
      ...this.principals.summaries(),
      settings: this.settings,
    };
  }
}

/** State files written before a setting (or projects, or project invitations) existed get its default. */
function withDefaultSettings(data: StoreData): StoreData {
  const stored: Partial<EmulatorSettings> = data.settings;
  data.settings = { ...data.settings, emptyTeams: stored.emptyTeams ?? "reject" };
  const projects: StoreData["projects"] | undefined = data.projects;
  data.projects = projects ?? [];
  const projectInvitations: StoreData["projectInvitations"] | undefined = data.projectInvitations;
  data.projectInvitations = projectInvitations ?? [];
  return data;
}
