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

// A third program for the profiling helper (bench/e2e-profile.ts), not for the bench's figures: a
// no-op with OrgInvitation's SHAPE. The same type of provider text (thin, capturing nothing), the
// same input keys (__urn from pulumi.createUrn, orgId, username, roles, teamIds) and output-only
// keys, the same check (teamIds defaulted) and diff ({ changes: false }) answers and the same state
// (create returns every output), but none of our code: what a resource of that shape costs the
// engine and @pulumi/pulumi, so that real vs shaped isolates our code and shaped vs no-op the shape.

type ShapedBag = Record<string, unknown>;

// Written like the stored provider (arrows that share bodies) so that its text, stored in every
// resource's state twice, is about as long as OrgInvitation's (the engine's time grows with state).
const shapedCheckOrRead = (...a: [ShapedBag, ShapedBag] | [string, ShapedBag?]) =>
  Promise.resolve(typeof a[0] === "string" ? { id: a[0], props: a[1] } : { inputs: { ...a[1], teamIds: a[1]?.["teamIds"] ?? [] } });
const shapedCreateOrDelete = (...a: [ShapedBag] | [string, ShapedBag]) =>
  Promise.resolve(
    typeof a[0] === "string"
      ? undefined
      : {
          id: `${String(a[0]["orgId"])}/${String(a[0]["username"])}`,
          outs: {
            ...a[0],
            invitationId: "6b0e85c367c5196a9bd5d102",
            status: "PENDING",
            createdAt: "2026-01-01T00:00:00Z",
            expiresAt: "2026-01-31T00:00:00Z",
            inviterUsername: "bench-key",
            orgName: "Emulated Organization",
          },
        },
  );
type ShapedProvider = pulumi.dynamic.ResourceProvider<ShapedBag, ShapedBag>;

const shapedProvider: ShapedProvider = {
  configure: () => Promise.resolve(),
  check: shapedCheckOrRead,
  diff: () => Promise.resolve({ changes: false }),
  create: shapedCreateOrDelete as ShapedProvider["create"],
  read: shapedCheckOrRead,
  update: () => Promise.resolve({}),
  delete: shapedCreateOrDelete as ShapedProvider["delete"],
};

const SHAPED_TYPE = "pulumi-nodejs:dynamic/bench:ShapedNoopResource";

export class ShapedNoopResource extends pulumi.dynamic.Resource {
  declare public readonly status: pulumi.Output<string>;

  constructor(name: string, args: { orgId: string; username: string; roles: string[] }) {
    const props: ShapedBag = {
      __urn: pulumi.createUrn(name, SHAPED_TYPE),
      orgId: args.orgId,
      username: args.username,
      roles: args.roles,
      teamIds: undefined,
      invitationId: undefined,
      status: undefined,
      createdAt: undefined,
      expiresAt: undefined,
      inviterUsername: undefined,
      orgName: undefined,
    };
    super(shapedProvider, name, props, undefined, "bench", "ShapedNoopResource");
  }
}

/** N shaped no-op resources, declared like the real program's invitations; exports each one's status. */
export function shapedNoopProgram(orgId: string, count: number): PulumiFn {
  return async () => {
    const statuses: Record<string, pulumi.Output<string>> = {};
    for (const name of resourceNames(count)) {
      statuses[name] = new ShapedNoopResource(name, { orgId, username: usernameOf(name), roles: ["ORG_MEMBER"] }).status;
    }
    return { statuses };
  };
}
