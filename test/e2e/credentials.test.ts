// Scenarios 12 and 14 of the real-engine suite: a rotated API key takes effect for refresh and
// destroy (credentials are read at call time, never from state), a service account (OAuth) stack
// end to end, and credentials from the environment instead of stack config.

import type { ConfigMap } from "@pulumi/pulumi/automation";
import { describe, expect, test } from "vitest";
import type { RequestLogEntry } from "../../emulator";
import { useE2e, type E2eContext } from "./harness/e2e-context";
import { API_PREFIX } from "./harness/emulator-view";
import { invitationOutputs, invitationsProgram, numberedPeople, PeopleList } from "./harness/invitations-program";
import { errorDiagnostics, StackOperationError, type TestStack } from "./harness/test-stack";

let e2e: E2eContext;
useE2e("credentials", (context) => (e2e = context));

function people(prefix: string, count: number): PeopleList {
  return new PeopleList(numberedPeople(count).map((p) => ({ ...p, username: `${prefix}.${p.username}` })));
}

function digestUsers(requests: RequestLogEntry[]): string[] {
  return [...new Set(requests.flatMap((r) => (r.auth.type === "digest" ? [r.auth.username] : [])))];
}

describe("API key rotation", () => {
  function newKey(name: string) {
    return e2e.emulator.state.addApiKey({ name, orgRoles: [{ orgId: e2e.orgId, roles: ["ORG_OWNER"] }] });
  }

  function keyConfig(key: { publicKey: string; privateKey: string }): ConfigMap {
    return {
      "cloudmanager:baseUrl": { value: e2e.emulator.baseUrl },
      "cloudmanager:publicKey": { value: key.publicKey },
      "cloudmanager:privateKey": { value: key.privateKey, secret: true },
    };
  }

  /** Rotation in Cloud Manager: a new key with the same role, the old one deleted; the new one into stack config. */
  async function rotate(stack: TestStack, oldKey: { publicKey: string }) {
    const next = newKey("rotated");
    expect(e2e.emulator.state.removeApiKey(oldKey.publicKey)).toBe(true);
    await stack.stack.setAllConfig(keyConfig(next));
    return next;
  }

  // The engine keeps the stack config it gave the dynamic provider in state (the inputs of
  // pulumi:providers:pulumi-nodejs) and, without running the program, hands THAT to `configure` on
  // refresh and destroy. So the first refresh/destroy after a rotation runs the program
  // (`--run-program`), or follows a `pulumi up`; from then on the new key is the stored one.
  test("12. after up the key is rotated (old one revoked, new one in config): refresh and destroy work", async () => {
    const first = newKey("first");
    const stack = await e2e.inlineStack(invitationsProgram(e2e.orgId, people("rotation", 3)), {
      credentials: "none",
      config: keyConfig(first),
    });
    await stack.up();
    const second = await rotate(stack, first);

    // Without the program, the engine still configures the provider with the revoked key: the
    // failure says which key and why, and never shows a private key.
    let mark = e2e.view.mark();
    const stale = await stack.refresh().then(
      () => undefined,
      (e: unknown) => e,
    );
    expect(stale).toBeInstanceOf(StackOperationError);
    const staleText = errorDiagnostics(stale as StackOperationError).join("\n");
    expect(staleText).toContain(`public key "${first.publicKey}"`);
    expect(staleText).toContain("401");
    expect((stale as StackOperationError).message).not.toContain(first.privateKey);
    // The refresh did call Cloud Manager with the revoked key, and every call was refused.
    const staleCalls = e2e.view.callsSince(mark);
    expect(staleCalls.length).toBeGreaterThan(0);
    expect(staleCalls.filter((r) => r.status !== 401)).toEqual([]);

    mark = e2e.view.mark();
    const refresh = await stack.refresh({ runProgram: true, expectNoChanges: true });
    expect(refresh.result.summary.result).toBe("succeeded");
    expect(Object.values(invitationOutputs(await stack.outputs())).map((o) => o.status)).toEqual(["PENDING", "PENDING", "PENDING"]);
    await stack.preview({ expectNoChanges: true });

    const destroy = await stack.destroy();
    expect(destroy.result.summary.result).toBe("succeeded");
    expect(errorDiagnostics(destroy)).toEqual([]);
    const calls = e2e.view.callsSince(mark);
    expect(calls.filter((r) => r.method === "DELETE" && r.status === 204)).toHaveLength(3);
    expect(digestUsers(calls)).toEqual([second.publicKey]);
    expect(calls.filter((r) => r.status === 401)).toEqual([]);
    expect(e2e.view.pending()).toEqual([]);
  });

  test("12b. rotation followed by the pipeline's next up (no changes), or by destroy --run-program", async () => {
    const first = newKey("first");
    const viaUp = await e2e.inlineStack(invitationsProgram(e2e.orgId, people("rotation-up", 2)), {
      credentials: "none",
      config: keyConfig(first),
    });
    await viaUp.up();
    const second = await rotate(viaUp, first);
    let mark = e2e.view.mark();
    const up = await viaUp.up();
    expect(up.steps.map((st) => st.op)).toEqual(["same", "same"]);
    await viaUp.refresh({ expectNoChanges: true });
    await viaUp.destroy();
    expect(digestUsers(e2e.view.callsSince(mark))).toEqual([second.publicKey]);
    expect(e2e.view.pending()).toEqual([]);

    const third = newKey("third");
    const viaDestroy = await e2e.inlineStack(invitationsProgram(e2e.orgId, people("rotation-destroy", 2)), {
      credentials: "none",
      config: keyConfig(third),
    });
    await viaDestroy.up();
    const fourth = await rotate(viaDestroy, third);
    mark = e2e.view.mark();
    const destroy = await viaDestroy.destroy({ runProgram: true });
    expect(destroy.result.summary.result).toBe("succeeded");
    expect(digestUsers(e2e.view.callsSince(mark))).toEqual([fourth.publicKey]);
    expect(e2e.view.pending()).toEqual([]);
  });
});

describe("service account", () => {
  test("14. a service account (OAuth) stack works end to end", async () => {
    const account = e2e.emulator.serviceAccount;
    if (!account) throw new Error("the emulator has no service account");
    const list = people("oauth", 4);
    const stack = await e2e.inlineStack(invitationsProgram(e2e.orgId, list), { credentials: "serviceAccount" });
    const mark = e2e.view.mark();

    await stack.up();
    expect(e2e.view.pending()).toHaveLength(4);
    await stack.preview({ expectNoChanges: true });
    list.set("p02", { roles: ["ORG_MEMBER", "ORG_READ_ONLY"] });
    const update = await stack.up();
    expect(update.result.summary.resourceChanges).toMatchObject({ update: 1 });
    expect(e2e.view.pendingFor("oauth.person02@example.com").roles.sort()).toEqual(["ORG_MEMBER", "ORG_READ_ONLY"]);
    await e2e.admin.deleteInvitation(e2e.orgId, e2e.view.pendingFor("oauth.person03@example.com").id);
    const converge = await stack.up({ refresh: true });
    expect(converge.result.summary.resourceChanges).toMatchObject({ replace: 1 });
    const outputs = invitationOutputs(await stack.outputs());
    for (const person of list.people) {
      expect(outputs[person.name]).toMatchObject({ status: "PENDING", invitationId: e2e.view.pendingFor(person.username).id });
    }
    await stack.destroy();
    expect(e2e.view.pending()).toEqual([]);

    // Every API call carried the account's bearer token; tokens came from the OAuth endpoint.
    const calls = e2e.view.callsSince(mark);
    const api = calls.filter((r) => r.path.startsWith(API_PREFIX));
    const tokenRequests = calls.filter((r) => r.path === "/api/oauth/token");
    expect(api.length).toBeGreaterThan(0);
    expect(api.every((r) => r.auth.type === "bearer" && r.auth.clientId === account.clientId)).toBe(true);
    expect(api.filter((r) => r.status === 401)).toEqual([]);
    // One provider process per operation, one token each (not one per resource): up, preview, up, up, destroy.
    expect(tokenRequests.length).toBeGreaterThan(0);
    expect(tokenRequests.length).toBeLessThanOrEqual(5);
    expect(tokenRequests.every((r) => r.status === 200)).toBe(true);
  });

  test("credentials from the environment (MCLI_* variables): never stored, and a rotation needs nothing else", async () => {
    const first = e2e.emulator.state.addApiKey({ name: "from env", orgRoles: [{ orgId: e2e.orgId, roles: ["ORG_OWNER"] }] });
    const stack = await e2e.inlineStack(invitationsProgram(e2e.orgId, people("env", 2)), {
      credentials: "none",
      env: { MCLI_OPS_MANAGER_URL: e2e.emulator.origin, MCLI_PUBLIC_API_KEY: first.publicKey, MCLI_PRIVATE_API_KEY: first.privateKey },
    });
    let mark = e2e.view.mark();
    await stack.up();
    expect(e2e.view.pending()).toHaveLength(2);
    expect(digestUsers(e2e.view.callsSince(mark))).toEqual([first.publicKey]);
    // Nothing of it in the state, not even encrypted.
    expect(JSON.stringify(await stack.stack.exportStack())).not.toContain(first.privateKey);

    // Rotation: the variables hold the new key; plain refresh and destroy use it.
    const second = e2e.emulator.state.addApiKey({ name: "from env, rotated", orgRoles: [{ orgId: e2e.orgId, roles: ["ORG_OWNER"] }] });
    e2e.emulator.state.removeApiKey(first.publicKey);
    const workspaceEnv = stack.stack.workspace.envVars;
    workspaceEnv["MCLI_PUBLIC_API_KEY"] = second.publicKey;
    workspaceEnv["MCLI_PRIVATE_API_KEY"] = second.privateKey;
    mark = e2e.view.mark();
    await stack.refresh({ expectNoChanges: true });
    await stack.destroy();
    expect(digestUsers(e2e.view.callsSince(mark))).toEqual([second.publicKey]);
    expect(e2e.view.pending()).toEqual([]);
  });

  test("no credentials at all: one message naming both ways to set them, before any call", async () => {
    const stack = await e2e.inlineStack(invitationsProgram(e2e.orgId, people("none", 1)), { credentials: "none" });
    const mark = e2e.view.mark();
    const failure = await stack.up().then(
      () => undefined,
      (e: unknown) => e,
    );
    expect(failure).toBeInstanceOf(StackOperationError);
    const text = errorDiagnostics(failure as StackOperationError).join("\n");
    expect(text).toContain("CLOUDMANAGER_CREDENTIALS_MISSING");
    expect(text).toContain("pulumi config set cloudmanager:publicKey");
    expect(text).toContain("MCLI_PUBLIC_API_KEY");
    expect(e2e.view.requestsSince(mark)).toEqual([]);
  });
});
