// ProjectMembership and ProjectRoster driven the way the engine calls them (shared by the
// project-*.test.ts files): the arguments as the resource classes build them (with `__urn`), the
// request log shortened with names instead of ids, and the order of notices against requests. The
// engine's steps themselves (check then create, diff then update, refresh) are ./teams's.
import type { PropertyBag } from "../../../provider/model/property-bag";
import { PROVIDER_PLACEHOLDER, runtime, type Harness } from "./harness";

export type ProjectResourceType = "ProjectMembership" | "ProjectRoster" | "ProjectTeam";

export const projectUrn = (type: ProjectResourceType, name: string): string =>
  `urn:pulumi:dev::access::pulumi-nodejs:dynamic/cloudmanager:${type}::${name}`;

/** A ProjectMembership's inputs; the resource name defaults to "<local part>-<project id>". */
export function memberArgs(orgId: string, projectId: string, username: string, roles: string[], name?: string): PropertyBag {
  return {
    orgId,
    projectId,
    username,
    roles,
    __urn: projectUrn("ProjectMembership", name ?? `${username.split("@")[0] ?? username}-${projectId}`),
    __provider: PROVIDER_PLACEHOLDER,
  };
}

export interface RosterOptions {
  managed?: string[];
  teams?: string[];
  ignore?: string[];
  prune?: boolean;
}

/** A ProjectRoster's inputs (one per project). */
export function rosterArgs(orgId: string, projectId: string, options: RosterOptions = {}, name = `roster-${projectId}`): PropertyBag {
  return {
    orgId,
    projectId,
    managed: options.managed ?? [],
    ...(options.teams === undefined ? {} : { teams: options.teams }),
    ...(options.ignore === undefined ? {} : { ignore: options.ignore }),
    ...(options.prune === undefined ? {} : { prune: options.prune }),
    __urn: projectUrn("ProjectRoster", name),
    __provider: PROVIDER_PLACEHOLDER,
  };
}

const seen = new Map<string, string>();

/**
 * Replaces every id the emulator knows (projects, users, teams, project invitations, the org) with a
 * readable name in braces, so a request log reads "DELETE /groups/{prod}/users/{alice} 204".
 */
export function namer(h: Harness): (path: string) => string {
  // Kept across calls: a person who has left every organization is no longer listed, but their id still names them.
  const names = seen;
  names.set(h.orgId, "{org}");
  for (const p of h.emulator.state.projects()) names.set(p.id, `{${p.name}}`);
  for (const u of h.emulator.state.members()) names.set(u.id, `{${u.username.split("@")[0] ?? u.username}}`);
  for (const t of h.emulator.state.teams()) names.set(t.id, `{team:${t.name}}`);
  for (const i of h.emulator.state.projectInvitations()) names.set(i.id, `{invite:${i.username.split("@")[0] ?? i.username}}`);
  return (path) => path.replace("/api/public/v1.0", "").replace(/[0-9a-f]{24}/g, (id) => names.get(id) ?? "{?}");
}

/** Every request since the last clearRequests, shortened; Digest challenges (401) left out. */
export function requestLog(h: Harness): string[] {
  const name = namer(h);
  return h
    .requests()
    .filter((r) => r.status !== 401)
    .map((r) => `${r.method} ${name(r.path)} ${r.status}`);
}

/** The writes only (what a test means by "sent something"). */
export function writeLog(h: Harness): string[] {
  return requestLog(h).filter((line) => !line.startsWith("GET "));
}

/**
 * Runs `fn` with every notice recorded together with how many requests the emulator had logged when
 * it was said: a notice said BEFORE a request has a mark lower than that request's position.
 */
export async function withMarkedNotices<T>(
  h: Harness,
  fn: () => Promise<T>,
): Promise<{ result: T; marks: { notice: string; at: number }[] }> {
  const marks: { notice: string; at: number }[] = [];
  const previous = runtime.setNoticeSink((message) => {
    h.notices.push(message);
    marks.push({ notice: message, at: h.requests().length });
  });
  try {
    return { result: await fn(), marks };
  } finally {
    runtime.setNoticeSink(previous);
  }
}

/** The person's own (direct) roles in the project, as Cloud Manager has them. */
export function ownRoles(h: Harness, projectId: string, username: string): string[] {
  return (h.emulator.state.projectUsers(projectId).find((u) => u.username === username)?.roles ?? [])
    .filter((r) => r.groupId === projectId)
    .map((r) => r.roleName)
    .sort();
}

export const isMember = (h: Harness, username: string): boolean => h.emulator.state.members(h.orgId).some((m) => m.username === username);
