// ProjectTeam's provider methods, in lifecycle order: check decides at preview without a call; the
// other steps run ./lifecycle with the API of the resource's organization.

import { warn } from "../../deployment/notices";
import { checkProjectTeam } from "../../model/checks";
import type { Deployment, ResourceMethods } from "../resource-methods";
import { diffProjectTeam } from "./diff";
import { createProjectTeam, deleteProjectTeam, readProjectTeam, updateProjectTeam } from "./lifecycle";
import { parseProjectTeamId, projectTeamInputsOf } from "./model";

export function projectTeamMethods(deployment: Deployment) {
  return {
    check: async (_olds, news) => checkProjectTeam(news),

    async diff(_id, olds, news) {
      return diffProjectTeam(olds, news, (notice) => {
        if (deployment.ledger.firstTime(notice)) warn(notice);
      });
    },

    async create(inputs) {
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
      return deployment.withOrgApi(parsed.orgId, (api) => deleteProjectTeam(api, parsed, props));
    },
  } satisfies ResourceMethods;
}
