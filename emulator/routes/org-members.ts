// PUT /orgs/{ORG-ID}/users/{USER-ID}/roles and DELETE /orgs/{ORG-ID}/users/{USER-ID}: an org owner
// changing a member's org roles, or taking the member out of the org.
import { checkFields, parseJsonObject, stringArrayField } from "../body";
import type { Router } from "../router";
import { objectIdParam, requireOrg, type ApiHandler } from "./api-context";

/** Body exactly `{"orgRoles": [...]}`, the full set: it replaces the member's roles in this org. */
const updateRoles: ApiHandler = (ctx) => {
  const orgId = requireOrg(ctx, "write");
  const userId = objectIdParam(ctx, "userId", "USER-ID");
  const body = parseJsonObject(ctx.body);
  checkFields(body, ["orgRoles"], ["orgRoles"]);
  const orgRoles = ctx.parts.store.members.setOrgRoles(orgId, userId, stringArrayField(body, "orgRoles"));
  return { status: 200, body: { orgRoles } };
};

const removeMember: ApiHandler = (ctx) => {
  const orgId = requireOrg(ctx, "write");
  const userId = objectIdParam(ctx, "userId", "USER-ID");
  ctx.parts.store.members.removeFromOrg(orgId, userId);
  return { status: 204 };
};

export function addOrgMemberRoutes(router: Router<ApiHandler>): void {
  router.add("PUT", "/orgs/:orgId/users/:userId/roles", updateRoles).add("DELETE", "/orgs/:orgId/users/:userId", removeMember);
}
