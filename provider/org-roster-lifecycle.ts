// An OrgRoster's lifecycle: undeclared access is drift. `read` lists the organization's pending
// invitations and members (one read each per deployment, shared with every other resource) and
// records those whose usernames are neither managed nor ignored; `diff` reports a change while that
// record is not empty, so `pulumi preview --refresh --expect-no-changes` fails and names them; with
// `prune`, `up` revokes those invitations and removes those members. Never pruned: a managed or
// ignored username, one that another resource of this deployment declares (even while it is being
// created), one that was managed at the last `up` and leaves the program now (the engine updates
// the roster BEFORE it deletes removed resources: that person's own resource deletes them, or keeps
// them with `retainOnDelete`), and the organization's last Organization Owner.

import type { CreateResult, DiffResult, ReadResult, UpdateResult } from "@pulumi/pulumi/dynamic";
import type { Invitation, OrgUser } from "../sdk/types";
import type { OrgApi } from "./client-pool";
import type { DeploymentLedger } from "./deployment-ledger";
import { describeGone, isPast } from "./invitation-status";
import { warn } from "./notices";
import { withdraw } from "./org-invitation-lifecycle";
import { isUnknown, listOf, sameSet, stringOf, type PropertyBag } from "./org-invitation-model";
import { isLastOwner, orgRolesOf } from "./membership-status";
import {
  rosterResourceId,
  type OrgRosterInputs,
  type OrgRosterOutputs,
  type UnmanagedInvitation,
  type UnmanagedMember,
} from "./org-roster-model";
import { orFail, providerError } from "./provider-errors";

/** Names listed in one warning before the rest are counted. */
const NAMED = 10;

export function rosterInputsOf(bag: PropertyBag): OrgRosterInputs {
  const list = (v: unknown) => listOf(v) ?? [];
  return {
    orgId: stringOf(bag["orgId"]) ?? "",
    managed: list(bag["managed"]),
    ignore: list(bag["ignore"]),
    prune: bag["prune"] === true,
  };
}

// ---- diff ----

/**
 * `olds`: the stored outputs (after a refresh, the access found then); `news`: the checked inputs.
 * `prune` alone is no change: it says what `up` does about undeclared access, so switching it back
 * off after a pruning run must not make the next gate fail; it matters when something is undeclared.
 */
export function diffOrgRoster(olds: PropertyBag, news: PropertyBag, ledger: DeploymentLedger): DiffResult {
  if (olds["orgId"] !== news["orgId"]) return { changes: true, replaces: ["orgId"], deleteBeforeReplace: true };
  const old = rosterInputsOf(olds);
  const knownNews = !isUnknown(news["managed"]) && !isUnknown(news["ignore"]) && !isUnknown(news["prune"]);
  const next = rosterInputsOf(news);
  const inputsChanged = !knownNews || !sameSet(old.managed, next.managed, true) || !sameSet(old.ignore, next.ignore, true);
  // What was found at the last read, less what the program now manages, ignores or declares.
  const isUnmanaged = unmanagedTest(next, ledger.declaredIn(String(olds["orgId"])));
  const stillUnmanaged = (username: string) => !knownNews || isUnmanaged(username);
  const invitations = storedList<UnmanagedInvitation>(olds["unmanagedInvitations"]).filter((i) => stillUnmanaged(i.username));
  const members = storedList<UnmanagedMember>(olds["unmanagedMembers"]).filter((m) => stillUnmanaged(m.username));
  if (invitations.length + members.length > 0) warnOnce(ledger, undeclaredNotice(String(olds["orgId"]), invitations, members, next.prune));
  return { changes: inputsChanged || invitations.length + members.length > 0 };
}

// ---- create, read, update, delete ----

export async function createOrgRoster(
  api: OrgApi,
  inputs: OrgRosterInputs,
  ledger: DeploymentLedger,
): Promise<CreateResult<OrgRosterOutputs>> {
  return { id: rosterResourceId(inputs.orgId), outs: await enforce(api, inputs, ledger) };
}

export async function readOrgRoster(api: OrgApi, props: PropertyBag, ledger: DeploymentLedger): Promise<ReadResult<OrgRosterOutputs>> {
  const inputs = rosterInputsOf(props);
  return { id: rosterResourceId(api.orgId), props: { ...inputs, orgId: api.orgId, ...(await findUnmanaged(api, inputs, ledger)) } };
}

/** `previouslyManaged`: `managed` at the last up; those who leave it now are left to their own resources in this deployment. */
export async function updateOrgRoster(
  api: OrgApi,
  inputs: OrgRosterInputs,
  previouslyManaged: readonly string[],
  ledger: DeploymentLedger,
): Promise<UpdateResult<OrgRosterOutputs>> {
  const managed = new Set(inputs.managed.map(normalized));
  const leaving = previouslyManaged.filter((u) => !managed.has(normalized(u)));
  return { outs: await enforce(api, inputs, ledger, leaving) };
}

/** A roster owns nothing: deleting it removes nobody. */
export function deleteOrgRoster(): void {}

/** Records the undeclared access; with `prune`, removes it first (one line per person). */
async function enforce(
  api: OrgApi,
  inputs: OrgRosterInputs,
  ledger: DeploymentLedger,
  leaving: readonly string[] = [],
): Promise<OrgRosterOutputs> {
  const scope = { ...inputs, managed: [...inputs.managed, ...leaving] };
  let found = await findUnmanaged(api, scope, ledger);
  if (inputs.prune && found.unmanagedInvitations.length + found.unmanagedMembers.length > 0) {
    await prune(api, found);
    found = await findUnmanaged(api, scope, ledger);
  } else if (found.unmanagedInvitations.length + found.unmanagedMembers.length > 0) {
    warnOnce(ledger, undeclaredNotice(api.orgId, found.unmanagedInvitations, found.unmanagedMembers, false));
  }
  return { ...inputs, ...found };
}

/** The engine calls diff more than once for one resource (refresh, then plan): say the same thing once. */
function warnOnce(ledger: DeploymentLedger, message: string): void {
  if (ledger.firstTime(message)) warn(message);
}

async function prune(api: OrgApi, found: Pick<OrgRosterOutputs, "unmanagedInvitations" | "unmanagedMembers">): Promise<void> {
  for (const invitation of found.unmanagedInvitations) {
    const outcome = await withdraw(
      api,
      invitation.invitationId,
      invitation.username,
      `Pruning the invitation ${invitation.invitationId} for ${invitation.username}`,
    );
    warn(
      outcome.kind === "withdrawn"
        ? `pruned: withdrew the invitation ${invitation.invitationId} for ${invitation.username} (${invitation.roles.join(", ")}; sent by ${invitation.inviterUsername} at ${invitation.createdAt}), which no resource declares.`
        : `pruned nothing for ${invitation.username}: the invitation was already gone (${outcome.status === undefined ? "no longer pending" : describeGone(outcome.status, invitation.username)}).`,
    );
  }
  for (const unmanaged of found.unmanagedMembers) {
    const members = await orFail(api.members(), `Reading the members of organization ${api.orgId}`);
    const member = members.find((m) => m.id === unmanaged.userId);
    if (!member) continue;
    if (isLastOwner(members, member, api.orgId)) {
      warn(
        `not pruned: ${member.username} is the last Organization Owner of organization ${api.orgId}; give another member ORG_OWNER first.`,
      );
      continue;
    }
    try {
      await api.removeMember(member);
    } catch (e) {
      throw providerError(`Pruning ${member.username} from organization ${api.orgId}`, e);
    }
    warn(
      `pruned: removed ${member.username} (${unmanaged.roles.join(", ") || "no org role"}) from organization ${api.orgId}; no resource declares them.`,
    );
  }
}

/** Pending invitations and members that are neither managed, declared in this deployment, nor ignored. */
async function findUnmanaged(
  api: OrgApi,
  inputs: OrgRosterInputs,
  ledger: DeploymentLedger,
): Promise<Pick<OrgRosterOutputs, "unmanagedInvitations" | "unmanagedMembers">> {
  const unmanaged = unmanagedTest(inputs, ledger.declaredIn(api.orgId));
  const pending = await orFail(api.pending(), `Reading the pending invitations of organization ${api.orgId}`);
  const members = await orFail(api.members(), `Reading the members of organization ${api.orgId}`);
  return {
    unmanagedInvitations: pending
      .filter((i) => !isPast(i.expiresAt) && unmanaged(i.username))
      .map(invitationEntry)
      .sort((a, b) => a.username.localeCompare(b.username)),
    unmanagedMembers: members
      .filter((m) => unmanaged(m.username) && unmanaged(m.emailAddress))
      .map((m) => memberEntry(m, api.orgId))
      .sort((a, b) => a.username.localeCompare(b.username)),
  };
}

function invitationEntry(i: Invitation): UnmanagedInvitation {
  return {
    username: i.username,
    roles: [...i.roles].sort(),
    invitationId: i.id,
    inviterUsername: i.inviterUsername,
    createdAt: i.createdAt,
  };
}

function memberEntry(m: OrgUser, orgId: string): UnmanagedMember {
  return { username: m.username, roles: orgRolesOf(m, orgId).sort(), userId: m.id };
}

/**
 * Whether a username is neither managed, declared by a resource of this deployment (`declared`,
 * lowercase), nor ignored. Built once per read or diff: an organization may list thousands of people.
 */
function unmanagedTest(inputs: Pick<OrgRosterInputs, "managed" | "ignore">, declared: ReadonlySet<string>): (username: string) => boolean {
  const managed = new Set(inputs.managed.map(normalized));
  // `*` matches any run of characters; letter case is ignored.
  const ignored = inputs.ignore.map((pattern) => new RegExp(`^${pattern.split("*").map(escapeRegex).join(".*")}$`, "i"));
  return (username) => {
    const name = normalized(username);
    return !managed.has(name) && !declared.has(name) && !ignored.some((regex) => regex.test(name));
  };
}

function normalized(username: string): string {
  return username.trim().toLowerCase();
}

function escapeRegex(text: string): string {
  return text.replace(/[.*+?^${}()|[\]\\]/g, "\\$&");
}

function undeclaredNotice(
  orgId: string,
  invitations: readonly UnmanagedInvitation[],
  members: readonly UnmanagedMember[],
  prune: boolean,
): string {
  const names = [
    ...members.map((m) => `${m.username} (member: ${m.roles.join(", ") || "no org role"})`),
    ...invitations.map((i) => `${i.username} (invited by ${i.inviterUsername} at ${i.createdAt}: ${i.roles.join(", ")})`),
  ];
  const listed = names.slice(0, NAMED).join("; ") + (names.length > NAMED ? `; and ${names.length - NAMED} more` : "");
  return (
    `undeclared access in organization ${orgId}: ${listed}. ` +
    (prune
      ? "prune is on: `pulumi up` withdraws these invitations and removes these members."
      : "Declare them in the program, add them to `ignore`, or set `prune: true` to remove them at `pulumi up`.")
  );
}

function storedList<T>(value: unknown): T[] {
  return Array.isArray(value) ? (value.filter((x) => typeof x === "object" && x !== null) as T[]) : [];
}
