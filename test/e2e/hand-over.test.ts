// Issue 13 through the real engine: a rename, a move under a component and a teams change each leave
// the person with exactly one pending invitation, the one the state records, and a clean
// `preview --refresh --expect-no-changes`. The warnings say what happened.

import * as pulumi from "@pulumi/pulumi";
import type { PulumiFn } from "@pulumi/pulumi/automation";
import { describe, expect, test } from "vitest";
import { builtPackage } from "./harness/built-package";
import { useE2e, type E2eContext } from "./harness/e2e-context";
import { describeSteps, providerWarnings, type TestStack } from "./harness/test-stack";

let e2e: E2eContext;
useE2e("hand-over", (context) => (e2e = context));

/** What the program declares; the test changes it between operations (the program runs in this process). */
interface Declared {
  name: string;
  username: string;
  /** Put the invitation under a component resource of this type. */
  parentType?: string;
  teamIds?: string[];
  aliases?: pulumi.Input<string | pulumi.Alias>[];
}

function program(declared: Declared): PulumiFn {
  return async () => {
    const { OrgInvitation } = builtPackage();
    const parent = declared.parentType === undefined ? undefined : new pulumi.ComponentResource(declared.parentType, "team", {});
    const invitation = new OrgInvitation(
      declared.name,
      { orgId: e2e.orgId, username: declared.username, roles: ["ORG_MEMBER"], ...(declared.teamIds ? { teamIds: declared.teamIds } : {}) },
      { ...(parent ? { parent } : {}), ...(declared.aliases ? { aliases: declared.aliases } : {}) },
    );
    return { invitationId: invitation.invitationId };
  };
}

/** After an `up`: one pending invitation for the person, the one the (only) resource in state records. */
async function expectOneRecordedInvitation(stack: TestStack, username: string, name: string): Promise<string> {
  const pending = e2e.view.pendingByUser().get(username.toLowerCase()) ?? [];
  expect(pending).toHaveLength(1);
  const invitations = await stack.invitations();
  expect([...invitations.keys()]).toEqual([name]);
  expect(invitations.get(name)?.outputs?.["invitationId"]).toBe(pending[0]?.id);
  const gate = await stack.preview({ refresh: true, expectNoChanges: true });
  expect(gate.result.changeSummary).toMatchObject({ same: expect.any(Number) as unknown });
  return pending[0]?.id ?? "";
}

function misleading(warnings: string[]): string[] {
  return warnings.filter((w) => /deleted outside Pulumi|withdrawn before it was accepted|no longer exists/.test(w));
}

describe("renames and replacements hand the invitation over", () => {
  test("rename, then a move under a component, then a teams change: always one pending invitation, the recorded one", async () => {
    const declared: Declared = { name: "before", username: "handover.alice@example.com" };
    const stack = await e2e.inlineStack(program(declared));
    await stack.up();
    const first = await expectOneRecordedInvitation(stack, declared.username, "before");

    // 1. Rename without an alias: Pulumi creates "after" (which adopts the invitation) and deletes "before".
    declared.name = "after";
    let mark = e2e.view.mark();
    const renamed = await stack.up();
    expect(describeSteps(renamed.steps)).toEqual(["after: create", "before: delete"]);
    expect(e2e.view.writesSince(mark)).toEqual([]);
    expect(await expectOneRecordedInvitation(stack, declared.username, "after")).toBe(first);
    let warnings = providerWarnings(renamed);
    expect(
      warnings.filter((w) => w.includes(`invitation ${first} for ${declared.username} handed over from "before" to "after"`)),
    ).toHaveLength(1);
    expect(misleading(warnings)).toEqual([]);

    // 2. Moved under a component (its URN changes, its name does not).
    declared.parentType = "handover:index:Team";
    const from = (await stack.invitations()).get("after")?.urn;
    mark = e2e.view.mark();
    const moved = await stack.up();
    expect(e2e.view.writesSince(mark)).toEqual([]);
    expect(await expectOneRecordedInvitation(stack, declared.username, "after")).toBe(first);
    warnings = providerWarnings(moved);
    const to = (await stack.invitations()).get("after")?.urn;
    expect(to).toContain("::handover:index:Team$pulumi-nodejs:dynamic/cloudmanager:OrgInvitation::after");
    expect(
      warnings.filter((w) => w.includes(`invitation ${first} for ${declared.username} handed over from ${from} to ${to}`)),
    ).toHaveLength(1);
    expect(misleading(warnings)).toEqual([]);

    // 3. Teams changed: a replacement (delete first): the old invitation withdrawn, one new one sent.
    const team = e2e.emulator.state.createTeam(e2e.orgId, { name: "handover-dba" });
    declared.teamIds = [team.id];
    mark = e2e.view.mark();
    const replaced = await stack.up();
    expect(describeSteps(replaced.steps)).toEqual(["after: create-replacement", "after: delete-replaced", "after: replace"]);
    expect(e2e.view.describeWritesSince(mark)).toEqual([
      `DELETE /orgs/${e2e.orgId}/invites/${first} 204`,
      `POST /orgs/${e2e.orgId}/invites 201`,
    ]);
    const second = await expectOneRecordedInvitation(stack, declared.username, "after");
    expect(second).not.toBe(first);
    expect(e2e.view.pendingFor(declared.username).teamIds).toEqual([team.id]);
    expect(misleading(providerWarnings(replaced))).toEqual([]);

    await stack.destroy();
    expect(e2e.view.pending()).toEqual([]);
  });

  test("a rename with an alias is no replacement at all: nothing sent, nothing deleted, no warning", async () => {
    const declared: Declared = { name: "old-name", username: "handover.bob@example.com" };
    const stack = await e2e.inlineStack(program(declared));
    await stack.up();
    const first = e2e.view.pendingFor(declared.username).id;

    declared.name = "new-name";
    declared.aliases = [{ name: "old-name" }];
    const mark = e2e.view.mark();
    const renamed = await stack.up();
    expect(describeSteps(renamed.steps)).toEqual(["new-name: same"]);
    expect(e2e.view.requestsSince(mark).filter((r) => r.method !== "GET")).toEqual([]);
    expect(providerWarnings(renamed)).toEqual([]);
    expect(await expectOneRecordedInvitation(stack, declared.username, "new-name")).toBe(first);
    await stack.destroy();
  });
});
