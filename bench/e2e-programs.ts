// The two inline Pulumi programs `npm run bench:e2e` compares, both of N resources:
// - "real": N OrgInvitation resources of the built package (one invitation each);
// - "no-op": N dynamic resources whose provider's create returns { id: name } and whose other
//   methods do nothing. It is the engine's own cost for N dynamic resources (plan, provider
//   process, serialization, state), the floor our provider adds its work to.
// The no-op provider is kept as thin as the stored OrgInvitation provider (the same seven methods,
// each a line, capturing nothing), so the ratio measures our work, not the serialization of a
// fatter closure.

import * as pulumi from "@pulumi/pulumi";
import type { PulumiFn } from "@pulumi/pulumi/automation";
import { OrgInvitation } from "../index";
import type { ProgramKind } from "./e2e-report";

/** The type tokens of the resources each program declares (how the state export is searched). */
export const RESOURCE_TYPE: Record<ProgramKind, string> = {
  real: "pulumi-nodejs:dynamic/cloudmanager:OrgInvitation",
  noop: "pulumi-nodejs:dynamic/bench:NoopResource",
};

interface NoopInputs {
  name: string;
}

// Each method refers to its arguments and globals only: Pulumi serializes this object into every
// resource's __provider, with whatever the methods capture.
const noopProvider: pulumi.dynamic.ResourceProvider<NoopInputs, NoopInputs> = {
  async configure() {},
  async check(_olds, news) {
    return { inputs: news };
  },
  async diff() {
    return {};
  },
  async create(inputs) {
    return { id: inputs.name };
  },
  async read(id, props) {
    return { id, props };
  },
  async update() {
    return {};
  },
  async delete() {},
};

export class NoopResource extends pulumi.dynamic.Resource {
  constructor(name: string) {
    super(noopProvider, name, { name }, undefined, "bench", "NoopResource");
  }
}

/** person001 … personN (zero-padded to at least three digits, so names sort as numbers). */
export function resourceNames(count: number): string[] {
  const width = Math.max(3, String(count).length);
  return Array.from({ length: count }, (_, i) => `person${String(i + 1).padStart(width, "0")}`);
}

export function usernameOf(name: string): string {
  return `${name}@example.com`;
}

/** N invitations to `<name>@example.com`, ORG_MEMBER; exports each one's status. */
export function realProgram(orgId: string, count: number): PulumiFn {
  return async () => {
    const statuses: Record<string, pulumi.Output<string>> = {};
    for (const name of resourceNames(count)) {
      statuses[name] = new OrgInvitation(name, { orgId, username: usernameOf(name), roles: ["ORG_MEMBER"] }).status;
    }
    return { statuses };
  };
}

/** N no-op dynamic resources; exports each one's id (one output per resource, like the real program). */
export function noopProgram(count: number): PulumiFn {
  return async () => {
    const ids: Record<string, pulumi.Output<string>> = {};
    for (const name of resourceNames(count)) ids[name] = new NoopResource(name).id;
    return { ids };
  };
}
