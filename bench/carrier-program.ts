// bench:roster's carrier: a dynamic resource that returns outputs of a given size and does nothing else.
// Its create returns the JSON of a file (the real OrgRoster's outputs, exported from its stack); its
// read returns what the engine sent, plus the lines of `<file>.joined` when that file exists (the
// bench's newcomer, who joins before the preview as in the real stack) appended to `unmanagedMembers`;
// like the real roster, its diff reports a change while anyone is in its unmanaged outputs (JSON Lines
// strings: non-empty). No request, none of our code: what the dynamic-provider host and the engine cost
// for a resource carrying those outputs, whoever returns them.

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
  async diff(_id, olds) {
    const anyone = (lines: unknown) => typeof lines === "string" && lines.trim() !== "";
    return { changes: anyone(olds["unmanagedMembers"]) || anyone(olds["unmanagedInvitations"]) };
  },
  async create(inputs) {
    // eslint-disable-next-line @typescript-eslint/no-require-imports -- the host gives the serialized provider `require`
    const fs = require("node:fs") as typeof import("node:fs");
    return { id: "carrier", outs: { ...(JSON.parse(fs.readFileSync(inputs.file, "utf8")) as Record<string, unknown>), file: inputs.file } };
  },
  async read(id, props) {
    // eslint-disable-next-line @typescript-eslint/no-require-imports -- the host gives the serialized provider `require`
    const fs = require("node:fs") as typeof import("node:fs");
    const joined = `${String(props?.["file"])}.joined`;
    if (props === undefined || !fs.existsSync(joined)) return { id, props };
    // Appended, not merged in order: the bench's newcomer sorts after everyone it seeds, as the roster
    // would write it. A line already there is not added again (a second read finds the same people).
    // Each line ends with "\n", as the roster writes them.
    let members = typeof props["unmanagedMembers"] === "string" ? props["unmanagedMembers"] : "";
    const had = new Set(members.split("\n"));
    for (const line of fs.readFileSync(joined, "utf8").split("\n")) {
      if (line.trim() !== "" && !had.has(line)) members += `${line}\n`;
    }
    return { id, props: { ...props, unmanagedMembers: members } };
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
