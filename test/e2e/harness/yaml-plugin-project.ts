// Pulumi YAML projects that use the `cloudmanager` plugin of the packed package the way a user's
// Pulumi.yaml names it (`packages: cloudmanager: ./node_modules/pulumi-cloudmanager/plugin`): the
// tarball is installed once per test file (packed-package.ts), and each project is a folder of the
// file's working root with that install's node_modules linked in. Also: the YAML `pulumi import`
// prints for such a project, read back, and a preview refused for a role that is not a project role.

import { symlinkSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { expect } from "vitest";
import { parse } from "yaml";
import { KNOWN_PROJECT_ROLES } from "../../../sdk/types";
import { checkFailures, failureOf, pluginLocalStack } from "../../plugin/plugin-e2e";
import type { E2eContext } from "./e2e-context";
import { usePackedInstall, withoutNpmLifecycle } from "./packed-package";

/** Plain functions (no `this`): a test file takes them apart. */
export interface YamlPluginProjects {
  /** A new project `name` whose Pulumi.yaml is the header (name, runtime, packages) and then `body`; returns its folder. */
  yamlProject: (name: string, body: string) => string;
  /** Writes the Pulumi.yaml of the project in `dir` again, e.g. with the code an import printed. */
  writeYaml: (dir: string, name: string, body: string) => void;
}

/**
 * Installs the packed package before the file's tests (a package.json named `<label>-yaml`, in a
 * temporary folder named after `label`), for the projects made afterwards. Register it after `useE2e`.
 */
export function useYamlPluginProjects(label: string, e2e: () => E2eContext): YamlPluginProjects {
  const installed = usePackedInstall(label, { "package.json": JSON.stringify({ name: `${label}-yaml`, private: true }, null, 2) }, () =>
    withoutNpmLifecycle({ PATH: e2e().cli.path }),
  );
  const writeYaml = (dir: string, name: string, body: string): void => {
    writeFileSync(
      join(dir, "Pulumi.yaml"),
      `name: ${name}\nruntime: yaml\npackages:\n  cloudmanager: ./node_modules/pulumi-cloudmanager/plugin\n${body}`,
    );
  };
  const yamlProject = (name: string, body: string): string => {
    const dir = e2e().newWorkDir(name);
    writeYaml(dir, name, body);
    symlinkSync(join(installed.dir, "node_modules"), join(dir, "node_modules"));
    return dir;
  };
  return { yamlProject, writeYaml };
}

export type GeneratedResources = Record<string, { type: string; properties: Record<string, unknown> }>;

/** The program `pulumi import` printed for the user to add ("resources:" and what follows), parsed. */
export function generatedResources(run: { output: string }): GeneratedResources {
  const at = run.output.search(/^resources:$/m);
  expect(at, run.output).toBeGreaterThanOrEqual(0);
  const parsed = parse(run.output.slice(at)) as { resources: GeneratedResources };
  return parsed.resources;
}

/** The resource blocks of an import's generated code, indented under the caller's `resources:`. */
export function indent(run: { output: string }): string {
  const at = run.output.search(/^resources:$/m);
  return run.output
    .slice(at)
    .split("\n")
    .slice(1)
    .filter((line) => line.startsWith("  "))
    .map((line) => `${line}\n`)
    .join("");
}

/**
 * `pulumi preview` of the project in `dir`, whose resource `wrong` is given ORG_OWNER where project
 * roles go: refused at check on `roles` alone, naming the nine project roles, and no request sent.
 */
export async function expectRefusedAsNoProjectRole(e2e: E2eContext, dir: string): Promise<void> {
  const stack = await pluginLocalStack(e2e, dir);
  const mark = e2e.view.mark();

  const failures = checkFailures(await failureOf(stack.preview()), "wrong");

  expect(Object.keys(failures)).toEqual(["roles"]);
  expect(failures["roles"]).toContain('roles[0]: "ORG_OWNER" is not a Cloud Manager project role; the roles are: ');
  expect(KNOWN_PROJECT_ROLES).toHaveLength(9);
  for (const role of KNOWN_PROJECT_ROLES) expect(failures["roles"]).toContain(role);
  expect(e2e.view.requestsSince(mark)).toEqual([]);
}
