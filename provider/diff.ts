// `diff`: what a change in code means for an invitation. `olds` are the OLD OUTPUTS (state), `news`
// the checked inputs. Runs at preview, so it never calls the API and tolerates unknown values.
//
// | change                                  | PENDING           | ACCEPTED                 | EXPIRED / REVOKED |
// |-----------------------------------------|-------------------|--------------------------|-------------------|
// | orgId, username (case-insensitive)      | replace           | replace (another person) | replace           |
// | teamIds (as a set)                      | replace           | none + warning           | replace           |
// | roles (as a set)                        | update in place   | none + warning           | replace           |
// | nothing                                 | none              | none                     | replace (re-invite)|
// Replacement always deletes first: Cloud Manager keeps one pending invitation per person.

import type { DiffResult } from "@pulumi/pulumi/dynamic";
import { warn } from "./notices";
import { isGone } from "./membership-status";
import {
  inputsOf,
  isUnknown,
  plannedInputsOf,
  sameSet,
  type Planned,
  type PropertyBag,
  type StoredInvitation,
} from "./org-invitation-model";
import { ORG_MEMBERSHIP_STATUSES } from "./org-membership-model";

/** `olds`: the stored outputs (read with `storedOf`); `news`: the checked inputs, possibly with unknowns. */
export function diffOrgInvitation(olds: StoredInvitation, news: PropertyBag): DiffResult {
  const planned = plannedInputsOf(news);
  const label = olds.username ?? "the invitation";
  const replaces: string[] = [];
  if (!sameValue(olds.orgId, planned.orgId, false)) replaces.push("orgId");
  if (!sameValue(olds.username, planned.username, true)) replaces.push("username");
  const teamsChanged = !sameList(olds.teamIds ?? [], planned.teamIds, true);
  const rolesChanged = !sameList(olds.roles ?? [], planned.roles, false);

  if (olds.status === "ACCEPTED" && replaces.length === 0) {
    if (rolesChanged || teamsChanged) {
      const what = [rolesChanged ? "roles" : "", teamsChanged ? "teamIds" : ""].filter(Boolean).join(" and ");
      warn(
        `${label} has already accepted the invitation, so the ${what} changed in code are not applied: ` +
          `membership roles and teams are managed in Cloud Manager (Organization > Access Manager), not by this resource.`,
      );
    }
    return { changes: false };
  }
  if (teamsChanged) replaces.push("teamIds");
  if (replaces.length === 0 && (olds.status === "EXPIRED" || olds.status === "REVOKED")) replaces.push("status");
  if (replaces.length > 0) return { changes: true, replaces, deleteBeforeReplace: true };
  return { changes: rolesChanged };
}

/** Equal, or not knowable yet (then a replace is proposed: preview errs on the side of showing it). */
function sameValue(old: string | undefined, next: Planned<string | undefined>, ignoreCase: boolean): boolean {
  if (isUnknown(next)) return false;
  if (old === undefined || next === undefined) return old === next;
  return ignoreCase ? old.trim().toLowerCase() === next.trim().toLowerCase() : old === next;
}

function sameList(old: readonly string[], next: Planned<readonly string[]>, ignoreCase: boolean): boolean {
  return !isUnknown(next) && sameSet(old, next, ignoreCase);
}

// OrgMembership: the person's access is kept in step with the program, pending or active.
//
// | change                              | PENDING / ACTIVE                         | EXPIRED / REVOKED / REMOVED |
// |-------------------------------------|------------------------------------------|-----------------------------|
// | orgId, username (case-insensitive)  | replace (another person)                 | replace                     |
// | roles, teamIds (as sets)            | update in place (an invitation's teams: re-sent by update) | replace       |
// | nothing                             | none                                     | replace (invite again)      |

/** `olds`: the stored outputs; `news`: the checked inputs, possibly with unknowns. */
export function diffOrgMembership(olds: PropertyBag, news: PropertyBag): DiffResult {
  const old = inputsOf(olds);
  const planned = plannedInputsOf(news);
  const replaces: string[] = [];
  if (!sameValue(old.orgId, planned.orgId, false)) replaces.push("orgId");
  if (!sameValue(old.username, planned.username, true)) replaces.push("username");
  if (replaces.length === 0 && isGone(ORG_MEMBERSHIP_STATUSES.find((s) => s === olds["status"]))) replaces.push("status");
  if (replaces.length > 0) return { changes: true, replaces, deleteBeforeReplace: true };
  return { changes: !sameList(old.roles, planned.roles, false) || !sameList(old.teamIds, planned.teamIds, true) };
}
