// The six project invitation endpoints (/groups/{PROJECT-ID}/invites): the org invitations' shape and
// rules with project roles, no teamIds, and access as for a project's teams (requireProject).
import { checkFields, parseJsonObject, stringArrayField, stringField } from "../body";
import type { Router } from "../router";
import { objectIdParam, requireProject, type ApiHandler } from "./api-context";

/** A bare array, as the org invitations' list. */
const list: ApiHandler = (ctx) => {
  const project = requireProject(ctx, "read");
  const username = ctx.query.get("username") ?? undefined;
  return { status: 200, body: ctx.parts.store.projectInvitations.list(project.id, username) };
};

const getOne: ApiHandler = (ctx) => {
  const project = requireProject(ctx, "read");
  const id = objectIdParam(ctx, "invitationId", "INVITATION-ID");
  return { status: 200, body: ctx.parts.store.projectInvitations.get(project.id, id) };
};

const create: ApiHandler = (ctx) => {
  const project = requireProject(ctx, "write");
  const body = parseJsonObject(ctx.body);
  checkFields(body, ["username", "roles"], ["username", "roles"]);
  const request = { username: stringField(body, "username"), roles: stringArrayField(body, "roles") };
  // An invitation sends an email, whichever kind: the per-IP invitation limit counts both.
  ctx.parts.limiter.countInvitation(ctx.remoteIp);
  return { status: 201, body: ctx.parts.store.projectInvitations.create(project.id, request, ctx.principal.id) };
};

const updateByUsername: ApiHandler = (ctx) => {
  const project = requireProject(ctx, "write");
  const body = parseJsonObject(ctx.body);
  checkFields(body, ["username", "roles"], ["username", "roles"]);
  const invitation = ctx.parts.store.projectInvitations.updateRolesByUsername(
    project.id,
    stringField(body, "username"),
    stringArrayField(body, "roles"),
  );
  return { status: 200, body: invitation };
};

const updateById: ApiHandler = (ctx) => {
  const project = requireProject(ctx, "write");
  const id = objectIdParam(ctx, "invitationId", "INVITATION-ID");
  const body = parseJsonObject(ctx.body);
  checkFields(body, ["roles"], ["roles"]);
  return { status: 200, body: ctx.parts.store.projectInvitations.updateRoles(project.id, id, stringArrayField(body, "roles")) };
};

const remove: ApiHandler = (ctx) => {
  const project = requireProject(ctx, "write");
  const id = objectIdParam(ctx, "invitationId", "INVITATION-ID");
  ctx.parts.store.projectInvitations.delete(project.id, id);
  return { status: 204 };
};

export function addProjectInvitationRoutes(router: Router<ApiHandler>): void {
  router
    .add("GET", "/groups/:groupId/invites", list)
    .add("POST", "/groups/:groupId/invites", create)
    .add("PATCH", "/groups/:groupId/invites", updateByUsername)
    .add("GET", "/groups/:groupId/invites/:invitationId", getOne)
    .add("PATCH", "/groups/:groupId/invites/:invitationId", updateById)
    .add("DELETE", "/groups/:groupId/invites/:invitationId", remove);
}
