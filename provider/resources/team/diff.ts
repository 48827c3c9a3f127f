// `diff` of a Team: a rename is done in place (the id, the members and the project roles stay); a team
// that waits for a founder or was deleted outside Pulumi is replaced (created, or created again: its
// OrgMemberships and ProjectTeams follow its new `teamId`); another organization replaces it.

import type { DiffResult } from "@pulumi/pulumi/dynamic";
import { isUnknown, listOf, type PropertyBag } from "../../model/property-bag";
import { sameSet } from "../../../sdk";
import { storedTeamOf, type StoredTeam } from "./model";

/** `olds`: the stored outputs; `news`: the checked inputs, possibly with unknowns. `say`: a drift notice, said once. */
export function diffTeam(olds: PropertyBag, news: PropertyBag, say: (notice: string) => void): DiffResult {
  const old = storedTeamOf(olds, typeof olds["orgId"] === "string" ? olds["orgId"] : "");
  const orgId = news["orgId"];
  const name = news["name"];
  if (isUnknown(orgId) || orgId !== old.orgId) return { changes: true, replaces: ["orgId"] };
  if (old.status === "WAITING") return { changes: true, replaces: ["status"] };
  if (old.status === "DELETED") {
    say(
      `team "${old.name}" (${old.teamId}) of organization ${old.orgId} was deleted outside Pulumi; \`pulumi up\` creates it again (its OrgMemberships and ProjectTeams follow the new id).`,
    );
    return { changes: true, replaces: ["status"] };
  }
  const renamed = isUnknown(name) || name !== old.name;
  if (renamed && typeof name === "string" && !isUnknown(name)) say(renameNotice(old, name));
  const founders = news["founders"];
  const foundersChanged =
    isUnknown(founders) ||
    (Array.isArray(founders) && founders.some(isUnknown)) ||
    !sameSet(old.founders ?? [], listOf(founders) ?? [], true);
  return { changes: renamed || foundersChanged };
}

function renameNotice(old: StoredTeam, name: string): string {
  return `team "${old.name}" (${old.teamId}) of organization ${old.orgId} is renamed to "${name}" in place (its id, members and project roles stay).`;
}
