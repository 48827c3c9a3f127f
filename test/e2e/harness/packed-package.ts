// The package as a user installs it: the tarball `npm pack` makes (the one `npm publish` would upload;
// `npm test` builds dist/ first), installed with `npm install` into a folder in the system's temporary
// folder — outside the repository, so nothing resolves through the repository's own node_modules.
// `npm install` uses the npm registry (the project's dependency ranges), with npm's cache first.

import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll } from "vitest";
import { REPO_ROOT } from "./cli";
import { mustRunCommand } from "../../support/run-command";

/** npm's own settings: where the registry and the cache are; the other npm_* variables describe this repository's run. */
const NPM_SETTINGS = new Set(["npm_config_registry", "npm_config_cache", "npm_config_userconfig"]);

/** This process's environment minus npm's lifecycle variables (they describe this repository, not the project), then `extra`. */
export function withoutNpmLifecycle(extra: Record<string, string>): Record<string, string> {
  const inherited = Object.entries(process.env).filter(
    (e): e is [string, string] => e[1] !== undefined && (!/^npm_/i.test(e[0]) || NPM_SETTINGS.has(e[0])),
  );
  return { ...Object.fromEntries(inherited), ...extra };
}

export interface PackedInstall {
  /** The temporary folder: the tarball lies here, and whatever else a test writes beside the project. */
  readonly temp: string;
  /** `<temp>/project`: the files given, and node_modules holding the packed package. */
  readonly dir: string;
}

/**
 * Before the file's tests: `npm pack` of the repository into a new temporary folder, `files` written
 * into its `project` folder, `npm install` of the tarball there; after them, the temporary folder
 * removed. `env` is the whole environment of both npm commands. Register it after `useE2e` when `env`
 * reads the e2e context (hooks run in that order).
 */
export function usePackedInstall(label: string, files: Record<string, string>, env: () => Record<string, string>): PackedInstall {
  let temp: string | undefined;
  let dir: string | undefined;
  beforeAll(async () => {
    temp = mkdtempSync(join(tmpdir(), `cloudmanager-${label}-`));
    const project = join(temp, "project");
    mkdirSync(project);
    const packed = await mustRunCommand(
      "npm",
      ["pack", "--silent", "--pack-destination", temp],
      REPO_ROOT,
      env(),
      "npm pack of the repository",
    );
    const tarball = join(temp, packed.trim().split("\n").pop()?.trim() ?? "");
    for (const [name, text] of Object.entries(files)) writeFileSync(join(project, name), text);
    await mustRunCommand(
      "npm",
      ["install", "--no-audit", "--no-fund", "--prefer-offline", tarball],
      project,
      env(),
      "npm install of the project's dependencies and the packed tarball (it needs the npm registry or npm's cache)",
    );
    dir = project;
  });
  afterAll(() => {
    if (temp !== undefined) rmSync(temp, { recursive: true, force: true });
  });
  const ready = (value: string | undefined, what: string): string => {
    if (value === undefined) throw new Error(`the packed package is not installed yet (${what} is set in beforeAll)`);
    return value;
  };
  return {
    get temp() {
      return ready(temp, "temp");
    },
    get dir() {
      return ready(dir, "dir");
    },
  };
}
