// Resources as the policy SDK hands them to a rule: a type token of either front door, a name, a URN,
// and properties behind the SDK's proxy, which throws where a value is unknown at preview.

import * as policySdk from "@pulumi/policy";
import { dynamicType, pluginToken } from "../../provider/model/type-tokens";
import { declared, type Declared, type Kind, type PolicyResourceLike } from "../../policy/resources";

/**
 * The SDK's own proxy (what every rule receives as `props`): exported at run time, but internal to its
 * types, hence the typed view.
 */
export const unknownCheckingProxy = (policySdk as unknown as { unknownCheckingProxy: <T extends object>(value: T) => T })
  .unknownCheckingProxy;
if (typeof unknownCheckingProxy !== "function") throw new Error("@pulumi/policy no longer exports unknownCheckingProxy");

/** The engine's placeholder for a value not known at preview, as the policy SDK receives it. */
export const UNKNOWN_VALUE = "04da6b54-80e4-46f7-96ec-b56ff0331ba9";

export type Door = "dynamic" | "plugin";
export const DOORS: Door[] = ["dynamic", "plugin"];

export const ORG = "5f1b2c3d4e5f6a7b8c9d0e1f";
export const OTHER_ORG = "6a1b2c3d4e5f6a7b8c9d0e1f";
export const PROJECT = "65f0a1b2c3d4e5f6a7b8c9d0";
export const OTHER_PROJECT = "65f0a1b2c3d4e5f6a7b8c9d1";

export function typeOf(kind: Kind, door: Door): string {
  return door === "dynamic" ? dynamicType(kind) : pluginToken(kind);
}

/** A resource of `kind` as the SDK presents it; the dynamic door's inputs carry __provider and __urn too. */
export function policyResource(kind: Kind, name: string, props: Record<string, unknown>, door: Door = "dynamic"): PolicyResourceLike {
  const type = typeOf(kind, door);
  const urn = `urn:pulumi:dev::access::${type}::${name}`;
  const bag = door === "dynamic" ? { ...props, __provider: "exports.handler = …", __urn: urn } : props;
  return { type, name, urn, props: unknownCheckingProxy(bag) };
}

/** The same, as the rules see it. */
export function resource(kind: Kind, name: string, props: Record<string, unknown>, door: Door = "dynamic"): Declared {
  const d = declared(policyResource(kind, name, props, door));
  if (d === undefined) throw new Error(`${kind} is not one of the pack's kinds`);
  return d;
}
