// The OrgInvitation resource's model: its property shapes and the ONE way each is read from the
// plain property bags the engine hands the provider. check, diff and every lifecycle step read
// through these functions; nothing else parses a bag.

import type { ParsedResourceId } from "./resource-id";

/** Where an invitation stands, as this resource records it (decided in ./invitation-status). */
export type OrgInvitationStatus = "PENDING" | "ACCEPTED" | "EXPIRED" | "REVOKED";

export const ORG_INVITATION_STATUSES: readonly OrgInvitationStatus[] = ["PENDING", "ACCEPTED", "EXPIRED", "REVOKED"];

/**
 * The resource's URN, put into its inputs by the resource class and kept in its outputs: the engine
 * passes dynamic providers no URN, and the provider must know which resource a call is for
 * (./deployment-ledger). Bookkeeping like `__provider`, not part of the resource's model.
 */
export const URN_KEY = "__urn";

/** The placeholder the engine puts where a value is unknown at preview (`pulumi.runtime.unknownValue`). */
export const UNKNOWN = "04da6b54-80e4-46f7-96ec-b56ff0331ba9";

export function isUnknown(value: unknown): value is typeof UNKNOWN {
  return value === UNKNOWN;
}

/** A property bag as the engine passes it to a dynamic provider (it also carries `__provider`). */
export type PropertyBag = Record<string, unknown>;

// Type aliases, not interfaces: an alias is assignable to `PropertyBag` (the engine's plain objects).

/** The inputs after `check`: validated and normalized (roles sorted and deduplicated, teamIds sorted). */
export type OrgInvitationInputs = {
  orgId: string;
  username: string;
  roles: string[];
  teamIds: string[];
};

/**
 * Everything stored in state. It carries every input because the engine gives `diff`, `update` and
 * `delete` the OLD OUTPUTS, never the old inputs.
 */
export type OrgInvitationOutputs = OrgInvitationInputs & {
  status: OrgInvitationStatus;
  /** Absent when nothing was sent because the user already was a member. */
  invitationId?: string;
  createdAt?: string;
  expiresAt?: string;
  inviterUsername?: string;
  orgName?: string;
};

/** What state holds, typed; a `get` may hold nothing but the id. */
export type StoredInvitation = Partial<OrgInvitationOutputs> & { orgId: string };

/** An input as preview may see it: known, or not known yet. */
export type Planned<T> = T | typeof UNKNOWN;

/** The inputs as `diff` sees them (preview): each value, or a list element, may not be known yet. */
export interface PlannedInputs {
  orgId: Planned<string | undefined>;
  username: Planned<string | undefined>;
  roles: Planned<readonly string[]>;
  teamIds: Planned<readonly string[]>;
}

/** The checked inputs at create/update time, when every value is known. */
export function inputsOf(bag: PropertyBag): OrgInvitationInputs {
  return {
    orgId: stringOf(bag["orgId"]) ?? "",
    username: stringOf(bag["username"]) ?? "",
    roles: listOf(bag["roles"]) ?? [],
    teamIds: listOf(bag["teamIds"]) ?? [],
  };
}

/** The checked inputs at preview; a list with any unknown element is unknown as a whole. */
export function plannedInputsOf(bag: PropertyBag): PlannedInputs {
  const planned = (value: unknown): Planned<string | undefined> => (isUnknown(value) ? UNKNOWN : stringOf(value));
  const plannedList = (value: unknown): Planned<readonly string[]> => {
    if (value === undefined || value === null) return [];
    if (isUnknown(value) || (Array.isArray(value) && value.some(isUnknown))) return UNKNOWN;
    return listOf(value) ?? [];
  };
  return {
    orgId: planned(bag["orgId"]),
    username: planned(bag["username"]),
    roles: plannedList(bag["roles"]),
    teamIds: plannedList(bag["teamIds"]),
  };
}

/**
 * What state holds for the resource with this id: the id decides the org, the invitation and, for
 * members, the person (`diff` may pass no parsed id; then the stored values stand).
 */
export function storedOf(bag: PropertyBag, parsed?: ParsedResourceId): StoredInvitation {
  const status = ORG_INVITATION_STATUSES.find((s) => s === bag["status"]);
  return compact({
    orgId: parsed?.orgId ?? stringOf(bag["orgId"]) ?? "",
    username: stringOf(bag["username"]) ?? (parsed?.kind === "member" ? parsed.username : undefined),
    roles: listOf(bag["roles"]),
    teamIds: listOf(bag["teamIds"]),
    invitationId: parsed === undefined ? stringOf(bag["invitationId"]) : parsed.kind === "invitation" ? parsed.invitationId : undefined,
    status,
    createdAt: stringOf(bag["createdAt"]),
    expiresAt: stringOf(bag["expiresAt"]),
    inviterUsername: stringOf(bag["inviterUsername"]),
    orgName: stringOf(bag["orgName"]),
  });
}

/** The resource's URN from a bag (inputs or stored outputs), when it carries one. */
export function urnOf(bag: PropertyBag): string | undefined {
  const urn = bag[URN_KEY];
  return typeof urn === "string" && urn.startsWith("urn:pulumi:") ? urn : undefined;
}

/** Equal as sets (order and repeats ignored); `ignoreCase` for team ids, which are hex. */
export function sameSet(a: readonly string[], b: readonly string[], ignoreCase = false): boolean {
  const norm = (list: readonly string[]) => [...new Set(list.map((x) => (ignoreCase ? x.toLowerCase() : x)))].sort();
  const x = norm(a);
  const y = norm(b);
  return x.length === y.length && x.every((v, i) => v === y[i]);
}

/** Drops undefined values: the engine's property encoding has no `undefined`. */
export function compact<T extends object>(value: T): T {
  return Object.fromEntries(Object.entries(value).filter(([, v]) => v !== undefined)) as T;
}

/** A bag value as a string, or undefined. */
export function stringOf(value: unknown): string | undefined {
  return typeof value === "string" ? value : undefined;
}

/** A bag value as a list of strings (other entries dropped), or undefined when it is no list. */
export function listOf(value: unknown): string[] | undefined {
  return Array.isArray(value) ? value.filter((x): x is string => typeof x === "string") : undefined;
}
