// The typed handle on a running emulator: the same operations as the HTTP control plane.
import type { EmulatorCore } from "./core";
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
  RateLimitOptions,
  RequestLogEntry,
  ServiceAccountCredentials,
  ServiceAccountInput,
  StateSnapshot,
  Team,
  UserRecord,
} from "./types";

export class EmulatorState {
  constructor(private readonly core: EmulatorCore) {}

  // ---- reading ----

  /** Orgs, teams, every stored invitation (pending, accepted, expired) with its status, members, principals. */
  snapshot(): StateSnapshot {
    return this.core.store.snapshot();
  }

  /** Stored invitations of one org (or all), including accepted and expired ones. */
  invitations(orgId?: string): (InvitationRecord & { status: "pending" | "accepted" | "expired" })[] {
    return this.core.store.allInvitations().filter((i) => orgId === undefined || i.orgId === orgId);
  }

  /** What `GET /orgs/{orgId}/invites` would answer right now. */
  pendingInvitations(orgId: string, username?: string): InvitationView[] {
    return this.core.store.listInvitations(orgId, username);
  }

  /** Members of one org (roles narrowed to it), or every user who belongs to some org. */
  members(orgId?: string): UserRecord[] {
    return orgId === undefined ? this.core.store.members.all() : this.core.store.members.orgUsers(orgId);
  }

  orgs(): Organization[] {
    return this.core.store.orgs();
  }

  teams(orgId?: string): Team[] {
    return this.core.store.teams(orgId);
  }

  // ---- shaping the world ----

  createOrg(input: { name: string; id?: string }): Organization {
    return this.core.store.createOrg(input);
  }

  createTeam(orgId: string, input: { name: string; id?: string }): Team {
    return this.core.store.createTeam(orgId, input);
  }

  /** Adds a member directly, as if they had accepted an invitation long ago. */
  addOrgUser(orgId: string, input: AddOrgUserInput): UserRecord {
    return this.core.store.members.addOrgUser(orgId, input);
  }

  /** The invitation disappears from the API and its user becomes a member with its roles and teams. */
  acceptInvitation(orgId: string, invitationId: string, profile?: AcceptProfile): UserRecord {
    return this.core.store.acceptInvitation(orgId, invitationId, profile);
  }

  /** Moves the invitation's `expiresAt` into the past. */
  expireInvitation(orgId: string, invitationId: string): InvitationRecord {
    return this.core.store.expireInvitation(orgId, invitationId);
  }

  addApiKey(input: ApiKeyInput = {}): ApiKeyCredentials {
    return this.core.store.principals.addApiKey(input);
  }

  removeApiKey(publicKey: string): boolean {
    return this.core.store.principals.removeApiKey(publicKey);
  }

  addServiceAccount(input: ServiceAccountInput = {}): ServiceAccountCredentials {
    return this.core.store.principals.addServiceAccount(input);
  }

  removeServiceAccount(clientId: string): boolean {
    this.core.tokens.forgetClient(clientId);
    return this.core.store.principals.removeServiceAccount(clientId);
  }

  settings(): EmulatorSettings {
    return this.core.store.settings;
  }

  updateSettings(settings: Partial<EmulatorSettings>): EmulatorSettings {
    return this.core.store.updateSettings(settings);
  }

  // ---- auth state ----

  /** Every nonce issued so far is stale from now on. Returns how many were still live. */
  expireNonces(): number {
    return this.core.verifier.expireAll();
  }

  /** Every access token issued so far is expired from now on. Returns how many were still live. */
  expireTokens(): number {
    return this.core.tokens.expireAll();
  }

  // ---- faults and rate limits ----

  addFault(spec: FaultSpec): FaultInfo {
    return this.core.faults.add(spec);
  }

  faults(): FaultInfo[] {
    return this.core.faults.list();
  }

  clearFaults(): void {
    this.core.faults.clear();
  }

  /** Replaces the rate limits; `{}` turns both off. */
  setRateLimits(limits: RateLimitOptions): RateLimitOptions {
    return this.core.limiter.configure(limits);
  }

  rateLimits(): RateLimitOptions {
    return this.core.limiter.current();
  }

  // ---- request log ----

  requests(): RequestLogEntry[] {
    return this.core.requestLog.list();
  }

  clearRequests(): void {
    this.core.requestLog.clear();
  }

  /**
   * Back to the start: only the seeded org, key and service account; no faults; rate limits as
   * configured at start; empty request log. Issued nonces and tokens of the seeded principals stay
   * valid, so a client's cached challenge or token keeps working across tests.
   */
  reset(): void {
    this.core.store.replace(this.core.seedData);
    this.core.faults.clear();
    this.core.limiter.configure(this.core.initialRateLimits);
    this.core.requestLog.clear();
  }
}
