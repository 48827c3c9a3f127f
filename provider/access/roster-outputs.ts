// The rosters' outputs of what nobody declared: one string per list, one JSON object per line (JSON
// Lines), sorted by name. A string, not a map of objects, for two measured reasons (docs/performance.md,
// item 4): `preview --diff` prints a changed multi-line string as a line diff with two lines of
// context, so one person more is one added line whatever the organization's size (a map printed every
// unchanged entry as context: 139,729 lines for one newcomer among 24,950); and the dynamic-provider
// host converts every value of the outputs through protobuf's Struct several times a call (25,000
// entries as objects put the provider process near 1 GB; as one string, a few MB). `jq -c .` reads the
// lines, `rosterLines` too. Each entry keeps `firstSeen`, the time of the read that first found it, so
// the gate names the newest first (./roster-summary). States written before hold maps keyed by name
// (builds between 0.1 and this) or arrays (0.1): still read here.

/** The time stamp of the read that first found an entry. */
export interface Stamped {
  firstSeen: string;
}

/** An entry as a roster finds it: its name (username or team name), its id (invitation, user, team) and its fields. */
export interface FoundEntry<T> {
  key: string;
  id: string;
  value: T;
}

/** An entry read back from state, or stamped by this read: its name as `key`, its fields, and `firstSeen`. */
export type StoredEntry<T> = { key: string } & T & { firstSeen?: string | undefined };

/** An entry's id: its invitation's, user's or team's (every entry of a roster carries exactly one of them). */
export function idOf(entry: object): string {
  const ids = entry as { invitationId?: unknown; userId?: unknown; teamId?: unknown };
  const id = ids.invitationId ?? ids.userId ?? ids.teamId;
  return typeof id === "string" ? id : "";
}

/** An identity across reads: a name and an id (a person's two pending invitations are two entries). */
function identity(name: string, id: string): string {
  return JSON.stringify([name, id]);
}

/** A stored or stamped entry's identity across reads (its name and id). */
export function entryKey(entry: { key: string }): string {
  return identity(entry.key, idOf(entry));
}

/** The last read's `firstSeen` by `entryKey`. */
export function firstSeenByKey<T extends object>(entries: readonly StoredEntry<T>[]): Map<string, string> {
  const map = new Map<string, string>();
  for (const e of entries) if (typeof e.firstSeen === "string") map.set(entryKey(e), e.firstSeen);
  return map;
}

/** `found`, each entry with `firstSeen` kept from `previous` (the same name and id) or `now`. */
export function stamp<T extends object>(
  found: readonly FoundEntry<T>[],
  previous: ReadonlyMap<string, string>,
  now: string,
): (StoredEntry<T> & Stamped)[] {
  return found.map((entry) => ({ ...entry.value, key: entry.key, firstSeen: previous.get(identity(entry.key, entry.id)) ?? now }));
}

/**
 * The output string of `entries`: one JSON object per line, `nameField` (the entry's name) first,
 * then its fields, then `firstSeen`; sorted by name, then by id, so that a read finding the same
 * people writes the same string whatever order the API listed them in. Every line ends with "\n"
 * (the last too), so that someone added at the end is one added line of a diff, not a changed last line.
 */
export function jsonLines<T extends object>(entries: readonly (StoredEntry<T> & Stamped)[], nameField: string): string {
  const compare = (a: string, b: string) => (a < b ? -1 : a > b ? 1 : 0);
  return [...entries]
    .sort((a, b) => compare(a.key, b.key) || compare(idOf(a), idOf(b)))
    .map(({ key, firstSeen, ...fields }) => `${JSON.stringify({ [nameField]: key, ...fields, firstSeen })}\n`)
    .join("");
}

/**
 * The entries of a roster output as objects, one per line (blank lines and lines that are not a JSON
 * object skipped): e.g. `rosterLines<UnmanagedMember>(text)` in a program's `apply`.
 */
export function rosterLines<T extends object>(text: string): T[] {
  const out: T[] = [];
  for (const line of text.split("\n")) {
    if (line.trim() === "") continue;
    try {
      const value: unknown = JSON.parse(line);
      if (typeof value === "object" && value !== null && !Array.isArray(value)) out.push(value as T);
    } catch {
      // A line edited by hand into something else: not an entry.
    }
  }
  return out;
}

/**
 * A stored roster output as entries: the lines this version writes, the map written before them
 * (keyed by name, a second entry of the same name `name#id`), or the array of 0.1 (the name as `nameField`).
 * Anything else reads as empty.
 */
export function storedEntries<T extends object>(value: unknown, nameField: string): StoredEntry<T>[] {
  const named = (x: Record<string, unknown>, name: unknown): StoredEntry<T>[] =>
    typeof name === "string" ? [{ ...(x as T), key: name }] : [];
  if (typeof value === "string") return rosterLines<Record<string, unknown>>(value).flatMap((x) => named(x, x[nameField]));
  const objects = (xs: unknown[]) => xs.filter((x): x is Record<string, unknown> => typeof x === "object" && x !== null);
  if (Array.isArray(value)) return objects(value).flatMap((x) => named(x, x[nameField]));
  if (typeof value !== "object" || value === null) return [];
  return Object.entries(value as Record<string, unknown>).flatMap(([key, v]) =>
    typeof v === "object" && v !== null ? named(v as Record<string, unknown>, key.replace(/#[0-9a-f]{24}$/i, "")) : [],
  );
}

/** The time of this read, stamped on what it finds first. */
export function readTime(): string {
  return new Date().toISOString();
}
