// create: adopt a pending invitation for the username, notice a member, otherwise POST.
import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { until } from "../support/until";
import { checkAndCreate, noticesMatching, runtime, startHarness, writes, type Harness } from "./support/harness";

let h: Harness;
beforeAll(async () => {
  h = await startHarness();
});
beforeEach(() => h.reset());
afterAll(() => h.close());

describe("OrgInvitation_Create", () => {
  it("sends one invitation when none exists and records it as PENDING", async () => {
    const { id, outs } = await checkAndCreate({
      orgId: h.orgId,
      username: "alice@example.com",
      roles: ["ORG_MEMBER", "ORG_GROUP_CREATOR"],
    });
    const [pending, ...others] = h.emulator.state.pendingInvitations(h.orgId);
    expect(others).toEqual([]);
    expect(id).toBe(`${h.orgId}/${pending?.id}`);
    expect(outs).toEqual({
      orgId: h.orgId,
      username: "alice@example.com",
      roles: ["ORG_GROUP_CREATOR", "ORG_MEMBER"],
      teamIds: [],
      invitationId: pending?.id,
      status: "PENDING",
      createdAt: pending?.createdAt,
      expiresAt: pending?.expiresAt,
      inviterUsername: pending?.inviterUsername,
      orgName: h.emulator.org.name,
    });
    expect(writes(h).map((r) => `${r.method} ${r.status}`)).toEqual(["POST 201"]);
    expect(h.notices).toEqual([]);
  });

  it("sends the teams along", async () => {
    const team = h.emulator.state.createTeam(h.orgId, { name: "dba" });
    const { outs } = await checkAndCreate({ orgId: h.orgId, username: "t@example.com", roles: ["ORG_MEMBER"], teamIds: [team.id] });
    expect(outs.teamIds).toEqual([team.id]);
    expect(h.emulator.state.pendingInvitations(h.orgId)[0]?.teamIds).toEqual([team.id]);
  });

  it("adopts a pending invitation sent by hand instead of sending a second one", async () => {
    const byHand = await h.outside.createInvitation(h.orgId, { username: "Bob@Example.com", roles: ["ORG_MEMBER"] });
    h.emulator.state.clearRequests();
    const { id, outs } = await checkAndCreate({ orgId: h.orgId, username: "bob@example.com", roles: ["ORG_MEMBER"] });
    expect(id).toBe(`${h.orgId}/${byHand.id}`);
    expect(outs.invitationId).toBe(byHand.id);
    expect(outs.username).toBe("bob@example.com");
    expect(writes(h)).toEqual([]);
    expect(h.emulator.state.pendingInvitations(h.orgId)).toHaveLength(1);
    expect(noticesMatching(h, new RegExp(`adopting the pending invitation ${byHand.id} for bob@example.com`))).toHaveLength(1);
  });

  it("with two pending invitations for one person (duplicates sent by hand), adopts one and says how many there are", async () => {
    const first = await h.outside.createInvitation(h.orgId, { username: "dave@example.com", roles: ["ORG_MEMBER"] });
    const second = await h.outside.createInvitation(h.orgId, { username: "DAVE@example.com", roles: ["ORG_MEMBER"] });
    await h.outside.createInvitation(h.orgId, { username: "erin@example.com", roles: ["ORG_MEMBER"] });
    h.emulator.state.clearRequests();
    const { outs } = await checkAndCreate({ orgId: h.orgId, username: "dave@example.com", roles: ["ORG_MEMBER"] });
    expect([first.id, second.id]).toContain(outs.invitationId);
    expect(writes(h)).toEqual([]);
    const counted = noticesMatching(h, /dave@example\.com has 2 pending invitations/);
    expect(counted).toHaveLength(1);
    expect(counted[0]).toContain(`managing the oldest (${String(outs.invitationId)})`);
  });

  it("adopts and updates the roles when they differ from the code", async () => {
    const byHand = await h.outside.createInvitation(h.orgId, { username: "carol@example.com", roles: ["ORG_READ_ONLY"] });
    h.emulator.state.clearRequests();
    const { outs } = await checkAndCreate({ orgId: h.orgId, username: "carol@example.com", roles: ["ORG_MEMBER", "ORG_GROUP_CREATOR"] });
    expect(outs.invitationId).toBe(byHand.id);
    expect(outs.roles).toEqual(["ORG_GROUP_CREATOR", "ORG_MEMBER"]);
    expect(writes(h).map((r) => `${r.method} ${r.path}`)).toEqual([`PATCH /api/public/v1.0/orgs/${h.orgId}/invites/${byHand.id}`]);
    expect(h.emulator.state.pendingInvitations(h.orgId)[0]?.roles.sort()).toEqual(["ORG_GROUP_CREATOR", "ORG_MEMBER"]);
  });

  it("replaces a hand-sent invitation whose teams differ (teams cannot be changed in place)", async () => {
    const team = h.emulator.state.createTeam(h.orgId, { name: "ops" });
    const byHand = await h.outside.createInvitation(h.orgId, { username: "dan@example.com", roles: ["ORG_MEMBER"] });
    h.emulator.state.clearRequests();
    const { outs } = await checkAndCreate({ orgId: h.orgId, username: "dan@example.com", roles: ["ORG_MEMBER"], teamIds: [team.id] });
    expect(outs.invitationId).not.toBe(byHand.id);
    expect(outs.teamIds).toEqual([team.id]);
    expect(writes(h).map((r) => `${r.method} ${r.status}`)).toEqual(["DELETE 204", "POST 201"]);
    expect(h.emulator.state.pendingInvitations(h.orgId).map((i) => i.id)).toEqual([outs.invitationId]);
    expect(noticesMatching(h, /teams differ from the program's/)).toHaveLength(1);
  });

  it("is safe to retry: a second create for the same person adopts the first invitation", async () => {
    const first = await checkAndCreate({ orgId: h.orgId, username: "erin@example.com", roles: ["ORG_MEMBER"] });
    const second = await checkAndCreate({ orgId: h.orgId, username: "erin@example.com", roles: ["ORG_MEMBER"] });
    expect(second.id).toBe(first.id);
    expect(h.emulator.state.pendingInvitations(h.orgId)).toHaveLength(1);
  });

  it("sends nothing to someone who already is a member, records ACCEPTED and warns", async () => {
    h.emulator.state.addOrgUser(h.orgId, { username: "frank@example.com", roles: ["ORG_OWNER"] });
    const { id, outs } = await checkAndCreate({ orgId: h.orgId, username: "Frank@example.com", roles: ["ORG_MEMBER"] });
    expect(id).toBe(`${h.orgId}/member:Frank@example.com`);
    expect(outs).toEqual({
      orgId: h.orgId,
      username: "Frank@example.com",
      roles: ["ORG_MEMBER"],
      teamIds: [],
      status: "ACCEPTED",
      orgName: h.emulator.org.name,
    });
    expect(writes(h)).toEqual([]);
    expect(h.emulator.state.pendingInvitations(h.orgId)).toEqual([]);
    expect(noticesMatching(h, /Frank@example.com is already a member of organization .*; no invitation was sent/)).toHaveLength(1);
  });

  it("adopts, instead of failing, when Cloud Manager refuses a duplicate sent between its list and its POST", async () => {
    h.emulator.state.updateSettings({ duplicateInvitations: "reject" });
    // Hold our POST at the server (far longer than any test: only clearing the faults releases it)
    // until someone else has invited the same person; no timer decides the order.
    h.emulator.state.addFault({ method: "POST", path: "/invites$", count: 1, fault: { type: "delay", ms: 600_000 } });
    const creating = checkAndCreate({ orgId: h.orgId, username: "gina@example.com", roles: ["ORG_MEMBER"] });
    await until(() => h.emulator.state.faults().length === 0, { what: "our POST to arrive and be held (its fault used up)" });
    // The fault is used up, so this one goes straight through while ours is still held.
    const byHand = await h.outside.createInvitation(h.orgId, { username: "gina@example.com", roles: ["ORG_MEMBER"] });
    h.emulator.state.clearFaults();
    const { outs } = await creating;
    expect(outs.invitationId).toBe(byHand.id);
    // Ours arrived first (held), the one by hand second.
    expect(
      h
        .requests()
        .filter((r) => r.method === "POST")
        .map((r) => r.status),
    ).toEqual([409, 201]);
    expect(h.emulator.state.pendingInvitations(h.orgId)).toHaveLength(1);
    expect(noticesMatching(h, new RegExp(`adopting the pending invitation ${byHand.id} for gina@example.com`))).toHaveLength(1);
  });

  it("records the invitation, without sending a second one, when Cloud Manager acted but its answer was lost", async () => {
    h.emulator.state.addFault({ method: "POST", path: "/invites$", count: 1, fault: { type: "drop", after: "handler" } });
    const { outs } = await checkAndCreate({ orgId: h.orgId, username: "lost@example.com", roles: ["ORG_MEMBER"] });
    const [only, ...others] = h.emulator.state.pendingInvitations(h.orgId);
    expect(others).toEqual([]);
    expect(outs.invitationId).toBe(only?.id);
    expect(outs.status).toBe("PENDING");
    expect(writes(h).map((r) => `${r.method} ${r.status}`)).toEqual(["POST 0"]);
  });

  it("fails with the API's code and what to do, without secrets, when Cloud Manager rejects the invitation", async () => {
    const readOnly = h.emulator.state.addApiKey({ orgRoles: [{ orgId: h.orgId, roles: ["ORG_READ_ONLY"] }] });
    await h.configure({ baseUrl: h.emulator.baseUrl, publicKey: readOnly.publicKey, privateKey: readOnly.privateKey });
    const error = await checkAndCreate({ orgId: h.orgId, username: "hank@example.com", roles: ["ORG_MEMBER"] }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(Error);
    const message = (error as Error).message;
    expect(message).toMatch(
      /^Inviting hank@example.com to organization [0-9a-f]{24} failed: .*\[HTTP 401 USER_UNAUTHORIZED\]\. Check that the API key/,
    );
    expect(message).not.toContain(readOnly.privateKey);
    expect(Object.getPrototypeOf(error)).toBe(Error.prototype);
  });

  it("fails with one message naming both ways to set credentials when none are set, sending nothing", async () => {
    await h.configure({ baseUrl: h.emulator.baseUrl });
    await expect(runtime.create({ orgId: h.orgId, username: "ivy@example.com", roles: ["ORG_MEMBER"], teamIds: [] })).rejects.toThrow(
      /CLOUDMANAGER_CREDENTIALS_MISSING.*cloudmanager:publicKey.*MCLI_PUBLIC_API_KEY.*cloudmanager:clientId.*CLOUDMANAGER_CLIENT_ID/,
    );
    expect(h.requests()).toEqual([]);
  });
});
