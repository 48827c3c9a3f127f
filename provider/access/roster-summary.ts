// The rosters' gate message, summarised: an organization of thousands lists thousands of people, and
// a message naming them all (or the first few alphabetically) hides the one that changed. So what is
// NEW is named first, then the rest newest first, at most NAMED of them, and the count of the others
// points at the outputs that hold them all. Pure: the rosters pass what they found and when.

/** Names listed in one warning before the rest are counted. */
export const NAMED = 50;

/** One thing a roster reports, as the gate names it. */
export interface Reported {
  /** Its key in the outputs: a username, or a team's name. */
  key: string;
  /** How the message describes it, e.g. `zed@example.com (member: ORG_MEMBER)`. */
  text: string;
  /** When the roster first found it (ISO 8601); absent in a state written before 0.2 (oldest then). */
  firstSeen?: string | undefined;
  /** What it is ("member", "invitation", "team"): kinds stay in the order given, within the same `firstSeen`. */
  kind: string;
  /** An invitation's creation time (ISO 8601): newest first among those of its kind found at the same time. */
  createdAt?: string | undefined;
}

export interface SummaryOptions {
  /** The outputs that hold every entry, named in the "and N more" tail. */
  outputs: readonly string[];
  /** The keys in the outputs of the last read: a key not in them is new, and named first. Unknown in a diff. */
  previous?: ReadonlySet<string> | undefined;
  /** At most this many names (default NAMED). */
  limit?: number;
}

/**
 * The names in order (new since the last read, then by `firstSeen`, newest first; among those found
 * at the same time, kind by kind in the order given, each kind by `createdAt`, newest first, then in
 * the order given, the API's), at most `limit`, then "and N more (all in …)", after
 * the counts: `(3,450 entries, 1 new since the last read): zed@example.com (…); …; and 3,400 more (…)`.
 */
export function summarise(reported: readonly Reported[], options: SummaryOptions): string {
  const limit = options.limit ?? NAMED;
  const ordered = orderNewestFirst(reported, options.previous);
  const fresh = options.previous === undefined ? 0 : reported.filter((r) => !options.previous?.has(r.key)).length;
  const head = ordered
    .slice(0, limit)
    .map((r) => r.text)
    .join("; ");
  const rest = ordered.length - Math.min(limit, ordered.length);
  const count =
    `${formatCount(reported.length)} ${reported.length === 1 ? "entry" : "entries"}` +
    (fresh > 0 ? `, ${formatCount(fresh)} new since the last read` : "");
  const tail =
    rest > 0
      ? `; and ${formatCount(rest)} more (all in the output${options.outputs.length === 1 ? "" : "s"} ${options.outputs.map((o) => `\`${o}\``).join(" and ")})`
      : "";
  return `(${count}): ${head}${tail}`;
}

/** New (not in `previous`) first, then newest `firstSeen`, then kind (as given), newest `createdAt`; stable otherwise. */
export function orderNewestFirst<T extends Reported>(reported: readonly T[], previous?: ReadonlySet<string>): T[] {
  const isNew = (r: Reported) => (previous === undefined || previous.has(r.key) ? 1 : 0);
  // A kind's rank is where it first appears: a total order, so the sort is well defined.
  const rank = new Map<string, number>();
  reported.forEach((r, index) => {
    if (!rank.has(r.kind)) rank.set(r.kind, index);
  });
  const rankOf = (r: Reported) => rank.get(r.kind) ?? 0;
  return reported
    .map((r, index) => ({ r, index }))
    .sort(
      (a, b) =>
        isNew(a.r) - isNew(b.r) ||
        descending(a.r.firstSeen, b.r.firstSeen) ||
        rankOf(a.r) - rankOf(b.r) ||
        descending(a.r.createdAt, b.r.createdAt) ||
        a.index - b.index,
    )
    .map(({ r }) => r);
}

/** ISO 8601 times compare as strings; a missing one is the oldest. */
function descending(a: string | undefined, b: string | undefined): number {
  const x = a ?? "";
  const y = b ?? "";
  return x === y ? 0 : x < y ? 1 : -1;
}

function formatCount(n: number): string {
  return n.toLocaleString("en-US");
}
