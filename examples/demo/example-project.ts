// A working folder for the example program as a LOCAL Pulumi program (the language host runs it),
// derived from the repository's own Pulumi.yaml: same project, `main` pointing back at the compiled
// example. It lives inside the repository (under .e2e-work/) because the provider process resolves
// `pulumi-cloudmanager/provider/runtime` from the project folder, which must find the repository's
// node_modules; and it is not the repository root itself, where the stack's config file would land.

import { existsSync, mkdirSync, mkdtempSync, readFileSync, writeFileSync } from "node:fs";
import { dirname, join, relative } from "node:path";
import { parse, stringify } from "yaml";

/** The repository root: the nearest folder above this file holding our package.json and Pulumi.yaml. */
export function findRepoRoot(start: string = __dirname): string {
  for (let dir = start; ; dir = dirname(dir)) {
    const pkg = join(dir, "package.json");
    if (existsSync(pkg) && existsSync(join(dir, "Pulumi.yaml"))) {
      const name: unknown = (JSON.parse(readFileSync(pkg, "utf8")) as { name?: unknown }).name;
      if (name === "pulumi-cloudmanager") return dir;
    }
    if (dirname(dir) === dir) throw new Error(`cannot find the pulumi-cloudmanager repository above ${start}`);
  }
}

export interface ExampleProject {
  /** The Pulumi project folder (Pulumi.yaml, the stack's config file, people.yaml). */
  workDir: string;
  /** The people list the program reads (stack config `peopleFile`). */
  peopleFile: string;
  /** The project name, from the repository's Pulumi.yaml. */
  projectName: string;
}

/**
 * Creates `<parent>/<label>-XXXX/` with the example's Pulumi.yaml and the given people list;
 * `parent` defaults to `<repo>/.e2e-work` and must lie inside the repository.
 */
export function prepareExampleProject(
  label: string,
  peopleYaml: string,
  parent?: string,
  repoRoot: string = findRepoRoot(),
): ExampleProject {
  const project = parse(readFileSync(join(repoRoot, "Pulumi.yaml"), "utf8")) as { name?: unknown; main?: unknown };
  if (typeof project.name !== "string" || typeof project.main !== "string") {
    throw new Error(`${join(repoRoot, "Pulumi.yaml")} must name the project and its main program`);
  }
  const program = join(repoRoot, project.main);
  if (!existsSync(program)) throw new Error(`${program} does not exist: run \`npm run build\` first.`);

  const workDir = newWorkDir(label, parent, repoRoot);
  writeFileSync(join(workDir, "Pulumi.yaml"), stringify({ ...project, main: relative(workDir, program) }));
  const peopleFile = join(workDir, "people.yaml");
  writeFileSync(peopleFile, peopleYaml);
  return { workDir, peopleFile, projectName: project.name };
}

/**
 * Creates an empty `<parent>/<label>-XXXX/` for a project whose program is inline (run by the
 * Automation API in this process); `parent` defaults to `<repo>/.e2e-work`, for the reason above.
 */
export function newWorkDir(label: string, parent?: string, repoRoot: string = findRepoRoot()): string {
  const under = parent ?? join(repoRoot, ".e2e-work");
  mkdirSync(under, { recursive: true });
  return mkdtempSync(join(under, `${label}-`));
}
