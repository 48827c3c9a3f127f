// Public shapes of the emulator: options, the running handle's data, control-plane bodies.
// Kept free of imports from sdk/ on purpose: the emulator is an independent server implementation.

export interface RateLimitOptions {
  /** API requests allowed per organization per window (429 RATE_LIMITED beyond). Off when absent. */
  requestsPerWindow?: number;
  /** Default 60_000. */
  requestWindowMs?: number;
  /**
   * Invitations (POST /orgs/{id}/invites and POST /groups/{id}/invites) allowed per caller IP per window
   * (400 INVITATIONS_RATE_LIMITED_IP beyond).
   */
  invitationsPerWindow?: number;
  /** Default 60_000. */
  invitationWindowMs?: number;
  /** Fixed Retry-After value; default: seconds left in the current window (at least 1). */
  retryAfterSeconds?: number;
}

export type DuplicateInvitations = "allow" | "reject";
export type ExpiredInvitations = "hidden" | "visible";
/**
 * Whether a team may have no user: "reject" refuses removing a team's only user (400
 * CANNOT_REMOVE_LAST_USER_FROM_TEAM) and creating a team without users (400 CANNOT_CREATE_EMPTY_TEAM).
 */
export type EmptyTeams = "reject" | "allow";

export interface EmulatorOptions {
  host?: string;
  port?: number;
  /** Seeded API key, ORG_OWNER of the seeded org; generated when absent. */
  publicKey?: string;
  privateKey?: string;
  /** Seeded organization; a fresh 24-hex id when absent. */
  orgId?: string;
  orgName?: string;
  /** Seeded service account (ORG_OWNER of the seeded org); generated when absent, none when `false`. */
  serviceAccount?: { clientId: string; clientSecret: string } | false;
  /** Default 300. 0 makes every nonce stale at once (useful to test stale handling). */
  nonceLifetimeSeconds?: number;
  /** Default false: refuse a request whose `nc` was already used with that nonce. */
  rejectReusedNonceCount?: boolean;
  /** Default 3600. */
  tokenLifetimeSeconds?: number;
  rateLimits?: RateLimitOptions;
  /** Default "allow"; "reject" answers 409 INVITATION_ALREADY_EXISTS (undocumented upstream). Org and project invitations alike. */
  duplicateInvitations?: DuplicateInvitations;
  /** Default "hidden": an expired invitation answers 404 like an accepted one. Org and project invitations alike. */
  expiredInvitations?: ExpiredInvitations;
  /**
   * Default "reject": removing a team's only user is 400 CANNOT_REMOVE_LAST_USER_FROM_TEAM (as reported in
   * the field) and POST /orgs/{ORG-ID}/teams without usernames 400 CANNOT_CREATE_EMPTY_TEAM.
   */
  emptyTeams?: EmptyTeams;
  /** Org roles accepted on top of Cloud Manager's six (simulates MongoDB adding a role). */
  additionalOrgRoles?: string[];
  /** Default: on only when listening on a loopback address. */
  controlPlane?: boolean;
  /**
   * Host names (besides loopback names and addresses and the address a connection arrived at) the
   * control plane answers to, e.g. a docker-compose service name. Any other Host is refused (DNS rebinding).
   */
  controlPlaneHosts?: string[];
  /** JSON file holding orgs, teams, invitations, users, keys (secrets only as digests); written atomically. */
  persistPath?: string;
  /** One line per API request (no secrets). A throwing `log` is ignored: logging never stops the server. */
  log?: (line: string) => void;
  /**
   * Serve HTTPS with a private CA and a server certificate (localhost, 127.0.0.1, ::1 and `host`) made
   * at start with the `openssl` command, in a temporary folder removed at close. Default false.
   */
  tls?: boolean;
}

export interface Organization {
  id: string;
  name: string;
}

export interface Team {
  id: string;
  orgId: string;
  name: string;
}

/** A team's roles in a project, as `GET /groups/{PROJECT-ID}/teams` lists them (roles sorted, no duplicates). */
export interface ProjectTeamRoles {
  teamId: string;
  roleNames: string[];
}

/** A project (a "group" in the API's paths): it belongs to one org. */
export interface Project {
  id: string;
  orgId: string;
  name: string;
}

/** A project as stored: with the teams assigned to it and their project roles, in assignment order. */
export interface ProjectRecord extends Project {
  teams: ProjectTeamRoles[];
}

/** The invitation as the API shows it (field order is alphabetical on the wire). */
export interface InvitationView {
  createdAt: string;
  expiresAt: string;
  id: string;
  inviterUsername: string;
  orgId: string;
  orgName: string;
  roles: string[];
  teamIds: string[];
  username: string;
}

/** An invitation as the emulator stores it, including accepted and expired ones. */
export interface InvitationRecord {
  id: string;
  orgId: string;
  username: string;
  roles: string[];
  teamIds: string[];
  inviterUsername: string;
  createdAt: string;
  expiresAt: string;
  /** Set once accepted through the control plane; the API no longer shows it. */
  acceptedAt?: string;
}

/** A project invitation as the API shows it (field order is alphabetical on the wire; no orgId, no teamIds). */
export interface ProjectInvitationView {
  createdAt: string;
  expiresAt: string;
  groupId: string;
  groupName: string;
  id: string;
  inviterUsername: string;
  roles: string[];
  username: string;
}

/** A project invitation as the emulator stores it, including accepted and expired ones. */
export interface ProjectInvitationRecord {
  id: string;
  groupId: string;
  username: string;
  /** Project roles, sorted, no duplicates. */
  roles: string[];
  inviterUsername: string;
  createdAt: string;
  expiresAt: string;
  /** Set once accepted through the control plane; the API no longer shows it. */
  acceptedAt?: string;
}

/** Who `GET /groups/{PROJECT-ID}/users` lists besides the users with a direct role in the project. */
export interface ProjectUsersQuery {
  /** Also users who reach the project only through a team assigned to it. */
  flattenTeams?: boolean;
  /** Also the ORG_OWNER and ORG_READ_ONLY members of the project's org (their access is implicit). */
  includeOrgUsers?: boolean;
}

export interface UserRole {
  orgId?: string;
  groupId?: string;
  roleName: string;
}

export interface UserRecord {
  id: string;
  username: string;
  emailAddress: string;
  firstName: string;
  lastName: string;
  /** ISO 3166-1 alpha-2; absent in state files written before it was kept (shown as the default). */
  country?: string;
  mobileNumber?: string;
  teamIds: string[];
  roles: UserRole[];
}

export interface OrgRoleGrant {
  orgId: string;
  roles: string[];
}

export interface ApiKeyInput {
  publicKey?: string;
  privateKey?: string;
  name?: string;
  orgRoles?: OrgRoleGrant[];
  /** IPv4/IPv6 addresses or IPv4 CIDR blocks; empty or absent = any address. */
  accessList?: string[];
}

export interface ApiKeyCredentials {
  publicKey: string;
  privateKey: string;
  name: string;
  orgRoles: OrgRoleGrant[];
  accessList: string[];
}

export interface ServiceAccountInput {
  clientId?: string;
  clientSecret?: string;
  name?: string;
  orgRoles?: OrgRoleGrant[];
  accessList?: string[];
}

export interface ServiceAccountCredentials {
  clientId: string;
  clientSecret: string;
  name: string;
  orgRoles: OrgRoleGrant[];
  accessList: string[];
}

/** Public description of a principal (no secret). */
export interface PrincipalSummary {
  kind: "apiKey" | "serviceAccount";
  id: string;
  name: string;
  orgRoles: OrgRoleGrant[];
  accessList: string[];
}

export type FaultAction =
  | { type: "status"; status: number; retryAfter?: number; errorCode?: string }
  /**
   * `after: "arrival"` (default): the socket is destroyed before anything is done. `after: "handler"`:
   * the request is served as usual (its changes are made) and the answer is lost instead of sent.
   */
  | { type: "drop"; after?: "arrival" | "handler" }
  /** Answered normally after `ms`, or as soon as the faults are cleared (a test's "release"). */
  | { type: "delay"; ms: number };

export interface FaultSpec {
  /** Exact HTTP method (case-insensitive); any when absent. */
  method?: string;
  /** Regular expression tested against the path without the query; any when absent. */
  path?: string;
  /** Fire this many times, then the fault is gone; unlimited when absent. */
  count?: number;
  /** Chance (0..1) that a matching request is hit; 1 when absent. */
  probability?: number;
  /** Seed for the probability draws, so a run is repeatable. */
  seed?: number;
  fault: FaultAction;
}

export interface FaultInfo extends FaultSpec {
  id: number;
  /** How many requests this fault has hit so far. */
  hits: number;
}

export type RequestAuth =
  | { type: "none" }
  | { type: "digest"; username: string; nc: string }
  | { type: "bearer"; clientId: string | null }
  | { type: "basic"; clientId: string };

export interface RequestLogEntry {
  seq: number;
  time: string;
  method: string;
  /** Path without the query string. */
  path: string;
  /** Query string without the `?` ("" when none). */
  query: string;
  /** 0 when the connection was dropped by a fault. */
  status: number;
  auth: RequestAuth;
  remoteAddress: string;
}

export interface EmulatorSettings {
  duplicateInvitations: DuplicateInvitations;
  expiredInvitations: ExpiredInvitations;
  emptyTeams: EmptyTeams;
}

export interface StateSnapshot {
  orgs: Organization[];
  teams: Team[];
  /** Every project with its teams and their project roles. */
  projects: ProjectRecord[];
  /** Every invitation still stored: pending, accepted and expired, each with its status. */
  invitations: (InvitationRecord & { status: "pending" | "accepted" | "expired" })[];
  /** Every project invitation still stored: pending, accepted and expired, each with its status. */
  projectInvitations: (ProjectInvitationRecord & { status: "pending" | "accepted" | "expired" })[];
  /** Users who are members of at least one org. */
  members: UserRecord[];
  apiKeys: PrincipalSummary[];
  serviceAccounts: PrincipalSummary[];
  settings: EmulatorSettings;
}

export interface AddOrgUserInput {
  username: string;
  roles: string[];
  teamIds?: string[];
  firstName?: string;
  lastName?: string;
  /** Default "US". */
  country?: string;
  /** Default "". */
  mobileNumber?: string;
  /** The profile's email address. Default: the username. Only shown: a user is known by the username alone. */
  emailAddress?: string;
}

/**
 * A new user's profile (names from the email's local part, country "US", no mobile number, the username as
 * emailAddress, unless given); also a change to an existing user's profile (`EmulatorState.updateUser`).
 * `emailAddress` may differ from the username (a profile that names someone else): identity is the username.
 */
export interface AcceptProfile {
  firstName?: string;
  lastName?: string;
  country?: string;
  mobileNumber?: string;
  emailAddress?: string;
}
