// Scenarios 9-11 of the real-engine suite: reading an invitation made by hand with the `id`
// resource option, what the state file holds (no secrets, small stored provider), and bad input
// rejected at preview before any API call.

import { readdirSync, readFileSync } from "node:fs";
import { join } from "node:path";
import * as pulumi from "@pulumi/pulumi";
import { describe, expect, test } from "vitest";
import { builtPackage } from "./harness/built-package";
import { useE2e, type E2eContext } from "./harness/e2e-context";
import { invitationOutputs, invitationsProgram, numberedPeople, PeopleList } from "./harness/invitations-program";
import { errorDiagnostics, INVITATION_TYPE, StackOperationError, type TestStack } from "./harness/test-stack";

let e2e: E2eContext;
useE2e("state", (context) => (e2e = context));

async function failureOf(op: Promise<unknown>): Promise<StackOperationError> {
  const outcome = await op.then(
    () => undefined,
    (e: unknown) => e,
  );
  if (!(outcome instanceof StackOperationError)) throw new Error(`expected the operation to fail, got ${String(outcome)}`);
  return outcome;
}

describe("reading an existing invitation", () => {
  test("9. OrgInvitation.get through the id option reads an invitation created by hand, and destroy leaves it alone", async () => {
    const handmade = await e2e.admin.createInvitation(e2e.orgId, {
      username: "handmade@example.com",
      roles: ["ORG_READ_ONLY", "ORG_MEMBER"],
    });
    const id = `${e2e.orgId}/${handmade.id}`;
    const stack = await e2e.inlineStack(async () => {
      const { OrgInvitation } = builtPackage();
      const read = OrgInvitation.get("handmade", id);
      return {
        handmade: pulumi.output({
          username: read.username,
          roles: read.roles,
          teamIds: read.teamIds,
          invitationId: read.invitationId,
          status: read.status,
          inviterUsername: read.inviterUsername,
          orgName: read.orgName,
          expiresAt: read.expiresAt,
        }),
      };
    });
    const mark = e2e.view.mark();

    const up = await stack.up();

    expect(up.result.summary.resourceChanges).toEqual({ create: 1 }); // the stack; a read is not a change
    expect(up.steps.map((st) => `${st.name}: ${st.op}`)).toEqual(["handmade: read"]);
    expect((await stack.outputs())["handmade"]).toEqual({
      username: "handmade@example.com",
      roles: ["ORG_MEMBER", "ORG_READ_ONLY"],
      teamIds: [],
      invitationId: handmade.id,
      status: "PENDING",
      inviterUsername: handmade.inviterUsername,
      orgName: e2e.emulator.org.name,
      expiresAt: handmade.expiresAt,
    });
    const resource = (await stack.invitations()).get("handmade");
    expect(resource).toMatchObject({ id, external: true });
    // One read of the organization's pending list (it serves every resource of the deployment); nothing written.
    expect(e2e.view.callsSince(mark).map((r) => `${r.method} ${r.path} ${r.status}`)).toEqual([`GET ${e2e.view.invitesPath()} 200`]);

    await stack.destroy();
    expect(e2e.view.writesSince(mark)).toEqual([]);
    expect(e2e.view.pendingFor("handmade@example.com").id).toBe(handmade.id);
  });

  test("9b. get with an id in the wrong format fails with the expected format", async () => {
    const stack = await e2e.inlineStack(async () => {
      const { OrgInvitation } = builtPackage();
      OrgInvitation.get("wrong", "not-an-invitation-id");
      return {};
    });
    const mark = e2e.view.mark();
    const failure = await failureOf(stack.up());
    expect(failure.message).toContain("INVALID_RESOURCE_ID");
    expect(failure.message).toContain("{orgId}/{invitationId}");
    expect(e2e.view.requestsSince(mark)).toEqual([]);
  });
});

describe("the state file", () => {
  // The engine's marker of a secret value in state (sdk/go/common/resource/sig.go).
  const SECRET_SIG = "4dabf18193072939515e22adb298388d";

  /** The checkpoint as it rests in the file backend. */
  function stateFileOnDisk(stack: TestStack): string {
    const dir = join(e2e.backendDir, ".pulumi", "stacks");
    for (const project of readdirSync(dir)) {
      const file = join(dir, project, `${stack.name}.json`);
      try {
        return readFileSync(file, "utf8");
      } catch {
        // another project's folder
      }
    }
    throw new Error(`no state file for stack ${stack.name} under ${dir}`);
  }

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

  function expectNoTokens(text: string) {
    // Access tokens are JWTs ("eyJ…" header and payload); no Digest or Bearer header either.
    expect(text).not.toMatch(/eyJ[A-Za-z0-9_-]{8,}\.eyJ/);
    expect(text).not.toMatch(/Digest username=|Bearer /);
  }

  async function checkState(stack: TestStack, secrets: string[], notInProvider: string[]) {
    // At rest, in the backend: no secret, not even in the engine's own records.
    const onDisk = stateFileOnDisk(stack);
    expect(onDisk).toMatch(/"type":\s*"pulumi-nodejs:dynamic\/cloudmanager:OrgInvitation"/);
    for (const secret of secrets) expect(onDisk).not.toContain(secret);
    expectNoTokens(onDisk);

    // `stack.exportStack()` runs `pulumi stack export --show-secrets`, which decrypts secret values.
    // The only secrets are the engine's copy of the stack config, kept as the inputs of the default
    // dynamic provider (pulumi:providers:pulumi-nodejs, which hands it to `configure`); outside those
    // encrypted envelopes no credential appears, and none in any OrgInvitation.
    const exported = await stack.stack.exportStack();
    const envelopes: string[] = [];
    const rest = JSON.stringify(withoutSecretEnvelopes(exported.deployment, "deployment", envelopes));
    for (const secret of secrets) expect(rest).not.toContain(secret);
    expectNoTokens(JSON.stringify(exported));
    for (const path of envelopes)
      expect(path).toMatch(/^deployment\.resources\[\d+\]\.(inputs|outputs)\.cloudmanager:(privateKey|clientSecret)$/);
    const resources = await stack.resources();
    for (const path of envelopes) {
      const index = Number(/resources\[(\d+)\]/.exec(path)?.[1]);
      expect(resources[index]?.type).toBe("pulumi:providers:pulumi-nodejs");
    }

    const invitations = [...(await stack.invitations()).values()];
    expect(invitations.length).toBeGreaterThan(0);
    for (const r of invitations) {
      const text = JSON.stringify(r);
      for (const secret of secrets) expect(text).not.toContain(secret);
      // Where the program declared it (not the class's constructor), and the classes' pause of the
      // SDK's per-promise debug stacks leaves that record alone.
      expect(r.sourcePosition).toMatch(/^project:\/\/\/.+#\d+,\d+$/);
      expect(r.sourcePosition).not.toContain("provider/resources/");
      expect(r.stackTrace?.filter((frame) => frame.sourcePosition !== undefined).length).toBeGreaterThan(1);
      for (const bag of [r.inputs, r.outputs]) {
        const stored = bag?.["__provider"];
        expect(typeof stored).toBe("string");
        const provider = stored as string;
        expect(Buffer.byteLength(provider, "utf8")).toBeLessThanOrEqual(2000);
        // No credential, endpoint or other stack config captured into the code.
        for (const value of notInProvider) expect(provider).not.toContain(value);
        expect(provider).toContain('require("pulumi-cloudmanager/provider/runtime")');
      }
    }
    // Stack config keeps the secret encrypted.
    const configFile = readFileSync(join(stack.workDir, `Pulumi.${stack.name}.yaml`), "utf8");
    for (const secret of secrets) expect(configFile).not.toContain(secret);
    expect(configFile).toMatch(/secure: /);
  }

  test("10. no private key, client secret or token in the state; each __provider is at most 2,000 bytes", async () => {
    const { credentials, serviceAccount, baseUrl } = e2e.emulator;
    if (!serviceAccount) throw new Error("the emulator has no service account");
    const secrets = [credentials.privateKey, serviceAccount.clientSecret];

    for (const kind of ["apiKey", "serviceAccount"] as const) {
      const people = new PeopleList(numberedPeople(3).map((p) => ({ ...p, username: `${kind}.${p.username}` })));
      const stack = await e2e.inlineStack(invitationsProgram(e2e.orgId, people), { credentials: kind });
      const up = await stack.up();
      // Update a role and refresh too: every way a __provider gets (re)written.
      people.set("p01", { roles: ["ORG_BILLING_ADMIN"] });
      const update = await stack.up();
      const refresh = await stack.refresh();
      expect(Object.values(invitationOutputs(await stack.outputs())).map((o) => o.status)).toEqual(["PENDING", "PENDING", "PENDING"]);

      await checkState(stack, secrets, [credentials.publicKey, serviceAccount.clientId, baseUrl]);
      for (const op of [up, update, refresh]) for (const secret of secrets) expect(op.output).not.toContain(secret);

      const destroy = await stack.destroy();
      for (const secret of secrets) expect(destroy.output).not.toContain(secret);
      for (const secret of secrets) expect(stateFileOnDisk(stack)).not.toContain(secret);
    }
    expect(e2e.view.pending()).toEqual([]);
  });
});

describe("bad input", () => {
  test("11. preview fails listing each bad property, and the emulator logged zero API calls", async () => {
    const people = new PeopleList([
      { name: "ok", username: "fine@example.com", roles: ["ORG_MEMBER"] },
      { name: "bad", orgId: "12345", username: "not-an-email", roles: ["ORG_MEMBER", "ORG_MEMBER", "org_owner"], teamIds: ["zz"] },
    ]);
    const stack = await e2e.inlineStack(invitationsProgram(e2e.orgId, people));
    const mark = e2e.view.mark();

    const failure = await failureOf(stack.preview());

    // One error per bad property, each naming its property and the resource.
    const errors = errorDiagnostics(failure).filter((m) => m.includes("resource 'bad'"));
    const byProperty = (property: string) => errors.filter((m) => m.includes(`property ${property} `));
    expect(byProperty("orgId").join("\n")).toContain('"12345" is not an organization id');
    expect(byProperty("username").join("\n")).toContain('"not-an-email" is not an email address');
    const roles = byProperty("roles").join("\n");
    expect(roles).toContain('roles[1]: "ORG_MEMBER" is listed more than once');
    expect(roles).toContain('roles[2]: "org_owner" is not an organization role (did you mean "ORG_OWNER"?)');
    expect(byProperty("teamIds").join("\n")).toContain('teamIds[0]: "zz" is not a team id');
    expect(failure.diagnostics.some((d) => d.urn?.endsWith(`${INVITATION_TYPE}::bad`))).toBe(true);

    // An empty role list is refused too.
    people.people = [{ name: "empty", username: "empty.roles@example.com", roles: [] }];
    const empty = await failureOf(stack.preview());
    expect(errorDiagnostics(empty).join("\n")).toMatch(/property roles .*roles must be a non-empty list/);

    expect(e2e.view.requestsSince(mark)).toEqual([]);

    // `up` refuses the bad invitation the same way. (The engine works on resources concurrently, so
    // a valid one alongside may already have been sent: that is the engine's choice, not a leak.)
    people.people = [
      { name: "ok", username: "fine@example.com", roles: ["ORG_MEMBER"] },
      { name: "bad", username: "not-an-email", roles: ["ORG_MEMBER"] },
    ];
    const up = await failureOf(stack.up());
    expect(errorDiagnostics(up).join("\n")).toContain('"not-an-email" is not an email address');
    expect(e2e.emulator.state.invitations(e2e.orgId).filter((i) => i.username === "not-an-email")).toEqual([]);
    expect(e2e.view.describeWritesSince(mark).filter((w) => w.startsWith("POST"))).toHaveLength(
      e2e.view.pendingByUser().has("fine@example.com") ? 1 : 0,
    );
    await stack.destroy();
    expect(e2e.view.pending()).toEqual([]);
  });

  test("11b. values unknown at preview pass check, and are validated once known", async () => {
    const stack = await e2e.inlineStack(async () => {
      const { OrgInvitation } = builtPackage();
      const first = new OrgInvitation("first", { orgId: e2e.orgId, username: "first@example.com", roles: ["ORG_MEMBER"] });
      // Unknown until `first` exists: the username and the roles.
      const second = new OrgInvitation("second", {
        orgId: e2e.orgId,
        username: first.invitationId.apply((id) => `second+${id ?? "none"}@example.com`),
        roles: first.roles,
      });
      return { second: second.username };
    });
    const mark = e2e.view.mark();
    const preview = await stack.preview();
    expect(preview.result.changeSummary).toEqual({ create: 3 });
    expect(e2e.view.requestsSince(mark)).toEqual([]);

    await stack.up();
    const firstId = e2e.view.pendingFor("first@example.com").id;
    expect((await stack.outputs())["second"]).toBe(`second+${firstId}@example.com`);
    expect(e2e.view.pendingFor(`second+${firstId}@example.com`).roles).toEqual(["ORG_MEMBER"]);
    await stack.destroy();
    expect(e2e.view.pending()).toEqual([]);
  });
});
