// create, read, update and delete of an OrgInvitation against Cloud Manager, in lifecycle order.
// Each step: read inputs/state → return early where nothing needs sending → call the API → state.
// The semantics (README, "Lifecycle") in short: create adopts a pending invitation or notices a
// member instead of inviting twice; read tells accepted/expired/revoked apart; update patches roles;
// delete treats "already gone" as done.

import type { CreateResult, ReadResult, UpdateResult } from "@pulumi/pulumi/dynamic";
import type { Invitation } from "../sdk/types";
import { isCloudManagerError } from "../sdk";
import type { OrgApi } from "./client-pool";
import { describeGone, isMember, isPast, resolveGoneInvitation, type GoneStatus } from "./drift";
import { warn } from "./notices";
import type { OrgInvitationInputs, OrgInvitationOutputs, OrgInvitationStatus, PropertyBag } from "./org-invitation-model";
import { ORG_INVITATION_STATUSES } from "./org-invitation-model";
import { isNotFound, isRateLimited, providerError } from "./provider-errors";
import { invitationResourceId, memberResourceId, type ParsedResourceId } from "./resource-id";

// If the client's own retries run out on a rate limit, the whole step is tried again this many
// times: create is safe to repeat (it adopts what an earlier attempt sent), and reads are reads.
const RATE_LIMIT_ROUNDS = 3;

// ---- create ----

export async function createOrgInvitation(api: OrgApi, inputs: OrgInvitationInputs): Promise<CreateResult<OrgInvitationOutputs>> {
  return rateLimitRounds(async () => {
    const existing = findPending(await listPending(api, inputs), inputs.username);
    if (existing) return adopt(api, existing, inputs);

    if (await memberLookup(api, inputs.orgId, inputs.username)) {
      warn(
        `${inputs.username} is already a member of organization ${inputs.orgId}; no invitation was sent. ` +
          `The resource records status ACCEPTED; the member's roles and teams are managed in Cloud Manager.`,
      );
      const orgName = await api.call((c) => c.getOrganization(inputs.orgId)).then((o) => o.name, () => undefined);
      const outs: OrgInvitationOutputs = { ...inputs, status: "ACCEPTED", orgName };
      return { id: memberResourceId(inputs.orgId, inputs.username), outs: compact(outs) };
    }
    return send(api, inputs);
  });
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

async function adopt(api: OrgApi, found: Invitation, inputs: OrgInvitationInputs): Promise<CreateResult<OrgInvitationOutputs>> {
  const id = invitationResourceId(inputs.orgId, found.id);
  if (!sameList(found.teamIds, inputs.teamIds)) {
    // Teams cannot be changed in place: replace the hand-sent invitation with one that has them.
    warn(
      `replacing the pending invitation ${found.id} for ${inputs.username} (sent by ${found.inviterUsername}) ` +
        `because its teams differ from the program's and Cloud Manager cannot change teams in place.`,
    );
    try {
      await api.call((c) => c.deleteInvitation(inputs.orgId, found.id));
    } catch (e) {
      if (!isNotFound(e)) throw failure(`Deleting the pending invitation ${found.id} for ${inputs.username}`, e);
    }
    return send(api, inputs);
  }
  warn(`adopting the pending invitation ${found.id} for ${inputs.username} (sent by ${found.inviterUsername} at ${found.createdAt}) instead of sending a second one.`);
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

async function send(api: OrgApi, inputs: OrgInvitationInputs): Promise<CreateResult<OrgInvitationOutputs>> {
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
      if (found) return adopt(api, found, inputs);
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
      if (!isNotFound(e)) throw failure(`Reading the invitation ${parsed.invitationId} of organization ${parsed.orgId}`, e);
    }
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
      if (!isNotFound(e)) throw failure(`Updating the roles of the invitation for ${inputs.username}`, e);
    }
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

export async function deleteOrgInvitation(api: OrgApi, parsed: ParsedResourceId, props: PropertyBag): Promise<void> {
  const stored = storedOutputs(props, parsed);
  const username = stored.username ?? "the invitee";
  if (parsed.kind === "member") {
    warn(`${parsed.username} was already a member when this resource was created, so there is no invitation to delete; the membership is kept.`);
    return;
  }
  await rateLimitRounds(async () => {
    try {
      await api.call((c) => c.deleteInvitation(parsed.orgId, parsed.invitationId));
      return;
    } catch (e) {
      if (!isNotFound(e)) throw failure(`Deleting the invitation ${parsed.invitationId} for ${username}`, e);
    }
    // Already gone: done, always with a warning. When state already recorded why, say that
    // instead of asking the server again.
    if (stored.status === "EXPIRED" || stored.status === "REVOKED") {
      warn(
        `the invitation ${parsed.invitationId} for ${username} was already gone ` +
          `(recorded as ${stored.status} at the last refresh); nothing to delete.`,
      );
      return;
    }
    const unknownReason = "it was probably accepted, expired, or deleted outside Pulumi";
    const storedUsername = stored.username;
    const reason = storedUsername
      ? await resolveGoneInvitation(api, storedUsername, stored.expiresAt).then(
          (status) => `${describeGone(status, storedUsername)}${status === "ACCEPTED" ? "; the membership is kept" : ""}`,
          () => unknownReason,
        )
      : unknownReason;
    warn(`the invitation ${parsed.invitationId} for ${username} no longer exists in Cloud Manager (${reason}); nothing to delete.`);
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
