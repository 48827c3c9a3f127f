// GET /users/byName/{USERNAME}.
import { userNotFound } from "../errors";
import type { Router } from "../router";
import type { ApiHandler } from "./api-context";

const byName: ApiHandler = (ctx) => {
  const username = ctx.params["username"] ?? "";
  const user = ctx.core.store.members.userByName(username);
  if (!user) throw userNotFound(username);
  return {
    status: 200,
    body: {
      emailAddress: user.emailAddress,
      firstName: user.firstName,
      id: user.id,
      lastName: user.lastName,
      roles: user.roles,
      teamIds: user.teamIds,
      username: user.username,
    },
  };
};

export function addUserRoutes(router: Router<ApiHandler>): void {
  router.add("GET", "/users/byName/:username", byName);
}
