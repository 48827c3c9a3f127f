// Scenarios 1-4 of the real-engine suite: create, no perpetual diff, in-place role update, and
// replacement (teams, username) without ever two pending invitations for one person.

import { describe, expect, test } from "vitest";
import { useE2e, type E2eContext } from "./harness/e2e-context";
import { invitationOutputs, invitationsProgram, numberedPeople, PeopleList, type Person } from "./harness/invitations-program";
import { describeSteps } from "./harness/test-stack";

let e2e: E2eContext;
useE2e("lifecycle", (context) => (e2e = context));

/** Each scenario invites its own people (`<prefix>.<username>`), so no two share an invitation. */
function prefixed(prefix: string, people: Person[]): PeopleList {
  return new PeopleList(people.map((p) => ({ ...p, username: `${prefix}.${p.username}` })));
}

describe("up, preview and refresh", () => {
  test("1. up creates N invitations: the emulator holds exactly N pending and the outputs match them", async () => {
    const people = prefixed("create", numberedPeople(5, ["ORG_MEMBER", "ORG_GROUP_CREATOR"]));
    const stack = await e2e.inlineStack(invitationsProgram(e2e.orgId, people));
    const mark = e2e.view.mark();

    const up = await stack.up();

    expect(up.result.summary.result).toBe("succeeded");
    expect(up.result.summary.resourceChanges).toMatchObject({ create: 6 }); // 5 + the stack
    const pending = e2e.view.pending();
    expect(pending).toHaveLength(5);
    const writes = e2e.view.describeWritesSince(mark);
    expect(writes).toEqual(Array(5).fill(`POST /orgs/${e2e.orgId}/invites 201`));

    const outputs = invitationOutputs(await stack.outputs());
    expect(Object.keys(outputs).sort()).toEqual(people.people.map((p) => p.name));
    for (const person of people.people) {
      const out = outputs[person.name];
      const stored = e2e.view.pendingFor(person.username);
      expect(out).toMatchObject({
        orgId: e2e.orgId,
        username: person.username,
        roles: ["ORG_GROUP_CREATOR", "ORG_MEMBER"],
        teamIds: [],
        invitationId: stored.id,
        status: "PENDING",
        createdAt: stored.createdAt,
        expiresAt: stored.expiresAt,
        inviterUsername: stored.inviterUsername,
        orgName: e2e.emulator.org.name,
      });
      expect([...stored.roles].sort()).toEqual(["ORG_GROUP_CREATOR", "ORG_MEMBER"]);
    }
    // The Pulumi id names the org and the invitation (the format `OrgInvitation.get` takes).
    for (const [name, resource] of await stack.invitations()) {
      expect(resource.id).toBe(`${e2e.orgId}/${outputs[name]?.invitationId}`);
    }

    await stack.destroy();
    expect(e2e.view.pending()).toEqual([]);
  });

  test("2. preview with expectNoChanges passes right after up and after a refresh (no perpetual diff)", async () => {
    // Roles given out of order and teams present: normalization must not make a diff of either.
    const team = e2e.emulator.state.createTeam(e2e.orgId, { name: "readers" });
    const people = prefixed("nodiff", [
      { name: "ann", username: "Ann@Example.com", roles: ["ORG_READ_ONLY", "ORG_BILLING_ADMIN"] },
      { name: "ben", username: "ben@example.com", roles: ["ORG_MEMBER"], teamIds: [team.id] },
    ]);
    const stack = await e2e.inlineStack(invitationsProgram(e2e.orgId, people));
    await stack.up();
    const mark = e2e.view.mark();

    const preview1 = await stack.preview({ expectNoChanges: true });
    expect(preview1.result.changeSummary).toEqual({ same: 3 });
    expect(describeSteps(preview1.steps)).toEqual(["ann: same", "ben: same"]);

    const refresh = await stack.refresh({ expectNoChanges: true });
    expect(refresh.result.summary.result).toBe("succeeded");

    const preview2 = await stack.preview({ expectNoChanges: true });
    expect(preview2.result.changeSummary).toEqual({ same: 3 });
    const up = await stack.up({ expectNoChanges: true });
    expect(up.result.summary.resourceChanges).toEqual({ same: 3 });

    // Only reads reached Cloud Manager.
    expect(e2e.view.writesSince(mark)).toEqual([]);
    expect(e2e.view.pending()).toHaveLength(2);
    const outputs = invitationOutputs(await stack.outputs());
    expect(outputs["ann"]).toMatchObject({
      username: "nodiff.Ann@Example.com",
      roles: ["ORG_BILLING_ADMIN", "ORG_READ_ONLY"],
      status: "PENDING",
    });
    expect(outputs["ben"]).toMatchObject({ teamIds: [team.id], status: "PENDING" });

    await stack.destroy();
    expect(e2e.view.pending()).toEqual([]);
  });
});

describe("changes in code", () => {
  test("3. a role change updates in place: same invitation id, one PATCH", async () => {
    const people = prefixed("update", numberedPeople(3));
    const stack = await e2e.inlineStack(invitationsProgram(e2e.orgId, people));
    await stack.up();
    const before = e2e.view.pendingFor("update.person02@example.com");

    people.set("p02", { roles: ["ORG_MEMBER", "ORG_BILLING_ADMIN"] });
    const preview = await stack.preview();
    expect(describeSteps(preview.steps)).toEqual(["p01: same", "p02: update", "p03: same"]);
    expect(preview.steps.find((s) => s.name === "p02")?.changedInputs).toEqual(["roles"]);
    const mark = e2e.view.mark();

    const up = await stack.up();

    expect(up.result.summary.resourceChanges).toEqual({ same: 3, update: 1 });
    expect(e2e.view.describeWritesSince(mark)).toEqual([`PATCH /orgs/${e2e.orgId}/invites/${before.id} 200`]);
    const after = e2e.view.pendingFor("update.person02@example.com");
    expect(after.id).toBe(before.id);
    expect([...after.roles].sort()).toEqual(["ORG_BILLING_ADMIN", "ORG_MEMBER"]);
    const out = invitationOutputs(await stack.outputs())["p02"];
    expect(out).toMatchObject({ invitationId: before.id, roles: ["ORG_BILLING_ADMIN", "ORG_MEMBER"], status: "PENDING" });
    expect(e2e.view.pending()).toHaveLength(3);

    await stack.destroy();
    expect(e2e.view.pending()).toEqual([]);
  });

  test("4. a teamIds or username change replaces, deleting first: never two pending invitations for one user", async () => {
    const team = e2e.emulator.state.createTeam(e2e.orgId, { name: "operators" });
    const people = prefixed("replace", numberedPeople(3));
    const stack = await e2e.inlineStack(invitationsProgram(e2e.orgId, people));
    await stack.up();
    const oldTeamless = e2e.view.pendingFor("replace.person01@example.com");
    const oldRenamed = e2e.view.pendingFor("replace.person03@example.com");

    // Teams: the API cannot change them in place.
    people.set("p01", { teamIds: [team.id] });
    const preview = await stack.preview();
    expect(preview.steps.filter((s) => s.name === "p01").map((s) => s.op)).toContain("replace");
    let mark = e2e.view.mark();
    const up1 = await stack.up();
    expect(up1.result.summary.resourceChanges).toEqual({ same: 3, replace: 1 });
    expect(e2e.view.describeWritesSince(mark)).toEqual([
      `DELETE /orgs/${e2e.orgId}/invites/${oldTeamless.id} 204`,
      `POST /orgs/${e2e.orgId}/invites 201`,
    ]);
    const withTeam = e2e.view.pendingFor("replace.person01@example.com");
    expect(withTeam.id).not.toBe(oldTeamless.id);
    expect(withTeam.teamIds).toEqual([team.id]);
    expect(invitationOutputs(await stack.outputs())["p01"]).toMatchObject({
      invitationId: withTeam.id,
      teamIds: [team.id],
      status: "PENDING",
    });

    // Username: another person, so another invitation; the old one is withdrawn first.
    people.set("p03", { username: "replace.someone.else@example.com" });
    mark = e2e.view.mark();
    const up2 = await stack.up();
    expect(up2.result.summary.resourceChanges).toEqual({ same: 3, replace: 1 });
    expect(e2e.view.describeWritesSince(mark)).toEqual([
      `DELETE /orgs/${e2e.orgId}/invites/${oldRenamed.id} 204`,
      `POST /orgs/${e2e.orgId}/invites 201`,
    ]);
    expect(e2e.view.pendingByUser().has("replace.person03@example.com")).toBe(false);
    const renamed = e2e.view.pendingFor("replace.someone.else@example.com");
    expect(invitationOutputs(await stack.outputs())["p03"]).toMatchObject({
      invitationId: renamed.id,
      username: "replace.someone.else@example.com",
    });

    // A change of case only is the same person: nothing happens.
    people.set("p02", { username: "replace.Person02@Example.COM" });
    const noop = await stack.preview({ expectNoChanges: true });
    expect(noop.result.changeSummary).toEqual({ same: 4 });

    // The monitor checked after every request of both updates.
    expect(e2e.duplicates.violations).toEqual([]);
    expect(e2e.view.pending()).toHaveLength(3);
    await stack.destroy();
    expect(e2e.view.pending()).toEqual([]);
  });
});
