// One person, one resource: within a deployment a second OrgInvitation for the same org + username is
// refused before anything is sent; across stacks, adopting an invitation sent with the same
// credentials says loudly what that may mean.
import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { UNKNOWN } from "../../provider/model/property-bag";
import { CloudManagerClient } from "../../sdk";
import { PROVIDER_PLACEHOLDER, noticesMatching, runtime, startHarness, writes, type Harness } from "./support/harness";

let h: Harness;
beforeAll(async () => {
  h = await startHarness();
});
beforeEach(() => h.reset());
afterAll(() => h.close());

const urn = (name: string) => `urn:pulumi:dev::access::pulumi-nodejs:dynamic/cloudmanager:OrgInvitation::${name}`;

function inputs(name: string, username: string) {
  return { orgId: h.orgId, username, roles: ["ORG_MEMBER"], __urn: urn(name), __provider: PROVIDER_PLACEHOLDER };
}

describe("one person declared twice in one deployment", () => {
  it("check refuses the second resource, naming both resources and the address, with no API call", async () => {
    const first = await runtime.check({}, inputs("alice", "alice@example.com"));
    expect(first.failures ?? []).toEqual([]);
    const second = await runtime.check({}, inputs("alice-again", "  Alice@Example.COM "));
    expect(second.failures).toHaveLength(1);
    const [failure] = second.failures ?? [];
    expect(failure?.property).toBe("username");
    expect(failure?.reason).toContain("DUPLICATE_INVITATION: Alice@Example.COM is declared by more than one OrgInvitation");
    expect(failure?.reason).toContain(`"alice-again" (${urn("alice-again")})`);
    expect(failure?.reason).toContain(`"alice" (${urn("alice")})`);
    expect(h.requests()).toEqual([]);
  });

  it("the same resource checked again is not a duplicate", async () => {
    await runtime.check({}, inputs("bob", "bob@example.com"));
    const again = await runtime.check({}, inputs("bob", "bob@example.com"));
    expect(again.failures ?? []).toEqual([]);
  });

  it("neither resource sends an invitation once the duplicate is known (up without a preview)", async () => {
    const a = await runtime.check({}, inputs("carol", "carol@example.com"));
    await runtime.check({}, inputs("carol-2", "carol@example.com"));
    await expect(runtime.create(a.inputs ?? {})).rejects.toThrow(
      /^DUPLICATE_INVITATION: carol@example.com .*"carol".*"carol-2".*Nothing was sent/,
    );
    expect(writes(h)).toEqual([]);
    expect(h.emulator.state.pendingInvitations(h.orgId)).toEqual([]);
  });

  it("a username computed after check is caught at create: one invitation, the second create refused", async () => {
    const unknownA = await runtime.check({}, { ...inputs("dan", UNKNOWN), username: UNKNOWN });
    const unknownB = await runtime.check({}, { ...inputs("dan-2", UNKNOWN), username: UNKNOWN });
    expect([unknownA.failures ?? [], unknownB.failures ?? []]).toEqual([[], []]);
    await runtime.create(inputs("dan", "dan@example.com"));
    await expect(runtime.create(inputs("dan-2", "DAN@example.com"))).rejects.toThrow(/^DUPLICATE_INVITATION: DAN@example.com/);
    expect(writes(h).map((r) => r.method)).toEqual(["POST"]);
    expect(h.emulator.state.pendingInvitations(h.orgId)).toHaveLength(1);
  });

  it("different people, or one person in two organizations' worth of ids, are fine", async () => {
    expect((await runtime.check({}, inputs("erin", "erin@example.com"))).failures ?? []).toEqual([]);
    expect((await runtime.check({}, inputs("frank", "frank@example.com"))).failures ?? []).toEqual([]);
    const otherOrg = { ...inputs("erin-elsewhere", "erin@example.com"), orgId: "0123456789abcdef01234567" };
    expect((await runtime.check({}, otherOrg)).failures ?? []).toEqual([]);
  });
});

describe("adopting an invitation another stack may manage", () => {
  it("says loudly when the invitation was sent with this stack's own credentials, and how to resolve it", async () => {
    const sent = await h.outside.createInvitation(h.orgId, { username: "gina@example.com", roles: ["ORG_MEMBER"] });
    h.emulator.state.clearRequests();
    const checked = await runtime.check({}, inputs("gina", "gina@example.com"));
    const created = await runtime.create(checked.inputs ?? {});
    expect(created.outs?.invitationId).toBe(sent.id);
    expect(writes(h)).toEqual([]);
    const [notice, ...others] = noticesMatching(h, /adopting the pending invitation/);
    expect(others).toEqual([]);
    expect(notice).toContain(`sent with the credentials this stack uses (${h.emulator.credentials.publicKey})`);
    expect(notice).toContain("ANOTHER STACK that also declares gina@example.com");
    expect(notice).toMatch(/remove the resource from one of the two programs/);
  });

  it("an invitation sent by ANOTHER API key is adopted saying another automation may manage the person (MANAGED_ELSEWHERE)", async () => {
    const key = h.emulator.state.addApiKey({ name: "another pipeline", orgRoles: [{ orgId: h.orgId, roles: ["ORG_OWNER"] }] });
    const person = new CloudManagerClient({ baseUrl: h.emulator.baseUrl, publicKey: key.publicKey, privateKey: key.privateKey });
    try {
      await person.createInvitation(h.orgId, { username: "hal@example.com", roles: ["ORG_MEMBER"] });
    } finally {
      await person.close();
    }
    const checked = await runtime.check({}, inputs("hal", "hal@example.com"));
    await runtime.create(checked.inputs ?? {});
    const [notice] = noticesMatching(h, /adopting the pending invitation/);
    expect(notice).toMatch(
      /^warning: cloudmanager: MANAGED_ELSEWHERE: adopting the pending invitation .* instead of sending a second one\./,
    );
    expect(notice).toContain(`sent by ANOTHER API key or service account (${key.publicKey})`);
    expect(notice).not.toContain("ANOTHER STACK");
  });
});
