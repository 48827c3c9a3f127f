// Issue 16 through the real engine: the trust fixes as a user running `pulumi up` meets them.
// A. A person moved from OrgInvitation to OrgMembership in one `up` keeps their one pending
//    invitation (handed over by person, nothing withdrawn, nothing sent again).
// B. Demoting both Organization Owners in one `up` is refused for the whole plan before any write,
//    naming both resources (not "the first PUT goes through, the second is refused").
// C. Two stacks with two API keys on one organization: the roster of one never prunes the other
//    automation's invitation (it says so, and the gate keeps reporting it), and adopting that
//    invitation says MANAGED_ELSEWHERE, naming the other key.
// D. A hand-sent ORG_OWNER invitation to a declared member is undeclared access: the gate fails,
//    `up` with prune withdraws it, and deleting the membership leaves no invitation behind. The
//    emulator records an API key (never a person) as the inviter, and the roster prunes no other
//    key's invitation (C), so the first one is sent with the stack's own key (a script run with the
//    CI key); the one left for the delete to withdraw comes from another key.
// B, C and D each use an organization of their own (a roster sees the whole organization, and the
// owners of B must be its only owners); the stacks' API keys own it by their own org role, as
// Cloud Manager authorizes a key, so no member's role change takes the key's access away.

import * as pulumi from "@pulumi/pulumi";
import type { ConfigMap, PulumiFn } from "@pulumi/pulumi/automation";
import { describe, expect, test } from "vitest";
import type { ApiKeyCredentials, RequestLogEntry } from "../../emulator";
import { CloudManagerClient } from "../../sdk";
import { builtPackage } from "./harness/built-package";
import { useE2e, type E2eContext } from "./harness/e2e-context";
import { API_PREFIX, describeRequest, EmulatorView } from "./harness/emulator-view";
import { errorDiagnostics, providerWarnings, StackOperationError, type TestStack } from "./harness/test-stack";

let e2e: E2eContext;
useE2e("trust", (context) => (e2e = context));

// ---- the program ----

interface Person {
  /** Resource name. */
  name: string;
  username: string;
  roles: string[];
}

/** What the program declares; the test changes it between operations (the program runs in this process). */
interface World {
  orgId: string;
  invitations: Person[];
  memberships: Person[];
  /** An OrgRoster after the people (as examples/org-membership declares it); `prune` comes from the stack config. */
  roster?: { managed: string[]; ignore?: string[] };
}

function program(world: World): PulumiFn {
  return async () => {
    const { OrgInvitation, OrgMembership, OrgRoster } = builtPackage();
    const prune = new pulumi.Config().getBoolean("prune") ?? false;
    const statuses: Record<string, pulumi.Output<string>> = {};
    const invitationIds: Record<string, pulumi.Output<string | undefined>> = {};
    const declared: pulumi.Resource[] = [];
    for (const p of world.invitations) {
      const r = new OrgInvitation(p.name, { orgId: world.orgId, username: p.username, roles: p.roles });
      [statuses[p.name], invitationIds[p.name]] = [r.status, r.invitationId];
      declared.push(r);
    }
    for (const p of world.memberships) {
      const r = new OrgMembership(p.name, { orgId: world.orgId, username: p.username, roles: p.roles });
      [statuses[p.name], invitationIds[p.name]] = [r.status, r.invitationId];
      declared.push(r);
    }
    const outputs: Record<string, unknown> = { statuses: pulumi.all(statuses), invitationIds: pulumi.all(invitationIds) };
    if (world.roster) {
      const roster = new OrgRoster(
        "roster",
        { orgId: world.orgId, managed: world.roster.managed, ignore: world.roster.ignore ?? [], prune },
        { dependsOn: declared },
      );
      outputs["unmanagedInvitations"] = roster.unmanagedInvitations;
    }
    return outputs;
  };
}

// ---- organizations and keys ----

interface OwnOrg {
  id: string;
  view: EmulatorView;
  /** An API key that owns the organization by its own org role (what the stack uses). */
  key: ApiKeyCredentials;
}

function ownOrg(name: string): OwnOrg {
  const org = e2e.emulator.state.createOrg({ name });
  return { id: org.id, view: new EmulatorView(e2e.emulator, org.id), key: ownerKey(org.id, `${name}: stack key`) };
}

function ownerKey(orgId: string, name: string): ApiKeyCredentials {
  return e2e.emulator.state.addApiKey({ name, orgRoles: [{ orgId, roles: ["ORG_OWNER"] }] });
}

/** Stack config for one API key (the base URL comes from the harness). */
function keyConfig(key: ApiKeyCredentials): ConfigMap {
  return {
    "cloudmanager:publicKey": { value: key.publicKey },
    "cloudmanager:privateKey": { value: key.privateKey, secret: true },
  };
}

/** Someone outside Pulumi calling the API with `key` (a script, curl). */
async function withClient<T>(key: ApiKeyCredentials, use: (client: CloudManagerClient) => Promise<T>): Promise<T> {
  const client = new CloudManagerClient({ baseUrl: e2e.emulator.baseUrl, publicKey: key.publicKey, privateKey: key.privateKey });
  try {
    return await use(client);
  } finally {
    await client.close();
  }
}

// ---- reading the outcome ----

/** Every request after `mark` that tried to change something (answered or refused), Digest challenges left out. */
function attemptedWrites(view: EmulatorView, mark: number): string[] {
  return view
    .requestsSince(mark)
    .filter((r) => r.method !== "GET" && r.path.startsWith(API_PREFIX) && !(r.status === 401 && r.auth.type === "none"))
    .map(describeRequest);
}

function invitePosts(requests: RequestLogEntry[]): RequestLogEntry[] {
  return requests.filter((r) => r.method === "POST" && /\/invites$/.test(r.path));
}

function orgRoles(view: EmulatorView, username: string): string[] | undefined {
  return e2e.emulator.state
    .members(view.orgId)
    .find((m) => m.username === username)
    ?.roles.map((r) => r.roleName)
    .sort();
}

/** `pulumi preview --refresh --expect-no-changes`: undefined when it passed, the Automation API's rejection when it failed. */
async function gate(stack: TestStack): Promise<StackOperationError | undefined> {
  return stack.preview({ refresh: true, expectNoChanges: true, diff: true }).then(
    () => undefined,
    (e: unknown) => {
      if (e instanceof StackOperationError) return e;
      throw e;
    },
  );
}

/** The gate failed as a pipeline sees it: the CLI's exit code 7 and its message. */
function expectGateFailed(failed: StackOperationError | undefined): asserts failed is StackOperationError {
  expect(failed, "the gate passed").toBeInstanceOf(StackOperationError);
  expect(failed?.message).toMatch(/Command failed with exit code 7: .*pulumi preview --expect-no-changes --refresh/);
}

async function upFailure(stack: TestStack): Promise<StackOperationError> {
  const failed = await stack.up().then(
    () => undefined,
    (e: unknown) => e,
  );
  expect(failed, "the up succeeded").toBeInstanceOf(StackOperationError);
  return failed as StackOperationError;
}

/** A resource's `status` as the state records it (a refresh updates resources, not the stack's outputs). */
async function statusInState(stack: TestStack, name: string): Promise<unknown> {
  const found = (await stack.resources()).filter((r) => r.urn.endsWith(`::${name}`));
  expect(found, `resources named ${name}`).toHaveLength(1);
  return found[0]?.outputs?.["status"];
}

async function stackOutput<T>(stack: TestStack, key: string): Promise<T> {
  return (await stack.outputs())[key] as T;
}

describe("issue 16: trust", () => {
  test("A. moving carol from OrgInvitation to OrgMembership in one up keeps her one pending invitation", async () => {
    const carol: Person = { name: "carol", username: "carol@example.com", roles: ["ORG_MEMBER"] };
    const world: World = { orgId: e2e.orgId, invitations: [carol], memberships: [] };
    const stack = await e2e.inlineStack(program(world));
    await stack.up();
    const invitation = e2e.view.pendingFor(carol.username);
    expect((await stackOutput<Record<string, string>>(stack, "statuses"))["carol"]).toBe("PENDING");

    // The program now declares her access as an OrgMembership instead: create "carol-m", delete "carol".
    world.invitations = [];
    world.memberships = [{ ...carol, name: "carol-m" }];
    const mark = e2e.view.mark();
    const up = await stack.up();

    const requests = e2e.view.requestsSince(mark);
    expect(requests.filter((r) => r.method === "DELETE").map(describeRequest)).toEqual([]);
    expect(invitePosts(requests).map(describeRequest)).toEqual([]);
    expect(e2e.view.writesSince(mark).map(describeRequest)).toEqual([]);
    expect(errorDiagnostics(up)).toEqual([]);
    // Still exactly one pending invitation for her, the same one, now held by the membership.
    expect(e2e.view.pendingFor(carol.username).id).toBe(invitation.id);
    expect(await stackOutput<Record<string, string>>(stack, "statuses")).toEqual({ "carol-m": "PENDING" });
    expect(await stackOutput<Record<string, string>>(stack, "invitationIds")).toEqual({ "carol-m": invitation.id });
    const handedOver = providerWarnings(up).filter((w) => w.includes("handed over"));
    expect(handedOver, providerWarnings(up).join("\n")).toEqual([
      `warning: cloudmanager: invitation ${invitation.id} for ${carol.username} handed over from "carol" to "carol-m"; nothing was sent, the invitation stays pending.`,
    ]);

    expect(await gate(stack)).toBeUndefined();
    await stack.destroy();
  });

  test("B. demoting both owners in one up sends zero writes and names both resources", async () => {
    const org = ownOrg("two-owners");
    const o1 = e2e.emulator.state.addOrgUser(org.id, { username: "owner1@two-owners.example.com", roles: ["ORG_OWNER"] });
    const o2 = e2e.emulator.state.addOrgUser(org.id, { username: "owner2@two-owners.example.com", roles: ["ORG_OWNER"] });
    const world: World = {
      orgId: org.id,
      invitations: [],
      memberships: [
        { name: "o1", username: o1.username, roles: ["ORG_OWNER"] },
        { name: "o2", username: o2.username, roles: ["ORG_OWNER"] },
      ],
    };
    const stack = await e2e.inlineStack(program(world), { config: keyConfig(org.key) });
    let mark = org.view.mark();
    await stack.up();
    // Both adopted as they are: nothing to send.
    expect(attemptedWrites(org.view, mark)).toEqual([]);
    expect(await stackOutput<Record<string, string>>(stack, "statuses")).toEqual({ o1: "ACTIVE", o2: "ACTIVE" });

    for (const person of world.memberships) person.roles = ["ORG_MEMBER"];
    mark = org.view.mark();
    const failed = await upFailure(stack);

    expect(attemptedWrites(org.view, mark)).toEqual([]);
    const errors = errorDiagnostics(failed).join("\n");
    expect(errors).toMatch(/OWNER_PLAN_UNSAFE|LAST_ORG_OWNER/);
    expect(errors).toContain(`"o1"`);
    expect(errors).toContain(`"o2"`);
    expect(orgRoles(org.view, o1.username)).toEqual(["ORG_OWNER"]);
    expect(orgRoles(org.view, o2.username)).toEqual(["ORG_OWNER"]);
  });

  test("C. two stacks on one organization do not fight silently", async () => {
    const org = ownOrg("two-stacks");
    const k1 = org.key;
    const k2 = ownerKey(org.id, "two-stacks: the second stack's key");
    const alice: Person = { name: "alice", username: "alice@two-stacks.example.com", roles: ["ORG_MEMBER"] };

    const s1 = await e2e.inlineStack(program({ orgId: org.id, invitations: [], memberships: [alice] }), { config: keyConfig(k1) });
    await s1.up();
    const invitation = org.view.pendingFor(alice.username);
    expect(invitation.inviterUsername).toBe(k1.publicKey);

    // S2 checks the organization with a pruning roster that does not manage alice.
    const world2: World = { orgId: org.id, invitations: [], memberships: [], roster: { managed: [] } };
    const s2 = await e2e.inlineStack(program(world2), { config: { ...keyConfig(k2), prune: { value: "true" } } });
    let mark = org.view.mark();
    const up = await s2.up();
    expect(
      org.view
        .requestsSince(mark)
        .filter((r) => r.method === "DELETE")
        .map(describeRequest),
    ).toEqual([]);
    expect(org.view.pendingFor(alice.username).id).toBe(invitation.id);
    const notPruned = providerWarnings(up).filter((w) => w.includes("not pruned"));
    expect(notPruned, providerWarnings(up).join("\n")).toHaveLength(1);
    expect(notPruned[0]).toContain(`the invitation ${invitation.id} for ${alice.username}`);
    expect(notPruned[0]).toContain(`another API key or service account (${k1.publicKey})`);

    // The gate of S2 still reports it.
    const red = await gate(s2);
    expectGateFailed(red);
    expect(red.message).toContain(alice.username);

    // S2 declares alice too: it adopts the invitation and says another automation manages her.
    world2.memberships = [alice];
    world2.roster = { managed: [alice.username] };
    mark = org.view.mark();
    const adopted = await s2.up();
    const requests = org.view.requestsSince(mark);
    expect(requests.filter((r) => r.method === "DELETE").map(describeRequest)).toEqual([]);
    expect(invitePosts(requests).map(describeRequest)).toEqual([]);
    expect(org.view.pendingFor(alice.username).id).toBe(invitation.id);
    const elsewhere = providerWarnings(adopted).filter((w) => w.includes("MANAGED_ELSEWHERE"));
    expect(elsewhere, providerWarnings(adopted).join("\n")).toHaveLength(1);
    expect(elsewhere[0]).toContain(`adopting the pending invitation ${invitation.id} for ${alice.username}`);
    expect(elsewhere[0]).toContain(`(${k1.publicKey})`);
    expect(await stackOutput<Record<string, string>>(s2, "statuses")).toEqual({ alice: "PENDING" });
  });

  test("D. a hand-sent ORG_OWNER invitation to a declared member fails the gate, and deleting the membership leaves no invitation", async () => {
    const org = ownOrg("extra-invitation");
    const bob: Person = { name: "bob", username: "bob@extra-invitation.example.com", roles: ["ORG_MEMBER"] };
    const world: World = { orgId: org.id, invitations: [], memberships: [bob], roster: { managed: [bob.username] } };
    const stack = await e2e.inlineStack(program(world), { config: keyConfig(org.key) });
    await stack.up();
    const member = e2e.emulator.state.acceptInvitation(org.id, org.view.pendingFor(bob.username).id);
    await stack.refresh();
    expect(await statusInState(stack, "bob")).toBe("ACTIVE");

    // By hand, with the key the stack uses (a script run with the CI key): bob invited again, as owner.
    const extra = await withClient(org.key, (c) => c.createInvitation(org.id, { username: bob.username, roles: ["ORG_OWNER"] }));
    const red = await gate(stack);
    expectGateFailed(red);
    const notice = red.message.split("\n").find((line) => line.includes("undeclared access"));
    expect(notice, red.message).toContain(`${bob.username} (an extra invitation`);
    expect(notice).toContain("ORG_OWNER");

    // The merge to main: `up` with prune withdraws it, and only it.
    await stack.stack.setConfig("prune", { value: "true" });
    let mark = org.view.mark();
    const pruned = await stack.up({ refresh: true });
    expect(org.view.describeWritesSince(mark)).toEqual([`DELETE /orgs/${org.id}/invites/${extra.id} 204`]);
    expect(providerWarnings(pruned).filter((w) => w.includes("pruned:"))).toEqual([
      expect.stringContaining(`pruned: withdrawing the invitation ${extra.id} for ${bob.username} (ORG_OWNER;`) as unknown,
    ]);
    expect(org.view.isMember(bob.username)).toBe(true);
    expect(orgRoles(org.view, bob.username)).toEqual(["ORG_MEMBER"]);
    expect(org.view.pendingByUser().get(bob.username)).toBeUndefined();
    expect(await stackOutput<string>(stack, "unmanagedInvitations")).toBe("");

    // Another automation invites bob once more; then the program drops bob (membership and managed).
    const another = ownerKey(org.id, "extra-invitation: another automation");
    const late = await withClient(another, (c) => c.createInvitation(org.id, { username: bob.username, roles: ["ORG_OWNER"] }));
    world.memberships = [];
    world.roster = { managed: [] };
    mark = org.view.mark();
    const dropped = await stack.up();
    expect(errorDiagnostics(dropped)).toEqual([]);
    expect(org.view.describeWritesSince(mark)).toEqual([
      `DELETE /orgs/${org.id}/users/${member.id} 204`,
      `DELETE /orgs/${org.id}/invites/${late.id} 204`,
    ]);
    expect(org.view.isMember(bob.username)).toBe(false);
    expect(org.view.pendingByUser().get(bob.username)).toBeUndefined();
  });
});
