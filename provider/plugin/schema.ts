// The plugin's package schema: plugin/schema.json, hand-written (its resources are ../registry's,
// checked against the TypeScript types by test/plugin/schema.test.ts), served with the package's version.

import { readFileSync } from "node:fs";
import { dirname, join } from "node:path";

/** The part of a Pulumi package schema this file reads. */
export interface PackageSchema {
  name: string;
  version?: string;
  config?: { variables?: Record<string, SchemaProperty> };
  resources: Record<string, ResourceSchema>;
  types?: Record<string, { properties?: Record<string, SchemaProperty>; required?: string[] }>;
}

export interface ResourceSchema {
  description?: string;
  properties: Record<string, SchemaProperty>;
  required?: string[];
  inputProperties: Record<string, SchemaProperty>;
  requiredInputs?: string[];
}

export interface SchemaProperty {
  type?: string;
  items?: SchemaProperty;
  /** A map's values (the rosters' outputs keyed by username). */
  additionalProperties?: SchemaProperty;
  $ref?: string;
  description?: string;
  secret?: boolean;
}

/** The package's root folder (holds package.json and plugin/), from this file's place in provider/ or dist/provider/. */
function packageRoot(from: string = __dirname): string {
  let dir = from;
  for (;;) {
    try {
      const manifest: unknown = JSON.parse(readFileSync(join(dir, "package.json"), "utf8"));
      if (typeof manifest === "object" && manifest !== null && "name" in manifest && manifest.name === "pulumi-cloudmanager") return dir;
    } catch {
      // no package.json here: look further up
    }
    const parent = dirname(dir);
    if (parent === dir) throw new Error(`CLOUDMANAGER_PLUGIN_BROKEN: no pulumi-cloudmanager package.json above ${from}`);
    dir = parent;
  }
}

/** plugin/schema.json, the hand-written schema (`version` set to the package's). */
export function loadSchema(root: string = packageRoot()): PackageSchema {
  const schema = JSON.parse(readFileSync(join(root, "plugin", "schema.json"), "utf8")) as PackageSchema;
  return { ...schema, version: packageVersion(root) };
}

function packageVersion(root: string): string {
  const manifest = JSON.parse(readFileSync(join(root, "package.json"), "utf8")) as { version: string };
  return manifest.version;
}
