// The property bags as they cross the plugin's wire: @pulumi/pulumi's provider server hands secrets
// (`{sig: secret, value}`) and output values to the plugin; the runtime wants plain values (and the
// engine's unknown placeholder at preview), and what goes back must keep the secrets secret.

// From the module that defines them, which the provider server has loaded already: `@pulumi/pulumi`'s
// index would load the rest of the SDK, about 200 ms of CPU at every start of the plugin (issue 22).
import { specialOutputValueSig, specialSecretSig, specialSigKey } from "@pulumi/pulumi/runtime/rpc";
import { BOOKKEEPING_KEYS, UNKNOWN, type PropertyBag } from "../model/property-bag";

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === "object" && value !== null && !Array.isArray(value);
}

/**
 * The bag with every secret and output value unwrapped (an unknown output value becomes the engine's
 * unknown placeholder, as the runtime expects at preview), and the top-level keys that held a secret.
 */
export function unwrapBag(bag: unknown): { bag: PropertyBag; secretKeys: Set<string> } {
  const secretKeys = new Set<string>();
  const out: PropertyBag = {};
  if (isRecord(bag)) {
    for (const [key, value] of Object.entries(bag)) {
      const found = { secret: false };
      out[key] = unwrapValue(value, found);
      if (found.secret) secretKeys.add(key);
    }
  }
  return { bag: out, secretKeys };
}

function unwrapValue(value: unknown, found: { secret: boolean }): unknown {
  if (Array.isArray(value)) return value.map((v) => unwrapValue(v, found));
  if (!isRecord(value)) return value;
  const sig = value[specialSigKey];
  if (sig === specialSecretSig) {
    found.secret = true;
    return unwrapValue(value["value"], found);
  }
  if (sig === specialOutputValueSig) {
    if (value["secret"] === true) found.secret = true;
    return "value" in value ? unwrapValue(value["value"], found) : UNKNOWN;
  }
  return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, unwrapValue(v, found)]));
}

/** What goes back to the engine: bookkeeping keys removed, the properties that held a secret wrapped as secrets. */
export function outgoingBag(bag: object | undefined, secretKeys: ReadonlySet<string>): PropertyBag | undefined {
  if (bag === undefined) return undefined;
  const out: PropertyBag = {};
  for (const [key, value] of Object.entries(bag as Record<string, unknown>)) {
    if (BOOKKEEPING_KEYS.includes(key) || value === undefined) continue;
    out[key] = secretKeys.has(key) ? { [specialSigKey]: specialSecretSig, value } : value;
  }
  return out;
}

/** The type token of a URN (`urn:pulumi:stack::project::parent$type::name` → `type`). */
export function typeOfUrn(urn: string): string {
  const parts = urn.split("::");
  const qualified = parts[2] ?? "";
  return qualified.slice(qualified.lastIndexOf("$") + 1);
}
