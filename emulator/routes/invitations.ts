// The six organization invitation endpoints.
import { checkFields, optionalStringArrayField, parseJsonObject, stringArrayField, stringField } from "../body";
import type { Router } from "../router";
import { objectIdParam, requireOrg, type ApiHandler } from "./api-context";

const list: ApiHandler = (ctx) => {
  const orgId = requireOrg(ctx, "read");
  const username = ctx.query.get("username") ?? undefined;
  return { status: 200, body: ctx.parts.store.listInvitations(orgId, username) };
};

const getOne: ApiHandler = (ctx) => {
  const orgId = requireOrg(ctx, "read");
  const id = objectIdParam(ctx, "invitationId", "INVITATION-ID");
  return { status: 200, body: ctx.parts.store.getInvitation(orgId, id) };
};

const create: ApiHandler = (ctx) => {
  const orgId = requireOrg(ctx, "write");
  const body = parseJsonObject(ctx.body);
  checkFields(body, ["username", "roles", "teamIds"], ["username", "roles"]);
  const request = {
    username: stringField(body, "username"),
    roles: stringArrayField(body, "roles"),
    teamIds: optionalStringArrayField(body, "teamIds"),
  };
  ctx.parts.limiter.countInvitation(ctx.remoteIp);
  // Cloud Manager names the inviter by the key's public key (an account's client id), never its description.
  return { status: 201, body: ctx.parts.store.createInvitation(orgId, request, ctx.principal.id) };
};

const updateByUsername: ApiHandler = (ctx) => {
  const orgId = requireOrg(ctx, "write");
  const body = parseJsonObject(ctx.body);
  checkFields(body, ["username", "roles"], ["username", "roles"]);
  const invitation = ctx.parts.store.updateInvitationByUsername(orgId, stringField(body, "username"), stringArrayField(body, "roles"));
  return { status: 200, body: invitation };
};

const updateById: ApiHandler = (ctx) => {
  const orgId = requireOrg(ctx, "write");
  const id = objectIdParam(ctx, "invitationId", "INVITATION-ID");
  const body = parseJsonObject(ctx.body);
  checkFields(body, ["roles"], ["roles"]);
  return { status: 200, body: ctx.parts.store.updateInvitationRoles(orgId, id, stringArrayField(body, "roles")) };
};

const remove: ApiHandler = (ctx) => {
  const orgId = requireOrg(ctx, "write");
  const id = objectIdParam(ctx, "invitationId", "INVITATION-ID");
  ctx.parts.store.deleteInvitation(orgId, id);
  return { status: 204 };
};

export function addInvitationRoutes(router: Router<ApiHandler>): void {
  router
    .add("GET", "/orgs/:orgId/invites", list)
    .add("POST", "/orgs/:orgId/invites", create)
    .add("PATCH", "/orgs/:orgId/invites", updateByUsername)
    .add("GET", "/orgs/:orgId/invites/:invitationId", getOne)
    .add("PATCH", "/orgs/:orgId/invites/:invitationId", updateById)
    .add("DELETE", "/orgs/:orgId/invites/:invitationId", remove);
}
