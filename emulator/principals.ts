// API keys and service accounts: who may call, with which org roles, from where.
// Secrets are kept only as digests: the key's Digest HA1, the account secret's SHA-256.
import { isAccessListEntry } from "./access-list";
import { digestHa1 } from "./digest-verifier";
import { invalidAttribute } from "./errors";
import { isObjectId, newClientId, newClientSecret, newPrivateKey, newPublicKey } from "./ids";
import { secretDigest, secretMatches } from "./secrets";
import type { StoreData, StoredApiKey, StoredServiceAccount } from "./store-data";
import type {
  ApiKeyCredentials,
  ApiKeyInput,
  OrgRoleGrant,
  PrincipalSummary,
  ServiceAccountCredentials,
  ServiceAccountInput,
} from "./types";

export class Principals {
  constructor(
    private readonly data: () => StoreData,
    private readonly changed: () => void,
    private readonly validateRoles: (roles: string[]) => string[],
  ) {}

  addApiKey(input: ApiKeyInput): ApiKeyCredentials {
    const publicKey = input.publicKey ?? newPublicKey();
    const privateKey = input.privateKey ?? newPrivateKey();
    if (typeof publicKey !== "string" || publicKey === "" || publicKey.includes(":")) throw invalidAttribute("publicKey");
    if (typeof privateKey !== "string" || privateKey === "") throw invalidAttribute("privateKey");
    const orgRoles = this.validateGrants(input.orgRoles ?? []);
    const accessList = validateAccessList(input.accessList ?? []);
    const key: StoredApiKey = { publicKey, name: input.name ?? publicKey, ha1: digestHa1(publicKey, privateKey), orgRoles, accessList };
    this.data().apiKeys = [...this.data().apiKeys.filter((k) => k.publicKey !== publicKey), key];
    this.changed();
    return { publicKey, privateKey, name: key.name, orgRoles: structuredClone(orgRoles), accessList: [...accessList] };
  }

  removeApiKey(publicKey: string): boolean {
    const before = this.data().apiKeys.length;
    this.data().apiKeys = this.data().apiKeys.filter((k) => k.publicKey !== publicKey);
    this.changed();
    return this.data().apiKeys.length < before;
  }

  apiKeyHa1(publicKey: string): string | undefined {
    return this.data().apiKeys.find((k) => k.publicKey === publicKey)?.ha1;
  }

  apiKey(publicKey: string): PrincipalSummary | undefined {
    const key = this.data().apiKeys.find((k) => k.publicKey === publicKey);
    return (
      key && { kind: "apiKey", id: key.publicKey, name: key.name, orgRoles: structuredClone(key.orgRoles), accessList: [...key.accessList] }
    );
  }

  addServiceAccount(input: ServiceAccountInput): ServiceAccountCredentials {
    const clientId = input.clientId ?? newClientId();
    const clientSecret = input.clientSecret ?? newClientSecret();
    if (typeof clientId !== "string" || clientId === "" || clientId.includes(":")) throw invalidAttribute("clientId");
    if (typeof clientSecret !== "string" || clientSecret === "") throw invalidAttribute("clientSecret");
    const orgRoles = this.validateGrants(input.orgRoles ?? []);
    const accessList = validateAccessList(input.accessList ?? []);
    const account: StoredServiceAccount = {
      clientId,
      name: input.name ?? clientId,
      secretDigest: secretDigest(clientSecret),
      orgRoles,
      accessList,
    };
    this.data().serviceAccounts = [...this.data().serviceAccounts.filter((a) => a.clientId !== clientId), account];
    this.changed();
    return { clientId, clientSecret, name: account.name, orgRoles: structuredClone(orgRoles), accessList: [...accessList] };
  }

  removeServiceAccount(clientId: string): boolean {
    const before = this.data().serviceAccounts.length;
    this.data().serviceAccounts = this.data().serviceAccounts.filter((a) => a.clientId !== clientId);
    this.changed();
    return this.data().serviceAccounts.length < before;
  }

  /** The account when the secret is right (constant-time compare), else undefined. */
  verifyServiceAccount(clientId: string, clientSecret: string): PrincipalSummary | undefined {
    const account = this.data().serviceAccounts.find((a) => a.clientId === clientId);
    // Compare even for an unknown id so timing does not reveal which ids exist.
    const ok = secretMatches(clientSecret, account?.secretDigest ?? "0".repeat(64));
    return ok && account ? this.serviceAccount(clientId) : undefined;
  }

  serviceAccount(clientId: string): PrincipalSummary | undefined {
    const a = this.data().serviceAccounts.find((s) => s.clientId === clientId);
    return (
      a && { kind: "serviceAccount", id: a.clientId, name: a.name, orgRoles: structuredClone(a.orgRoles), accessList: [...a.accessList] }
    );
  }

  private validateGrants(grants: OrgRoleGrant[]): OrgRoleGrant[] {
    if (!Array.isArray(grants)) throw invalidAttribute("orgRoles");
    return grants.map((g) => {
      if (typeof g !== "object" || g === null || typeof g.orgId !== "string" || !Array.isArray(g.roles)) throw invalidAttribute("orgRoles");
      if (!isObjectId(g.orgId)) throw invalidAttribute("orgRoles", `${g.orgId} is not an org id.`);
      return { orgId: g.orgId, roles: this.validateRoles(g.roles.map(String)) };
    });
  }
  summaries(): { apiKeys: PrincipalSummary[]; serviceAccounts: PrincipalSummary[] } {
    return {
      apiKeys: this.data().apiKeys.map((k) => this.apiKey(k.publicKey) as PrincipalSummary),
      serviceAccounts: this.data().serviceAccounts.map((a) => this.serviceAccount(a.clientId) as PrincipalSummary),
    };
  }
}

function validateAccessList(entries: string[]): string[] {
  if (!Array.isArray(entries) || entries.some((e) => typeof e !== "string" || !isAccessListEntry(e.trim()))) {
    throw invalidAttribute("accessList", "Entries are IP addresses or CIDR blocks.");
  }
  return entries.map((e) => e.trim());
}
