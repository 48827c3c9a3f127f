// `diff` of an OrgMembership: the person's access is kept in step with the program, pending or
// active.
// the table: docs/lifecycle.md

import type { DiffResult } from "@pulumi/pulumi/dynamic";
import { personInputsOf, plannedPersonInputsOf, sameList, sameValue } from "../../model/person-inputs";
import { isUnknown, type PropertyBag } from "../../model/property-bag";
import { existingTeamIds } from "../../model/team-ref";
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
  // A team that waits for its founder is joined once it exists (its id changes then): nothing to do now.
  const teams = isUnknown(planned.teamIds) ? planned.teamIds : existingTeamIds(planned.teamIds);
  return { changes: !sameList(old.roles, planned.roles, false) || !sameList(old.teamIds, teams, true) };
}
