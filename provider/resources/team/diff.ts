// `diff` of a Team: a rename is done in place (the id, the members and the project roles stay); a team
// deleted outside Pulumi is replaced (created again: its OrgMemberships and ProjectTeams follow its
// new `teamId`); another organization replaces it. A team that waits for a founder is replaced (so
// created) once one of its founders is a member — until then nothing is proposed, so the GitOps gate
// stays green while invitations are open (what it waits for is said in a notice).

import type { DiffResult } from "@pulumi/pulumi/dynamic";
import { isUnknown, listOf, type PropertyBag } from "../../model/property-bag";
import { sameSet } from "../../../sdk";
import { storedTeamOf, type StoredTeam } from "./model";

/** `olds`: the stored outputs; `news`: the checked inputs, possibly with unknowns. `say`: a drift notice, said once. */
/** `founderIsMember`: for a waiting team, whether one of its founders is a member now (read by the caller). */
export function diffTeam(olds: PropertyBag, news: PropertyBag, say: (notice: string) => void, founderIsMember = false): DiffResult {
  const old = storedTeamOf(olds, typeof olds["orgId"] === "string" ? olds["orgId"] : "");
  const orgId = news["orgId"];
  const name = news["name"];
  if (isUnknown(orgId) || orgId !== old.orgId) return { changes: true, replaces: ["orgId"] };
  const founders = news["founders"];
  const foundersChanged =
    isUnknown(founders) ||
    (Array.isArray(founders) && founders.some(isUnknown)) ||
    !sameSet(old.founders ?? [], listOf(founders) ?? [], true);
  if (old.status === "WAITING") {
    if (founderIsMember || foundersChanged || isUnknown(name) || name !== old.name) return { changes: true, replaces: ["status"] };
    say(
      `team "${old.name}" of organization ${old.orgId} waits for one of ${(old.founders ?? []).join(", ")} to be a member (Cloud Manager cannot create an empty team); ` +
        `the first \`pulumi up\` after one accepts creates it.`,
    );
    return { changes: false };
  }
  if (old.status === "DELETED") {
    say(
      `team "${old.name}" (${old.teamId}) of organization ${old.orgId} was deleted outside Pulumi; \`pulumi up\` creates it again (its OrgMemberships and ProjectTeams follow the new id).`,
    );
    return { changes: true, replaces: ["status"] };
  }
  const renamed = isUnknown(name) || name !== old.name;
  if (renamed && typeof name === "string" && !isUnknown(name)) say(renameNotice(old, name));
  return { changes: renamed || foundersChanged };
}

function renameNotice(old: StoredTeam, name: string): string {
  return `team "${old.name}" (${old.teamId}) of organization ${old.orgId} is renamed to "${name}" in place (its id, members and project roles stay).`;
}
