// A 404 means "this invitation is gone" only when Cloud Manager gave it to an authenticated request and
// the organization's pending list confirms it. Anything else keeps the resource in state.
import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { checkAndCreate, runtime, startHarness, stateOf, type Harness } from "./support/harness";

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

/** The same server with a typo in the path: every request answers 404 without a challenge. */
async function configureTypoEndpoint(): Promise<void> {
  const origin = new URL(h.emulator.baseUrl).origin;
  await h.configure({ baseUrl: `${origin}/typo/api/public/v1.0`, ...h.emulator.credentials });
}

describe("a 404 that proves nothing keeps the resource", () => {
  it("delete against a wrong base URL path fails, says to check baseUrl, and the invitation stays pending", async () => {
    const { id, outs } = await invite("alice@example.com");
    await configureTypoEndpoint();
    const error = await runtime.delete(id, stateOf(outs)).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(Error);
    expect((error as Error).message).toMatch(/^Deleting the invitation [0-9a-f]{24} for alice@example.com failed: .*\[HTTP 404/);
    expect((error as Error).message).toMatch(/without checking the credentials.*cloudmanager:baseUrl/);
    expect(h.notices.filter((n) => /nothing to delete/.test(n))).toEqual([]);
    expect(h.emulator.state.pendingInvitations(h.orgId).map((i) => i.id)).toEqual([outs.invitationId]);
    // Nothing reached the real API path.
    expect(h.requests().filter((r) => r.path.startsWith("/api/"))).toEqual([]);
  });

  it("over OAuth too: the token comes from the server root, so the 404 looks authenticated; the pending list still proves nothing is gone", async () => {
    const { id, outs } = await invite("oauth@example.com");
    const account = h.emulator.serviceAccount;
    if (!account) throw new Error("the harness emulator has a service account");
    const origin = new URL(h.emulator.baseUrl).origin;
    await h.configure({ baseUrl: `${origin}/typo/api/public/v1.0`, clientId: account.clientId, clientSecret: account.clientSecret });
    const error = await runtime.delete(id, stateOf(outs)).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(Error);
    expect((error as Error).message).toMatch(/confirming that with the pending invitations of organization .* failed: .*HTTP 404/);
    expect(h.notices.filter((n) => /nothing to delete/.test(n))).toEqual([]);
    expect(h.emulator.state.pendingInvitations(h.orgId).map((i) => i.id)).toEqual([outs.invitationId]);
  });

  it("read (refresh) and update against a wrong base URL path fail instead of recording REVOKED", async () => {
    const { id, outs, inputs } = await invite("bob@example.com");
    await configureTypoEndpoint();
    await expect(runtime.read(id, stateOf(outs))).rejects.toThrow(/Reading the invitation .* failed: .*HTTP 404/);
    await expect(runtime.update(id, stateOf(outs), { ...inputs, roles: ["ORG_READ_ONLY"] })).rejects.toThrow(
      /Updating the roles .* failed: .*HTTP 404/,
    );
    // A `get` without state does not read as "not found" either.
    await expect(runtime.read(id, {})).rejects.toThrow(/HTTP 404/);
    expect(h.emulator.state.pendingInvitations(h.orgId)).toHaveLength(1);
  });

  it("delete in an organization that does not exist (or that the key cannot see) fails", async () => {
    const { outs } = await invite("carol@example.com");
    const otherOrg = "0123456789abcdef01234567";
    const error = await runtime.delete(`${otherOrg}/${outs.invitationId}`, stateOf({ ...outs, orgId: otherOrg })).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(Error);
    expect((error as Error).message).toMatch(
      /^Deleting the invitation [0-9a-f]{24} for carol@example.com failed: .*(ORG_NOT_FOUND|USER_UNAUTHORIZED|NOT_ORG_ADMIN)/,
    );
    expect(h.notices.filter((n) => /nothing to delete/.test(n))).toEqual([]);
  });

  it("a 404 for the invitation while the organization still lists it pending fails as unclear and changes nothing", async () => {
    const { id, outs } = await invite("dan@example.com");
    h.emulator.state.addFault({
      method: "DELETE",
      path: "/invites/",
      count: 1,
      fault: { type: "status", status: 404, errorCode: "RESOURCE_NOT_FOUND" },
    });
    await expect(runtime.delete(id, stateOf(outs))).rejects.toThrow(
      /^INVITATION_STATE_UNCLEAR: Cloud Manager answered 404 for the invitation [0-9a-f]{24} for dan@example.com but still lists it among the pending invitations/,
    );
    await expect(runtime.read(id, stateOf(outs))).resolves.toMatchObject({ props: { status: "PENDING" } });
    expect(h.emulator.state.pendingInvitations(h.orgId)).toHaveLength(1);
  });

  it("a real 404 (authenticated, confirmed by the pending list) is still drift: delete completes", async () => {
    const { id, outs } = await invite("erin@example.com");
    await h.outside.deleteInvitation(h.orgId, outs.invitationId ?? "");
    h.emulator.state.clearRequests();
    await runtime.delete(id, stateOf(outs));
    expect(h.requests().map((r) => `${r.method} ${r.status}`)).toEqual(["DELETE 404", "GET 200", "GET 200"]);
    expect(h.notices).toHaveLength(1);
    expect(h.notices[0]).toMatch(/no longer exists in Cloud Manager .*nothing to delete/);
  });
});
