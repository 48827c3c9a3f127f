// Issue 10 through the real engine: OrgMembership follows one person from the invitation to the
// membership to its removal. Each transition of the lifecycle table (provider/org-membership-lifecycle.ts)
// as the Pulumi CLI drives it — accepted by hand and read as ACTIVE by `refresh`, roles edited by hand
// (the GitOps gate fails, `up --refresh` puts them back), teams changed in code, a member removed by
// hand and invited again, the last Organization Owner refused, `retainOnDelete` — and what a refresh
// of 100 memberships costs in API requests.

import * as pulumi from "@pulumi/pulumi";
import type { EngineEvent, PulumiFn } from "@pulumi/pulumi/automation";
import { describe, expect, test } from "vitest";
import { driftOf, resourceName, stepsOf, type Drift, type Step } from "../../examples/demo/engine-events";
import { builtPackage } from "./harness/built-package";
import { useE2e, type E2eContext } from "./harness/e2e-context";
import type { RequestLogEntry } from "../../emulator";
import { describeRequest, EmulatorView } from "./harness/emulator-view";
import { routeOf } from "./harness/every-route-faults";
import {
  describeSteps,
  errorDiagnostics,
  providerWarnings,
  StackOperationError,
  type StateResource,
  type TestStack,
} from "./harness/test-stack";

let e2e: E2eContext;
useE2e("membership", (context) => (e2e = context));

const MEMBERSHIP_TYPE = "pulumi-nodejs:dynamic/cloudmanager:OrgMembership";

// ---- the program ----

/** One declared OrgMembership; the test changes the list between operations (the program runs in this process). */
interface Declared {
  /** Resource name. */
  name: string;
  username: string;
  roles: string[];
  teamIds?: string[];
  /** The Pulumi resource option: deleting the resource leaves the person's access alone. */
  retainOnDelete?: boolean;
}

/** The exported outputs of one membership. */
interface MembershipOutput {
  orgId: string;
  username: string;
  roles: string[];
  teamIds: string[];
  status: string;
  userId?: string;
  invitationId?: string;
}

class Declarations {
  list: Declared[];

  constructor(list: Declared[]) {
    this.list = list.map((d) => ({ ...d }));
  }

  set(name: string, change: Partial<Declared>): void {
    const found = this.list.find((d) => d.name === name);
    if (!found) throw new Error(`no membership named ${name}`);
    Object.assign(found, change);
  }

  remove(name: string): void {
    this.list = this.list.filter((d) => d.name !== name);
  }
}

function membershipsProgram(orgId: string, declared: Declarations): PulumiFn {
  return async () => {
    const { OrgMembership } = builtPackage();
    const memberships: Record<string, pulumi.Output<MembershipOutput>> = {};
    for (const d of declared.list) {
      const m = new OrgMembership(
        d.name,
        { orgId, username: d.username, roles: d.roles, ...(d.teamIds !== undefined ? { teamIds: d.teamIds } : {}) },
        d.retainOnDelete ? { retainOnDelete: true } : {},
      );
      memberships[d.name] = pulumi.output({
        orgId: m.orgId,
        username: m.username,
        roles: m.roles,
        teamIds: m.teamIds,
        status: m.status,
        userId: m.userId,
        invitationId: m.invitationId,
      });
    }
    return { memberships };
  };
}

async function membershipOutputs(stack: TestStack): Promise<Record<string, MembershipOutput>> {
  const value = (await stack.outputs())["memberships"];
  if (typeof value !== "object" || value === null) throw new Error(`the stack has no "memberships" output`);
  return value as Record<string, MembershipOutput>;
}

/** The OrgMembership resources in state, by resource name. */
async function membershipsInState(stack: TestStack): Promise<Map<string, StateResource>> {
  const found = new Map<string, StateResource>();
  for (const r of await stack.resources()) if (r.type === MEMBERSHIP_TYPE) found.set(resourceName(r.urn), r);
  return found;
}

/** The stored outputs of one OrgMembership; fails if it is not in state. */
async function stateOf(stack: TestStack, name: string): Promise<Record<string, unknown>> {
  const r = (await membershipsInState(stack)).get(name);
  if (!r) throw new Error(`no OrgMembership "${name}" in the state of stack ${stack.name}`);
  return r.outputs ?? {};
}

const membershipSteps = (op: { events: EngineEvent[] }): Step[] => stepsOf(op.events, MEMBERSHIP_TYPE);
const membershipDrift = (op: { events: EngineEvent[] }): Drift[] => driftOf(op.events, MEMBERSHIP_TYPE);

interface GateResult {
  passed: boolean;
  error: unknown;
  events: EngineEvent[];
  output: string;
}

/**
 * The GitOps gate, `pulumi preview --refresh --expect-no-changes`, with its engine events whether it
 * passes or fails (TestStack's error keeps the steps and drift of OrgInvitation only).
 */
async function gate(stack: TestStack): Promise<GateResult> {
  const events: EngineEvent[] = [];
  let output = "";
  try {
    await stack.stack.preview({
      refresh: true,
      expectNoChanges: true,
      onEvent: (e) => void events.push(e),
      onOutput: (text) => void (output += text),
    });
    return { passed: true, error: undefined, events, output };
  } catch (error) {
    return { passed: false, error, events, output };
  }
}

/** The member as the emulator holds it in `orgId` (roles narrowed to that org), or undefined. */
function memberOf(username: string, orgId = e2e.orgId) {
  const wanted = username.toLowerCase();
  return e2e.emulator.state.members(orgId).find((m) => m.username.toLowerCase() === wanted);
}

function orgRoles(username: string, orgId = e2e.orgId): string[] | undefined {
  return memberOf(username, orgId)
    ?.roles.map((r) => r.roleName)
    .sort();
}

// One emulator serves the whole file and a membership outlives its scenario: each scenario has its own people.
const user = (scenario: string, who: string) => `${who}.${scenario}@example.com`;

describe("from invitation to membership", () => {
  test("1. up invites (PENDING, one POST); accepted by hand, refresh records ACTIVE with userId, roles and teams; no diff after", async () => {
    const ann = user("accept", "ann");
    const team = e2e.emulator.state.createTeam(e2e.orgId, { name: "accept-readers" });
    const declared = new Declarations([{ name: "ann", username: ann, roles: ["ORG_MEMBER", "ORG_GROUP_CREATOR"], teamIds: [team.id] }]);
    const stack = await e2e.inlineStack(membershipsProgram(e2e.orgId, declared));
    let mark = e2e.view.mark();

    const up = await stack.up();
    expect(up.result.summary.resourceChanges).toEqual({ create: 2 }); // the membership and the stack
    expect(e2e.view.describeWritesSince(mark)).toEqual([`POST /orgs/${e2e.orgId}/invites 201`]);
    expect(errorDiagnostics(up)).toEqual([]);
    expect(providerWarnings(up)).toEqual([]);
    const invitation = e2e.view.pendingFor(ann);
    expect([...invitation.roles].sort()).toEqual(["ORG_GROUP_CREATOR", "ORG_MEMBER"]);
    expect(invitation.teamIds).toEqual([team.id]);
    expect(memberOf(ann)).toBeUndefined();
    expect((await membershipOutputs(stack))["ann"]).toEqual({
      orgId: e2e.orgId,
      username: ann,
      roles: ["ORG_GROUP_CREATOR", "ORG_MEMBER"],
      teamIds: [team.id],
      status: "PENDING",
      invitationId: invitation.id,
    });
    // The id names the person, not the invitation: it stays the same from invitation to membership.
    expect((await membershipsInState(stack)).get("ann")?.id).toBe(`${e2e.orgId}/${ann}`);

    // The person accepts.
    const member = e2e.emulator.state.acceptInvitation(e2e.orgId, invitation.id);
    mark = e2e.view.mark();

    const refresh = await stack.refresh();
    expect(membershipDrift(refresh)).toHaveLength(1);
    expect(membershipDrift(refresh)[0]).toMatchObject({
      name: "ann",
      changes: { status: ["PENDING", "ACTIVE"], userId: [undefined, member.id], invitationId: [invitation.id, undefined] },
    });
    expect(await stateOf(stack, "ann")).toMatchObject({
      status: "ACTIVE",
      userId: member.id,
      roles: ["ORG_GROUP_CREATOR", "ORG_MEMBER"],
      teamIds: [team.id],
    });
    expect((await stateOf(stack, "ann"))["invitationId"]).toBeUndefined();
    expect((await membershipsInState(stack)).get("ann")?.id).toBe(`${e2e.orgId}/${ann}`);

    // No up needed for the transition: the program and the member agree.
    const preview = await stack.preview({ expectNoChanges: true });
    expect(preview.result.changeSummary).toEqual({ same: 2 });
    expect(describeSteps(membershipSteps(preview))).toEqual(["ann: same"]);
    const passed = await gate(stack);
    expect(passed.error).toBeUndefined();
    expect(e2e.view.writesSince(mark)).toEqual([]);
    expect(orgRoles(ann)).toEqual(["ORG_GROUP_CREATOR", "ORG_MEMBER"]);
    expect(memberOf(ann)?.teamIds).toEqual([team.id]);
  });

  test("2. roles promoted to ORG_OWNER by hand: the gate fails, up --refresh sets them back with one PUT, the gate passes", async () => {
    const bea = user("drift", "bea");
    // Another owner, so that taking ORG_OWNER back from bea is not refused as the last owner's.
    e2e.emulator.state.addOrgUser(e2e.orgId, { username: user("drift", "founder"), roles: ["ORG_OWNER"] });
    const declared = new Declarations([{ name: "bea", username: bea, roles: ["ORG_MEMBER"] }]);
    const stack = await e2e.inlineStack(membershipsProgram(e2e.orgId, declared));
    await stack.up();
    const member = e2e.emulator.state.acceptInvitation(e2e.orgId, e2e.view.pendingFor(bea).id);
    await stack.refresh();
    expect(await stateOf(stack, "bea")).toMatchObject({ status: "ACTIVE", userId: member.id, roles: ["ORG_MEMBER"] });
    expect((await gate(stack)).error).toBeUndefined();

    // An admin promotes the member in the UI.
    e2e.emulator.state.setMemberOrgRoles(e2e.orgId, member.id, ["ORG_OWNER"]);
    let mark = e2e.view.mark();

    const failed = await gate(stack);
    expect(failed.passed).toBe(false);
    expect(failed.error).toBeInstanceOf(Error);
    expect((failed.error as Error).message).toContain("no changes were expected for preview but changes were proposed");
    expect(membershipDrift(failed)).toEqual([{ name: "bea", changes: { roles: [["ORG_MEMBER"], ["ORG_OWNER"]] } }]);
    expect(describeSteps(membershipSteps(failed).filter((s) => s.op !== "refresh"))).toEqual(["bea: update"]);
    // The gate read Cloud Manager but changed nothing and kept nothing.
    expect(e2e.view.writesSince(mark)).toEqual([]);
    expect(orgRoles(bea)).toEqual(["ORG_OWNER"]);
    expect(await stateOf(stack, "bea")).toMatchObject({ roles: ["ORG_MEMBER"] });

    mark = e2e.view.mark();
    const up = await stack.up({ refresh: true });
    expect(up.result.summary.resourceChanges).toEqual({ same: 1, update: 1 });
    expect(errorDiagnostics(up)).toEqual([]);
    expect(e2e.view.describeWritesSince(mark)).toEqual([`PUT /orgs/${e2e.orgId}/users/${member.id}/roles 200`]);
    expect(orgRoles(bea)).toEqual(["ORG_MEMBER"]);
    expect((await membershipOutputs(stack))["bea"]).toMatchObject({ status: "ACTIVE", userId: member.id, roles: ["ORG_MEMBER"] });

    mark = e2e.view.mark();
    const passed = await gate(stack);
    expect(passed.error).toBeUndefined();
    expect(e2e.view.writesSince(mark)).toEqual([]);
  });

  test("3. teamIds changed in code on an ACTIVE member: up joins the new team before leaving the old one", async () => {
    const cy = user("teams", "cy");
    const oldTeam = e2e.emulator.state.createTeam(e2e.orgId, { name: "teams-old" });
    const newTeam = e2e.emulator.state.createTeam(e2e.orgId, { name: "teams-new" });
    // The old team keeps a user once cy leaves it (the emulator, like Cloud Manager, refuses to empty a team).
    e2e.emulator.state.addOrgUser(e2e.orgId, { username: user("teams", "teammate"), roles: ["ORG_MEMBER"], teamIds: [oldTeam.id] });
    const declared = new Declarations([{ name: "cy", username: cy, roles: ["ORG_MEMBER"], teamIds: [oldTeam.id] }]);
    const stack = await e2e.inlineStack(membershipsProgram(e2e.orgId, declared));
    await stack.up();
    const member = e2e.emulator.state.acceptInvitation(e2e.orgId, e2e.view.pendingFor(cy).id);
    await stack.refresh();
    expect(await stateOf(stack, "cy")).toMatchObject({ status: "ACTIVE", teamIds: [oldTeam.id] });

    declared.set("cy", { teamIds: [newTeam.id] });
    const preview = await stack.preview();
    expect(describeSteps(membershipSteps(preview))).toEqual(["cy: update"]);
    expect(membershipSteps(preview)[0]?.changedInputs).toEqual(["teamIds"]);
    const mark = e2e.view.mark();

    const up = await stack.up();
    expect(up.result.summary.resourceChanges).toEqual({ same: 1, update: 1 });
    expect(errorDiagnostics(up)).toEqual([]);
    // In this order: the new team joined, then the old one left. No role change, no invitation.
    expect(e2e.view.describeWritesSince(mark)).toEqual([
      `POST /orgs/${e2e.orgId}/teams/${newTeam.id}/users 200`,
      `DELETE /orgs/${e2e.orgId}/teams/${oldTeam.id}/users/${member.id} 204`,
    ]);
    expect(memberOf(cy)?.teamIds).toEqual([newTeam.id]);
    expect(e2e.emulator.state.teamUsers(e2e.orgId, oldTeam.id).map((u) => u.username)).toEqual([user("teams", "teammate")]);
    expect((await membershipOutputs(stack))["cy"]).toMatchObject({ status: "ACTIVE", userId: member.id, teamIds: [newTeam.id] });
    expect((await gate(stack)).error).toBeUndefined();
  });

  test("4. a member removed by hand: refresh reads REMOVED, the next up invites them again (one POST, PENDING)", async () => {
    const dee = user("removed", "dee");
    const declared = new Declarations([{ name: "dee", username: dee, roles: ["ORG_READ_ONLY"] }]);
    const stack = await e2e.inlineStack(membershipsProgram(e2e.orgId, declared));
    await stack.up();
    const member = e2e.emulator.state.acceptInvitation(e2e.orgId, e2e.view.pendingFor(dee).id);
    await stack.refresh();
    expect(await stateOf(stack, "dee")).toMatchObject({ status: "ACTIVE", userId: member.id });

    e2e.emulator.state.removeOrgUser(e2e.orgId, member.id);
    const mark = e2e.view.mark();

    const refresh = await stack.refresh();
    expect(membershipDrift(refresh)).toEqual([{ name: "dee", changes: { status: ["ACTIVE", "REMOVED"] } }]);
    expect(await stateOf(stack, "dee")).toMatchObject({ status: "REMOVED", userId: member.id });
    expect(e2e.view.writesSince(mark)).toEqual([]);
    const preview = await stack.preview();
    expect(membershipSteps(preview).map((s) => s.op)).toContain("replace");

    const up = await stack.up();
    expect(up.result.summary.resourceChanges).toMatchObject({ replace: 1, same: 1 });
    expect(errorDiagnostics(up)).toEqual([]);
    // Replacement deletes first: nothing left to delete, and the warning says why; then one invitation.
    expect(providerWarnings(up)).toEqual([
      `warning: cloudmanager: ${dee} is neither a member of organization ${e2e.orgId} nor invited (recorded as REMOVED); nothing to delete.`,
    ]);
    expect(e2e.view.describeWritesSince(mark)).toEqual([`POST /orgs/${e2e.orgId}/invites 201`]);
    const invitation = e2e.view.pendingFor(dee);
    expect(invitation.roles).toEqual(["ORG_READ_ONLY"]);
    expect(memberOf(dee)).toBeUndefined();
    expect((await membershipOutputs(stack))["dee"]).toMatchObject({
      status: "PENDING",
      invitationId: invitation.id,
      roles: ["ORG_READ_ONLY"],
    });
    expect(await stateOf(stack, "dee")).not.toHaveProperty("userId");
    expect((await gate(stack)).error).toBeUndefined();
  });
});

describe("refusals and deletion", () => {
  test("5. the last Organization Owner is not demoted: up fails with LAST_ORG_OWNER, nothing changed, state intact", async () => {
    // An organization of its own, whose only owner (among its users) is the declared person; the
    // stack's API key is an owner of it too, as Cloud Manager requires of the provider's credentials.
    const org = e2e.emulator.state.createOrg({ name: "last-owner-org" });
    const key = e2e.emulator.state.addApiKey({ name: "last-owner-org key", orgRoles: [{ orgId: org.id, roles: ["ORG_OWNER"] }] });
    const view = new EmulatorView(e2e.emulator, org.id);
    const eve = user("last-owner", "eve");
    const declared = new Declarations([{ name: "eve", username: eve, roles: ["ORG_OWNER"] }]);
    const stack = await e2e.inlineStack(membershipsProgram(org.id, declared), {
      config: {
        "cloudmanager:publicKey": { value: key.publicKey },
        "cloudmanager:privateKey": { value: key.privateKey, secret: true },
      },
    });
    await stack.up();
    const member = e2e.emulator.state.acceptInvitation(org.id, view.pendingFor(eve).id);
    await stack.refresh();
    expect(await stateOf(stack, "eve")).toMatchObject({ status: "ACTIVE", userId: member.id, roles: ["ORG_OWNER"] });
    expect(e2e.emulator.state.members(org.id).map((m) => m.username)).toEqual([eve]);

    declared.set("eve", { roles: ["ORG_MEMBER"] });
    const mark = view.mark();
    const failed = await stack.up().then(
      () => undefined,
      (e: unknown) => e,
    );

    expect(failed).toBeInstanceOf(StackOperationError);
    const error = failed as StackOperationError;
    const errors = error.diagnostics.filter((d) => d.severity === "error").map((d) => d.message);
    const refusal = errors.find((m) => m.includes("LAST_ORG_OWNER"));
    expect(refusal, errors.join("\n")).toBeDefined();
    expect(refusal).toContain(`${eve} is the last Organization Owner of organization ${org.id}`);
    expect(refusal).toContain("Give another member ORG_OWNER first");
    expect(refusal).toContain("Nothing was changed.");
    // Nothing was sent: the refusal comes before any write, and the member is still the owner.
    expect(
      view
        .requestsSince(mark)
        .filter((r) => r.method !== "GET" && r.status !== 401)
        .map(describeRequest),
    ).toEqual([]);
    expect(orgRoles(eve, org.id)).toEqual(["ORG_OWNER"]);
    // The state still records the owner, so the next preview proposes the same update again.
    expect(await stateOf(stack, "eve")).toMatchObject({ status: "ACTIVE", userId: member.id, roles: ["ORG_OWNER"] });
    expect((await membershipOutputs(stack))["eve"]).toMatchObject({ roles: ["ORG_OWNER"] });
    const preview = await stack.preview();
    expect(describeSteps(membershipSteps(preview))).toEqual(["eve: update"]);
  });

  test("6. retainOnDelete leaves the member in the organization; without it destroy removes the member (one DELETE)", async () => {
    const kept = user("retain", "kept");
    const dropped = user("retain", "dropped");
    const declared = new Declarations([
      { name: "kept", username: kept, roles: ["ORG_MEMBER"], retainOnDelete: true },
      { name: "dropped", username: dropped, roles: ["ORG_MEMBER"] },
    ]);
    const stack = await e2e.inlineStack(membershipsProgram(e2e.orgId, declared));
    await stack.up();
    const keptMember = e2e.emulator.state.acceptInvitation(e2e.orgId, e2e.view.pendingFor(kept).id);
    const droppedMember = e2e.emulator.state.acceptInvitation(e2e.orgId, e2e.view.pendingFor(dropped).id);
    await stack.refresh();
    expect(await stateOf(stack, "kept")).toMatchObject({ status: "ACTIVE", userId: keptMember.id });
    expect(await stateOf(stack, "dropped")).toMatchObject({ status: "ACTIVE", userId: droppedMember.id });

    // Removed from the program: Pulumi forgets it and the provider is not asked to delete.
    declared.remove("kept");
    let mark = e2e.view.mark();
    const up = await stack.up();
    expect(describeSteps(membershipSteps(up))).toEqual(["dropped: same", "kept: delete"]);
    expect(errorDiagnostics(up)).toEqual([]);
    expect(providerWarnings(up)).toEqual([]);
    expect(e2e.view.writesSince(mark)).toEqual([]);
    expect([...(await membershipsInState(stack)).keys()]).toEqual(["dropped"]);
    expect(memberOf(kept)?.id).toBe(keptMember.id);

    mark = e2e.view.mark();
    const destroy = await stack.destroy();
    expect(destroy.result.summary.result).toBe("succeeded");
    expect(errorDiagnostics(destroy)).toEqual([]);
    expect(providerWarnings(destroy)).toEqual([]);
    expect(e2e.view.describeWritesSince(mark)).toEqual([`DELETE /orgs/${e2e.orgId}/users/${droppedMember.id} 204`]);
    expect(memberOf(dropped)).toBeUndefined();
    expect(memberOf(kept)?.id).toBe(keptMember.id);
    expect(await stack.resources()).toEqual([]);
  });
});

describe("at scale", () => {
  test("7. refresh of 100 memberships (50 pending, 50 active) reads each organization list once, not once per person", async () => {
    const team = e2e.emulator.state.createTeam(e2e.orgId, { name: "scale" });
    const people: Declared[] = Array.from({ length: 100 }, (_, i) => {
      const n = String(i + 1).padStart(3, "0");
      return { name: `m${n}`, username: user("scale", `person${n}`), roles: ["ORG_MEMBER"], teamIds: [team.id] };
    });
    const stack = await e2e.inlineStack(membershipsProgram(e2e.orgId, new Declarations(people)));
    let mark = e2e.view.mark();
    const up = await stack.up();
    expect(up.result.summary.resourceChanges).toEqual({ create: 101 });
    const upRequests = e2e.view.requestsSince(mark);
    expect(e2e.view.writesSince(mark)).toHaveLength(100);
    expectOneReadPerList(e2e.view.callsSince(mark).filter((r) => r.method === "GET"));

    // Every other person accepts: 50 active (on the team), 50 still invited.
    const accepted = new Set(people.filter((_, i) => i % 2 === 0).map((p) => p.name));
    for (const p of people) if (accepted.has(p.name)) e2e.emulator.state.acceptInvitation(e2e.orgId, e2e.view.pendingFor(p.username).id);
    expect(e2e.emulator.state.teamUsers(e2e.orgId, team.id)).toHaveLength(50);
    mark = e2e.view.mark();

    const refresh = await stack.refresh();

    const requests = e2e.view.requestsSince(mark);
    const calls = e2e.view.callsSince(mark);
    console.log(`[membership e2e] refresh of 100 OrgMembership (50 PENDING, 50 ACTIVE): ${describeCount(requests)}`);
    console.log(`[membership e2e] the up that created them: ${describeCount(upRequests)}`);
    expect(membershipDrift(refresh)).toHaveLength(50);
    const state = await membershipsInState(stack);
    for (const p of people) {
      expect(state.get(p.name)?.outputs?.["status"], p.name).toBe(accepted.has(p.name) ? "ACTIVE" : "PENDING");
      expect(state.get(p.name)?.outputs?.["teamIds"], p.name).toEqual([team.id]);
    }
    // The bound: a refresh is one deployment (one provider process), and a deployment reads each of the
    // organization's lists ONCE and shares it among all its resources: the members (GET …/users), the
    // pending invitations (GET …/invites) and the teams (GET …/teams, to keep only this org's team ids),
    // each one page here (500 entries per page). So at most 3 authenticated reads for one organization,
    // whatever the number of people; each may at worst be preceded by a Digest challenge (a 401 to a
    // request sent without credentials; a new provider process collects one, on its first request):
    // 2 × 3 = 6 requests at most. Measured: 4 (the 3 reads and 1 challenge).
    expect(e2e.view.writesSince(mark)).toEqual([]);
    expectOneReadPerList(calls);
    expect(requests.length).toBeLessThanOrEqual(6);

    // Destroy: one request per person (the invitation withdrawn, or the member removed), the same reads.
    mark = e2e.view.mark();
    const destroy = await stack.destroy();
    expect(destroy.result.summary.resourceChanges).toEqual({ delete: 101 });
    expect(errorDiagnostics(destroy)).toEqual([]);
    const destroyRequests = e2e.view.requestsSince(mark);
    const destroyCalls = e2e.view.callsSince(mark);
    console.log(`[membership e2e] destroy of the same 100: ${describeCount(destroyRequests)}`);
    expect(countBy(e2e.view.writesSince(mark).map((r) => `${routeOf(r)} ${r.status}`))).toEqual({
      "DELETE /orgs/{id}/invites/{id} 204": 50,
      "DELETE /orgs/{id}/users/{id} 204": 50,
    });
    expectOneReadPerList(destroyCalls.filter((r) => r.method === "GET"));
    expect(people.filter((p) => memberOf(p.username) !== undefined)).toEqual([]);
    expect(e2e.view.pendingByUser().size).toBe(0);
  });
});

const LIST_ROUTES = new Set(["GET /orgs/{id}/users", "GET /orgs/{id}/invites", "GET /orgs/{id}/teams"]);

/** Authenticated requests that are only reads of the organization's lists, each list at most once. */
function expectOneReadPerList(calls: RequestLogEntry[]): void {
  const routes = calls.map(routeOf);
  expect(routes.filter((r) => !LIST_ROUTES.has(r))).toEqual([]);
  expect(routes.length).toBe(new Set(routes).size);
  expect(routes.length).toBeLessThanOrEqual(LIST_ROUTES.size);
}

/** "4 requests to the emulator (3 authenticated, 1 Digest challenge): {"ROUTE STATUS": count}" */
function describeCount(requests: RequestLogEntry[]): string {
  const challenges = requests.filter((r) => r.status === 401 && r.auth.type === "none").length;
  const byRoute = JSON.stringify(countBy(requests.map((r) => `${routeOf(r)} ${r.status}`)));
  return `${requests.length} requests to the emulator (${requests.length - challenges} authenticated, ${challenges} Digest challenge): ${byRoute}`;
}

function countBy(keys: string[]): Record<string, number> {
  const counts: Record<string, number> = {};
  for (const k of keys) counts[k] = (counts[k] ?? 0) + 1;
  return counts;
}
