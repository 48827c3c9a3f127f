// `diff` of an OrgInvitation: what a change in code means for an invitation. `olds` are the OLD
// OUTPUTS (state), `news` the checked inputs. Runs at preview, so it never calls the API and
// tolerates unknown values.
// the table: docs/lifecycle.md
// Replacement always deletes first: Cloud Manager keeps one pending invitation per person.

import type { DiffResult } from "@pulumi/pulumi/dynamic";
import { warn } from "../../deployment/notices";
import { plannedPersonInputsOf, sameList, sameValue } from "../../model/person-inputs";
import type { PropertyBag } from "../../model/property-bag";
import type { StoredInvitation } from "./model";

/** `olds`: the stored outputs (read with `storedOf`); `news`: the checked inputs, possibly with unknowns. */
export function diffOrgInvitation(olds: StoredInvitation, news: PropertyBag): DiffResult {
  const planned = plannedPersonInputsOf(news);
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
