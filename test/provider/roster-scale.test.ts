// An organization of 2,000 members and 300 pending invitations read by an OrgRoster and 50
// OrgMemberships in one deployment (issue 22, item 4): each list is ONE paged read (4 pages of 500
// members, one invitations read), shared by the roster and every membership, whether they run one
// after the other or all at once as the engine runs a refresh. Counts from the emulator's request log.
import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import type { PropertyBag } from "../../provider/model/property-bag";
import { PROVIDER_PLACEHOLDER, runtime, startHarness, type Harness } from "./support/harness";
import { byName } from "../support/roster-lines";

let h: Harness;
beforeAll(async () => {
  h = await startHarness();
});
beforeEach(() => h.reset());
afterAll(() => h.close());

const MEMBERS = 2000;
const INVITATIONS = 300;
const MANAGED = 50;
const username = (i: number) => `user${String(i).padStart(4, "0")}@example.com`;
const urn = (type: string, name: string) => `urn:pulumi:dev::access::pulumi-nodejs:dynamic/cloudmanager:${type}::${name}`;

/** GETs of the organization's members (one per page) and pending invitations, since the log was cleared. */
function listReads(): { memberPages: number; invitationReads: number } {
  const gets = h.requests().filter((r) => r.method === "GET" && r.status === 200);
  return {
    memberPages: gets.filter((r) => r.path.endsWith(`/orgs/${h.orgId}/users`)).length,
    invitationReads: gets.filter((r) => r.path.endsWith(`/orgs/${h.orgId}/invites`)).length,
  };
}

function seed(): void {
  const already = h.emulator.state.members(h.orgId).length;
  for (let i = already; i < MEMBERS; i++) h.emulator.state.addOrgUser(h.orgId, { username: username(i), roles: ["ORG_MEMBER"] });
  for (let i = 0; i < INVITATIONS; i++) {
    h.emulator.state.inviteAs(h.orgId, { username: `invitee${i}@example.com`, roles: ["ORG_MEMBER"] }, "admin@example.com");
  }
  expect(h.emulator.state.members(h.orgId)).toHaveLength(MEMBERS);
}

const membershipInputs = (i: number): PropertyBag => ({
  orgId: h.orgId,
  username: username(i),
  roles: ["ORG_MEMBER"],
  __urn: urn("OrgMembership", `person-${i}`),
});
const rosterInputs = (): PropertyBag => ({
  orgId: h.orgId,
  managed: Array.from({ length: MANAGED }, (_, i) => username(i)),
  __urn: urn("OrgRoster", "roster"),
});

describe(`${MEMBERS} members, ${INVITATIONS} pending invitations: an OrgRoster and ${MANAGED} OrgMemberships`, () => {
  it("up (50 adoptions and the roster): 4 member pages and one invitations read in all", async () => {
    seed();
    await h.newDeployment();
    h.emulator.state.clearRequests();
    const memberships = await Promise.all(
      Array.from({ length: MANAGED }, async (_, i) =>
        runtime.membership.create((await runtime.membership.check({}, membershipInputs(i))).inputs ?? {}),
      ),
    );
    const roster = await runtime.roster.create((await runtime.roster.check({}, rosterInputs())).inputs ?? {});
    expect(memberships.every((m) => m.outs?.["status"] === "ACTIVE")).toBe(true);
    expect(Object.keys(byName(roster.outs?.["unmanagedMembers"]))).toHaveLength(MEMBERS - MANAGED);
    expect(Object.keys(byName(roster.outs?.["unmanagedInvitations"]))).toHaveLength(INVITATIONS);
    expect(listReads()).toEqual({ memberPages: Math.ceil(MEMBERS / 500), invitationReads: 1 });
    expect(h.requests().filter((r) => r.method !== "GET")).toEqual([]);
  });

  it("refresh (every read at once, a new deployment): the same single paged read per list, shared", async () => {
    seed();
    await h.newDeployment();
    const memberships = await Promise.all(
      Array.from({ length: MANAGED }, async (_, i) =>
        runtime.membership.create((await runtime.membership.check({}, membershipInputs(i))).inputs ?? {}),
      ),
    );
    const roster = await runtime.roster.create((await runtime.roster.check({}, rosterInputs())).inputs ?? {});
    await h.newDeployment();
    h.emulator.state.clearRequests();
    const stored = (outs: PropertyBag | undefined) => ({ ...outs, __provider: PROVIDER_PLACEHOLDER });
    await Promise.all([
      ...memberships.map((m) => runtime.membership.read(m.id, stored(m.outs))),
      runtime.roster.read(roster.id, stored(roster.outs)),
    ]);
    expect(listReads()).toEqual({ memberPages: Math.ceil(MEMBERS / 500), invitationReads: 1 });
  });
});
