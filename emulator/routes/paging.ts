// Cloud Manager's paged lists: pageNum (from 1) and itemsPerPage (default 100, at most 500) in the
// query; the body is {links, results, totalCount}, links holding previous/self/next as absolute hrefs.
import { invalidQueryParameter } from "../errors";
import type { ApiContext } from "./api-context";

const API_PREFIX = "/api/public/v1.0";
const MAX_ITEMS_PER_PAGE = 500;

export interface PageLink {
  href: string;
  rel: string;
}

export interface Page {
  links: PageLink[];
  results: unknown[];
  totalCount: number;
}

/**
 * The page the request's query asks for; `path` is below the API prefix (e.g. `/orgs/{id}/users`).
 * `keep` names query parameters that select the list (e.g. `flattenTeams`): those the request sent are
 * carried into the links, so following `next` reads the same list.
 */
export function paged<T>(
  ctx: ApiContext,
  path: string,
  items: readonly T[],
  view: (item: T) => unknown,
  keep: readonly string[] = [],
): Page {
  const pageNum = positiveIntQuery(ctx, "pageNum", 1, Number.MAX_SAFE_INTEGER);
  const itemsPerPage = positiveIntQuery(ctx, "itemsPerPage", 100, MAX_ITEMS_PER_PAGE);
  const start = (pageNum - 1) * itemsPerPage;
  const results = items.slice(start, start + itemsPerPage).map(view);
  const selection = new URLSearchParams();
  for (const name of keep) {
    const value = ctx.query.get(name);
    if (value !== null) selection.set(name, value);
  }
  const selected = selection.size > 0 ? `${selection.toString()}&` : "";
  const href = (page: number): string => `${ctx.origin}${API_PREFIX}${path}?${selected}pageNum=${page}&itemsPerPage=${itemsPerPage}`;
  const links: PageLink[] = [];
  if (pageNum > 1) links.push({ href: href(pageNum - 1), rel: "previous" });
  links.push({ href: href(pageNum), rel: "self" });
  if (start + itemsPerPage < items.length) links.push({ href: href(pageNum + 1), rel: "next" });
  return { links, results, totalCount: items.length };
}

/** Refuses a bad pageNum or itemsPerPage before a write whose answer is a page (a refused request changes nothing). */
export function checkPageQuery(ctx: ApiContext): void {
  positiveIntQuery(ctx, "pageNum", 1, Number.MAX_SAFE_INTEGER);
  positiveIntQuery(ctx, "itemsPerPage", 100, MAX_ITEMS_PER_PAGE);
}

function positiveIntQuery(ctx: ApiContext, name: string, fallback: number, max: number): number {
  const raw = ctx.query.get(name);
  if (raw === null) return fallback;
  if (!/^\d+$/.test(raw) || Number(raw) < 1 || Number(raw) > max) throw invalidQueryParameter(name, raw);
  return Number(raw);
}
