// GET /orgs/{ORG-ID} and the paged GET /orgs/{ORG-ID}/users.
import { invalidQueryParameter } from "../errors";
import type { Router } from "../router";
import { requireOrg, type ApiContext, type ApiHandler } from "./api-context";
import { userView } from "./users";

const API_PREFIX = "/api/public/v1.0";
const MAX_ITEMS_PER_PAGE = 500;

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
  const pageNum = positiveIntQuery(ctx, "pageNum", 1, Number.MAX_SAFE_INTEGER);
  const itemsPerPage = positiveIntQuery(ctx, "itemsPerPage", 100, MAX_ITEMS_PER_PAGE);
  const users = ctx.parts.store.members.orgUsers(orgId);
  const start = (pageNum - 1) * itemsPerPage;
  const results = users.slice(start, start + itemsPerPage).map((u) => userView(ctx, u));
  const href = (page: number): string => `${ctx.origin}${API_PREFIX}/orgs/${orgId}/users?pageNum=${page}&itemsPerPage=${itemsPerPage}`;
  const links: { href: string; rel: string }[] = [];
  if (pageNum > 1) links.push({ href: href(pageNum - 1), rel: "previous" });
  links.push({ href: href(pageNum), rel: "self" });
  if (start + itemsPerPage < users.length) links.push({ href: href(pageNum + 1), rel: "next" });
  return { status: 200, body: { links, results, totalCount: users.length } };
};

function positiveIntQuery(ctx: ApiContext, name: string, fallback: number, max: number): number {
  const raw = ctx.query.get(name);
  if (raw === null) return fallback;
  if (!/^\d+$/.test(raw) || Number(raw) < 1 || Number(raw) > max) throw invalidQueryParameter(name, raw);
  return Number(raw);
}

export function addOrgRoutes(router: Router<ApiHandler>): void {
  router.add("GET", "/orgs/:orgId", getOrg).add("GET", "/orgs/:orgId/users", listUsers);
}
