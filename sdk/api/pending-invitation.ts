import type { Invitation } from "../types";

/**
 * THE rule for which pending invitation belongs to `username` when the organization lists several:
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
 * The client's re-send check after an ambiguous POST failure (createInvitation) and the provider's
 * adoption both use this function.
 */
export function pickPendingInvitation(
  invitations: readonly Invitation[],
  username: string,
  nowMs: number = Date.now(),
): Invitation | undefined {
  const wanted = username.toLowerCase();
  let picked: Invitation | undefined;
  for (const invitation of invitations) {
    if (invitation.username.toLowerCase() !== wanted || hasExpired(invitation, nowMs)) continue;
    if (picked === undefined || isOlder(invitation, picked)) picked = invitation;
  }
  return picked;
}

/** Past `expiresAt`; an absent or unreadable date counts as not expired (the server listed it as pending). */
function hasExpired(invitation: Invitation, nowMs: number): boolean {
  const expiresAt = Date.parse(invitation.expiresAt);
  return !Number.isNaN(expiresAt) && expiresAt <= nowMs;
}

/** Created earlier, compared as instants when both dates read, else as text; the same instant: the smaller id. */
function isOlder(a: Invitation, b: Invitation): boolean {
  const at = Date.parse(a.createdAt);
  const bt = Date.parse(b.createdAt);
  const order = Number.isNaN(at) || Number.isNaN(bt) ? String(a.createdAt).localeCompare(String(b.createdAt)) : at - bt;
  return order !== 0 ? order < 0 : a.id < b.id;
}
