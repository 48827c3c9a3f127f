// A resource type's provider as a module of the installed package (each type's ./<folder>/stored).
// When the program loaded pulumi-cloudmanager from node_modules, Pulumi's closure serializer stores
// such a module as one line, `require("pulumi-cloudmanager/dist/provider/resources/<folder>/stored.js")`
// (about 300 bytes, against about 1,900 for the thin provider of ./stored-provider, which is stored
// twice per resource and rewritten in every checkpoint). Outside node_modules (this repository's own
// tests, a linked checkout) the serializer would copy the module by value, so the resources fall back
// to the thin provider there (`storedProviderOf`). Both load the same installed runtime at call time.
// Those paths are in users' state from then on: a stored.ts never moves or changes its name.
// package.json exports these files under their own paths: the serializer names the file through the
// package's exports only when it can resolve the package from @pulumi/pulumi's folder (not so in this
// repository's test layout, nor, by the same rule, under pnpm's strict one), and writes its plain path
// otherwise; both are then the same string.

import type { ConfigureRequest } from "@pulumi/pulumi/dynamic";
import { relative, sep } from "node:path";
import type { PropertyBag } from "../model/property-bag";
import type { ResourceName } from "../registry";
import type { ResourceMethods } from "./resource-methods";

/** What a stored module exports: the dynamic provider's methods, configure first. */
export type StoredModule = ResourceMethods & { configure: (request: ConfigureRequest) => Promise<void> };

/** The part of ../runtime a stored module uses (loaded at the first call: the program process never loads it). */
interface Runtime {
  configure: StoredModule["configure"];
  methodsByName: Record<ResourceName, ResourceMethods>;
}

/** The provider methods of `name`, each loading the runtime on its first call. */
export function storedModule(name: ResourceName): StoredModule {
  let methods: ResourceMethods | undefined;
  // By the package's own name: Node resolves a package's self-reference inside that package, so this
  // is the runtime of the same installed copy as this module.
  const runtime = (): Runtime => require("pulumi-cloudmanager/provider/runtime") as Runtime;
  const loaded = (): ResourceMethods => (methods ??= runtime().methodsByName[name]);
  return {
    configure: (request) => {
      loaded();
      return runtime().configure(request);
    },
    check: (olds: PropertyBag, news: PropertyBag) => loaded().check(olds, news),
    diff: (id, olds, news) => loaded().diff(id, olds, news),
    create: (inputs) => loaded().create(inputs),
    read: (id, props) => loaded().read(id, props),
    update: (id, olds, news) => loaded().update(id, olds, news),
    delete: (id, props) => loaded().delete(id, props),
  };
}

const decided = new WeakMap<object, boolean>();

/**
 * `stored` (a type's ./<folder>/stored module) when Pulumi's serializer will store it as
 * `require("pulumi-cloudmanager/…")`: it is a module in Node's require cache whose path, seen from the
 * working directory, names pulumi-cloudmanager right after the node_modules segment the serializer
 * cuts at (the first; the last under pnpm's `.pnpm` store: @pulumi/pulumi runtime/closure/createClosure.js).
 * Else `thin`: a linked copy, or a copy nested in another package's node_modules, whose path the
 * serializer would write as a deep path into that other package.
 */
export function storedProviderOf<T extends object>(stored: object, thin: T): T | StoredModule {
  let asModule = decided.get(stored);
  if (asModule === undefined) {
    const file = Object.keys(require.cache).find((path) => require.cache[path]?.exports === stored);
    const parts = file === undefined ? [] : relative(process.cwd(), file).split(sep);
    const cut = parts.includes(".pnpm") ? parts.lastIndexOf("node_modules") : parts.indexOf("node_modules");
    asModule = cut >= 0 && parts[cut + 1] === "pulumi-cloudmanager";
    decided.set(stored, asModule);
  }
  return asModule ? (stored as StoredModule) : thin;
}
