// OrgMembership's provider methods, in lifecycle order. Its check is OrgInvitation's rules (one person
// is declared once whichever of the two resources declares them), and it records the org roles it
// will leave the member with (../../access/owner-guard). The ledger learns who holds the person after
// this deployment (diff without a replace, create, update): a rename or a change of resource type
// hands the access over instead of removing it. A person a Team of this deployment founds must list
// that team (../../access/team-founders).

import { checkPerson } from "../../access/one-person";
import { refuseFounderOffTeam } from "../../access/team-founders";
import type { StepContext } from "../../deployment/deployment-ledger";
import { personInputsOf } from "../../model/person-inputs";
import { urnOf, type PropertyBag } from "../../model/property-bag";
import type { Deployment, ResourceMethods } from "../resource-methods";
import { diffOrgMembership } from "./diff";
import { createOrgMembership, deleteOrgMembership, readOrgMembership, updateOrgMembership } from "./lifecycle";
import { parseMembershipId } from "./model";

export function orgMembershipMethods(deployment: Deployment) {
  const stepOf = (bag: PropertyBag): StepContext => ({ urn: urnOf(bag), ledger: deployment.ledger });
  const holds = (orgId: string, username: string, urn: string | undefined, via: "step" | "diff") => {
    if (urn !== undefined) deployment.ledger.hold({ kind: "person", orgId, username }, urn, via);
  };
  return {
    check: async (_olds, news) => refuseFounderOffTeam(checkPerson(news, deployment.ledger, "OrgMembership"), deployment.ledger),

    async diff(id, olds, news) {
      const result = diffOrgMembership(olds, news);
      if ((result.replaces ?? []).length === 0) {
        const { orgId, username } = parseMembershipId(id);
        holds(orgId, username, urnOf(news), "diff");
      }
      return result;
    },

    async create(inputs) {
      const typed = personInputsOf(inputs);
      const step = stepOf(inputs);
      if (step.urn !== undefined) deployment.ledger.declare(typed, step.urn);
      const result = await deployment.withOrgApi(typed.orgId, (api) => createOrgMembership(api, typed, step));
      holds(typed.orgId, typed.username, step.urn, "step");
      return result;
    },

    async read(id, props) {
      const { orgId, username } = parseMembershipId(id);
      return deployment.withOrgApi(orgId, (api) => readOrgMembership(api, orgId, username, props ?? {}));
    },

    async update(id, olds, news) {
      const { orgId, username } = parseMembershipId(id);
      const step = stepOf(news);
      const result = await deployment.withOrgApi(orgId, (api) =>
        updateOrgMembership(api, orgId, username, olds, personInputsOf(news), step),
      );
      holds(orgId, username, step.urn, "step");
      return result;
    },

    async delete(id, props) {
      const { orgId, username } = parseMembershipId(id);
      return deployment.withOrgApi(orgId, (api) => deleteOrgMembership(api, orgId, username, props, stepOf(props)));
    },
  } satisfies ResourceMethods;
}
