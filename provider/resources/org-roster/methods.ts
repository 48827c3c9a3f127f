// OrgRoster's provider methods, in lifecycle order. A roster owns nothing: deleting it removes nobody.

import { checkOrgRoster } from "../../model/checks";
import { urnOf } from "../../model/property-bag";
import type { Deployment, ResourceMethods } from "../resource-methods";
import { createOrgRoster, diffOrgRoster, readOrgRoster, rosterInputsOf, updateOrgRoster } from "./lifecycle";
import { parseRosterId } from "./model";

export function orgRosterMethods(deployment: Deployment) {
  return {
    check: async (_olds, news) => {
      const urn = urnOf(news);
      if (urn !== undefined) deployment.ledger.checked(urn);
      return checkOrgRoster(news);
    },
    diff: async (_id, olds, news) => diffOrgRoster(olds, news, deployment.ledger),
    async create(inputs) {
      const typed = rosterInputsOf(inputs);
      return deployment.withOrgApi(typed.orgId, (api) => createOrgRoster(api, typed, deployment.ledger));
    },
    async read(id, props) {
      const orgId = parseRosterId(id);
      return deployment.withOrgApi(orgId, (api) => readOrgRoster(api, props ?? {}, deployment.ledger));
    },
    async update(id, olds, news) {
      const orgId = parseRosterId(id);
      return deployment.withOrgApi(orgId, (api) => updateOrgRoster(api, { ...rosterInputsOf(news), orgId }, olds, deployment.ledger));
    },
    delete: async () => undefined,
  } satisfies ResourceMethods;
}
