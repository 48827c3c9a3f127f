// The resource pages (docs/resources/*.md) are real: their property tables and the schema's examples
// are in step (tools/resource-docs.mjs --check); each page has the Registry's sections; its TypeScript
// example typechecks against the package's own source; its YAML example names only types and
// properties of plugin/schema.json; its Go and Python examples name only functions, fields and
// keywords the generated SDKs have (derived from the schema as the generators do), and the Python one
// parses. The Go examples are also compiled against the generated Go SDK, in
// test/e2e/plugin-front-door.test.ts.

import { spawnSync } from "node:child_process";
import { mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";
import * as ts from "typescript";
import { describe, expect, test } from "vitest";
import { parse } from "yaml";
import { loadSchema, type ResourceSchema } from "../../provider/plugin/schema";
import { codeBlocks, RESOURCE_PAGES, pageSection, pascal, snake } from "./resource-page-blocks";

const ROOT = resolve(__dirname, "../..");
const schema = loadSchema(ROOT);
const page = (file: string): string => readFileSync(join(ROOT, "docs", "resources", file), "utf8");
const resourceOf = (name: string): ResourceSchema => {
  const resource = schema.resources[`cloudmanager:index:${name}`];
  if (resource === undefined) throw new Error(`plugin/schema.json has no cloudmanager:index:${name}`);
  return resource;
};

/**
 * For each match of `start` (ending on its `open` bracket, its first group a name): the text up to the
 * matching `close`, with anything nested in further brackets of the same kind left out.
 */
function literals(code: string, start: RegExp, open: string, close: string): { name: string; body: string }[] {
  return [...code.matchAll(start)].map((m) => {
    let depth = 1;
    let body = "";
    for (let i = (m.index ?? 0) + m[0].length; i < code.length && depth > 0; i++) {
      const c = code.charAt(i);
      if (c === open) depth++;
      else if (c === close) depth--;
      else if (depth === 1) body += c;
    }
    return { name: m[1] ?? "", body };
  });
}

describe("docs/resources", () => {
  test("the property tables and the schema's examples are in step (node tools/resource-docs.mjs --check)", () => {
    const run = spawnSync(process.execPath, [join(ROOT, "tools", "resource-docs.mjs"), "--check"], { cwd: ROOT, encoding: "utf8" });
    expect(run.stdout + run.stderr).toContain("in step");
    expect(run.status).toBe(0);
  });

  test("one page per schema resource, and no other page", () => {
    expect(readdirSync(join(ROOT, "docs", "resources")).sort()).toEqual(RESOURCE_PAGES.map(([, file]) => file).sort());
    expect(RESOURCE_PAGES.map(([name]) => `cloudmanager:index:${name}`).sort()).toEqual(Object.keys(schema.resources).sort());
  });

  test.each(RESOURCE_PAGES)("%s: overview, one example in TypeScript, YAML, Go and Python, inputs, outputs, import", (name, file) => {
    const text = page(file);
    expect(text.startsWith(`# ${name}\n`)).toBe(true);
    for (const heading of ["Example Usage", "Input properties", "Output properties", "Import"]) {
      expect(pageSection(text, heading), `${file}: ## ${heading}`).toBeDefined();
    }
    const languages = codeBlocks(pageSection(text, "Example Usage") ?? "").map((b) => b.language);
    expect(languages).toEqual(["typescript", "yaml", "go", "python"]);
    expect(pageSection(text, "Import")).toContain(`{orgId}/`);
    // Every input is in the inputs table.
    for (const input of Object.keys(resourceOf(name).inputProperties))
      expect(pageSection(text, "Input properties")).toContain(`| \`${input}\``);
  });

  test("the TypeScript examples typecheck against the package (strict)", () => {
    const dir = mkdtempSync(join(tmpdir(), "cloudmanager-resource-pages-"));
    try {
      const files = RESOURCE_PAGES.map(([, file]) => {
        const block = codeBlocks(pageSection(page(file), "Example Usage") ?? "").find((b) => b.language === "typescript");
        const path = join(dir, file.replace(/\.md$/, ".ts"));
        writeFileSync(path, block?.code ?? "");
        return path;
      });
      const program = ts.createProgram(files, {
        strict: true,
        noEmit: true,
        target: ts.ScriptTarget.ES2023,
        lib: ["lib.es2023.d.ts"],
        module: ts.ModuleKind.NodeNext,
        moduleResolution: ts.ModuleResolutionKind.NodeNext,
        types: ["node"],
        typeRoots: [join(ROOT, "node_modules", "@types")],
        skipLibCheck: true,
        // The package as a user imports it, from its source (no build needed); @pulumi/pulumi from the repository.
        paths: { "pulumi-cloudmanager": [join(ROOT, "index.ts")], "@pulumi/pulumi": [join(ROOT, "node_modules", "@pulumi", "pulumi")] },
      });
      const problems = ts
        .getPreEmitDiagnostics(program)
        .filter((d) => d.file === undefined || files.includes(resolve(d.file.fileName)))
        .map((d) => `${d.file?.fileName ?? ""}: ${ts.flattenDiagnosticMessageText(d.messageText, "\n")}`);
      expect(problems).toEqual([]);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  test.each(RESOURCE_PAGES)("%s: the YAML example names only schema types, inputs and outputs", (name, file) => {
    const block = codeBlocks(pageSection(page(file), "Example Usage") ?? "").find((b) => b.language === "yaml");
    const program = parse(block?.code ?? "") as {
      resources?: Record<string, { type: string; properties?: Record<string, unknown> }>;
      outputs?: Record<string, unknown>;
    };
    const resources = Object.entries(program.resources ?? {});
    expect(resources.map(([, r]) => r.type)).toContain(`cloudmanager:index:${name}`);
    const typeOf = new Map<string, ResourceSchema>();
    for (const [key, r] of resources) {
      const resource = schema.resources[r.type];
      expect(resource, `${file}: ${key}'s type ${r.type}`).toBeDefined();
      if (resource === undefined) continue;
      typeOf.set(key, resource);
      for (const property of Object.keys(r.properties ?? {}))
        expect(Object.keys(resource.inputProperties), `${file}: ${key}.${property}`).toContain(property);
      for (const required of resource.requiredInputs ?? [])
        expect(Object.keys(r.properties ?? {}), `${file}: ${key} needs ${required}`).toContain(required);
    }
    // Every ${resource.output} names a resource of the program and one of its outputs.
    for (const [, key, output] of (block?.code ?? "").matchAll(/\$\{(\w+)\.(\w+)\}/g)) {
      expect(Object.keys(typeOf.get(key ?? "")?.properties ?? {}), `${file}: \${${key}.${output}}`).toContain(output);
    }
  });

  test.each(RESOURCE_PAGES)(
    "%s: the Go example uses only the generated SDK's constructors, Args fields and output fields",
    (name, file) => {
      const code = codeBlocks(pageSection(page(file), "Example Usage") ?? "").find((b) => b.language === "go")?.code ?? "";
      expect(code).toContain(`cloudmanager.New${name}(ctx, `);
      const variables = new Map<string, ResourceSchema>();
      for (const [, variable, resource] of code.matchAll(/(\w+), err :?= cloudmanager\.New(\w+)\(/g))
        variables.set(variable ?? "", resourceOf(resource ?? ""));
      for (const { name: resource, body } of literals(code, /&cloudmanager\.(\w+)Args\{/g, "{", "}")) {
        const inputs = Object.keys(resourceOf(resource).inputProperties).map(pascal);
        for (const [, field] of body.matchAll(/^\s*(\w+):/gm)) expect(inputs, `${file}: ${resource}Args.${field}`).toContain(field);
      }
      for (const [, variable, field] of code.matchAll(/\b(\w+)\.([A-Z]\w*)\b/g)) {
        const resource = variables.get(variable ?? "");
        if (resource !== undefined) expect(Object.keys(resource.properties).map(pascal), `${file}: ${variable}.${field}`).toContain(field);
      }
    },
  );

  test.each(RESOURCE_PAGES)(
    "%s: the Python example parses and uses only the generated SDK's classes, keywords and attributes",
    (name, file) => {
      const code = codeBlocks(pageSection(page(file), "Example Usage") ?? "").find((b) => b.language === "python")?.code ?? "";
      const parsed = spawnSync("python3", ["-c", "import ast, sys; ast.parse(sys.stdin.read())"], { input: code, encoding: "utf8" });
      expect(parsed.error, "python3 is needed to parse the Python examples").toBeUndefined();
      expect(parsed.stderr).toBe("");
      expect(parsed.status).toBe(0);
      expect(code).toContain(`cloudmanager.${name}(`);
      const variables = new Map<string, ResourceSchema>();
      for (const [, variable, resource] of code.matchAll(/^(\w+) = cloudmanager\.(\w+)\(/gm))
        variables.set(variable ?? "", resourceOf(resource ?? ""));
      for (const { name: resource, body } of literals(code, /cloudmanager\.(\w+)\(/g, "(", ")")) {
        const inputs = [...Object.keys(resourceOf(resource).inputProperties).map(snake), "opts"];
        for (const [, keyword] of body.matchAll(/(\w+)=/g)) expect(inputs, `${file}: ${resource}(${keyword}=…)`).toContain(keyword);
      }
      for (const [, variable, attribute] of code.matchAll(/\b(\w+)\.([a-z_]+)\b/g)) {
        const resource = variables.get(variable ?? "");
        if (resource !== undefined)
          expect(Object.keys(resource.properties).map(snake), `${file}: ${variable}.${attribute}`).toContain(attribute);
      }
    },
  );
});
