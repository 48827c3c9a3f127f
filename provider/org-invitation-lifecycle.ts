// create, read, update and delete of an OrgInvitation against Cloud Manager, in lifecycle order.
// Each step: read inputs/state → return early where nothing needs sending → call the API → state.
// The semantics (README, "Lifecycle") in short: create adopts a pending invitation or notices a
// member instead of inviting twice; read tells accepted/expired/revoked apart; update patches roles;
// delete treats "already gone" as done.
// "Gone" is decided in one place (`confirmGone`): a 404 counts only when Cloud Manager itself gave it
// to an authenticated request AND the organization's pending list (read with the same credentials)
// does not show the invitation. Anything else keeps the resource in state: drift, never "gone" when
// we merely could not see.

import type { CreateResult, ReadResult, UpdateResult } from "@pulumi/pulumi/dynamic";
import type { Invitation } from "../sdk/types";
import { isCloudManagerError } from "../sdk";
import type { OrgApi } from "./client-pool";
import type { DeploymentLedger } from "./deployment-ledger";
import { resourceNameOf } from "./deployment-ledger";
import { describeGone, isMember, isPast, resolveGoneInvitation, type GoneStatus } from "./drift";
import { warn } from "./notices";
import type { OrgInvitationInputs, OrgInvitationOutputs, OrgInvitationStatus, PropertyBag } from "./org-invitation-model";
import { ORG_INVITATION_STATUSES } from "./org-invitation-model";
import { isNotFoundAnswer, isRateLimited, providerError } from "./provider-errors";
import { invitationResourceId, memberResourceId, type ParsedResourceId } from "./resource-id";

// If the client's own retries run out on a rate limit, the whole step is tried again this many
// times: create is safe to repeat (it adopts what an earlier attempt sent), and reads are reads.
const RATE_LIMIT_ROUNDS = 3;

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
  return rateLimitRounds(async () => {
    refuseDeclaredTwice(inputs, step);
    const existing = findPending(await listPending(api, inputs), inputs.username);
    // Checked again: another resource for the same person may have been declared while we listed.
    refuseDeclaredTwice(inputs, step);
    if (existing) return adopt(api, existing, inputs, step);

    if (await memberLookup(api, inputs.orgId, inputs.username)) {
      warn(
        `${inputs.username} is already a member of organization ${inputs.orgId}; no invitation was sent. ` +
          `The resource records status ACCEPTED; the member's roles and teams are managed in Cloud Manager.`,
      );
      const orgName = await api.call((c) => c.getOrganization(inputs.orgId)).then((o) => o.name, () => undefined);
      const outs: OrgInvitationOutputs = { ...inputs, status: "ACCEPTED", orgName };
      return { id: memberResourceId(inputs.orgId, inputs.username), outs: compact(outs) };
    }
    return send(api, inputs, step);
  });
}

/** One person, one resource per deployment: the second would adopt or duplicate the first's invitation. */
function refuseDeclaredTwice(inputs: OrgInvitationInputs, step: StepContext): void {
  if (step.urn === undefined) return;
  const others = step.ledger.othersDeclaring(inputs.orgId, inputs.username, step.urn);
  if (others.length > 0) throw new Error(declaredTwiceMessage(inputs.username, inputs.orgId, step.urn, others));
}

export function declaredTwiceMessage(username: string, orgId: string, urn: string, others: string[]): string {
  const names = [urn, ...others].map((u) => `"${resourceNameOf(u)}" (${u})`).join(" and ");
  return (
    `DUPLICATE_INVITATION: ${username} is declared by more than one OrgInvitation in organization ${orgId}: ${names}. ` +
    `A person has one invitation per organization; keep one of these resources (addresses are compared ignoring case). ` +
    `Nothing was sent for this resource.`
  );
}

async function listPending(api: OrgApi, inputs: OrgInvitationInputs): Promise<Invitation[]> {
  try {
    return await api.pendingInvitations();
  } catch (e) {
    throw failure(`Listing the pending invitations of organization ${inputs.orgId}`, e);
  }
}

/** A pending (not yet expired) invitation for `username`; the oldest if several were sent by hand. */
function findPending(invitations: Invitation[], username: string): Invitation | undefined {
  const wanted = username.toLowerCase();
  const matches = invitations
    .filter((i) => i.username.toLowerCase() === wanted && !isPast(i.expiresAt))
    .sort((a, b) => a.createdAt.localeCompare(b.createdAt));
  if (matches.length > 1) {
    warn(`${username} has ${matches.length} pending invitations in organization ${matches[0]?.orgId}; managing the oldest (${matches[0]?.id}).`);
  }
  return matches[0];
}

async function adopt(api: OrgApi, found: Invitation, inputs: OrgInvitationInputs, step: StepContext): Promise<CreateResult<OrgInvitationOutputs>> {
  const id = invitationResourceId(inputs.orgId, found.id);
  if (!sameList(found.teamIds, inputs.teamIds)) {
    // Teams cannot be changed in place: replace the pending invitation with one that has them.
    warn(
      `replacing the pending invitation ${found.id} for ${inputs.username} (sent by ${found.inviterUsername}) ` +
        `because its teams differ from the program's and Cloud Manager cannot change teams in place.`,
    );
    try {
      await api.call((c) => c.deleteInvitation(inputs.orgId, found.id));
    } catch (e) {
      if (!isNotFoundAnswer(e)) throw failure(`Deleting the pending invitation ${found.id} for ${inputs.username}`, e);
      await confirmGone(api, inputs.orgId, found.id, inputs.username);
    }
    const sent = await send(api, inputs, step);
    step.ledger.withdrew(inputs.orgId, found.id, { by: step.urn, replacedBy: sent.outs?.invitationId ?? "" });
    return sent;
  }
  warn(adoptionNotice(api, found, inputs.username));
  let invitation = found;
  if (!sameList(found.roles, inputs.roles)) {
    try {
      invitation = await api.call((c) => c.updateInvitationRoles(inputs.orgId, found.id, inputs.roles));
    } catch (e) {
      throw failure(`Updating the roles of the adopted invitation ${found.id} for ${inputs.username}`, e);
    }
  }
  return { id, outs: outputsOf(invitation, inputs.username) };
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
    const invitation = await api.call((c) => c.createInvitation(inputs.orgId, request));
    return { id: invitationResourceId(inputs.orgId, invitation.id), outs: outputsOf(invitation, inputs.username) };
  } catch (e) {
    // Cloud Manager may refuse a second pending invitation (an invitation sent meanwhile): adopt it.
    if (isCloudManagerError(e) && e.status === 409) {
      const again = await api
        .call((c) => c.listInvitations(inputs.orgId, { username: inputs.username }))
        .catch((le: unknown) => Promise.reject(failure(`Listing the pending invitations for ${inputs.username}`, le)));
      const found = findPending(again, inputs.username);
      if (found) return adopt(api, found, inputs, step);
    }
    throw failure(`Inviting ${inputs.username} to organization ${inputs.orgId}`, e);
  }
}

// ---- read ----

export async function readOrgInvitation(api: OrgApi, parsed: ParsedResourceId, props: PropertyBag): Promise<ReadResult<OrgInvitationOutputs>> {
  const id = parsed.kind === "invitation" ? invitationResourceId(parsed.orgId, parsed.invitationId) : memberResourceId(parsed.orgId, parsed.username);
  return rateLimitRounds(async () => {
    const stored = storedOutputs(props, parsed);
    if (parsed.kind === "member") {
      // Nothing was sent: the person joined some other way. Still a member → nothing to do.
      const status: OrgInvitationStatus = (await memberLookup(api, parsed.orgId, parsed.username)) ? "ACCEPTED" : "REVOKED";
      return { id, props: withStatus(stored, parsed.username, status) };
    }
    try {
      const invitation = await api.call((c) => c.getInvitation(parsed.orgId, parsed.invitationId));
      // Some servers keep listing an invitation after it expired (the emulator's "visible" mode).
      return { id, props: outputsOf(invitation, stored.username) };
    } catch (e) {
      const whose = stored.username === undefined ? "" : ` for ${stored.username}`;
      if (!isNotFoundAnswer(e)) throw failure(`Reading the invitation ${parsed.invitationId}${whose} in organization ${parsed.orgId}`, e);
    }
    await confirmGone(api, parsed.orgId, parsed.invitationId, stored.username);
    if (stored.username === undefined) {
      // A `get` without state: nothing to tell accepted from deleted with. An empty id means "not found".
      return { id: "" };
    }
    const status = await resolveGone(api, parsed.orgId, stored.username, stored.expiresAt);
    return { id, props: withStatus(stored, stored.username, status) };
  });
}

async function memberLookup(api: OrgApi, orgId: string, username: string): Promise<boolean> {
  try {
    return await isMember(api, username);
  } catch (e) {
    throw failure(`Looking up ${username} among the members of organization ${orgId}`, e);
  }
}

async function resolveGone(api: OrgApi, orgId: string, username: string, expiresAt: string | undefined): Promise<GoneStatus> {
  try {
    return await resolveGoneInvitation(api, username, expiresAt);
  } catch (e) {
    throw failure(`Looking up ${username} among the members of organization ${orgId}`, e);
  }
}

/**
 * After a 404 for the invitation: proves it is really gone by reading the organization's pending
 * invitations with the same credentials. A list that cannot be read (wrong endpoint, organization
 * gone, no access) or that still shows the invitation is an error, so nothing is dropped from state
 * on an answer that proves nothing.
 */
async function confirmGone(api: OrgApi, orgId: string, invitationId: string, username: string | undefined): Promise<void> {
  let pending: Invitation[];
  try {
    pending = await api.pendingInvitations();
  } catch (e) {
    throw failure(`Cloud Manager answered 404 for the invitation ${invitationId}; confirming that with the pending invitations of organization ${orgId}`, e);
  }
  if (pending.some((i) => i.id === invitationId)) {
    throw new Error(
      `INVITATION_STATE_UNCLEAR: Cloud Manager answered 404 for the invitation ${invitationId}${username === undefined ? "" : ` for ${username}`} ` +
        `but still lists it among the pending invitations of organization ${orgId}. Nothing was changed; run the command again.`,
    );
  }
}

// ---- update ----

export async function updateOrgInvitation(
  api: OrgApi,
  parsed: ParsedResourceId,
  olds: PropertyBag,
  inputs: OrgInvitationInputs,
): Promise<UpdateResult<OrgInvitationOutputs>> {
  const stored = storedOutputs(olds, parsed);
  if (parsed.kind === "member" || stored.status === "ACCEPTED") {
    // diff proposes no update for an accepted invitation; keep the record as it is.
    return { outs: withStatus(stored, stored.username ?? inputs.username, "ACCEPTED") };
  }
  return rateLimitRounds(async () => {
    try {
      const invitation = await api.call((c) => c.updateInvitationRoles(parsed.orgId, parsed.invitationId, inputs.roles));
      return { outs: outputsOf(invitation, inputs.username) };
    } catch (e) {
      if (!isNotFoundAnswer(e)) throw failure(`Updating the roles of the invitation for ${inputs.username}`, e);
    }
    await confirmGone(api, parsed.orgId, parsed.invitationId, inputs.username);
    const status = await resolveGone(api, parsed.orgId, stored.username ?? inputs.username, stored.expiresAt);
    if (status === "ACCEPTED") {
      warn(
        `${describeGone(status, inputs.username)} before the role change could be applied; their roles were not ` +
          `changed (membership roles are managed in Cloud Manager).`,
      );
      return { outs: withStatus(stored, stored.username ?? inputs.username, status) };
    }
    throw new Error(
      `INVITATION_NOT_PENDING: cannot update the roles of the invitation for ${inputs.username}: ${describeGone(status, inputs.username)}. ` +
        `Run \`pulumi refresh\` to record that, then \`pulumi up\` to send a new invitation.`,
    );
  });
}

// ---- delete ----

/**
 * Withdraws the invitation, unless this deployment already did (then says so) or another resource of
 * the deployment now holds it (a rename, a move, a create-before-delete replacement: handed over,
 * nothing sent). Already gone → done with a warning saying what is known.
 */
export async function deleteOrgInvitation(api: OrgApi, parsed: ParsedResourceId, props: PropertyBag, step: StepContext): Promise<void> {
  const stored = storedOutputs(props, parsed);
  const username = stored.username ?? "the invitee";
  if (parsed.kind === "member") {
    warn(`${parsed.username} was already a member when this resource was created, so there is no invitation to delete; the membership is kept.`);
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
  await rateLimitRounds(async () => {
    try {
      await api.call((c) => c.deleteInvitation(orgId, invitationId));
      step.ledger.withdrew(orgId, invitationId, { by: step.urn });
      return;
    } catch (e) {
      if (!isNotFoundAnswer(e)) throw failure(`Deleting the invitation ${invitationId} for ${username}`, e);
      await confirmGone(api, orgId, invitationId, stored.username);
      // This DELETE was sent more than once (an earlier attempt's answer was lost): most likely ours went through.
      if (isCloudManagerError(e) && (e.attempts ?? 1) > 1) {
        warn(
          `the invitation ${invitationId} for ${username} is gone: an earlier attempt of this DELETE most likely withdrew it ` +
            `(its answer was lost, and the retry found nothing to delete).`,
        );
        return;
      }
    }
    // Already gone before this deployment: when state already recorded why, say that instead of asking again.
    if (stored.status === "EXPIRED" || stored.status === "REVOKED") {
      warn(`the invitation ${invitationId} for ${username} was already gone (recorded as ${stored.status} at the last refresh); nothing to delete.`);
      return;
    }
    const storedUsername = stored.username;
    const reason = storedUsername
      ? await resolveGoneInvitation(api, storedUsername, stored.expiresAt).then(
          (status) => `${describeGone(status, storedUsername)}${status === "ACCEPTED" ? "; the membership is kept" : ""}`,
          () => "it is no longer pending; whether it was accepted could not be read",
        )
      : "it is no longer pending";
    warn(`the invitation ${invitationId} for ${username} no longer exists in Cloud Manager (${reason}); nothing to delete.`);
  });
}

// ---- state model ----

/** State from an invitation the API returned. `username` keeps the program's spelling when it differs only in case. */
function outputsOf(invitation: Invitation, username: string | undefined): OrgInvitationOutputs {
  const sameName = username !== undefined && username.toLowerCase() === invitation.username.toLowerCase();
  return compact({
    orgId: invitation.orgId,
    username: sameName ? username : invitation.username,
    roles: [...invitation.roles].sort(),
    teamIds: [...invitation.teamIds].sort(),
    invitationId: invitation.id,
    status: isPast(invitation.expiresAt) ? "EXPIRED" : "PENDING",
    createdAt: invitation.createdAt,
    expiresAt: invitation.expiresAt,
    inviterUsername: invitation.inviterUsername,
    orgName: invitation.orgName,
  });
}

type StoredOutputs = Partial<OrgInvitationOutputs> & { orgId: string };

/** State kept as it was, with a new status (an invitation that is no longer pending keeps its last known details). */
function withStatus(stored: StoredOutputs, username: string, status: OrgInvitationStatus): OrgInvitationOutputs {
  return compact({ ...stored, username, roles: stored.roles ?? [], teamIds: stored.teamIds ?? [], status });
}

/** The typed view of what state holds (a `get` may hold nothing but the id). */
function storedOutputs(props: PropertyBag, parsed: ParsedResourceId): StoredOutputs {
  const str = (key: string) => {
    const v = props[key];
    return typeof v === "string" ? v : undefined;
  };
  const list = (key: string) => {
    const v = props[key];
    return Array.isArray(v) ? v.filter((x): x is string => typeof x === "string") : undefined;
  };
  const status = ORG_INVITATION_STATUSES.find((s) => s === props["status"]);
  return {
    orgId: parsed.orgId,
    username: str("username") ?? (parsed.kind === "member" ? parsed.username : undefined),
    roles: list("roles"),
    teamIds: list("teamIds"),
    invitationId: parsed.kind === "invitation" ? parsed.invitationId : undefined,
    status,
    createdAt: str("createdAt"),
    expiresAt: str("expiresAt"),
    inviterUsername: str("inviterUsername"),
    orgName: str("orgName"),
  };
}

/** Drops undefined values: the engine's property encoding has no `undefined`. */
function compact<T extends object>(value: T): T {
  return Object.fromEntries(Object.entries(value).filter(([, v]) => v !== undefined)) as T;
}

function sameList(a: readonly string[], b: readonly string[]): boolean {
  const x = [...new Set(a)].sort();
  const y = [...new Set(b)].sort();
  return x.length === y.length && x.every((v, i) => v === y[i]);
}

/** Rate-limit errors stay as they are (rateLimitRounds retries them); anything else becomes the provider's error. */
function failure(what: string, e: unknown): unknown {
  return isRateLimited(e) ? e : providerError(what, e);
}

async function rateLimitRounds<T>(step: () => Promise<T>): Promise<T> {
  for (let round = 1; ; round++) {
    try {
      return await step();
    } catch (e) {
      if (!isRateLimited(e)) throw e;
      if (round >= RATE_LIMIT_ROUNDS) throw providerError("Calling Cloud Manager", e);
      warn(`Cloud Manager is still rate-limiting after the client's retries; trying the step again (${round}/${RATE_LIMIT_ROUNDS - 1}).`);
    }
  }
}
