// The emulator's data as stored and persisted: plain JSON-able records, so the state file is a
// straight dump; secrets only as digests. Internal (not exported by index.ts): the public shapes
// are in types.ts. Only types and the empty value live here, so the parts of the store (store.ts,
// members.ts, principals.ts) and persistence.ts can all use them without importing each other.
import type {
  EmulatorSettings,
  InvitationRecord,
  OrgRoleGrant,
  Organization,
  ProjectInvitationRecord,
  ProjectRecord,
  Team,
  UserRecord,
} from "./types";

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
  /** Absent in state files written before projects existed (read as none). */
  projects: ProjectRecord[];
  invitations: InvitationRecord[];
  /** Absent in state files written before project invitations existed (read as none). */
  projectInvitations: ProjectInvitationRecord[];
  /** A user's direct project roles are among its `roles` (`{groupId, roleName}`). */
  users: UserRecord[];
  apiKeys: StoredApiKey[];
  serviceAccounts: StoredServiceAccount[];
  settings: EmulatorSettings;
  /** The org seeded at first start, reused on later starts without an explicit org id. */
  seedOrgId?: string;
  /** The key and service account seeded at the last start: replaced (not kept) by the next start's. */
  seedPublicKey?: string;
  seedClientId?: string;
}

export function emptyStoreData(settings: EmulatorSettings): StoreData {
  return {
    version: 1,
    orgs: [],
    teams: [],
    projects: [],
    invitations: [],
    projectInvitations: [],
    users: [],
    apiKeys: [],
    serviceAccounts: [],
    settings: { ...settings },
  };
}
