// OrgMembership against the emulator: every cell of the lifecycle table (create / read / update /
// delete × pending / active / gone) and the refusals (last owner, a team of another org).
// Each "deployment" is one provider process: h.newDeployment() between commands, as with the engine.
import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import type { PropertyBag } from "../../provider/model/property-bag";
import { PROVIDER_PLACEHOLDER, runtime, startHarness, writes as allWrites, type Harness } from "./support/harness";

let h: Harness;
beforeAll(async () => {
  h = await startHarness();
});
beforeEach(() => h.reset());
afterAll(() => h.close());

const m = runtime.membership;
const urn = (name: string) => `urn:pulumi:dev::access::pulumi-nodejs:dynamic/cloudmanager:OrgMembership::${name}`;

function declared(username: string, extra: PropertyBag = {}): PropertyBag {
  return {
    orgId: h.orgId,
    username,
    roles: ["ORG_MEMBER"],
    __urn: urn(username.split("@")[0] ?? username),
    ...extra,
    __provider: PROVIDER_PLACEHOLDER,
  };
}

/** check + create, as `pulumi up` runs them; then the next command is a new deployment. */
async function up(news: PropertyBag): Promise<{ id: string; state: PropertyBag }> {
  const checked = await m.check({}, news);
  expect(checked.failures ?? []).toEqual([]);
  const created = await m.create(checked.inputs ?? {});
  await h.newDeployment();
  return { id: created.id, state: { ...(created.outs as PropertyBag), __provider: PROVIDER_PLACEHOLDER } };
}

/** Writes that reached the API (a new deployment's first request collects a Digest challenge: a 401). */
function writes() {
  return allWrites(h)
    .filter((r) => r.status !== 401)
    .map((r) => `${r.method} ${r.path.replace(`/api/public/v1.0/orgs/${h.orgId}`, "")} ${r.status}`);
}

function member(username: string) {
  return h.emulator.state.members(h.orgId).find((u) => u.username === username);
}

describe("OrgMembership create", () => {
  it("invites a person who is neither invited nor a member: PENDING, id {orgId}/{username}", async () => {
    const { id, state } = await up(declared("alice@example.com", { roles: ["ORG_MEMBER", "ORG_GROUP_CREATOR"] }));
    expect(id).toBe(`${h.orgId}/alice@example.com`);
    const [invitation] = h.emulator.state.pendingInvitations(h.orgId);
    expect(state).toMatchObject({
      status: "PENDING",
      invitationId: invitation?.id,
      roles: ["ORG_GROUP_CREATOR", "ORG_MEMBER"],
      teamIds: [],
    });
    expect(writes()).toEqual(["POST /invites 201"]);
  });

  it("adopts a pending invitation, aligning its roles (no second invitation)", async () => {
    const byHand = await h.outside.createInvitation(h.orgId, { username: "bob@example.com", roles: ["ORG_READ_ONLY"] });
    h.emulator.state.clearRequests();
    const { state } = await up(declared("bob@example.com"));
    expect(state).toMatchObject({ status: "PENDING", invitationId: byHand.id, roles: ["ORG_MEMBER"] });
    expect(writes()).toEqual([`PATCH /invites/${byHand.id} 200`]);
  });

  it("adopts a member: org roles set (full set) and teams aligned, no invitation sent", async () => {
    const dba = h.emulator.state.createTeam(h.orgId, { name: "dba" });
    const ops = h.emulator.state.createTeam(h.orgId, { name: "ops" });
    const carol = h.emulator.state.addOrgUser(h.orgId, { username: "carol@example.com", roles: ["ORG_READ_ONLY"], teamIds: [ops.id] });
    h.emulator.state.addOrgUser(h.orgId, { username: "ops-lead@example.com", roles: ["ORG_MEMBER"], teamIds: [ops.id] }); // ops stays non-empty
    h.emulator.state.clearRequests();
    const { state } = await up(declared("carol@example.com", { roles: ["ORG_MEMBER"], teamIds: [dba.id] }));
    expect(state).toMatchObject({ status: "ACTIVE", userId: carol.id, roles: ["ORG_MEMBER"], teamIds: [dba.id] });
    expect(state["invitationId"]).toBeUndefined();
    // Joined the new team before leaving the old one (a team may refuse to become empty).
    expect(writes()).toEqual([
      `PUT /users/${carol.id}/roles 200`,
      `POST /teams/${dba.id}/users 200`,
      `DELETE /teams/${ops.id}/users/${carol.id} 204`,
    ]);
    expect(h.emulator.state.pendingInvitations(h.orgId)).toEqual([]);
  });

  it("refuses a team of another organization before sending anything", async () => {
    await expect(m.create(declared("dan@example.com", { teamIds: ["0123456789abcdef01234567"] }))).rejects.toThrow(
      /^TEAM_NOT_IN_ORG: 0123456789abcdef01234567 is not a team of organization [0-9a-f]{24}; its teams are: .*nothing was sent/,
    );
    expect(writes()).toEqual([]);
  });
});

describe("OrgMembership read", () => {
  it("PENDING while invited; ACTIVE with the member's user id, roles and teams once accepted (no up needed)", async () => {
    const team = h.emulator.state.createTeam(h.orgId, { name: "readers" });
    const { id, state } = await up(declared("erin@example.com", { teamIds: [team.id] }));
    expect((await m.read(id, state)).props).toMatchObject({ status: "PENDING" });
    const user = h.emulator.state.acceptInvitation(h.orgId, String(state["invitationId"]));
    await h.newDeployment();
    const read = await m.read(id, state);
    expect(read.props).toMatchObject({ status: "ACTIVE", userId: user.id, roles: ["ORG_MEMBER"], teamIds: [team.id] });
    expect(read.props?.invitationId).toBeUndefined();
  });

  it("shows an owner promotion made by hand as drift, and the next update sets the roles back", async () => {
    h.emulator.state.addOrgUser(h.orgId, { username: "owner@example.com", roles: ["ORG_OWNER"] });
    const { id, state } = await up(declared("fay@example.com"));
    const user = h.emulator.state.acceptInvitation(h.orgId, String(state["invitationId"]));
    h.emulator.state.setMemberOrgRoles(h.orgId, user.id, ["ORG_OWNER"]);
    await h.newDeployment();
    const read = await m.read(id, state);
    expect(read.props).toMatchObject({ status: "ACTIVE", roles: ["ORG_OWNER"] });
    const news = (await m.check({}, declared("fay@example.com"))).inputs ?? {};
    expect(await m.diff(id, { ...read.props, __provider: PROVIDER_PLACEHOLDER }, news)).toEqual({ changes: true });
    h.emulator.state.clearRequests();
    const updated = await m.update(id, { ...read.props, __provider: PROVIDER_PLACEHOLDER }, news);
    expect(updated.outs).toMatchObject({ status: "ACTIVE", roles: ["ORG_MEMBER"] });
    expect(writes()).toEqual([`PUT /users/${user.id}/roles 200`]);
  });

  it("REMOVED once a member left or was removed by hand; the next up invites them again (replace)", async () => {
    const { id, state } = await up(declared("gus@example.com"));
    const user = h.emulator.state.acceptInvitation(h.orgId, String(state["invitationId"]));
    await h.newDeployment();
    const active = (await m.read(id, state)).props ?? {};
    h.emulator.state.removeOrgUser(h.orgId, user.id);
    await h.newDeployment();
    const removed = (await m.read(id, { ...active, __provider: PROVIDER_PLACEHOLDER })).props ?? {};
    expect(removed).toMatchObject({ status: "REMOVED", userId: user.id });
    const news = (await m.check({}, declared("gus@example.com"))).inputs ?? {};
    expect(await m.diff(id, { ...removed, __provider: PROVIDER_PLACEHOLDER }, news)).toEqual({
      changes: true,
      replaces: ["status"],
      deleteBeforeReplace: true,
    });
  });

  it("EXPIRED or REVOKED when the invitation is gone and the person never joined", async () => {
    const a = await up(declared("hal@example.com"));
    const expired = h.emulator.state.expireInvitation(h.orgId, String(a.state["invitationId"]));
    const b = await up(declared("ivy@example.com"));
    await h.outside.deleteInvitation(h.orgId, String(b.state["invitationId"]));
    await h.newDeployment();
    expect((await m.read(a.id, { ...a.state, expiresAt: expired.expiresAt })).props).toMatchObject({ status: "EXPIRED" });
    expect((await m.read(b.id, b.state)).props).toMatchObject({ status: "REVOKED" });
  });
});

describe("OrgMembership update", () => {
  it("pending: roles PATCHed in place; other teams → the invitation sent again", async () => {
    const team = h.emulator.state.createTeam(h.orgId, { name: "t" });
    const { id, state } = await up(declared("jo@example.com"));
    const old = String(state["invitationId"]);
    const roles = await m.update(id, state, (await m.check({}, declared("jo@example.com", { roles: ["ORG_READ_ONLY"] }))).inputs ?? {});
    expect(roles.outs).toMatchObject({ status: "PENDING", invitationId: old, roles: ["ORG_READ_ONLY"] });
    await h.newDeployment();
    const teams = await m.update(
      id,
      state,
      (await m.check({}, declared("jo@example.com", { roles: ["ORG_READ_ONLY"], teamIds: [team.id] }))).inputs ?? {},
    );
    expect(teams.outs).toMatchObject({ status: "PENDING", teamIds: [team.id] });
    expect(teams.outs?.invitationId).not.toBe(old);
    expect(h.emulator.state.pendingInvitations(h.orgId).map((i) => i.id)).toEqual([teams.outs?.invitationId]);
  });

  it("gone: fails saying to refresh, then up", async () => {
    const { id, state } = await up(declared("kim@example.com"));
    await h.outside.deleteInvitation(h.orgId, String(state["invitationId"]));
    await h.newDeployment();
    await expect(
      m.update(id, state, (await m.check({}, declared("kim@example.com", { roles: ["ORG_OWNER"] }))).inputs ?? {}),
    ).rejects.toThrow(/^MEMBERSHIP_GONE: .*kim@example.com.*Run `pulumi refresh`.*then `pulumi up`/);
  });

  it("refuses to demote the last Organization Owner before sending, and changes nothing", async () => {
    const owner = h.emulator.state.addOrgUser(h.orgId, { username: "last-owner@example.com", roles: ["ORG_OWNER"] });
    const { id, state } = await up(declared("last-owner@example.com", { roles: ["ORG_OWNER"] }));
    h.emulator.state.clearRequests();
    await expect(m.update(id, state, (await m.check({}, declared("last-owner@example.com"))).inputs ?? {})).rejects.toThrow(
      /^LAST_ORG_OWNER: last-owner@example.com is the last Organization Owner .*Give another member ORG_OWNER first .*Nothing was changed/,
    );
    expect(writes()).toEqual([]);
    expect(member("last-owner@example.com")?.roles).toEqual([{ orgId: h.orgId, roleName: "ORG_OWNER" }]);
    expect(owner.id).toBeTruthy();
  });
});

describe("OrgMembership delete", () => {
  it("pending: withdraws the invitation", async () => {
    const { id, state } = await up(declared("lea@example.com"));
    h.emulator.state.clearRequests();
    await m.delete(id, state);
    expect(writes()).toEqual([`DELETE /invites/${String(state["invitationId"])} 204`]);
  });

  it("active: removes the member from the organization", async () => {
    const { id, state } = await up(declared("max@example.com"));
    const user = h.emulator.state.acceptInvitation(h.orgId, String(state["invitationId"]));
    await h.newDeployment();
    h.emulator.state.clearRequests();
    await m.delete(id, state);
    expect(writes()).toEqual([`DELETE /users/${user.id} 204`]);
    expect(member("max@example.com")).toBeUndefined();
  });

  it("gone: done, with a warning (drift, not failure)", async () => {
    const { id, state } = await up(declared("ned@example.com"));
    await h.outside.deleteInvitation(h.orgId, String(state["invitationId"]));
    await h.newDeployment();
    h.notices.length = 0;
    await m.delete(id, state);
    expect(h.notices).toEqual([
      `warning: cloudmanager: ned@example.com is neither a member of organization ${h.orgId} nor invited; nothing to delete.`,
    ]);
  });

  it("refuses to remove the last Organization Owner, and changes nothing", async () => {
    h.emulator.state.addOrgUser(h.orgId, { username: "sole-owner@example.com", roles: ["ORG_OWNER"] });
    const { id, state } = await up(declared("sole-owner@example.com", { roles: ["ORG_OWNER"] }));
    h.emulator.state.clearRequests();
    await expect(m.delete(id, state)).rejects.toThrow(
      /^LAST_ORG_OWNER: sole-owner@example.com is the last Organization Owner .* removes them\. Give another member ORG_OWNER first/,
    );
    expect(writes()).toEqual([]);
    expect(member("sole-owner@example.com")).toBeDefined();
  });
});

describe("one person, one resource", () => {
  it("an OrgInvitation and an OrgMembership for the same person are refused like two of either", async () => {
    await runtime.check(
      {},
      {
        orgId: h.orgId,
        username: "pat@example.com",
        roles: ["ORG_MEMBER"],
        __urn: "urn:pulumi:dev::access::pulumi-nodejs:dynamic/cloudmanager:OrgInvitation::pat",
      },
    );
    const second = await m.check({}, declared("Pat@example.com"));
    expect(second.failures?.[0]?.reason).toMatch(
      /^DUPLICATE_INVITATION: Pat@example.com is declared by more than one OrgInvitation or OrgMembership/,
    );
  });
});

describe("renames hand the person over (issue 13)", () => {
  it("a renamed OrgMembership adopts the member and the old one's delete removes nothing", async () => {
    const before = await up({ ...declared("quinn@example.com"), __urn: urn("before") });
    h.emulator.state.acceptInvitation(h.orgId, String(before.state["invitationId"]));
    await h.newDeployment();
    const after = await m.create((await m.check({}, { ...declared("quinn@example.com"), __urn: urn("after") })).inputs ?? {});
    expect(after.outs).toMatchObject({ status: "ACTIVE" });
    h.emulator.state.clearRequests();
    await m.delete(before.id, before.state);
    expect(writes()).toEqual([]);
    expect(member("quinn@example.com")).toBeDefined();
    expect(h.notices.at(-1)).toBe(
      `warning: cloudmanager: the access of quinn@example.com to organization ${h.orgId} handed over from "before" to "after"; nothing was removed.`,
    );
  });
});
