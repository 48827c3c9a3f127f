// read (refresh, get): listed pending → PENDING with the server's roles and teams; not listed →
// ACCEPTED / EXPIRED / REVOKED. One list read per organization per deployment serves every resource.
import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { checkAndCreate, expectStorable, runtime, startHarness, stateOf, writes, type Harness } from "./support/harness";

let h: Harness;
beforeAll(async () => {
  h = await startHarness();
});
beforeEach(() => h.reset());
afterAll(() => h.close());

/** `pulumi up` sends the invitation; what the tests do next happens before the NEXT command (a new deployment). */
async function invite(username: string, roles = ["ORG_MEMBER"]) {
  const created = await checkAndCreate({ orgId: h.orgId, username, roles });
  await h.newDeployment();
  return created;
}

describe("OrgInvitation_Read", () => {
  it("reads a pending invitation back unchanged", async () => {
    const { id, outs } = await invite("alice@example.com");
    const result = await runtime.read(id, stateOf(outs));
    expect(result).toEqual({ id, props: outs });
  });

  it("shows roles and teams edited outside Pulumi as drift", async () => {
    const { id, outs } = await invite("bob@example.com");
    await h.outside.updateInvitationRoles(h.orgId, outs.invitationId ?? "", ["ORG_OWNER", "ORG_BILLING_ADMIN"]);
    const result = await runtime.read(id, stateOf(outs));
    expect(result.props).toEqual({ ...outs, roles: ["ORG_BILLING_ADMIN", "ORG_OWNER"] });
    const diff = await runtime.diff(id, stateOf(result.props ?? outs), {
      orgId: h.orgId,
      username: "bob@example.com",
      roles: ["ORG_MEMBER"],
      teamIds: [],
    });
    expect(diff).toEqual({ changes: true });
  });

  it("records ACCEPTED, keeping the state, once the person accepted (the API answers 404)", async () => {
    const { id, outs } = await invite("carol@example.com");
    h.emulator.state.acceptInvitation(h.orgId, outs.invitationId ?? "");
    const result = await runtime.read(id, stateOf(outs));
    expect(result).toEqual({ id, props: { ...outs, status: "ACCEPTED" } });
    expectStorable(result.props ?? {});
    // Kept in state with no diff against the unchanged code.
    expect(
      await runtime.diff(id, stateOf(result.props ?? outs), {
        orgId: h.orgId,
        username: "carol@example.com",
        roles: ["ORG_MEMBER"],
        teamIds: [],
      }),
    ).toEqual({
      changes: false,
    });
  });

  it("records EXPIRED when the invitation is gone, the person is not a member, and expiresAt has passed", async () => {
    const { id, outs } = await invite("dan@example.com");
    const expired = h.emulator.state.expireInvitation(h.orgId, outs.invitationId ?? "");
    // In real life the 30 days passed: the expiresAt stored at create is now in the past. The emulator
    // moved the server's expiresAt instead of the clock, so the state carries the server's value.
    const aged = { ...outs, expiresAt: expired.expiresAt };
    const result = await runtime.read(id, stateOf(aged));
    expect(result).toEqual({ id, props: { ...aged, status: "EXPIRED" } });
  });

  it("records EXPIRED when the server still shows an invitation past its expiresAt", async () => {
    h.emulator.state.updateSettings({ expiredInvitations: "visible" });
    const { id, outs } = await invite("erin@example.com");
    const expired = h.emulator.state.expireInvitation(h.orgId, outs.invitationId ?? "");
    const result = await runtime.read(id, stateOf(outs));
    expect(result).toEqual({ id, props: { ...outs, createdAt: expired.createdAt, expiresAt: expired.expiresAt, status: "EXPIRED" } });
  });

  it("records REVOKED when the invitation was deleted outside Pulumi before it expired", async () => {
    const { id, outs } = await invite("frank@example.com");
    await h.outside.deleteInvitation(h.orgId, outs.invitationId ?? "");
    const result = await runtime.read(id, stateOf(outs));
    expect(result).toEqual({ id, props: { ...outs, status: "REVOKED" } });
  });

  it("reads with nothing but the id, as OrgInvitation.get does", async () => {
    const { id, outs } = await invite("gina@example.com", ["ORG_READ_ONLY"]);
    h.emulator.state.clearRequests();
    const result = await runtime.read(id, { __provider: "x" });
    expect(result).toEqual({ id, props: outs });
    expect(writes(h)).toEqual([]);
  });

  it("answers 'not found' (an empty id) to a get of an invitation that is no longer pending, given no username", async () => {
    const { id, outs } = await invite("hank@example.com");
    await h.outside.deleteInvitation(h.orgId, outs.invitationId ?? "");
    expect(await runtime.read(id, {})).toEqual({ id: "" });
  });

  it("resolves a get given the username in state", async () => {
    const { id, outs } = await invite("ivy@example.com");
    h.emulator.state.acceptInvitation(h.orgId, outs.invitationId ?? "");
    const result = await runtime.read(id, { username: "ivy@example.com" });
    expect(result.props?.status).toBe("ACCEPTED");
  });

  it("rejects a malformed id with the expected format", async () => {
    await expect(runtime.read("61a0b1c2d3e4f5a6b7c8d9e0", {})).rejects.toThrow(/INVALID_RESOURCE_ID.*"\{orgId\}\/\{invitationId\}"/);
  });

  it("keeps a member who was never invited ACCEPTED, and marks them REVOKED once they left the organization", async () => {
    h.emulator.state.addOrgUser(h.orgId, { username: "jo@example.com", roles: ["ORG_MEMBER"] });
    const { id, outs } = await invite("jo@example.com");
    expect(await runtime.read(id, stateOf(outs))).toEqual({ id, props: outs });
    // Leaving the org: back to the seeded world, without that member.
    h.emulator.state.reset();
    await h.newDeployment();
    expect(await runtime.read(id, stateOf(outs))).toEqual({ id, props: { ...outs, status: "REVOKED" } });
  });
});
