// create, read, update and delete of an OrgMembership: one person's access to an organization, from
// the invitation to the membership to its removal, in lifecycle order.
//
// | step   | pending (invitation exists)                  | active (a member)                                   | gone                         |
// |--------|----------------------------------------------|-----------------------------------------------------|------------------------------|
// | create | adopt it (roles aligned; teams differ → re-sent) | adopt the member: org roles and teams aligned   | invite                       |
// | read   | PENDING, roles/teams of the invitation        | ACTIVE, userId, roles and teams IN THIS ORG         | REMOVED / EXPIRED / REVOKED  |
// | update | roles PATCHed; teams → the invitation re-sent | roles PUT (full set); teams: join new, then leave old | fails: refresh, then up |
// | delete | the invitation withdrawn                      | the member removed from the organization            | done, with a warning         |
//
// Where the person stands is read from the organization's lists (./org-view: one read per deployment),
// never from state: state says what was last recorded, the lists say what is. Refusals name the fix
// and change nothing: the last Organization Owner is never demoted or removed, and a team id must be
// one of the organization's teams.

import type { CreateResult, ReadResult, UpdateResult } from "@pulumi/pulumi/dynamic";
import { pickPendingInvitation } from "../sdk";
import type { Invitation, OrgUser } from "../sdk/types";
import type { OrgApi } from "./client-pool";
import { resourceNameOf } from "./deployment-ledger";
import { describeGone, memberNamed } from "./invitation-status";
import { isGone, isLastOwner, membershipStatusOf, orgRolesOf } from "./membership-status";
import { warn } from "./notices";
import { refuseDeclaredTwice, withdraw, type StepContext } from "./org-invitation-lifecycle";
import { compact, listOf, sameSet, stringOf, type PropertyBag } from "./org-invitation-model";
import { membershipResourceId, ORG_MEMBERSHIP_STATUSES, type OrgMembershipInputs, type OrgMembershipOutputs } from "./org-membership-model";
import { orFail, providerError } from "./provider-errors";

/** Where the person stands now, from the organization's lists. */
type Standing = { kind: "member"; member: OrgUser } | { kind: "invited"; invitation: Invitation } | { kind: "neither" };

// ---- create ----

export async function createOrgMembership(
  api: OrgApi,
  inputs: OrgMembershipInputs,
  step: StepContext,
): Promise<CreateResult<OrgMembershipOutputs>> {
  refuseDeclaredTwice(inputs, step);
  await refuseForeignTeams(api, inputs.teamIds);
  const standing = await standingOf(api, inputs.username);
  refuseDeclaredTwice(inputs, step);
  const id = membershipResourceId(inputs.orgId, inputs.username);
  switch (standing.kind) {
    case "member": {
      warn(`${inputs.username} is already a member of organization ${inputs.orgId}; adopting the membership (no invitation sent).`);
      return { id, outs: await alignMember(api, standing.member, inputs) };
    }
    case "invited": {
      warn(
        `adopting the pending invitation ${standing.invitation.id} for ${inputs.username} (sent by ${standing.invitation.inviterUsername}) instead of sending a second one.`,
      );
      return { id, outs: await alignInvitation(api, standing.invitation, inputs) };
    }
    case "neither":
      return { id, outs: await invite(api, inputs) };
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
): Promise<UpdateResult<OrgMembershipOutputs>> {
  const stored = storedMembershipOf(olds, orgId, username);
  await refuseForeignTeams(api, inputs.teamIds);
  const standing = await standingOf(api, username);
  switch (standing.kind) {
    case "member":
      return { outs: await alignMember(api, standing.member, inputs) };
    case "invited":
      return { outs: await alignInvitation(api, standing.invitation, inputs) };
    case "neither": {
      const status = membershipStatusOf({
        kind: "neither",
        wasMember: stored.status === "ACTIVE" || stored.userId !== undefined,
        expiresAt: stored.expiresAt,
      });
      throw new Error(
        `MEMBERSHIP_GONE: cannot change the access of ${username} in organization ${orgId}: the person is neither a member nor invited (${status}). ` +
          `Run \`pulumi refresh\` to record that, then \`pulumi up\` to invite them again.`,
      );
    }
  }
}

// ---- delete ----

/**
 * Removes the person's access: withdraws the pending invitation or removes the member — unless
 * another resource of the deployment now holds the person (a rename: handed over, nothing sent).
 * Already gone → done with a warning. `retainOnDelete` (a Pulumi resource option) keeps a member.
 */
export async function deleteOrgMembership(
  api: OrgApi,
  orgId: string,
  username: string,
  props: PropertyBag,
  step: StepContext,
): Promise<void> {
  const stored = storedMembershipOf(props, orgId, username);
  const key = personKey(username);
  const successor = step.ledger.successor(orgId, key, step.urn);
  if (successor !== undefined) {
    const self = step.urn === undefined ? "the deleted resource" : `"${resourceNameOf(step.urn)}"`;
    const to = successor === step.urn ? "its replacement" : `"${resourceNameOf(successor)}"`;
    warn(`the access of ${username} to organization ${orgId} handed over from ${self} to ${to}; nothing was removed.`);
    return;
  }
  const standing = await standingOf(api, username);
  switch (standing.kind) {
    case "member": {
      const members = await orFail(api.members(), `Reading the members of organization ${orgId}`);
      refuseLastOwner(members, standing.member, [], orgId, "remove");
      try {
        await api.removeMember(standing.member);
      } catch (e) {
        throw providerError(`Removing ${username} from organization ${orgId}`, e);
      }
      return;
    }
    case "invited": {
      const outcome = await withdraw(
        api,
        standing.invitation.id,
        username,
        `Withdrawing the invitation ${standing.invitation.id} for ${username}`,
      );
      if (outcome.kind === "already-gone") {
        const why = outcome.status === undefined ? "it is no longer pending" : describeGone(outcome.status, username);
        warn(`the invitation for ${username} was already gone (${why}); nothing to delete.`);
      }
      return;
    }
    case "neither": {
      const recorded = isGone(stored.status) ? ` (recorded as ${stored.status})` : "";
      warn(`${username} is neither a member of organization ${orgId} nor invited${recorded}; nothing to delete.`);
      return;
    }
  }
}

/** The ledger key of a person's access (OrgMembership holds people, not invitation ids). */
export function personKey(username: string): string {
  return `person:${username.trim().toLowerCase()}`;
}

// ---- steps ----

async function standingOf(api: OrgApi, username: string): Promise<Standing> {
  const members = await orFail(api.members(), `Reading the members of organization ${api.orgId}`);
  const member = memberNamed(members, username);
  if (member) return { kind: "member", member };
  const pending = await orFail(api.pending(), `Reading the pending invitations of organization ${api.orgId}`);
  const invitation = pickPendingInvitation(pending, username);
  return invitation ? { kind: "invited", invitation } : { kind: "neither" };
}

async function invite(api: OrgApi, inputs: OrgMembershipInputs): Promise<OrgMembershipOutputs> {
  const request = { username: inputs.username, roles: inputs.roles, ...(inputs.teamIds.length > 0 ? { teamIds: inputs.teamIds } : {}) };
  try {
    return invitationOutputs(await api.createInvitation(request), { orgId: inputs.orgId, username: inputs.username });
  } catch (e) {
    throw providerError(`Inviting ${inputs.username} to organization ${inputs.orgId}`, e);
  }
}

/** The pending invitation made to match the program: roles patched; other teams → withdrawn and sent again. */
async function alignInvitation(api: OrgApi, invitation: Invitation, inputs: OrgMembershipInputs): Promise<OrgMembershipOutputs> {
  if (!sameSet(invitation.teamIds, inputs.teamIds, true)) {
    warn(`sending ${inputs.username} a new invitation: its teams change, and Cloud Manager cannot change an invitation's teams in place.`);
    await withdraw(api, invitation.id, inputs.username, `Withdrawing the invitation ${invitation.id} for ${inputs.username}`);
    return invite(api, inputs);
  }
  let current = invitation;
  if (!sameSet(invitation.roles, inputs.roles)) {
    try {
      current = await api.updateInvitationRoles(invitation.id, inputs.roles);
    } catch (e) {
      throw providerError(`Updating the roles of the invitation for ${inputs.username}`, e);
    }
  }
  return invitationOutputs(current, { orgId: inputs.orgId, username: inputs.username });
}

/** The member made to match the program: org roles (full set), then teams (added before any is removed). */
async function alignMember(api: OrgApi, member: OrgUser, inputs: OrgMembershipInputs): Promise<OrgMembershipOutputs> {
  const orgId = inputs.orgId;
  let current = member;
  if (!sameSet(orgRolesOf(member, orgId), inputs.roles)) {
    const members = await orFail(api.members(), `Reading the members of organization ${orgId}`);
    refuseLastOwner(members, member, inputs.roles, orgId, "demote");
    try {
      await api.setMemberRoles(current, inputs.roles);
    } catch (e) {
      throw providerError(`Setting the roles of ${inputs.username} in organization ${orgId}`, e);
    }
    current = await refreshed(api, current);
  }
  const orgTeams = new Set((await orFail(api.teams(), `Reading the teams of organization ${orgId}`)).map((t) => t.id.toLowerCase()));
  const has = current.teamIds.filter((t) => orgTeams.has(t.toLowerCase()));
  const wanted = inputs.teamIds;
  // New teams are joined before old ones are left: if leaving is refused (Cloud Manager keeps a
  // team from losing its last member), the member is left on both, never on neither.
  for (const teamId of wanted.filter((t) => !has.some((h) => h.toLowerCase() === t.toLowerCase()))) {
    await api
      .addMemberToTeam(current, teamId)
      .catch((e: unknown) => Promise.reject(providerError(`Adding ${inputs.username} to team ${teamId}`, e)));
    current = await refreshed(api, current);
  }
  for (const teamId of has.filter((h) => !wanted.some((t) => t.toLowerCase() === h.toLowerCase()))) {
    await api
      .removeMemberFromTeam(current, teamId)
      .catch((e: unknown) => Promise.reject(providerError(`Removing ${inputs.username} from team ${teamId}`, e)));
    current = await refreshed(api, current);
  }
  return memberOutputs(api, current, { orgId, username: inputs.username });
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
      `TEAM_NOT_IN_ORG: ${foreign.join(", ")} ${foreign.length === 1 ? "is not a team" : "are not teams"} of organization ${api.orgId}; ` +
        `its teams are: ${listed}. Fix teamIds; nothing was sent.`,
    );
  }
}

/** The organization must keep an Organization Owner: refused before sending, naming the fix. */
function refuseLastOwner(
  members: readonly OrgUser[],
  member: OrgUser,
  rolesAfter: readonly string[],
  orgId: string,
  action: "demote" | "remove",
): void {
  if (!isLastOwner(members, member, orgId, rolesAfter)) return;
  throw new Error(
    `LAST_ORG_OWNER: ${member.username} is the last Organization Owner of organization ${orgId}, and Cloud Manager refuses to ` +
      `${action === "demote" ? "demote" : "remove"} the last owner. Give another member ORG_OWNER first${action === "demote" ? " (or keep ORG_OWNER in roles)" : ""}. Nothing was changed.`,
  );
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
    orgId: stored.orgId,
    username: stored.username,
    roles: [...invitation.roles].sort(),
    teamIds: [...invitation.teamIds].sort(),
    status: membershipStatusOf({ kind: "invited", invitation }),
    invitationId: invitation.id,
    createdAt: invitation.createdAt,
    expiresAt: invitation.expiresAt,
    inviterUsername: invitation.inviterUsername,
    orgName: invitation.orgName,
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
