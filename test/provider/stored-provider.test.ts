// The provider text stored in state as `__provider`, tested the way the engine uses it: serialized
// with pulumi.runtime.serializeFunction exactly as dynamic.Resource does, loaded in a FRESH Node
// process with require-from-string (what the dynamic-provider host uses), its methods called against
// the emulator. Built output (dist/) is what users install, so this runs on `npm run build`'s output.

import { cpSync, existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startEmulator, type RunningEmulator } from "../../emulator";
import { runNodeScript } from "../support/node-script";

const ROOT = resolve(__dirname, "../..");

// Serializes the stored provider from the built package the way dynamic.Resource does
// (node_modules/@pulumi/pulumi/dynamic/index.js: serializeFunction(() => provider, { allowSecrets: true })),
// and, through the real OrgInvitation class under Pulumi's mock monitor, captures what it registers.
const SERIALIZE = `
const pulumi = require("@pulumi/pulumi");
const provider = require(${JSON.stringify(join(ROOT, "dist/provider/resources/stored-provider.js"))}).storedProvider;
const { OrgInvitation } = require("pulumi-cloudmanager");
(async () => {
  const registered = [];
  await pulumi.runtime.setMocks({
    newResource: (args) => { registered.push({ name: args.name, type: args.type, id: args.id ?? null, provider: args.inputs.__provider, keys: Object.keys(args.inputs).sort() }); return { id: args.id || "x/y", state: { ...args.inputs, status: "PENDING", invitationId: "61a0b1c2d3e4f5a6b7c8d9e0", orgName: "Acme" } }; },
    call: () => ({}),
  });
  const sf = await pulumi.runtime.serializeFunction(() => provider, { allowSecrets: true });
  const alice = new OrgInvitation("alice", { orgId: "5f1b2c3d4e5f6a7b8c9d0e1f", username: "alice@example.com", roles: ["ORG_MEMBER"] });
  OrgInvitation.get("existing", "5f1b2c3d4e5f6a7b8c9d0e1f/61a0b1c2d3e4f5a6b7c8d9e0");
  const outputs = await new Promise((r) => pulumi.all([alice.status, alice.invitationId, alice.orgName]).apply(r));
  process.stdout.write(JSON.stringify({ text: sf.text, exportName: sf.exportName, containsSecrets: sf.containsSecrets, registered, outputs }));
})().catch((e) => { console.error(e); process.exit(1); });
`;

// Every stored provider the module exports, serialized as dynamic.Resource does: name → bytes.
const SERIALIZE_EACH = `
const pulumi = require("@pulumi/pulumi");
const shims = require(${JSON.stringify(join(ROOT, "dist/provider/resources/stored-provider.js"))});
(async () => {
  const sizes = {};
  for (const name of Object.keys(shims)) {
    // A local binding, as dynamic.Resource has it (a property read off the module would copy the module too).
    const provider = shims[name];
    const sf = await pulumi.runtime.serializeFunction(() => provider, { allowSecrets: true });
    sizes[name] = Buffer.byteLength(sf.text);
  }
  process.stdout.write(JSON.stringify(sizes));
})().catch((e) => { console.error(e); process.exit(1); });
`;

/** What the DRIVE script prints: each provider method's result. */
interface DriveResult {
  check: { failures?: unknown };
  create: { id: string; outs: { status: string } };
  read: unknown;
  diff: unknown;
  update: { outs: { roles: string[] } };
  runtimePath: string;
}

// Loads the stored text exactly as the host does (requireFromString(text).handler()) and drives a
// whole lifecycle. Config arrives like the engine's: through configure, from outside the text.
const DRIVE = `
const requireFromString = require(${JSON.stringify(join(ROOT, "node_modules/require-from-string"))});
const fs = require("node:fs");
const text = fs.readFileSync(process.env.STORED_PROVIDER_FILE, "utf8");
const config = JSON.parse(process.env.STACK_CONFIG);
const orgId = process.env.ORG_ID;
(async () => {
  const provider = requireFromString(text).handler();
  await provider.configure({ config: { get: (k) => config[k], require: (k) => config[k] } });
  const out = {};
  const checked = await provider.check({}, { orgId, username: "fresh@example.com", roles: ["ORG_MEMBER", "ORG_GROUP_CREATOR"] });
  out.check = checked;
  const created = await provider.create(checked.inputs);
  out.create = created;
  out.read = await provider.read(created.id, created.outs);
  const news = (await provider.check(checked.inputs, { ...checked.inputs, roles: ["ORG_READ_ONLY"] })).inputs;
  out.diff = await provider.diff(created.id, created.outs, news);
  out.update = await provider.update(created.id, created.outs, news);
  await provider.delete(created.id, out.update.outs);
  await provider.delete(created.id, out.update.outs);
  out.runtimePath = require.resolve("pulumi-cloudmanager/provider/runtime", { paths: [process.cwd()] });
  process.stdout.write(JSON.stringify(out));
  process.exit(0);
})().catch((e) => { console.error("FAILED " + e.message); process.exit(1); });
`;

describe("StoredProvider_AsTheEngineUsesIt", () => {
  let emulator: RunningEmulator;
  let serialized: {
    text: string;
    exportName: string;
    containsSecrets: boolean;
    registered: { name: string; type: string; id: string | null; provider: string; keys: string[] }[];
    outputs: unknown[];
  };
  let file: string;
  const dir = mkdtempSync(join(tmpdir(), "cm-stored-provider-"));

  beforeAll(async () => {
    expect(existsSync(join(ROOT, "dist/provider/runtime/index.js")), "run `npm run build` first").toBe(true);
    emulator = await startEmulator({ serviceAccount: { clientId: "mdb_sa_id_stored", clientSecret: "mdb_sa_sk_never-in-state" } });
    const run = await runNodeScript(SERIALIZE, ROOT);
    // (stderr carries Node's deprecation notices from the serializer's scan of the built-in modules.)
    expect(run.code, run.stderr).toBe(0);
    serialized = JSON.parse(run.stdout) as typeof serialized;
    file = join(dir, "provider.js");
    writeFileSync(file, serialized.text);
  }, 60_000);
  afterAll(() => emulator.close());

  it("is small: at most 2,000 bytes per resource", () => {
    expect(Buffer.byteLength(serialized.text)).toBeLessThanOrEqual(2000);
    expect(serialized.exportName).toBe("handler");
  });

  it("is small for every resource type: each stored provider at most 2,000 bytes", async () => {
    const run = await runNodeScript(SERIALIZE_EACH, ROOT);
    expect(run.code, run.stderr).toBe(0);
    const sizes = JSON.parse(run.stdout) as Record<string, number>;
    expect(Object.keys(sizes).sort()).toEqual([
      "storedMembershipProvider",
      "storedProjectMembershipProvider",
      "storedProjectRosterProvider",
      "storedProjectTeamProvider",
      "storedProvider",
      "storedRosterProvider",
      "storedTeamProvider",
    ]);
    for (const [name, bytes] of Object.entries(sizes)) expect({ name, bytes }).toEqual({ name, bytes: Math.min(bytes, 2000) });
  });

  it("captures nothing: no secret, key, config value or code of ours copied by value", () => {
    expect(serialized.containsSecrets).toBe(false);
    const text = serialized.text;
    expect(text).toContain(`require("pulumi-cloudmanager/provider/runtime")`);
    const forbidden = [
      emulator.credentials.privateKey,
      emulator.credentials.publicKey,
      "mdb_sa_sk_never-in-state",
      "mdb_sa_id_stored",
      emulator.baseUrl,
      emulator.org.id,
      "cloudmanager:",
      "MCLI_",
      "CloudManagerClient",
      "digest",
      "undici",
    ];
    for (const value of forbidden) expect(text).not.toContain(value);
  });

  it("is what the OrgInvitation class stores, under the type token cloudmanager:OrgInvitation, its outputs typed on the class", () => {
    const created = serialized.registered.find((r) => r.name === "alice");
    const read = serialized.registered.find((r) => r.name === "existing");
    expect(created?.type).toBe("pulumi-nodejs:dynamic/cloudmanager:OrgInvitation");
    expect(created?.provider).toBe(serialized.text);
    // `__urn`: the resource tells the provider who it is (the engine passes dynamic providers no URN).
    expect(created?.keys).toEqual(["__provider", "__urn", "orgId", "roles", "username"]);
    expect(read?.type).toBe("pulumi-nodejs:dynamic/cloudmanager:OrgInvitation");
    expect(read?.id).toBe("5f1b2c3d4e5f6a7b8c9d0e1f/61a0b1c2d3e4f5a6b7c8d9e0");
    expect(read?.provider).toBe(serialized.text);
    expect(serialized.outputs).toEqual(["PENDING", "61a0b1c2d3e4f5a6b7c8d9e0", "Acme"]);
  });

  it("runs the whole lifecycle from a fresh process, with credentials only from configure", async () => {
    const config = {
      "cloudmanager:baseUrl": emulator.baseUrl,
      "cloudmanager:publicKey": emulator.credentials.publicKey,
      "cloudmanager:privateKey": emulator.credentials.privateKey,
    };
    const run = await runNodeScript(DRIVE, ROOT, {
      STORED_PROVIDER_FILE: file,
      STACK_CONFIG: JSON.stringify(config),
      ORG_ID: emulator.org.id,
    });
    expect(run.code, run.stderr).toBe(0);
    const out = JSON.parse(run.stdout) as DriveResult;
    expect(out.check.failures).toBeUndefined();
    expect(out.create.id).toMatch(new RegExp(`^${emulator.org.id}/[0-9a-f]{24}$`));
    expect(out.create.outs.status).toBe("PENDING");
    expect(out.read).toEqual({ id: out.create.id, props: out.create.outs });
    expect(out.diff).toEqual({ changes: true });
    expect(out.update.outs.roles).toEqual(["ORG_READ_ONLY"]);
    expect(emulator.state.pendingInvitations(emulator.org.id)).toEqual([]);
    // The second delete, in the same process, knows the first one withdrew it; the warning reaches the
    // user through the process's stderr.
    expect(run.stderr).toMatch(
      /warning: cloudmanager: the invitation [0-9a-f]{24} for fresh@example.com was already withdrawn in this deployment by an earlier delete; nothing to delete/,
    );
    expect(run.stderr).not.toContain(emulator.credentials.privateKey);
    expect(out.runtimePath).toBe(join(ROOT, "dist/provider/runtime/index.js"));
  });

  it("runs whatever pulumi-cloudmanager is installed where the provider process runs (an upgrade takes effect)", async () => {
    const project = join(dir, "upgraded-project");
    const pkg = join(project, "node_modules/pulumi-cloudmanager");
    mkdirSync(join(pkg, "provider"), { recursive: true });
    writeFileSync(
      join(pkg, "package.json"),
      JSON.stringify({ name: "pulumi-cloudmanager", version: "9.9.9", exports: { "./provider/runtime": "./provider/runtime.js" } }),
    );
    writeFileSync(
      join(pkg, "provider/runtime.js"),
      `exports.configure = async () => {}; exports.read = async (id) => ({ id, props: { upgradedRuntime: "9.9.9" } });`,
    );
    const script = `
      const provider = require(${JSON.stringify(join(ROOT, "node_modules/require-from-string"))})(require("node:fs").readFileSync(${JSON.stringify(file)}, "utf8")).handler();
      provider.configure({ config: { get: () => undefined } })
        .then(() => provider.read("a/b", {}))
        .then((r) => process.stdout.write(JSON.stringify(r)));`;
    const run = await runNodeScript(script, project);
    expect(run.code, run.stderr).toBe(0);
    expect(JSON.parse(run.stdout)).toEqual({ id: "a/b", props: { upgradedRuntime: "9.9.9" } });
  });

  it("says how to fix it when the package is not installed where the provider runs", async () => {
    const empty = join(dir, "empty-project");
    mkdirSync(empty, { recursive: true });
    const script = `
      const provider = require(${JSON.stringify(join(ROOT, "node_modules/require-from-string"))})(require("node:fs").readFileSync(${JSON.stringify(file)}, "utf8")).handler();
      // The host runs configure first in every provider process; that is where the runtime is loaded.
      Promise.resolve().then(() => provider.configure({ config: { get: () => undefined } })).catch((e) => { process.stdout.write(e.message); });`;
    const run = await runNodeScript(script, empty);
    expect(run.stdout).toMatch(
      /^CLOUDMANAGER_PROVIDER_NOT_INSTALLED: npm install pulumi-cloudmanager in .*empty-project: .*Cannot find module 'pulumi-cloudmanager\/provider\/runtime'/,
    );
  });

  it("keeps the same text for every resource, so the state grows by a fixed small amount per resource", () => {
    expect(readFileSync(file, "utf8")).toBe(serialized.text);
  });
});

// Installed (the package under node_modules, as users have it), each resource class stores its type's
// stored module by its package path: one `require` line instead of the thin provider's methods.
const FOLDERS: Record<string, string> = {
  OrgInvitation: "org-invitation",
  OrgMembership: "org-membership",
  OrgRoster: "org-roster",
  Team: "team",
  ProjectTeam: "project-team",
  ProjectMembership: "project-membership",
  ProjectRoster: "project-roster",
};

// Every resource class of the installed copy, constructed under Pulumi's mock monitor: type → stored text,
// and whether the program process loaded the runtime (it must not: the provider process loads it).
const serializeInstalled = (pkg: string): string => `
const pulumi = require("@pulumi/pulumi");
const cm = require("${pkg}");
(async () => {
  const stored = {};
  await pulumi.runtime.setMocks({
    newResource: (args) => { stored[args.type.split(":").pop()] = args.inputs.__provider; return { id: args.id || "x/y", state: args.inputs }; },
    call: () => ({}),
  });
  const orgId = "5f1b2c3d4e5f6a7b8c9d0e1f", projectId = "6a1b2c3d4e5f6a7b8c9d0e1f";
  new cm.OrgInvitation("i", { orgId, username: "i@example.com", roles: ["ORG_MEMBER"] });
  new cm.OrgMembership("m", { orgId, username: "m@example.com", roles: ["ORG_MEMBER"] });
  new cm.OrgRoster("r", { orgId, managed: [] });
  new cm.Team("t", { orgId, name: "t" });
  new cm.ProjectTeam("pt", { orgId, projectId, teamId: "7a1b2c3d4e5f6a7b8c9d0e1f", roles: ["GROUP_READ_ONLY"] });
  new cm.ProjectMembership("pm", { orgId, projectId, username: "p@example.com", roles: ["GROUP_READ_ONLY"] });
  new cm.ProjectRoster("pr", { orgId, projectId, managed: [] });
  await new Promise((r) => setTimeout(r, 500));
  const runtimeLoaded = Object.keys(require.cache).some((p) => p.includes("provider/runtime/index.js"));
  process.stdout.write(JSON.stringify({ stored, runtimeLoaded }));
})().catch((e) => { console.error(e); process.exit(1); });
`;

describe("StoredModule_WhenInstalled", () => {
  let emulator: RunningEmulator;
  // Inside the repository (.e2e-work is ignored), so the copy's own dependencies resolve through the
  // repository's node_modules while the copy itself lies under a node_modules folder.
  const project = join(ROOT, ".e2e-work", `stored-module-${process.pid}`);
  let stored: Record<string, string>;
  let runtimeLoaded: boolean;

  beforeAll(async () => {
    expect(existsSync(join(ROOT, "dist/provider/runtime/index.js")), "run `npm run build` first").toBe(true);
    const installed = join(project, "node_modules/pulumi-cloudmanager");
    mkdirSync(installed, { recursive: true });
    // Its own package.json: without it the repository's would make "pulumi-cloudmanager" a self-reference.
    writeFileSync(join(project, "package.json"), JSON.stringify({ name: "stored-module-project", private: true }));
    cpSync(join(ROOT, "package.json"), join(installed, "package.json"));
    cpSync(join(ROOT, "dist"), join(installed, "dist"), { recursive: true });
    emulator = await startEmulator();
    const run = await runNodeScript(serializeInstalled("pulumi-cloudmanager"), project);
    expect(run.code, run.stderr).toBe(0);
    ({ stored, runtimeLoaded } = JSON.parse(run.stdout) as { stored: Record<string, string>; runtimeLoaded: boolean });
  }, 60_000);
  afterAll(async () => {
    await emulator.close();
    rmSync(project, { recursive: true, force: true });
  });

  it("stores each type as one require of its own module: at most 400 bytes, nothing else captured", () => {
    expect(Object.keys(stored).sort()).toEqual(Object.keys(FOLDERS).sort());
    for (const [type, text] of Object.entries(stored)) {
      expect({ type, bytes: Buffer.byteLength(text) }).toEqual({ type, bytes: Math.min(Buffer.byteLength(text), 400) });
      expect(text).toContain(`require("pulumi-cloudmanager/dist/provider/resources/${FOLDERS[type]}/stored.js")`);
      expect(text.match(/require\(/g)).toHaveLength(1);
    }
    expect(runtimeLoaded).toBe(false);
  });

  it("stores the thin provider for a copy nested in another package's node_modules (the serializer would name a deep path into that package)", async () => {
    const wrapper = join(project, "node_modules/wrapper");
    const nested = join(wrapper, "node_modules/pulumi-cloudmanager");
    mkdirSync(nested, { recursive: true });
    writeFileSync(
      join(wrapper, "package.json"),
      JSON.stringify({ name: "wrapper", version: "1.0.0", main: "index.js", exports: { ".": "./index.js" } }),
    );
    writeFileSync(join(wrapper, "index.js"), `module.exports = require("pulumi-cloudmanager");`);
    cpSync(join(ROOT, "package.json"), join(nested, "package.json"));
    cpSync(join(ROOT, "dist"), join(nested, "dist"), { recursive: true });
    const run = await runNodeScript(serializeInstalled("wrapper"), project);
    expect(run.code, run.stderr).toBe(0);
    const { stored: fromNested } = JSON.parse(run.stdout) as { stored: Record<string, string> };
    expect(Object.keys(fromNested).sort()).toEqual(Object.keys(FOLDERS).sort());
    for (const [type, text] of Object.entries(fromNested)) {
      expect({ type, thin: text.includes('require("pulumi-cloudmanager/provider/runtime")'), deep: text.includes("stored.js") }).toEqual({
        type,
        thin: true,
        deep: false,
      });
    }
  });

  it("runs the whole lifecycle from a fresh process where the package is installed, on that copy's runtime", async () => {
    const file = join(project, "invitation-provider.js");
    writeFileSync(file, stored["OrgInvitation"] ?? "");
    const config = {
      "cloudmanager:baseUrl": emulator.baseUrl,
      "cloudmanager:publicKey": emulator.credentials.publicKey,
      "cloudmanager:privateKey": emulator.credentials.privateKey,
    };
    const run = await runNodeScript(DRIVE, project, {
      STORED_PROVIDER_FILE: file,
      STACK_CONFIG: JSON.stringify(config),
      ORG_ID: emulator.org.id,
    });
    expect(run.code, run.stderr).toBe(0);
    const out = JSON.parse(run.stdout) as DriveResult;
    expect(out.create.outs.status).toBe("PENDING");
    expect(out.update.outs.roles).toEqual(["ORG_READ_ONLY"]);
    expect(emulator.state.pendingInvitations(emulator.org.id)).toEqual([]);
    expect(out.runtimePath).toBe(join(project, "node_modules/pulumi-cloudmanager/dist/provider/runtime/index.js"));
  });

  it("names the missing module when the package is not installed where the provider runs", async () => {
    const empty = mkdtempSync(join(tmpdir(), "cm-stored-module-empty-"));
    const script = `
      try { require(${JSON.stringify(join(ROOT, "node_modules/require-from-string"))})(${JSON.stringify(stored["OrgMembership"] ?? "")}).handler(); }
      catch (e) { process.stdout.write(e.message); }`;
    const run = await runNodeScript(script, empty);
    rmSync(empty, { recursive: true, force: true });
    expect(run.stdout).toContain("Cannot find module 'pulumi-cloudmanager/dist/provider/resources/org-membership/stored.js'");
  });
});
