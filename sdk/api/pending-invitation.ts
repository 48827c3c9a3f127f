import { usernameKey } from "./username";

/** What the rule reads of an invitation: organization (Invitation) and project (ProjectInvitation) ones alike. */
export interface PendingInvitationFields {
  id: string;
  username: string;
  createdAt: string;
  expiresAt: string;
}

/**
 * THE rule for which pending invitation belongs to `username` when the organization (or project) lists several:
 * among the invitations whose username equals `username` ignoring letter case (Cloud Manager treats
 * addresses that way) and whose `expiresAt` has not passed at `nowMs` (some servers still list expired
 * ones), the OLDEST by `createdAt`, then by `id`. Undefined when none is left.
 *
 * Why the oldest: the choice must be stable across runs. The oldest stays the oldest while newer ones
 * come and go, so every run, and every stack that looks at the same organization, picks the same
 * invitation; "the newest" would move to each duplicate sent meanwhile. Nothing is lost by it: the
 * create path adopts a pending invitation before it sends one, so after a lost POST any older
 * invitation had already been adopted, and two pending invitations for one person arise only from
 * duplicates sent by hand, where no choice is better than the stable one.
 *
 * The client's re-send check after an ambiguous POST failure (createInvitation, createProjectInvitation)
 * and the provider's adoption all use this function.
 */
export function pickPendingInvitation<T extends PendingInvitationFields>(
  invitations: readonly T[],
  username: string,
  nowMs: number = Date.now(),
): T | undefined {
  return oldestInvitation(livePendingInvitationsOf(invitations, username, nowMs));
}

/**
 * The invitations the rule above chooses among: `username`'s (ignoring letter case) whose `expiresAt`
 * has not passed at `nowMs`. The name is compared first: most of a large organization's list is other
 * people, whose dates need no reading.
 */
export function livePendingInvitationsOf<T extends PendingInvitationFields>(
  invitations: readonly T[],
  username: string,
  nowMs: number = Date.now(),
): T[] {
  const wanted = usernameKey(username);
  return invitations.filter((invitation) => usernameKey(invitation.username) === wanted && !isExpired(invitation.expiresAt, nowMs));
}

/** The rule's choice among a person's live invitations (livePendingInvitationsOf): the oldest by `createdAt`, then by `id`. */
export function oldestInvitation<T extends PendingInvitationFields>(live: readonly T[]): T | undefined {
  let picked: T | undefined;
  for (const invitation of live) if (picked === undefined || isOlder(invitation, picked)) picked = invitation;
  return picked;
}

/**
 * THE expiry rule: past `expiresAt` at `nowMs`. An absent or unreadable date counts as not expired
 * (the server listed the invitation as pending, or state never recorded a date).
 */
export function isExpired(expiresAt: string | undefined, nowMs: number = Date.now()): boolean {
  if (expiresAt === undefined) return false;
  const ms = Date.parse(expiresAt);
  return !Number.isNaN(ms) && ms <= nowMs;
}

/** Created earlier, compared as instants when both dates read, else as text; the same instant: the smaller id. */
function isOlder(a: PendingInvitationFields, b: PendingInvitationFields): boolean {
  const at = Date.parse(a.createdAt);
  const bt = Date.parse(b.createdAt);
  const order = Number.isNaN(at) || Number.isNaN(bt) ? String(a.createdAt).localeCompare(String(b.createdAt)) : at - bt;
  return order !== 0 ? order < 0 : a.id < b.id;
}
