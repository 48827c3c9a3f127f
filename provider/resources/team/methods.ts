// Team's provider methods, in lifecycle order: check decides at preview without a call (diff reads the
// organization's members only for a team that waits for a founder); the other steps run ./lifecycle
// with the organization's API.

import { checkTeam } from "../../model/checks";
import { resourceNameOf, type StepContext } from "../../deployment/deployment-ledger";
import { codedMessage } from "../../errors/codes";
import { warn } from "../../deployment/notices";
import { memberNamed } from "../../access/org-rules";
import { isUnknown, listOf, urnOf, type PropertyBag } from "../../model/property-bag";
import { isTeamId } from "../../model/team-ref";
import type { Deployment, ResourceMethods } from "../resource-methods";
import { diffTeam } from "./diff";
import { createTeam, deleteTeam, readTeam, updateTeam } from "./lifecycle";
import { parseTeamId, teamInputsOf } from "./model";

export function teamMethods(deployment: Deployment) {
  const stepOf = (bag: PropertyBag): StepContext => ({ urn: urnOf(bag), ledger: deployment.ledger });
  /** One team, one Team per deployment (by name at check, by id once known): the message of a second. */
  const declaredTwice = (orgId: string, team: { teamId: string } | { name: string }, urn: string | undefined): string | undefined => {
    if (urn === undefined) return undefined;
    const others = deployment.ledger.declareTeam(orgId, team, urn);
    if (others.length === 0) return undefined;
    const which = "name" in team ? `team "${team.name}"` : `team ${team.teamId}`;
    return codedMessage(
      "TEAM_DECLARED_TWICE",
      `${which} of organization ${orgId} is managed by more than one Team: ${[urn, ...others].map((u) => `"${resourceNameOf(u)}"`).join(" and ")} ` +
        `(names are compared ignoring case). Keep one. Nothing was sent for this resource.`,
    );
  };
  return {
    async check(_olds, news) {
      const result = checkTeam(news);
      const { orgId, name } = result.inputs ?? news;
      if (
        (result.failures ?? []).length > 0 ||
        typeof orgId !== "string" ||
        typeof name !== "string" ||
        isUnknown(orgId) ||
        isUnknown(name)
      )
        return result;
      const twice = declaredTwice(orgId, { name }, urnOf(news));
      return twice === undefined ? result : { inputs: news, failures: [{ property: "name", reason: twice }] };
    },

    async diff(_id, olds, news) {
      const { orgId, teamId } = olds;
      if (typeof orgId === "string" && typeof teamId === "string" && isTeamId(teamId)) declaredTwice(orgId, { teamId }, urnOf(news));
      // A waiting team: is one of its founders a member now? (One read of the organization's members
      // per deployment; a read that fails proposes the replacement, which tries and says why.)
      const founderIsMember =
        olds["status"] === "WAITING" && typeof orgId === "string"
          ? await deployment
              .withOrgApi(orgId, async (api) => {
                const members = await api.members();
                return (listOf(olds["founders"]) ?? []).some((f) => memberNamed(members, f) !== undefined);
              })
              .catch(() => true)
          : false;
      return diffTeam(olds, news, (notice) => deployment.ledger.warnOnce(notice), founderIsMember);
    },

    async create(inputs) {
      const typed = teamInputsOf(inputs);
      const result = await deployment.withOrgApi(typed.orgId, (api) => createTeam(api, typed, stepOf(inputs)));
      // A second Team for a team made or adopted in this run finds it in the view and adopts it: refused (it sent nothing).
      const twice = isTeamId(result.outs?.teamId ?? "")
        ? declaredTwice(typed.orgId, { teamId: result.outs?.teamId ?? "" }, urnOf(inputs))
        : undefined;
      if (twice !== undefined) throw new Error(twice);
      return result;
    },

    async read(id, props) {
      const parsed = parseTeamId(id);
      // Two imports of one team are refused at the next preview, where both Teams are checked (by name).
      return deployment.withOrgApi(parsed.orgId, (api) => readTeam(api, parsed, props ?? {}));
    },

    async update(id, olds, news) {
      const parsed = parseTeamId(id);
      return deployment.withOrgApi(parsed.orgId, (api) => updateTeam(api, olds, teamInputsOf(news), stepOf(news)));
    },

    async delete(id, props) {
      const parsed = parseTeamId(id);
      // Another Team of this deployment manages the same team (this one was renamed in code without an
      // alias, and the new one adopted the team): handed over, nothing deleted.
      const teamId = typeof props["teamId"] === "string" ? props["teamId"] : parsed.kind === "id" ? parsed.teamId : undefined;
      const successor = teamId === undefined ? undefined : deployment.ledger.othersManagingTeam(parsed.orgId, teamId, urnOf(props))[0];
      if (successor !== undefined) {
        warn(`team ${teamId} of organization ${parsed.orgId} is handed over to "${resourceNameOf(successor)}"; nothing was deleted.`);
        return;
      }
      return deployment.withOrgApi(parsed.orgId, (api) => deleteTeam(api, parsed, props, deployment.ledger));
    },
  } satisfies ResourceMethods;
}
