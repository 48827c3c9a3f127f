// The rosters' outputs of what nobody declared: maps keyed by username (a team's name for
// ProjectRoster's teams), so that one person more or less is one entry of `preview --diff`, not a
// shift of every later entry of an array. Each entry keeps `firstSeen`, the time of the read that
// first found it, so the gate names the newest first (./roster-summary). States written before these
// maps hold arrays of entries with the key inside (`username`, or `name`): still read here.

/** The time stamp of the read that first found an entry. */
export interface Stamped {
  firstSeen: string;
}

/** An entry as a roster finds it: its key (username or team name), its id (invitation, user, team) and its fields. */
export interface FoundEntry<T> {
  key: string;
  id: string;
  value: T;
}

/** An entry read back from state: key, fields, and `firstSeen` when the state has one. */
export type StoredEntry<T> = { key: string } & T & { firstSeen?: string };

/**
 * The output map of `found`, in the order given: each value is `value` with `firstSeen` (kept from
 * `previous` when the same key held the same id there, `now` otherwise). A second entry with a key
 * already taken (a person with two pending invitations) is keyed `key#id`.
 */
export function keyedOutput<T extends object>(
  found: readonly FoundEntry<T>[],
  previous: ReadonlyMap<string, { id: string; firstSeen?: string | undefined }>,
  now: string,
): Record<string, T & Stamped> {
  const out: Record<string, T & Stamped> = {};
  for (const entry of found) {
    // "__proto__" is never a key: the engine hands olds back through protobuf's Struct.toJavaScript,
    // which assigns (`ret[key] = …`), so that entry would become the map's prototype and vanish from
    // the next diff — a team or user so named would never be reported or pruned. It is keyed
    // `__proto__#id` instead (nameOfKey reads it back).
    const key = Object.hasOwn(out, entry.key) || entry.key === "__proto__" ? `${entry.key}#${entry.id}` : entry.key;
    const before = previous.get(key);
    const firstSeen = before !== undefined && before.id === entry.id && before.firstSeen !== undefined ? before.firstSeen : now;
    // Defined, not assigned: a username Cloud Manager lists is data, even one spelled "__proto__".
    Object.defineProperty(out, key, { value: { ...entry.value, firstSeen }, enumerable: true, writable: true, configurable: true });
  }
  return out;
}

/**
 * A stored roster output as entries: the map this version writes, or the array an older state holds
 * (its entries carry the key as `keyField`). Anything else reads as empty.
 */
export function storedEntries<T extends object>(value: unknown, keyField: string): StoredEntry<T>[] {
  if (Array.isArray(value)) {
    return value
      .filter(
        (x): x is Record<string, unknown> =>
          typeof x === "object" && x !== null && typeof (x as Record<string, unknown>)[keyField] === "string",
      )
      .map((x) => ({ ...(x as T), key: String(x[keyField]) }));
  }
  if (typeof value !== "object" || value === null) return [];
  return Object.entries(value as Record<string, unknown>)
    .filter((e): e is [string, Record<string, unknown>] => typeof e[1] === "object" && e[1] !== null)
    .map(([key, v]) => ({ ...(v as T), key }));
}

/** The username or team name a member, user or team entry's key stands for (only "__proto__" is ever suffixed: keyedOutput). */
export function nameOfKey(key: string): string {
  return key.startsWith("__proto__#") ? "__proto__" : key;
}

/** The username an entry key stands for (`username#invitationId` for a person's second invitation). */
export function usernameOfKey(key: string): string {
  const hash = key.lastIndexOf("#");
  return hash > 0 && /^[0-9a-f]{24}$/i.test(key.slice(hash + 1)) ? key.slice(0, hash) : key;
}

/** The previous read's entries by key, for `keyedOutput` (`idOf`: the entry's invitation, user or team id). */
export function previousByKey<T extends object>(
  entries: readonly StoredEntry<T>[],
  idOf: (entry: StoredEntry<T>) => string | undefined,
): Map<string, { id: string; firstSeen?: string | undefined }> {
  const map = new Map<string, { id: string; firstSeen?: string | undefined }>();
  for (const e of entries) map.set(e.key, { id: idOf(e) ?? "", firstSeen: typeof e.firstSeen === "string" ? e.firstSeen : undefined });
  return map;
}

/** The time of this read, stamped on what it finds first. */
export function readTime(): string {
  return new Date().toISOString();
}
