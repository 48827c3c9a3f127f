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
import type { PropertyBag } from "./org-invitation-model";
import { warn } from "./notices";
import { isUnknown } from "./validation";

export function diffOrgInvitation(olds: PropertyBag, news: PropertyBag): DiffResult {
  const status = olds["status"];
  const label = typeof olds["username"] === "string" ? olds["username"] : "the invitation";
  const replaces: string[] = [];
  if (!sameString(olds["orgId"], news["orgId"], false)) replaces.push("orgId");
  if (!sameString(olds["username"], news["username"], true)) replaces.push("username");
  const teamsChanged = !sameSet(olds["teamIds"], news["teamIds"], true);
  const rolesChanged = !sameSet(olds["roles"], news["roles"], false);

  if (status === "ACCEPTED" && replaces.length === 0) {
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
  if (replaces.length === 0 && (status === "EXPIRED" || status === "REVOKED")) replaces.push("status");
  if (replaces.length > 0) return { changes: true, replaces, deleteBeforeReplace: true };
  return { changes: rolesChanged };
}

/** Equal, or not knowable yet (then a replace is proposed: preview errs on the side of showing it). */
function sameString(old: unknown, next: unknown, ignoreCase: boolean): boolean {
  if (isUnknown(next)) return false;
  if (typeof old !== "string" || typeof next !== "string") return old === next;
  return ignoreCase ? old.trim().toLowerCase() === next.trim().toLowerCase() : old === next;
}

function sameSet(old: unknown, next: unknown, ignoreCase: boolean): boolean {
  const norm = (v: unknown): string[] | undefined => {
    if (v === undefined || v === null) return [];
    if (!Array.isArray(v) || v.some(isUnknown)) return undefined;
    return [...new Set(v.map((x) => (ignoreCase ? String(x).toLowerCase() : String(x))))].sort();
  };
  const a = norm(old);
  const b = norm(next);
  if (a === undefined || b === undefined) return false;
  return a.length === b.length && a.every((x, i) => x === b[i]);
}
