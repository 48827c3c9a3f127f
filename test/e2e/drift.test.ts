// Scenarios 5-8 and 13 of the real-engine suite: what happens to invitations outside Pulumi
// (accepted, revoked, expired), how refresh/preview show it, how up converges, and that destroy
// completes when invitations are already gone. 13 is the GitOps gate.

import { afterEach, beforeEach, describe, expect, test } from "vitest";
import { useE2e, type E2eContext } from "./harness/e2e-context";
import { invitationOutputs, invitationsProgram, PeopleList } from "./harness/invitations-program";
import { describeSteps, errorDiagnostics, providerWarnings, StackOperationError } from "./harness/test-stack";

let e2e: E2eContext;
useE2e("drift", (context) => (e2e = context));

// Scenarios switch the emulator to show expired invitations; put the default back.
afterEach(() => {
  e2e?.emulator.state.updateSettings({ expiredInvitations: "hidden" });
});

// One emulator serves the whole file and an acceptance is forever: each scenario invites its own people.
let ALICE = "";
let BOB = "";
let CAROL = "";
let scenario = 0;

beforeEach(() => {
  scenario++;
  ALICE = `alice.${scenario}@example.com`;
  BOB = `bob.${scenario}@example.com`;
  CAROL = `carol.${scenario}@example.com`;
});

function twoPeople(): PeopleList {
  return new PeopleList([
    { name: "alice", username: ALICE, roles: ["ORG_MEMBER"] },
    { name: "bob", username: BOB, roles: ["ORG_READ_ONLY"] },
  ]);
}

describe("out-of-band changes", () => {
  test("5. accepted out of band: refresh records ACCEPTED, up is a no-op, destroy succeeds with a warning", async () => {
    const stack = await e2e.inlineStack(invitationsProgram(e2e.orgId, twoPeople()));
    await stack.up();
    const aliceInvitation = e2e.view.pendingFor(ALICE);
    e2e.emulator.state.acceptInvitation(e2e.orgId, aliceInvitation.id);
    let mark = e2e.view.mark();

    const refresh = await stack.refresh();
    expect(refresh.drift).toEqual([{ name: "alice", changes: { status: ["PENDING", "ACCEPTED"] } }]);
    expect(await stack.invitationState("alice")).toMatchObject({ status: "ACCEPTED", invitationId: aliceInvitation.id, username: ALICE });
    expect(await stack.invitationState("bob")).toMatchObject({ status: "PENDING" });

    const up = await stack.up();
    expect(up.result.summary.resourceChanges).toEqual({ same: 3 });
    expect(invitationOutputs(await stack.outputs())["alice"]).toMatchObject({ status: "ACCEPTED", invitationId: aliceInvitation.id });
    // Nothing was re-sent to a member, and the GitOps gate stays green: acceptance is the goal, not drift to undo.
    const gate = await stack.preview({ refresh: true, expectNoChanges: true });
    expect(gate.result.changeSummary).toEqual({ same: 3 });
    expect(e2e.view.writesSince(mark)).toEqual([]);
    expect(e2e.view.pendingByUser().has(ALICE)).toBe(false);

    const bobId = e2e.view.pendingFor(BOB).id;
    mark = e2e.view.mark();
    const destroy = await stack.destroy();
    expect(destroy.result.summary.result).toBe("succeeded");
    expect(errorDiagnostics(destroy)).toEqual([]);
    const warnings = providerWarnings(destroy);
    expect(warnings).toHaveLength(1);
    expect(warnings[0]).toContain(ALICE);
    expect(warnings[0]).toContain("accepted");
    // Only bob's invitation was withdrawn; alice stays a member.
    expect(e2e.view.describeWritesSince(mark)).toEqual([`DELETE /orgs/${e2e.orgId}/invites/${bobId} 204`]);
    expect(e2e.view.isMember(ALICE)).toBe(true);
    expect(e2e.view.pending()).toEqual([]);
  });

  test("6. revoked out of band: drift shown, up re-invites, destroy succeeds", async () => {
    const stack = await e2e.inlineStack(invitationsProgram(e2e.orgId, twoPeople()));
    await stack.up();
    const revoked = e2e.view.pendingFor(BOB);
    await e2e.admin.deleteInvitation(e2e.orgId, revoked.id);
    const mark = e2e.view.mark();

    const preview = await stack.preview({ refresh: true });
    expect(preview.drift).toEqual([{ name: "bob", changes: { status: ["PENDING", "REVOKED"] } }]);
    expect(preview.result.changeSummary).toMatchObject({ replace: 1, same: 2 });
    expect(preview.steps.filter((s) => s.name === "bob").map((s) => s.op)).toContain("replace");
    expect(e2e.view.writesSince(mark)).toEqual([]);
    expect(e2e.view.pendingByUser().has(BOB)).toBe(false);

    const up = await stack.up({ refresh: true });
    expect(up.result.summary.resourceChanges).toMatchObject({ replace: 1, same: 2 });
    expect(e2e.view.describeWritesSince(mark)).toEqual([`POST /orgs/${e2e.orgId}/invites 201`]);
    const reinvited = e2e.view.pendingFor(BOB);
    expect(reinvited.id).not.toBe(revoked.id);
    expect(reinvited.roles).toEqual(["ORG_READ_ONLY"]);
    expect(invitationOutputs(await stack.outputs())["bob"]).toMatchObject({ status: "PENDING", invitationId: reinvited.id });
    expect(errorDiagnostics(up)).toEqual([]);

    const destroy = await stack.destroy();
    expect(destroy.result.summary.result).toBe("succeeded");
    expect(e2e.view.pending()).toEqual([]);
  });

  test("7. expired: drift shown, up re-invites", async () => {
    // Whether Cloud Manager still lists an expired invitation is undocumented; where it does, the
    // provider reads it and sees its expiresAt in the past.
    e2e.emulator.state.updateSettings({ expiredInvitations: "visible" });
    const stack = await e2e.inlineStack(invitationsProgram(e2e.orgId, twoPeople()));
    await stack.up();
    const expired = e2e.view.pendingFor(ALICE);
    e2e.emulator.state.expireInvitation(e2e.orgId, expired.id);
    const mark = e2e.view.mark();

    const refresh = await stack.refresh();
    expect(refresh.drift).toHaveLength(1);
    expect(refresh.drift[0]).toMatchObject({ name: "alice", changes: { status: ["PENDING", "EXPIRED"] } });
    expect(await stack.invitationState("alice")).toMatchObject({ status: "EXPIRED", invitationId: expired.id });
    const preview = await stack.preview();
    expect(describeSteps(preview.steps.filter((s) => s.op === "replace" || s.op === "same"))).toEqual(["alice: replace", "bob: same"]);
    expect(e2e.view.writesSince(mark)).toEqual([]);

    const up = await stack.up();
    expect(up.result.summary.resourceChanges).toMatchObject({ replace: 1, same: 2 });
    // Replacement deletes first: the expired invitation is withdrawn, then a new one sent.
    expect(e2e.view.describeWritesSince(mark)).toEqual([
      `DELETE /orgs/${e2e.orgId}/invites/${expired.id} 204`,
      `POST /orgs/${e2e.orgId}/invites 201`,
    ]);
    const fresh = e2e.view.pendingFor(ALICE);
    expect(fresh.id).not.toBe(expired.id);
    expect(Date.parse(fresh.expiresAt)).toBeGreaterThan(Date.now());
    expect(invitationOutputs(await stack.outputs())["alice"]).toMatchObject({
      status: "PENDING",
      invitationId: fresh.id,
      expiresAt: fresh.expiresAt,
    });
    await stack.preview({ refresh: true, expectNoChanges: true });

    await stack.destroy();
    expect(e2e.view.pending()).toEqual([]);
  });

  test("7b. expired where Cloud Manager hides it: drift shown (as REVOKED, see below), up re-invites", async () => {
    // A hidden invitation answers 404 like a deleted one; the provider tells them apart by the
    // expiresAt it recorded. The emulator expires it ahead of that time, so it reads as deleted out
    // of band — a real expiry happens at the recorded time and reads as EXPIRED.
    const stack = await e2e.inlineStack(invitationsProgram(e2e.orgId, twoPeople()));
    await stack.up();
    const expired = e2e.view.pendingFor(ALICE);
    e2e.emulator.state.expireInvitation(e2e.orgId, expired.id);
    const mark = e2e.view.mark();

    const refresh = await stack.refresh();
    expect(refresh.drift).toEqual([{ name: "alice", changes: { status: ["PENDING", "REVOKED"] } }]);
    const up = await stack.up();
    expect(up.result.summary.resourceChanges).toMatchObject({ replace: 1, same: 2 });
    expect(e2e.view.describeWritesSince(mark)).toEqual([`POST /orgs/${e2e.orgId}/invites 201`]);
    const fresh = e2e.view.pendingFor(ALICE);
    expect(invitationOutputs(await stack.outputs())["alice"]).toMatchObject({ status: "PENDING", invitationId: fresh.id });
    // The expired one stays on record in the emulator, as expired.
    expect(e2e.emulator.state.invitations(e2e.orgId).find((i) => i.id === expired.id)?.status).toBe("expired");

    await stack.destroy();
    expect(e2e.view.pending()).toEqual([]);
  });

  test("8. destroy when every invitation is already gone (accepted, revoked, expired; no refresh) succeeds", async () => {
    const people = new PeopleList([
      { name: "alice", username: ALICE, roles: ["ORG_MEMBER"] },
      { name: "bob", username: BOB, roles: ["ORG_MEMBER"] },
      { name: "carol", username: CAROL, roles: ["ORG_MEMBER"] },
    ]);
    const stack = await e2e.inlineStack(invitationsProgram(e2e.orgId, people));
    await stack.up();
    e2e.emulator.state.acceptInvitation(e2e.orgId, e2e.view.pendingFor(ALICE).id);
    await e2e.admin.deleteInvitation(e2e.orgId, e2e.view.pendingFor(BOB).id);
    e2e.emulator.state.expireInvitation(e2e.orgId, e2e.view.pendingFor(CAROL).id);
    expect(e2e.view.pending()).toEqual([]);
    const mark = e2e.view.mark();

    const destroy = await stack.destroy();

    expect(destroy.result.summary.result).toBe("succeeded");
    expect(destroy.result.summary.resourceChanges).toEqual({ delete: 4 });
    expect(errorDiagnostics(destroy)).toEqual([]);
    const warnings = providerWarnings(destroy);
    expect(warnings).toHaveLength(3);
    expect(warnings.find((w) => w.includes(ALICE))).toContain("accepted");
    expect(warnings.find((w) => w.includes(BOB))).toContain("withdrawn before it was accepted");
    // Hidden and expired ahead of its recorded expiry (see 7b): indistinguishable from a withdrawal.
    expect(warnings.find((w) => w.includes(CAROL))).toMatch(/expired|withdrawn before it was accepted/);
    // Three DELETEs, each answered 404; nothing else changed.
    const deletes = e2e.view.callsSince(mark).filter((r) => r.method === "DELETE");
    expect(deletes.map((r) => r.status)).toEqual([404, 404, 404]);
    expect(e2e.view.writesSince(mark)).toEqual([]);
    expect(await stack.resources()).toEqual([]);
    expect(e2e.view.isMember(ALICE)).toBe(true);
  });
});

describe("the GitOps gate", () => {
  test("13. preview --expect-no-changes fails on drift and passes once converged", async () => {
    const stack = await e2e.inlineStack(invitationsProgram(e2e.orgId, twoPeople()));
    await stack.up();
    await stack.preview({ refresh: true, expectNoChanges: true });
    const revoked = e2e.view.pendingFor(ALICE);
    const bobId = e2e.view.pendingFor(BOB).id;

    await e2e.admin.deleteInvitation(e2e.orgId, revoked.id);
    const mark = e2e.view.mark();
    const failed = await stack.preview({ refresh: true, expectNoChanges: true }).then(
      () => undefined,
      (e: unknown) => e,
    );
    expect(failed).toBeInstanceOf(StackOperationError);
    const error = failed as StackOperationError;
    expect(error.message).toMatch(/Command failed with exit code [1-9]/);
    expect(error.message).toContain("no changes were expected for preview but changes were proposed");
    expect(error.output).toContain("alice");
    // What drifted, as the gate's refresh found it.
    expect(error.drift).toEqual([{ name: "alice", changes: { status: ["PENDING", "REVOKED"] } }]);
    // The gate read Cloud Manager (its refresh) but wrote nothing, fixed nothing, and kept no state.
    expect(e2e.view.callsSince(mark).filter((r) => r.method === "GET").length).toBeGreaterThan(0);
    expect(e2e.view.writesSince(mark)).toEqual([]);
    expect(e2e.view.pendingByUser().has(ALICE)).toBe(false);
    expect(await stack.invitationState("alice")).toMatchObject({ status: "PENDING", invitationId: revoked.id });

    const refresh = await stack.refresh();
    expect(refresh.drift).toEqual([{ name: "alice", changes: { status: ["PENDING", "REVOKED"] } }]);
    expect(await stack.invitationState("alice")).toMatchObject({ status: "REVOKED", invitationId: revoked.id });
    expect(e2e.view.writesSince(mark)).toEqual([]);
    await stack.up();
    expect(e2e.view.describeWritesSince(mark)).toEqual([`POST /orgs/${e2e.orgId}/invites 201`]);
    const passed = await stack.preview({ refresh: true, expectNoChanges: true });
    expect(passed.result.changeSummary).toEqual({ same: 3 });
    const reinvited = e2e.view.pendingFor(ALICE);
    expect(reinvited.id).not.toBe(revoked.id);
    expect(reinvited.roles).toEqual(["ORG_MEMBER"]);
    // The outputs name the new invitation for alice and the untouched one for bob.
    const outputs = invitationOutputs(await stack.outputs());
    expect(outputs["alice"]).toMatchObject({ status: "PENDING", invitationId: reinvited.id });
    expect(outputs["bob"]).toMatchObject({ status: "PENDING", invitationId: bobId });

    await stack.destroy();
    expect(e2e.view.pending()).toEqual([]);
  });
});
