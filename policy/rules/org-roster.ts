// org-has-roster, over the whole stack: every organization in which the program declares an
// OrgMembership also has an OrgRoster, so that people given access outside the program show up as
// drift; an organization whose roster another stack declares is named in the settings. OrgMemberships whose orgId is not known at preview are not judged; while any OrgRoster's
// orgId is not known, nothing is (that roster may be the missing one).

import type { OrgRosterConfig } from "../config";
import { RULES } from "../names";
import { text, UNKNOWN, type Declared } from "../resources";
import { some, type Finding } from "./finding";

export function orgRosterFindings(resources: Declared[], config: OrgRosterConfig): Finding[] {
  const rosters = resources.filter((d) => d.kind === "OrgRoster").map((d) => text(d, "orgId"));
  if (rosters.includes(UNKNOWN)) return [];
  const covered = new Set([...rosters.filter((o): o is string => typeof o === "string"), ...config.rosterElsewhere.map((o) => o.trim())]);
  const members = new Map<string, Declared[]>();
  for (const d of resources) {
    if (d.kind !== "OrgMembership") continue;
    const orgId = text(d, "orgId");
    if (typeof orgId !== "string" || covered.has(orgId)) continue;
    members.set(orgId, [...(members.get(orgId) ?? []), d]);
  }
  return [...members].map(([orgId, memberships]) => ({
    message:
      `organization ${orgId}: ${memberships.length} OrgMembership${memberships.length === 1 ? "" : "s"} ` +
      `(${some(memberships.map((m) => `"${m.name}"`))}) but no OrgRoster (rule ${RULES.orgRoster}): access given outside ` +
      `the program would go unnoticed. Fix: declare one OrgRoster with orgId "${orgId}" whose managed lists the ` +
      `usernames of these OrgMemberships, or, when another stack declares it, add "${orgId}" to "rosterElsewhere" in the ` +
      `policy config of ${RULES.orgRoster}.`,
  }));
}
