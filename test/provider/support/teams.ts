// The engine's steps for Team, ProjectTeam and OrgMembership, driven in-process against the emulator
// (shared by the team-*.test.ts files): check, then create for a new resource, or diff then update or
// replace for one in state — in the order a test calls them, which is the order the engine would
// (dependents after what they depend on, deletes last). Each "deployment" is one provider process:
// h.newDeployment() between commands.
import { expect } from "vitest";
import type { PropertyBag } from "../../../provider/model/property-bag";
import { PROVIDER_PLACEHOLDER, runtime, type Harness } from "./harness";

export type Methods = typeof runtime.team;
export type ResourceType = "Team" | "ProjectTeam" | "OrgMembership" | "OrgInvitation";

/** A resource in state: its id and its stored outputs (with `__provider`, as the engine hands them back). */
export interface Stored {
  id: string;
  state: PropertyBag;
}

export const urn = (type: ResourceType, name: string): string =>
  `urn:pulumi:dev::access::pulumi-nodejs:dynamic/cloudmanager:${type}::${name}`;

export const stateOf = (outs: unknown): PropertyBag => ({ ...(outs as PropertyBag), __provider: PROVIDER_PLACEHOLDER });

export function teamArgs(orgId: string, name: string, founders: string[]): PropertyBag {
  return { orgId, name, founders, __urn: urn("Team", name), __provider: PROVIDER_PLACEHOLDER };
}

export function membershipArgs(orgId: string, username: string, teamIds: string[], roles = ["ORG_MEMBER"]): PropertyBag {
  return {
    orgId,
    username,
    roles,
    teamIds,
    __urn: urn("OrgMembership", username.split("@")[0] ?? username),
    __provider: PROVIDER_PLACEHOLDER,
  };
}

export function projectTeamArgs(orgId: string, projectId: string, teamId: string, roles: string[], name?: string): PropertyBag {
  return {
    orgId,
    projectId,
    teamId,
    roles,
    __urn: urn("ProjectTeam", name ?? `${teamId.replace(":", "-")}-${projectId}`),
    __provider: PROVIDER_PLACEHOLDER,
  };
}

/** check then create, as `pulumi up` runs them for a new resource (the check must pass). */
export async function create(methods: Methods, news: PropertyBag): Promise<Stored> {
  const checked = await methods.check({}, news);
  expect(checked.failures ?? []).toEqual([]);
  const created = await methods.create(checked.inputs ?? {});
  expect(created.id).not.toBe("");
  return { id: created.id, state: stateOf(created.outs) };
}

/**
 * check, diff, then update or (create-before-delete) replace, as `pulumi up` runs them for a resource
 * in state. `replaced`: the old resource when it was replaced (the engine deletes it at the end: the
 * caller does, in that order).
 */
export async function change(
  methods: Methods,
  prior: Stored,
  news: PropertyBag,
): Promise<Stored & { step: "same" | "update" | "replace"; replaced?: Stored }> {
  const checked = await methods.check(prior.state, news);
  expect(checked.failures ?? []).toEqual([]);
  const inputs = checked.inputs ?? {};
  const diff = await methods.diff(prior.id, prior.state, inputs);
  if ((diff.replaces ?? []).length > 0) {
    const created = await methods.create(inputs);
    return { id: created.id, state: stateOf(created.outs), step: "replace", replaced: prior };
  }
  if (diff.changes !== true) return { ...prior, step: "same" };
  const updated = await methods.update(prior.id, prior.state, inputs);
  return { id: prior.id, state: stateOf(updated.outs), step: "update" };
}

/** `pulumi refresh` of one resource: what its read returns becomes its state. */
export async function refresh(methods: Methods, prior: Stored): Promise<Stored> {
  const read = await methods.read(prior.id, prior.state);
  if (read.id === undefined || read.id === "") throw new Error(`refresh found nothing for ${prior.id}`);
  return { id: read.id, state: stateOf(read.props) };
}

/** The diff `pulumi preview` would show for a resource in state with these inputs. */
export async function previewDiff(methods: Methods, prior: Stored, news: PropertyBag): Promise<{ changes?: boolean; replaces?: string[] }> {
  const checked = await methods.check(prior.state, news);
  expect(checked.failures ?? []).toEqual([]);
  return methods.diff(prior.id, prior.state, checked.inputs ?? {});
}

/** The writes that reached the API, shortened ("POST /orgs/{org}/teams 200"); a Digest challenge (401) is no write. */
export function writesOf(h: Harness): string[] {
  return h
    .requests()
    .filter((r) => r.method !== "GET" && r.status !== 401)
    .map((r) => `${r.method} ${shortPath(h, r.path)} ${r.status}`);
}

/** Every request that reached the API, shortened, the Digest challenges (401) left out. */
export function requestsOf(h: Harness): string[] {
  return h
    .requests()
    .filter((r) => r.status !== 401)
    .map((r) => `${r.method} ${shortPath(h, r.path)} ${r.status}`);
}

export function shortPath(h: Harness, path: string): string {
  return path.replace("/api/public/v1.0", "").replace(h.orgId, "{org}");
}

/** The error a promise rejects with (the test fails if it resolves). */
export async function failure(promise: Promise<unknown>): Promise<Error> {
  const outcome = await promise.then(
    () => undefined,
    (e: unknown) => e,
  );
  expect(outcome).toBeInstanceOf(Error);
  return outcome as Error;
}

export const addMember = (h: Harness, username: string, teamIds: string[] = []) =>
  h.emulator.state.addOrgUser(h.orgId, { username, roles: ["ORG_MEMBER"], teamIds });

/** Usernames on the team, as Cloud Manager has it. */
export const onTeam = (h: Harness, teamId: string): string[] =>
  h.emulator.state
    .teamUsers(h.orgId, teamId)
    .map((u) => u.username)
    .sort();
