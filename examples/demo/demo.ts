// `npm run demo`: the OrgInvitation lifecycle end to end, on this machine, with nothing to set up.
// A Cloud Manager emulator runs in this process; the example program (examples/org-invitations,
// the repository's Pulumi.yaml) runs as a local Pulumi stack through the Automation API and the
// real `pulumi` CLI, with its state and passphrase in a temporary folder — nothing in your home.
//
//   1. pulumi up sends the invitations;
//   2. outside Pulumi, one person accepts, one invitation is revoked by an admin, one expires;
//   3. pulumi preview --refresh --expect-no-changes (the GitOps gate) fails and says what drifted;
//   4. pulumi refresh, then pulumi up, converge: revoked and expired are re-sent, accepted left alone;
//   5. pulumi destroy completes; the accepted invitation is reported as drift, not as an error;
//   6. a closing table.
// Every step's outcome is checked; anything unexpected ends the demo with exit code 1.
// DEMO_VERBOSE=1 shows the Pulumi CLI's own output too; DEMO_KEEP=1 keeps the temporary folders.
// Ctrl-C (or SIGTERM) stops the running Pulumi command and removes what the demo created.

import { mkdirSync, mkdtempSync } from "node:fs";
import { tmpdir } from "node:os";
import { dirname, join, relative } from "node:path";
import { LocalWorkspace, PulumiCommand, type EngineEvent, type Stack } from "@pulumi/pulumi/automation";
import { startEmulator, type RunningEmulator } from "../../emulator";
import { ENV_VARS } from "../../provider";
import { CloudManagerClient } from "../../sdk";
import { driftOf, stepsOf, type Drift, type Step } from "./engine-events";
import { findRepoRoot, prepareExampleProject } from "./example-project";
import { ensurePulumiCli } from "./pulumi-cli";
import { exitCode, Teardown } from "./teardown";

const VERBOSE = process.env["DEMO_VERBOSE"] === "1";
const KEEP = process.env["DEMO_KEEP"] === "1";

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

class DemoFailure extends Error {}

function check(condition: boolean, what: string, detail?: unknown): void {
  if (!condition) {
    throw new DemoFailure(`${what}${detail === undefined ? "" : `\n  got: ${JSON.stringify(detail, null, 2)}`}`);
  }
  console.log(`    ✓ ${what}`);
}

function heading(text: string): void {
  console.log(`\n${text}\n${"─".repeat(Math.min(text.length, 100))}`);
}

function table(header: string[], rows: string[][]): void {
  const widths = header.map((h, i) => Math.max(h.length, ...rows.map((r) => (r[i] ?? "").length)));
  const line = (cells: string[]) =>
    `    ${cells
      .map((c, i) => c.padEnd(widths[i] ?? 0))
      .join("  ")
      .trimEnd()}`;
  console.log(line(header));
  console.log(line(widths.map((w) => "-".repeat(w))));
  for (const row of rows) console.log(line(row));
}

function seconds(ms: number): string {
  return `${(ms / 1000).toFixed(1)} s`;
}

/** One Pulumi operation's engine events and CLI text. */
interface Run<R> {
  result: R;
  events: EngineEvent[];
  steps: Step[];
  drift: Drift[];
  warnings: string[];
  errors: string[];
  ms: number;
}

const teardown = new Teardown(KEEP);

interface RunOptions {
  onEvent: (e: EngineEvent) => void;
  onOutput: (s: string) => void;
  /** Aborted by Ctrl-C: the CLI gets SIGINT and stops. */
  signal: AbortSignal;
}

function runOptions(events: EngineEvent[]): RunOptions {
  teardown.signal.throwIfAborted();
  return {
    onEvent: (e) => void events.push(e),
    onOutput: (s) => {
      if (VERBOSE) process.stdout.write(s.replace(/^/gm, "      | "));
    },
    signal: teardown.signal,
  };
}

async function run<R>(call: (opts: RunOptions) => Promise<R>): Promise<Run<R>> {
  const events: EngineEvent[] = [];
  const started = Date.now();
  const result = await call(runOptions(events));
  return { result, ...digest(events), ms: Date.now() - started };
}

function digest(events: EngineEvent[]): Omit<Run<unknown>, "result" | "ms"> {
  const messages = events.flatMap((e) => (e.diagnosticEvent ? [e.diagnosticEvent] : []));
  return {
    events,
    steps: stepsOf(events),
    drift: driftOf(events),
    // The provider writes its warnings to stderr; the engine shows them as "info#err" diagnostics.
    warnings: messages
      .flatMap((d) => d.message.split("\n"))
      .filter((l) => l.includes("warning: cloudmanager:"))
      .map((l) => l.trim()),
    errors: messages.filter((d) => d.severity === "error").map((d) => d.message.trim()),
  };
}

function inPeopleOrder(drift: Drift[]): Drift[] {
  const rank = (name: string) => PEOPLE.findIndex((p) => p.email === name);
  return [...drift].sort((a, b) => rank(a.name) - rank(b.name));
}

function describeDrift(drift: Drift): string {
  return Object.entries(drift.changes)
    .map(([key, [before, after]]) => `${key} ${JSON.stringify(before)} → ${JSON.stringify(after)}`)
    .join(", ");
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

async function controlPlane(emulator: RunningEmulator, path: string): Promise<void> {
  // The control plane takes JSON POSTs only (it refuses what a browser page could send cross-origin).
  const response = await fetch(`${emulator.origin}/__emulator/${path}`, {
    method: "POST",
    headers: { "content-type": "application/json" },
  });
  check(response.ok, `control plane POST /__emulator/${path} answered ${response.status}`);
}

async function main(): Promise<void> {
  const repoRoot = findRepoRoot();
  console.log("pulumi-cloudmanager demo: OrgInvitation through the real Pulumi engine, against a local Cloud Manager");
  teardown.handleSignals();

  try {
    heading("Setup");
    const binDir = await ensurePulumiCli(repoRoot, teardown.signal);
    // A Cloud Manager version that still lists expired invitations: the provider then sees the
    // expiry date has passed. (Where it hides them, a vanished invitation reads as EXPIRED only once
    // the expiry date recorded at `up` has passed — 30 days, longer than a demo.)
    const emulator = await startEmulator({ orgName: "Demo Org", expiredInvitations: "visible" });
    teardown.close(() => emulator.close());
    const temp = mkdtempSync(join(tmpdir(), "cloudmanager-demo-"));
    teardown.folder(temp);
    const project = prepareExampleProject("demo", peopleYaml());
    teardown.folder(project.workDir);
    // An organization owner working in Cloud Manager, with an API key of their own.
    const org = emulator.org.id;
    const adminKey = emulator.state.addApiKey({ name: "an admin", orgRoles: [{ orgId: org, roles: ["ORG_OWNER"] }] });
    const admin = new CloudManagerClient({ baseUrl: emulator.baseUrl, publicKey: adminKey.publicKey, privateKey: adminKey.privateKey });
    teardown.close(() => admin.close());

    const pulumiCommand = await PulumiCommand.get({ root: dirname(binDir) });
    const backend = join(temp, "backend");
    mkdirSync(backend);
    const envVars: Record<string, string> = {
      PATH: [binDir, join(repoRoot, "node_modules", ".bin"), process.env["PATH"] ?? ""].join(":"),
      PULUMI_HOME: join(temp, "pulumi-home"),
      PULUMI_BACKEND_URL: `file://${backend}`,
      PULUMI_CONFIG_PASSPHRASE: "",
      PULUMI_SKIP_UPDATE_CHECK: "true",
      PULUMI_DISABLE_AUTOMATIC_PLUGIN_ACQUISITION: "true",
      // Only the stack config below counts: credentials in your environment are blanked for the demo.
      ...Object.fromEntries(Object.values(ENV_VARS).map((name) => [name, ""])),
    };
    const stack = await LocalWorkspace.createOrSelectStack({ stackName: "demo", workDir: project.workDir }, { pulumiCommand, envVars });
    await stack.setAllConfig({
      orgId: { value: org },
      peopleFile: { value: project.peopleFile },
      "cloudmanager:baseUrl": { value: emulator.baseUrl },
      "cloudmanager:publicKey": { value: emulator.credentials.publicKey },
      "cloudmanager:privateKey": { value: emulator.credentials.privateKey, secret: true },
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
    const up1 = await run((o) => stack.up(o));
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
    const event = (what: string, how: string) => console.log(`    ${what.padEnd(46)} ${how}`);
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
    const gateEvents: EngineEvent[] = [];
    const gateStarted = Date.now();
    const gate = await stack.preview({ ...runOptions(gateEvents), refresh: true, expectNoChanges: true }).then(
      () => undefined,
      (e: unknown) => e,
    );
    teardown.signal.throwIfAborted();
    const gateSeen = digest(gateEvents);
    const gateMessage = gate instanceof Error ? gate.message : "";
    check(
      gateMessage.includes("no changes were expected for preview but changes were proposed"),
      `the gate failed, as a scheduled pipeline job would (${seconds(Date.now() - gateStarted)}): "no changes were expected for preview but changes were proposed"`,
      gate === undefined ? "the preview passed" : gateMessage.split("\n").slice(0, 3),
    );
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
    const refresh = await run((o) => stack.refresh(o));
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
    const up2 = await run((o) => stack.up(o));
    const ops = (name: string) => opsOf(up2.steps, name);
    check(
      up2.result.summary.result === "succeeded",
      `pulumi up succeeded (${seconds(up2.ms)}): ${JSON.stringify(up2.result.summary.resourceChanges)}`,
    );
    check(
      ops(BOB).includes("replace") && ops(CAROL).includes("replace"),
      "bob's and carol's invitations were re-sent (replaced)",
      up2.steps,
    );
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
    const gate2 = await run((o) => stack.preview({ ...o, refresh: true, expectNoChanges: true }));
    check(gate2.errors.length === 0, `pulumi preview --refresh --expect-no-changes passes now (${seconds(gate2.ms)})`);

    // ---- 5 ----
    heading("5. pulumi destroy");
    const beforeDestroy = lastRequestSeq(emulator);
    const destroy = await run((o) => stack.destroy(o));
    check(
      destroy.result.summary.result === "succeeded",
      `pulumi destroy succeeded (${seconds(destroy.ms)}): ${JSON.stringify(destroy.result.summary.resourceChanges)}`,
    );
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
  } finally {
    const kept = await teardown.run();
    if (kept.length > 0) console.log(`\n(DEMO_KEEP=1: kept ${kept.join(" and ")})`);
  }
}

/** The ops the engine reported for one resource, in order (a replacement shows several). */
function opsOf(steps: Step[], name: string): string[] {
  return steps.filter((s) => s.name === name).map((s) => s.op);
}

/** Planned as "same" (next to the "refresh" a refreshing preview also reports), and nothing else. */
function leftAlone(ops: string[]): boolean {
  return ops.includes("same") && ops.every((op) => op === "same" || op === "refresh");
}

function driftStatus(list: Drift[], name: string): unknown {
  return list.find((d) => d.name === name)?.changes["status"]?.[1];
}

function lastRequestSeq(emulator: RunningEmulator): number {
  return emulator.state.requests().reduce((max, r) => Math.max(max, r.seq), 0);
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

main().then(
  () => process.exit(0),
  (e: unknown) => {
    const signal = teardown.interruptedBy;
    if (signal !== undefined) {
      console.error(`\nInterrupted by ${signal}: the emulator is stopped and the demo's folders are removed.`);
      process.exit(exitCode(signal));
    }
    console.error(`\nDEMO FAILED: ${e instanceof Error ? e.message : String(e)}`);
    if (!(e instanceof DemoFailure) && e instanceof Error && e.stack) console.error(e.stack);
    process.exit(1);
  },
);
