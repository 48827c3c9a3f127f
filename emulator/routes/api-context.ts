// What an API route handler gets, what it answers, and the org checks every org route starts with.
import type { EmulatorParts } from "../emulator-parts";
import { invalidAttribute, notInGroup, userUnauthorized } from "../errors";
import { isObjectId } from "../ids";
import { OWNER_ROLE } from "../org-roles";
import { PROJECT_READ_ORG_ROLES } from "../project-roles";
import type { PrincipalSummary, ProjectRecord } from "../types";

export interface ApiContext {
  parts: EmulatorParts;
  params: Record<string, string>;
  query: URLSearchParams;
  body: Buffer;
  principal: PrincipalSummary;
  remoteIp: string;
  /** `http(s)://host:port` as the client addressed us, for `links`. */
  origin: string;
}

export interface ApiReply {
  status: number;
  /** Undefined: no content. */
  body?: unknown;
}

export type ApiHandler = (ctx: ApiContext) => ApiReply | Promise<ApiReply>;

/** Path param that must be an ObjectId; a malformed one is a 400 (not a 404 that could read as "gone"). */
export function objectIdParam(ctx: ApiContext, name: string, label: string): string {
  const value = ctx.params[name] ?? "";
  if (!isObjectId(value)) throw invalidAttribute(label, `${value} is not a valid id (24 hexadecimal characters).`);
  return value;
}

/** The org must exist (404 ORG_NOT_FOUND) and the caller must hold a role in it (owner for writes). */
export function requireOrg(ctx: ApiContext, access: "read" | "write"): string {
  const orgId = objectIdParam(ctx, "orgId", "ORG-ID");
  ctx.parts.store.org(orgId);
  const grant = ctx.principal.orgRoles.find((g) => g.orgId === orgId);
  const allowed = access === "read" ? grant !== undefined && grant.roles.length > 0 : grant?.roles.includes(OWNER_ROLE) === true;
  if (!allowed) throw userUnauthorized();
  return orgId;
}

/**
 * Whether the caller reaches the org's projects. Credentials hold org roles only, so a project is
 * reached through ORG_OWNER (read and write) or ORG_READ_ONLY (read): Cloud Manager gives those
 * roles access to every project of the org. Other org roles reach no project.
 */
export function seesOrgProjects(principal: PrincipalSummary, orgId: string): boolean {
  const roles = principal.orgRoles.find((g) => g.orgId === orgId)?.roles ?? [];
  return roles.some((r) => PROJECT_READ_ORG_ROLES.includes(r));
}

/**
 * The project must exist (404 GROUP_NOT_FOUND, checked first as orgs are) and the caller must reach
 * it (401 NOT_IN_GROUP); a write needs ORG_OWNER in the project's org (401 USER_UNAUTHORIZED).
 */
export function requireProject(ctx: ApiContext, access: "read" | "write"): ProjectRecord {
  const projectId = objectIdParam(ctx, "groupId", "PROJECT-ID");
  const project = ctx.parts.store.projects.get(projectId);
  if (!seesOrgProjects(ctx.principal, project.orgId)) throw notInGroup(projectId);
  const roles = ctx.principal.orgRoles.find((g) => g.orgId === project.orgId)?.roles ?? [];
  if (access === "write" && !roles.includes(OWNER_ROLE)) throw userUnauthorized();
  return project;
}
