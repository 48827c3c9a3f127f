// The demo's first act (`npm run demo`): the OrgInvitation lifecycle end to end. The example program
// (examples/org-invitations, the repository's Pulumi.yaml) runs as a local Pulumi stack through the
// Automation API and the real `pulumi` CLI, against the emulator of ./demo-world.
//
//   1. pulumi up sends the invitations;
//   2. outside Pulumi, one person accepts, one invitation is revoked by an admin, one expires;
//   3. pulumi preview --refresh --expect-no-changes (the GitOps gate) fails and says what drifted;
//   4. pulumi refresh, then pulumi up, converge: revoked and expired are re-sent, accepted left alone;
//   5. pulumi destroy completes; the accepted invitation is reported as drift, not as an error;
//   6. a closing table.
// Every step's outcome is checked; anything unexpected ends the demo with exit code 1.

import { relative } from "node:path";
import { LocalWorkspace, type Stack } from "@pulumi/pulumi/automation";
import { providerConfig, startDemoWorld } from "./demo-world";
import { ORG_INVITATION_TYPE, type Drift } from "./engine-events";
import { prepareExampleProject } from "./example-project";
import {
  check,
  checkSucceeded,
  controlPlane,
  describeDrift,
  event as eventIn,
  heading,
  lastRequestSeq,
  leftAlone,
  opsOf,
  Runner,
  seconds,
  table,
  type ActContext,
} from "./narration";

// What happens to each of them is told by step 2 (alice accepts, bob is revoked, carol expires, dave waits).
interface Person {
  email: string;
  roles: string[];
}

const PEOPLE: Person[] = [
  { email: "alice@example.com", roles: ["ORG_GROUP_CREATOR", "ORG_MEMBER"] },
  { email: "bob@example.com", roles: ["ORG_READ_ONLY"] },
  { email: "carol@example.com", roles: ["ORG_BILLING_ADMIN"] },
  { email: "dave@example.com", roles: ["ORG_MEMBER"] },
];

const [ALICE, BOB, CAROL, DAVE] = PEOPLE.map((p) => p.email) as [string, string, string, string];

function inPeopleOrder(drift: Drift[]): Drift[] {
  const rank = (name: string) => PEOPLE.findIndex((p) => p.email === name);
  return [...drift].sort((a, b) => rank(a.name) - rank(b.name));
}

/** Invitation ids and statuses recorded in the stack's state, by resource name (the email). */
async function recorded(stack: Stack): Promise<Map<string, { invitationId?: string; status?: string }>> {
  const exported = await stack.exportStack();
  const resources =
    (exported.deployment as { resources?: { type: string; urn: string; outputs?: Record<string, unknown> }[] }).resources ?? [];
  const found = new Map<string, { invitationId?: string; status?: string }>();
  for (const r of resources) {
    if (!r.type.endsWith(":OrgInvitation")) continue;
    const out = r.outputs ?? {};
    found.set(r.urn.slice(r.urn.lastIndexOf("::") + 2), {
      ...(typeof out["invitationId"] === "string" ? { invitationId: out["invitationId"] } : {}),
      ...(typeof out["status"] === "string" ? { status: out["status"] } : {}),
    });
  }
  return found;
}

export async function invitationAct(context: ActContext): Promise<void> {
  const { repoRoot, teardown } = context;
  const runner = new Runner(context, [ORG_INVITATION_TYPE]);
  console.log("pulumi-cloudmanager demo: OrgInvitation through the real Pulumi engine, against a local Cloud Manager");

  heading("Setup");
  // A Cloud Manager version that still lists expired invitations: the provider then sees the
  // expiry date has passed. (Where it hides them, a vanished invitation reads as EXPIRED only once
  // the expiry date recorded at `up` has passed — 30 days, longer than a demo.)
  const world = await startDemoWorld(context, { orgName: "Demo Org", expiredInvitations: "visible" });
  const { binDir, pulumiCommand, emulator, org, admin, temp, envVars } = world;
  const project = prepareExampleProject("demo", peopleYaml());
  teardown.folder(project.workDir);

  const stack = await LocalWorkspace.createOrSelectStack({ stackName: "demo", workDir: project.workDir }, { pulumiCommand, envVars });
  await stack.setAllConfig({
    orgId: { value: org },
    peopleFile: { value: project.peopleFile },
    ...providerConfig(world),
  });
  const pendingFor = (email: string) =>
    emulator.state.pendingInvitations(org).filter((i) => i.username === email && Date.parse(i.expiresAt) > Date.now());
  const isMember = (email: string) => emulator.state.members(org).some((m) => m.username === email);

  console.log(`    Pulumi CLI        ${binDir}`);
  console.log(`    Cloud Manager     emulator at ${emulator.baseUrl}, organization "${emulator.org.name}" (${org})`);
  console.log(
    `    Pulumi project    ${project.projectName}, local program ${relative(repoRoot, project.workDir)}/Pulumi.yaml → dist/examples/org-invitations/index.js`,
  );
  console.log(`    Stack "demo"      file backend and PULUMI_HOME in ${temp}, empty passphrase`);
  console.log(`    Credentials       stack config cloudmanager:publicKey, cloudmanager:privateKey (secret), cloudmanager:baseUrl`);
  console.log(`    people.yaml       ${PEOPLE.map((p) => p.email).join(", ")}`);

  // ---- 1 ----
  heading("1. pulumi up: send the invitations");
  const up1 = await runner.run((o) => stack.up(o));
  check(up1.result.summary.result === "succeeded", `pulumi up succeeded (${seconds(up1.ms)})`);
  check(
    PEOPLE.every((p) => opsOf(up1.steps, p.email).join() === "create"),
    `${PEOPLE.length} OrgInvitation resources created, one per person`,
    up1.steps,
  );
  const statuses1 = up1.result.outputs["statuses"]?.value as Record<string, string> | undefined;
  const first = await recorded(stack);
  table(
    ["person", "roles", "invitation id", "status"],
    PEOPLE.map((p) => [p.email, p.roles.join(","), first.get(p.email)?.invitationId ?? "-", statuses1?.[p.email] ?? "-"]),
  );
  check(
    PEOPLE.every((p) => statuses1?.[p.email] === "PENDING"),
    "every exported status is PENDING",
    statuses1,
  );
  check(
    PEOPLE.every((p) => pendingFor(p.email).length === 1 && pendingFor(p.email)[0]?.id === first.get(p.email)?.invitationId),
    "Cloud Manager holds exactly one pending invitation per person, the ones in the stack",
  );

  // ---- 2 ----
  heading("2. Meanwhile, outside Pulumi");
  const id = (email: string) => first.get(email)?.invitationId ?? "";
  const event = (what: string, how: string) => eventIn(what, how, 46);
  event(`${ALICE} accepts the invitation`, "(emulator control plane: POST /__emulator/orgs/{org}/invites/{id}/accept)");
  await controlPlane(emulator, `orgs/${org}/invites/${id(ALICE)}/accept`);
  event(`an admin revokes ${BOB}'s invitation`, "(DELETE /orgs/{org}/invites/{id} with the admin's own API key)");
  await admin.deleteInvitation(org, id(BOB));
  check(pendingFor(BOB).length === 0, `${BOB}'s invitation is gone`);
  event(`${CAROL}'s invitation expires`, "(emulator control plane: POST /__emulator/orgs/{org}/invites/{id}/expire)");
  await controlPlane(emulator, `orgs/${org}/invites/${id(CAROL)}/expire`);
  check(isMember(ALICE) && pendingFor(ALICE).length === 0, `${ALICE} is now a member of the organization`);
  check(pendingFor(CAROL).length === 0, `${CAROL}'s invitation is past its expiry date`);

  // ---- 3 ----
  heading("3. pulumi preview --refresh --expect-no-changes: the GitOps gate");
  const gateSeen = await runner.gateFails(stack);
  console.log("    What drifted (found by the refresh, nothing changed yet):");
  for (const d of inPeopleOrder(gateSeen.drift)) console.log(`      ${d.name.padEnd(20)} ${describeDrift(d)}`);
  const planned = (name: string) => opsOf(gateSeen.steps, name);
  console.log("    What pulumi up would do:");
  for (const p of PEOPLE) {
    const ops = planned(p.email);
    console.log(`      ${p.email.padEnd(20)} ${ops.includes("replace") ? "re-invite (replace: delete, then create)" : "nothing"}`);
  }
  check(
    driftStatus(gateSeen.drift, ALICE) === "ACCEPTED" &&
      driftStatus(gateSeen.drift, BOB) === "REVOKED" &&
      driftStatus(gateSeen.drift, CAROL) === "EXPIRED" &&
      driftStatus(gateSeen.drift, DAVE) === undefined,
    "drift: alice ACCEPTED, bob REVOKED, carol EXPIRED; dave unchanged",
    gateSeen.drift,
  );
  check(
    planned(BOB).includes("replace") && planned(CAROL).includes("replace") && leftAlone(planned(ALICE)) && leftAlone(planned(DAVE)),
    'the plan re-invites bob and carol and leaves alice and dave alone (each planned as "same")',
    gateSeen.steps,
  );
  check(pendingFor(BOB).length === 0 && pendingFor(CAROL).length === 0, "a preview sends nothing");

  // ---- 4 ----
  heading("4. pulumi refresh, then pulumi up: converge");
  const refresh = await runner.run((o) => stack.refresh(o));
  check(refresh.result.summary.result === "succeeded", `pulumi refresh recorded what happened (${seconds(refresh.ms)})`);
  for (const d of inPeopleOrder(refresh.drift)) console.log(`      ${d.name.padEnd(20)} ${describeDrift(d)}`);
  const afterRefresh = await recorded(stack);
  check(
    afterRefresh.get(ALICE)?.status === "ACCEPTED" &&
      afterRefresh.get(BOB)?.status === "REVOKED" &&
      afterRefresh.get(CAROL)?.status === "EXPIRED" &&
      afterRefresh.get(DAVE)?.status === "PENDING",
    "state now says alice ACCEPTED, bob REVOKED, carol EXPIRED, dave PENDING",
    Object.fromEntries(afterRefresh),
  );
  const up2 = await runner.run((o) => stack.up(o));
  const ops = (name: string) => opsOf(up2.steps, name);
  checkSucceeded(up2, "pulumi up");
  check(ops(BOB).includes("replace") && ops(CAROL).includes("replace"), "bob's and carol's invitations were re-sent (replaced)", up2.steps);
  check(
    ops(ALICE).join() === "same" && ops(DAVE).join() === "same",
    'alice (a member now) and dave (still pending) were left alone ("same")',
    up2.steps,
  );
  const converged = await recorded(stack);
  const statuses2 = up2.result.outputs["statuses"]?.value as Record<string, string> | undefined;
  check(
    pendingFor(BOB).length === 1 &&
      pendingFor(BOB)[0]?.id === converged.get(BOB)?.invitationId &&
      converged.get(BOB)?.invitationId !== id(BOB),
    `${BOB} has a new pending invitation (${converged.get(BOB)?.invitationId})`,
  );
  check(
    pendingFor(CAROL).length === 1 &&
      pendingFor(CAROL)[0]?.id === converged.get(CAROL)?.invitationId &&
      converged.get(CAROL)?.invitationId !== id(CAROL),
    `${CAROL} has a new pending invitation (${converged.get(CAROL)?.invitationId})`,
  );
  check(pendingFor(ALICE).length === 0 && isMember(ALICE), `nothing was sent to ${ALICE}, who stays a member`);
  check(pendingFor(DAVE)[0]?.id === id(DAVE), `${DAVE} keeps the invitation sent in step 1`);
  check(
    statuses2?.[ALICE] === "ACCEPTED" &&
      statuses2?.[BOB] === "PENDING" &&
      statuses2?.[CAROL] === "PENDING" &&
      statuses2?.[DAVE] === "PENDING",
    "exported statuses: alice ACCEPTED; bob, carol and dave PENDING",
    statuses2,
  );
  const gate2 = await runner.gate(stack);
  check(gate2.errors.length === 0, `pulumi preview --refresh --expect-no-changes passes now (${seconds(gate2.ms)})`);

  // ---- 5 ----
  heading("5. pulumi destroy");
  const beforeDestroy = lastRequestSeq(emulator);
  const destroy = await runner.run((o) => stack.destroy(o));
  checkSucceeded(destroy, "pulumi destroy");
  check(destroy.errors.length === 0, "no errors");
  console.log("    Reported by the provider:");
  for (const w of destroy.warnings) console.log(`      ${w}`);
  check(
    destroy.warnings.some((w) => w.includes(ALICE) && w.includes("accepted")),
    `${ALICE}'s accepted invitation is reported as drift (a warning), not as an error`,
    destroy.warnings,
  );
  // What the DELETEs of destroy got back, by invitation id.
  const deletes = new Map(
    emulator.state
      .requests()
      .filter((r) => r.seq > beforeDestroy && r.method === "DELETE")
      .map((r) => [r.path.slice(r.path.lastIndexOf("/") + 1), r.status] as const),
  );
  const withdrawn = (email: string) => deletes.get(converged.get(email)?.invitationId ?? "") === 204;
  check(
    withdrawn(BOB) && withdrawn(CAROL) && withdrawn(DAVE),
    "the pending invitations of bob, carol and dave were withdrawn (DELETE answered 204)",
    Object.fromEntries(deletes),
  );
  const left = emulator.state.invitations(org).filter((i) => i.status !== "accepted");
  check(left.length === 0, "Cloud Manager holds no invitation any more, pending or expired", left);
  check(isMember(ALICE), `${ALICE} is still a member: destroy withdraws invitations, never memberships`);

  // ---- 6 ----
  heading("6. Summary");
  // Every cell is read back from what the steps above recorded, none written in advance.
  const refreshFound = (email: string): string => {
    const status = refresh.drift.find((d) => d.name === email)?.changes["status"];
    return status ? `${String(status[0])} → ${String(status[1])}` : "no change";
  };
  const upDid = (email: string): string => {
    const done = ops(email);
    if (done.includes("replace")) return `replaced: new invitation ${converged.get(email)?.invitationId ?? "?"}`;
    return `${done.join(", ")}: nothing sent`;
  };
  const destroyDid = (email: string): string => {
    if (withdrawn(email)) return "withdrew it (DELETE 204)";
    const warning = destroy.warnings.find((w) => w.includes(email));
    return warning ? `warned: ${gist(warning)}` : "nothing";
  };
  const afterDestroy = (email: string): string => {
    if (isMember(email)) return "kept as member";
    if (pendingFor(email).length > 0) return "still pending";
    return withdrawn(email) ? "withdrawn" : "gone";
  };
  table(
    ["person", "status after step 4 → after destroy", "refresh found", "pulumi up", "pulumi destroy"],
    PEOPLE.map((p) => [
      p.email,
      `${statuses2?.[p.email] ?? "-"} → ${afterDestroy(p.email)}`,
      refreshFound(p.email),
      upDid(p.email),
      destroyDid(p.email),
    ]),
  );
  console.log("\nDemo complete: every step behaved as expected.");
}

function driftStatus(list: Drift[], name: string): unknown {
  return list.find((d) => d.name === name)?.changes["status"]?.[1];
}

/** The gist of a provider warning, from the phrases it contains (the full text is printed in step 5). */
function gist(warning: string): string {
  const phrases: [string, string][] = [
    ["accepted", "accepted"],
    ["withdrawn before it was accepted", "withdrawn before acceptance"],
    ["expired", "expired"],
    ["membership is kept", "membership kept"],
    ["nothing to delete", "nothing to delete"],
  ];
  const found = phrases.filter(([phrase]) => warning.includes(phrase)).map(([, label]) => label);
  return found.length > 0 ? found.join(", ") : warning.replace(/^.*?warning: cloudmanager:\s*/, "").slice(0, 60);
}

function peopleYaml(): string {
  return PEOPLE.map((p) => `- email: ${p.email}\n  roles: [${p.roles.join(", ")}]\n`).join("");
}
