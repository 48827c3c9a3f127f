// bench:roster's carrier: a dynamic resource that returns outputs of a given size and does nothing else.
// Its create returns the JSON of a file (the real OrgRoster's outputs, exported from its stack); its
// read returns what the engine sent; its diff sees no change. No request, none of our code: what the
// dynamic-provider host and the engine cost for a resource carrying those outputs, whoever returns them.

import * as pulumi from "@pulumi/pulumi";

interface CarrierInputs {
  file: string;
}

// Each method refers to its arguments and globals only: Pulumi serializes this object into the
// resource's __provider, with whatever the methods capture.
export const carrierProvider: pulumi.dynamic.ResourceProvider<CarrierInputs, Record<string, unknown>> = {
  async check(_olds, news) {
    return { inputs: news };
  },
  async diff() {
    return {};
  },
  async create(inputs) {
    // eslint-disable-next-line @typescript-eslint/no-require-imports -- the host gives the serialized provider `require`
    const fs = require("node:fs") as typeof import("node:fs");
    return { id: "carrier", outs: { ...(JSON.parse(fs.readFileSync(inputs.file, "utf8")) as Record<string, unknown>), file: inputs.file } };
  },
  async read(id, props) {
    return { id, props };
  },
  async update() {
    return {};
  },
  async delete() {},
};

export class CarrierResource extends pulumi.dynamic.Resource {
  constructor(name: string, file: string) {
    super(carrierProvider, name, { file }, undefined, "bench", "CarrierResource");
  }
}
