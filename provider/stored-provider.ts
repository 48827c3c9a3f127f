// The provider object `pulumi.dynamic.Resource` serializes into every resource's state as
// `__provider`. It is deliberately THIN: each method loads the INSTALLED package at call time and
// delegates to it. So
// - `pulumi refresh` and `pulumi destroy`, which run the code stored in state, run the current
//   logic after an upgrade, not the logic frozen at the last `up`;
// - nothing is captured: no config, no credentials, no client (all of it would land in state as
//   plain text), and the text stays well under 4 KB per resource.
// The engine loads this text with require-from-string, whose module paths are those of the provider
// process's working directory (the Pulumi project), so "pulumi-cloudmanager" must be installed there.
//
// Keep every reference inside the methods a string literal or a global: anything else they touch is
// copied into state by value (a module of ours would be copied whole).

import type { ResourceProvider } from "@pulumi/pulumi/dynamic";
import type { PropertyBag } from "./org-invitation-model";

type Runtime = typeof import("./runtime");

export const storedProvider: ResourceProvider<PropertyBag, PropertyBag> = {
  async configure(req) {
    return load().configure(req);
  },
  async check(olds, news) {
    return load().check(olds, news);
  },
  async diff(id, olds, news) {
    return load().diff(id, olds, news);
  },
  async create(inputs) {
    return load().create(inputs);
  },
  async read(id, props) {
    return load().read(id, props);
  },
  async update(id, olds, news) {
    return load().update(id, olds, news);
  },
  async delete(id, props) {
    return load().delete(id, props);
  },
};

function load(): Runtime {
  try {
    return require("pulumi-cloudmanager/provider/runtime") as Runtime;
  } catch (e) {
    const reason = e instanceof Error ? e.message.split("\n")[0] : String(e);
    throw new Error(
      `CLOUDMANAGER_PROVIDER_NOT_INSTALLED: cannot load pulumi-cloudmanager/provider/runtime from ${process.cwd()} ` +
        `(${reason}). Install the package in the Pulumi project: npm install pulumi-cloudmanager.`,
    );
  }
}
