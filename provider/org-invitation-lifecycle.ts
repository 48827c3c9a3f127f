// create, read, update and delete of an OrgInvitation against Cloud Manager, in lifecycle order.
// Each step: read inputs/state → return early where nothing needs sending → call the API → state.
// The semantics (README, "Lifecycle") in short: create adopts a pending invitation or notices a
// member instead of inviting twice; read tells accepted/expired/revoked apart (./invitation-status);
// update patches roles; delete treats "already gone" as done and hands an invitation over to the
// resource that now holds it (./deployment-ledger).
// "Gone" needs proof (`confirmGone`): a 404 counts only when Cloud Manager itself gave it to an
// authenticated request AND a fresh read of the organization's pending list does not show the
// invitation. Anything else keeps the resource in state: drift, never "gone" when we merely could
// not see. Retries are the client's alone (rate limits included); a step is never repeated here.

import type { CreateResult, ReadResult, UpdateResult } from "@pulumi/pulumi/dynamic";
import { isCloudManagerError, isNotFoundAnswer, pickPendingInvitation } from "../sdk";
import type { Invitation } from "../sdk/types";
import type { OrgApi } from "./client-pool";
import { resourceNameOf, type DeploymentLedger } from "./deployment-ledger";
import { describeGone, goneStatus, isMemberIn, isPast, statusOf, type GoneStatus } from "./invitation-status";
import { warn } from "./notices";
import {
  compact,
  sameSet,
  storedOf,
  type OrgInvitationInputs,
  type OrgInvitationOutputs,
  type OrgInvitationStatus,
  type PropertyBag,
  type StoredInvitation,
} from "./org-invitation-model";
import { orFail, providerError } from "./provider-errors";
import { invitationResourceId, memberResourceId, type ParsedResourceId } from "./resource-id";

/** The resource a step is for, and what this deployment knows of the others (./deployment-ledger). */
export interface StepContext {
  /** The resource's URN; undefined when its state was written before the provider recorded it. */
  urn: string | undefined;
  ledger: DeploymentLedger;
}

// ---- create ----

export async function createOrgInvitation(
  api: OrgApi,
  inputs: OrgInvitationInputs,
  step: StepContext,
): Promise<CreateResult<OrgInvitationOutputs>> {
  refuseDeclaredTwice(inputs, step);
  const pending = await orFail(api.pending(), `Listing the pending invitations of organization ${inputs.orgId}`);
  const existing = pickPendingInvitation(pending, inputs.username);
  const others = pending.filter(
    (i) => i !== existing && !isPast(i.expiresAt) && i.username.toLowerCase() === inputs.username.toLowerCase(),
  ).length;
  if (existing && others > 0) {
    warn(`${inputs.username} has ${others + 1} pending invitations in organization ${inputs.orgId}; managing the oldest (${existing.id}).`);
  }
  // Checked again: another resource for the same person may have been declared while we listed.
  refuseDeclaredTwice(inputs, step);
  if (existing) return adopt(api, existing, inputs, step);

  const members = await orFail(api.members(), `Looking up ${inputs.username} among the members of organization ${inputs.orgId}`);
  if (isMemberIn(members, inputs.username)) {
    warn(
      `${inputs.username} is already a member of organization ${inputs.orgId}; no invitation was sent. ` +
        `The resource records status ACCEPTED; the member's roles and teams are managed in Cloud Manager.`,
    );
    const orgName = await api
      .call((c) => c.getOrganization(inputs.orgId))
      .then(
        (o) => o.name,
        () => undefined,
      );
    const outs: OrgInvitationOutputs = { ...inputs, status: statusOf({ kind: "never-sent", isMember: true }), orgName };
    return { id: memberResourceId(inputs.orgId, inputs.username), outs: compact(outs) };
  }
  return send(api, inputs, step);
}

/** One person, one resource per deployment: the second would adopt or duplicate the first's invitation. */
export function refuseDeclaredTwice(inputs: OrgInvitationInputs, step: StepContext): void {
  if (step.urn === undefined) return;
  const others = step.ledger.othersDeclaring(inputs.orgId, inputs.username, step.urn);
  if (others.length > 0) throw new Error(declaredTwiceMessage(inputs.username, inputs.orgId, step.urn, others));
}

export function declaredTwiceMessage(username: string, orgId: string, urn: string, others: string[]): string {
  const names = [urn, ...others].map((u) => `"${resourceNameOf(u)}" (${u})`).join(" and ");
  return (
    `DUPLICATE_INVITATION: ${username} is declared by more than one OrgInvitation or OrgMembership in organization ${orgId}: ${names}. ` +
    `A person has one invitation per organization; keep one of these resources (addresses are compared ignoring case). ` +
    `Nothing was sent for this resource.`
  );
}

async function adopt(
  api: OrgApi,
  found: Invitation,
  inputs: OrgInvitationInputs,
  step: StepContext,
): Promise<CreateResult<OrgInvitationOutputs>> {
  if (!sameSet(found.teamIds, inputs.teamIds, true)) {
    // Teams cannot be changed in place: replace the pending invitation with one that has them.
    warn(
      `replacing the pending invitation ${found.id} for ${inputs.username} (sent by ${found.inviterUsername}) ` +
        `because its teams differ from the program's and Cloud Manager cannot change teams in place.`,
    );
    await withdraw(api, found.id, inputs.username, `Deleting the pending invitation ${found.id} for ${inputs.username}`);
    const sent = await send(api, inputs, step);
    step.ledger.withdrew(inputs.orgId, found.id, { by: step.urn, replacedBy: sent.outs?.invitationId ?? "" });
    return sent;
  }
  warn(adoptionNotice(api, found, inputs.username));
  let invitation = found;
  if (!sameSet(found.roles, inputs.roles)) {
    invitation = await orFail(
      api.updateInvitationRoles(found.id, inputs.roles),
      `Updating the roles of the adopted invitation ${found.id} for ${inputs.username}`,
    );
  }
  return { id: invitationResourceId(inputs.orgId, found.id), outs: outputsOf(invitation, inputs.username) };
}

/**
 * What adopting says. An invitation sent with this stack's own credentials is this stack's own (a
 * renamed or moved resource, an interrupted run) or ANOTHER stack's that declares the same person:
 * nothing in Cloud Manager tells them apart, so the second case is spelled out loudly.
 */
function adoptionNotice(api: OrgApi, found: Invitation, username: string): string {
  const base = `adopting the pending invitation ${found.id} for ${username} (sent by ${found.inviterUsername} at ${found.createdAt}) instead of sending a second one.`;
  if (found.inviterUsername.toLowerCase() !== api.credentialId.toLowerCase()) return base;
  return (
    `${base} It was sent with the credentials this stack uses (${api.credentialId}): by this stack (a renamed or moved ` +
    `resource, a replacement, or an interrupted run; then nothing needs doing) or by ANOTHER STACK that also declares ` +
    `${username}. Two stacks managing one person overwrite each other's roles at every \`pulumi up\` and destroying ` +
    `either withdraws the invitation: if another stack declares ${username}, remove the resource from one of the two ` +
    `programs (and run \`pulumi state delete <urn>\` there if its invitation must stay).`
  );
}

async function send(api: OrgApi, inputs: OrgInvitationInputs, step: StepContext): Promise<CreateResult<OrgInvitationOutputs>> {
  const request = { username: inputs.username, roles: inputs.roles, ...(inputs.teamIds.length > 0 ? { teamIds: inputs.teamIds } : {}) };
  try {
    const invitation = await api.createInvitation(request);
    return { id: invitationResourceId(inputs.orgId, invitation.id), outs: outputsOf(invitation, inputs.username) };
  } catch (e) {
    // Cloud Manager may refuse a second pending invitation (one sent meanwhile, outside Pulumi): adopt it.
    if (isCloudManagerError(e) && e.status === 409) {
      const again = await orFail(api.freshPending(), `Listing the pending invitations for ${inputs.username}`);
      const found = pickPendingInvitation(again, inputs.username);
      if (found) return adopt(api, found, inputs, step);
    }
    throw providerError(`Inviting ${inputs.username} to organization ${inputs.orgId}`, e);
  }
}

// ---- read ----

/** The invitation as the organization's pending list shows it (one list per deployment serves every resource). */
export async function readOrgInvitation(
  api: OrgApi,
  parsed: ParsedResourceId,
  props: PropertyBag,
): Promise<ReadResult<OrgInvitationOutputs>> {
  const stored = storedOf(props, parsed);
  if (parsed.kind === "member") {
    // Nothing was sent: the person joined some other way. Still a member → nothing to do.
    const isMember = isMemberIn(await membersOf(api, parsed.username), parsed.username);
    return {
      id: memberResourceId(parsed.orgId, parsed.username),
      props: withStatus(stored, parsed.username, statusOf({ kind: "never-sent", isMember })),
    };
  }
  const whose = stored.username === undefined ? "" : ` for ${stored.username}`;
  const pending = await orFail(api.pending(), `Reading the invitation ${parsed.invitationId}${whose} in organization ${parsed.orgId}`);
  const found = pending.find((i) => i.id === parsed.invitationId);
  const id = invitationResourceId(parsed.orgId, parsed.invitationId);
  // Some servers keep listing an invitation after it expired (the emulator's "visible" mode): statusOf says EXPIRED.
  if (found) return { id, props: outputsOf(found, stored.username) };
  // Not in an authenticated, complete list of the org's pending invitations: it is gone.
  // A `get` without state has nothing to tell accepted from withdrawn with: an empty id means "not found".
  if (stored.username === undefined) return { id: "" };
  const status = goneStatus(isMemberIn(await membersOf(api, stored.username), stored.username), stored.expiresAt);
  return { id, props: withStatus(stored, stored.username, status) };
}

// ---- update ----

export async function updateOrgInvitation(
  api: OrgApi,
  parsed: ParsedResourceId,
  olds: PropertyBag,
  inputs: OrgInvitationInputs,
): Promise<UpdateResult<OrgInvitationOutputs>> {
  const stored = storedOf(olds, parsed);
  const username = stored.username ?? inputs.username;
  if (parsed.kind === "member" || stored.status === "ACCEPTED") {
    // diff proposes no update for an accepted invitation; keep the record as it is.
    return { outs: withStatus(stored, username, "ACCEPTED") };
  }
  try {
    const invitation = await api.updateInvitationRoles(parsed.invitationId, inputs.roles);
    return { outs: outputsOf(invitation, inputs.username) };
  } catch (e) {
    if (!isNotFoundAnswer(e)) throw providerError(`Updating the roles of the invitation for ${inputs.username}`, e);
  }
  await confirmGone(api, parsed.invitationId, username);
  const status = await whyGone(api, username, stored.expiresAt);
  if (status === "ACCEPTED") {
    warn(
      `${describeGone(status, inputs.username)} before the role change could be applied; their roles were not ` +
        `changed (membership roles are managed in Cloud Manager).`,
    );
    return { outs: withStatus(stored, username, status) };
  }
  throw new Error(
    `INVITATION_NOT_PENDING: cannot update the roles of the invitation for ${inputs.username}: ${describeGone(status, inputs.username)}. ` +
      `Run \`pulumi refresh\` to record that, then \`pulumi up\` to send a new invitation.`,
  );
}

// ---- delete ----

/**
 * Withdraws the invitation, unless this deployment already did (then says so) or another resource of
 * the deployment now holds it (a rename, a move, a create-before-delete replacement: handed over,
 * nothing sent). Already gone → done with a warning saying what is known.
 */
export async function deleteOrgInvitation(api: OrgApi, parsed: ParsedResourceId, props: PropertyBag, step: StepContext): Promise<void> {
  const stored = storedOf(props, parsed);
  const username = stored.username ?? "the invitee";
  if (parsed.kind === "member") {
    warn(
      `${parsed.username} was already a member when this resource was created, so there is no invitation to delete; the membership is kept.`,
    );
    return;
  }
  const { orgId, invitationId } = parsed;
  const self = step.urn === undefined ? "the deleted resource" : `"${resourceNameOf(step.urn)}"`;
  const earlier = step.ledger.withdrawalOf(orgId, invitationId);
  if (earlier !== undefined) {
    const who = earlier.by === undefined ? undefined : `"${resourceNameOf(earlier.by)}"`;
    const how =
      earlier.replacedBy === undefined
        ? who === undefined
          ? "by an earlier delete"
          : `by the delete of ${who}`
        : `and replaced by the invitation ${earlier.replacedBy}${who === undefined ? "" : ` for ${who}`}`;
    warn(`the invitation ${invitationId} for ${username} was already withdrawn in this deployment ${how}; nothing to delete for ${self}.`);
    return;
  }
  const successor = step.ledger.successor(orgId, invitationId, step.urn);
  if (successor !== undefined) {
    let [from, to] = [self, successor === step.urn ? "its replacement" : `"${resourceNameOf(successor)}"`];
    // Moved under another parent: same name, other URN; the URNs tell them apart.
    if (step.urn !== undefined && successor !== step.urn && resourceNameOf(successor) === resourceNameOf(step.urn)) {
      [from, to] = [step.urn, successor];
    }
    warn(`invitation ${invitationId} for ${username} handed over from ${from} to ${to}; nothing was sent, the invitation stays pending.`);
    return;
  }
  // When state already recorded why it is gone, a 404 needs only the proof, not the reason again.
  const knownGone = stored.status === "EXPIRED" || stored.status === "REVOKED";
  const outcome = await withdraw(
    api,
    invitationId,
    knownGone ? undefined : stored.username,
    `Deleting the invitation ${invitationId} for ${username}`,
    stored.expiresAt,
  );
  if (outcome.kind === "withdrawn") {
    step.ledger.withdrew(orgId, invitationId, { by: step.urn });
    return;
  }
  if (outcome.retried) {
    // This DELETE was sent more than once (an earlier attempt's answer was lost): most likely ours went through.
    warn(
      `the invitation ${invitationId} for ${username} is gone: an earlier attempt of this DELETE most likely withdrew it ` +
        `(its answer was lost, and the retry found nothing to delete).`,
    );
    return;
  }
  // Already gone before this deployment: when state already recorded why, say that.
  if (knownGone) {
    warn(
      `the invitation ${invitationId} for ${username} was already gone (recorded as ${stored.status} at the last refresh); nothing to delete.`,
    );
    return;
  }
  const reason =
    outcome.status === undefined
      ? "it is no longer pending; whether it was accepted could not be read"
      : `${describeGone(outcome.status, username)}${outcome.status === "ACCEPTED" ? "; the membership is kept" : ""}`;
  warn(`the invitation ${invitationId} for ${username} no longer exists in Cloud Manager (${reason}); nothing to delete.`);
}

// ---- proof of "gone" ----

export type Withdrawal = { kind: "withdrawn" } | { kind: "already-gone"; retried: boolean; status: GoneStatus | undefined };

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
    const status = username === undefined ? undefined : await whyGone(api, username, expiresAt).catch(() => undefined);
    return { kind: "already-gone", retried, status };
  }
}

/**
 * After a 404 for the invitation: a fresh read of the organization's pending invitations, with the
 * same credentials, must not show it. A list that cannot be read (wrong endpoint, organization gone,
 * no access) or that still shows the invitation is an error, so nothing is dropped from state on an
 * answer that proves nothing.
 */
async function confirmGone(api: OrgApi, invitationId: string, username: string | undefined): Promise<void> {
  const pending = await orFail(
    api.freshPending(),
    `Cloud Manager answered 404 for the invitation ${invitationId}; confirming that with the pending invitations of organization ${api.orgId}`,
  );
  if (pending.some((i) => i.id === invitationId)) {
    throw new Error(
      `INVITATION_STATE_UNCLEAR: Cloud Manager answered 404 for the invitation ${invitationId}${username === undefined ? "" : ` for ${username}`} ` +
        `but still lists it among the pending invitations of organization ${api.orgId}. Nothing was changed; run the command again.`,
    );
  }
  api.forget(invitationId);
}

/** Why a proven-gone invitation is gone (./invitation-status), from a members read that starts now. */
async function whyGone(api: OrgApi, username: string, expiresAt: string | undefined): Promise<GoneStatus> {
  const members = await orFail(api.freshMembers(), `Looking up ${username} among the members of organization ${api.orgId}`);
  return goneStatus(isMemberIn(members, username), expiresAt);
}

// ---- calls ----

function membersOf(api: OrgApi, username: string) {
  return orFail(api.members(), `Looking up ${username} among the members of organization ${api.orgId}`);
}

// ---- state ----

/** State from an invitation the API returned. `username` keeps the program's spelling when it differs only in case. */
function outputsOf(invitation: Invitation, username: string | undefined): OrgInvitationOutputs {
  const sameName = username !== undefined && username.toLowerCase() === invitation.username.toLowerCase();
  return compact({
    orgId: invitation.orgId,
    username: sameName ? username : invitation.username,
    roles: [...invitation.roles].sort(),
    teamIds: [...invitation.teamIds].sort(),
    invitationId: invitation.id,
    status: statusOf({ kind: "pending", invitation }),
    createdAt: invitation.createdAt,
    expiresAt: invitation.expiresAt,
    inviterUsername: invitation.inviterUsername,
    orgName: invitation.orgName,
  });
}

/** State kept as it was, with a new status (an invitation that is no longer pending keeps its last known details). */
function withStatus(stored: StoredInvitation, username: string, status: OrgInvitationStatus): OrgInvitationOutputs {
  return compact({ ...stored, username, roles: stored.roles ?? [], teamIds: stored.teamIds ?? [], status });
}
