// ProjectMembership's provider methods, in lifecycle order: check decides at preview without a call
// (and refuses one person declared twice for a project); diff reads the organization's members only
// for a person not yet a member; the other steps run ./lifecycle with the API of the resource's organization.

import { memberNamed } from "../../access/org-rules";
import { resourceNameOf, type StepContext } from "../../deployment/deployment-ledger";
import { warn } from "../../deployment/notices";
import { checkProjectMembership } from "../../model/checks";
import { isUnknown, urnOf, type PropertyBag } from "../../model/property-bag";
import type { Deployment, ResourceMethods } from "../resource-methods";
import { diffProjectMembership } from "./diff";
import {
  createProjectMembership,
  declaredTwiceInProject,
  deleteProjectMembership,
  readProjectMembership,
  updateProjectMembership,
} from "./lifecycle";
import { parseProjectMembershipId, projectMembershipInputsOf } from "./model";

export function projectMembershipMethods(deployment: Deployment) {
  const stepOf = (bag: PropertyBag): StepContext => ({ urn: urnOf(bag), ledger: deployment.ledger });
  return {
    async check(_olds, news) {
      const result = checkProjectMembership(news);
      const inputs = result.inputs ?? news;
      const urn = urnOf(news);
      const { projectId, username } = inputs;
      if ((result.failures ?? []).length > 0 || urn === undefined) return result;
      if (typeof projectId !== "string" || typeof username !== "string" || isUnknown(projectId) || isUnknown(username)) return result;
      const others = deployment.ledger.declareInProject(projectId, { username }, urn);
      if (others.length === 0) return result;
      return { inputs: news, failures: [{ property: "username", reason: declaredTwiceInProject({ projectId, username }, urn, others) }] };
    },

    async diff(_id, olds, news) {
      // PENDING: is the person a member now? (One read of the organization's members per deployment; a
      // read that fails proposes the update, which tries and says why.)
      const { orgId, username } = olds;
      const isMember =
        olds["status"] === "PENDING" && typeof orgId === "string" && typeof username === "string"
          ? await deployment.withOrgApi(orgId, async (api) => memberNamed(await api.members(), username) !== undefined).catch(() => true)
          : false;
      return diffProjectMembership(olds, news, (notice) => deployment.ledger.warnOnce(notice), isMember);
    },

    async create(inputs) {
      const typed = projectMembershipInputsOf(inputs);
      return deployment.withOrgApi(typed.orgId, (api) => createProjectMembership(api, typed, stepOf(inputs)));
    },

    async read(id, props) {
      const parsed = parseProjectMembershipId(id);
      return deployment.withOrgApi(parsed.orgId, (api) => readProjectMembership(api, parsed, props ?? {}));
    },

    async update(_id, _olds, news) {
      const typed = projectMembershipInputsOf(news);
      return deployment.withOrgApi(typed.orgId, (api) => updateProjectMembership(api, typed));
    },

    async delete(id, props) {
      const parsed = parseProjectMembershipId(id);
      // Another ProjectMembership of this deployment declares the same person in the same project (this one
      // was renamed in code, and the new one adopted the roles): handed over, nothing taken away.
      const successor = deployment.ledger.othersInProject(parsed.projectId, { username: parsed.username }, urnOf(props))[0];
      if (successor !== undefined) {
        warn(
          `the roles of ${parsed.username} in project ${parsed.projectId} are handed over to "${resourceNameOf(successor)}"; nothing was taken away.`,
        );
        return;
      }
      return deployment.withOrgApi(parsed.orgId, (api) => deleteProjectMembership(api, parsed, props));
    },
  } satisfies ResourceMethods;
}
