// The Team resource's model: a team of an organization, made, renamed and deleted by the program.
// Who is on it is NOT here: each person's OrgMembership.teamIds says so (one place); `founders` only
// gives Cloud Manager, which cannot create an empty team, the members to create it with
// (../../access/team-founders).

import { compact, listOf, stringOf, type PropertyBag } from "../../model/property-bag";
import { isTeamId, waitingTeamName } from "../../model/team-ref";

/**
 * ACTIVE: the team exists. WAITING: not created yet, because none of its founders is a member yet
 * (`teamId` is `waiting:<name>`; the next `up` after one accepts creates it). DELETED: deleted outside
 * Pulumi (the next `up` creates it again).
 */
export type TeamStatus = "ACTIVE" | "WAITING" | "DELETED";

export const TEAM_STATUSES: readonly TeamStatus[] = ["ACTIVE", "WAITING", "DELETED"];

/** The checked inputs. */
export type TeamInputs = {
  orgId: string;
  name: string;
  /** Usernames to create the team with (the active members among them); sorted, one per address. */
  founders: string[];
};

/** Everything stored in state (it carries the inputs: `diff`, `update` and `delete` get the old outputs only). */
export type TeamOutputs = TeamInputs & {
  /** The team's id, or `waiting:<name>` while the Team waits for a founder. */
  teamId: string;
  status: TeamStatus;
  /** The usernames on the team, as read (decided by their OrgMemberships). */
  members: string[];
  /** The projects the team has roles in, as read (ids, sorted). */
  projectIds: string[];
  /** While WAITING: the founders that are not members yet. */
  waitingFor?: string[];
};

export type StoredTeam = Partial<TeamOutputs> & { orgId: string };

export function storedTeamOf(bag: PropertyBag, orgId: string): StoredTeam {
  return compact({
    orgId,
    name: stringOf(bag["name"]),
    founders: listOf(bag["founders"]),
    teamId: stringOf(bag["teamId"]),
    status: TEAM_STATUSES.find((s) => s === bag["status"]),
    members: listOf(bag["members"]),
    projectIds: listOf(bag["projectIds"]),
    waitingFor: listOf(bag["waitingFor"]),
  });
}

export function teamInputsOf(bag: PropertyBag): TeamInputs {
  return { orgId: stringOf(bag["orgId"]) ?? "", name: stringOf(bag["name"]) ?? "", founders: listOf(bag["founders"]) ?? [] };
}

/** The Pulumi id: "{orgId}/{teamId}" (a waiting Team's teamId is `waiting:<name>`). */
export function teamResourceId(orgId: string, teamId: string): string {
  return `${orgId}/${teamId}`;
}

/** What an id names: a team by id, by name (`{orgId}/name:{name}`, for import), or a waiting Team. */
export type ParsedTeamId =
  | { kind: "id"; orgId: string; teamId: string }
  | { kind: "name"; orgId: string; name: string }
  | { kind: "waiting"; orgId: string; name: string };

const NAME_PREFIX = "name:";

export function parseTeamId(id: string): ParsedTeamId {
  const slash = id.indexOf("/");
  const orgId = slash < 0 ? "" : id.slice(0, slash);
  const rest = slash < 0 ? "" : id.slice(slash + 1);
  if (/^[0-9a-f]{24}$/.test(orgId)) {
    if (isTeamId(rest)) return { kind: "id", orgId, teamId: rest.toLowerCase() };
    if (rest.startsWith(NAME_PREFIX) && rest.trim().length > NAME_PREFIX.length)
      return { kind: "name", orgId, name: rest.slice(NAME_PREFIX.length).trim() };
    const waiting = waitingTeamName(rest);
    if (waiting !== undefined) return { kind: "waiting", orgId, name: waiting };
  }
  throw new Error(
    `INVALID_RESOURCE_ID: "${id}" is not a Team id. Use "{orgId}/{teamId}" (both 24 lowercase hex characters, e.g. ` +
      `"5f1b2c3d4e5f6a7b8c9d0e1f/6a0b1c2d3e4f5a6b7c8d9e0f") or "{orgId}/name:{team name}" (e.g. "5f1b2c3d4e5f6a7b8c9d0e1f/name:dba").`,
  );
}
