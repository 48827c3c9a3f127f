// The invitation operations both OrgInvitation and OrgMembership use, written once: adopt a pending
// invitation, align it with the program, send one, withdraw one (with proof before "gone"), and the
// fields an invitation puts in state. The rule for a pending invitation whose teams differ from the
// program's: Cloud Manager cannot change an invitation's teams in place, so it is withdrawn and sent
// again, and the withdrawal is recorded in the deployment ledger (a later delete of a resource that
// held the old invitation then says so, instead of sending a DELETE that finds nothing).
// "Gone" needs proof (`withdraw`): a 404 counts only when Cloud Manager itself gave it to an
// authenticated request AND a fresh read of the organization's pending list does not show it.

import { isCloudManagerError, isExpired, isNotFoundAnswer, pickPendingInvitation, sameSet } from "../../sdk";
import type { Invitation } from "../../sdk/types";
import type { OrgApi } from "../deployment/org-api";
import type { StepContext } from "../deployment/deployment-ledger";
import { warn } from "../deployment/notices";
import { codedMessage } from "../errors/codes";
import { orFail, providerError } from "../errors/provider-error";
import type { PersonInputs } from "../model/person-inputs";
import { isMemberIn } from "./org-rules";
import { sameUsername } from "./identity";

/** Why an invitation that is no longer pending is gone (OrgInvitation's statuses; OrgMembership maps them). */
export type GoneReason = "ACCEPTED" | "EXPIRED" | "REVOKED";

/** The status of an invitation that is no longer pending: accepted if the person is a member, else expired or withdrawn. */
export function goneReason(isMember: boolean, expiresAt: string | undefined): GoneReason {
  if (isMember) return "ACCEPTED";
  return isExpired(expiresAt) ? "EXPIRED" : "REVOKED";
}

/** What a gone reason means, for warnings and errors. */
export function describeGone(reason: GoneReason, username: string): string {
  switch (reason) {
    case "ACCEPTED":
      return `${username} accepted the invitation and is now a member of the organization`;
    case "EXPIRED":
      return `the invitation for ${username} expired (not accepted within 30 days)`;
    case "REVOKED":
      // What is known: not pending, not a member, not past its expiry. Who withdrew it is not.
      return `the invitation for ${username} was withdrawn before it was accepted (in Cloud Manager, or by an earlier Pulumi run that was interrupted)`;
  }
}

/** The invitation's fields as state records them (roles and teams sorted); `username` keeps the program's spelling when it differs only in case. */
export function invitationFields(invitation: Invitation, username: string | undefined) {
  return {
    orgId: invitation.orgId,
    username: username !== undefined && sameUsername(username, invitation.username) ? username : invitation.username,
    roles: [...invitation.roles].sort(),
    teamIds: [...invitation.teamIds].sort(),
    invitationId: invitation.id,
    createdAt: invitation.createdAt,
    expiresAt: invitation.expiresAt,
    inviterUsername: invitation.inviterUsername,
    orgName: invitation.orgName,
  };
}

// ---- adopt, align, send ----

/** Adopts a pending invitation found for the person (saying so), then aligns it with the program. */
export async function adoptInvitation(api: OrgApi, found: Invitation, inputs: PersonInputs, step: StepContext): Promise<Invitation> {
  if (sameSet(found.teamIds, inputs.teamIds, true)) warn(adoptionNotice(api, found, inputs.username));
  return alignInvitation(api, found, inputs, step);
}

/**
 * The pending invitation made to match the program: roles PATCHed; other teams → withdrawn and sent
 * again (Cloud Manager cannot change an invitation's teams), the withdrawal recorded in the ledger.
 */
export async function alignInvitation(api: OrgApi, invitation: Invitation, inputs: PersonInputs, step: StepContext): Promise<Invitation> {
  if (!sameSet(invitation.teamIds, inputs.teamIds, true)) {
    warn(
      `replacing the pending invitation ${invitation.id} for ${inputs.username} (sent by ${invitation.inviterUsername}) ` +
        `because its teams differ from the program's and Cloud Manager cannot change an invitation's teams in place.`,
    );
    await withdraw(api, invitation.id, inputs.username, `Withdrawing the invitation ${invitation.id} for ${inputs.username}`);
    const sent = await sendInvitation(api, inputs, step);
    step.ledger.withdrew(inputs.orgId, invitation.id, { by: step.urn, replacedBy: sent.id });
    return sent;
  }
  if (sameSet(invitation.roles, inputs.roles)) return invitation;
  return orFail(
    api.updateInvitationRoles(invitation.id, inputs.roles),
    `Updating the roles of the invitation ${invitation.id} for ${inputs.username}`,
  );
}

/** Sends an invitation. Cloud Manager may refuse a second pending one (sent meanwhile, outside Pulumi): that one is adopted. */
export async function sendInvitation(api: OrgApi, inputs: PersonInputs, step: StepContext): Promise<Invitation> {
  const request = { username: inputs.username, roles: inputs.roles, ...(inputs.teamIds.length > 0 ? { teamIds: inputs.teamIds } : {}) };
  try {
    return await api.createInvitation(request);
  } catch (e) {
    if (isCloudManagerError(e) && e.status === 409) {
      const again = await orFail(api.freshPending(), `Listing the pending invitations for ${inputs.username}`);
      const found = pickPendingInvitation(again, inputs.username);
      if (found) return adoptInvitation(api, found, inputs, step);
    }
    throw providerError(`Inviting ${inputs.username} to organization ${inputs.orgId}`, e);
  }
}

/**
 * What adopting says. An invitation sent with this stack's own credentials is this stack's own (a
 * renamed or moved resource, an interrupted run) or ANOTHER stack's that declares the same person;
 * one sent by another API key or service account is another automation's: nothing in Cloud Manager
 * tells them apart, so both cases are spelled out.
 */
function adoptionNotice(api: OrgApi, found: Invitation, username: string): string {
  const base = `adopting the pending invitation ${found.id} for ${username} (sent by ${found.inviterUsername} at ${found.createdAt}) instead of sending a second one.`;
  const sender = senderOf(found.inviterUsername, api.credentialId);
  if (sender === "these credentials") {
    return (
      `${base} It was sent with the credentials this stack uses (${api.credentialId}): by this stack (a renamed or moved ` +
      `resource, a replacement, or an interrupted run; then nothing needs doing) or by ANOTHER STACK that also declares ` +
      `${username}. Two stacks managing one person overwrite each other's roles at every \`pulumi up\` and destroying ` +
      `either withdraws the invitation: if another stack declares ${username}, remove the resource from one of the two ` +
      `programs (and run \`pulumi state delete <urn>\` there if its invitation must stay).`
    );
  }
  if (sender === "another automation") {
    return codedMessage(
      "MANAGED_ELSEWHERE",
      `${base} It was sent by ANOTHER API key or service account (${found.inviterUsername}), not the one this stack uses ` +
        `(${api.credentialId}): if another stack or tool manages ${username}, declare the person in only one of them ` +
        `(docs/several-stacks.md).`,
    );
  }
  return base;
}

/** An inviter that is an API key or a service account (a person's username is an email address). */
export function isAutomation(inviterUsername: string): boolean {
  return !inviterUsername.includes("@");
}

/** Who sent an invitation, as far as Cloud Manager tells: the credentials in use, another API key or service account, or a person. */
export function senderOf(inviterUsername: string, credentialId: string): "these credentials" | "another automation" | "a person" {
  if (sameUsername(inviterUsername, credentialId)) return "these credentials";
  return isAutomation(inviterUsername) ? "another automation" : "a person";
}

// ---- withdraw, with proof of "gone" ----

export type Withdrawal = { kind: "withdrawn" } | { kind: "already-gone"; retried: boolean; reason: GoneReason | undefined };

/**
 * DELETEs the invitation. A 404 that counts (sdk `isNotFoundAnswer`) is confirmed with a fresh
 * pending list, then, given the username, the person's membership tells why it is gone (undefined
 * when the members could not be read: the invitation is still proven gone). Anything else fails.
 */
export async function withdraw(
  api: OrgApi,
  invitationId: string,
  username: string | undefined,
  what: string,
  expiresAt?: string,
): Promise<Withdrawal> {
  try {
    await api.deleteInvitation(invitationId);
    return { kind: "withdrawn" };
  } catch (e) {
    if (!isNotFoundAnswer(e)) throw providerError(what, e);
    const retried = isCloudManagerError(e) && (e.attempts ?? 1) > 1;
    await confirmGone(api, invitationId, username);
    // Proven gone; the reason is a courtesy: when the members cannot be read, it stays unknown.
    const reason = username === undefined ? undefined : await whyGone(api, username, expiresAt).catch(() => undefined);
    return { kind: "already-gone", retried, reason };
  }
}

/**
 * After a 404 for the invitation: a fresh read of the organization's pending invitations, with the
 * same credentials, must not show it. A list that cannot be read (wrong endpoint, organization gone,
 * no access) or that still shows the invitation is an error, so nothing is dropped from state on an
 * answer that proves nothing.
 */
export async function confirmGone(api: OrgApi, invitationId: string, username: string | undefined): Promise<void> {
  const pending = await orFail(
    api.freshPending(),
    `Cloud Manager answered 404 for the invitation ${invitationId}; confirming that with the pending invitations of organization ${api.orgId}`,
  );
  if (pending.some((i) => i.id === invitationId)) {
    throw new Error(
      codedMessage(
        "INVITATION_STATE_UNCLEAR",
        `Cloud Manager answered 404 for the invitation ${invitationId}${username === undefined ? "" : ` for ${username}`} ` +
          `but still lists it among the pending invitations of organization ${api.orgId}. Nothing was changed; run the command again.`,
      ),
    );
  }
  api.forget(invitationId);
}

/** Why a proven-gone invitation is gone, from a members read that starts now. */
export async function whyGone(api: OrgApi, username: string, expiresAt: string | undefined): Promise<GoneReason> {
  const members = await orFail(api.freshMembers(), `Looking up ${username} among the members of organization ${api.orgId}`);
  return goneReason(isMemberIn(members, username), expiresAt);
}
