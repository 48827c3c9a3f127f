// plugin/schema.json as the source of generated SDK docs: every property (resources' inputs and
// outputs, object types, provider and config) has a description, and every resource's description
// carries Pulumi's `{{% examples %}}` block — one example in TypeScript, YAML, Go and Python — and an
// `## Import` section, which `pulumi package gen-sdk` turns into the SDKs' doc comments (checked in
// the generated code by test/e2e/plugin-front-door.test.ts). The examples come from docs/resources/
// (tools/resource-docs.mjs; test/docs/resource-pages.test.ts checks they are in step and real).

import { readFileSync } from "node:fs";
import { join, resolve } from "node:path";
import { describe, expect, test } from "vitest";

interface Property {
  description?: string;
}
interface Schema {
  description?: string;
  config: { variables: Record<string, Property> };
  provider: { description?: string; inputProperties: Record<string, Property>; properties?: Record<string, Property> };
  types: Record<string, { description?: string; properties: Record<string, Property> }>;
  resources: Record<string, { description?: string; inputProperties: Record<string, Property>; properties: Record<string, Property> }>;
}

const schema = JSON.parse(readFileSync(join(resolve(__dirname, "../.."), "plugin", "schema.json"), "utf8")) as Schema;

/** "where: name" for each property of `properties` whose description is missing or too short to say anything. */
function undescribed(where: string, properties: Record<string, Property> | undefined): string[] {
  return Object.entries(properties ?? {})
    .filter(([, p]) => (p.description ?? "").trim().length < 10)
    .map(([name]) => `${where}: ${name}`);
}

describe("plugin/schema.json as documentation", () => {
  test("every property has a description", () => {
    const missing = [
      ...undescribed("config", schema.config.variables),
      ...undescribed("provider input", schema.provider.inputProperties),
      ...undescribed("provider output", schema.provider.properties),
      ...Object.entries(schema.types).flatMap(([token, type]) => undescribed(token, type.properties)),
      ...Object.entries(schema.resources).flatMap(([token, r]) => [
        ...undescribed(`${token} input`, r.inputProperties),
        ...undescribed(`${token} output`, r.properties),
      ]),
    ];
    expect(missing).toEqual([]);
    expect(Object.keys(schema.resources)).toHaveLength(7);
  });

  test.each(Object.keys(schema.resources))(
    "%s: its description has an overview, the examples block in four languages and an Import section",
    (token) => {
      const description = schema.resources[token]?.description ?? "";
      const [overview, rest] = description.split("\n\n{{% examples %}}\n");
      expect((overview ?? "").length).toBeGreaterThan(100);
      expect(rest).toBeDefined();
      const [examples, importPart] = (rest ?? "").split("\n{{% /examples %}}\n");
      expect(examples?.startsWith("## Example Usage\n{{% example %}}\n### ")).toBe(true);
      expect(examples?.endsWith("{{% /example %}}")).toBe(true);
      const fences = [...(examples ?? "").matchAll(/^```(\w+)$/gm)].map((m) => m[1]);
      expect(fences).toEqual(["typescript", "yaml", "go", "python"]);
      const name = token.split(":").pop() ?? "";
      expect(examples).toContain(`new ${name}(`);
      expect(examples).toContain(`type: ${token}`);
      expect(examples).toContain(`cloudmanager.New${name}(`);
      expect(examples).toContain(`cloudmanager.${name}(`);
      expect(importPart?.startsWith("\n## Import\n\n")).toBe(true);
      expect(importPart).toContain(`${"{orgId}"}/`);
    },
  );
});
