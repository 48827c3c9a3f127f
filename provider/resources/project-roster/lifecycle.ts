// A ProjectRoster's lifecycle: undeclared project access is drift, with OrgRoster's rules one level
// down (docs/lifecycle.md has the table). `read` lists the project's users with roles of their own,
// its pending invitations and its teams (one read each per deployment, shared) and records what
// nobody declared; `diff` reports a change while that record is not empty, so
// `pulumi preview --refresh --expect-no-changes` fails and names them; with `prune`, `up` takes those
// people out of the project (never out of the organization), withdraws those invitations and takes
// those teams off the project, one `pruned:` line each, written BEFORE the request is sent.
// Undeclared: a username neither managed, declared by a ProjectMembership of this deployment, nor
// ignored; a team neither listed in `teams` nor declared by a ProjectTeam of this deployment. Never
// pruned: what is declared, managed or ignored; someone leaving `managed` in this `up` (their own
// resource removes them, or keeps them with `retainOnDelete`); the project's last Project Owner of
// its own; an invitation sent by another API key or service account (another automation's). A 404
// on a prune's DELETE is "already gone" only when a read that starts after it agrees; taking
// GROUP_OWNER from someone runs alone in the organization, as a ProjectMembership's change does.

import type { CreateResult, DiffResult, ReadResult, UpdateResult } from "@pulumi/pulumi/dynamic";
import { isCloudManagerError, isExpired, isNotFoundAnswer, sameSet } from "../../../sdk";
import type { Project } from "../../../sdk/types";
import { usernameKey } from "../../access/identity";
import { senderOf } from "../../access/invitations";
import { findProject, ofThisOrg } from "../../access/projects";
import {
  entryKey,
  firstSeenByKey,
  jsonLines,
  readTime,
  stamp,
  storedEntries,
  type FoundEntry,
  type StoredEntry,
} from "../../access/roster-outputs";
import { rosterTests } from "../../access/roster-rules";
import { summarise, type Reported } from "../../access/roster-summary";
import type { DeploymentLedger } from "../../deployment/deployment-ledger";
import { warn } from "../../deployment/notices";
import type { OrgApi } from "../../deployment/org-api";
import { codedMessage } from "../../errors/codes";
import { orFail, providerError } from "../../errors/provider-error";
import { isUnknown, listOf, stringOf, urnOf, type PropertyBag } from "../../model/property-bag";
import {
  projectRosterResourceId,
  type ProjectRosterInputs,
  type ProjectRosterOutputs,
  type UnmanagedProjectInvitation,
  type UnmanagedProjectTeam,
  type UnmanagedProjectUser,
} from "./model";

const OWNER = "GROUP_OWNER";
const OUTPUTS = ["unmanagedUsers", "unmanagedInvitations", "unmanagedTeams"] as const;

/** A line's fields but its name (an entry's `key`). */
type UserFields = Omit<UnmanagedProjectUser, "username">;
type InvitationFields = Omit<UnmanagedProjectInvitation, "username">;
type TeamFields = Omit<UnmanagedProjectTeam, "name">;
/** What a read finds, in the API's order, by username (teams by name): the outputs' entries before their `firstSeen`. */
type Found = {
  users: FoundEntry<Omit<UserFields, "firstSeen">>[];
  invitations: FoundEntry<Omit<InvitationFields, "firstSeen">>[];
  teams: FoundEntry<Omit<TeamFields, "firstSeen">>[];
};
type Entries = {
  users: StoredEntry<UserFields>[];
  invitations: StoredEntry<InvitationFields>[];
  teams: StoredEntry<TeamFields>[];
};

/** The stored outputs of the last read as entries: lines, or the maps or arrays of a state written before them. */
function storedFound(bag: PropertyBag): Entries {
  return {
    users: storedEntries<UserFields>(bag["unmanagedUsers"], "username"),
    invitations: storedEntries<InvitationFields>(bag["unmanagedInvitations"], "username"),
    teams: storedEntries<TeamFields>(bag["unmanagedTeams"], "name"),
  };
}

/** The record of `found`: its outputs (JSON Lines by name) and its entries, each `firstSeen` kept from `previous` (the last read's) or now. */
function record(
  found: Found,
  previous: Entries,
): { outputs: Pick<ProjectRosterOutputs, "unmanagedUsers" | "unmanagedInvitations" | "unmanagedTeams">; entries: Entries } {
  const now = readTime();
  const users = stamp(found.users, firstSeenByKey(previous.users), now);
  const invitations = stamp(found.invitations, firstSeenByKey(previous.invitations), now);
  const teams = stamp(found.teams, firstSeenByKey(previous.teams), now);
  return {
    outputs: {
      unmanagedUsers: jsonLines(users, "username"),
      unmanagedInvitations: jsonLines(invitations, "username"),
      unmanagedTeams: jsonLines(teams, "name"),
    },
    entries: { users, invitations, teams },
  };
}

const countOf = (f: { users: unknown[]; invitations: unknown[]; teams: unknown[] }) =>
  f.users.length + f.invitations.length + f.teams.length;

export function projectRosterInputsOf(bag: PropertyBag): ProjectRosterInputs {
  const list = (v: unknown) => listOf(v) ?? [];
  return {
    orgId: stringOf(bag["orgId"]) ?? "",
    projectId: stringOf(bag["projectId"]) ?? "",
    managed: list(bag["managed"]),
    teams: list(bag["teams"]),
    ignore: list(bag["ignore"]),
    prune: bag["prune"] === true,
  };
}

// ---- diff ----

/** As OrgRoster's: `prune` alone is no change; what was found at the last read, less what is now managed, declared or ignored, is. */
export function diffProjectRoster(olds: PropertyBag, news: PropertyBag, ledger: DeploymentLedger): DiffResult {
  if (olds["orgId"] !== news["orgId"] || olds["projectId"] !== news["projectId"]) {
    return { changes: true, replaces: olds["orgId"] !== news["orgId"] ? ["orgId"] : ["projectId"], deleteBeforeReplace: true };
  }
  const old = projectRosterInputsOf(olds);
  const knownNews = ["managed", "teams", "ignore", "prune"].every((k) => !isUnknown(news[k]));
  const next = projectRosterInputsOf(news);
  const inputsChanged =
    !knownNews ||
    !sameSet(old.managed, next.managed, true) ||
    !sameSet(old.ignore, next.ignore, true) ||
    !sameSet(old.teams, next.teams, true);
  const found = stillUndeclared(storedFound(olds), next, ledger, knownNews);
  const count = countOf(found);
  // The refresh of `--refresh` diffs before the program's resources are checked (their declarations
  // are not known yet): the notice waits for the roster's own check, so nobody declared is named.
  if (count > 0 && ledger.wasChecked(urnOf(news))) ledger.warnOnce(undeclaredNotice(old.projectId, found, next.prune));
  return { changes: inputsChanged || count > 0 };
}

// ---- create, read, update, delete ----

export async function createProjectRoster(
  api: OrgApi,
  inputs: ProjectRosterInputs,
  ledger: DeploymentLedger,
): Promise<CreateResult<ProjectRosterOutputs>> {
  return { id: projectRosterResourceId(inputs.orgId, inputs.projectId), outs: await enforce(api, inputs, ledger, {}) };
}

/** `olds`: the stored outputs (what they hold keeps its `firstSeen`). */
export async function readProjectRoster(
  api: OrgApi,
  inputs: ProjectRosterInputs,
  olds: PropertyBag,
  ledger: DeploymentLedger,
): Promise<ReadResult<ProjectRosterOutputs>> {
  const project = await projectOf(api, inputs.projectId);
  const found = await findUndeclared(api, project, inputs, ledger);
  return { id: projectRosterResourceId(inputs.orgId, inputs.projectId), props: { ...inputs, ...record(found, storedFound(olds)).outputs } };
}

/** `olds`: the stored outputs; those who leave their `managed` now are left to their own resources in this deployment. */
export async function updateProjectRoster(
  api: OrgApi,
  inputs: ProjectRosterInputs,
  olds: PropertyBag,
  ledger: DeploymentLedger,
): Promise<UpdateResult<ProjectRosterOutputs>> {
  const previous = projectRosterInputsOf(olds);
  const managed = new Set(inputs.managed.map(usernameKey));
  const teams = new Set(inputs.teams.map((t) => t.toLowerCase()));
  const leaving = previous.managed.filter((u) => !managed.has(usernameKey(u)));
  const leavingTeams = previous.teams.filter((t) => !teams.has(t.toLowerCase()));
  return { outs: await enforce(api, inputs, ledger, olds, { managed: leaving, teams: leavingTeams }) };
}

// ---- steps ----

/** `olds`: the stored outputs (none at create): what they hold keeps its `firstSeen`, the rest is new. */
async function enforce(
  api: OrgApi,
  inputs: ProjectRosterInputs,
  ledger: DeploymentLedger,
  olds: PropertyBag,
  leaving: Pick<ProjectRosterInputs, "managed" | "teams"> = { managed: [], teams: [] },
): Promise<ProjectRosterOutputs> {
  const project = await projectOf(api, inputs.projectId);
  const scope = { ...inputs, managed: [...inputs.managed, ...leaving.managed], teams: [...inputs.teams, ...leaving.teams] };
  const previous = storedFound(olds);
  let found = await findUndeclared(api, project, scope, ledger);
  if (inputs.prune && countOf(found) > 0) {
    const gone = await prune(api, project, found, ledger);
    // What a 404 proved gone is not in this deployment's views of the project (no write of ours removed it).
    const after = await findUndeclared(api, project, scope, ledger);
    found = {
      users: after.users.filter((u) => !gone.has(u.id)),
      invitations: after.invitations.filter((i) => !gone.has(i.id)),
      teams: after.teams.filter((t) => !gone.has(t.id.toLowerCase())),
    };
    return { ...inputs, ...record(found, previous).outputs };
  }
  const { outputs, entries } = record(found, previous);
  if (countOf(found) > 0) {
    const seen = new Set([...previous.users.map(entryKey), ...previous.invitations.map(entryKey), ...previous.teams.map(entryKey)]);
    ledger.warnOnce(undeclaredNotice(inputs.projectId, entries, false, olds["unmanagedUsers"] === undefined ? undefined : seen));
  }
  return { ...inputs, ...outputs };
}

async function findUndeclared(api: OrgApi, project: Project, inputs: ProjectRosterInputs, ledger: DeploymentLedger): Promise<Found> {
  const declared = ledger.declaredInProject(project.id);
  const { unmanaged, ignored } = rosterTests(inputs, declared.usernames);
  const teamsManaged = new Set([...inputs.teams.map((t) => t.toLowerCase()), ...declared.teamIds]);
  const users = await orFail(api.projectUsers(project.id), `Reading the users of project "${project.name}" (${project.id})`);
  const invitations = await orFail(
    api.projectInvitations(project.id),
    `Reading the pending invitations of project "${project.name}" (${project.id})`,
  );
  const assigned = await orFail(api.projectTeams(project.id), `Reading the teams of project "${project.name}" (${project.id})`);
  const names = new Map(
    (await orFail(api.teams(), `Reading the teams of organization ${api.orgId}`)).map((t) => [t.id.toLowerCase(), t.name]),
  );
  // In the API's order: the gate orders by firstSeen and createdAt (./roster-summary), the outputs are maps.
  return {
    users: users
      .filter((u) => u.projectRoles.length > 0 && unmanaged(u.username))
      .map((u) => ({ key: u.username, id: u.id, value: { userId: u.id, roles: [...u.projectRoles].sort() } })),
    // Every live project invitation that no ignore pattern matches: no resource of ours sends one
    // (ProjectMembership waits for the organization's invitation), so one for a declared person is an
    // extra way in (accepting it ADDS its roles to theirs).
    invitations: invitations
      .filter((i) => !isExpired(i.expiresAt) && !ignored(i.username))
      .map((i) => ({
        key: i.username,
        id: i.id,
        value: {
          invitationId: i.id,
          roles: [...i.roles].sort(),
          inviterUsername: i.inviterUsername,
          createdAt: i.createdAt,
          ...(unmanaged(i.username) ? {} : { extra: true }),
        },
      })),
    teams: assigned
      .filter((t) => !teamsManaged.has(t.teamId.toLowerCase()))
      .map((t) => ({
        key: names.get(t.teamId.toLowerCase()) ?? t.teamId,
        id: t.teamId,
        value: { teamId: t.teamId, roles: [...t.roleNames].sort() },
      })),
  };
}

/** What was found, less what is now managed, declared or ignored (`known`: the inputs are known; otherwise all stays). */
function stillUndeclared(found: Entries, inputs: ProjectRosterInputs, ledger: DeploymentLedger, known: boolean): Entries {
  if (!known) return found;
  const declared = ledger.declaredInProject(inputs.projectId);
  const { unmanaged, ignored } = rosterTests(inputs, declared.usernames);
  const teams = new Set([...inputs.teams.map((t) => t.toLowerCase()), ...declared.teamIds]);
  return {
    users: found.users.filter((u) => unmanaged(u.key)),
    // An extra invitation of a declared person stays undeclared access whoever declares the person.
    invitations: found.invitations.filter((i) => !ignored(i.key)),
    teams: found.teams.filter((t) => !teams.has(t.teamId.toLowerCase())),
  };
}

/**
 * Removes what was found, one `pruned:` line each BEFORE its request. Returns the ids (team ids in
 * lower case) a 404 proved gone. A 404 counts only when a read that starts after it no longer lists
 * the thing; otherwise the step fails. Taking GROUP_OWNER from someone runs alone in the organization
 * (as a ProjectMembership's change does), decided once the writes before it are done.
 */
async function prune(api: OrgApi, project: Project, found: Found, ledger: DeploymentLedger): Promise<Set<string>> {
  const where = `project "${project.name}" (${project.id})`;
  const gone = new Set<string>();
  for (const { key: username, value: invitation } of found.invitations) {
    if (senderOf(invitation.inviterUsername, api.credentialId) === "another automation") {
      ledger.warnOnce(
        `not pruned: the invitation ${invitation.invitationId} for ${username} to ${where} was sent by another API key or service account ` +
          `(${invitation.inviterUsername}), i.e. another automation; declare it where that automation is managed, add ${username} to \`ignore\`, or withdraw it by hand.`,
      );
      continue;
    }
    warn(
      `pruned: withdrawing the invitation ${invitation.invitationId} for ${username} to ${where} (${invitation.roles.join(", ")}; sent by ${invitation.inviterUsername}), ` +
        `${invitation.extra === true ? "an invitation their declared roles do not include" : "which no resource declares"}.`,
    );
    const what = `Pruning the invitation ${invitation.invitationId} for ${username} to ${where}`;
    try {
      await api.deleteProjectInvitation(project.id, invitation.invitationId);
    } catch (e) {
      const retried = await provenGone(e, what, async () =>
        (await api.call((c) => c.listProjectInvitations(project.id))).some((i) => i.id === invitation.invitationId),
      );
      gone.add(invitation.invitationId);
      warn(
        retried
          ? `pruned: the invitation ${invitation.invitationId} for ${username} to ${where} is gone: an earlier attempt of this DELETE most likely withdrew it (its answer was lost, and the retry found nothing to delete).`
          : `pruned nothing for ${username}: the invitation to ${where} was already gone.`,
      );
    }
  }
  for (const { key: name, value: team } of found.teams) {
    warn(
      `pruned: taking team "${name}" (${team.teamId}; ${team.roles.join(", ")}) off ${where}; no ProjectTeam declares it (the team itself stays).`,
    );
    try {
      await api.removeTeamFromProject(project.id, team.teamId);
    } catch (e) {
      const retried = await provenGone(e, `Pruning team "${name}" from ${where}`, async () =>
        (await api.call((c) => c.listProjectTeams(project.id))).some((t) => t.teamId.toLowerCase() === team.teamId.toLowerCase()),
      );
      gone.add(team.teamId.toLowerCase());
      warn(
        retried
          ? `pruned: team "${name}" is off ${where}: an earlier attempt of this DELETE most likely took it off (its answer was lost, and the retry found nothing to delete).`
          : `pruned nothing for team "${name}": it was already off ${where}.`,
      );
    }
  }
  for (const { value: entry } of found.users) {
    const users = await orFail(api.projectUsers(project.id), `Reading the users of ${where}`);
    const listed = users.find((u) => u.id === entry.userId);
    if (listed === undefined) continue;
    const pruneOne = async () => {
      // Decided on the users as they are once the writes before this one are done.
      const now = await orFail(api.projectUsers(project.id), `Reading the users of ${where}`);
      const user = now.find((u) => u.id === entry.userId);
      if (user === undefined) return;
      const otherOwners = now.some((u) => u.id !== user.id && u.projectRoles.includes(OWNER));
      if (user.projectRoles.includes(OWNER) && !otherOwners) {
        ledger.warnOnce(
          `not pruned: ${user.username} is the only Project Owner of ${where} with the role given directly; give another person GROUP_OWNER there first.`,
        );
        return;
      }
      warn(
        `pruned: taking ${user.username} (${entry.roles.join(", ")}) out of ${where}; no resource declares their roles there (they stay in the organization).`,
      );
      try {
        await api.removeProjectUser(project.id, user);
      } catch (e) {
        const retried = await provenGone(e, `Pruning ${user.username} from ${where}`, async () =>
          (await api.freshProjectUsers(project.id)).some((u) => u.id === user.id),
        );
        gone.add(user.id);
        warn(
          retried
            ? `pruned: ${user.username} is out of ${where}: an earlier attempt of this DELETE most likely took them out (its answer was lost, and the retry found nothing to delete).`
            : `pruned nothing for ${user.username}: already out of ${where}.`,
        );
      }
    };
    await (listed.projectRoles.includes(OWNER) ? api.exclusive(pruneOne) : pruneOne());
  }
  return gone;
}

/**
 * After a prune's DELETE failed: a 404 is "already gone" only when `stillListed`, a read that starts
 * now, says so (returns whether the DELETE had been retried: an earlier attempt most likely did it);
 * anything else, a 404 for something still listed, or a read that fails, fails the step.
 */
async function provenGone(e: unknown, what: string, stillListed: () => Promise<boolean>): Promise<boolean> {
  if (!isNotFoundAnswer(e)) throw providerError(what, e);
  if (await orFail(stillListed(), `${what}: confirming Cloud Manager's 404 with a new read`)) throw providerError(what, e);
  return isCloudManagerError(e) && (e.attempts ?? 1) > 1;
}

async function projectOf(api: OrgApi, projectId: string): Promise<Project> {
  const found = await findProject(api, projectId);
  const project = ofThisOrg(api, found);
  if (project !== undefined) return project;
  const where =
    found === undefined
      ? `project ${projectId} is not a project of organization ${api.orgId}`
      : `project "${found.name}" (${found.id}) is of organization ${found.orgId}, not ${api.orgId}`;
  throw new Error(codedMessage("PROJECT_NOT_IN_ORG", `${where}. Fix projectId or orgId. Nothing was sent.`));
}

/** The gate's warning: what is new first, then newest first, at most 50 names and the count of the rest (../../access/roster-summary). */
function undeclaredNotice(projectId: string, found: Entries, prune: boolean, previous?: ReadonlySet<string>): string {
  const reported: Reported[] = [
    ...found.users.map((u) => ({
      kind: "user",
      key: entryKey(u),
      text: `${u.key} (${u.roles.join(", ")})`,
      firstSeen: u.firstSeen,
    })),
    ...found.invitations.map((i) => ({
      kind: "invitation",
      key: entryKey(i),
      text: `${i.key} (${i.extra === true ? "an extra project invitation, beside their declared roles," : "invited"} by ${i.inviterUsername} at ${i.createdAt}: ${i.roles.join(", ")})`,
      firstSeen: i.firstSeen,
      createdAt: i.createdAt,
    })),
    ...found.teams.map((t) => ({
      kind: "team",
      key: entryKey(t),
      text: `team "${t.key}" (${t.roles.join(", ")})`,
      firstSeen: t.firstSeen,
    })),
  ];
  return (
    `undeclared access in project ${projectId} ${summarise(reported, { outputs: OUTPUTS, previous })}. ` +
    (prune
      ? "prune is on: `pulumi up` takes these people out of the project, withdraws these invitations and takes these teams off it."
      : "Declare them (ProjectMembership, ProjectTeam), add them to `ignore` or `teams`, or set `prune: true` to remove them at `pulumi up`.")
  );
}
