// Issue 16, "access must never change hands by mistake": one `describe` per finding, each driving the
// runtime in-process against the emulator the way the engine does (one provider process per
// deployment: h.newDeployment() between commands) and asserting what was sent (the emulator's request
// log), what the user was told (notices) and what Cloud Manager holds afterwards (state). No timing.
import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import type { PropertyBag } from "../../provider/model/property-bag";
import { parseMembershipId } from "../../provider/resources/org-membership/model";
import { byName } from "../support/roster-lines";
import { PROVIDER_PLACEHOLDER, runtime, startHarness, writes as allWrites, type Harness } from "./support/harness";

let h: Harness;
beforeAll(async () => {
  h = await startHarness();
});
beforeEach(() => h.reset());
afterAll(() => h.close());

const m = runtime.membership;
const r = runtime.roster;

type ResourceType = "OrgInvitation" | "OrgMembership" | "OrgRoster";
const urn = (type: ResourceType, name: string) => `urn:pulumi:dev::access::pulumi-nodejs:dynamic/cloudmanager:${type}::${name}`;

/** The inputs of a resource that declares a person, as the resource class hands them to the provider. */
function person(type: "OrgInvitation" | "OrgMembership", name: string, username: string, extra: PropertyBag = {}): PropertyBag {
  return { orgId: h.orgId, username, roles: ["ORG_MEMBER"], __urn: urn(type, name), ...extra, __provider: PROVIDER_PLACEHOLDER };
}

function rosterInputs(extra: PropertyBag = {}): PropertyBag {
  return { orgId: h.orgId, managed: [], __urn: urn("OrgRoster", "roster"), ...extra, __provider: PROVIDER_PLACEHOLDER };
}

/** State as the engine hands it back to diff/update/delete. */
function stateOf(outs: unknown): PropertyBag {
  return { ...(outs as PropertyBag), __provider: PROVIDER_PLACEHOLDER };
}

/** check + create of an OrgMembership, as `pulumi up` runs them for a new resource. */
async function upMembership(news: PropertyBag): Promise<{ id: string; state: PropertyBag }> {
  const checked = await m.check({}, news);
  expect(checked.failures ?? []).toEqual([]);
  const created = await m.create(checked.inputs ?? {});
  return { id: created.id, state: stateOf(created.outs) };
}

/** check + create of an OrgInvitation. */
async function upInvitation(news: PropertyBag): Promise<{ id: string; state: PropertyBag }> {
  const checked = await runtime.check({}, news);
  expect(checked.failures ?? []).toEqual([]);
  const created = await runtime.create(checked.inputs ?? {});
  return { id: created.id, state: stateOf(created.outs) };
}

async function checkedRoster(news: PropertyBag): Promise<PropertyBag> {
  const result = await r.check({}, news);
  expect(result.failures ?? []).toEqual([]);
  return result.inputs ?? {};
}

/** The next command: a new provider process, an empty request log, no notices. */
async function nextDeployment(): Promise<void> {
  await h.newDeployment();
  h.emulator.state.clearRequests();
  h.notices.length = 0;
}

/** Writes that reached the API (a new deployment's first request collects a Digest challenge: a 401). */
function writes(): string[] {
  return allWrites(h)
    .filter((w) => w.status !== 401)
    .map((w) => `${w.method} ${w.path.replace(`/api/public/v1.0/orgs/${h.orgId}`, "")} ${w.status}`);
}

function deletes(): string[] {
  return writes().filter((w) => w.startsWith("DELETE "));
}

function member(username: string) {
  return h.emulator.state.members(h.orgId).find((u) => u.username === username);
}

function pendingFor(username: string) {
  return h.emulator.state.pendingInvitations(h.orgId).filter((i) => i.username === username);
}

const CODE = /^(OWNER_PLAN_UNSAFE|LAST_ORG_OWNER):/;

function reasonOf(result: PromiseSettledResult<unknown>): string {
  return result.status === "rejected" ? String((result.reason as Error).message) : "";
}

describe("1. identity is the username only: a profile's emailAddress is never identity", () => {
  it("OrgMembership alice@acme.com does not adopt eve@evil.com whose profile says alice@acme.com: it invites alice", async () => {
    const eve = h.emulator.state.addOrgUser(h.orgId, { username: "eve@evil.com", roles: ["ORG_MEMBER"], emailAddress: "alice@acme.com" });
    expect(eve.emailAddress).toBe("alice@acme.com");
    await nextDeployment();
    const { state } = await upMembership(person("OrgMembership", "alice", "alice@acme.com", { roles: ["ORG_OWNER"] }));
    expect(state).toMatchObject({ status: "PENDING", username: "alice@acme.com", roles: ["ORG_OWNER"] });
    expect(state["userId"]).toBeUndefined();
    expect(writes()).toEqual(["POST /invites 201"]);
    expect(h.requests().filter((q) => q.method === "PUT" && q.path.includes(eve.id))).toEqual([]);
    expect(member("eve@evil.com")?.roles).toEqual([{ orgId: h.orgId, roleName: "ORG_MEMBER" }]);
    expect(pendingFor("alice@acme.com")).toMatchObject([{ roles: ["ORG_OWNER"] }]);
    expect(h.notices.join("\n")).not.toMatch(/already a member|adopting the membership/);
  });

  it("OrgInvitation alice@acme.com is not 'already a member' because of eve's profile: it is sent", async () => {
    h.emulator.state.addOrgUser(h.orgId, { username: "eve@evil.com", roles: ["ORG_MEMBER"], emailAddress: "alice@acme.com" });
    await nextDeployment();
    const { id, state } = await upInvitation(person("OrgInvitation", "alice", "alice@acme.com"));
    expect(state).toMatchObject({ status: "PENDING", username: "alice@acme.com" });
    expect(id).toBe(`${h.orgId}/${String(state["invitationId"])}`);
    expect(writes()).toEqual(["POST /invites 201"]);
    expect(h.notices.join("\n")).not.toMatch(/already a member/);
  });

  it("OrgRoster: mallory@evil.com whose profile says x@break-glass.acme.com is not ignored by *@break-glass.acme.com: reported, then pruned", async () => {
    const mallory = h.emulator.state.addOrgUser(h.orgId, {
      username: "mallory@evil.com",
      roles: ["ORG_MEMBER"],
      emailAddress: "x@break-glass.acme.com",
    });
    await nextDeployment();
    const reported = await r.create(await checkedRoster(rosterInputs({ ignore: ["*@break-glass.acme.com"] })));
    expect(byName(reported.outs?.unmanagedMembers)).toEqual({
      "mallory@evil.com": expect.objectContaining({ username: "mallory@evil.com", userId: mallory.id }) as unknown,
    });
    expect(writes()).toEqual([]);

    await nextDeployment();
    const pruned = await r.create(await checkedRoster(rosterInputs({ ignore: ["*@break-glass.acme.com"], prune: true })));
    expect(writes()).toEqual([`DELETE /users/${mallory.id} 204`]);
    expect(pruned.outs?.unmanagedMembers).toBe("");
    expect(member("mallory@evil.com")).toBeUndefined();
  });
});

describe("2. hand-over across resource types in one provider process", () => {
  it("OrgInvitation → OrgMembership: the membership adopts the pending invitation (no POST), the old invitation's delete sends nothing", async () => {
    const old = await upInvitation(person("OrgInvitation", "carol", "carol@acme.com"));
    const invitationId = String(old.state["invitationId"]);
    await nextDeployment();
    // The engine: the new resource's check and create first, then the old one's delete.
    const next = await upMembership(person("OrgMembership", "carol-m", "carol@acme.com"));
    expect(next.state).toMatchObject({ status: "PENDING", invitationId });
    await runtime.delete(old.id, old.state);
    expect(writes()).toEqual([]);
    expect(pendingFor("carol@acme.com").map((i) => i.id)).toEqual([invitationId]);
    expect(h.notices.at(-1)).toMatch(/handed over from "carol" to "carol-m"/);
  });

  it("OrgMembership → OrgInvitation for an active member: no member is removed", async () => {
    h.emulator.state.addOrgUser(h.orgId, { username: "dan@acme.com", roles: ["ORG_MEMBER"] });
    await nextDeployment();
    const old = await upMembership(person("OrgMembership", "dan-m", "dan@acme.com"));
    expect(old.state).toMatchObject({ status: "ACTIVE" });
    await nextDeployment();
    const next = await upInvitation(person("OrgInvitation", "dan", "dan@acme.com"));
    expect(next.state).toMatchObject({ status: "ACCEPTED" });
    await m.delete(old.id, old.state);
    expect(writes()).toEqual([]);
    expect(member("dan@acme.com")).toBeDefined();
    expect(h.notices.at(-1)).toMatch(/handed over from "dan-m" to "dan"; nothing was removed/);
  });
});

describe("3. the owner plan: a deployment never leaves the organization without an Organization Owner", () => {
  /** Deployment 1: o1 and o2, the only owners, declared ORG_OWNER by two OrgMemberships (adopted). */
  async function twoOwners(): Promise<{ id: string; state: PropertyBag }[]> {
    h.emulator.state.addOrgUser(h.orgId, { username: "o1@acme.com", roles: ["ORG_OWNER"] });
    h.emulator.state.addOrgUser(h.orgId, { username: "o2@acme.com", roles: ["ORG_OWNER"] });
    await nextDeployment();
    const made = [
      await upMembership(person("OrgMembership", "owner-1", "o1@acme.com", { roles: ["ORG_OWNER"] })),
      await upMembership(person("OrgMembership", "owner-2", "o2@acme.com", { roles: ["ORG_OWNER"] })),
    ];
    expect(writes()).toEqual([]);
    await nextDeployment();
    return made;
  }

  function owners(): string[] {
    return h.emulator.state
      .members(h.orgId)
      .filter((u) => u.roles.some((role) => role.orgId === h.orgId && role.roleName === "ORG_OWNER"))
      .map((u) => u.username);
  }

  it("both demoted in one deployment (updates run concurrently): nothing sent, both refused naming both resources", async () => {
    const [one, two] = await twoOwners();
    if (one === undefined || two === undefined) throw new Error("setup");
    const plan = [
      { made: one, news: person("OrgMembership", "owner-1", "o1@acme.com") },
      { made: two, news: person("OrgMembership", "owner-2", "o2@acme.com") },
    ];
    // Registration: check of every resource first (as the engine does), then diff, then the steps.
    const inputs: PropertyBag[] = [];
    for (const p of plan) {
      const checked = await m.check(p.made.state, p.news);
      expect(checked.failures ?? []).toEqual([]);
      inputs.push(checked.inputs ?? {});
    }
    for (const [i, p] of plan.entries()) expect(await m.diff(p.made.id, p.made.state, inputs[i] ?? {})).toEqual({ changes: true });
    const results = await Promise.allSettled(plan.map((p, i) => m.update(p.made.id, p.made.state, inputs[i] ?? {})));
    expect(writes()).toEqual([]);
    expect(results.map((x) => x.status)).toEqual(["rejected", "rejected"]);
    for (const result of results) {
      expect(reasonOf(result)).toMatch(CODE);
      expect(reasonOf(result)).toContain('"owner-1"');
      expect(reasonOf(result)).toContain('"owner-2"');
    }
    expect(owners().sort()).toEqual(["o1@acme.com", "o2@acme.com"]);
  });

  it("both deleted in one destroy (deletes run concurrently, no checks): at most one member DELETE, an owner is kept", async () => {
    const [one, two] = await twoOwners();
    if (one === undefined || two === undefined) throw new Error("setup");
    const results = await Promise.allSettled([m.delete(one.id, one.state), m.delete(two.id, two.state)]);
    expect(deletes().filter((d) => d.startsWith("DELETE /users/")).length).toBeLessThanOrEqual(1);
    expect(owners().length).toBeGreaterThanOrEqual(1);
    const refused = results.filter((x) => x.status === "rejected");
    expect(refused.length).toBeGreaterThanOrEqual(1);
    for (const result of refused) expect(reasonOf(result)).toMatch(CODE);
  });
});

describe("5. a pathological ignore pattern cannot stall a roster read", () => {
  it("*a*a*a*a*a*a*a*a*a*a-contractor@acme.com against 1,000 near-miss usernames: the read completes and reports them all", async () => {
    const usernames = Array.from({ length: 1000 }, (_, i) => `${"a".repeat(60)}${i}@acme.com`);
    for (const username of usernames) h.emulator.state.addOrgUser(h.orgId, { username, roles: ["ORG_MEMBER"] });
    await nextDeployment();
    const inputs = await checkedRoster(rosterInputs({ ignore: ["*a*a*a*a*a*a*a*a*a*a-contractor@acme.com"] }));
    // A run that finishes is the proof: the old RegExp backtracked for hours on these near-misses.
    const read = await r.read(`${h.orgId}/roster`, inputs);
    const reported = Object.keys(byName(read.props?.["unmanagedMembers"]));
    expect(reported.sort()).toEqual([...usernames].sort());
    expect(writes()).toEqual([]);
  }, 300_000);
});

describe("6. extra invitations of declared people, and a person who accepts during the deployment", () => {
  /** dora is a member, declared by an OrgMembership; then someone sends her an ORG_OWNER invitation by hand. */
  async function doraWithExtraInvitation() {
    const dora = h.emulator.state.addOrgUser(h.orgId, { username: "dora@acme.com", roles: ["ORG_MEMBER"] });
    await nextDeployment();
    const made = await upMembership(person("OrgMembership", "dora", "dora@acme.com"));
    expect(made.state).toMatchObject({ status: "ACTIVE" });
    const byHand = await h.outside.createInvitation(h.orgId, { username: "dora@acme.com", roles: ["ORG_OWNER"] });
    await nextDeployment();
    return { dora, made, byHand };
  }

  it("(a) the roster reports the hand-sent invitation of a declared member as extra; prune withdraws it and keeps the member", async () => {
    const { made, byHand } = await doraWithExtraInvitation();
    const news = person("OrgMembership", "dora", "dora@acme.com");
    const checked = await m.check(made.state, news);
    expect(await m.diff(made.id, made.state, checked.inputs ?? {})).toEqual({ changes: false });

    const reported = await r.create(await checkedRoster(rosterInputs({ managed: ["dora@acme.com"] })));
    expect(byName(reported.outs?.unmanagedInvitations)).toEqual({
      "dora@acme.com": expect.objectContaining({
        username: "dora@acme.com",
        invitationId: byHand.id,
        roles: ["ORG_OWNER"],
        extra: true,
      }) as unknown,
    });
    expect(reported.outs?.unmanagedMembers).toBe("");
    expect(writes()).toEqual([]);

    const pruned = await r.create(await checkedRoster(rosterInputs({ managed: ["dora@acme.com"], prune: true })));
    expect(writes()).toEqual([`DELETE /invites/${byHand.id} 204`]);
    expect(pruned.outs).toMatchObject({ unmanagedInvitations: "", unmanagedMembers: "" });
    expect(member("dora@acme.com")).toBeDefined();
    expect(pendingFor("dora@acme.com")).toEqual([]);
  });

  it("(b) deleting the OrgMembership removes the member and withdraws the leftover invitation", async () => {
    const { dora, made, byHand } = await doraWithExtraInvitation();
    await m.delete(made.id, made.state);
    expect(writes()).toEqual([`DELETE /users/${dora.id} 204`, `DELETE /invites/${byHand.id} 204`]);
    expect(member("dora@acme.com")).toBeUndefined();
    expect(pendingFor("dora@acme.com")).toEqual([]);
  });

  it("(c) a person who accepts between the deployment's first read and the delete is removed, not 'already gone'", async () => {
    const made = await upMembership(person("OrgMembership", "dave", "dave@acme.com"));
    expect(made.state).toMatchObject({ status: "PENDING" });
    await nextDeployment();
    // Another resource's read warms the deployment's view of the organization: dave is still invited there.
    await r.read(`${h.orgId}/roster`, await checkedRoster(rosterInputs()));
    const dave = h.emulator.state.acceptInvitation(h.orgId, String(made.state["invitationId"]));
    await m.delete(made.id, made.state);
    expect(member("dave@acme.com")).toBeUndefined();
    expect(deletes()).toContain(`DELETE /users/${dave.id} 204`);
    expect(h.notices.join("\n")).not.toMatch(/already gone|nothing to delete|neither a member/);
  });
});

describe("7. a member DELETE whose answer was lost is success, said plainly", () => {
  const lostAnswer = () =>
    h.emulator.state.addFault({
      method: "DELETE",
      path: "^/api/public/v1\\.0/orgs/[0-9a-f]{24}/users/[0-9a-f]{24}$",
      count: 1,
      fault: { type: "drop", after: "handler" },
    });

  it("OrgMembership delete of an active member: no failure, the member is gone, the notice says our earlier attempt removed them", async () => {
    h.emulator.state.addOrgUser(h.orgId, { username: "gil@acme.com", roles: ["ORG_MEMBER"] });
    await nextDeployment();
    const made = await upMembership(person("OrgMembership", "gil", "gil@acme.com"));
    await nextDeployment();
    lostAnswer();
    await m.delete(made.id, made.state);
    expect(
      h
        .requests()
        .filter((q) => q.method === "DELETE")
        .map((q) => q.status),
    ).toEqual([0, 404]);
    expect(member("gil@acme.com")).toBeUndefined();
    expect(h.notices.some((n) => /gil@acme.com .*an earlier attempt of this DELETE most likely removed them/.test(n))).toBe(true);
  });

  it("OrgMembership delete of a pending invitation whose DELETE answer was lost: the notice says our earlier attempt withdrew it", async () => {
    const made = await upMembership(person("OrgMembership", "ida", "ida@acme.com"));
    await nextDeployment();
    h.emulator.state.addFault({
      method: "DELETE",
      path: "^/api/public/v1\\.0/orgs/[0-9a-f]{24}/invites/[0-9a-f]{24}$",
      count: 1,
      fault: { type: "drop", after: "handler" },
    });
    await m.delete(made.id, made.state);
    expect(h.emulator.state.pendingInvitations(h.orgId)).toEqual([]);
    expect(h.notices.some((n) => /ida@acme.com is gone: an earlier attempt of this DELETE most likely withdrew it/.test(n))).toBe(true);
    expect(h.notices.join("\n")).not.toMatch(/withdrawn before it was accepted/);
  });

  /** hank, an unmanaged member, pruned while the answer to the DELETE is lost; returns the roster's outputs. */
  async function pruneHankLosingTheAnswer() {
    h.emulator.state.addOrgUser(h.orgId, { username: "hank@acme.com", roles: ["ORG_MEMBER"] });
    await nextDeployment();
    await r.read(`${h.orgId}/roster`, await checkedRoster(rosterInputs())); // the client has its Digest challenge
    lostAnswer();
    return (await r.create(await checkedRoster(rosterInputs({ prune: true })))).outs;
  }

  it("OrgRoster prune of an unmanaged member: no failure, the member is gone, nothing says 'pruned nothing'", async () => {
    const outs = await pruneHankLosingTheAnswer();
    expect(
      h
        .requests()
        .filter((q) => q.method === "DELETE")
        .map((q) => q.status),
    ).toEqual([0, 404]);
    expect(outs?.unmanagedMembers).toBe("");
    expect(member("hank@acme.com")).toBeUndefined();
    expect(h.notices.filter((n) => n.includes("pruned:"))).toEqual([
      expect.stringMatching(/pruned: removing hank@acme.com/) as unknown,
      expect.stringMatching(/pruned: hank@acme.com is no longer a member/) as unknown,
    ]);
    expect(h.notices.join("\n")).not.toMatch(/pruned nothing/);
  });

  it("OrgRoster prune of an unmanaged member: the notice says our earlier attempt removed them", async () => {
    await pruneHankLosingTheAnswer();
    expect(h.notices.some((n) => /hank@acme.com .*an earlier attempt of this DELETE most likely removed them/.test(n))).toBe(true);
  });
});

describe("8. check refuses lookalike addresses and a roster that sees nobody; ids are parsed strictly", () => {
  const lookalike = "\u0430lice@acme.com"; // Cyrillic а (U+0430), then Latin

  it("OrgInvitation and OrgMembership username, and OrgRoster managed entries: MIXED_SCRIPT_USERNAME naming U+0430, no API call", async () => {
    const invitation = await runtime.check({}, person("OrgInvitation", "alice", lookalike));
    const membership = await m.check({}, person("OrgMembership", "alice-m", lookalike));
    for (const result of [invitation, membership]) {
      expect(result.failures).toHaveLength(1);
      expect(result.failures?.[0]?.property).toBe("username");
      expect(result.failures?.[0]?.reason).toMatch(/MIXED_SCRIPT_USERNAME/);
      expect(result.failures?.[0]?.reason).toContain("U+0430");
    }
    const roster = await r.check({}, rosterInputs({ managed: ["bob@acme.com", lookalike] }));
    expect(roster.failures?.map((f) => f.property)).toEqual(["managed"]);
    expect(roster.failures?.[0]?.reason).toMatch(/MIXED_SCRIPT_USERNAME/);
    expect(roster.failures?.[0]?.reason).toContain("U+0430");
    expect(h.requests()).toEqual([]);
  });

  it('OrgRoster ignore: ["*"] is refused with ROSTER_SEES_NOBODY, no API call', async () => {
    const roster = await r.check({}, rosterInputs({ managed: ["bob@acme.com"], ignore: ["*"] }));
    expect(roster.failures?.map((f) => f.property)).toEqual(["ignore"]);
    expect(roster.failures?.[0]?.reason).toMatch(/ROSTER_SEES_NOBODY/);
    expect(h.requests()).toEqual([]);
  });

  it("an OrgMembership id with a path after the username is a malformed id (INVALID_RESOURCE_ID), not RESOURCE_NOT_FOUND", async () => {
    const id = `${h.orgId}/m1@acme.com/extra`;
    expect(() => parseMembershipId(id)).toThrow(/^INVALID_RESOURCE_ID:/);
    await expect(m.read(id, {})).rejects.toThrow(/^INVALID_RESOURCE_ID:/);
    expect(h.requests()).toEqual([]);
  });
});

describe("9. each `pruned:` line is written before its request", () => {
  it("at the moment each line is recorded, the DELETE for that person is not in the request log yet", async () => {
    const carol = h.emulator.state.addOrgUser(h.orgId, { username: "carol@acme.com", roles: ["ORG_READ_ONLY"] });
    const bob = await h.outside.createInvitation(h.orgId, { username: "bob@acme.com", roles: ["ORG_MEMBER"] });
    await nextDeployment();
    const seen: { notice: string; deletesSoFar: string[] }[] = [];
    const previous = runtime.setNoticeSink((notice) => {
      h.notices.push(notice);
      if (notice.includes("pruned:")) {
        seen.push({
          notice,
          deletesSoFar: h
            .requests()
            .filter((q) => q.method === "DELETE")
            .map((q) => q.path),
        });
      }
    });
    try {
      await r.create(await checkedRoster(rosterInputs({ prune: true })));
    } finally {
      runtime.setNoticeSink(previous);
    }
    const people = [
      { who: "bob@acme.com", id: bob.id },
      { who: "carol@acme.com", id: carol.id },
    ];
    expect(seen).toHaveLength(people.length);
    for (const { who, id } of people) {
      const line = seen.find((s) => s.notice.includes(who));
      expect(line, `a pruned: line for ${who}`).toBeDefined();
      expect(line?.deletesSoFar.filter((path) => path.endsWith(`/${id}`))).toEqual([]);
    }
    // And the requests were sent after all.
    expect(deletes()).toEqual([`DELETE /invites/${bob.id} 204`, `DELETE /users/${carol.id} 204`]);
  });
});

describe("17.3. the ledger records the withdrawal of an adopted invitation whose teams differed", () => {
  it("OrgMembership replaces the invitation (teams differ); the old OrgInvitation's delete sends nothing and says it was withdrawn and replaced", async () => {
    const team = h.emulator.state.createTeam(h.orgId, { name: "dba" });
    const old = await upInvitation(person("OrgInvitation", "ivan", "ivan@acme.com"));
    const oldId = String(old.state["invitationId"]);
    await nextDeployment();
    const next = await upMembership(person("OrgMembership", "ivan-m", "ivan@acme.com", { teamIds: [team.id] }));
    const newId = String(next.state["invitationId"]);
    expect(newId).not.toBe(oldId);
    expect(writes()).toEqual([`DELETE /invites/${oldId} 204`, "POST /invites 201"]);
    await runtime.delete(old.id, old.state);
    expect(writes()).toEqual([`DELETE /invites/${oldId} 204`, "POST /invites 201"]);
    expect(pendingFor("ivan@acme.com").map((i) => i.id)).toEqual([newId]);
    expect(h.notices.at(-1)).toMatch(
      new RegExp(`invitation ${oldId} for ivan@acme.com was already withdrawn in this deployment and replaced by the invitation ${newId}`),
    );
  });
});
