// Renames and replacements hand the invitation over: a delete never withdraws an invitation that
// another resource of the deployment now holds, and says what happened instead of blaming someone.
// Each "deployment" is one provider process: `settleRuntime()` ends one, as the engine's exit does.
import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import type { PropertyBag } from "../../provider/model/property-bag";
import type { OrgInvitationOutputs } from "../../provider/resources/org-invitation/model";
import { PROVIDER_PLACEHOLDER, runtime, settleRuntime, startHarness, writes as allWrites, type Harness } from "./support/harness";

let h: Harness;
beforeAll(async () => {
  h = await startHarness();
});
beforeEach(() => h.reset());
afterAll(() => h.close());

const urn = (name: string, parentType = "") =>
  `urn:pulumi:dev::access::${parentType}pulumi-nodejs:dynamic/cloudmanager:OrgInvitation::${name}`;

function declared(name: string, username: string, extra: PropertyBag = {}): PropertyBag {
  return { orgId: h.orgId, username, roles: ["ORG_MEMBER"], __urn: urn(name), ...extra, __provider: PROVIDER_PLACEHOLDER };
}

/** check + create as the engine runs them; returns the id and the state the engine stores. */
async function up(news: PropertyBag): Promise<{ id: string; state: PropertyBag }> {
  const checked = await runtime.check({}, news);
  expect(checked.failures ?? []).toEqual([]);
  const created = await runtime.create(checked.inputs ?? {});
  return { id: created.id, state: { ...(created.outs as OrgInvitationOutputs), __provider: PROVIDER_PLACEHOLDER } };
}

async function newDeployment(): Promise<void> {
  await settleRuntime();
  await h.configure();
  h.emulator.state.clearRequests();
  h.notices.length = 0;
}

/** Writes that reached the API (a new deployment's client first collects a Digest challenge: a 401). */
function writes(harness: Harness) {
  return allWrites(harness).filter((r) => r.status !== 401);
}

function pendingIds(): string[] {
  return h.emulator.state.pendingInvitations(h.orgId).map((i) => i.id);
}

describe("hand-over within one deployment", () => {
  it("rename: the new resource adopts, the old one's delete sends nothing and says it handed the invitation over", async () => {
    const before = await up(declared("before", "alice@example.com"));
    expect(before.state["__urn"]).toBe(urn("before"));
    await newDeployment();

    const after = await up(declared("after", "alice@example.com"));
    expect(after.id).toBe(before.id);
    await runtime.delete(before.id, before.state);

    expect(writes(h)).toEqual([]);
    const invitationId = before.state["invitationId"];
    expect(pendingIds()).toEqual([invitationId]);
    expect(h.notices.at(-1)).toBe(
      `warning: cloudmanager: invitation ${String(invitationId)} for alice@example.com handed over from "before" to "after"; nothing was sent, the invitation stays pending.`,
    );
    expect(h.notices.join("\n")).not.toMatch(/withdrawn before it was accepted|deleted outside Pulumi/);
  });

  it("move under a component (another URN, same name): handed over the same way", async () => {
    const top = await up(declared("alice", "alice@example.com"));
    await newDeployment();
    const moved = await up({ ...declared("alice", "alice@example.com"), __urn: urn("alice", "my:access:Team$") });
    expect(moved.id).toBe(top.id);
    await runtime.delete(top.id, top.state);
    expect(writes(h)).toEqual([]);
    expect(pendingIds()).toHaveLength(1);
    expect(h.notices.at(-1)).toContain(`handed over from ${urn("alice")} to ${urn("alice", "my:access:Team$")};`);
  });

  it("a state written before URNs were recorded is handed over too (the old resource is named generically)", async () => {
    const before = await up(declared("before", "bob@example.com"));
    const { __urn: _dropped, ...legacyState } = before.state;
    await newDeployment();
    await up(declared("after", "bob@example.com"));
    await runtime.delete(before.id, legacyState);
    expect(writes(h)).toEqual([]);
    expect(h.notices.at(-1)).toMatch(/handed over from the deleted resource to "after"/);
  });

  it("create-before-delete replacement (same URN): the replacement keeps the invitation", async () => {
    const old = await up(declared("carol", "carol@example.com"));
    await newDeployment();
    const replacement = await up(declared("carol", "carol@example.com"));
    expect(replacement.id).toBe(old.id);
    await runtime.delete(old.id, old.state);
    expect(writes(h)).toEqual([]);
    expect(h.notices.at(-1)).toMatch(/handed over from "carol" to its replacement/);
  });

  it("delete-first replacement (teams changed): the old invitation is withdrawn and one new one sent", async () => {
    const team = h.emulator.state.createTeam(h.orgId, { name: "dba" });
    const old = await up(declared("dan", "dan@example.com"));
    await newDeployment();
    const news = (await runtime.check({}, declared("dan", "dan@example.com", { teamIds: [team.id] }))).inputs ?? {};
    const diff = await runtime.diff(old.id, old.state, news);
    expect(diff).toMatchObject({ changes: true, replaces: ["teamIds"], deleteBeforeReplace: true });
    await runtime.delete(old.id, old.state);
    const created = await runtime.create(news);
    expect(writes(h).map((r) => `${r.method} ${r.status}`)).toEqual(["DELETE 204", "POST 201"]);
    expect(pendingIds()).toEqual([created.outs?.invitationId]);
  });

  it("rename with a teams change: the new resource replaces the invitation; the old one's delete says so and sends nothing", async () => {
    const team = h.emulator.state.createTeam(h.orgId, { name: "ops" });
    const before = await up(declared("before", "erin@example.com"));
    await newDeployment();
    const after = await up(declared("after", "erin@example.com", { teamIds: [team.id] }));
    const sentBefore = writes(h).length;
    await runtime.delete(before.id, before.state);
    expect(writes(h)).toHaveLength(sentBefore);
    expect(pendingIds()).toEqual([after.state["invitationId"]]);
    expect(h.notices.at(-1)).toBe(
      `warning: cloudmanager: the invitation ${String(before.state["invitationId"])} for erin@example.com was already withdrawn in this deployment ` +
        `and replaced by the invitation ${String(after.state["invitationId"])} for "after"; nothing to delete for "before".`,
    );
  });
});

describe("hand-over across deployments", () => {
  it("a rename whose old resource is deleted by a later `up` (the first one failed): the kept resource's diff claims it", async () => {
    const before = await up(declared("before", "fay@example.com"));
    await newDeployment();
    const after = await up(declared("after", "fay@example.com"));
    await newDeployment(); // the `up` failed before deleting "before"; the next one runs diff for "after"
    const news = (await runtime.check(after.state, declared("after", "fay@example.com"))).inputs ?? {};
    expect(await runtime.diff(after.id, after.state, news)).toEqual({ changes: false });
    await runtime.delete(before.id, before.state);
    expect(writes(h)).toEqual([]);
    expect(pendingIds()).toEqual([after.state["invitationId"]]);
    expect(h.notices.at(-1)).toMatch(/handed over from "before" to "after"/);
  });

  it("destroy of two resources that hold one invitation: one DELETE, and the second says this deployment withdrew it", async () => {
    const before = await up(declared("before", "gus@example.com"));
    await newDeployment();
    const after = await up(declared("after", "gus@example.com"));
    await newDeployment(); // `pulumi destroy`: no program, no diff
    await runtime.delete(after.id, after.state);
    await runtime.delete(before.id, before.state);
    expect(writes(h).map((r) => `${r.method} ${r.status}`)).toEqual(["DELETE 204"]);
    expect(pendingIds()).toEqual([]);
    expect(h.notices).toEqual([
      `warning: cloudmanager: the invitation ${String(before.state["invitationId"])} for gus@example.com was already withdrawn in this deployment by the delete of "after"; nothing to delete for "before".`,
    ]);
  });
});

describe("what a delete says when the invitation is already gone", () => {
  it("a DELETE whose answer was lost: the retry's 404 is reported as our own earlier attempt, not as someone else's", async () => {
    const only = await up(declared("hana", "hana@example.com"));
    await newDeployment();
    await runtime.read(only.id, only.state); // the client has its Digest challenge: the DELETE goes signed
    h.emulator.state.addFault({ method: "DELETE", path: "/invites/", count: 1, fault: { type: "drop", after: "handler" } });
    await runtime.delete(only.id, only.state);
    expect(
      h
        .requests()
        .filter((r) => r.method === "DELETE")
        .map((r) => r.status),
    ).toEqual([0, 404]);
    expect(pendingIds()).toEqual([]);
    expect(h.notices).toEqual([
      `warning: cloudmanager: the invitation ${String(only.state["invitationId"])} for hana@example.com is gone: an earlier attempt of this DELETE ` +
        `most likely withdrew it (its answer was lost, and the retry found nothing to delete).`,
    ]);
  });
});
