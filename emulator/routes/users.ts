// GET /users/{USER-ID} and GET /users/byName/{USERNAME}, and the user as every route shows it.
import { userNotFound } from "../errors";
import { DEFAULT_COUNTRY } from "../members";
import type { Router } from "../router";
import type { UserRecord } from "../types";
import { objectIdParam, type ApiContext, type ApiHandler } from "./api-context";

const API_PREFIX = "/api/public/v1.0";

/** The documented user fields, alphabetical as Cloud Manager writes them; `links` points at GET /users/{id}. */
export function userView(ctx: ApiContext, user: UserRecord): Record<string, unknown> {
  return {
    country: user.country ?? DEFAULT_COUNTRY,
    emailAddress: user.emailAddress,
    firstName: user.firstName,
    id: user.id,
    lastName: user.lastName,
    links: [{ href: `${ctx.origin}${API_PREFIX}/users/${user.id}`, rel: "self" }],
    mobileNumber: user.mobileNumber ?? "",
    roles: user.roles,
    teamIds: user.teamIds,
    username: user.username,
  };
}

const byId: ApiHandler = (ctx) => {
  const id = objectIdParam(ctx, "userId", "USER-ID");
  const user = ctx.parts.store.members.userById(id);
  if (!user) throw userNotFound(id);
  return { status: 200, body: userView(ctx, user) };
};

const byName: ApiHandler = (ctx) => {
  const username = ctx.params["username"] ?? "";
  const user = ctx.parts.store.members.userByName(username);
  if (!user) throw userNotFound(username);
  return { status: 200, body: userView(ctx, user) };
};

export function addUserRoutes(router: Router<ApiHandler>): void {
  router.add("GET", "/users/:userId", byId).add("GET", "/users/byName/:username", byName);
}
