// update: PATCH roles by id; an invitation that vanished meanwhile is resolved as read does.
import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { checkAndCreate, expectStorable, noticesMatching, runtime, startHarness, stateOf, writes, type Harness } from "./support/harness";

let h: Harness;
beforeAll(async () => {
  h = await startHarness();
});
beforeEach(() => h.reset());
afterAll(() => h.close());

async function inviteAndChangeRoles(username: string) {
  const created = await checkAndCreate({ orgId: h.orgId, username, roles: ["ORG_MEMBER"] });
  const checked = await runtime.check(created.inputs, { ...created.inputs, roles: ["ORG_READ_ONLY", "ORG_GROUP_CREATOR"] });
  const news = checked.inputs ?? {};
  expect(await runtime.diff(created.id, stateOf(created.outs), news)).toEqual({ changes: true });
  h.emulator.state.clearRequests();
  return { ...created, news };
}

describe("OrgInvitation_Update", () => {
  it("patches the roles of the pending invitation in place", async () => {
    const { id, outs, news } = await inviteAndChangeRoles("alice@example.com");
    const result = await runtime.update(id, stateOf(outs), news);
    expect(result.outs).toEqual({ ...outs, roles: ["ORG_GROUP_CREATOR", "ORG_READ_ONLY"] });
    expectStorable(result.outs ?? {});
    expect(writes(h).map((r) => `${r.method} ${r.path} ${r.status}`)).toEqual([
      `PATCH /api/public/v1.0/orgs/${h.orgId}/invites/${outs.invitationId} 200`,
    ]);
    expect(h.emulator.state.pendingInvitations(h.orgId)[0]?.roles.sort()).toEqual(["ORG_GROUP_CREATOR", "ORG_READ_ONLY"]);
  });

  it("succeeds with a warning when the person accepted meanwhile, keeping their roles", async () => {
    const { id, outs, news } = await inviteAndChangeRoles("bob@example.com");
    h.emulator.state.acceptInvitation(h.orgId, outs.invitationId ?? "");
    const result = await runtime.update(id, stateOf(outs), news);
    expect(result.outs).toEqual({ ...outs, status: "ACCEPTED" });
    expect(noticesMatching(h, /bob@example.com accepted the invitation .* before the role change could be applied/)).toHaveLength(1);
    const member = h.emulator.state.members(h.orgId).find((m) => m.username === "bob@example.com");
    expect(member?.roles.map((r) => r.roleName)).toEqual(["ORG_MEMBER"]);
  });

  it("fails telling to run `pulumi refresh` when the invitation was deleted outside Pulumi meanwhile", async () => {
    const { id, outs, news } = await inviteAndChangeRoles("carol@example.com");
    await h.outside.deleteInvitation(h.orgId, outs.invitationId ?? "");
    await expect(runtime.update(id, stateOf(outs), news)).rejects.toThrow(
      /^INVITATION_NOT_PENDING: cannot update the roles of the invitation for carol@example.com: the invitation for carol@example.com was withdrawn before it was accepted \(in Cloud Manager, or by an earlier Pulumi run that was interrupted\)\. Run `pulumi refresh`/,
    );
  });

  it("fails telling to run `pulumi refresh` when the invitation expired meanwhile", async () => {
    const { id, outs, news } = await inviteAndChangeRoles("dan@example.com");
    const expired = h.emulator.state.expireInvitation(h.orgId, outs.invitationId ?? "");
    await expect(runtime.update(id, stateOf({ ...outs, expiresAt: expired.expiresAt }), news)).rejects.toThrow(
      /expired .*Run `pulumi refresh`/,
    );
  });

  it("keeps the record of an ACCEPTED invitation as it is, without calling the API", async () => {
    const { id, outs, news } = await inviteAndChangeRoles("erin@example.com");
    const accepted = { ...outs, status: "ACCEPTED" as const };
    const result = await runtime.update(id, stateOf(accepted), news);
    expect(result.outs).toEqual(accepted);
    expect(h.requests()).toEqual([]);
  });
});
