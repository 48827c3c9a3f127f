// create, read, update and delete of an OrgInvitation against Cloud Manager, in lifecycle order
// (the semantics, status by change: docs/lifecycle.md). Each step: read inputs/state → return early
// where nothing needs sending → call the API → state. create adopts a pending invitation or notices a
// member instead of inviting twice (../../access/invitations); read tells accepted/expired/revoked
// apart (./status); update patches roles; delete treats "already gone" as done (with proof) and hands
// the invitation over to the resource that now holds it or the person (../../deployment/deployment-ledger).
// Retries are the client's alone (rate limits included); a step is never repeated here.

import type { CreateResult, ReadResult, UpdateResult } from "@pulumi/pulumi/dynamic";
import { isNotFoundAnswer, livePendingInvitationsOf, oldestInvitation } from "../../../sdk";
import type { Invitation } from "../../../sdk/types";
import {
  adoptInvitation,
  confirmGone,
  describeGone,
  goneReason,
  invitationFields,
  sendInvitation,
  whyGone,
  withdraw,
} from "../../access/invitations";
import { refuseDeclaredTwice } from "../../access/one-person";
import { isMemberIn } from "../../access/org-rules";
import type { OrgApi } from "../../deployment/org-api";
import { resourceNameOf, type StepContext } from "../../deployment/deployment-ledger";
import { warn } from "../../deployment/notices";
import { codedMessage } from "../../errors/codes";
import { orFail, providerError } from "../../errors/provider-error";
import { compact, type PropertyBag } from "../../model/property-bag";
import { invitationResourceId, memberResourceId, type ParsedResourceId } from "./id";
import { storedOf, type OrgInvitationInputs, type OrgInvitationOutputs, type OrgInvitationStatus, type StoredInvitation } from "./model";
import { statusOf } from "./status";

// ---- create ----

export async function createOrgInvitation(
  api: OrgApi,
  inputs: OrgInvitationInputs,
  step: StepContext,
): Promise<CreateResult<OrgInvitationOutputs>> {
  refuseDeclaredTwice(inputs, step);
  const pending = await orFail(api.pending(), `Listing the pending invitations of organization ${inputs.orgId}`);
  const theirs = livePendingInvitationsOf(pending, inputs.username);
  const existing = oldestInvitation(theirs);
  if (existing && theirs.length > 1) {
    warn(
      `${inputs.username} has ${theirs.length} pending invitations in organization ${inputs.orgId}; managing the oldest (${existing.id}).`,
    );
  }
  // Checked again: another resource for the same person may have been declared while we listed.
  refuseDeclaredTwice(inputs, step);
  if (existing) return sent(await adoptInvitation(api, existing, inputs, step), inputs.username);

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
  return sent(await sendInvitation(api, inputs, step), inputs.username);
}

function sent(invitation: Invitation, username: string): CreateResult<OrgInvitationOutputs> {
  return { id: invitationResourceId(invitation.orgId, invitation.id), outs: outputsOf(invitation, username) };
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
  const status = goneReason(isMemberIn(await membersOf(api, stored.username), stored.username), stored.expiresAt);
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
    codedMessage(
      "INVITATION_NOT_PENDING",
      `cannot update the roles of the invitation for ${inputs.username}: ${describeGone(status, inputs.username)}. ` +
        `Run \`pulumi refresh\` to record that, then \`pulumi up\` to send a new invitation.`,
    ),
  );
}

// ---- delete ----

/**
 * Withdraws the invitation, unless this deployment already did (then says so) or another resource of
 * the deployment now holds it or the person (a rename, a move, a create-before-delete replacement, an
 * OrgMembership taking the person over: handed over, nothing sent). Already gone → done with a
 * warning saying what is known.
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
  const successor =
    step.ledger.successor({ kind: "invitation", orgId, invitationId }, step.urn) ??
    (stored.username === undefined ? undefined : step.ledger.successor({ kind: "person", orgId, username: stored.username }, step.urn));
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
    outcome.reason === undefined
      ? "it is no longer pending; whether it was accepted could not be read"
      : `${describeGone(outcome.reason, username)}${outcome.reason === "ACCEPTED" ? "; the membership is kept" : ""}`;
  warn(`the invitation ${invitationId} for ${username} no longer exists in Cloud Manager (${reason}); nothing to delete.`);
}

// ---- calls ----

function membersOf(api: OrgApi, username: string) {
  return orFail(api.members(), `Looking up ${username} among the members of organization ${api.orgId}`);
}

// ---- state ----

/** State from an invitation the API returned. */
function outputsOf(invitation: Invitation, username: string | undefined): OrgInvitationOutputs {
  return compact({ ...invitationFields(invitation, username), status: statusOf({ kind: "pending", invitation }) });
}

/** State kept as it was, with a new status (an invitation that is no longer pending keeps its last known details). */
function withStatus(stored: StoredInvitation, username: string, status: OrgInvitationStatus): OrgInvitationOutputs {
  return compact({ ...stored, username, roles: stored.roles ?? [], teamIds: stored.teamIds ?? [], status });
}
