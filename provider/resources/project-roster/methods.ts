// ProjectRoster's provider methods, in lifecycle order. A roster owns nothing: deleting it removes nobody.

import { checkProjectRoster } from "../../model/checks";
import { urnOf } from "../../model/property-bag";
import type { Deployment, ResourceMethods } from "../resource-methods";
import { createProjectRoster, diffProjectRoster, projectRosterInputsOf, readProjectRoster, updateProjectRoster } from "./lifecycle";
import { parseProjectRosterId } from "./model";

export function projectRosterMethods(deployment: Deployment) {
  return {
    check: async (_olds, news) => {
      const urn = urnOf(news);
      if (urn !== undefined) deployment.ledger.checked(urn);
      return checkProjectRoster(news);
    },
    diff: async (_id, olds, news) => diffProjectRoster(olds, news, deployment.ledger),
    async create(inputs) {
      const typed = projectRosterInputsOf(inputs);
      return deployment.withOrgApi(typed.orgId, (api) => createProjectRoster(api, typed, deployment.ledger));
    },
    async read(id, props) {
      const { orgId, projectId } = parseProjectRosterId(id);
      const inputs = { ...projectRosterInputsOf(props ?? {}), orgId, projectId };
      return deployment.withOrgApi(orgId, (api) => readProjectRoster(api, inputs, props ?? {}, deployment.ledger));
    },
    async update(id, olds, news) {
      const { orgId, projectId } = parseProjectRosterId(id);
      return deployment.withOrgApi(orgId, (api) =>
        updateProjectRoster(api, { ...projectRosterInputsOf(news), orgId, projectId }, olds, deployment.ledger),
      );
    },
    delete: async () => undefined,
  } satisfies ResourceMethods;
}
