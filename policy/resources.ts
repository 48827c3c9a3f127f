// What the rules see of a resource: which of this package's resources it is (through either front
// door: the dynamic type `pulumi-nodejs:dynamic/cloudmanager:<Name>` or the plugin's
// `cloudmanager:index:<Name>`), its name and URN, and a plain copy of its properties in which a value
// not known at preview is the UNKNOWN marker. The rules then never trip over an unknown value (the
// policy SDK's property proxy throws on one, which would abandon the whole rule for the resource) and
// decide themselves what an unknown means: never a violation.

import { BOOKKEEPING_KEYS, UNKNOWN as UNKNOWN_SENTINEL } from "../provider/model/property-bag";
import { dynamicType, pluginToken } from "../provider/model/type-tokens";

/** The resources of this package the rules look at: the registry's names (test/policy checks both lists agree). */
export const KINDS = ["OrgInvitation", "OrgMembership", "OrgRoster", "Team", "ProjectTeam", "ProjectMembership", "ProjectRoster"] as const;
export type Kind = (typeof KINDS)[number];

/** A value not known at preview (an output of a resource not created yet). */
export const UNKNOWN: unique symbol = Symbol("unknown at preview");
export type Unknown = typeof UNKNOWN;

export type Plain = string | number | boolean | null | Unknown | Plain[] | { [key: string]: Plain };

const BY_TYPE: ReadonlyMap<string, Kind> = new Map(
  KINDS.flatMap((kind) => [[dynamicType(kind), kind] as const, [pluginToken(kind), kind] as const]),
);

/** The kind a type token names, through either front door; undefined for anything else. */
export function kindOf(type: string): Kind | undefined {
  return BY_TYPE.get(type);
}

/** A resource of this package as the rules see it. */
export interface Declared {
  kind: Kind;
  /** The resource's name in the program. */
  name: string;
  urn: string;
  /** The properties, bookkeeping left out, unknown values as UNKNOWN. */
  props: Readonly<Record<string, Plain>>;
}

/** What the policy SDK hands a rule about one resource (both ResourceValidationArgs and PolicyResource have it). */
export interface PolicyResourceLike {
  type: string;
  name: string;
  urn: string;
  props: Record<string, unknown>;
}

/** The resource as the rules see it, or undefined when it is not one of this package's. */
export function declared(resource: PolicyResourceLike): Declared | undefined {
  const kind = kindOf(resource.type);
  if (kind === undefined) return undefined;
  const props: Record<string, Plain> = {};
  for (const key of Object.keys(resource.props)) {
    if (BOOKKEEPING_KEYS.includes(key)) continue;
    props[key] = read(() => resource.props[key]);
  }
  return { kind, name: resource.name, urn: resource.urn, props };
}

/** A plain copy of `value` (the SDK's proxy or a plain object), unknown values as UNKNOWN. */
export function snapshot(value: unknown): Plain {
  if (value === UNKNOWN_SENTINEL) return UNKNOWN;
  if (value === null || typeof value === "string" || typeof value === "number" || typeof value === "boolean") return value;
  if (Array.isArray(value)) {
    const items: Plain[] = [];
    for (let i = 0; i < value.length; i++) items.push(read(() => (value as unknown[])[i]));
    return items;
  }
  if (typeof value === "object") {
    const copy: Record<string, Plain> = {};
    for (const key of Object.keys(value)) copy[key] = read(() => (value as Record<string, unknown>)[key]);
    return copy;
  }
  // undefined, functions, symbols: nothing a rule reads.
  return null;
}

/**
 * One property read through the proxy, which throws the SDK's UnknownValueError where the value is
 * unknown. Told by its class name: the SDK marks the class internal (no type to import), and a second
 * copy of the SDK in a project would defeat instanceof.
 */
function read(get: () => unknown): Plain {
  try {
    return snapshot(get());
  } catch (e) {
    if (e instanceof Error && e.constructor.name === "UnknownValueError") return UNKNOWN;
    throw e;
  }
}

// ---- the readers the rules use ----

/** A string property: the string, UNKNOWN, or undefined when absent or of another type. */
export function text(d: Declared, key: string): string | Unknown | undefined {
  const v = d.props[key];
  return typeof v === "string" || v === UNKNOWN ? v : undefined;
}

/**
 * A list of strings: its entries (UNKNOWN where an entry is not known; entries of other types left
 * out), UNKNOWN when the whole list is not known, undefined when absent.
 */
export function texts(d: Declared, key: string): (string | Unknown)[] | Unknown | undefined {
  const v = d.props[key];
  if (v === UNKNOWN) return UNKNOWN;
  if (!Array.isArray(v)) return undefined;
  return v.filter((x): x is string | Unknown => typeof x === "string" || x === UNKNOWN);
}

/** A boolean property: the boolean, UNKNOWN, or undefined when absent or of another type. */
export function flag(d: Declared, key: string): boolean | Unknown | undefined {
  const v = d.props[key];
  return typeof v === "boolean" || v === UNKNOWN ? v : undefined;
}

/** The known strings of a list (its unknown entries left out); [] when the list is absent or unknown. */
export function knownTexts(list: (string | Unknown)[] | Unknown | undefined): string[] {
  return Array.isArray(list) ? list.filter((x): x is string => typeof x === "string") : [];
}

/** How a message names a resource: kind, name and URN. */
export function describe(d: Declared): string {
  return `${d.kind} "${d.name}" (${d.urn})`;
}
