// Team's provider methods, in lifecycle order: check decides at preview without a call; the other
// steps run ./lifecycle with the organization's API.

import { checkTeam } from "../../model/checks";
import type { StepContext } from "../../deployment/deployment-ledger";
import { warn } from "../../deployment/notices";
import { urnOf, type PropertyBag } from "../../model/property-bag";
import type { Deployment, ResourceMethods } from "../resource-methods";
import { diffTeam } from "./diff";
import { createTeam, deleteTeam, readTeam, updateTeam } from "./lifecycle";
import { parseTeamId, teamInputsOf } from "./model";

export function teamMethods(deployment: Deployment) {
  const stepOf = (bag: PropertyBag): StepContext => ({ urn: urnOf(bag), ledger: deployment.ledger });
  return {
    check: async (_olds, news) => checkTeam(news),

    async diff(_id, olds, news) {
      return diffTeam(olds, news, (notice) => {
        if (deployment.ledger.firstTime(notice)) warn(notice);
      });
    },

    async create(inputs) {
      const typed = teamInputsOf(inputs);
      return deployment.withOrgApi(typed.orgId, (api) => createTeam(api, typed, stepOf(inputs)));
    },

    async read(id, props) {
      const parsed = parseTeamId(id);
      return deployment.withOrgApi(parsed.orgId, (api) => readTeam(api, parsed, props ?? {}));
    },

    async update(id, olds, news) {
      const parsed = parseTeamId(id);
      return deployment.withOrgApi(parsed.orgId, (api) => updateTeam(api, olds, teamInputsOf(news), stepOf(news)));
    },

    async delete(id, props) {
      const parsed = parseTeamId(id);
      return deployment.withOrgApi(parsed.orgId, (api) => deleteTeam(api, parsed, props));
    },
  } satisfies ResourceMethods;
}
