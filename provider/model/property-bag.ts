// Property bags: the plain objects the engine hands a provider (inputs, stored outputs), and the ONE
// set of readers every resource uses on them. Bookkeeping keys (`__urn`, `__provider`) live here too.

/** A property bag as the engine passes it to a dynamic provider (it also carries `__provider`). */
export type PropertyBag = Record<string, unknown>;

/**
 * The resource's URN, put into its inputs by the resource class and kept in its outputs: the engine
 * passes dynamic providers no URN, and the provider must know which resource a call is for
 * (../runtime/deployment-ledger). Bookkeeping like `__provider`, not part of a resource's model.
 */
export const URN_KEY = "__urn";

/** Where a dynamic resource's serialized provider is kept in its inputs and outputs; the pulumi-nodejs provider host reads it. */
export const PROVIDER_KEY = "__provider";

/** The bookkeeping keys: what the dynamic front door keeps in its bags, never part of a resource's model, its plugin schema or a rule. */
export const BOOKKEEPING_KEYS: readonly string[] = [URN_KEY, PROVIDER_KEY];

/** The placeholder the engine puts where a value is unknown at preview (`pulumi.runtime.unknownValue`). */
export const UNKNOWN = "04da6b54-80e4-46f7-96ec-b56ff0331ba9";

export function isUnknown(value: unknown): value is typeof UNKNOWN {
  return value === UNKNOWN;
}

/** An input as preview may see it: known, or not known yet. */
export type Planned<T> = T | typeof UNKNOWN;

/** The resource's URN from a bag (inputs or stored outputs), when it carries one. */
export function urnOf(bag: PropertyBag): string | undefined {
  const urn = bag[URN_KEY];
  return typeof urn === "string" && urn.startsWith("urn:pulumi:") ? urn : undefined;
}

/** Drops undefined values: the engine's property encoding has no `undefined`. */
export function compact<T extends object>(value: T): T {
  return Object.fromEntries(Object.entries(value).filter(([, v]) => v !== undefined)) as T;
}

/** A bag value as a string, or undefined. */
export function stringOf(value: unknown): string | undefined {
  return typeof value === "string" ? value : undefined;
}

/** A bag value as a list of strings (other entries dropped), or undefined when it is no list. */
export function listOf(value: unknown): string[] | undefined {
  return Array.isArray(value) ? value.filter((x): x is string => typeof x === "string") : undefined;
}

/** A bag value as a list of objects (stored outputs such as the roster's entries). */
export function recordsOf<T>(value: unknown): T[] {
  return Array.isArray(value) ? (value.filter((x) => typeof x === "object" && x !== null) as T[]) : [];
}
