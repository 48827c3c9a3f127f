// The registry is THE list of resources: the runtime, the stored providers and the plugin all find a
// resource's methods through it (issue 17, item 1).
import { describe, expect, it } from "vitest";
import { dynamicType, pluginToken, RESOURCES, resourceOfToken } from "../../provider/registry";
import * as runtime from "../../provider/runtime";

describe("Registry_OneListOfResources", () => {
  it("every entry's methods are where its stored provider looks for them on the runtime (top level for OrgInvitation, as 0.1.0 states call)", () => {
    for (const entry of RESOURCES) {
      const methods = runtime.methodsByName[entry.name];
      const found: unknown = entry.runtimeKey === undefined ? runtime : (runtime as Record<string, unknown>)[entry.runtimeKey];
      for (const name of ["check", "diff", "create", "read", "update", "delete"] as const) {
        expect((found as Record<string, unknown>)[name], `${entry.name}.${name}`).toBe(methods[name]);
      }
    }
  });

  it("names each resource once, with both type tokens, and finds it by its plugin token", () => {
    const names = RESOURCES.map((r) => r.name);
    expect(new Set(names).size).toBe(names.length);
    for (const entry of RESOURCES) {
      expect(resourceOfToken(pluginToken(entry.name))).toBe(entry);
      expect(dynamicType(entry.name)).toBe(`pulumi-nodejs:dynamic/cloudmanager:${entry.name}`);
    }
    expect(resourceOfToken("cloudmanager:index:Nope")).toBeUndefined();
  });

  it("refuses a malformed id of each resource with INVALID_RESOURCE_ID naming the format", () => {
    for (const entry of RESOURCES) {
      expect(() => entry.parseId("nope"), entry.name).toThrow(/^INVALID_RESOURCE_ID: /);
      expect(entry.notFound("x"), entry.name).toMatch(/^RESOURCE_NOT_FOUND: /);
    }
  });
});
