// Upgrading into the one-line stored provider (provider/resources/stored-module.ts). A stack written
// while resources stored the thin provider (every state before it) is run by a program that stores
// the one-line form: nothing may change in Cloud Manager, the preview must show no change, and
// refresh and destroy must work on both texts. The thin form is produced by the same packed package,
// installed beside the project and linked into node_modules (a linked package is stored thin: the
// serializer would otherwise copy its modules by value); moving it back into node_modules is the upgrade.

import { mkdirSync, renameSync, rmSync, symlinkSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, test } from "vitest";
import { useE2e, type E2eContext } from "./harness/e2e-context";
import { usePackedInstall, withoutNpmLifecycle } from "./harness/packed-package";
import type { StateResource } from "./harness/test-stack";

let e2e: E2eContext;
useE2e("stored-upgrade", (context) => (e2e = context));

const PROGRAM = `"use strict";
const pulumi = require("@pulumi/pulumi");
const { OrgInvitation, OrgMembership, OrgRoster } = require("pulumi-cloudmanager");
const orgId = new pulumi.Config().require("orgId");
new OrgInvitation("alice", { orgId, username: "alice@example.com", roles: ["ORG_MEMBER"] });
new OrgMembership("bob", { orgId, username: "bob@example.com", roles: ["ORG_MEMBER"] });
new OrgRoster("roster", { orgId, managed: ["alice@example.com", "bob@example.com"] });
`;

const project = usePackedInstall(
  "stored-upgrade",
  {
    "Pulumi.yaml": "name: cloudmanager-stored-upgrade\nruntime: nodejs\n",
    "package.json": JSON.stringify({ name: "cloudmanager-stored-upgrade", private: true, main: "index.js" }),
    "index.js": PROGRAM,
  },
  () => withoutNpmLifecycle({ PATH: e2e.cli.path }),
);

const THIN = 'require("pulumi-cloudmanager/provider/runtime")';
const FOLDERS: Record<string, string> = { OrgInvitation: "org-invitation", OrgMembership: "org-membership", OrgRoster: "org-roster" };

/** Each of our resources' stored texts, by resource type and side (inputs, outputs). */
function storedTexts(resources: StateResource[]): { type: string; side: string; text: string }[] {
  return resources
    .filter((r) => r.type.startsWith("pulumi-nodejs:dynamic/cloudmanager:"))
    .flatMap((r) => {
      const type = r.type.split(":").pop() ?? "";
      return [
        { type, side: "inputs", text: String(r.inputs?.["__provider"]) },
        { type, side: "outputs", text: String(r.outputs?.["__provider"]) },
      ];
    });
}

const lastSeq = (): number => e2e.emulator.state.requests().at(-1)?.seq ?? 0;

describe("a stack whose resources stored the thin provider, run by the one-line stored provider", () => {
  test("no change, no write; the new text goes to inputs, refresh and destroy work on both", async () => {
    const installed = join(project.dir, "node_modules", "pulumi-cloudmanager");
    const linked = join(project.temp, "linked");
    mkdirSync(linked);
    renameSync(installed, join(linked, "pulumi-cloudmanager"));
    // The linked copy finds its dependencies through the project's node_modules.
    symlinkSync(join(project.dir, "node_modules"), join(linked, "node_modules"));
    symlinkSync(join(linked, "pulumi-cloudmanager"), installed);

    const stack = await e2e.localStack(project.dir, { config: { orgId: { value: e2e.orgId } } });
    const first = await stack.up();
    expect(first.result.summary.resourceChanges).toEqual({ create: 4 });
    const before = storedTexts(await stack.resources());
    expect(before).toHaveLength(6);
    for (const s of before) expect({ ...s, thin: s.text.includes(THIN) }).toMatchObject({ thin: true });

    // The upgrade: the package installed in node_modules, as npm leaves it.
    rmSync(installed);
    renameSync(join(linked, "pulumi-cloudmanager"), installed);
    const mark = lastSeq();
    const preview = await stack.preview({ expectNoChanges: true });
    expect(preview.result.changeSummary).toEqual({ same: 4 });
    const up = await stack.up({ expectNoChanges: true });
    expect(up.result.summary.resourceChanges).toEqual({ same: 4 });
    expect(e2e.view.describeWritesSince(mark)).toEqual([]);
    const after = storedTexts(await stack.resources());
    for (const s of after) {
      const oneLine = `require("pulumi-cloudmanager/dist/provider/resources/${FOLDERS[s.type]}/stored.js")`;
      // Inputs take the program's text; outputs keep the text the last create or update wrote.
      expect({ ...s, form: s.text.includes(oneLine) ? "one line" : s.text.includes(THIN) ? "thin" : "other" }).toMatchObject({
        form: s.side === "inputs" ? "one line" : "thin",
      });
    }

    const refresh = await stack.refresh();
    expect(refresh.result.summary.result).toBe("succeeded");
    expect(refresh.result.summary.resourceChanges).toEqual({ same: 4 });
    expect(e2e.view.describeWritesSince(mark)).toEqual([]);

    // An update (old text in olds, new in news) writes the one-line text to outputs too.
    writeFileSync(
      join(project.dir, "index.js"),
      PROGRAM.replace(`roles: ["ORG_MEMBER"] });\nnew OrgMembership`, `roles: ["ORG_READ_ONLY"] });\nnew OrgMembership`),
    );
    const update = await stack.up();
    expect(update.result.summary.resourceChanges).toEqual({ same: 3, update: 1 });
    expect(e2e.view.pendingFor("alice@example.com").roles).toEqual(["ORG_READ_ONLY"]);
    const alice = storedTexts(await stack.resources()).filter((s) => s.type === "OrgInvitation");
    expect(alice.map((s) => s.text.includes("org-invitation/stored.js"))).toEqual([true, true]);

    const destroy = await stack.destroy();
    expect(destroy.result.summary.resourceChanges).toEqual({ delete: 4 });
    expect(e2e.view.pending()).toEqual([]);
  });
});
