// delete: 204 → done; 404 → done with a warning naming the likely reason; anything else fails.
import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { checkAndCreate, noticesMatching, runtime, startHarness, stateOf, writes, type Harness } from "./support/harness";

let h: Harness;
beforeAll(async () => {
  h = await startHarness();
});
beforeEach(() => h.reset());
afterAll(() => h.close());

async function invite(username: string) {
  const created = await checkAndCreate({ orgId: h.orgId, username, roles: ["ORG_MEMBER"] });
  h.emulator.state.clearRequests();
  return created;
}

describe("OrgInvitation_Delete", () => {
  it("deletes the pending invitation", async () => {
    const { id, outs } = await invite("alice@example.com");
    await runtime.delete(id, stateOf(outs));
    expect(writes(h).map((r) => `${r.method} ${r.status}`)).toEqual(["DELETE 204"]);
    expect(h.emulator.state.pendingInvitations(h.orgId)).toEqual([]);
    expect(h.notices).toEqual([]);
  });

  it("completes when the person accepted, saying so and that the membership is kept", async () => {
    const { id, outs } = await invite("bob@example.com");
    h.emulator.state.acceptInvitation(h.orgId, outs.invitationId ?? "");
    await runtime.delete(id, stateOf(outs));
    expect(
      noticesMatching(
        h,
        /no longer exists in Cloud Manager \(bob@example.com accepted the invitation .*; the membership is kept\); nothing to delete/,
      ),
    ).toHaveLength(1);
    expect(h.emulator.state.members(h.orgId).map((m) => m.username)).toContain("bob@example.com");
  });

  it("completes when the invitation expired, saying so", async () => {
    const { id, outs } = await invite("carol@example.com");
    const expired = h.emulator.state.expireInvitation(h.orgId, outs.invitationId ?? "");
    await runtime.delete(id, stateOf({ ...outs, expiresAt: expired.expiresAt }));
    expect(noticesMatching(h, /\(the invitation for carol@example.com expired/)).toHaveLength(1);
  });

  it("completes when the invitation was withdrawn before acceptance, saying what is known", async () => {
    const { id, outs } = await invite("dan@example.com");
    await h.outside.deleteInvitation(h.orgId, outs.invitationId ?? "");
    await runtime.delete(id, stateOf(outs));
    expect(
      noticesMatching(
        h,
        /\(the invitation for dan@example.com was withdrawn before it was accepted \(in Cloud Manager, or by an earlier Pulumi run that was interrupted\)\)/,
      ),
    ).toHaveLength(1);
  });

  it("completes with a short warning naming the recorded reason when state already knew it was gone (the re-invite of a replace)", async () => {
    const { id, outs } = await invite("erin@example.com");
    await h.outside.deleteInvitation(h.orgId, outs.invitationId ?? "");
    h.emulator.state.clearRequests();
    await runtime.delete(id, stateOf({ ...outs, status: "REVOKED" }));
    expect(h.notices).toEqual([
      `warning: cloudmanager: the invitation ${outs.invitationId} for erin@example.com was already gone (recorded as REVOKED at the last refresh); nothing to delete.`,
    ]);
    // The 404 is confirmed with the pending list; then the recorded reason is used: no member lookup.
    expect(h.requests().map((r) => `${r.method} ${r.status}`)).toEqual(["DELETE 404", "GET 200"]);
    expect(h.requests()[1]?.path).toBe(`/api/public/v1.0/orgs/${h.orgId}/invites`);
  });

  it("completes with a short warning when state recorded the invitation as EXPIRED", async () => {
    const { id, outs } = await invite("erin2@example.com");
    const expired = h.emulator.state.expireInvitation(h.orgId, outs.invitationId ?? "");
    await runtime.delete(id, stateOf({ ...outs, status: "EXPIRED", expiresAt: expired.expiresAt }));
    expect(
      noticesMatching(h, /erin2@example.com was already gone \(recorded as EXPIRED at the last refresh\); nothing to delete\.$/),
    ).toHaveLength(1);
    expect(h.notices).toHaveLength(1);
  });

  it("sends nothing for a member who was never invited, and says the membership is kept", async () => {
    h.emulator.state.addOrgUser(h.orgId, { username: "frank@example.com", roles: ["ORG_MEMBER"] });
    const { id, outs } = await invite("frank@example.com");
    await runtime.delete(id, stateOf(outs));
    expect(h.requests()).toEqual([]);
    expect(noticesMatching(h, /frank@example.com was already a member .* the membership is kept/)).toHaveLength(1);
  });

  it("fails with the API's code and an actionable message on other errors, and the invitation stays", async () => {
    const { id, outs } = await invite("gina@example.com");
    h.emulator.state.addFault({
      method: "DELETE",
      path: "/invites/",
      fault: { type: "status", status: 403, errorCode: "IP_ADDRESS_NOT_ON_ACCESS_LIST" },
    });
    const error = await runtime.delete(id, stateOf(outs)).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(Error);
    expect((error as Error).message).toMatch(
      /^Deleting the invitation [0-9a-f]{24} for gina@example.com failed: .*\[HTTP 403 IP_ADDRESS_NOT_ON_ACCESS_LIST\]\. Add this machine's IP address/,
    );
    expect((error as Error).message).not.toContain(h.emulator.credentials.privateKey);
    expect(h.emulator.state.pendingInvitations(h.orgId)).toHaveLength(1);
  });
});
