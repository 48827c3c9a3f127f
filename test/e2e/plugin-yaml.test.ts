// The `cloudmanager` provider plugin from Pulumi YAML through the real CLI (pulumi-language-yaml
// beside pulumi, see tools/pulumi-cli/):
// - examples/yaml-org-invitations as a user runs it: a project outside this repository that only
//   ran `npm install` of the tarball `npm pack` makes, its Pulumi.yaml copied verbatim
//   (`packages: cloudmanager: ./node_modules/pulumi-cloudmanager/plugin`); up → accepted, revoked
//   and expired out of band → refresh → up → destroy, side by side with the TypeScript example
//   (examples/org-invitations, dynamic resources) on an emulator of its own: the same statuses,
//   drift, steps and warnings;
// - bad input: the same per-property reasons at preview as TypeScript, zero API calls;
// - `pulumi import` of a hand-sent invitation, then `pulumi preview --expect-no-changes`, with the
//   credentials in the environment only;
// - a key rotated in stack config is used by the next plain `refresh` and `destroy` (the plugin reads
//   the stack config of the command being run, through PULUMI_CONFIG).

import { mkdirSync, mkdtempSync, readFileSync, rmSync, symlinkSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, test } from "vitest";
import { parse } from "yaml";
import { prepareExampleProject } from "../../examples/demo/example-project";
import { ORG_INVITATION_TYPE, driftOf, stepsOf } from "../../examples/demo/engine-events";
import { ENV_VARS } from "../../provider/runtime/credentials";
import { REPO_ROOT } from "./harness/cli";
import { mustRunCommand } from "../support/run-command";
import { startE2e, useE2e, type E2eContext } from "./harness/e2e-context";
import { invitationsProgram, PeopleList } from "./harness/invitations-program";
import { errorDiagnostics, type Operation, type TestStack } from "./harness/test-stack";
import {
  checkFailures,
  cloudmanagerWarnings,
  failureOf,
  ORG_INVITATION_TOKEN,
  pluginLocalStack,
  resourcesOfType,
  runPulumi,
  stateFileOnDisk,
  type PluginPerson,
} from "../plugin/plugin-e2e";

/** Both emulators seed this organization, so that what the two front doors print can be compared as text. */
const ORG_ID = "5f1b2c3d4e5f6a7b8c9d0e1f";
/** Whether Cloud Manager still lists an expired invitation is undocumented; here it does, so it reads as EXPIRED. */
const EMULATOR = { orgId: ORG_ID, expiredInvitations: "visible" } as const;

let e2e: E2eContext;
useE2e("plugin-yaml", (context) => (e2e = context), { emulator: EMULATOR });

const EXAMPLE = join(REPO_ROOT, "examples", "yaml-org-invitations");
const EXAMPLE_YAML = readFileSync(join(EXAMPLE, "Pulumi.yaml"), "utf8");
const PEOPLE_YAML = readFileSync(join(REPO_ROOT, "examples", "org-invitations", "people.yaml"), "utf8");

/** A project folder holding `pulumiYaml`, whose node_modules/pulumi-cloudmanager is this repository (as `file:.` installs it). */
function linkedProject(label: string, pulumiYaml: string): string {
  const dir = e2e.newWorkDir(label);
  writeFileSync(join(dir, "Pulumi.yaml"), pulumiYaml);
  mkdirSync(join(dir, "node_modules"));
  symlinkSync(REPO_ROOT, join(dir, "node_modules", "pulumi-cloudmanager"));
  return dir;
}

const PACKAGES = "packages:\n  cloudmanager: ./node_modules/pulumi-cloudmanager/plugin\n";

describe("examples/yaml-org-invitations", () => {
  test("declares the people of examples/org-invitations/people.yaml, with the same roles", () => {
    const program = parse(EXAMPLE_YAML) as {
      packages: Record<string, string>;
      resources: Record<string, { type: string; properties: PluginPerson }>;
    };
    expect(program.packages).toEqual({ cloudmanager: "./node_modules/pulumi-cloudmanager/plugin" });
    const declared = Object.values(program.resources).map((r) => {
      expect(r.type).toBe("cloudmanager:OrgInvitation");
      return { email: r.properties.username, roles: r.properties.roles };
    });
    expect(declared).toEqual(parse(PEOPLE_YAML));
  });
});

describe("a YAML project that installed the packed package", () => {
  let temp: string;
  let project: string;

  beforeAll(async () => {
    temp = mkdtempSync(join(tmpdir(), "cloudmanager-yaml-"));
    project = join(temp, "project");
    mkdirSync(project);
    const packed = await mustRun("npm pack of the repository", "npm", ["pack", "--silent", "--pack-destination", temp], REPO_ROOT);
    const tarball = join(temp, packed.trim().split("\n").pop()?.trim() ?? "");
    writeFileSync(join(project, "package.json"), JSON.stringify({ name: "yaml-org-invitations", private: true }, null, 2));
    writeFileSync(join(project, "Pulumi.yaml"), EXAMPLE_YAML);
    await mustRun(
      "npm install of the packed tarball (it needs the npm registry or npm's cache)",
      "npm",
      ["install", "--no-audit", "--no-fund", "--prefer-offline", tarball],
      project,
    );
  });

  afterAll(() => {
    if (temp !== undefined) rmSync(temp, { recursive: true, force: true });
  });

  test("up → accepted, revoked, expired out of band → refresh → up → destroy: what the TypeScript example does", async () => {
    const ts = await startE2e("plugin-yaml-ts", EMULATOR);
    try {
      const yamlStack = await pluginLocalStack(e2e, project, { config: { orgId: { value: ORG_ID } } });
      const tsProject = prepareExampleProject("plugin-yaml-ts", PEOPLE_YAML, ts.workRoot);
      const tsStack = await ts.localStack(tsProject.workDir, {
        config: { orgId: { value: ORG_ID }, peopleFile: { value: tsProject.peopleFile } },
      });

      const fromYaml = await story(e2e, yamlStack, ORG_INVITATION_TOKEN, (name) => `${name}@example.com`);
      const fromTs = await story(ts, tsStack, ORG_INVITATION_TYPE, (name) => name);

      expect(fromYaml).toEqual(fromTs);
      // What that is, spelled out once.
      expect(fromYaml.afterFirstUp).toEqual({
        "alice@example.com": "PENDING",
        "bob@example.com": "PENDING",
        "carol@example.com": "PENDING",
      });
      expect(fromYaml.drift).toEqual({
        "alice@example.com": { status: ["PENDING", "ACCEPTED"] },
        "bob@example.com": { status: ["PENDING", "REVOKED"] },
        "carol@example.com": { status: ["PENDING", "EXPIRED"], expiresAt: ["<time>", "<time>"] },
      });
      expect(fromYaml.upSteps).toEqual(["alice@example.com: same", "bob@example.com: replace", "carol@example.com: replace"]);
      expect(fromYaml.afterSecondUp).toEqual({
        "alice@example.com": "ACCEPTED",
        "bob@example.com": "PENDING",
        "carol@example.com": "PENDING",
      });
      expect(fromYaml.destroyWarnings).toHaveLength(1);
      expect(fromYaml.destroyWarnings[0]).toContain("alice@example.com");
      expect(fromYaml.destroyWarnings[0]).toContain("accepted");
      expect(fromYaml.pendingAtTheEnd).toEqual([]);

      // No credential in the YAML stack's state file.
      expect(stateFileOnDisk(e2e, yamlStack.name)).not.toContain(e2e.emulator.credentials.privateKey);
    } finally {
      await ts.close();
    }
  });
});

interface StoryRecord {
  afterFirstUp: Record<string, string>;
  drift: Record<string, Record<string, [unknown, unknown]>>;
  afterRefresh: Record<string, string>;
  refreshWarnings: string[];
  upSteps: string[];
  upWarnings: string[];
  afterSecondUp: Record<string, string>;
  destroyWarnings: string[];
  destroyResult: string;
  pendingAtTheEnd: string[];
  aliceIsMember: boolean;
}

/** The example's story on one stack, recorded by username with ids blanked, so two front doors compare equal. */
async function story(context: E2eContext, stack: TestStack, type: string, usernameOf: (name: string) => string): Promise<StoryRecord> {
  const statuses = async (): Promise<Record<string, string>> => {
    const found: Record<string, string> = {};
    for (const [name, r] of await resourcesOfType(stack, type)) found[usernameOf(name)] = String(r.outputs?.["status"]);
    return found;
  };
  const warnings = (op: Operation<unknown>) => cloudmanagerWarnings(op).map(blankIds).sort();

  const up = await stack.up();
  expect(errorDiagnostics(up)).toEqual([]);
  const afterFirstUp = await statuses();

  context.emulator.state.acceptInvitation(ORG_ID, context.view.pendingFor("alice@example.com").id);
  await context.admin.deleteInvitation(ORG_ID, context.view.pendingFor("bob@example.com").id);
  context.emulator.state.expireInvitation(ORG_ID, context.view.pendingFor("carol@example.com").id);

  const refresh = await stack.refresh();
  const drift = Object.fromEntries(driftOf(refresh.events, type).map((d) => [usernameOf(d.name), blankTimes(d.changes)]));
  const afterRefresh = await statuses();

  const converge = await stack.up();
  const upSteps = stepsOf(converge.events, type)
    .filter((s) => s.op === "same" || s.op === "replace")
    .map((s) => `${usernameOf(s.name)}: ${s.op}`)
    .sort();
  const afterSecondUp = await statuses();

  const destroy = await stack.destroy();
  return {
    afterFirstUp,
    drift,
    afterRefresh,
    refreshWarnings: warnings(refresh),
    upSteps,
    upWarnings: warnings(converge),
    afterSecondUp,
    destroyWarnings: warnings(destroy),
    destroyResult: destroy.result.summary.result,
    pendingAtTheEnd: context.view.pending().map((i) => i.username),
    aliceIsMember: context.view.isMember("alice@example.com"),
  };
}

/** Times differ between two runs: each ISO 8601 string becomes "<time>". */
function blankTimes(changes: Record<string, [unknown, unknown]>): Record<string, [unknown, unknown]> {
  const blank = (v: unknown) => (typeof v === "string" && /^\d{4}-\d\d-\d\dT/.test(v) ? "<time>" : v);
  return Object.fromEntries(Object.entries(changes).map(([k, [a, b]]) => [k, [blank(a), blank(b)]]));
}

function blankIds(text: string): string {
  return text.replace(/\b[0-9a-f]{24}\b/g, "<id>");
}

describe("bad input from YAML", () => {
  test("preview fails with the same per-property reasons as TypeScript, and no API call", async () => {
    const bad: PluginPerson = {
      name: "bad",
      orgId: "12345",
      username: "not-an-email",
      roles: ["ORG_MEMBER", "ORG_MEMBER", "ADMIN"],
      teamIds: ["zz"],
    };
    const dir = linkedProject(
      "yaml-bad",
      `name: yaml-bad\nruntime: yaml\n${PACKAGES}resources:\n  bad:\n    type: cloudmanager:OrgInvitation\n    properties:\n` +
        `      orgId: "${bad.orgId}"\n      username: ${bad.username}\n      roles: [${bad.roles.join(", ")}]\n      teamIds: [${(bad.teamIds ?? []).join(", ")}]\n`,
    );
    const yamlStack = await pluginLocalStack(e2e, dir);
    const tsStack = await e2e.inlineStack(invitationsProgram(e2e.orgId, new PeopleList([bad])));
    const mark = e2e.view.mark();

    const fromYaml = checkFailures(await failureOf(yamlStack.preview()), "bad");
    const fromTs = checkFailures(await failureOf(tsStack.preview()), "bad");

    expect(Object.keys(fromYaml).sort()).toEqual(["orgId", "roles", "teamIds", "username"]);
    expect(fromYaml).toEqual(fromTs);
    expect(fromYaml["roles"]).toContain('"ORG_MEMBER" is listed more than once');
    expect(fromYaml["roles"]).toContain('"ADMIN" is not an organization role');
    expect(e2e.view.requestsSince(mark)).toEqual([]);
  });
});

describe("pulumi import from a YAML project", () => {
  test("a hand-sent invitation is adopted; preview --expect-no-changes passes; credentials from the environment only", async () => {
    const { credentials, baseUrl } = e2e.emulator;
    const env = { [ENV_VARS.baseUrl]: baseUrl, [ENV_VARS.publicKey]: credentials.publicKey, [ENV_VARS.privateKey]: credentials.privateKey };
    const dir = linkedProject("yaml-import", `name: yaml-import\nruntime: yaml\n${PACKAGES}resources: {}\n`);
    const stack = await pluginLocalStack(e2e, dir, { credentials: "none", env });
    const handmade = await e2e.admin.createInvitation(ORG_ID, { username: "Erin@Example.com", roles: ["ORG_MEMBER", "ORG_GROUP_CREATOR"] });
    const mark = e2e.view.mark();
    const cli = (args: string[]) => runPulumi(e2e, dir, [...args, "--stack", stack.name], env);

    const imported = await cli(["import", ORG_INVITATION_TOKEN, "erin", `${ORG_ID}/${handmade.id}`, "--yes", "--protect=false"]);
    expect(imported.code, imported.output).toBe(0);
    // The program to add, generated by the YAML language host from the schema and what read returned.
    expect(imported.output).toMatch(/type: cloudmanager:OrgInvitation|type: cloudmanager:index:OrgInvitation/);
    expect(e2e.view.writesSince(mark)).toEqual([]);

    // The resource, declared as a user would write it (another letter case, roles in another order).
    writeFileSync(
      join(dir, "Pulumi.yaml"),
      `name: yaml-import\nruntime: yaml\n${PACKAGES}resources:\n  erin:\n    type: cloudmanager:OrgInvitation\n    properties:\n` +
        `      orgId: "${ORG_ID}"\n      username: erin@example.com\n      roles: [ORG_GROUP_CREATOR, ORG_MEMBER]\n`,
    );
    const preview = await cli(["preview", "--expect-no-changes"]);
    expect(preview.code, preview.output).toBe(0);
    expect(e2e.view.writesSince(mark)).toEqual([]);
    const state = (await resourcesOfType(stack, ORG_INVITATION_TOKEN)).get("erin");
    expect(state?.outputs).toMatchObject({ status: "PENDING", invitationId: handmade.id });
    expect(JSON.stringify(await stack.resources())).not.toContain(credentials.privateKey);

    const destroy = await cli(["destroy", "--yes"]);
    expect(destroy.code, destroy.output).toBe(0);
    expect(e2e.view.pendingByUser().has("erin@example.com")).toBe(false);
  });
});

describe("key rotation with the plugin", () => {
  test("a key rotated in stack config (old one revoked) is used at once by plain refresh and destroy", async () => {
    const newKey = (name: string) => e2e.emulator.state.addApiKey({ name, orgRoles: [{ orgId: ORG_ID, roles: ["ORG_OWNER"] }] });
    const keyConfig = (key: { publicKey: string; privateKey: string }) => ({
      "cloudmanager:baseUrl": { value: e2e.emulator.baseUrl },
      "cloudmanager:publicKey": { value: key.publicKey },
      "cloudmanager:privateKey": { value: key.privateKey, secret: true },
    });
    const first = newKey("first");
    const dir = linkedProject(
      "yaml-rotation",
      `name: yaml-rotation\nruntime: yaml\n${PACKAGES}resources:\n  frank:\n    type: cloudmanager:OrgInvitation\n    properties:\n` +
        `      orgId: "${ORG_ID}"\n      username: frank@example.com\n      roles: [ORG_MEMBER]\n`,
    );
    const stack = await pluginLocalStack(e2e, dir, { credentials: "none", config: keyConfig(first) });
    await stack.up();

    const second = newKey("rotated");
    expect(e2e.emulator.state.removeApiKey(first.publicKey)).toBe(true);
    await stack.stack.setAllConfig(keyConfig(second));

    // No --run-program, no up in between: the plugin reads the stack config of this command.
    let mark = e2e.view.mark();
    const refresh = await stack.refresh();
    expect(refresh.result.summary.result).toBe("succeeded");
    const calls = e2e.view.callsSince(mark);
    expect(calls.length).toBeGreaterThan(0);
    expect(calls.filter((r) => r.status >= 400)).toEqual([]);
    expect(new Set(calls.map((r) => (r.auth.type === "digest" ? r.auth.username : r.auth.type)))).toEqual(new Set([second.publicKey]));

    mark = e2e.view.mark();
    const destroy = await stack.destroy();
    expect(destroy.result.summary.result).toBe("succeeded");
    expect(e2e.view.describeWritesSince(mark)).toHaveLength(1);
    expect(e2e.view.pendingByUser().has("frank@example.com")).toBe(false);
  });
});

async function mustRun(what: string, command: string, args: string[], cwd: string): Promise<string> {
  const keep = new Set(["npm_config_registry", "npm_config_cache", "npm_config_userconfig"]);
  const env = Object.fromEntries(Object.entries(process.env).filter(([k, v]) => v !== undefined && (!/^npm_/i.test(k) || keep.has(k))));
  return mustRunCommand(command, args, cwd, { ...env, PATH: e2e.cli.path }, what);
}
