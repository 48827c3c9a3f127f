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
import { rosterTests } from "../../access/roster-rules";
import type { DeploymentLedger } from "../../deployment/deployment-ledger";
import { warn } from "../../deployment/notices";
import type { OrgApi } from "../../deployment/org-api";
import { codedMessage } from "../../errors/codes";
import { orFail, providerError } from "../../errors/provider-error";
import { isUnknown, listOf, recordsOf, stringOf, urnOf, type PropertyBag } from "../../model/property-bag";
import {
  projectRosterResourceId,
  type ProjectRosterInputs,
  type ProjectRosterOutputs,
  type UnmanagedProjectInvitation,
  type UnmanagedProjectTeam,
  type UnmanagedProjectUser,
} from "./model";

/** Names listed in one warning before the rest are counted. */
const NAMED = 10;
const OWNER = "GROUP_OWNER";

type Found = Pick<ProjectRosterOutputs, "unmanagedUsers" | "unmanagedInvitations" | "unmanagedTeams">;

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
  const found = stillUndeclared(
    {
      unmanagedUsers: recordsOf<UnmanagedProjectUser>(olds["unmanagedUsers"]),
      unmanagedInvitations: recordsOf<UnmanagedProjectInvitation>(olds["unmanagedInvitations"]),
      unmanagedTeams: recordsOf<UnmanagedProjectTeam>(olds["unmanagedTeams"]),
    },
    next,
    ledger,
    knownNews,
  );
  const count = found.unmanagedUsers.length + found.unmanagedInvitations.length + found.unmanagedTeams.length;
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
  return { id: projectRosterResourceId(inputs.orgId, inputs.projectId), outs: await enforce(api, inputs, ledger) };
}

export async function readProjectRoster(
  api: OrgApi,
  inputs: ProjectRosterInputs,
  ledger: DeploymentLedger,
): Promise<ReadResult<ProjectRosterOutputs>> {
  const project = await projectOf(api, inputs.projectId);
  return {
    id: projectRosterResourceId(inputs.orgId, inputs.projectId),
    props: { ...inputs, ...(await findUndeclared(api, project, inputs, ledger)) },
  };
}

/** `previouslyManaged`: `managed` at the last up; those who leave it now are left to their own resources in this deployment. */
export async function updateProjectRoster(
  api: OrgApi,
  inputs: ProjectRosterInputs,
  previous: Pick<ProjectRosterInputs, "managed" | "teams">,
  ledger: DeploymentLedger,
): Promise<UpdateResult<ProjectRosterOutputs>> {
  const managed = new Set(inputs.managed.map(usernameKey));
  const teams = new Set(inputs.teams.map((t) => t.toLowerCase()));
  const leaving = previous.managed.filter((u) => !managed.has(usernameKey(u)));
  const leavingTeams = previous.teams.filter((t) => !teams.has(t.toLowerCase()));
  return { outs: await enforce(api, inputs, ledger, { managed: leaving, teams: leavingTeams }) };
}

// ---- steps ----

async function enforce(
  api: OrgApi,
  inputs: ProjectRosterInputs,
  ledger: DeploymentLedger,
  leaving: Pick<ProjectRosterInputs, "managed" | "teams"> = { managed: [], teams: [] },
): Promise<ProjectRosterOutputs> {
  const project = await projectOf(api, inputs.projectId);
  const scope = { ...inputs, managed: [...inputs.managed, ...leaving.managed], teams: [...inputs.teams, ...leaving.teams] };
  let found = await findUndeclared(api, project, scope, ledger);
  const count = (f: Found) => f.unmanagedUsers.length + f.unmanagedInvitations.length + f.unmanagedTeams.length;
  if (inputs.prune && count(found) > 0) {
    const gone = await prune(api, project, found, ledger);
    // What a 404 proved gone is not in this deployment's views of the project (no write of ours removed it).
    const after = await findUndeclared(api, project, scope, ledger);
    found = {
      unmanagedUsers: after.unmanagedUsers.filter((u) => !gone.has(u.userId)),
      unmanagedInvitations: after.unmanagedInvitations.filter((i) => !gone.has(i.invitationId)),
      unmanagedTeams: after.unmanagedTeams.filter((t) => !gone.has(t.teamId.toLowerCase())),
    };
  } else if (count(found) > 0) {
    ledger.warnOnce(undeclaredNotice(inputs.projectId, found, false));
  }
  return { ...inputs, ...found };
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
  const byName = (a: { username: string }, b: { username: string }) => a.username.localeCompare(b.username);
  return {
    unmanagedUsers: users
      .filter((u) => u.projectRoles.length > 0 && unmanaged(u.username))
      .map((u) => ({ username: u.username, userId: u.id, roles: [...u.projectRoles].sort() }))
      .sort(byName),
    // Every live project invitation that no ignore pattern matches: no resource of ours sends one
    // (ProjectMembership waits for the organization's invitation), so one for a declared person is an
    // extra way in (accepting it ADDS its roles to theirs).
    unmanagedInvitations: invitations
      .filter((i) => !isExpired(i.expiresAt) && !ignored(i.username))
      .map((i) => ({
        username: i.username,
        invitationId: i.id,
        roles: [...i.roles].sort(),
        inviterUsername: i.inviterUsername,
        createdAt: i.createdAt,
        ...(unmanaged(i.username) ? {} : { extra: true }),
      }))
      .sort(byName),
    unmanagedTeams: assigned
      .filter((t) => !teamsManaged.has(t.teamId.toLowerCase()))
      .map((t) => ({ teamId: t.teamId, name: names.get(t.teamId.toLowerCase()) ?? t.teamId, roles: [...t.roleNames].sort() }))
      .sort((a, b) => a.name.localeCompare(b.name)),
  };
}

/** What was found, less what is now managed, declared or ignored (`known`: the inputs are known; otherwise all stays). */
function stillUndeclared(found: Found, inputs: ProjectRosterInputs, ledger: DeploymentLedger, known: boolean): Found {
  if (!known) return found;
  const declared = ledger.declaredInProject(inputs.projectId);
  const { unmanaged, ignored } = rosterTests(inputs, declared.usernames);
  const teams = new Set([...inputs.teams.map((t) => t.toLowerCase()), ...declared.teamIds]);
  return {
    unmanagedUsers: found.unmanagedUsers.filter((u) => unmanaged(u.username)),
    // An extra invitation of a declared person stays undeclared access whoever declares the person.
    unmanagedInvitations: found.unmanagedInvitations.filter((i) => !ignored(i.username)),
    unmanagedTeams: found.unmanagedTeams.filter((t) => !teams.has(t.teamId.toLowerCase())),
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
  for (const invitation of found.unmanagedInvitations) {
    if (senderOf(invitation.inviterUsername, api.credentialId) === "another automation") {
      ledger.warnOnce(
        `not pruned: the invitation ${invitation.invitationId} for ${invitation.username} to ${where} was sent by another API key or service account ` +
          `(${invitation.inviterUsername}), i.e. another automation; declare it where that automation is managed, add ${invitation.username} to \`ignore\`, or withdraw it by hand.`,
      );
      continue;
    }
    warn(
      `pruned: withdrawing the invitation ${invitation.invitationId} for ${invitation.username} to ${where} (${invitation.roles.join(", ")}; sent by ${invitation.inviterUsername}), ` +
        `${invitation.extra === true ? "an invitation their declared roles do not include" : "which no resource declares"}.`,
    );
    const what = `Pruning the invitation ${invitation.invitationId} for ${invitation.username} to ${where}`;
    try {
      await api.deleteProjectInvitation(project.id, invitation.invitationId);
    } catch (e) {
      const retried = await provenGone(e, what, async () =>
        (await api.call((c) => c.listProjectInvitations(project.id))).some((i) => i.id === invitation.invitationId),
      );
      gone.add(invitation.invitationId);
      warn(
        retried
          ? `pruned: the invitation ${invitation.invitationId} for ${invitation.username} to ${where} is gone: an earlier attempt of this DELETE most likely withdrew it (its answer was lost, and the retry found nothing to delete).`
          : `pruned nothing for ${invitation.username}: the invitation to ${where} was already gone.`,
      );
    }
  }
  for (const team of found.unmanagedTeams) {
    warn(
      `pruned: taking team "${team.name}" (${team.teamId}; ${team.roles.join(", ")}) off ${where}; no ProjectTeam declares it (the team itself stays).`,
    );
    try {
      await api.removeTeamFromProject(project.id, team.teamId);
    } catch (e) {
      const retried = await provenGone(e, `Pruning team "${team.name}" from ${where}`, async () =>
        (await api.call((c) => c.listProjectTeams(project.id))).some((t) => t.teamId.toLowerCase() === team.teamId.toLowerCase()),
      );
      gone.add(team.teamId.toLowerCase());
      warn(
        retried
          ? `pruned: team "${team.name}" is off ${where}: an earlier attempt of this DELETE most likely took it off (its answer was lost, and the retry found nothing to delete).`
          : `pruned nothing for team "${team.name}": it was already off ${where}.`,
      );
    }
  }
  for (const entry of found.unmanagedUsers) {
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

function undeclaredNotice(projectId: string, found: Found, prune: boolean): string {
  const names = [
    ...found.unmanagedUsers.map((u) => `${u.username} (${u.roles.join(", ")})`),
    ...found.unmanagedInvitations.map(
      (i) =>
        `${i.username} (${i.extra === true ? "an extra project invitation, beside their declared roles," : "invited"} by ${i.inviterUsername} at ${i.createdAt}: ${i.roles.join(", ")})`,
    ),
    ...found.unmanagedTeams.map((t) => `team "${t.name}" (${t.roles.join(", ")})`),
  ];
  const listed = names.slice(0, NAMED).join("; ") + (names.length > NAMED ? `; and ${names.length - NAMED} more` : "");
  return (
    `undeclared access in project ${projectId}: ${listed}. ` +
    (prune
      ? "prune is on: `pulumi up` takes these people out of the project, withdraws these invitations and takes these teams off it."
      : "Declare them (ProjectMembership, ProjectTeam), add them to `ignore` or `teams`, or set `prune: true` to remove them at `pulumi up`.")
  );
}
