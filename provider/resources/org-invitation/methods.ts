// OrgInvitation's provider methods, in lifecycle order: check and diff decide at preview without a
// call; the other steps run ./lifecycle with the organization's API. The ledger learns who declares
// the person (check, create) and who holds the invitation and the person after this deployment
// (diff without a replace, create, update), so a rename or a change of resource type hands the
// invitation over instead of withdrawing it.

import { checkPerson } from "../../access/one-person";
import type { StepContext } from "../../deployment/deployment-ledger";
import { personInputsOf } from "../../model/person-inputs";
import { urnOf, type PropertyBag } from "../../model/property-bag";
import type { Deployment, ResourceMethods } from "../resource-methods";
import { diffOrgInvitation } from "./diff";
import { parseResourceId, type ParsedResourceId } from "./id";
import { createOrgInvitation, deleteOrgInvitation, readOrgInvitation, updateOrgInvitation } from "./lifecycle";
import { storedOf } from "./model";

export function orgInvitationMethods(deployment: Deployment) {
  const stepOf = (bag: PropertyBag): StepContext => ({ urn: urnOf(bag), ledger: deployment.ledger });
  /** `urn` keeps the invitation (and the person) through this deployment. */
  const holds = (id: string, username: string | undefined, urn: string | undefined, via: "step" | "diff") => {
    const parsed = tryParse(id);
    if (urn === undefined || parsed === undefined) return;
    if (parsed.kind === "invitation")
      deployment.ledger.hold({ kind: "invitation", orgId: parsed.orgId, invitationId: parsed.invitationId }, urn, via);
    const person = parsed.kind === "member" ? parsed.username : username;
    if (person !== undefined) deployment.ledger.hold({ kind: "person", orgId: parsed.orgId, username: person }, urn, via);
  };
  return {
    check: async (_olds, news) => checkPerson(news, deployment.ledger, "OrgInvitation"),

    async diff(id, olds, news) {
      const parsed = tryParse(id);
      const stored = storedOf(olds, parsed);
      const result = diffOrgInvitation(stored, news);
      // A resource that keeps its invitation through this deployment holds it: a delete of another
      // resource for the same invitation or person (a rename finished after a failed `up`) hands it over.
      if ((result.replaces ?? []).length === 0) holds(id, stored.username, urnOf(news), "diff");
      return result;
    },

    async create(inputs) {
      const typed = personInputsOf(inputs);
      const step = stepOf(inputs);
      // Declared here too: a username that was unknown at `check` (computed) is first seen here.
      if (step.urn !== undefined) deployment.ledger.declare(typed, step.urn);
      const result = await deployment.withOrgApi(typed.orgId, (api) => createOrgInvitation(api, typed, step));
      holds(result.id, typed.username, step.urn, "step");
      return result;
    },

    async read(id, props) {
      const parsed = parseResourceId(id);
      return deployment.withOrgApi(parsed.orgId, (api) => readOrgInvitation(api, parsed, props ?? {}));
    },

    async update(id, olds, news) {
      const parsed = parseResourceId(id);
      const inputs = personInputsOf(news);
      const result = await deployment.withOrgApi(parsed.orgId, (api) => updateOrgInvitation(api, parsed, olds, inputs));
      holds(id, inputs.username, urnOf(news), "step");
      return result;
    },

    async delete(id, props) {
      const parsed = parseResourceId(id);
      return deployment.withOrgApi(parsed.orgId, (api) => deleteOrgInvitation(api, parsed, props, stepOf(props)));
    },
  } satisfies ResourceMethods;
}

function tryParse(id: string): ParsedResourceId | undefined {
  try {
    return parseResourceId(id);
  } catch {
    return undefined;
  }
}
