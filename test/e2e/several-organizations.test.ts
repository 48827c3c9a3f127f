// Issue 18 through the real engine: several organizations in one program, each with its own
// credentials, as a user installs the package (the tarball `npm pack` makes, `npm install`ed into a
// project outside this repository).
// 1. TypeScript (dynamic resources): stack config `cloudmanager:organizations` (set with
//    `pulumi config set --path`, private keys with --secret) gives org A the key KA and org B the key
//    KB, each valid on its own organization only; OrgMembership alice and bob in both. Every request
//    on an organization's paths is signed by its own key; no private key in `pulumi stack export`;
//    B's key rotated in stack config is picked up by the next `up` (nothing replaced) and, after the
//    old key is revoked, by plain `refresh` and `destroy` (no --run-program: the engine hands the
//    dynamic provider the config saved at the last `up`, which holds the new key); a revoked key
//    fails B's resources only, naming the organization and its config key, while A's complete in
//    the same `up`.
// 2. YAML (the plugin): two explicit `pulumi:providers:cloudmanager` providers, alpha (KA, its private
//    key from a config secret) and beta (KB, its private key a PLAIN string literal), picked with
//    `options: { provider: … }`. The same story, CheckConfig marking the literal secret, a key rotated
//    in the provider's properties (the provider updated, no resource replaced; plain `refresh` and
//    `destroy` after the old key is revoked use the properties stored at that `up`), and bad
//    provider properties refused at preview naming the property, with zero API requests (a typo is
//    caught by the YAML host against the schema; from Node.js, by the provider's CheckConfig).
// 3. An Ops Manager with a private CA: org B on a TLS emulator, org A on the plain one; B's
//    `caCertificate` (the PEM path) in its organizations entry makes it work, without it the `up`
//    fails with a certificate error for B only.

import { mkdirSync, mkdtempSync, rmSync, symlinkSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import * as pulumi from "@pulumi/pulumi";
import { afterAll, beforeAll, describe, expect, test } from "vitest";
import { startEmulator, type ApiKeyCredentials, type RequestLogEntry, type RunningEmulator } from "../../emulator";
import { ORG_MEMBERSHIP_TYPE, stepsOf } from "../../examples/demo/engine-events";
import {
  DEFAULT_PROVIDER_TYPE,
  ORG_MEMBERSHIP_TOKEN,
  pluginInlineStack,
  PluginOrgInvitation,
  resourcesOfType,
  runPulumi,
  stateFileOnDisk,
} from "../plugin/plugin-e2e";
import { REPO_ROOT } from "./harness/cli";
import { useE2e, type E2eContext } from "./harness/e2e-context";
import { API_PREFIX, describeRequest, EmulatorView } from "./harness/emulator-view";
import { mustRunCommand } from "../support/run-command";
import { errorDiagnostics, StackOperationError, type StateResource, type TestStack } from "./harness/test-stack";

let e2e: E2eContext;
useE2e("several-orgs", (context) => (e2e = context));

const ALICE = "alice@example.com";
const BOB = "bob@example.com";
const ORGANIZATIONS = "cloudmanager:organizations";
/** How a deployment marks a secret value. */
const SECRET_SIG = "4dabf18193072939515e22adb298388d";
const SECRET_VALUE = "1b47061264138c4ac30d75fd1eb44270";

// ---- the installed package ----

/** The TypeScript user's program (plain JavaScript: nothing to compile): one OrgMembership per entry of config `memberships`. */
const INDEX_JS = `"use strict";
const pulumi = require("@pulumi/pulumi");
const { OrgMembership } = require("pulumi-cloudmanager");

const memberships = new pulumi.Config().requireObject("memberships");
const statuses = {};
const invitationIds = {};
for (const [name, p] of Object.entries(memberships)) {
  const m = new OrgMembership(name, { orgId: p.orgId, username: p.username, roles: ["ORG_MEMBER"] });
  statuses[name] = m.status;
  invitationIds[name] = m.invitationId;
}
exports.statuses = statuses;
exports.invitationIds = invitationIds;
`;

let temp: string;
/** The TypeScript project: the packed tarball installed into it, every dynamic stack of this file lives here. */
let tsProject: string;

beforeAll(async () => {
  temp = mkdtempSync(join(tmpdir(), "cloudmanager-several-orgs-"));
  tsProject = join(temp, "ts");
  mkdirSync(tsProject);
  const packed = await mustRun("npm pack of the repository", "npm", ["pack", "--silent", "--pack-destination", temp], REPO_ROOT);
  const tarball = join(temp, packed.trim().split("\n").pop()?.trim() ?? "");
  writeFileSync(join(tsProject, "package.json"), JSON.stringify({ name: "several-orgs", private: true, main: "index.js" }, null, 2));
  writeFileSync(join(tsProject, "Pulumi.yaml"), "name: several-orgs\nruntime: nodejs\n");
  writeFileSync(join(tsProject, "index.js"), INDEX_JS);
  await mustRun(
    "npm install of the packed tarball (it needs the npm registry or npm's cache)",
    "npm",
    ["install", "--no-audit", "--no-fund", "--prefer-offline", tarball],
    tsProject,
  );
});

afterAll(() => {
  if (temp !== undefined) rmSync(temp, { recursive: true, force: true });
});

/** A YAML project beside the TypeScript one, sharing its node_modules (the installed package and its plugin folder). */
function yamlProject(label: string, pulumiYaml: string): string {
  const dir = mkdtempSync(join(temp, `${label}-`));
  writeFileSync(join(dir, "Pulumi.yaml"), pulumiYaml);
  symlinkSync(join(tsProject, "node_modules"), join(dir, "node_modules"));
  return dir;
}

async function mustRun(what: string, command: string, args: string[], cwd: string): Promise<string> {
  const keep = new Set(["npm_config_registry", "npm_config_cache", "npm_config_userconfig"]);
  const env = Object.fromEntries(Object.entries(process.env).filter(([k, v]) => v !== undefined && (!/^npm_/i.test(k) || keep.has(k))));
  return mustRunCommand(command, args, cwd, { ...env, PATH: e2e.cli.path }, what);
}

// ---- organizations, keys and config ----

interface Org {
  id: string;
  view: EmulatorView;
}

function newOrg(emulator: RunningEmulator, name: string): Org {
  const org = emulator.state.createOrg({ name });
  return { id: org.id, view: new EmulatorView(emulator, org.id) };
}

/** An API key that is ORG_OWNER of `org` and of nothing else. */
function keyOf(emulator: RunningEmulator, org: Org, name: string): ApiKeyCredentials {
  return emulator.state.addApiKey({ name, orgRoles: [{ orgId: org.id, roles: ["ORG_OWNER"] }] });
}

/** `pulumi config set [--secret] --path 'cloudmanager:organizations["<orgId>"].<name>' <value>` as a user types it. */
async function setOrgSetting(stack: TestStack, orgId: string, name: string, value: string, secret = false): Promise<void> {
  const args = ["config", "set", ...(secret ? ["--secret"] : []), "--path", `${ORGANIZATIONS}["${orgId}"].${name}`, value];
  const run = await runPulumi(e2e, stack.workDir, [...args, "--stack", stack.name]);
  expect(run.code, run.output).toBe(0);
}

async function setOrgKey(stack: TestStack, orgId: string, key: ApiKeyCredentials): Promise<void> {
  await setOrgSetting(stack, orgId, "publicKey", key.publicKey);
  await setOrgSetting(stack, orgId, "privateKey", key.privateKey, true);
}

/** A stack of the installed TypeScript program, declaring `people` (resource name → org and username), no default key. */
async function tsStack(people: Record<string, { orgId: string; username: string }>, baseUrl = e2e.emulator.baseUrl): Promise<TestStack> {
  return e2e.localStack(tsProject, {
    credentials: "none",
    config: { "cloudmanager:baseUrl": { value: baseUrl }, memberships: { value: JSON.stringify(people) } },
  });
}

// ---- reading the outcome ----

/** Requests on `/orgs/<orgId>…` after `mark`, Digest challenges (401 to a request without credentials) left out. */
function orgCalls(emulator: RunningEmulator, orgId: string, mark: number): RequestLogEntry[] {
  return emulator.state
    .requests()
    .filter((r) => r.seq > mark && r.path.startsWith(`${API_PREFIX}/orgs/${orgId}`) && !(r.status === 401 && r.auth.type === "none"));
}

/** Who signed each of those requests: the Digest public key, or the kind of credential. */
function signers(requests: RequestLogEntry[]): string[] {
  return [...new Set(requests.map((r) => (r.auth.type === "digest" ? r.auth.username : r.auth.type)))].sort();
}

function writes(requests: RequestLogEntry[]): string[] {
  return requests.filter((r) => r.method !== "GET").map(describeRequest);
}

function lastSeq(emulator: RunningEmulator): number {
  const all = emulator.state.requests();
  return all.length === 0 ? 0 : (all[all.length - 1] as RequestLogEntry).seq;
}

/** name → a field of each membership in state (a refresh updates resources, not the stack's outputs). */
async function membershipField(stack: TestStack, type: string, field: string): Promise<Record<string, unknown>> {
  const found: Record<string, unknown> = {};
  for (const [name, r] of await resourcesOfType(stack, type)) found[name] = r.outputs?.[field];
  return found;
}

/** `pulumi stack export` as a user runs it: no --show-secrets (the Automation API's exportStack adds it). */
async function plainExport(stack: TestStack): Promise<string> {
  const run = await runPulumi(e2e, stack.workDir, ["stack", "export", "--stack", stack.name]);
  expect(run.code, run.output).toBe(0);
  expect(run.output).toContain('"resources"');
  return run.output;
}

/** An explicit `pulumi:providers:cloudmanager` from a Node.js program, without an SDK (what a generated one would be). */
class CloudmanagerProvider extends pulumi.ProviderResource {
  constructor(name: string, props: Record<string, pulumi.Input<string>>) {
    super("cloudmanager", name, props);
  }
}

/** An input of the resource named `name` in an exported deployment. */
function exportedInput(exported: string, name: string, key: string): unknown {
  const resources = (JSON.parse(exported) as { deployment: { resources: StateResource[] } }).deployment.resources;
  const found = resources.filter((r) => r.urn.endsWith(`::${name}`));
  expect(found, `resources named ${name}`).toHaveLength(1);
  return found[0]?.inputs?.[key];
}

async function failureOf(op: Promise<unknown>): Promise<StackOperationError> {
  const outcome = await op.then(
    () => undefined,
    (e: unknown) => e,
  );
  expect(outcome, "the operation succeeded").toBeInstanceOf(StackOperationError);
  return outcome as StackOperationError;
}

/** Alice accepts in A; refresh records it (ACTIVE, the others PENDING); the next up changes and sends nothing. */
async function acceptAliceInARefreshAndUp(stack: TestStack, type: string, a: Org, b: Org): Promise<void> {
  e2e.emulator.state.acceptInvitation(a.id, a.view.pendingFor(ALICE).id);
  await stack.refresh();
  expect(await membershipField(stack, type, "status")).toEqual({ aliceA: "ACTIVE", bobA: "PENDING", aliceB: "PENDING", bobB: "PENDING" });
  const mark = lastSeq(e2e.emulator);
  const again = await stack.up();
  expect(
    stepsOf(again.events, type)
      .map((s) => `${s.name}: ${s.op}`)
      .sort(),
  ).toEqual(["aliceA: same", "aliceB: same", "bobA: same", "bobB: same"]);
  expect([...writes(orgCalls(e2e.emulator, a.id, mark)), ...writes(orgCalls(e2e.emulator, b.id, mark))]).toEqual([]);
}

/** Since `start`, every request on A's paths was signed by A's key and every one on B's by B's; none was refused. */
function expectSignedByOwnKeys(a: string, b: string, start: number, ka: ApiKeyCredentials, kb: ApiKeyCredentials): void {
  const onA = orgCalls(e2e.emulator, a, start);
  const onB = orgCalls(e2e.emulator, b, start);
  expect(onA.length).toBeGreaterThan(0);
  expect(onB.length).toBeGreaterThan(0);
  expect(signers(onA)).toEqual([ka.publicKey]);
  expect(signers(onB)).toEqual([kb.publicKey]);
  expect(onA.concat(onB).filter((r) => r.status === 401 || r.status === 403)).toEqual([]);
}

const FOUR = (a: Org, b: Org) => ({
  aliceA: { orgId: a.id, username: ALICE },
  bobA: { orgId: a.id, username: BOB },
  aliceB: { orgId: b.id, username: ALICE },
  bobB: { orgId: b.id, username: BOB },
});

// ---- 1. TypeScript ----

describe("1. TypeScript (dynamic resources): cloudmanager:organizations", () => {
  test("alice and bob in two orgs, each org's requests signed by its own key; B's key rotated, then the old one revoked", async () => {
    const a = newOrg(e2e.emulator, "org A");
    const b = newOrg(e2e.emulator, "org B");
    const ka = keyOf(e2e.emulator, a, "KA");
    const kb = keyOf(e2e.emulator, b, "KB");
    const stack = await tsStack(FOUR(a, b));
    await setOrgKey(stack, a.id, ka);
    await setOrgKey(stack, b.id, kb);
    const start = lastSeq(e2e.emulator);

    const up = await stack.up();
    expect(errorDiagnostics(up)).toEqual([]);
    expect((await stack.outputs())["statuses"]).toEqual({ aliceA: "PENDING", bobA: "PENDING", aliceB: "PENDING", bobB: "PENDING" });
    const invitationIds = await membershipField(stack, ORG_MEMBERSHIP_TYPE, "invitationId");
    expect(invitationIds).toEqual({
      aliceA: a.view.pendingFor(ALICE).id,
      bobA: a.view.pendingFor(BOB).id,
      aliceB: b.view.pendingFor(ALICE).id,
      bobB: b.view.pendingFor(BOB).id,
    });
    expect(a.view.pendingFor(ALICE).inviterUsername).toBe(ka.publicKey);
    expect(b.view.pendingFor(ALICE).inviterUsername).toBe(kb.publicKey);

    await acceptAliceInARefreshAndUp(stack, ORG_MEMBERSHIP_TYPE, a, b);
    let mark: number;

    // Up to here every request on A's paths was signed by KA, on B's by KB.
    expectSignedByOwnKeys(a.id, b.id, start, ka, kb);

    // No private key in `pulumi stack export` (no --show-secrets), encrypted or not.
    const exported = await plainExport(stack);
    expect(exported).not.toContain(ka.privateKey);
    expect(exported).not.toContain(kb.privateKey);
    expect(stateFileOnDisk(e2e, stack.name)).not.toContain(kb.privateKey);
    // The engine keeps the stack config as the default provider's inputs: the whole map, encrypted.
    expect(exportedInput(exported, "default", ORGANIZATIONS)).toEqual({
      [SECRET_SIG]: SECRET_VALUE,
      ciphertext: expect.any(String) as unknown,
    });

    // B's key rotated: the new one into stack config, the old one still valid for now.
    const kb2 = keyOf(e2e.emulator, b, "KB2");
    await setOrgKey(stack, b.id, kb2);
    mark = lastSeq(e2e.emulator);
    const rotated = await stack.up();
    expect(
      stepsOf(rotated.events, ORG_MEMBERSHIP_TYPE)
        .map((s) => `${s.name}: ${s.op}`)
        .sort(),
    ).toEqual(["aliceA: same", "aliceB: same", "bobA: same", "bobB: same"]);
    expect([...writes(orgCalls(e2e.emulator, a.id, mark)), ...writes(orgCalls(e2e.emulator, b.id, mark))]).toEqual([]);
    const afterRotation = await membershipField(stack, ORG_MEMBERSHIP_TYPE, "invitationId");
    expect(afterRotation).toEqual({ ...invitationIds, aliceA: undefined });
    expect(signers(orgCalls(e2e.emulator, b.id, mark)).filter((k) => k !== kb2.publicKey)).toEqual([]);

    // The old key revoked. The engine configures the dynamic provider with the config saved at the
    // last up, which holds KB2: plain refresh and destroy (no --run-program) work.
    expect(e2e.emulator.state.removeApiKey(kb.publicKey)).toBe(true);
    mark = lastSeq(e2e.emulator);
    const refresh = await stack.refresh();
    expect(refresh.result.summary.result).toBe("succeeded");
    const destroy = await stack.destroy();
    expect(destroy.result.summary.result).toBe("succeeded");
    const lateA = orgCalls(e2e.emulator, a.id, mark);
    const lateB = orgCalls(e2e.emulator, b.id, mark);
    expect(signers(lateA)).toEqual([ka.publicKey]);
    expect(signers(lateB)).toEqual([kb2.publicKey]);
    expect(lateA.concat(lateB).filter((r) => r.status === 401)).toEqual([]);
    expect(a.view.pending()).toEqual([]);
    expect(a.view.isMember(ALICE)).toBe(false);
    expect(b.view.pending()).toEqual([]);

    // Never a key on the other organization's paths, from the first request to the last.
    expect(signers(orgCalls(e2e.emulator, a.id, start))).toEqual([ka.publicKey]);
    expect(signers(orgCalls(e2e.emulator, b.id, start))).toEqual([kb.publicKey, kb2.publicKey].sort());
  });

  test("B's key revoked while its config still names it: B's resources fail naming B and its config key, A's complete", async () => {
    const a = newOrg(e2e.emulator, "org A (revoked B)");
    const b = newOrg(e2e.emulator, "org B (revoked B)");
    const ka = keyOf(e2e.emulator, a, "KA");
    const kb = keyOf(e2e.emulator, b, "KB");
    const stack = await tsStack(FOUR(a, b));
    await setOrgKey(stack, a.id, ka);
    await setOrgKey(stack, b.id, kb);
    expect(e2e.emulator.state.removeApiKey(kb.publicKey)).toBe(true);

    const mark = lastSeq(e2e.emulator);
    const failed = await failureOf(stack.up());
    const errors = errorDiagnostics(failed);
    const aboutB = errors.filter((m) => m.includes(b.id));
    expect(aboutB.length, errors.join("\n---\n")).toBeGreaterThan(0);
    for (const message of aboutB) {
      expect(message).toContain(`Organization ${b.id}`);
      expect(message).toContain(`${ORGANIZATIONS}["${b.id}"]`);
      expect(message).not.toContain(kb.privateKey);
    }
    expect(errors.filter((m) => m.includes(a.id))).toEqual([]);

    // A's memberships were created in the same up; nothing was sent to B.
    expect(a.view.pendingFor(ALICE).inviterUsername).toBe(ka.publicKey);
    expect(a.view.pendingFor(BOB).inviterUsername).toBe(ka.publicKey);
    expect(await membershipField(stack, ORG_MEMBERSHIP_TYPE, "status")).toEqual({ aliceA: "PENDING", bobA: "PENDING" });
    expect(b.view.pending()).toEqual([]);
    expect(signers(orgCalls(e2e.emulator, b.id, mark))).toEqual([kb.publicKey]);
    expect(orgCalls(e2e.emulator, b.id, mark).every((r) => r.status === 401)).toBe(true);

    await stack.destroy();
    expect(a.view.pending()).toEqual([]);
  });
});

// ---- 2. YAML ----

interface Keys {
  alpha: ApiKeyCredentials;
  beta: ApiKeyCredentials;
}

/** alpha (KA: its private key from the config secret `alphaPrivateKey`) and beta (KB: a plain string literal). */
function yamlProgram(a: Org, b: Org, keys: Keys): string {
  const baseUrl = e2e.emulator.baseUrl;
  const member = (name: string, org: Org, username: string, provider: string) =>
    `  ${name}:\n    type: cloudmanager:OrgMembership\n    properties:\n      orgId: "${org.id}"\n      username: ${username}\n` +
    `      roles: [ORG_MEMBER]\n    options:\n      provider: \${${provider}}\n`;
  return (
    `name: several-orgs-yaml\nruntime: yaml\npackages:\n  cloudmanager: ./node_modules/pulumi-cloudmanager/plugin\n` +
    `config:\n  alphaPrivateKey:\n    type: string\n` +
    `resources:\n` +
    `  alpha:\n    type: pulumi:providers:cloudmanager\n    properties:\n      baseUrl: ${baseUrl}\n` +
    `      publicKey: ${keys.alpha.publicKey}\n      privateKey: \${alphaPrivateKey}\n` +
    `  beta:\n    type: pulumi:providers:cloudmanager\n    properties:\n      baseUrl: ${baseUrl}\n` +
    `      publicKey: ${keys.beta.publicKey}\n      privateKey: "${keys.beta.privateKey}"\n` +
    member("aliceA", a, ALICE, "alpha") +
    member("bobA", a, BOB, "alpha") +
    member("aliceB", b, ALICE, "beta") +
    member("bobB", b, BOB, "beta")
  );
}

describe("2. YAML (the plugin): an explicit provider per organization", () => {
  test("alpha and beta: each org's requests signed by its provider's key, no private key in the state, beta's key rotated", async () => {
    const a = newOrg(e2e.emulator, "org A (yaml)");
    const b = newOrg(e2e.emulator, "org B (yaml)");
    const ka = keyOf(e2e.emulator, a, "KA");
    const kb = keyOf(e2e.emulator, b, "KB");
    const dir = yamlProject("yaml", yamlProgram(a, b, { alpha: ka, beta: kb }));
    const stack = await e2e.localStack(dir, { credentials: "none", config: { alphaPrivateKey: { value: ka.privateKey, secret: true } } });
    const start = lastSeq(e2e.emulator);

    const up = await stack.up();
    expect(errorDiagnostics(up)).toEqual([]);
    const invitationIds = await membershipField(stack, ORG_MEMBERSHIP_TOKEN, "invitationId");
    expect(await membershipField(stack, ORG_MEMBERSHIP_TOKEN, "status")).toEqual({
      aliceA: "PENDING",
      bobA: "PENDING",
      aliceB: "PENDING",
      bobB: "PENDING",
    });
    expect(invitationIds).toEqual({
      aliceA: a.view.pendingFor(ALICE).id,
      bobA: a.view.pendingFor(BOB).id,
      aliceB: b.view.pendingFor(ALICE).id,
      bobB: b.view.pendingFor(BOB).id,
    });

    await acceptAliceInARefreshAndUp(stack, ORG_MEMBERSHIP_TOKEN, a, b);
    let mark: number;

    expectSignedByOwnKeys(a.id, b.id, start, ka, kb);

    // beta's private key is a plain literal in the program: CheckConfig returned it marked secret.
    const exported = await plainExport(stack);
    expect(exported).not.toContain(ka.privateKey);
    expect(exported).not.toContain(kb.privateKey);
    expect(stateFileOnDisk(e2e, stack.name)).not.toContain(kb.privateKey);
    for (const provider of ["alpha", "beta"]) {
      expect(exportedInput(exported, provider, "privateKey"), provider).toEqual({
        [SECRET_SIG]: SECRET_VALUE,
        ciphertext: expect.any(String) as unknown,
      });
    }

    // beta's key rotated in the provider's properties: the provider is updated, no resource replaced.
    const kb2 = keyOf(e2e.emulator, b, "KB2");
    writeFileSync(join(dir, "Pulumi.yaml"), yamlProgram(a, b, { alpha: ka, beta: kb2 }));
    mark = lastSeq(e2e.emulator);
    const rotated = await stack.up();
    expect(
      stepsOf(rotated.events, DEFAULT_PROVIDER_TYPE)
        .map((s) => `${s.name}: ${s.op}`)
        .sort(),
    ).toEqual(["alpha: same", "beta: update"]);
    expect(
      stepsOf(rotated.events, ORG_MEMBERSHIP_TOKEN)
        .map((s) => `${s.name}: ${s.op}`)
        .sort(),
    ).toEqual(["aliceA: same", "aliceB: same", "bobA: same", "bobB: same"]);
    expect([...writes(orgCalls(e2e.emulator, a.id, mark)), ...writes(orgCalls(e2e.emulator, b.id, mark))]).toEqual([]);
    expect(await membershipField(stack, ORG_MEMBERSHIP_TOKEN, "invitationId")).toEqual({ ...invitationIds, aliceA: undefined });
    expect(await plainExport(stack)).not.toContain(kb2.privateKey);

    // The old key revoked: plain refresh and destroy (the engine stored beta's new properties at that up).
    expect(e2e.emulator.state.removeApiKey(kb.publicKey)).toBe(true);
    mark = lastSeq(e2e.emulator);
    const refresh = await stack.refresh();
    expect(refresh.result.summary.result).toBe("succeeded");
    const destroy = await stack.destroy();
    expect(destroy.result.summary.result).toBe("succeeded");
    const lateA = orgCalls(e2e.emulator, a.id, mark);
    const lateB = orgCalls(e2e.emulator, b.id, mark);
    expect(signers(lateA)).toEqual([ka.publicKey]);
    expect(signers(lateB)).toEqual([kb2.publicKey]);
    expect(lateA.concat(lateB).filter((r) => r.status === 401)).toEqual([]);
    expect(a.view.pending()).toEqual([]);
    expect(a.view.isMember(ALICE)).toBe(false);
    expect(b.view.pending()).toEqual([]);

    expect(signers(orgCalls(e2e.emulator, a.id, start))).toEqual([ka.publicKey]);
    expect(signers(orgCalls(e2e.emulator, b.id, start))).toEqual([kb.publicKey, kb2.publicKey].sort());
  });

  test("a provider property with a typo, or half a key pair, fails preview naming the property, with zero API requests", async () => {
    const a = newOrg(e2e.emulator, "org A (bad provider)");
    const ka = keyOf(e2e.emulator, a, "KA");
    const program = (properties: string) =>
      `name: several-orgs-bad\nruntime: yaml\npackages:\n  cloudmanager: ./node_modules/pulumi-cloudmanager/plugin\n` +
      `config:\n  alphaPrivateKey:\n    type: string\nresources:\n` +
      `  alpha:\n    type: pulumi:providers:cloudmanager\n    properties:\n      baseUrl: ${e2e.emulator.baseUrl}\n${properties}` +
      `  aliceA:\n    type: cloudmanager:OrgMembership\n    properties:\n      orgId: "${a.id}"\n      username: ${ALICE}\n` +
      `      roles: [ORG_MEMBER]\n    options:\n      provider: \${alpha}\n`;
    const secretConfig = { alphaPrivateKey: { value: ka.privateKey, secret: true } };

    // The YAML language host checks property names against the plugin's schema before the provider sees them.
    const typo = await e2e.localStack(
      yamlProject("yaml-typo", program(`      publicKey: ${ka.publicKey}\n      privatekey: \${alphaPrivateKey}\n`)),
      { credentials: "none", config: secretConfig },
    );
    let mark = lastSeq(e2e.emulator);
    const typoFailure = await failureOf(typo.preview());
    expect(typoFailure.output).toContain("Property privatekey does not exist on 'pulumi:providers:cloudmanager'");
    expect(typoFailure.output).toContain("Existing properties are: privateKey, publicKey");
    expect(typoFailure.output).not.toContain(ka.privateKey);
    expect(e2e.emulator.state.requests().filter((r) => r.seq > mark)).toEqual([]);

    // A Node.js program is not type-checked: the provider's CheckConfig refuses the name itself.
    const inline = await pluginInlineStack(
      e2e,
      async () => {
        const alpha = new CloudmanagerProvider("alpha", {
          baseUrl: e2e.emulator.baseUrl,
          publicKey: ka.publicKey,
          privatekey: pulumi.secret(ka.privateKey),
        });
        new PluginOrgInvitation("aliceA", { orgId: a.id, username: ALICE, roles: ["ORG_MEMBER"] }, { provider: alpha });
        return {};
      },
      { credentials: "none" },
    );
    mark = lastSeq(e2e.emulator);
    const inlineFailure = await failureOf(inline.preview());
    const inlineErrors = errorDiagnostics(inlineFailure).join("\n");
    expect(inlineErrors).toContain("property privatekey");
    expect(inlineErrors).toContain("privatekey is not a setting of the cloudmanager provider");
    expect(inlineFailure.output).not.toContain(ka.privateKey);
    expect(e2e.emulator.state.requests().filter((r) => r.seq > mark)).toEqual([]);

    // Half a pair: CheckConfig names the missing half.
    const partial = await e2e.localStack(yamlProject("yaml-partial", program(`      publicKey: ${ka.publicKey}\n`)), {
      credentials: "none",
      config: secretConfig,
    });
    mark = lastSeq(e2e.emulator);
    const partialErrors = errorDiagnostics(await failureOf(partial.preview())).join("\n");
    expect(partialErrors).toContain("pulumi:providers:cloudmanager resource 'alpha': property privateKey");
    expect(partialErrors).toContain("CLOUDMANAGER_CREDENTIALS_MISSING: publicKey is set but privateKey is not");
    expect(e2e.emulator.state.requests().filter((r) => r.seq > mark)).toEqual([]);
  });
});

// ---- 3. an Ops Manager with a private CA ----

describe("3. an organization behind TLS with a private CA (dynamic resources)", () => {
  let tls: RunningEmulator | undefined;
  afterAll(async () => {
    await tls?.close();
  });

  test("without caCertificate B's up fails with a certificate error (A completes); with the PEM path in B's entry it works", async () => {
    tls = await startEmulator({ tls: true, orgName: "Ops Manager with a private CA" });
    const caPath = tls.caCertificatePath;
    if (caPath === undefined) throw new Error("the TLS emulator gave no CA certificate path");
    const a = newOrg(e2e.emulator, "org A (plain HTTP)");
    const b: Org = { id: tls.org.id, view: new EmulatorView(tls) };
    const ka = keyOf(e2e.emulator, a, "KA");
    const kb = keyOf(tls, b, "KB");
    const stack = await tsStack({ aliceA: { orgId: a.id, username: ALICE }, aliceB: { orgId: b.id, username: ALICE } });
    await setOrgKey(stack, a.id, ka);
    await setOrgKey(stack, b.id, kb);
    await setOrgSetting(stack, b.id, "baseUrl", tls.baseUrl);

    let tlsMark = lastSeq(tls);
    const failed = await failureOf(stack.up());
    const errors = errorDiagnostics(failed).join("\n");
    expect(errors).toMatch(/certificate|UNABLE_TO_VERIFY_LEAF_SIGNATURE|SELF_SIGNED_CERT_IN_CHAIN/i);
    expect(errors).toContain(b.id);
    // The handshake failed: nothing reached the TLS emulator. A's membership was created all the same.
    expect(tls.state.requests().filter((r) => r.seq > tlsMark)).toEqual([]);
    expect(a.view.pendingFor(ALICE).inviterUsername).toBe(ka.publicKey);
    expect(b.view.pending()).toEqual([]);

    await setOrgSetting(stack, b.id, "caCertificate", caPath);
    tlsMark = lastSeq(tls);
    const up = await stack.up();
    expect(errorDiagnostics(up)).toEqual([]);
    expect((await stack.outputs())["statuses"]).toEqual({ aliceA: "PENDING", aliceB: "PENDING" });
    expect(b.view.pendingFor(ALICE).inviterUsername).toBe(kb.publicKey);
    expect(signers(orgCalls(tls, b.id, tlsMark))).toEqual([kb.publicKey]);

    await stack.destroy();
    expect(a.view.pending()).toEqual([]);
    expect(b.view.pending()).toEqual([]);
  });
});
