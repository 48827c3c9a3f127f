// Issue 17: a state written by 0.1.0 (a dynamic OrgInvitation) still refreshes and destroys under the
// current code. test/fixtures/state-0.1.0 holds the `__provider` text 0.1.0's OrgInvitation class
// stored (0.1.0's own stored provider, serialized by dynamic.Resource: each method calls
// `load().<method>` on the installed `pulumi-cloudmanager/provider/runtime`) and the outputs 0.1.0's
// create returned. Every `pulumi refresh` / `pulumi destroy` below is a FRESH Node process that loads
// that text as the engine's dynamic-provider host does (require-from-string, then `configure` with
// the stack config, once per process, then the method with the stored properties, `__provider`
// included). It runs with the repository root as its working directory, so the package the text
// loads is the current build in dist/, found through the self-link node_modules/pulumi-cloudmanager.

import { existsSync, mkdtempSync, readFileSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";
import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { startEmulator, type RequestLogEntry, type RunningEmulator } from "../../emulator";
import { CloudManagerClient, type Invitation } from "../../sdk";
import { runNodeScript } from "../support/node-script";

const ROOT = resolve(__dirname, "../..");
const FIXTURES = join(ROOT, "test/fixtures/state-0.1.0");
const PROVIDER_FILE = join(FIXTURES, "org-invitation-provider.txt");
const STORED_0_1_0 = readFileSync(PROVIDER_FILE, "utf8");
const SAMPLE = JSON.parse(readFileSync(join(FIXTURES, "org-invitation-outputs.json"), "utf8")) as {
  type: string;
  id: string;
  outputs: Record<string, unknown>;
};

type Props = Record<string, unknown>;
type Step = { method: "read" | "delete"; id: string; props: Props };
type StepResult = { ok: true; result: unknown } | { ok: false; error: string };
interface Deployment {
  code: number | null;
  steps: StepResult[];
  runtimePath: string;
  configureCalls: number;
  stderr: string;
}

// The host's getProvider (node_modules/@pulumi/pulumi/cmd/dynamic-provider/index.js): one
// requireFromString(text).handler() per distinct text, configured once, then each step's method.
// An error fails that resource's step, not the process, as with the host.
const HOST = `
const requireFromString = require(${JSON.stringify(join(ROOT, "node_modules/require-from-string"))});
const fs = require("node:fs");
const config = JSON.parse(process.env.STACK_CONFIG);
const steps = JSON.parse(fs.readFileSync(process.env.STEPS_FILE, "utf8"));
const cache = {};
let configureCalls = 0;
async function getProvider(props) {
  const text = props.__provider;
  let provider = cache[text];
  if (!provider) {
    provider = cache[text] = requireFromString(text).handler();
    configureCalls++;
    await provider.configure({ config: { get: (k) => config[k], require: (k) => config[k] } });
  }
  return provider;
}
(async () => {
  const out = { steps: [] };
  for (const step of steps) {
    try {
      const provider = await getProvider(step.props);
      out.steps.push({ ok: true, result: (await provider[step.method](step.id, step.props)) ?? null });
    } catch (e) {
      out.steps.push({ ok: false, error: String(e && e.message) });
    }
  }
  out.configureCalls = configureCalls;
  out.runtimePath = require.resolve("pulumi-cloudmanager/provider/runtime", { paths: [process.cwd()] });
  process.stdout.write(JSON.stringify(out));
  process.exit(0);
})().catch((e) => { console.error("FAILED " + e.message); process.exit(1); });
`;

let emulator: RunningEmulator;
let outside: CloudManagerClient;
const dir = mkdtempSync(join(tmpdir(), "cm-state-0.1.0-"));
let runs = 0;

/** One `pulumi refresh` or `pulumi destroy`: a new provider process running the 0.1.0 text. */
async function deployment(steps: Step[]): Promise<Deployment> {
  const stepsFile = join(dir, `steps-${++runs}.json`);
  writeFileSync(stepsFile, JSON.stringify(steps));
  // The stack config a 0.1.0 user wrote (`pulumi config set cloudmanager:…`): these key names are
  // part of their stacks, so they are spelled out here rather than imported.
  const stackConfig = {
    "cloudmanager:baseUrl": emulator.baseUrl,
    "cloudmanager:publicKey": emulator.credentials.publicKey,
    "cloudmanager:privateKey": emulator.credentials.privateKey,
  };
  emulator.state.clearRequests();
  const run = await runNodeScript(HOST, ROOT, { STACK_CONFIG: JSON.stringify(stackConfig), STEPS_FILE: stepsFile });
  expect(run.code, run.stderr).toBe(0);
  const parsed = JSON.parse(run.stdout) as Omit<Deployment, "code" | "stderr">;
  return { ...parsed, code: run.code, stderr: run.stderr };
}

/** What 0.1.0 stored for an invitation it sent: its id and its outputs, in the fixture's shape, plus `__provider`. */
function stateOf(invitation: Invitation): { id: string; outputs: Props; props: Props } {
  const outputs: Props = {
    orgId: invitation.orgId,
    username: invitation.username,
    roles: [...invitation.roles].sort(),
    teamIds: [...invitation.teamIds].sort(),
    invitationId: invitation.id,
    status: "PENDING",
    createdAt: invitation.createdAt,
    expiresAt: invitation.expiresAt,
    inviterUsername: invitation.inviterUsername,
    orgName: invitation.orgName,
  };
  expect(Object.keys(outputs)).toEqual(Object.keys(SAMPLE.outputs));
  return { id: `${invitation.orgId}/${invitation.id}`, outputs, props: { ...outputs, __provider: STORED_0_1_0 } };
}

function invite(username: string): Promise<Invitation> {
  return outside.createInvitation(emulator.org.id, { username, roles: ["ORG_MEMBER"] });
}

/** The API requests the provider process signed (a Digest client's first, unsigned round only fetches the challenge). */
function signedApiRequests(): RequestLogEntry[] {
  return emulator.state.requests().filter((r) => r.path.startsWith("/api/") && r.auth.type !== "none");
}

/** "METHOD path status" of the signed API requests, the organization's prefix cut. */
function apiCalls(): string[] {
  const prefix = `/api/public/v1.0/orgs/${emulator.org.id}`;
  return signedApiRequests().map((r) => `${r.method} ${r.path.replace(prefix, "")} ${r.status}`);
}

/** Every request was unsigned (the challenge round, answered 401) or signed with the stack config's key. */
function expectSignedWithTheStackConfigKey(): void {
  const api = emulator.state.requests().filter((r) => r.path.startsWith("/api/"));
  expect(signedApiRequests().length).toBeGreaterThan(0);
  for (const r of api) {
    if (r.auth.type === "none") expect(r.status).toBe(401);
    else expect(r.auth).toMatchObject({ type: "digest", username: emulator.credentials.publicKey });
  }
}

beforeAll(async () => {
  expect(existsSync(join(ROOT, "dist/provider/runtime/index.js")), "run `npm run build` first").toBe(true);
  emulator = await startEmulator();
  outside = new CloudManagerClient({ baseUrl: emulator.baseUrl, ...emulator.credentials, retry: { maxRetries: 0 } });
}, 60_000);
beforeEach(() => emulator.state.reset());
afterAll(async () => {
  await outside.close();
  await emulator.close();
});

describe("State_0_1_0", () => {
  it("the fixture is 0.1.0's stored provider: each method loads the installed runtime and calls it by its top-level name", () => {
    expect(SAMPLE.type).toBe("pulumi-nodejs:dynamic/cloudmanager:OrgInvitation");
    expect(SAMPLE.id).toBe(`${String(SAMPLE.outputs["orgId"])}/${String(SAMPLE.outputs["invitationId"])}`);
    expect(STORED_0_1_0.startsWith("exports.handler = __f0;")).toBe(true);
    expect(STORED_0_1_0).toContain(`return require("pulumi-cloudmanager/provider/runtime");`);
    for (const method of ["configure(req)", "read(id, props)", "delete(id, props)"])
      expect(STORED_0_1_0).toContain(`return load().${method};`);
    // Not the current text (which loads the runtime once, in configure, onto a global).
    expect(STORED_0_1_0).not.toContain("globalThis");
  });

  it("refresh: a pending invitation reads PENDING, then ACCEPTED once the person accepted, through the current runtime", async () => {
    const alice = await invite("alice@example.com");
    const state = stateOf(alice);

    const pending = await deployment([{ method: "read", id: state.id, props: state.props }]);
    expect(pending.runtimePath).toBe(join(ROOT, "dist/provider/runtime/index.js"));
    expect(pending.configureCalls).toBe(1);
    // The 0.1.0 outputs come back unchanged: same keys, nothing added (a 0.1.0 state has no URN to keep).
    expect(pending.steps).toEqual([{ ok: true, result: { id: state.id, props: state.outputs } }]);
    expect(apiCalls()).toEqual([`GET /invites 200`]);
    expectSignedWithTheStackConfigKey();
    expect(pending.stderr).not.toMatch(/warning: cloudmanager:|Error/);

    emulator.state.acceptInvitation(emulator.org.id, alice.id);
    const accepted = await deployment([{ method: "read", id: state.id, props: state.props }]);
    expect(accepted.steps).toEqual([{ ok: true, result: { id: state.id, props: { ...state.outputs, status: "ACCEPTED" } } }]);
    // Read only: the pending list (no longer holding it), then the members, who now include alice.
    expect(apiCalls()).toEqual([`GET /invites 200`, `GET /users 200`]);
    expectSignedWithTheStackConfigKey();
    expect(accepted.stderr).not.toMatch(/warning: cloudmanager:|Error/);
    expect(emulator.state.members(emulator.org.id).map((m) => m.username)).toContain("alice@example.com");
  });

  it("destroy: a pending invitation is withdrawn; an accepted one completes with a warning and keeps the member", async () => {
    const alice = await invite("alice@example.com");
    emulator.state.acceptInvitation(emulator.org.id, alice.id);
    const bob = await invite("bob@example.com");
    // alice's state as her last refresh recorded it; bob's as 0.1.0's create wrote it.
    const aliceState = stateOf(alice);
    const aliceProps = { ...aliceState.props, status: "ACCEPTED" };
    const bobState = stateOf(bob);
    const membersBefore = emulator.state.members(emulator.org.id).map((m) => m.username);

    const destroy = await deployment([
      { method: "delete", id: bobState.id, props: bobState.props },
      { method: "delete", id: aliceState.id, props: aliceProps },
    ]);
    expect(destroy.runtimePath).toBe(join(ROOT, "dist/provider/runtime/index.js"));
    expect(destroy.configureCalls).toBe(1);
    expect(destroy.steps).toEqual([
      { ok: true, result: null },
      { ok: true, result: null },
    ]);

    // bob: withdrawn by one DELETE (204). alice: her DELETE finds nothing (404), and the current
    // runtime proves why before calling it done: not in the pending list, and a member. Nothing else
    // is written: no member removed.
    expect(apiCalls()).toEqual([`DELETE /invites/${bob.id} 204`, `DELETE /invites/${alice.id} 404`, `GET /invites 200`, `GET /users 200`]);
    expect(emulator.state.pendingInvitations(emulator.org.id)).toEqual([]);
    expect(emulator.state.members(emulator.org.id).map((m) => m.username)).toEqual(membersBefore);
    expect(membersBefore).toContain("alice@example.com");
    expectSignedWithTheStackConfigKey();

    const warnings = destroy.stderr.split("\n").filter((l) => l.startsWith("warning: cloudmanager:"));
    expect(warnings).toEqual([
      `warning: cloudmanager: the invitation ${alice.id} for alice@example.com no longer exists in Cloud Manager ` +
        `(alice@example.com accepted the invitation and is now a member of the organization; the membership is kept); nothing to delete.`,
    ]);
    expect(destroy.stderr).not.toContain(emulator.credentials.privateKey);
  });
});
