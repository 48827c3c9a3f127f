// Each rule's settings: their JSON schema (the CLI validates `--policy-pack-config` against it and fills
// in the defaults) and the reader the rule uses, which applies the same defaults itself and refuses a
// setting it does not know (a misspelt "domain" must not silently turn a rule off).

import type { PolicyConfigSchema } from "@pulumi/policy";

export interface DomainsConfig {
  /** Allowed domains: "example.com" (exactly) or "*.example.com" (any subdomain). Empty: the rule checks nothing. */
  domains: string[];
  /** Usernames allowed whatever their domain (break-glass accounts, API-key users). */
  allowedUsernames: string[];
}

export interface OrgOwnersConfig {
  maxOrgOwners: number;
}

export interface ProjectOwnersConfig {
  maxProjectOwners: number;
}

export interface InvitationRolesConfig {
  roles: string[];
}

export interface OrgRosterConfig {
  /** Organizations whose OrgRoster another stack declares (docs/several-stacks.md): not asked of this one. */
  rosterElsewhere: string[];
}

const stringList = (description: string, defaults: string[]) => ({
  type: "array" as const,
  items: { type: "string" as const },
  default: defaults,
  description,
});

export const DEFAULTS = {
  domains: { domains: [], allowedUsernames: [] } satisfies DomainsConfig,
  orgOwners: { maxOrgOwners: 3 } satisfies OrgOwnersConfig,
  projectOwners: { maxProjectOwners: 3 } satisfies ProjectOwnersConfig,
  invitationRoles: { roles: ["ORG_OWNER"] } satisfies InvitationRolesConfig,
  orgRoster: { rosterElsewhere: [] } satisfies OrgRosterConfig,
} as const;

export const SCHEMAS = {
  domains: {
    properties: {
      domains: stringList('Allowed username domains: "example.com" exactly, "*.example.com" any subdomain. Empty: nothing is checked.', [
        ...DEFAULTS.domains.domains,
      ]),
      allowedUsernames: stringList("Usernames allowed whatever their domain (break-glass accounts, API-key users).", [
        ...DEFAULTS.domains.allowedUsernames,
      ]),
    },
  },
  orgOwners: {
    properties: {
      maxOrgOwners: {
        type: "integer",
        minimum: 1,
        default: DEFAULTS.orgOwners.maxOrgOwners,
        description: "The most people declared with ORG_OWNER per organization.",
      },
    },
  },
  projectOwners: {
    properties: {
      maxProjectOwners: {
        type: "integer",
        minimum: 1,
        default: DEFAULTS.projectOwners.maxProjectOwners,
        description: "The most people and teams declared with GROUP_OWNER per project.",
      },
    },
  },
  invitationRoles: {
    properties: {
      roles: stringList("Roles an OrgInvitation may not grant.", [...DEFAULTS.invitationRoles.roles]),
    },
  },
  orgRoster: {
    properties: {
      rosterElsewhere: stringList("Organization ids whose OrgRoster another stack declares.", [...DEFAULTS.orgRoster.rosterElsewhere]),
    },
  },
} satisfies Record<string, PolicyConfigSchema>;

type Settings = Record<string, unknown>;

const quoted = (keys: string[]): string => keys.map((k) => `"${k}"`).join(", ");

/** Fails on a setting the rule does not know, naming the ones it does. */
function onlyKnown(policy: string, given: Settings, known: string[]): void {
  const unknown = Object.keys(given).filter((k) => !known.includes(k));
  if (unknown.length === 0) return;
  const settings =
    known.length === 0 ? `it has no setting but "enforcementLevel"` : `its settings are ${quoted(known)} (and "enforcementLevel")`;
  throw new Error(`policy config of ${policy}: unknown setting ${quoted(unknown)}; ${settings}. See docs/policy.md.`);
}

function listSetting(policy: string, given: Settings, key: string, fallback: readonly string[]): string[] {
  const v = given[key];
  if (v === undefined) return [...fallback];
  if (!Array.isArray(v) || !v.every((x): x is string => typeof x === "string")) {
    throw new Error(`policy config of ${policy}: "${key}" must be a list of strings`);
  }
  return v;
}

function countSetting(policy: string, given: Settings, key: string, fallback: number): number {
  const v = given[key];
  if (v === undefined) return fallback;
  if (typeof v !== "number" || !Number.isInteger(v) || v < 1) {
    throw new Error(`policy config of ${policy}: "${key}" must be a whole number of at least 1`);
  }
  return v;
}

export function domainsConfig(policy: string, given: Settings): DomainsConfig {
  onlyKnown(policy, given, ["domains", "allowedUsernames"]);
  return {
    domains: listSetting(policy, given, "domains", DEFAULTS.domains.domains),
    allowedUsernames: listSetting(policy, given, "allowedUsernames", DEFAULTS.domains.allowedUsernames),
  };
}

export function orgOwnersConfig(policy: string, given: Settings): OrgOwnersConfig {
  onlyKnown(policy, given, ["maxOrgOwners"]);
  return { maxOrgOwners: countSetting(policy, given, "maxOrgOwners", DEFAULTS.orgOwners.maxOrgOwners) };
}

export function projectOwnersConfig(policy: string, given: Settings): ProjectOwnersConfig {
  onlyKnown(policy, given, ["maxProjectOwners"]);
  return { maxProjectOwners: countSetting(policy, given, "maxProjectOwners", DEFAULTS.projectOwners.maxProjectOwners) };
}

export function invitationRolesConfig(policy: string, given: Settings): InvitationRolesConfig {
  onlyKnown(policy, given, ["roles"]);
  return { roles: listSetting(policy, given, "roles", DEFAULTS.invitationRoles.roles) };
}

export function orgRosterConfig(policy: string, given: Settings): OrgRosterConfig {
  onlyKnown(policy, given, ["rosterElsewhere"]);
  return { rosterElsewhere: listSetting(policy, given, "rosterElsewhere", DEFAULTS.orgRoster.rosterElsewhere) };
}

/** A rule without settings. */
export function noSettings(policy: string, given: Settings): void {
  onlyKnown(policy, given, []);
}
