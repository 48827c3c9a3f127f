// create, read, update and delete of an OrgMembership: one person's access to an organization, from
// the invitation to the membership to its removal, in lifecycle order (the table: docs/lifecycle.md).
// Where the person stands is read from the organization's lists (../../deployment/org-view: one read
// per deployment), never from state: state says what was last recorded, the lists say what is. A
// person is matched by username only (../../access/identity). Refusals name the fix and change
// nothing: the organization keeps an Organization Owner for the whole plan (../../access/owner-guard),
// and a team id must be one of the organization's teams.

import type { CreateResult, ReadResult, UpdateResult } from "@pulumi/pulumi/dynamic";
import { isCloudManagerError, isNotFoundAnswer, pickPendingInvitation, sameSet } from "../../../sdk";
import type { Invitation, OrgUser } from "../../../sdk/types";
import { sameUsername } from "../../access/identity";
import { adoptInvitation, alignInvitation, describeGone, invitationFields, sendInvitation, withdraw } from "../../access/invitations";
import { removeMember } from "../../access/members";
import { refuseDeclaredTwice } from "../../access/one-person";
import { memberNamed, orgRolesOf } from "../../access/org-rules";
import { guardOwnerChange } from "../../access/owner-guard";
import { resourceNameOf, type StepContext } from "../../deployment/deployment-ledger";
import { warn } from "../../deployment/notices";
import type { OrgApi } from "../../deployment/org-api";
import { codedMessage } from "../../errors/codes";
import { orFail, providerError } from "../../errors/provider-error";
import { compact, listOf, stringOf, type PropertyBag } from "../../model/property-bag";
import { existingTeamIds, waitingTeamNames } from "../../model/team-ref";
import { membershipResourceId, ORG_MEMBERSHIP_STATUSES, type OrgMembershipInputs, type OrgMembershipOutputs } from "./model";
import { isGone, membershipStatusOf } from "./status";

/** Where the person stands now, from the organization's lists. */
type Standing = { kind: "member"; member: OrgUser } | { kind: "invited"; invitation: Invitation } | { kind: "neither" };

// ---- create ----

export async function createOrgMembership(
  api: OrgApi,
  inputs: OrgMembershipInputs,
  step: StepContext,
): Promise<CreateResult<OrgMembershipOutputs>> {
  inputs = withExistingTeams(inputs);
  refuseDeclaredTwice(inputs, step);
  await refuseForeignTeams(api, inputs.teamIds);
  const standing = await standingOf(api, inputs.username);
  refuseDeclaredTwice(inputs, step);
  const id = membershipResourceId(inputs.orgId, inputs.username);
  switch (standing.kind) {
    case "member": {
      warn(`${inputs.username} is already a member of organization ${inputs.orgId}; adopting the membership (no invitation sent).`);
      return { id, outs: await alignMember(api, standing.member, inputs, step) };
    }
    case "invited":
      return { id, outs: invitationOutputs(await adoptInvitation(api, standing.invitation, inputs, step), inputs) };
    case "neither":
      return { id, outs: invitationOutputs(await sendInvitation(api, inputs, step), inputs) };
  }
}

// ---- read ----

export async function readOrgMembership(
  api: OrgApi,
  orgId: string,
  username: string,
  props: PropertyBag,
): Promise<ReadResult<OrgMembershipOutputs>> {
  const stored = storedMembershipOf(props, orgId, username);
  const standing = await standingOf(api, username);
  const id = membershipResourceId(orgId, username);
  switch (standing.kind) {
    case "member":
      return { id, props: await memberOutputs(api, standing.member, stored) };
    case "invited":
      return { id, props: invitationOutputs(standing.invitation, stored) };
    case "neither": {
      // A `get` without state: nothing to read.
      if (stored.status === undefined) return { id: "" };
      const status = membershipStatusOf({
        kind: "neither",
        wasMember: stored.status === "ACTIVE" || stored.userId !== undefined,
        expiresAt: stored.expiresAt,
      });
      return {
        id,
        props: compact({ ...stored, roles: stored.roles ?? [], teamIds: stored.teamIds ?? [], status, invitationId: undefined }),
      };
    }
  }
}

// ---- update ----

export async function updateOrgMembership(
  api: OrgApi,
  orgId: string,
  username: string,
  olds: PropertyBag,
  inputs: OrgMembershipInputs,
  step: StepContext,
): Promise<UpdateResult<OrgMembershipOutputs>> {
  const stored = storedMembershipOf(olds, orgId, username);
  inputs = withExistingTeams(inputs);
  await refuseForeignTeams(api, inputs.teamIds);
  const standing = await standingOf(api, username);
  switch (standing.kind) {
    case "member":
      return { outs: await alignMember(api, standing.member, inputs, step) };
    case "invited":
      return { outs: invitationOutputs(await alignInvitation(api, standing.invitation, inputs, step), { orgId, username }) };
    case "neither": {
      const status = membershipStatusOf({
        kind: "neither",
        wasMember: stored.status === "ACTIVE" || stored.userId !== undefined,
        expiresAt: stored.expiresAt,
      });
      throw new Error(
        codedMessage(
          "MEMBERSHIP_GONE",
          `cannot change the access of ${username} in organization ${orgId}: the person is neither a member nor invited (${status}). ` +
            `Run \`pulumi refresh\` to record that, then \`pulumi up\` to invite them again.`,
        ),
      );
    }
  }
}

// ---- delete ----

/**
 * Removes the person's access: removes the member or withdraws the pending invitation, and withdraws
 * any other pending invitation of the person in the organization (a hand-sent one would otherwise
 * give the access back when accepted) — unless another resource of the deployment now holds the
 * person (a rename, a change of resource type: handed over, nothing sent). Before concluding "gone",
 * the lists are read again: a person who accepted meanwhile is a member, and is removed.
 * `retainOnDelete` (a Pulumi resource option) keeps the access.
 */
export async function deleteOrgMembership(
  api: OrgApi,
  orgId: string,
  username: string,
  props: PropertyBag,
  step: StepContext,
): Promise<void> {
  const stored = storedMembershipOf(props, orgId, username);
  const successor = step.ledger.successor({ kind: "person", orgId, username }, step.urn);
  if (successor !== undefined) {
    const self = step.urn === undefined ? "the deleted resource" : `"${resourceNameOf(step.urn)}"`;
    const to = successor === step.urn ? "its replacement" : `"${resourceNameOf(successor)}"`;
    warn(`the access of ${username} to organization ${orgId} handed over from ${self} to ${to}; nothing was removed.`);
    return;
  }
  if (step.urn !== undefined) step.ledger.intend({ orgId, username }, { urn: step.urn, roles: [], removing: true });
  let standing = await standingOf(api, username);
  // Before concluding "gone", read again: the deployment's first lists may predate an acceptance or
  // an invitation. (A pending invitation needs no second read: its DELETE proves where it stands.)
  if (standing.kind === "neither") standing = await standingOf(api, username, "fresh");
  if (standing.kind === "invited") {
    const outcome = await withdraw(
      api,
      standing.invitation.id,
      username,
      `Withdrawing the invitation ${standing.invitation.id} for ${username}`,
    );
    if (outcome.kind === "already-gone" && outcome.reason === "ACCEPTED") standing = await standingOf(api, username, "fresh");
    else if (outcome.kind === "already-gone" && outcome.retried) {
      warn(
        `the invitation for ${username} is gone: an earlier attempt of this DELETE most likely withdrew it (its answer was lost, and the retry found nothing to delete).`,
      );
    } else if (outcome.kind === "already-gone") {
      const why = outcome.reason === undefined ? "it is no longer pending" : describeGone(outcome.reason, username);
      warn(`the invitation for ${username} was already gone (${why}); nothing to delete.`);
    }
  }
  if (standing.kind === "member") await removeFromOrg(api, standing.member, step);
  else if (standing.kind === "neither") {
    const recorded = isGone(stored.status) ? ` (recorded as ${stored.status})` : "";
    warn(`${username} is neither a member of organization ${orgId} nor invited${recorded}; nothing to delete.`);
  }
  await withdrawLeftovers(api, username);
}

/** Removes the member (the organization keeps an owner), saying when a lost answer hid that ours went through. */
async function removeFromOrg(api: OrgApi, member: OrgUser, step: StepContext): Promise<void> {
  const outcome = await guardOwnerChange(api, step.ledger, { member, rolesAfter: [], action: "remove", urn: step.urn }, () =>
    removeMember(api, member, `Removing ${member.username} from organization ${api.orgId}`),
  );
  if (outcome.kind === "already-gone") {
    warn(
      outcome.retried
        ? `${member.username} is no longer a member of organization ${api.orgId}: an earlier attempt of this DELETE most likely removed them (its answer was lost, and the retry found nothing to delete).`
        : `${member.username} was no longer a member of organization ${api.orgId}; nothing to remove.`,
    );
  }
}

/** Every pending invitation still listed for the person (a hand-sent one, a duplicate) is withdrawn too. */
async function withdrawLeftovers(api: OrgApi, username: string): Promise<void> {
  const pending = await orFail(api.pending(), `Reading the pending invitations of organization ${api.orgId}`);
  for (const invitation of pending.filter((i) => sameUsername(i.username, username))) {
    const outcome = await withdraw(api, invitation.id, undefined, `Withdrawing the pending invitation ${invitation.id} for ${username}`);
    if (outcome.kind === "withdrawn") {
      warn(
        `withdrew the pending invitation ${invitation.id} for ${username} (${invitation.roles.join(", ")}; sent by ${invitation.inviterUsername}) ` +
          `with the rest of their access to organization ${api.orgId}.`,
      );
    }
  }
}

// ---- steps ----

/** The inputs with the teams that exist: a Team that waits for a founder is joined once it is created. */
function withExistingTeams(inputs: OrgMembershipInputs): OrgMembershipInputs {
  const waiting = waitingTeamNames(inputs.teamIds);
  if (waiting.length === 0) return inputs;
  warn(
    `${inputs.username} joins team${waiting.length === 1 ? "" : "s"} ${waiting.join(", ")} once ${waiting.length === 1 ? "it is" : "they are"} created: ` +
      `Cloud Manager cannot create an empty team, and its Team waits until one of its founders is a member (then \`pulumi up\` creates it and adds ${inputs.username}).`,
  );
  return { ...inputs, teamIds: existingTeamIds(inputs.teamIds) };
}

async function standingOf(api: OrgApi, username: string, read: "current" | "fresh" = "current"): Promise<Standing> {
  const what = `Reading the members of organization ${api.orgId}`;
  const members = await orFail(read === "fresh" ? api.freshMembers() : api.members(), what);
  const member = memberNamed(members, username);
  if (member) return { kind: "member", member };
  const listing = `Reading the pending invitations of organization ${api.orgId}`;
  const pending = await orFail(read === "fresh" ? api.freshPending() : api.pending(), listing);
  const invitation = pickPendingInvitation(pending, username);
  return invitation ? { kind: "invited", invitation } : { kind: "neither" };
}

/** The member made to match the program: org roles (full set), then teams (added before any is removed). */
async function alignMember(api: OrgApi, member: OrgUser, inputs: OrgMembershipInputs, step: StepContext): Promise<OrgMembershipOutputs> {
  const orgId = inputs.orgId;
  let current = member;
  if (!sameSet(orgRolesOf(member, orgId), inputs.roles)) {
    if (step.urn !== undefined) step.ledger.intend(inputs, { urn: step.urn, roles: inputs.roles, removing: false });
    await guardOwnerChange(api, step.ledger, { member, rolesAfter: inputs.roles, action: "demote", urn: step.urn }, () =>
      orFail(api.setMemberRoles(current, inputs.roles), `Setting the roles of ${inputs.username} in organization ${orgId}`),
    );
    current = await refreshed(api, current);
  }
  const teamList = await orFail(api.teams(), `Reading the teams of organization ${orgId}`);
  const orgTeams = new Set(teamList.map((t) => t.id.toLowerCase()));
  const named = (teamId: string) => {
    const team = teamList.find((t) => t.id.toLowerCase() === teamId.toLowerCase());
    return team === undefined ? `team ${teamId}` : `team "${team.name}" (${teamId})`;
  };
  const has = current.teamIds.filter((t) => orgTeams.has(t.toLowerCase()));
  const wanted = inputs.teamIds;
  // New teams are joined before old ones are left: if leaving is refused (Cloud Manager keeps a
  // team from losing its last member), the member is left on both, never on neither.
  for (const teamId of wanted.filter((t) => !has.some((h) => h.toLowerCase() === t.toLowerCase()))) {
    await api
      .addMemberToTeam(current, teamId)
      .catch((e: unknown) => Promise.reject(providerError(`Adding ${inputs.username} to team ${teamId}`, e)));
    current = await refreshed(api, current);
    // Someone else's leave that waited for the team to have another member (a hand-over in one run).
    await step.ledger.joined(orgId, teamId, api);
  }
  for (const teamId of has.filter((h) => !wanted.some((t) => t.toLowerCase() === h.toLowerCase()))) {
    const member = current;
    const left = await api.removeMemberFromTeam(member, teamId).then(
      () => true,
      async (e: unknown) => {
        // Cloud Manager keeps a team from being empty. The person stays on it (the state says so, and
        // the next run tries again); when the Team is deleted in this run, that takes them off.
        if (isCloudManagerError(e) && e.errorCode === "CANNOT_REMOVE_LAST_USER_FROM_TEAM") return false;
        // A 404 means "already off" only when the members, read now, say so (taken off by hand during
        // the run, or by our earlier attempt whose answer was lost: the retry gets 404).
        if (isNotFoundAnswer(e) && !(await stillOnTeam(api, member, teamId))) return true;
        throw providerError(`Removing ${inputs.username} from team ${teamId}`, e);
      },
    );
    if (!left) {
      // When another OrgMembership of this run puts someone on the team, the leave is done then.
      const leaving = current;
      step.ledger.leaveOnJoin(orgId, teamId, async (joinerApi) => {
        const now = (await joinerApi.members()).find((m) => m.id === leaving.id) ?? leaving;
        await joinerApi.removeMemberFromTeam(now, teamId).then(
          () => warn(`${inputs.username} left ${named(teamId)} once someone else joined it.`),
          (e: unknown) => warn(`${inputs.username} stays on ${named(teamId)}: ${e instanceof Error ? e.message : String(e)}`),
        );
      });
      warn(
        `${inputs.username} stays on ${named(teamId)} for now: they are its last member, and Cloud Manager keeps a team from being empty. ` +
          `They leave it when someone else joins it in this run, or when the team is deleted; otherwise the next \`pulumi up\` tries again.`,
      );
      continue;
    }
    current = await refreshed(api, current);
  }
  return memberOutputs(api, current, { orgId, username: inputs.username });
}

/** Whether the member is on the team, from a read of the members that starts now. */
async function stillOnTeam(api: OrgApi, member: OrgUser, teamId: string): Promise<boolean> {
  const members = await orFail(api.freshMembers(), `Reading the members of organization ${api.orgId}`);
  const now = members.find((m) => m.id === member.id);
  return now !== undefined && now.teamIds.some((t) => t.toLowerCase() === teamId.toLowerCase());
}

/** The member as the view holds it after our own write. */
async function refreshed(api: OrgApi, member: OrgUser): Promise<OrgUser> {
  const members = await orFail(api.members(), `Reading the members of organization ${api.orgId}`);
  return members.find((m) => m.id === member.id) ?? member;
}

/** A team id must be one of this organization's teams: checked before anything is sent. */
async function refuseForeignTeams(api: OrgApi, teamIds: readonly string[]): Promise<void> {
  if (teamIds.length === 0) return;
  const teams = await orFail(api.teams(), `Reading the teams of organization ${api.orgId}`);
  const known = new Set(teams.map((t) => t.id.toLowerCase()));
  const foreign = teamIds.filter((t) => !known.has(t.toLowerCase()));
  if (foreign.length > 0) {
    const listed = teams.map((t) => `${t.id} (${t.name})`).join(", ") || "none";
    throw new Error(
      codedMessage(
        "TEAM_NOT_IN_ORG",
        `${foreign.join(", ")} ${foreign.length === 1 ? "is not a team" : "are not teams"} of organization ${api.orgId}; ` +
          `its teams are: ${listed}. Fix teamIds; nothing was sent.`,
      ),
    );
  }
}

// ---- state ----

type StoredMembership = Partial<OrgMembershipOutputs> & { orgId: string; username: string };

function storedMembershipOf(bag: PropertyBag, orgId: string, username: string): StoredMembership {
  const str = (key: string) => stringOf(bag[key]);
  const list = (key: string) => listOf(bag[key]);
  return compact({
    orgId,
    username: str("username") ?? username,
    roles: list("roles"),
    teamIds: list("teamIds"),
    status: ORG_MEMBERSHIP_STATUSES.find((s) => s === bag["status"]),
    userId: str("userId"),
    invitationId: str("invitationId"),
    createdAt: str("createdAt"),
    expiresAt: str("expiresAt"),
    inviterUsername: str("inviterUsername"),
    orgName: str("orgName"),
  });
}

function invitationOutputs(invitation: Invitation, stored: { orgId: string; username: string }): OrgMembershipOutputs {
  return compact({
    ...invitationFields(invitation, stored.username),
    orgId: stored.orgId,
    username: stored.username,
    status: membershipStatusOf({ kind: "invited", invitation }),
  });
}

async function memberOutputs(
  api: OrgApi,
  member: OrgUser,
  stored: StoredMembership | { orgId: string; username: string },
): Promise<OrgMembershipOutputs> {
  const orgTeams =
    member.teamIds.length === 0
      ? new Set<string>()
      : new Set((await orFail(api.teams(), `Reading the teams of organization ${api.orgId}`)).map((t) => t.id.toLowerCase()));
  const known = stored as Partial<OrgMembershipOutputs>;
  return compact({
    orgId: stored.orgId,
    username: stored.username,
    roles: orgRolesOf(member, stored.orgId).sort(),
    teamIds: member.teamIds.filter((t) => orgTeams.has(t.toLowerCase())).sort(),
    status: membershipStatusOf({ kind: "member", member }),
    userId: member.id,
    createdAt: known.createdAt,
    inviterUsername: known.inviterUsername,
    orgName: known.orgName,
  });
}
