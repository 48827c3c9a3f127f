// A dynamic resource given a `cloudmanager` provider resource would be signed with the stack's default
// key: @pulumi/pulumi drops a provider of another package without a word (issue 18: "never silently
// ignored on any path"). The resource classes refuse it, under Pulumi's own mocks.
import * as pulumi from "@pulumi/pulumi";
import { beforeAll, describe, expect, it } from "vitest";
import { OrgInvitation, OrgMembership, OrgRoster } from "../../provider";

const ORG = "5f1b2c3d4e5f6a7b8c9d0e1f";

class CloudmanagerProvider extends pulumi.ProviderResource {
  constructor(name: string, props: pulumi.Inputs) {
    super("cloudmanager", name, props);
  }
}

beforeAll(async () => {
  await pulumi.runtime.setMocks(
    { newResource: (args) => ({ id: `${args.name}-id`, state: args.inputs as Record<string, unknown> }), call: () => ({}) },
    "p",
    "dev",
  );
});

describe("ProviderOption_DynamicResources", () => {
  it("refuses a cloudmanager provider on each dynamic resource, naming the ways that do pick a key", () => {
    const beta = new CloudmanagerProvider("beta", { publicKey: "pub", privateKey: pulumi.secret("priv") });
    const person = { orgId: ORG, username: "alice@example.com", roles: ["ORG_MEMBER"] };
    expect(() => new OrgInvitation("alice", person, { provider: beta })).toThrow(
      /^CLOUDMANAGER_PROVIDER_IGNORED: OrgInvitation "alice" is a dynamic resource .*cloudmanager:organizations\["<orgId>"\].*cloudmanager:index:OrgInvitation/,
    );
    expect(() => new OrgMembership("alice-m", person, { provider: beta })).toThrow(/^CLOUDMANAGER_PROVIDER_IGNORED: OrgMembership/);
    expect(() => new OrgRoster("roster", { orgId: ORG, managed: [] }, { provider: beta })).toThrow(
      /^CLOUDMANAGER_PROVIDER_IGNORED: OrgRoster/,
    );
  });

  it("leaves other providers alone (a provider of another package is Pulumi's business)", () => {
    class Other extends pulumi.ProviderResource {
      constructor() {
        super("random", "r", {});
      }
    }
    expect(
      () => new OrgInvitation("bob", { orgId: ORG, username: "bob@example.com", roles: ["ORG_MEMBER"] }, { provider: new Other() }),
    ).not.toThrow();
  });
});
