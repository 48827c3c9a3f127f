// An OrgRoster's lifecycle: undeclared access is drift (the rules in short; docs/lifecycle.md has the
// table). `read` lists the organization's pending invitations and members (one read each per
// deployment, shared with every other resource) and records the access nobody declared; `diff`
// reports a change while that record is not empty, so `pulumi preview --refresh --expect-no-changes`
// fails and names them; with `prune`, `up` withdraws those invitations and removes those members,
// one `pruned:` line each, written BEFORE the request is sent (an interrupted run leaves its trail).
// Undeclared access: a person who is neither managed, declared by a resource of this deployment, nor
// ignored (matched by USERNAME only: a profile's emailAddress is never identity), AND any pending
// invitation of a declared person other than the one their resource holds (one for someone already a
// member, a duplicate): accepting it would give access nobody declared. Never pruned: what is
// declared or managed, what an ignore pattern matches, someone leaving the program in this `up` (the
// engine updates the roster BEFORE it deletes removed resources: their own resource deletes them, or
// keeps them with `retainOnDelete`), an invitation sent by another API key or service account
// (another automation's: reported, never pruned), and the organization's last Organization Owner.

import type { CreateResult, DiffResult, ReadResult, UpdateResult } from "@pulumi/pulumi/dynamic";
import { isExpired, pickPendingInvitation, sameSet } from "../../../sdk";
import type { Invitation, OrgUser } from "../../../sdk/types";
import { usernameKey } from "../../access/identity";
import { describeGone, isAutomation, senderOf, withdraw } from "../../access/invitations";
import { removeMember } from "../../access/members";
import { orgRolesOf } from "../../access/org-rules";
import { guardOwnerChange } from "../../access/owner-guard";
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
import { orFail } from "../../errors/provider-error";
import { isUnknown, listOf, stringOf, urnOf, type PropertyBag } from "../../model/property-bag";
import { rosterResourceId, type OrgRosterInputs, type OrgRosterOutputs, type UnmanagedInvitation, type UnmanagedMember } from "./model";

/** Names listed in one warning before the rest are counted (./roster-summary's limit, the leaving notice's too). */
const NAMED = 50;
const OUTPUTS = ["unmanagedMembers", "unmanagedInvitations"] as const;

/** What a read finds, in the API's order, by username: the outputs' entries before their `firstSeen`. */
type Found = {
  invitations: FoundEntry<Omit<InvitationFields, "firstSeen">>[];
  members: FoundEntry<Omit<MemberFields, "firstSeen">>[];
};
/** A line's fields but its name (an entry's `key`). */
type InvitationFields = Omit<UnmanagedInvitation, "username">;
type MemberFields = Omit<UnmanagedMember, "username">;
type Entries = { invitations: StoredEntry<InvitationFields>[]; members: StoredEntry<MemberFields>[] };

/** The stored outputs of the last read as entries: lines, or the maps or arrays of a state written before them. */
function storedFound(bag: PropertyBag): Entries {
  return {
    invitations: storedEntries<InvitationFields>(bag["unmanagedInvitations"], "username"),
    members: storedEntries<MemberFields>(bag["unmanagedMembers"], "username"),
  };
}

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
  const isUnmanaged = rosterTests(next, ledger.declaredIn(String(olds["orgId"]))).unmanaged;
  const stillUnmanaged = (username: string) => !knownNews || isUnmanaged(username);
  const stored = storedFound(olds);
  // An extra invitation of a declared person stays undeclared access whoever declares the person.
  const invitations = stored.invitations.filter((i) => i.extra === true || stillUnmanaged(i.key));
  const members = stored.members.filter((m) => stillUnmanaged(m.key));
  // The refresh of `--refresh` diffs before the program's resources are checked (their declarations
  // are not known yet): the notice waits for the roster's own check, so nobody declared is named.
  if (invitations.length + members.length > 0 && ledger.wasChecked(urnOf(news)))
    ledger.warnOnce(undeclaredNotice(String(olds["orgId"]), { invitations, members }, next.prune));
  return { changes: inputsChanged || invitations.length + members.length > 0 };
}

// ---- create, read, update, delete ----

export async function createOrgRoster(
  api: OrgApi,
  inputs: OrgRosterInputs,
  ledger: DeploymentLedger,
): Promise<CreateResult<OrgRosterOutputs>> {
  return { id: rosterResourceId(inputs.orgId), outs: await enforce(api, inputs, ledger, {}) };
}

export async function readOrgRoster(api: OrgApi, props: PropertyBag, ledger: DeploymentLedger): Promise<ReadResult<OrgRosterOutputs>> {
  const inputs = rosterInputsOf(props);
  const found = await findUnmanaged(api, inputs, ledger);
  return { id: rosterResourceId(api.orgId), props: { ...inputs, orgId: api.orgId, ...record(found, storedFound(props)).outputs } };
}

/** `olds`: the stored outputs; those who leave their `managed` now are left to their own resources in this deployment. */
export async function updateOrgRoster(
  api: OrgApi,
  inputs: OrgRosterInputs,
  olds: PropertyBag,
  ledger: DeploymentLedger,
): Promise<UpdateResult<OrgRosterOutputs>> {
  const managed = new Set(inputs.managed.map(usernameKey));
  const leaving = rosterInputsOf(olds).managed.filter((u) => !managed.has(usernameKey(u)));
  // An ignored person is never pruned: nothing to warn about.
  const { ignored } = rosterTests(inputs, new Set());
  const exposed = leaving.filter((u) => !ignored(u));
  if (exposed.length > 0) ledger.warnOnce(leavingNotice(api.orgId, exposed));
  return { outs: await enforce(api, inputs, ledger, olds, leaving) };
}

/**
 * Said in the run where people leave `managed`: this `up` leaves them to their own resources, and a
 * resource kept with `retainOnDelete` keeps their access, which the NEXT pruning `up` would remove.
 */
function leavingNotice(orgId: string, leaving: readonly string[]): string {
  const names = leaving.slice(0, NAMED).join(", ") + (leaving.length > NAMED ? ` and ${leaving.length - NAMED} more` : "");
  return (
    `${names} ${leaving.length === 1 ? "leaves" : "leave"} the roster of organization ${orgId} in this \`pulumi up\`: not pruned now ` +
    `(their own resource removes them, unless it has retainOnDelete). If their access is meant to stay, add them to \`ignore\`, ` +
    `or the next \`pulumi up\` with prune removes them.`
  );
}

/**
 * Records the undeclared access; with `prune`, removes it first (one line per person). `olds`: the
 * stored outputs (none at create): what they hold keeps its `firstSeen`, the rest is new.
 */
async function enforce(
  api: OrgApi,
  inputs: OrgRosterInputs,
  ledger: DeploymentLedger,
  olds: PropertyBag,
  leaving: readonly string[] = [],
): Promise<OrgRosterOutputs> {
  const scope = { ...inputs, managed: [...inputs.managed, ...leaving] };
  const previous = storedFound(olds);
  let found = await findUnmanaged(api, scope, ledger);
  const count = (f: Found) => f.invitations.length + f.members.length;
  if (inputs.prune && count(found) > 0) {
    await prune(api, found, ledger);
    found = await findUnmanaged(api, scope, ledger);
    return { ...inputs, ...record(found, previous).outputs };
  }
  const { outputs, entries } = record(found, previous);
  if (count(found) > 0) {
    const seen = new Set([...previous.invitations.map(entryKey), ...previous.members.map(entryKey)]);
    ledger.warnOnce(undeclaredNotice(api.orgId, entries, false, olds["unmanagedMembers"] === undefined ? undefined : seen));
  }
  return { ...inputs, ...outputs };
}

/** The record of `found`: its outputs (JSON Lines by username) and its entries, each `firstSeen` kept from `previous` (the last read's) or now. */
function record(
  found: Found,
  previous: Entries,
): { outputs: Pick<OrgRosterOutputs, "unmanagedInvitations" | "unmanagedMembers">; entries: Entries } {
  const now = readTime();
  const invitations = stamp(found.invitations, firstSeenByKey(previous.invitations), now);
  const members = stamp(found.members, firstSeenByKey(previous.members), now);
  return {
    outputs: {
      unmanagedInvitations: jsonLines(invitations, "username"),
      unmanagedMembers: jsonLines(members, "username"),
    },
    entries: { invitations, members },
  };
}

async function prune(api: OrgApi, found: Found, ledger: DeploymentLedger): Promise<void> {
  for (const { key: username, value: invitation } of found.invitations) {
    if (senderOf(invitation.inviterUsername, api.credentialId) === "another automation") {
      ledger.warnOnce(
        `not pruned: the invitation ${invitation.invitationId} for ${username} was sent by another API key or service ` +
          `account (${invitation.inviterUsername}), i.e. another automation; declare ${username} where that automation ` +
          `is managed, add them to \`ignore\`, or withdraw it by hand (docs/several-stacks.md).`,
      );
      continue;
    }
    // Said before the request: an interrupted run still leaves its audit trail.
    warn(
      `pruned: withdrawing the invitation ${invitation.invitationId} for ${username} (${invitation.roles.join(", ")}; sent by ${invitation.inviterUsername} at ${invitation.createdAt}), ` +
        `${invitation.extra === true ? "an invitation their declared access does not include" : "which no resource declares"}.`,
    );
    const outcome = await withdraw(
      api,
      invitation.invitationId,
      username,
      `Pruning the invitation ${invitation.invitationId} for ${username}`,
    );
    if (outcome.kind === "already-gone") {
      warn(
        outcome.retried
          ? `pruned: the invitation ${invitation.invitationId} for ${username} is gone: an earlier attempt of this DELETE most likely withdrew it (its answer was lost, and the retry found nothing to delete).`
          : `pruned nothing for ${username}: the invitation was already gone (${outcome.reason === undefined ? "no longer pending" : describeGone(outcome.reason, username)}).`,
      );
    }
  }
  for (const { value: unmanaged } of found.members) {
    const members = await orFail(api.members(), `Reading the members of organization ${api.orgId}`);
    const member = members.find((m) => m.id === unmanaged.userId);
    if (!member) continue;
    ledger.intend({ orgId: api.orgId, username: member.username }, { urn: "roster", roles: [], removing: true });
    const roles = unmanaged.roles.join(", ") || "no org role";
    try {
      await guardOwnerChange(api, ledger, { member, rolesAfter: [], action: "remove", urn: undefined }, async () => {
        warn(`pruned: removing ${member.username} (${roles}) from organization ${api.orgId}; no resource declares them.`);
        const outcome = await removeMember(api, member, `Pruning ${member.username} from organization ${api.orgId}`);
        if (outcome.kind === "already-gone") {
          warn(
            outcome.retried
              ? `pruned: ${member.username} is no longer a member of organization ${api.orgId}: an earlier attempt of this DELETE most likely removed them (its answer was lost, and the retry found nothing to delete).`
              : `pruned nothing for ${member.username}: no longer a member.`,
          );
        }
      });
    } catch (e) {
      // The organization's last owner is kept: said, and the other people are still pruned.
      if (!(e instanceof Error) || !/^(LAST_ORG_OWNER|OWNER_PLAN_UNSAFE):/.test(e.message)) throw e;
      warn(
        `not pruned: ${member.username} is the last Organization Owner of organization ${api.orgId}; give another member ORG_OWNER first.`,
      );
    }
  }
}

/**
 * Pending invitations and members that are neither managed, declared in this deployment, nor ignored;
 * and the extra pending invitations of declared people (all of a member's; all but the one their
 * resource holds otherwise).
 */
async function findUnmanaged(api: OrgApi, inputs: OrgRosterInputs, ledger: DeploymentLedger): Promise<Found> {
  const { unmanaged, ignored } = rosterTests(inputs, ledger.declaredIn(api.orgId));
  const pending = await orFail(api.pending(), `Reading the pending invitations of organization ${api.orgId}`);
  const members = await orFail(api.members(), `Reading the members of organization ${api.orgId}`);
  const live = pending.filter((i) => !isExpired(i.expiresAt));
  // Indexed once: this runs over every pending invitation of organizations with thousands of people.
  const memberNames = new Set(members.map((m) => usernameKey(m.username)));
  const held = heldInvitations(live);
  const extra = (i: Invitation): boolean => memberNames.has(usernameKey(i.username)) || held.get(usernameKey(i.username)) !== i.id;
  // In the API's order: the gate orders by firstSeen and createdAt (./roster-summary), the outputs by name.
  const invitations: Found["invitations"] = [];
  for (const i of live) {
    if (unmanaged(i.username)) invitations.push(invitationEntry(i, false));
    else if (!ignored(i.username) && extra(i)) invitations.push(invitationEntry(i, true));
  }
  const found: Found["members"] = [];
  for (const m of members) if (unmanaged(m.username)) found.push(memberEntry(m, api.orgId));
  return { invitations, members: found };
}

function invitationEntry(i: Invitation, extra: boolean): Found["invitations"][number] {
  const value = { roles: [...i.roles].sort(), invitationId: i.id, inviterUsername: i.inviterUsername, createdAt: i.createdAt };
  return { key: i.username, id: i.id, value: extra ? { ...value, extra: true } : value };
}

function memberEntry(m: OrgUser, orgId: string): Found["members"][number] {
  return { key: m.username, id: m.id, value: { roles: orgRolesOf(m, orgId).sort(), userId: m.id } };
}

/** Per person (`usernameKey`), the id of the pending invitation their resource holds: the one the client's rule picks. */
function heldInvitations(live: readonly Invitation[]): Map<string, string> {
  const byPerson = new Map<string, Invitation[]>();
  for (const i of live) {
    const key = usernameKey(i.username);
    const list = byPerson.get(key);
    if (list === undefined) byPerson.set(key, [i]);
    else list.push(i);
  }
  const held = new Map<string, string>();
  for (const [key, invitations] of byPerson) {
    const picked = pickPendingInvitation(invitations, key);
    if (picked !== undefined) held.set(key, picked.id);
  }
  return held;
}

/** The gate's warning: what is new first, then newest first, at most NAMED names and the count of the rest (./roster-summary). */
function undeclaredNotice(orgId: string, found: Entries, prune: boolean, previous?: ReadonlySet<string>): string {
  const reported: Reported[] = [
    ...found.members.map((m) => ({
      kind: "member",
      key: entryKey(m),
      text: `${m.key} (member: ${m.roles.join(", ") || "no org role"})`,
      firstSeen: m.firstSeen,
    })),
    ...found.invitations.map((i) => ({
      kind: "invitation",
      key: entryKey(i),
      text: `${i.key} (${i.extra === true ? "an extra invitation, beside their declared access," : "invited"} by ${i.inviterUsername} at ${i.createdAt}: ${i.roles.join(", ")})`,
      firstSeen: i.firstSeen,
      createdAt: i.createdAt,
    })),
  ];
  const automation = found.invitations.some((i) => isAutomation(i.inviterUsername));
  return (
    `undeclared access in organization ${orgId} ${summarise(reported, { outputs: OUTPUTS, previous })}. ` +
    (prune
      ? "prune is on: `pulumi up` withdraws these invitations and removes these members" +
        (automation ? " (an invitation sent by another API key or service account is reported, never pruned)." : ".")
      : "Declare them in the program, add them to `ignore`, or set `prune: true` to remove them at `pulumi up`.")
  );
}
