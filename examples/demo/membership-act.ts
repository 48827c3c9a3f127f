// The demo's membership act (`npm run demo -- --membership`): a person's access from the invitation
// to the membership to its removal (OrgMembership), and the access nobody declared (OrgRoster), through
// the real Pulumi engine against the emulator of ./demo-world.
//
// The program is inline (run by the Automation API in this process, the project folder under
// <repo>/.e2e-work/): one OrgMembership per person in people.yaml — the organization's owner, owen,
// with the `retainOnDelete` resource option — and one OrgRoster whose `managed` are those usernames,
// whose `ignore` holds owen (so that once he leaves the list the roster neither reports nor prunes
// him) and whose `prune` is the stack config `prune`.
//
//   1. pulumi up invites everyone: every membership PENDING;
//   2. outside Pulumi, everyone accepts; an admin promotes alice to ORG_OWNER and invites a stranger;
//   3. pulumi preview --refresh --expect-no-changes (the GitOps gate) fails, naming alice's roles and the stranger;
//   4. prune on, pulumi up --refresh: alice's roles are set back, the stranger's invitation withdrawn; the gate passes;
//   5. prune back off; bob leaves people.yaml: up --refresh removes him from the organization (his
//      OrgMembership's delete); owen leaves too: retainOnDelete keeps him, and the gate passes;
//   6. pulumi destroy removes the members still declared (OrgMembership's delete), keeps owen;
//   7. a closing table.
// Every step's outcome is checked; anything unexpected ends the demo with exit code 1.

import { readFileSync, writeFileSync } from "node:fs";
import { relative } from "node:path";
import * as pulumi from "@pulumi/pulumi";
import type { EngineEvent, PulumiFn, Stack } from "@pulumi/pulumi/automation";
import { OrgMembership, OrgRoster, rosterLines, type UnmanagedInvitation, type UnmanagedMember } from "../../index";
import { parsePeople, type Person } from "../org-invitations/declare-org-invitations";
import { inlineStack, startDemoWorld } from "./demo-world";
import { ORG_MEMBERSHIP_TYPE, ORG_ROSTER_TYPE, resourceName, type Drift } from "./engine-events";
import { check, controlPlane, event, heading, leftAlone, opsOf, printWarnings, Runner, seconds, table, type ActContext } from "./narration";
import { orgPathLog } from "./request-log";

// What happens to each of them: everyone accepts in step 2; alice is promoted by hand and set back in
// step 4; bob and owen leave people.yaml in step 5 (owen, the owner, is kept: retainOnDelete); carol
// and alice stay until destroy.
const PEOPLE: Person[] = [
  { email: "alice@example.com", roles: ["ORG_MEMBER"] },
  { email: "bob@example.com", roles: ["ORG_READ_ONLY"] },
  { email: "carol@example.com", roles: ["ORG_GROUP_CREATOR", "ORG_MEMBER"] },
  { email: "owen@example.com", roles: ["ORG_OWNER"] },
];

const [ALICE, BOB, CAROL, OWEN] = PEOPLE.map((p) => p.email) as [string, string, string, string];

/** A person with ORG_OWNER who works in the Cloud Manager UI (the invitations they send name them as inviter). */
const ADMIN_USER = "admin@example.com";
/** Someone nobody declared, invited by an admin in Cloud Manager. */
const STRANGER = "mallory@example.net";
const STRANGER_ROLES = ["ORG_MEMBER"];

/**
 * People whose access outlives their resource: the `retainOnDelete` resource option, and the roster's
 * `ignore`, without which a roster with prune on would remove them once they leave the list.
 */
const KEPT_ON_DELETE = [OWEN];

const ROSTER = "roster";

/** One membership as the program exports it. */
interface Access {
  status: string;
  roles: string[];
  userId?: string;
  invitationId?: string;
}

/** The roster's outputs (JSON Lines, exported as they are), one entry per line. */
interface Unmanaged {
  invitations: UnmanagedInvitation[];
  members: UnmanagedMember[];
}

/** The GitOps shape: people.yaml becomes one OrgMembership each, plus the roster of the organization. */
function accessProgram(orgId: string, peopleFile: string): PulumiFn {
  return async () => {
    const prune = new pulumi.Config().getBoolean("prune") ?? false;
    const people = parsePeople(readFileSync(peopleFile, "utf8"), "people.yaml");
    const access: Record<string, pulumi.Output<Access>> = {};
    for (const person of people) {
      const key = person.email.trim().toLowerCase();
      const membership = new OrgMembership(
        key,
        { orgId, username: person.email, roles: person.roles, ...(person.teams ? { teamIds: person.teams } : {}) },
        KEPT_ON_DELETE.includes(key) ? { retainOnDelete: true } : {},
      );
      access[key] = pulumi
        .all([membership.status, membership.roles, membership.userId, membership.invitationId])
        .apply(([status, roles, userId, invitationId]) => ({
          status,
          roles,
          ...(userId ? { userId } : {}),
          ...(invitationId ? { invitationId } : {}),
        }));
    }
    const roster = new OrgRoster(ROSTER, { orgId, managed: people.map((p) => p.email), ignore: KEPT_ON_DELETE, prune });
    return {
      access: pulumi.all(access),
      unmanaged: pulumi.output({ invitations: roster.unmanagedInvitations, members: roster.unmanagedMembers }),
    };
  };
}

function peopleYaml(people: readonly Person[]): string {
  return people.map((p) => `- email: ${p.email}\n  roles: [${p.roles.join(", ")}]\n`).join("");
}

export async function membershipAct(context: ActContext): Promise<void> {
  const { repoRoot } = context;
  const runner = new Runner(context, [ORG_MEMBERSHIP_TYPE, ORG_ROSTER_TYPE]);
  console.log(
    "pulumi-cloudmanager demo, membership act: OrgMembership and OrgRoster through the real Pulumi engine, against a local Cloud Manager",
  );

  heading("Setup");
  const world = await startDemoWorld(context, { orgName: "Demo Org" });
  const { binDir, emulator, org, admin, temp } = world;
  const projectName = "cloudmanager-demo-membership";
  const { stack, workDir, peopleFile } = await inlineStack(
    context,
    world,
    "demo-membership",
    projectName,
    (file) => accessProgram(org, file),
    { prune: { value: "false" } },
  );
  writeFileSync(peopleFile, peopleYaml(PEOPLE));

  const member = (email: string) => emulator.state.members(org).find((m) => m.username === email);
  const rolesOf = (email: string) => member(email)?.roles.map((r) => r.roleName) ?? [];
  const pendingFor = (email: string) => emulator.state.pendingInvitations(org).filter((i) => i.username === email);
  const log = orgPathLog(emulator, org);
  /** Whether `writes` hold `METHOD /orgs/{org}<path> → status`. */
  const wrote = (writes: string[], method: string, path: string, status: number) =>
    writes.includes(`${method} /orgs/{org}${path} → ${status}`);

  console.log(`    Pulumi CLI        ${binDir}`);
  console.log(`    Cloud Manager     emulator at ${emulator.baseUrl}, organization "${emulator.org.name}" (${org})`);
  console.log(
    `    Pulumi project    ${projectName}, inline program (examples/demo/membership-act.ts), folder ${relative(repoRoot, workDir)}`,
  );
  console.log(`    Stack "demo"      file backend and PULUMI_HOME in ${temp}, empty passphrase`);
  console.log(`    Credentials       stack config cloudmanager:publicKey, cloudmanager:privateKey (secret), cloudmanager:baseUrl`);
  console.log(`    people.yaml       ${PEOPLE.map((p) => `${p.email} (${p.roles.join(", ")})`).join(", ")}`);
  console.log(`    The program       one OrgMembership per person (${OWEN}, the owner, with retainOnDelete: true);`);
  console.log(
    `                      one OrgRoster: managed = those usernames, ignore = [${KEPT_ON_DELETE.join(", ")}], prune = stack config prune (false)`,
  );

  // ---- 1 ----
  heading("1. pulumi up: invite everyone in people.yaml");
  const up1 = await runner.run((o) => stack.up(o));
  check(up1.result.summary.result === "succeeded", `pulumi up succeeded (${seconds(up1.ms)})`);
  check(
    PEOPLE.every((p) => opsOf(up1.steps, p.email).join() === "create") && opsOf(up1.steps, ROSTER).join() === "create",
    `${PEOPLE.length} OrgMembership resources created, one per person, and the OrgRoster`,
    up1.steps,
  );
  const access1 = accessOf(up1.result.outputs);
  table(
    ["person", "roles", "status", "invitation id"],
    PEOPLE.map((p) => [
      p.email,
      access1[p.email]?.roles.join(",") ?? "-",
      access1[p.email]?.status ?? "-",
      access1[p.email]?.invitationId ?? "-",
    ]),
  );
  check(
    PEOPLE.every((p) => access1[p.email]?.status === "PENDING"),
    "every membership is PENDING (invited, not a member yet)",
    access1,
  );
  check(
    PEOPLE.every((p) => pendingFor(p.email).length === 1 && pendingFor(p.email)[0]?.id === access1[p.email]?.invitationId),
    "Cloud Manager holds exactly one pending invitation per person, the ones in the stack",
  );
  const unmanaged1 = unmanagedOf(up1.result.outputs);
  check(
    unmanaged1.invitations.length === 0 && unmanaged1.members.length === 0,
    "the roster found no access that nobody declared",
    unmanaged1,
  );

  // ---- 2 ----
  heading("2. Meanwhile, outside Pulumi");
  for (const p of PEOPLE) {
    event(`${p.email} accepts the invitation`, "(emulator control plane: POST /__emulator/orgs/{org}/invites/{id}/accept)", 50);
    await controlPlane(emulator, `orgs/${org}/invites/${access1[p.email]?.invitationId ?? ""}/accept`);
  }
  check(
    PEOPLE.every((p) => member(p.email) !== undefined && pendingFor(p.email).length === 0),
    `all ${PEOPLE.length} are members of the organization now`,
  );
  const userId = (email: string) => member(email)?.id ?? "";
  const ids = Object.fromEntries(PEOPLE.map((p) => [p.email, userId(p.email)]));
  event(`an admin promotes ${ALICE} to ORG_OWNER`, "(PUT /orgs/{org}/users/{id}/roles with the admin's own API key)", 50);
  await admin.updateOrgUserRoles(org, userId(ALICE), ["ORG_OWNER"]);
  event(
    `the admin invites ${STRANGER} in the Cloud Manager UI`,
    "(emulator control plane: POST /__emulator/orgs/{org}/invites as admin@example.com)",
    50,
  );
  const strangerInvitation = (await controlPlane(emulator, `orgs/${org}/invites`, {
    username: STRANGER,
    roles: STRANGER_ROLES,
    inviterUsername: ADMIN_USER,
  })) as { id: string; roles: string[] };
  check(rolesOf(ALICE).join() === "ORG_OWNER", `${ALICE}'s roles are now ORG_OWNER (declared: ORG_MEMBER)`, rolesOf(ALICE));
  check(pendingFor(STRANGER).length === 1, `${STRANGER} has a pending invitation (${strangerInvitation.id}) that no resource declares`);
  const rolesByHand = Object.fromEntries(PEOPLE.map((p) => [p.email, rolesOf(p.email)]));

  // ---- 3 ----
  heading("3. pulumi preview --refresh --expect-no-changes: the GitOps gate");
  const gate = await runner.gateFails(stack);
  console.log("    What the refresh found (nothing changed yet):");
  for (const d of inOrder(gate.drift)) console.log(`      ${d.name.padEnd(20)} ${describeAccessDrift(d)}`);
  printWarnings("What the provider said:", gate.warnings);
  console.log("    What pulumi up would do:");
  for (const name of [...PEOPLE.map((p) => p.email), ROSTER]) {
    const ops = opsOf(gate.steps, name);
    console.log(`      ${name.padEnd(20)} ${ops.includes("update") ? "update" : leftAlone(ops) ? "nothing" : ops.join(", ")}`);
  }
  check(
    PEOPLE.every((p) => driftOf(gate.drift, p.email, "status")?.join(" → ") === "PENDING → ACTIVE"),
    "drift: every membership PENDING → ACTIVE (they accepted; that is the goal, not a change to make)",
    gate.drift,
  );
  check(
    JSON.stringify(driftOf(gate.drift, ALICE, "roles")) === JSON.stringify([["ORG_MEMBER"], ["ORG_OWNER"]]),
    `drift names ${ALICE}'s roles: ["ORG_MEMBER"] → ["ORG_OWNER"]`,
    gate.drift,
  );
  const strangerFound = driftOf(gate.drift, ROSTER, "unmanagedInvitations")?.[1];
  check(
    typeof strangerFound === "string" && rosterLines<UnmanagedInvitation>(strangerFound).some((i) => i.username === STRANGER),
    `drift names ${STRANGER}: the roster's unmanagedInvitations lists the invitation`,
    gate.drift,
  );
  check(
    gate.warnings.some((w) => w.includes("undeclared access") && w.includes(STRANGER)),
    `a warning names ${STRANGER} as undeclared access`,
    gate.warnings,
  );
  check(
    opsOf(gate.steps, ALICE).includes("update") &&
      opsOf(gate.steps, ROSTER).includes("update") &&
      [BOB, CAROL, OWEN].every((email) => leftAlone(opsOf(gate.steps, email))),
    'the plan updates alice and the roster and leaves bob, carol and owen alone (each planned as "same")',
    gate.steps,
  );
  check(rolesOf(ALICE).join() === "ORG_OWNER" && pendingFor(STRANGER).length === 1, "a preview changes nothing");

  // ---- 4 ----
  heading("4. prune on, then pulumi up --refresh: converge");
  await stack.setConfig("prune", { value: "true" });
  console.log("    stack config prune = true               (pulumi config set prune true)");
  const up4 = await runner.up(stack, log, true);
  const writes4 = up4.writes;
  check(
    wrote(writes4, "PUT", `/users/${ids[ALICE]}/roles`, 200) && rolesOf(ALICE).join() === "ORG_MEMBER",
    `${ALICE}'s roles were set back to ORG_MEMBER (PUT /orgs/{org}/users/${ids[ALICE]}/roles → 200)`,
    { writes: writes4, roles: rolesOf(ALICE) },
  );
  check(
    up4.warnings.some((w) => w.includes("pruned:") && w.includes(STRANGER) && w.includes(strangerInvitation.id)) &&
      wrote(writes4, "DELETE", `/invites/${strangerInvitation.id}`, 204) &&
      pendingFor(STRANGER).length === 0,
    `${STRANGER}'s invitation was withdrawn ("pruned:", DELETE /orgs/{org}/invites/${strangerInvitation.id} → 204)`,
    { writes: writes4, warnings: up4.warnings },
  );
  check(
    [BOB, CAROL, OWEN].every((email) => opsOf(up4.steps, email).join() === "refresh,same") &&
      writes4.every((w) => !w.includes(ids[BOB] ?? "?") && !w.includes(ids[CAROL] ?? "?") && !w.includes(ids[OWEN] ?? "?")),
    "bob, carol and owen were left alone: nothing sent for them",
    up4.steps,
  );
  const access4 = accessOf(up4.result.outputs);
  check(
    PEOPLE.every((p) => access4[p.email]?.status === "ACTIVE" && access4[p.email]?.roles.join() === [...p.roles].sort().join()),
    "exported: everyone ACTIVE, with the roles of people.yaml",
    access4,
  );
  const gate4 = await runner.gate(stack);
  check(gate4.errors.length === 0, `pulumi preview --refresh --expect-no-changes passes now (${seconds(gate4.ms)})`);

  // ---- 5 ----
  heading("5. People leave people.yaml, then pulumi up --refresh");
  // At `up` the engine updates the roster (its `managed` shrinks) before it deletes the resources that
  // left the program; with prune on, the roster would remove bob itself, ahead of his OrgMembership.
  await stack.setConfig("prune", { value: "false" });
  console.log("    stack config prune = false              (back to report-only: here OrgMembership's delete does the removing)");
  const remaining = PEOPLE.filter((p) => p.email !== BOB);
  writeFileSync(peopleFile, peopleYaml(remaining));
  console.log(`    people.yaml       ${BOB} removed`);
  const up5 = await runner.up(stack, log, true);
  const writes5 = up5.writes;
  check(opsOf(up5.steps, BOB).join() === "refresh,delete", `${BOB}'s OrgMembership was deleted`, up5.steps);
  check(
    wrote(writes5, "DELETE", `/users/${ids[BOB]}`, 204) &&
      member(BOB) === undefined &&
      !up5.warnings.some((w) => w.includes("pruned:") || w.includes("nothing to delete")),
    `its delete removed ${BOB} from the organization (DELETE /orgs/{org}/users/${ids[BOB]} → 204; the roster pruned nothing)`,
    { writes: writes5, warnings: up5.warnings },
  );
  if (up5.warnings.some((w) => w.includes("undeclared access") && w.includes(BOB))) {
    console.log(
      `    (The roster is updated before removed resources are deleted, so it still saw ${BOB} as a member nobody declares; the gate below passes.)`,
    );
  }

  const stays = remaining.filter((p) => p.email !== OWEN);
  writeFileSync(peopleFile, peopleYaml(stays));
  console.log(`    people.yaml       ${OWEN} removed too (his OrgMembership has retainOnDelete: true)`);
  const up5b = await runner.up(stack, log, true);
  const writes5b = up5b.writes;
  check(
    opsOf(up5b.steps, OWEN).join() === "refresh,delete" && retainedIn(up5b.events, OWEN),
    `${OWEN}'s OrgMembership left the stack (a "delete" of a retained resource: the provider is not called)`,
    up5b.steps,
  );
  check(writes5b.length === 0 && rolesOf(OWEN).join() === "ORG_OWNER", `${OWEN} is still a member, still ORG_OWNER: nothing was sent`, {
    writes: writes5b,
    roles: rolesOf(OWEN),
  });
  check(
    !(await membershipsInState(stack)).has(OWEN),
    `${OWEN} is no longer in the stack's state: from now on Pulumi neither manages nor removes him`,
  );
  const gate5 = await runner.gate(stack);
  check(
    gate5.errors.length === 0,
    `pulumi preview --refresh --expect-no-changes passes (${seconds(gate5.ms)}): the roster ignores ${OWEN}`,
  );

  // ---- 6 ----
  heading("6. pulumi destroy");
  console.log("    destroy deletes every OrgMembership still in the stack: an active member is removed from the organization,");
  console.log(`    a pending invitation withdrawn; one with retainOnDelete is left alone (as ${OWEN}'s was in step 5).`);
  const destroy = await runner.destroy(stack, log);
  const writes6 = destroy.writes;
  check(
    [ALICE, CAROL].every((email) => wrote(writes6, "DELETE", `/users/${ids[email]}`, 204) && member(email) === undefined),
    "alice and carol, active members, were removed from the organization: OrgMembership's delete removes a member",
    writes6,
  );
  check(
    writes6.length === 2 && opsOf(destroy.steps, ROSTER).join() === "delete",
    "the roster's delete removed nobody (it owns no one's access)",
    writes6,
  );
  check(
    member(OWEN) !== undefined && rolesOf(OWEN).join() === "ORG_OWNER",
    `${OWEN} is still a member and ORG_OWNER: retainOnDelete kept him out of Pulumi's hands`,
  );
  const left = emulator.state.pendingInvitations(org);
  check(left.length === 0, "Cloud Manager holds no pending invitation", left);

  // ---- 7 ----
  heading("7. Summary");
  // Every cell is read back from what the steps above recorded, none written in advance.
  const byHand = (email: string): string => {
    if (email === STRANGER) return `invited by the admin (${strangerInvitation.roles.join(",")})`;
    const declared = PEOPLE.find((p) => p.email === email)?.roles ?? [];
    const roles = rolesByHand[email] ?? [];
    return [...roles].sort().join() === [...declared].sort().join() ? "accepted" : `accepted; promoted to ${roles.join(",")}`;
  };
  const converge = (email: string): string => {
    if (email === STRANGER)
      return wrote(writes4, "DELETE", `/invites/${strangerInvitation.id}`, 204) ? "pruned: invitation withdrawn" : "?";
    if (wrote(writes4, "PUT", `/users/${ids[email]}/roles`, 200)) return `roles set back: ${access4[email]?.roles.join(",") ?? "?"}`;
    return leftAlone(opsOf(up4.steps, email)) ? "nothing sent" : opsOf(up4.steps, email).join(", ");
  };
  const leaving = (email: string): string => {
    if (opsOf(up5.steps, email).includes("delete"))
      return wrote(writes5, "DELETE", `/users/${ids[email]}`, 204) ? "removed from list: DELETE member" : "?";
    if (opsOf(up5b.steps, email).includes("delete")) return retainedIn(up5b.events, email) ? "removed from list: retained" : "?";
    return email === STRANGER ? "-" : "stays";
  };
  const destroyed = (email: string): string => {
    if (wrote(writes6, "DELETE", `/users/${ids[email]}`, 204)) return "DELETE member";
    return "not in the stack";
  };
  const now = (email: string): string => {
    if (member(email)) return `member (${rolesOf(email).join(",")})`;
    if (pendingFor(email).length > 0) return "invited";
    return "no access";
  };
  table(
    ["person", "up (step 1)", "by hand (step 2)", "up --refresh, prune (step 4)", "people.yaml (step 5)", "destroy", "now"],
    [...PEOPLE.map((p) => p.email), STRANGER].map((email) => [
      email,
      access1[email]?.status ?? "-",
      byHand(email),
      converge(email),
      leaving(email),
      email === STRANGER ? "-" : destroyed(email),
      now(email),
    ]),
  );
  console.log("\nDemo complete: every step behaved as expected.");
}

function accessOf(outputs: Record<string, { value: unknown }>): Record<string, Access> {
  const value = outputs["access"]?.value;
  return typeof value === "object" && value !== null ? (value as Record<string, Access>) : {};
}

/** The exported `unmanaged`: the roster's two outputs, read line by line. */
function unmanagedOf(outputs: Record<string, { value: unknown }>): Unmanaged {
  const value = outputs["unmanaged"]?.value as { invitations?: unknown; members?: unknown } | undefined;
  const lines = <T extends object>(text: unknown) => (typeof text === "string" ? rosterLines<T>(text) : []);
  return { invitations: lines<UnmanagedInvitation>(value?.invitations), members: lines<UnmanagedMember>(value?.members) };
}

/** People in the order of the list, then the roster. */
function inOrder(drift: Drift[]): Drift[] {
  const rank = (name: string) => {
    const i = PEOPLE.findIndex((p) => p.email === name);
    return i === -1 ? PEOPLE.length : i;
  };
  return [...drift].sort((a, b) => rank(a.name) - rank(b.name));
}

function driftOf(list: Drift[], name: string, key: string): [unknown, unknown] | undefined {
  return list.find((d) => d.name === name)?.changes[key];
}

/** The changes that tell the story: status and roles of a membership, the usernames a roster found. */
function describeAccessDrift(drift: Drift): string {
  const parts: string[] = [];
  for (const [key, [before, after]] of Object.entries(drift.changes)) {
    if (key === "status" || key === "roles") parts.push(`${key} ${JSON.stringify(before)} → ${JSON.stringify(after)}`);
    if (key === "unmanagedInvitations" || key === "unmanagedMembers") {
      // JSON Lines: one entry per line, its username inside.
      const names = (found: unknown) =>
        typeof found === "string"
          ? `[${rosterLines<UnmanagedInvitation | UnmanagedMember>(found)
              .map((e) => `${e.username} (${e.roles.join(", ")})`)
              .join(", ")}]`
          : "[]";
      parts.push(`${key} ${names(before)} → ${names(after)}`);
    }
  }
  return parts.join(", ");
}

/** Whether the engine's step for `name` deleted a resource kept by `retainOnDelete`. */
function retainedIn(events: readonly EngineEvent[], name: string): boolean {
  return events.some((e) => {
    const m = e.resourcePreEvent?.metadata;
    return m !== undefined && m.op === "delete" && resourceName(m.urn) === name && m.old?.retainOnDelete === true;
  });
}

async function membershipsInState(stack: Stack): Promise<Set<string>> {
  const exported = await stack.exportStack();
  const resources = (exported.deployment as { resources?: { type: string; urn: string }[] }).resources ?? [];
  return new Set(resources.filter((r) => r.type === ORG_MEMBERSHIP_TYPE).map((r) => resourceName(r.urn)));
}
