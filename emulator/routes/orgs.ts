// GET /orgs/{ORG-ID} and the paged GET /orgs/{ORG-ID}/users.
import type { Router } from "../router";
import { requireOrg, type ApiHandler } from "./api-context";
import { paged } from "./paging";
import { userView } from "./users";

const API_PREFIX = "/api/public/v1.0";

const getOrg: ApiHandler = (ctx) => {
  const orgId = requireOrg(ctx, "read");
  const org = ctx.parts.store.org(orgId);
  // The emulator deletes no org, so isDeleted is always false.
  return {
    status: 200,
    body: { id: org.id, isDeleted: false, links: [{ href: `${ctx.origin}${API_PREFIX}/orgs/${org.id}`, rel: "self" }], name: org.name },
  };
};

const listUsers: ApiHandler = (ctx) => {
  const orgId = requireOrg(ctx, "read");
  const { members, shown } = ctx.parts.store.members.orgUserList(orgId);
  return { status: 200, body: paged(ctx, `/orgs/${orgId}/users`, members, (u) => userView(ctx, shown(u))) };
};

export function addOrgRoutes(router: Router<ApiHandler>): void {
  router.add("GET", "/orgs/:orgId", getOrg).add("GET", "/orgs/:orgId/users", listUsers);
}
