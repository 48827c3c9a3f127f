// OrgRoster through the real engine (issue 10): access nobody declared is drift. The GitOps gate
// `pulumi preview --refresh --expect-no-changes` fails on it (the CLI's exit code 7, "no changes
// expected", which the Automation API turns into a rejection) and names it; `pulumi up` without
// prune records it and changes nothing in Cloud Manager; with `prune` (stack config, as the GitOps
// workflow sets it on merge to main) `up` withdraws the invitation and removes the member, one
// "pruned:" line each, and the gate passes again. Never removed: a person the program declares, an
// ignored pattern.

import * as pulumi from "@pulumi/pulumi";
import type { PulumiFn } from "@pulumi/pulumi/automation";
import { afterEach, beforeAll, beforeEach, describe, expect, test } from "vitest";
import { LONG_STRING } from "../../provider/runtime/wire-strings";
import { byName } from "../support/roster-lines";
import { builtPackage } from "./harness/built-package";
import { useE2e, type E2eContext } from "./harness/e2e-context";
import { errorDiagnostics, providerWarnings, StackOperationError, type TestStack } from "./harness/test-stack";

/** A username as a literal inside a RegExp. */
const escapeRegExp = (text: string) => text.replace(/[.*+?^${}()|[\]\\]/g, "\\$&");

let e2e: E2eContext;
useE2e("roster", (context) => (e2e = context));

/** The organization's break-glass owner: there from the start, in every roster's `ignore`. */
const BREAK_GLASS = "admin@break-glass.example.com";
const IGNORE = ["*@break-glass.example.com"];

beforeAll(() => {
  e2e.emulator.state.addOrgUser(e2e.orgId, { username: BREAK_GLASS, roles: ["ORG_OWNER"] });
});

// A roster sees the whole organization: each scenario leaves it as it found it (pending invitations
// are withdrawn by useE2e; the members other than the break-glass owner are removed here).
afterEach(() => {
  for (const member of e2e.emulator.state.members(e2e.orgId)) {
    if (member.username !== BREAK_GLASS) e2e.emulator.state.removeOrgUser(e2e.orgId, member.id);
  }
});

// One emulator serves the whole file: each scenario has people of its own.
let scenario = 0;
let ALICE = "";
let BOB = "";
let STRANGER = "";
let BY_HAND = "";

beforeEach(() => {
  scenario++;
  ALICE = `alice.${scenario}@example.com`;
  BOB = `bob.${scenario}@example.com`;
  STRANGER = `stranger.${scenario}@example.com`;
  BY_HAND = `by-hand.${scenario}@example.com`;
});

interface Person {
  /** Resource name. */
  name: string;
  username: string;
  roles: string[];
}

interface AccessProgram {
  people: Person[];
  /** The roster's `managed`; defaults to the people's usernames. */
  managed?: string[];
  /** The roster's `ignore`; defaults to the break-glass owner's domain. */
  ignore?: string[];
}

/**
 * One OrgMembership per person plus the organization's OrgRoster (after them, as
 * examples/org-membership declares it), `prune` read from the stack config as that example does.
 */
function accessProgram(orgId: string, program: AccessProgram): PulumiFn {
  return async () => {
    const { OrgMembership, OrgRoster } = builtPackage();
    const prune = new pulumi.Config().getBoolean("prune") ?? false;
    const memberships = program.people.map(
      (person) => [person.name, new OrgMembership(person.name, { orgId, username: person.username, roles: person.roles })] as const,
    );
    const roster = new OrgRoster(
      "roster",
      { orgId, managed: program.managed ?? program.people.map((p) => p.username), ignore: program.ignore ?? IGNORE, prune },
      { dependsOn: memberships.map(([, membership]) => membership) },
    );
    return {
      statuses: pulumi.all(Object.fromEntries(memberships.map(([name, membership]) => [name, membership.status]))),
      unmanagedInvitations: roster.unmanagedInvitations,
      unmanagedMembers: roster.unmanagedMembers,
    };
  };
}

function alicePendingBobActive(): AccessProgram {
  return {
    people: [
      { name: "alice", username: ALICE, roles: ["ORG_MEMBER"] },
      { name: "bob", username: BOB, roles: ["ORG_READ_ONLY"] },
    ],
  };
}

/** The gate as the scheduled job runs it: undefined when it passed, the Automation API's rejection when it failed. */
async function gate(stack: TestStack): Promise<StackOperationError | undefined> {
  return stack.preview({ refresh: true, expectNoChanges: true, diff: true }).then(
    () => undefined,
    (e: unknown) => {
      if (e instanceof StackOperationError) return e;
      throw e;
    },
  );
}

/** The gate failed as a pipeline sees it: the CLI's exit code 7 (Pulumi's ExitNoChanges) and its message. */
function expectGateFailed(failed: StackOperationError | undefined): asserts failed is StackOperationError {
  expect(failed, "the gate passed").toBeInstanceOf(StackOperationError);
  expect(failed?.message).toMatch(/Command failed with exit code 7: .*pulumi preview --expect-no-changes --refresh/);
  expect(failed?.message).toContain("no changes were expected for preview but changes were proposed");
}

/** The world after `up`: alice is a member, bob's invitation pending; then someone is invited and someone added by hand. */
async function upThenAccessByHand(stack: TestStack) {
  const first = await stack.up();
  expect(first.result.summary.resourceChanges).toEqual({ create: 4 });
  e2e.emulator.state.acceptInvitation(e2e.orgId, e2e.view.pendingFor(BOB).id);
  // Acceptance is the goal, not drift: the gate passes.
  expect(await gate(stack)).toBeUndefined();
  const invited = e2e.emulator.state.inviteAs(e2e.orgId, { username: STRANGER, roles: ["ORG_GROUP_CREATOR"] }, "admin@example.com");
  const added = e2e.emulator.state.addOrgUser(e2e.orgId, { username: BY_HAND, roles: ["ORG_READ_ONLY"] });
  return { invited, added };
}

/** A path as the request log's "METHOD path status" lines show it. */
function orgPath(path: string): string {
  return `/orgs/${e2e.orgId}${path}`;
}

function memberNames(): string[] {
  return e2e.emulator.state
    .members(e2e.orgId)
    .map((m) => m.username)
    .sort();
}

describe("OrgRoster without prune: undeclared access is drift, and only reported", () => {
  test("the gate fails (exit code 7) naming the invited and the added person; up records them and writes nothing; the gate keeps failing", async () => {
    const stack = await e2e.inlineStack(accessProgram(e2e.orgId, alicePendingBobActive()));
    const { invited, added } = await upThenAccessByHand(stack);

    const red = await gate(stack);
    expectGateFailed(red);
    // The provider's warning names both (with who invited whom and when) and says what to do.
    const notice = red.message.split("\n").find((line) => line.startsWith("warning: cloudmanager: undeclared access"));
    expect(notice).toContain(`${BY_HAND} (member: ORG_READ_ONLY)`);
    expect(notice).toContain(`${STRANGER} (invited by admin@example.com at ${invited.createdAt}: ORG_GROUP_CREATOR)`);
    expect(notice).toContain("set `prune: true` to remove them at `pulumi up`");
    // The refresh diff names them too, as the roster's outputs.
    // One line of JSON Lines each (one person per list), which the diff shows as a JSON object added,
    // naming the person (`[^}]*`: within that output's object).
    expect(red.output).toMatch(new RegExp(`unmanagedInvitations\\s*: \\(json\\) \\{[^}]*\\+ username\\s*: "${escapeRegExp(STRANGER)}"`));
    expect(red.output).toMatch(new RegExp(`unmanagedMembers\\s*: \\(json\\) \\{[^}]*\\+ username\\s*: "${escapeRegExp(BY_HAND)}"`));
    expect(red.output).toMatch(/~ pulumi-nodejs:dynamic\/cloudmanager:OrgRoster: \(update\)/);

    // `up` (prune false, as on every run but a merge to main): recorded, reported, nothing sent.
    const mark = e2e.view.mark();
    const up = await stack.up({ refresh: true });
    expect(e2e.view.writesSince(mark)).toEqual([]);
    expect(errorDiagnostics(up)).toEqual([]);
    expect(providerWarnings(up).some((w) => w.includes("undeclared access") && w.includes(STRANGER) && w.includes(BY_HAND))).toBe(true);
    expect(providerWarnings(up).filter((w) => w.includes("pruned"))).toEqual([]);
    const outputs = await stack.outputs();
    expect(outputs["statuses"]).toEqual({ alice: "PENDING", bob: "ACTIVE" });
    const firstSeen = expect.stringMatching(/^\d{4}-\d\d-\d\dT/) as unknown;
    // One JSON object per line, looked up by username.
    expect(byName(outputs["unmanagedInvitations"])).toEqual({
      [STRANGER]: {
        username: STRANGER,
        roles: ["ORG_GROUP_CREATOR"],
        invitationId: invited.id,
        inviterUsername: "admin@example.com",
        createdAt: invited.createdAt,
        firstSeen,
      },
    });
    expect(byName(outputs["unmanagedMembers"])).toEqual({
      [BY_HAND]: { username: BY_HAND, roles: ["ORG_READ_ONLY"], userId: added.id, firstSeen },
    });
    // Cloud Manager as it was.
    expect(e2e.view.pendingFor(STRANGER).id).toBe(invited.id);
    expect(memberNames()).toEqual([BREAK_GLASS, BOB, BY_HAND].sort());

    // Still there, so still drift.
    expectGateFailed(await gate(stack));
    expect(e2e.view.writesSince(mark)).toEqual([]);
  });
});

describe("OrgRoster with prune: up removes the undeclared access", () => {
  test("prune=true: up withdraws the invitation and removes the member, a 'pruned:' line each; the gate passes, also once prune is off again", async () => {
    const stack = await e2e.inlineStack(accessProgram(e2e.orgId, alicePendingBobActive()));
    const { invited, added } = await upThenAccessByHand(stack);
    expectGateFailed(await gate(stack));

    // The merge to main: `pulumi up --refresh` with prune set for this run.
    await stack.stack.setConfig("prune", { value: "true" });
    const mark = e2e.view.mark();
    const up = await stack.up({ refresh: true });
    expect(up.result.summary.resourceChanges).toMatchObject({ update: 1 });
    expect(e2e.view.describeWritesSince(mark)).toEqual([
      `DELETE ${orgPath(`/invites/${invited.id}`)} 204`,
      `DELETE ${orgPath(`/users/${added.id}`)} 204`,
    ]);
    const pruned = providerWarnings(up).filter((w) => w.includes("pruned:"));
    expect(pruned).toEqual([
      expect.stringMatching(
        new RegExp(
          `^warning: cloudmanager: pruned: withdrawing the invitation ${invited.id} for ${literal(STRANGER)} \\(ORG_GROUP_CREATOR; sent by admin@example.com at ${literal(invited.createdAt)}\\), which no resource declares\\.$`,
        ),
      ) as unknown,
      expect.stringMatching(
        new RegExp(
          `^warning: cloudmanager: pruned: removing ${literal(BY_HAND)} \\(ORG_READ_ONLY\\) from organization ${e2e.orgId}; no resource declares them\\.$`,
        ),
      ) as unknown,
    ]);
    // The up's own text shows the same lines (what a CI log shows).
    expect(up.output).toContain(`pruned: withdrawing the invitation ${invited.id} for ${STRANGER}`);
    expect(up.output).toContain(`pruned: removing ${BY_HAND}`);
    const outputs = await stack.outputs();
    expect(outputs["unmanagedInvitations"]).toBe("");
    expect(outputs["unmanagedMembers"]).toBe("");
    // Only they went: the declared people and the ignored owner stay.
    expect([...e2e.view.pendingByUser().keys()]).toEqual([ALICE]);
    expect(memberNames()).toEqual([BREAK_GLASS, BOB].sort());

    // Afterwards the gate passes (prune still set) …
    expect(await gate(stack)).toBeUndefined();

    // … and with prune off, as the scheduled gate runs: prune alone is no change, so it passes with
    // no up in between (see examples/gitops/cloud-manager-membership.yml).
    await stack.stack.removeConfig("prune");
    const reset = e2e.view.mark();
    expect(await gate(stack)).toBeUndefined();
    expect(e2e.view.writesSince(reset)).toEqual([]);
  });
});

describe("OrgRoster never removes", () => {
  test("a person the program declares (pending, member, adopted, or left out of `managed`), nor an ignored pattern", async () => {
    const CAROL = `carol.${scenario}@example.com`; // a member by hand before the program declared her: adopted
    const DAVE = `dave.${scenario}@example.com`; // declared by an OrgMembership, left out of `managed` by mistake
    const CONTRACTOR = `x.${scenario}@contractors.example.com`;
    const CONTRACTOR_INVITED = `y.${scenario}@contractors.example.com`;
    const INTRUDER = `intruder.${scenario}@example.com`;
    e2e.emulator.state.addOrgUser(e2e.orgId, { username: CAROL, roles: ["ORG_READ_ONLY"] });
    e2e.emulator.state.addOrgUser(e2e.orgId, { username: CONTRACTOR, roles: ["ORG_MEMBER"] });
    e2e.emulator.state.inviteAs(e2e.orgId, { username: CONTRACTOR_INVITED, roles: ["ORG_MEMBER"] }, "admin@example.com");
    const intruder = e2e.emulator.state.addOrgUser(e2e.orgId, { username: INTRUDER, roles: ["ORG_OWNER"] });

    const people: Person[] = [
      { name: "alice", username: ALICE, roles: ["ORG_MEMBER"] },
      { name: "bob", username: BOB, roles: ["ORG_MEMBER"] },
      { name: "carol", username: CAROL, roles: ["ORG_READ_ONLY"] },
      { name: "dave", username: DAVE, roles: ["ORG_MEMBER"] },
    ];
    const stack = await e2e.inlineStack(
      accessProgram(e2e.orgId, {
        people,
        managed: [ALICE, BOB, CAROL],
        ignore: [...IGNORE, "*@CONTRACTORS.example.com"],
      }),
      { config: { prune: { value: "true" } } },
    );

    // The first up, prune on from the start: invites alice, bob and dave, adopts carol; prunes the intruder only.
    let mark = e2e.view.mark();
    const first = await stack.up();
    expect(errorDiagnostics(first)).toEqual([]);
    expect(e2e.view.describeWritesSince(mark).filter((w) => w.startsWith("DELETE"))).toEqual([
      `DELETE ${orgPath(`/users/${intruder.id}`)} 204`,
    ]);
    expect(providerWarnings(first).filter((w) => w.includes("pruned"))).toEqual([
      expect.stringContaining(`pruned: removing ${INTRUDER} (ORG_OWNER)`) as unknown,
    ]);

    // Later: alice and dave accept, someone else is invited by hand; the next merge prunes only that.
    e2e.emulator.state.acceptInvitation(e2e.orgId, e2e.view.pendingFor(ALICE).id);
    e2e.emulator.state.acceptInvitation(e2e.orgId, e2e.view.pendingFor(DAVE).id);
    const later = e2e.emulator.state.inviteAs(e2e.orgId, { username: STRANGER, roles: ["ORG_MEMBER"] }, "admin@example.com");
    mark = e2e.view.mark();
    const second = await stack.up({ refresh: true });
    expect(e2e.view.describeWritesSince(mark)).toEqual([`DELETE ${orgPath(`/invites/${later.id}`)} 204`]);
    expect(providerWarnings(second).filter((w) => w.includes("pruned"))).toEqual([
      expect.stringContaining(`pruned: withdrawing the invitation ${later.id} for ${STRANGER}`) as unknown,
    ]);
    expect((await stack.outputs())["statuses"]).toEqual({ alice: "ACTIVE", bob: "PENDING", carol: "ACTIVE", dave: "ACTIVE" });
    expect(memberNames()).toEqual([BREAK_GLASS, ALICE, CAROL, CONTRACTOR, DAVE].sort());
    expect([...e2e.view.pendingByUser().keys()].sort()).toEqual([BOB, CONTRACTOR_INVITED].sort());
  });
});

describe("OrgRoster's outputs through the provider's long-string path (provider/runtime/wire-strings)", () => {
  test("undeclared people named with characters of every UTF-8 length: their lines come back as written, and a refresh keeps them so", async () => {
    // Past the threshold, the lines go through Node's UTF-8 both ways in the provider process (checked
    // to fail when the path writes other bytes; that it reads what google-protobuf would is
    // test/provider/wire-strings.test.ts's).
    const names = Array.from({ length: 12 }, (_, i) => `zoë.ñandú.名前.🙂.${i}.${scenario}@example.com`);
    const added = new Map(
      names.map((username) => [username, e2e.emulator.state.addOrgUser(e2e.orgId, { username, roles: ["ORG_MEMBER"] }).id]),
    );
    const stack = await e2e.inlineStack(accessProgram(e2e.orgId, alicePendingBobActive()));
    const up = await stack.up();
    expect(errorDiagnostics(up)).toEqual([]);
    const lines = (await stack.outputs())["unmanagedMembers"];
    if (typeof lines !== "string") throw new Error(`unmanagedMembers is not a string: ${JSON.stringify(lines)}`);
    expect(lines.length).toBeGreaterThan(LONG_STRING);
    const found = byName(lines);
    expect(Object.keys(found).sort()).toEqual([...names].sort());
    for (const [username, id] of added) expect(found[username]).toMatchObject({ username, userId: id, roles: ["ORG_MEMBER"] });

    // The read gets them back as olds and answers with them again: the refresh leaves them as they were.
    const refresh = await stack.refresh();
    expect(errorDiagnostics(refresh)).toEqual([]);
    expect((await stack.outputs())["unmanagedMembers"]).toBe(lines);
  });
});

function literal(text: string): string {
  return text.replace(/[.*+?^${}()|[\]\\]/g, "\\$&");
}
