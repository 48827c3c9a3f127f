// The resource classes extend pulumi.CustomResource and do what pulumi.dynamic.Resource's constructor
// does (node_modules/@pulumi/pulumi/dynamic/index.js: the type token `pulumi-nodejs:dynamic/<module>:<type>`
// and the provider serialized into `__provider`) instead of extending it. @pulumi/pulumi records where a
// resource was declared as the first frame below its own two constructors plus one subclass
// (Resource.stackTrace(4)); through dynamic.Resource that frame was our class's constructor, so every
// resource's `sourcePosition` (Pulumi Cloud's link to the declaring line) pointed into this package
// instead of the program, and each state entry carried that path twice, rewritten at every checkpoint.
// Same type token, keys and `__provider` text (test/provider/dynamic-registration.test.ts compares them with a
// real dynamic.Resource), same engine path.

import * as pulumi from "@pulumi/pulumi";
import { PROVIDER_KEY, type PropertyBag } from "../model/property-bag";
import { storedProviderOf } from "./stored-module";

// Serialized once per provider object, as dynamic.Resource caches it (its default since Pulumi 3.0).
const serialized = new WeakMap<object, pulumi.Output<string>>();

/**
 * `props` with the type's provider serialized under `__provider`, as dynamic.Resource registers them: its
 * `stored` module when installed, else the `thin` provider (./stored-module, `storedProviderOf`).
 */
export function withStoredProvider(stored: object, thin: object, props: PropertyBag): pulumi.Inputs {
  const provider = storedProviderOf(stored, thin);
  let text = serialized.get(provider);
  if (text === undefined) {
    // The closure must read `() => provider`, as in dynamic.Resource: the serializer names the captured variable.
    const serializing = pulumi.runtime.serializeFunction(() => provider, { allowSecrets: true });
    text = pulumi.output(serializing).apply((sf) => (sf.containsSecrets ? pulumi.secret(sf.text) : pulumi.output(sf.text)));
    serialized.set(provider, text);
  }
  return { ...props, [PROVIDER_KEY]: text };
}
