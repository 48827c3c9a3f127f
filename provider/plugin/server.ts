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
// - configuration: ./provider-config (stack config, an explicit provider's properties);
// - notices: the engine hides a plugin's stderr, so they go to its Log service, attached to the
//   resource of the call that raised them (./engine-log), delivered before the call returns.

import { AsyncLocalStorage } from "node:async_hooks";
import type * as provider from "@pulumi/pulumi/provider";
import { BOOKKEEPING_KEYS, URN_KEY, type PropertyBag } from "../model/property-bag";
import { pluginToken, RESOURCES, resourceOfToken, type ResourceName } from "../registry";
import type { ResourceMethods } from "../resources/resource-methods";
import * as runtime from "../runtime";
import type { EngineNotices } from "./engine-log";
import { outgoingBag, typeOfUrn, unwrapBag } from "./bags";
import { pluginConfig } from "./provider-config";
import { loadSchema, type PackageSchema } from "./schema";

export const ORG_INVITATION_TOKEN = pluginToken("OrgInvitation");
export const ORG_MEMBERSHIP_TOKEN = pluginToken("OrgMembership");
export const ORG_ROSTER_TOKEN = pluginToken("OrgRoster");

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
        const importing = Object.keys(p.bag).every((key) => BOOKKEEPING_KEYS.includes(key));
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
