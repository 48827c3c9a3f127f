// The package as a user meets it: a project made the way `pulumi new typescript` makes it (that
// template's Pulumi.yaml, package.json, tsconfig.json and an index.ts), the tarball `npm pack` makes
// installed into it with `npm install`, the program type-checked with the project's own TypeScript
// and tsconfig (`tsc --noEmit`), then run by `pulumi up` against the emulator.
//
// `pulumi new` itself fetches its templates from git, which these machines cannot reach, so the files
// are written as the template (pulumi/templates, typescript/) holds them (harness/fresh-typescript-project.ts). Its tsconfig changed
// in March 2026 ("Use moduleResolution: nodenext"); projects made before then, most of the ones in
// use, have module "commonjs" with moduleResolution "node" (node10), where the subpath exports
// `pulumi-cloudmanager/emulator` and `/provider/runtime` only resolve through "typesVersions".
// Both settings are type-checked, and the program runs under each.
//
// The project lives in the system's temporary folder, outside the repository, so nothing resolves
// through the repository's own node_modules (harness/packed-package.ts). `npm install` uses the npm
// registry (the template's dependency ranges), with npm's cache first.

import { lstatSync, readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, test } from "vitest";
import { REPO_ROOT } from "./harness/cli";
import { useE2e, type E2eContext } from "./harness/e2e-context";
import { TEMPLATE_TSCONFIG_NODE10, typescriptTemplate } from "./harness/fresh-typescript-project";
import { usePackedInstall, withoutNpmLifecycle } from "./harness/packed-package";
import { runCommand, type CommandRun } from "../support/run-command";

let e2e: E2eContext;
useE2e("pulumi-new", (context) => (e2e = context));

const run = (command: string, args: string[], cwd: string) => runCommand(command, args, cwd, childEnv());

/** typescript/tsconfig.json of the template since March 2026. */
const TSCONFIG_NODENEXT = TEMPLATE_TSCONFIG_NODE10.replace(`"module": "commonjs"`, `"module": "nodenext"`).replace(
  `"moduleResolution": "node"`,
  `"moduleResolution": "nodenext"`,
);

/** The template's index.ts (its one import) grown into a tiny program that uses the package root and the emulator. */
const INDEX_TS = `import * as pulumi from "@pulumi/pulumi";
import { CloudManagerClient, OrgInvitation } from "pulumi-cloudmanager";
import { startEmulator, type RunningEmulator } from "pulumi-cloudmanager/emulator";

const config = new pulumi.Config();

const alice = new OrgInvitation("alice", {
    orgId: config.require("orgId"),
    username: "alice@example.com",
    roles: ["ORG_MEMBER"],
});
export const status = alice.status;

// An emulator of its own, embedded in the program, read through the SDK client.
async function embeddedOrgName(): Promise<string> {
    const emulator: RunningEmulator = await startEmulator({ orgName: "Embedded" });
    const client = new CloudManagerClient({ baseUrl: emulator.baseUrl, ...emulator.credentials });
    try {
        return (await client.getOrganization(emulator.org.id)).name;
    } finally {
        await client.close();
        await emulator.close();
    }
}
export const embedded = embeddedOrgName();
`;

// What `pulumi new` runs (npm install), then what the README tells the user: install the package.
const fresh = usePackedInstall(
  "pulumi-new",
  { ...typescriptTemplate("cloudmanager-pulumi-new", "A minimal TypeScript Pulumi program"), "index.ts": INDEX_TS },
  () => childEnv(),
);

/** The environment of `npm test` minus npm's own lifecycle variables (they describe this repository, not the project). */
function childEnv(): Record<string, string> {
  // The Pulumi CLI, then the repository's Node 24 (the package needs Node >= 22.19), then the machine's PATH.
  return withoutNpmLifecycle({ PATH: e2e.cli.path });
}

/** `tsc --noEmit` with the project's own TypeScript and the given tsconfig; also lists the files it read. */
function typeCheck(tsconfig: string): Promise<CommandRun> {
  return run(join(fresh.dir, "node_modules", ".bin", "tsc"), ["--noEmit", "--listFiles", "-p", tsconfig], fresh.dir);
}

describe("a project made like `pulumi new typescript`, with the packed package installed", () => {
  test("the package is a real copy from the tarball, not a link to this repository", () => {
    const installed = join(fresh.dir, "node_modules", "pulumi-cloudmanager");
    expect(lstatSync(installed).isSymbolicLink()).toBe(false);
    const manifest = JSON.parse(readFileSync(join(installed, "package.json"), "utf8")) as { version: string };
    const ours = JSON.parse(readFileSync(join(REPO_ROOT, "package.json"), "utf8")) as { version: string };
    expect(manifest.version).toBe(ours.version);
  });

  test.each([
    ["until March 2026: module commonjs, moduleResolution node (node10)", TEMPLATE_TSCONFIG_NODE10],
    ["since March 2026: module and moduleResolution nodenext", TSCONFIG_NODENEXT],
  ])("index.ts type-checks with the template's tsconfig %s", async (_label, tsconfig) => {
    writeFileSync(join(fresh.dir, "tsconfig.check.json"), tsconfig);
    const check = await typeCheck("tsconfig.check.json");
    expect(check.output.split("\n").filter((l) => /error TS\d+/.test(l))).toEqual([]);
    expect(check.code).toBe(0);
    // Both imports resolved to the installed copy's declarations.
    const installed = join(fresh.dir, "node_modules", "pulumi-cloudmanager", "dist");
    const read = check.output.split("\n").map((l) => l.trim());
    expect(read).toContain(join(installed, "index.d.ts"));
    expect(read).toContain(join(installed, "emulator", "index.d.ts"));
  });

  test("pulumi up runs it against the emulator (node10 tsconfig), a run under the nodenext one changes nothing, destroy withdraws", async () => {
    writeFileSync(join(fresh.dir, "tsconfig.json"), TEMPLATE_TSCONFIG_NODE10);
    const stack = await e2e.localStack(fresh.dir, { config: { orgId: { value: e2e.orgId } } });

    const up = await stack.up();
    expect(up.result.summary.result).toBe("succeeded");
    expect(up.result.summary.resourceChanges).toEqual({ create: 2 }); // the invitation and the stack
    expect(await stack.outputs()).toEqual({ status: "PENDING", embedded: "Embedded" });
    expect(e2e.view.pendingFor("alice@example.com").roles).toEqual(["ORG_MEMBER"]);
    // Installed, the stored provider is one require of the type's module in the project's copy.
    const [invitation] = (await stack.invitations()).values();
    for (const stored of [invitation?.inputs?.["__provider"], invitation?.outputs?.["__provider"]]) {
      expect(String(stored)).toContain('require("pulumi-cloudmanager/dist/provider/resources/org-invitation/stored.js")');
      expect(Buffer.byteLength(String(stored))).toBeLessThanOrEqual(400);
    }

    writeFileSync(join(fresh.dir, "tsconfig.json"), TSCONFIG_NODENEXT);
    const again = await stack.preview({ expectNoChanges: true });
    expect(again.result.changeSummary).toEqual({ same: 2 });

    const destroy = await stack.destroy();
    expect(destroy.result.summary.result).toBe("succeeded");
    expect(e2e.view.pending()).toEqual([]);
  });
});
