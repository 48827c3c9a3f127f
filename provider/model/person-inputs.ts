// The inputs that declare one person's access to an organization: OrgInvitation's and OrgMembership's
// (the same shape, checked by the same rules in ./checks), and the one way each is read from a bag.

import { sameSet } from "../../sdk";
import { sameUsername } from "../access/identity";
import { isUnknown, listOf, stringOf, UNKNOWN, type Planned, type PropertyBag } from "./property-bag";

// Type aliases, not interfaces: an alias is assignable to `PropertyBag` (the engine's plain objects).

/** The inputs after `check`: validated and normalized (roles sorted and deduplicated, teamIds sorted). */
export type PersonInputs = {
  orgId: string;
  username: string;
  roles: string[];
  teamIds: string[];
};

/** The inputs as `diff` sees them (preview): each value, or a list element, may not be known yet. */
export interface PlannedPersonInputs {
  orgId: Planned<string | undefined>;
  username: Planned<string | undefined>;
  roles: Planned<readonly string[]>;
  teamIds: Planned<readonly string[]>;
}

/** The checked inputs at create/update time, when every value is known. */
export function personInputsOf(bag: PropertyBag): PersonInputs {
  return {
    orgId: stringOf(bag["orgId"]) ?? "",
    username: stringOf(bag["username"]) ?? "",
    roles: listOf(bag["roles"]) ?? [],
    teamIds: listOf(bag["teamIds"]) ?? [],
  };
}

/** The checked inputs at preview; a list with any unknown element is unknown as a whole. */
export function plannedPersonInputsOf(bag: PropertyBag): PlannedPersonInputs {
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

/** Equal, or not knowable yet (then a replace is proposed: preview errs on the side of showing it). Usernames: ./identity. */
export function sameValue(old: string | undefined, next: Planned<string | undefined>, username: boolean): boolean {
  if (isUnknown(next)) return false;
  if (old === undefined || next === undefined) return old === next;
  return username ? sameUsername(old, next) : old === next;
}

export function sameList(old: readonly string[], next: Planned<readonly string[]>, ignoreCase: boolean): boolean {
  return !isUnknown(next) && sameSet(old, next, ignoreCase);
}
