// /__emulator/…: test and demo controls, outside the API's auth, never in the request log.
// Refused (403) unless the server listens on loopback or the control plane was enabled explicitly,
// and refused to browsers (control-plane-guard.ts).
import type { IncomingMessage, ServerResponse } from "node:http";
import { checkFields, optionalStringArrayField, parseJsonObject, stringArrayField, stringField, type JsonObject } from "./body";
import { guardControlPlane } from "./control-plane-guard";
import type { EmulatorParts } from "./emulator-parts";
import { ApiError, invalidAttribute, invalidQueryParameter, methodNotAllowed, resourceNotFound } from "./errors";
import { formatFromQuery, readBody, sendError, sendJson } from "./http-io";
import { Router } from "./router";
import { EmulatorState } from "./state-handle";
import type { AcceptProfile, ApiKeyInput, FaultSpec, OrgRoleGrant, ServiceAccountInput } from "./types";

interface ControlReply {
  status: number;
  body?: unknown;
}

type ControlHandler = (state: EmulatorState, params: Record<string, string>, body: JsonObject, query: URLSearchParams) => ControlReply;

const ok = (body: unknown): ControlReply => ({ status: 200, body });
const created = (body: unknown): ControlReply => ({ status: 201, body });
const noContent: ControlReply = { status: 204 };

const optionalString = (body: JsonObject, name: string): string | undefined =>
  body[name] === undefined || body[name] === null ? undefined : stringField(body, name);

const PROFILE_FIELDS = ["firstName", "lastName", "country", "mobileNumber", "emailAddress"] as const;

/** `?force=true` (or `false`, or absent); anything else is 400 INVALID_QUERY_PARAMETER. */
function forceFlag(query: URLSearchParams): boolean {
  const value = query.get("force");
  if (value === null || value === "false") return false;
  if (value === "true") return true;
  throw invalidQueryParameter("force", value);
}

function profileInput(body: JsonObject): AcceptProfile {
  const profile: AcceptProfile = {};
  for (const field of PROFILE_FIELDS) {
    const value = optionalString(body, field);
    if (value !== undefined) profile[field] = value;
  }
  return profile;
}

function principalInput(body: JsonObject, idField: string, secretField: string): ApiKeyInput & ServiceAccountInput {
  checkFields(body, [idField, secretField, "name", "orgRoles", "accessList"], []);
  const orgRoles = body["orgRoles"];
  if (orgRoles !== undefined && !Array.isArray(orgRoles)) throw invalidAttribute("orgRoles");
  const input: ApiKeyInput & ServiceAccountInput = {
    orgRoles: (orgRoles ?? []) as OrgRoleGrant[],
    accessList: optionalStringArrayField(body, "accessList"),
  };
  const id = optionalString(body, idField);
  const secret = optionalString(body, secretField);
  const name = optionalString(body, "name");
  if (id !== undefined) (input as Record<string, unknown>)[idField] = id;
  if (secret !== undefined) (input as Record<string, unknown>)[secretField] = secret;
  if (name !== undefined) input.name = name;
  return input;
}

const router = new Router<ControlHandler>()
  .add("POST", "/orgs/:orgId/invites", (state, p, body) => {
    // An invitation sent by a person in the UI: the inviter is a username, not an API key.
    checkFields(body, ["username", "roles", "teamIds", "inviterUsername"], ["username", "roles", "inviterUsername"]);
    const teamIds = optionalStringArrayField(body, "teamIds");
    const input = { username: stringField(body, "username"), roles: stringArrayField(body, "roles"), ...(teamIds ? { teamIds } : {}) };
    return created(state.inviteAs(p["orgId"] ?? "", input, stringField(body, "inviterUsername")));
  })
  .add("POST", "/orgs/:orgId/invites/:invitationId/accept", (state, p, body) => {
    checkFields(body, PROFILE_FIELDS, []);
    return ok(state.acceptInvitation(p["orgId"] ?? "", p["invitationId"] ?? "", profileInput(body)));
  })
  .add("POST", "/orgs/:orgId/invites/:invitationId/expire", (state, p) =>
    ok(state.expireInvitation(p["orgId"] ?? "", p["invitationId"] ?? "")),
  )
  .add("GET", "/orgs", (state) => ok(state.orgs()))
  .add("POST", "/orgs", (state, _p, body) => {
    checkFields(body, ["name", "id"], ["name"]);
    const id = optionalString(body, "id");
    return created(state.createOrg({ name: stringField(body, "name"), ...(id !== undefined ? { id } : {}) }));
  })
  .add("POST", "/orgs/:orgId/teams", (state, p, body) => {
    checkFields(body, ["name", "id"], ["name"]);
    const id = optionalString(body, "id");
    const team = state.createTeam(p["orgId"] ?? "", { name: stringField(body, "name"), ...(id !== undefined ? { id } : {}) });
    return created({ id: team.id, name: team.name });
  })
  .add("PATCH", "/orgs/:orgId/teams/:team", (state, p, body) => {
    checkFields(body, ["name"], ["name"]);
    const team = state.renameTeam(p["orgId"] ?? "", p["team"] ?? "", stringField(body, "name"));
    return ok({ id: team.id, name: team.name });
  })
  .add("DELETE", "/orgs/:orgId/teams/:team", (state, p, _body, query) => {
    state.deleteTeam(p["orgId"] ?? "", p["team"] ?? "", { force: forceFlag(query) });
    return noContent;
  })
  .add("POST", "/orgs/:orgId/groups", (state, p, body) => {
    checkFields(body, ["name", "id"], ["name"]);
    const id = optionalString(body, "id");
    return created(state.createProject(p["orgId"] ?? "", { name: stringField(body, "name"), ...(id !== undefined ? { id } : {}) }));
  })
  .add("POST", "/groups/:groupId/teams/:team", (state, p, body) => {
    checkFields(body, ["roleNames"], ["roleNames"]);
    return ok(state.setProjectTeamRoles(p["groupId"] ?? "", p["team"] ?? "", stringArrayField(body, "roleNames")));
  })
  .add("DELETE", "/groups/:groupId/teams/:team", (state, p) => {
    state.removeProjectTeam(p["groupId"] ?? "", p["team"] ?? "");
    return noContent;
  })
  .add("POST", "/groups/:groupId/users/:user/roles", (state, p, body) => {
    checkFields(body, ["roles"], ["roles"]);
    return ok(state.setProjectUserRoles(p["groupId"] ?? "", p["user"] ?? "", stringArrayField(body, "roles")));
  })
  .add("DELETE", "/groups/:groupId/users/:user", (state, p) => {
    state.removeProjectUser(p["groupId"] ?? "", p["user"] ?? "");
    return noContent;
  })
  .add("POST", "/groups/:groupId/invites", (state, p, body) => {
    // A project invitation sent by a person in the UI: the inviter is a username, not an API key.
    checkFields(body, ["username", "roles", "inviterUsername"], ["username", "roles", "inviterUsername"]);
    const input = { username: stringField(body, "username"), roles: stringArrayField(body, "roles") };
    return created(state.inviteToProjectAs(p["groupId"] ?? "", input, stringField(body, "inviterUsername")));
  })
  .add("POST", "/groups/:groupId/invites/:invitationId/accept", (state, p, body) => {
    checkFields(body, PROFILE_FIELDS, []);
    return ok(state.acceptProjectInvitation(p["groupId"] ?? "", p["invitationId"] ?? "", profileInput(body)));
  })
  .add("POST", "/groups/:groupId/invites/:invitationId/expire", (state, p) =>
    ok(state.expireProjectInvitation(p["groupId"] ?? "", p["invitationId"] ?? "")),
  )
  .add("POST", "/orgs/:orgId/users", (state, p, body) => {
    checkFields(body, ["username", "roles", "teamIds", ...PROFILE_FIELDS], ["username", "roles"]);
    return created(
      state.addOrgUser(p["orgId"] ?? "", {
        username: stringField(body, "username"),
        roles: stringArrayField(body, "roles"),
        teamIds: optionalStringArrayField(body, "teamIds"),
        ...profileInput(body),
      }),
    );
  })
  .add("POST", "/orgs/:orgId/users/:user/roles", (state, p, body) => {
    checkFields(body, ["roles"], ["roles"]);
    return ok(state.setMemberOrgRoles(p["orgId"] ?? "", p["user"] ?? "", stringArrayField(body, "roles")));
  })
  .add("POST", "/orgs/:orgId/users/:user/teams", (state, p, body) => {
    checkFields(body, ["teamIds"], ["teamIds"]);
    return ok(state.setMemberTeams(p["orgId"] ?? "", p["user"] ?? "", stringArrayField(body, "teamIds")));
  })
  .add("POST", "/orgs/:orgId/users/:user/teams/add", (state, p, body) => {
    checkFields(body, ["teamIds"], ["teamIds"]);
    return ok(state.addMemberToTeams(p["orgId"] ?? "", p["user"] ?? "", stringArrayField(body, "teamIds")));
  })
  .add("POST", "/orgs/:orgId/users/:user/teams/remove", (state, p, body) => {
    checkFields(body, ["teamIds"], ["teamIds"]);
    return ok(state.removeMemberFromTeams(p["orgId"] ?? "", p["user"] ?? "", stringArrayField(body, "teamIds")));
  })
  .add("DELETE", "/orgs/:orgId/users/:user", (state, p) => {
    state.removeOrgUser(p["orgId"] ?? "", p["user"] ?? "");
    return noContent;
  })
  .add("PATCH", "/users/:user", (state, p, body) => {
    checkFields(body, PROFILE_FIELDS, []);
    return ok(state.updateUser(p["user"] ?? "", profileInput(body)));
  })
  .add("POST", "/apiKeys", (state, _p, body) => created(state.addApiKey(principalInput(body, "publicKey", "privateKey"))))
  .add("DELETE", "/apiKeys/:publicKey", (state, p) => {
    if (!state.removeApiKey(p["publicKey"] ?? "")) throw resourceNotFound(`apiKeys/${p["publicKey"]}`);
    return noContent;
  })
  .add("POST", "/serviceAccounts", (state, _p, body) => created(state.addServiceAccount(principalInput(body, "clientId", "clientSecret"))))
  .add("DELETE", "/serviceAccounts/:clientId", (state, p) => {
    if (!state.removeServiceAccount(p["clientId"] ?? "")) throw resourceNotFound(`serviceAccounts/${p["clientId"]}`);
    return noContent;
  })
  .add("POST", "/nonces/expire", (state) => ok({ expired: state.expireNonces() }))
  .add("POST", "/tokens/expire", (state) => ok({ expired: state.expireTokens() }))
  .add("GET", "/faults", (state) => ok({ faults: state.faults() }))
  .add("POST", "/faults", (state, _p, body) => created(state.addFault(body as unknown as FaultSpec)))
  .add("DELETE", "/faults", (state) => {
    state.clearFaults();
    return noContent;
  })
  .add("GET", "/rateLimits", (state) => ok(state.rateLimits()))
  .add("PUT", "/rateLimits", (state, _p, body) => ok(state.setRateLimits(body)))
  .add("GET", "/settings", (state) => ok(state.settings()))
  .add("PUT", "/settings", (state, _p, body) => {
    checkFields(body, ["duplicateInvitations", "expiredInvitations", "emptyTeams"], []);
    return ok(state.updateSettings(body));
  })
  .add("GET", "/requests", (state) => ok({ requests: state.requests() }))
  .add("DELETE", "/requests", (state) => {
    state.clearRequests();
    return noContent;
  })
  .add("GET", "/state", (state) => ok(state.snapshot()))
  .add("POST", "/reset", (state) => {
    state.reset();
    return noContent;
  });

export async function handleControlPlane(
  parts: EmulatorParts,
  req: IncomingMessage,
  res: ServerResponse,
  path: string,
  query: URLSearchParams,
): Promise<void> {
  const format = { ...formatFromQuery(query), envelope: false };
  try {
    if (!parts.controlPlaneEnabled) {
      throw new ApiError(403, "CONTROL_PLANE_DISABLED", "The emulator control plane is off: listen on loopback or enable it explicitly.");
    }
    // Everything here is decided from the headers: a refused request's body is never read.
    guardControlPlane(req, parts.controlPlaneHosts, parts.scheme);
    const method = req.method ?? "GET";
    const route = router.resolve(method, path);
    if (route.kind === "none") throw resourceNotFound(`/__emulator${path}`);
    if (route.kind === "wrongMethod") throw methodNotAllowed(method, route.allowed);
    const raw = await readBody(req);
    // An empty body means "no options" here (POST reset, POST …/expire).
    const body: JsonObject = raw.toString("utf8").trim() === "" ? {} : parseJsonObject(raw);
    const reply = route.match.handler(new EmulatorState(parts), route.match.params, body, query);
    sendJson(res, reply.status, reply.body, format);
  } catch (error) {
    if (error instanceof ApiError) sendError(res, error, format);
    else throw error;
  }
}
