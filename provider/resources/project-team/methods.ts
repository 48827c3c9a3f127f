// ProjectTeam's provider methods, in lifecycle order: check decides at preview without a call; the
// other steps run ./lifecycle with the API of the resource's organization.

import { resourceNameOf } from "../../deployment/deployment-ledger";
import { warn } from "../../deployment/notices";
import { codedMessage } from "../../errors/codes";
import { checkProjectTeam } from "../../model/checks";
import { isUnknown, URN_KEY, urnOf, type PropertyBag } from "../../model/property-bag";
import type { Deployment, ResourceMethods } from "../resource-methods";
import { diffProjectTeam } from "./diff";
import { createProjectTeam, deleteProjectTeam, readProjectTeam, updateProjectTeam } from "./lifecycle";
import { parseProjectTeamId, projectTeamInputsOf } from "./model";

export function projectTeamMethods(deployment: Deployment) {
  /** A team's roles in a project are declared once per deployment (a ProjectRoster never reports them); the message of a second declaration. */
  const declaredTwice = (bag: PropertyBag): string | undefined => {
    const { projectId, teamId } = bag;
    const urn = urnOf(bag);
    if (typeof projectId !== "string" || typeof teamId !== "string" || isUnknown(projectId) || isUnknown(teamId) || urn === undefined)
      return undefined;
    const others = deployment.ledger.declareInProject(projectId, { teamId }, urn);
    if (others.length === 0) return undefined;
    return codedMessage(
      "PROJECT_TEAM_DECLARED_TWICE",
      `the roles of team ${teamId} in project ${projectId} are declared by more than one ProjectTeam: ${[urn, ...others].map((u) => `"${resourceNameOf(u)}"`).join(" and ")}. ` +
        `Keep one (its roles are one set). Nothing was sent for this resource.`,
    );
  };
  return {
    async check(_olds, news) {
      const result = checkProjectTeam(news);
      if ((result.failures ?? []).length > 0) return result;
      const twice = declaredTwice({ ...(result.inputs ?? news), [URN_KEY]: urnOf(news) });
      return twice === undefined ? result : { inputs: news, failures: [{ property: "teamId", reason: twice }] };
    },

    async diff(_id, olds, news) {
      return diffProjectTeam(olds, news, (notice) => deployment.ledger.warnOnce(notice));
    },

    async create(inputs) {
      const twice = declaredTwice(inputs);
      if (twice !== undefined) throw new Error(twice);
      const typed = projectTeamInputsOf(inputs);
      return deployment.withOrgApi(typed.orgId, (api) => createProjectTeam(api, typed));
    },

    async read(id, props) {
      const parsed = parseProjectTeamId(id);
      return deployment.withOrgApi(parsed.orgId, (api) => readProjectTeam(api, parsed, props ?? {}));
    },

    async update(_id, _olds, news) {
      const typed = projectTeamInputsOf(news);
      return deployment.withOrgApi(typed.orgId, (api) => updateProjectTeam(api, typed));
    },

    async delete(id, props) {
      const parsed = parseProjectTeamId(id);
      // Another ProjectTeam of this deployment declares the same team in the same project (this one was
      // renamed in code, and the new one adopted the roles): handed over, nothing taken off.
      const successor = deployment.ledger.othersInProject(parsed.projectId, { teamId: parsed.teamId }, urnOf(props))[0];
      if (successor !== undefined) {
        warn(
          `the roles of team ${parsed.teamId} in project ${parsed.projectId} are handed over to "${resourceNameOf(successor)}"; nothing was taken off.`,
        );
        return;
      }
      const done = deployment.withOrgApi(parsed.orgId, (api) => deleteProjectTeam(api, parsed, props));
      deployment.ledger.takingOff(parsed.teamId, done);
      return done;
    },
  } satisfies ResourceMethods;
}
