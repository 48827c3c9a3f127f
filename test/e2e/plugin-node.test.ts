// The `cloudmanager` provider plugin (plugin/, provider/plugin.ts) through the real CLI, driven from
// a Node.js program that declares its resources by type token (no SDK) in a project whose
// Pulumi.yaml says `packages: cloudmanager: <plugin folder>`: credentials from stack config (which
// reaches the plugin through PULUMI_CONFIG) and from the environment, with the same precedence as
// the dynamic resources; nothing of the credentials in state; `pulumi import` of a hand-sent
// invitation; check failures before any API call.

import { describe, expect, test } from "vitest";
import { ENV_VARS } from "../../provider/runtime/credentials";
import { useE2e, type E2eContext } from "./harness/e2e-context";
import { invitationsProgram, PeopleList } from "./harness/invitations-program";
import { errorDiagnostics } from "./harness/test-stack";
import {
  DEFAULT_PROVIDER_TYPE,
  ORG_INVITATION_TOKEN,
  pluginInlineStack,
  pluginInvitationsProgram,
  resourcesOfType,
  runPulumi,
  stateFileOnDisk,
  checkFailures,
  failureOf,
  type PluginPerson,
} from "../plugin/plugin-e2e";

let e2e: E2eContext;
useE2e("plugin-node", (context) => (e2e = context));

let scenario = 0;

/** A copy of `value` with every secret envelope replaced, and where the envelopes were. */
function withoutSecretEnvelopes(value: unknown, path: string, found: string[]): unknown {
  if (Array.isArray(value)) return value.map((v, i) => withoutSecretEnvelopes(v, `${path}[${i}]`, found));
  if (typeof value !== "object" || value === null) return value;
  if (SECRET_SIG in value) {
    found.push(path);
    return "[secret]";
  }
  return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, withoutSecretEnvelopes(v, `${path}.${k}`, found)]));
}

// The engine's marker of a secret value in state.
const SECRET_SIG = "4dabf18193072939515e22adb298388d";
function person(name: string, roles: string[] = ["ORG_MEMBER"]): PluginPerson {
  return { name, username: `${name}.plugin${++scenario}@example.com`, roles };
}

describe("the cloudmanager plugin from a Node.js program", () => {
  test("stack config credentials: up sends through the plugin, state holds the schema's properties and no credential", async () => {
    const alice = person("alice", ["ORG_READ_ONLY", "ORG_MEMBER"]);
    const stack = await pluginInlineStack(
      e2e,
      pluginInvitationsProgram(e2e.orgId, () => [alice]),
    );

    const up = await stack.up();

    expect(up.result.summary.resourceChanges).toEqual({ create: 2 }); // the stack and alice (the default provider is not counted)
    expect(errorDiagnostics(up)).toEqual([]);
    const sent = e2e.view.pendingFor(alice.username);
    expect(sent.roles.sort()).toEqual(["ORG_MEMBER", "ORG_READ_ONLY"]);
    expect((await stack.outputs())["statuses"]).toEqual({ alice: "PENDING" });

    const state = (await resourcesOfType(stack, ORG_INVITATION_TOKEN)).get("alice");
    expect(state?.id).toBe(`${e2e.orgId}/${sent.id}`);
    expect(state?.inputs).toEqual({ orgId: e2e.orgId, username: alice.username, roles: ["ORG_MEMBER", "ORG_READ_ONLY"], teamIds: [] });
    expect(Object.keys(state?.outputs ?? {}).sort()).toEqual(
      ["createdAt", "expiresAt", "invitationId", "inviterUsername", "orgId", "orgName", "roles", "status", "teamIds", "username"].sort(),
    );

    // The private key: not in the state file as it rests on disk; in the export (secrets shown) only
    // inside the secret envelopes of the default provider's own inputs and outputs, the stack config
    // the engine keeps for it. No endpoint in the invitation (its inviterUsername is the key's name).
    expect(stateFileOnDisk(e2e, stack.name)).not.toContain(e2e.emulator.credentials.privateKey);
    const envelopes: string[] = [];
    const resources = await stack.resources();
    const rest = JSON.stringify(withoutSecretEnvelopes(resources, "resources", envelopes));
    expect(rest).not.toContain(e2e.emulator.credentials.privateKey);
    expect(envelopes.sort()).toEqual(
      ["inputs", "outputs"].map((bag) => `resources[${resources.findIndex((r) => r.type === DEFAULT_PROVIDER_TYPE)}].${bag}.privateKey`),
    );
    expect(JSON.stringify(state)).not.toContain(e2e.emulator.baseUrl);

    const destroy = await stack.destroy();
    expect(destroy.result.summary.result).toBe("succeeded");
    expect(e2e.view.pendingByUser().has(alice.username)).toBe(false);
  });

  test("environment credentials work alone; stack config wins over the environment, field by field, as for the dynamic resources", async () => {
    const { credentials, baseUrl } = e2e.emulator;
    const bob = person("bob");
    const fromEnv = await pluginInlineStack(
      e2e,
      pluginInvitationsProgram(e2e.orgId, () => [bob]),
      {
        credentials: "none",
        env: { [ENV_VARS.baseUrl]: baseUrl, [ENV_VARS.publicKey]: credentials.publicKey, [ENV_VARS.privateKey]: credentials.privateKey },
      },
    );
    await fromEnv.up();
    expect((await fromEnv.outputs())["statuses"]).toEqual({ bob: "PENDING" });
    // Nothing of them anywhere in state: no stack config, so no provider input either.
    const exported = await fromEnv.exportedText();
    for (const value of [credentials.privateKey, baseUrl]) expect(exported).not.toContain(value);
    expect((await resourcesOfType(fromEnv, DEFAULT_PROVIDER_TYPE)).get("default")?.inputs ?? {}).toEqual({});
    await fromEnv.destroy();
    expect(e2e.view.pendingByUser().has(bob.username)).toBe(false);

    // A wrong key pair and endpoint in the environment: the stack config's are used.
    const carol = person("carol");
    const configFirst = await pluginInlineStack(
      e2e,
      pluginInvitationsProgram(e2e.orgId, () => [carol]),
      {
        env: { [ENV_VARS.baseUrl]: "http://127.0.0.1:9/nowhere", [ENV_VARS.publicKey]: "wrong", [ENV_VARS.privateKey]: "wrong-private" },
      },
    );
    await configFirst.up();
    expect(e2e.view.pendingFor(carol.username).roles).toEqual(["ORG_MEMBER"]);
    // Field by field: the private key from stack config (the environment's is wrong), the public key
    // and the endpoint from the environment.
    Object.assign(configFirst.stack.workspace.envVars, { [ENV_VARS.baseUrl]: baseUrl, [ENV_VARS.publicKey]: credentials.publicKey });
    await configFirst.stack.removeAllConfig(["cloudmanager:publicKey", "cloudmanager:baseUrl"]);
    const mixed = await configFirst.refresh();
    expect(errorDiagnostics(mixed)).toEqual([]);
    // And a wrong private key in stack config is used, not the environment's: refused, without echoing it.
    await configFirst.stack.setConfig("cloudmanager:privateKey", { value: "not-the-key", secret: true });
    const denied = await failureOf(configFirst.refresh());
    expect(denied.message).toContain("401");
    expect(denied.message).not.toContain("not-the-key");
    await configFirst.stack.setAllConfig(e2e.credentialConfig("apiKey"));
    await configFirst.destroy();
    expect(e2e.view.pendingByUser().has(carol.username)).toBe(false);
  });

  test("pulumi import adopts a hand-sent invitation; preview --expect-no-changes passes; destroy withdraws it", async () => {
    const dana = person("dana", ["ORG_GROUP_CREATOR", "ORG_MEMBER"]);
    const handmade = await e2e.admin.createInvitation(e2e.orgId, { username: dana.username, roles: ["ORG_MEMBER", "ORG_GROUP_CREATOR"] });
    let declared: PluginPerson[] = [];
    const stack = await pluginInlineStack(
      e2e,
      pluginInvitationsProgram(e2e.orgId, () => declared),
    );
    const mark = e2e.view.mark();

    const id = `${e2e.orgId}/${handmade.id}`;
    const imported = await runPulumi(e2e, stack.workDir, [
      "import",
      ORG_INVITATION_TOKEN,
      "dana",
      id,
      "--yes",
      "--generate-code=false",
      "--stack",
      stack.name,
    ]);
    expect(imported.output).not.toContain("error:");
    expect(imported.code).toBe(0);
    expect(e2e.view.writesSince(mark)).toEqual([]);
    const state = (await resourcesOfType(stack, ORG_INVITATION_TOKEN)).get("dana");
    expect(state?.id).toBe(id);
    expect(state?.inputs).toEqual({ orgId: e2e.orgId, username: dana.username, roles: ["ORG_GROUP_CREATOR", "ORG_MEMBER"], teamIds: [] });
    expect(state?.outputs).toMatchObject({ status: "PENDING", invitationId: handmade.id, inviterUsername: e2e.adminPublicKey });

    // The program now declares it (roles in another order): nothing to do.
    declared = [dana];
    const preview = await stack.preview({ expectNoChanges: true });
    expect(preview.result.changeSummary).toEqual({ same: 2 });
    expect(e2e.view.writesSince(mark)).toEqual([]);

    // Adopted: a change in code updates it in place, and destroy withdraws it.
    declared = [{ ...dana, roles: ["ORG_MEMBER"] }];
    await stack.up();
    expect(e2e.view.pendingFor(dana.username)).toMatchObject({ id: handmade.id, roles: ["ORG_MEMBER"] });
    await stack.destroy();
    expect(e2e.view.pendingByUser().has(dana.username)).toBe(false);

    // An id that names no pending invitation: the import fails and says why.
    const missing = await runPulumi(e2e, stack.workDir, [
      "import",
      ORG_INVITATION_TOKEN,
      "ghost",
      `${e2e.orgId}/${"0".repeat(24)}`,
      "--yes",
      "--generate-code=false",
      "--stack",
      stack.name,
    ]);
    expect(missing.code).not.toBe(0);
    expect(missing.output).toContain("RESOURCE_NOT_FOUND");
  });

  test("bad input: preview fails with the same per-property reasons as the dynamic resource, and no API call", async () => {
    const bad: PluginPerson = {
      name: "bad",
      orgId: "12345",
      username: "not-an-email",
      roles: ["ORG_MEMBER", "ORG_MEMBER", "ADMIN"],
      teamIds: ["zz"],
    };
    const plugin = await pluginInlineStack(
      e2e,
      pluginInvitationsProgram(e2e.orgId, () => [bad]),
    );
    const dynamic = await e2e.inlineStack(invitationsProgram(e2e.orgId, new PeopleList([bad])));
    const mark = e2e.view.mark();

    const fromPlugin = checkFailures(await failureOf(plugin.preview()), "bad");
    const fromDynamic = checkFailures(await failureOf(dynamic.preview()), "bad");

    expect(Object.keys(fromPlugin).sort()).toEqual(["orgId", "roles", "teamIds", "username"]);
    expect(fromPlugin).toEqual(fromDynamic);
    expect(fromPlugin["orgId"]).toContain('"12345" is not an organization id');
    expect(e2e.view.requestsSince(mark)).toEqual([]);
  });
});
