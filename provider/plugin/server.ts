// The `cloudmanager` resource provider plugin: the same resources as the dynamic ones (OrgInvitation,
// OrgMembership, OrgRoster), served through @pulumi/pulumi/provider's `main` so that programs in any
// language (Pulumi YAML, Go, Python…) can use them and `pulumi import` can adopt them. Every method
// delegates to ./runtime, the code the dynamic resources' stored providers call: one implementation
// of the semantics, two front doors. What this file adds is the translation between the two:
//
// - dispatch by type token, through ../registry (cloudmanager:index:<Name> → the runtime's methods of <Name>);
// - the engine gives a provider plugin the URN of every call; the runtime finds it in the bag as
//   `__urn` (../deployment/deployment-ledger: one person per resource, hand-overs on a rename), so it is put
//   there, and taken out of every bag handed back (it is bookkeeping, not in the schema);
// - @pulumi/pulumi's provider server accepts secrets (inputs arrive as `{sig: secret, value}`):
//   values are unwrapped for the runtime and the properties that held a secret are wrapped again in
//   what goes back, so a secret input stays secret in state;
// - `read` returns the inputs too when the engine passed no state (`pulumi import`, a `get`);
// - configuration: see `pluginConfig` below;
// - notices: the engine hides a plugin's stderr, so they go to its Log service, attached to the
//   resource of the call that raised them (./engine-log), delivered before the call returns.

import { AsyncLocalStorage } from "node:async_hooks";
import * as pulumi from "@pulumi/pulumi";
import type { ConfigureRequest } from "@pulumi/pulumi/dynamic";
import type * as provider from "@pulumi/pulumi/provider";
import { UNKNOWN, URN_KEY, type PropertyBag } from "../model/property-bag";
import { pluginToken, RESOURCES, resourceOfToken, type ResourceName } from "../registry";
import type { ResourceMethods } from "../resources/resource-methods";
import * as runtime from "../runtime";
import type { EngineNotices } from "./engine-log";
import { loadSchema, type PackageSchema } from "./schema";

/** The package name: the `cloudmanager:*` config namespace and the first part of every type token. */
const PLUGIN_PACKAGE = "cloudmanager";

export const ORG_INVITATION_TOKEN = pluginToken("OrgInvitation");
export const ORG_MEMBERSHIP_TOKEN = pluginToken("OrgMembership");
export const ORG_ROSTER_TOKEN = pluginToken("OrgRoster");

/** Keys the dynamic front door keeps in its bags; never part of a plugin resource's inputs or outputs. */
const BOOKKEEPING = [URN_KEY, "__provider"];

// ---- configuration ----

/**
 * The stack config of the `cloudmanager` namespace, as the engine hands it to every provider plugin
 * it starts: the environment variable PULUMI_CONFIG, a JSON object of the namespace's keys without
 * the `cloudmanager:` prefix, secrets decrypted (pkg/resource/plugin's NewProvider; the same
 * variable @pulumi/pulumi's runtime/config.js reads). @pulumi/pulumi's provider server answers
 * CheckConfig/DiffConfig with UNIMPLEMENTED and its Configure drops the request's variables, so this
 * is how stack config reaches a plugin built on it. Keys with the prefix (`cloudmanager:publicKey`,
 * `cloudmanager:config:publicKey`) are read too. Non-string values (config objects) are ignored.
 */
export function pluginConfig(env: NodeJS.ProcessEnv = process.env): ConfigureRequest["config"] {
  const values = new Map<string, string>();
  const text = env["PULUMI_CONFIG"];
  if (text !== undefined && text.trim() !== "") {
    let parsed: unknown;
    try {
      parsed = JSON.parse(text);
    } catch (e) {
      throw new Error(`CLOUDMANAGER_CONFIG_INVALID: PULUMI_CONFIG, set by the Pulumi engine, is not JSON`, { cause: e });
    }
    if (typeof parsed === "object" && parsed !== null) {
      for (const [key, value] of Object.entries(parsed)) {
        if (typeof value === "string") values.set(bareKey(key), value);
      }
    }
  }
  const get = (key: string): string | undefined => values.get(bareKey(key));
  return {
    get,
    require(key: string): string {
      const value = get(key);
      if (value === undefined) throw new Error(`Missing required configuration key: ${key}`);
      return value;
    },
  };
}

/** `cloudmanager:publicKey`, `cloudmanager:config:publicKey` and `publicKey` are one key. */
function bareKey(key: string): string {
  const prefix = `${PLUGIN_PACKAGE}:`;
  if (!key.startsWith(prefix)) return key;
  const rest = key.slice(prefix.length);
  return rest.startsWith("config:") ? rest.slice("config:".length) : rest;
}

// ---- property bags ----

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
  const sig = value[pulumi.runtime.specialSigKey];
  if (sig === pulumi.runtime.specialSecretSig) {
    found.secret = true;
    return unwrapValue(value["value"], found);
  }
  if (sig === pulumi.runtime.specialOutputValueSig) {
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
    if (BOOKKEEPING.includes(key) || value === undefined) continue;
    out[key] = secretKeys.has(key) ? { [pulumi.runtime.specialSigKey]: pulumi.runtime.specialSecretSig, value } : value;
  }
  return out;
}

/** The type token of a URN (`urn:pulumi:stack::project::parent$type::name` → `type`). */
export function typeOfUrn(urn: string): string {
  const parts = urn.split("::");
  const qualified = parts[2] ?? "";
  return qualified.slice(qualified.lastIndexOf("$") + 1);
}

// ---- the provider ----

export interface PluginOptions {
  /** The schema served (default: plugin/schema.json of this package). */
  schema?: PackageSchema;
  /** Where configuration comes from (default: the process environment's PULUMI_CONFIG). */
  env?: NodeJS.ProcessEnv;
  /** Where the runtime's notices go (default: left as they are, on stderr). */
  notices?: EngineNotices;
}

/** The URN of the provider call being served, for the notices it raises. */
const currentCall = new AsyncLocalStorage<string>();

/**
 * The provider object `main` serves. Creating it configures the runtime (this process serves one
 * provider: the plugin process is started per provider instance of a deployment).
 */
export async function cloudmanagerProvider(options: PluginOptions = {}): Promise<provider.Provider> {
  const schema = options.schema ?? loadSchema();
  await runtime.configure({ config: pluginConfig(options.env) });
  const notices = options.notices;
  if (notices !== undefined) runtime.setNoticeSink((message) => notices.send(message, currentCall.getStore()));
  /** Runs one provider call for `urn`: its notices carry that URN and are delivered before it returns. */
  const serving = <T>(urn: string, call: () => Promise<T>): Promise<T> =>
    currentCall.run(urn, async () => {
      try {
        return await call();
      } finally {
        await notices?.flush();
      }
    });

  const methodsOf = (urn: string): ResourceMethods => {
    const token = typeOfUrn(urn);
    const entry = resourceOfToken(token);
    if (entry === undefined) {
      throw new Error(
        `unknown resource type ${token} (the cloudmanager provider serves ${RESOURCES.map((r) => pluginToken(r.name)).join(", ")})`,
      );
    }
    return runtime.methodsByName[entry.name as ResourceName];
  };
  const inputKeysOf = (urn: string): string[] => Object.keys(schema.resources[typeOfUrn(urn)]?.inputProperties ?? {});
  const withUrn = (bag: PropertyBag, urn: string): PropertyBag => ({ ...bag, [URN_KEY]: urn });

  return {
    version: schema.version ?? "0.0.0",
    schema: JSON.stringify(schema),

    check: (urn: string, olds: unknown, news: unknown): Promise<provider.CheckResult> =>
      serving(urn, async () => {
        const o = unwrapBag(olds);
        const n = unwrapBag(news);
        const result = await methodsOf(urn).check(o.bag, withUrn(n.bag, urn));
        return {
          inputs: outgoingBag(result.inputs ?? n.bag, n.secretKeys),
          ...(result.failures !== undefined && result.failures.length > 0 ? { failures: result.failures } : {}),
        };
      }),

    diff: (id: string, urn: string, olds: unknown, news: unknown): Promise<provider.DiffResult> =>
      serving(urn, async () => {
        const result = await methodsOf(urn).diff(id, withUrn(unwrapBag(olds).bag, urn), withUrn(unwrapBag(news).bag, urn));
        return {
          ...(result.changes !== undefined ? { changes: result.changes } : {}),
          ...(result.replaces !== undefined ? { replaces: result.replaces } : {}),
          ...(result.stables !== undefined ? { stables: result.stables } : {}),
          ...(result.deleteBeforeReplace !== undefined ? { deleteBeforeReplace: result.deleteBeforeReplace } : {}),
        };
      }),

    create: (urn: string, inputs: unknown): Promise<provider.CreateResult> =>
      serving(urn, async () => {
        const n = unwrapBag(inputs);
        const result = await methodsOf(urn).create(withUrn(n.bag, urn));
        return { id: result.id, outs: outgoingBag(result.outs, n.secretKeys) };
      }),

    read: (id: string, urn: string, props?: unknown): Promise<provider.ReadResult> =>
      serving(urn, async () => {
        const p = unwrapBag(props);
        // No state at all: `pulumi import` (or a `get`). Then the inputs are returned too, and
        // "not found" is said plainly (an empty id would read as "provider does not support importing").
        const importing = Object.keys(p.bag).every((key) => BOOKKEEPING.includes(key));
        const result = await methodsOf(urn).read(id, withUrn(p.bag, urn));
        if (result.id === undefined || result.id === "" || result.props === undefined) {
          if (importing) throw new Error(resourceOfToken(typeOfUrn(urn))?.notFound(id) ?? `RESOURCE_NOT_FOUND: ${id} was not found.`);
          return { id: "" };
        }
        const outs = outgoingBag(result.props, p.secretKeys) ?? {};
        if (!importing) return { id: result.id, props: outs };
        runtime.refuseImportedTwice(urn, outs);
        const inputs = Object.fromEntries(inputKeysOf(urn).flatMap((key) => (key in outs ? [[key, outs[key]]] : [])));
        return { id: result.id, props: outs, inputs };
      }),

    update: (id: string, urn: string, olds: unknown, news: unknown): Promise<provider.UpdateResult> =>
      serving(urn, async () => {
        const n = unwrapBag(news);
        const result = await methodsOf(urn).update(id, withUrn(unwrapBag(olds).bag, urn), withUrn(n.bag, urn));
        return { outs: outgoingBag(result.outs, n.secretKeys) };
      }),

    delete: (id: string, urn: string, props: unknown): Promise<void> =>
      serving(urn, () => methodsOf(urn).delete(id, withUrn(unwrapBag(props).bag, urn))),
  };
}
