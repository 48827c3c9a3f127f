// A team's founders and their OrgMemberships must agree. Cloud Manager cannot create an empty team,
// so a Team names founders to create it with; after that, who is on a team is decided by each
// person's OrgMembership.teamIds alone (the Team never adds or removes anyone). A founder whose
// OrgMembership does not list the team would be put on it by the Team and taken off by the
// OrgMembership: that program is refused, before anything is sent, by whichever of the two is
// checked second in the deployment (../deployment/deployment-ledger keeps both sides).

import type { CheckResult } from "@pulumi/pulumi/dynamic";
import { resourceNameOf, type DeploymentLedger, type FounderOf } from "../deployment/deployment-ledger";
import { codedMessage } from "../errors/codes";
import { isUnknown, urnOf, type PropertyBag } from "../model/property-bag";

/** OrgMembership's check: records the teams it lists, and fails on `teamIds` when it leaves out a team that names the person a founder. */
export function refuseFounderOffTeam(result: CheckResult<PropertyBag>, ledger: DeploymentLedger): CheckResult<PropertyBag> {
  const inputs = result.inputs;
  if (inputs === undefined || (result.failures ?? []).length > 0) return result;
  const { orgId, username, teamIds } = inputs;
  const urn = urnOf(inputs);
  if (typeof orgId !== "string" || typeof username !== "string" || urn === undefined || isUnknown(orgId) || isUnknown(username))
    return result;
  if (!Array.isArray(teamIds) || teamIds.some((t) => typeof t !== "string" || isUnknown(t))) return result;
  const listed = teamIds as string[];
  ledger.listTeams({ orgId, username }, urn, listed);
  const missing = ledger.foundingOf({ orgId, username }).filter((f) => !listed.some((t) => t.toLowerCase() === f.teamId.toLowerCase()));
  if (missing.length === 0) return result;
  return { inputs, failures: [{ property: "teamIds", reason: founderOffTeamMessage(username, missing, `"${resourceNameOf(urn)}"`) }] };
}

/**
 * Team's create, before it sends anything: the founders whose OrgMembership was already checked in
 * this deployment without listing the team (one that lists the Team's `teamId` is checked only after
 * the Team is created, so any checked earlier does not list it — unless it lists the waiting id).
 */
export function refuseFoundersOffTeam(
  ledger: DeploymentLedger,
  team: { orgId: string; name: string; waitingId: string; urn: string | undefined },
  founders: readonly string[],
): void {
  const problems = founders.flatMap((username) => {
    const listed = ledger.teamsListedFor({ orgId: team.orgId, username });
    if (listed === undefined || listed.teamIds.some((t) => t === team.waitingId)) return [];
    return [
      founderOffTeamMessage(
        username,
        [{ teamId: team.waitingId, name: team.name, urn: team.urn ?? "" }],
        `"${resourceNameOf(listed.urn)}"`,
      ),
    ];
  });
  if (problems.length > 0) throw new Error(problems.join(" "));
}

function founderOffTeamMessage(username: string, teams: readonly FounderOf[], membership: string): string {
  const named = teams.map((f) => `team "${f.name}"${f.urn === "" ? "" : ` (Team "${resourceNameOf(f.urn)}")`}`).join(", ");
  return codedMessage(
    "TEAM_FOUNDER_NOT_ON_TEAM",
    `${username} is a founder of ${named}, but their OrgMembership ${membership} does not list it in teamIds: the Team would put them on ` +
      `the team and the OrgMembership take them off. Add the team's \`teamId\` to that OrgMembership's teamIds, or take ${username} out of ` +
      `the Team's founders. Nothing was sent.`,
  );
}
