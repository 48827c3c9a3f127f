// `diff` of an OrgMembership: the person's access is kept in step with the program, pending or
// active (table: docs/lifecycle.md).
//
// | change                              | PENDING / ACTIVE                         | EXPIRED / REVOKED / REMOVED |
// |-------------------------------------|------------------------------------------|-----------------------------|
// | orgId, username (case-insensitive)  | replace (another person)                 | replace                     |
// | roles, teamIds (as sets)            | update in place (an invitation's teams: re-sent by update) | replace       |
// | nothing                             | none                                     | replace (invite again)      |

import type { DiffResult } from "@pulumi/pulumi/dynamic";
import { personInputsOf, plannedPersonInputsOf, sameList, sameValue } from "../../model/person-inputs";
import type { PropertyBag } from "../../model/property-bag";
import { ORG_MEMBERSHIP_STATUSES } from "./model";
import { isGone } from "./status";

/** `olds`: the stored outputs; `news`: the checked inputs, possibly with unknowns. */
export function diffOrgMembership(olds: PropertyBag, news: PropertyBag): DiffResult {
  const old = personInputsOf(olds);
  const planned = plannedPersonInputsOf(news);
  const replaces: string[] = [];
  if (!sameValue(old.orgId, planned.orgId, false)) replaces.push("orgId");
  if (!sameValue(old.username, planned.username, true)) replaces.push("username");
  if (replaces.length === 0 && isGone(ORG_MEMBERSHIP_STATUSES.find((s) => s === olds["status"]))) replaces.push("status");
  if (replaces.length > 0) return { changes: true, replaces, deleteBeforeReplace: true };
  return { changes: !sameList(old.roles, planned.roles, false) || !sameList(old.teamIds, planned.teamIds, true) };
}
