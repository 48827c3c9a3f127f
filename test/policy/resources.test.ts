// What the rules see of a resource: its kind through either front door, its properties without the
// dynamic resources' bookkeeping, and unknown values as a marker instead of the SDK's exception.

import { describe, expect, it } from "vitest";
import { declared, describe as describeResource, kindOf, KINDS, snapshot, text, texts, flag, UNKNOWN } from "../../policy/resources";
import { RESOURCES } from "../../provider/registry";
import { DOORS, ORG, policyResource, resource, typeOf, UNKNOWN_VALUE, unknownCheckingProxy } from "./support";

describe("the resources the pack knows", () => {
  it("are the registry's, so that a new resource is a decision for the pack too", () => {
    expect([...KINDS].sort()).toEqual(RESOURCES.map((r) => r.name).sort());
  });

  it.each(DOORS)("are recognised through the %s front door", (door) => {
    for (const kind of KINDS) expect(kindOf(typeOf(kind, door))).toBe(kind);
  });

  it("do not include other resources or look-alike tokens", () => {
    for (const type of [
      "pulumi:pulumi:Stack",
      "pulumi:providers:cloudmanager",
      "pulumi-nodejs:dynamic:Resource",
      "aws:s3/bucket:Bucket",
      "cloudmanager:index:Cluster",
      "pulumi-nodejs:dynamic/other:OrgMembership",
    ]) {
      expect(kindOf(type), type).toBeUndefined();
      expect(declared({ type, name: "x", urn: "urn:x", props: {} })).toBeUndefined();
    }
  });
});

describe("a resource's properties", () => {
  it("leave out the dynamic resources' __provider and __urn", () => {
    const d = resource("OrgMembership", "alice", { orgId: ORG, username: "alice@example.com", roles: ["ORG_MEMBER"] }, "dynamic");
    expect(d.props).toEqual({ orgId: ORG, username: "alice@example.com", roles: ["ORG_MEMBER"] });
    expect(d.urn).toBe("urn:pulumi:dev::access::pulumi-nodejs:dynamic/cloudmanager:OrgMembership::alice");
    expect(describeResource(d)).toBe(`OrgMembership "alice" (${d.urn})`);
  });

  it("mark unknown values (a whole property, a list, a list entry, a nested value) instead of throwing", () => {
    const r = policyResource("ProjectRoster", "roster", {
      orgId: UNKNOWN_VALUE,
      managed: UNKNOWN_VALUE,
      ignore: ["breakglass@example.com", UNKNOWN_VALUE],
      teams: [{ id: UNKNOWN_VALUE }],
      prune: UNKNOWN_VALUE,
    });
    // The SDK's proxy throws on each of these reads; the copy does not.
    expect(() => r.props["orgId"]).toThrow(/can't be known during preview/);
    const d = declared(r);
    expect(d?.props).toEqual({
      orgId: UNKNOWN,
      managed: UNKNOWN,
      ignore: ["breakglass@example.com", UNKNOWN],
      teams: [{ id: UNKNOWN }],
      prune: UNKNOWN,
    });
    if (d === undefined) throw new Error("not declared");
    expect(text(d, "orgId")).toBe(UNKNOWN);
    expect(texts(d, "managed")).toBe(UNKNOWN);
    expect(texts(d, "ignore")).toEqual(["breakglass@example.com", UNKNOWN]);
    expect(flag(d, "prune")).toBe(UNKNOWN);
  });

  it("read the engine's placeholder as unknown without the proxy too", () => {
    expect(snapshot({ a: UNKNOWN_VALUE, b: [UNKNOWN_VALUE, "x"] })).toEqual({ a: UNKNOWN, b: [UNKNOWN, "x"] });
    expect(snapshot(unknownCheckingProxy({ a: [1, true, null] }))).toEqual({ a: [1, true, null] });
  });

  it("let any other failure of a read through", () => {
    const props = Object.defineProperty({}, "orgId", {
      enumerable: true,
      get: () => {
        throw new TypeError("broken getter");
      },
    }) as Record<string, unknown>;
    expect(() => declared({ type: typeOf("OrgRoster", "plugin"), name: "r", urn: "urn:r", props })).toThrow("broken getter");
  });

  it("read absent and mistyped values as absent", () => {
    const d = resource("OrgRoster", "roster", { orgId: 42, managed: "alice@example.com", prune: "yes" }, "plugin");
    expect(text(d, "orgId")).toBeUndefined();
    expect(texts(d, "managed")).toBeUndefined();
    expect(flag(d, "prune")).toBeUndefined();
    expect(texts(d, "ignore")).toBeUndefined();
  });
});
