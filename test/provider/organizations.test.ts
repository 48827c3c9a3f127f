// Several organizations in one program, each with its own credentials (issue 18): `cloudmanager:organizations`
// and CLOUDMANAGER_ORG_<ORGID>_* pick each resource's key by its orgId; partial entries fail at check.
import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { organizationProblem, orgEnvVar, readConfig, resolveConnection, type ConfigSnapshot } from "../../provider/runtime/credentials";
import { checkAndCreate, clearCredentialEnv, configFrom, runtime, startHarness, stateOf, type Harness } from "./support/harness";

const A = "5f1b2c3d4e5f6a7b8c9d0e1f";
const B = "6a7b8c9d0e1f5f1b2c3d4e5f";

describe("Organizations_Resolution", () => {
  const config = (organizations: object, defaults: ConfigSnapshot = {}): ConfigSnapshot => ({
    ...defaults,
    ...readConfig(configFrom({ "cloudmanager:organizations": JSON.stringify(organizations) })),
  });

  it("an organization with an entry uses its own key; the others use the default credentials", () => {
    const c = config({ [B]: { publicKey: "pub-b", privateKey: "priv-b" } }, { publicKey: "pub", privateKey: "priv" });
    expect(resolveConnection(c, {}, B).auth).toEqual({ kind: "apiKey", publicKey: "pub-b", privateKey: "priv-b" });
    expect(resolveConnection(c, {}, A).auth).toEqual({ kind: "apiKey", publicKey: "pub", privateKey: "priv" });
    expect(resolveConnection(c, {}, B).credentialSource).toBe(
      `cloudmanager:organizations["${B}"].publicKey and cloudmanager:organizations["${B}"].privateKey`,
    );
  });

  it("reads CLOUDMANAGER_ORG_<ORGID>_* variables, below the organization's config entry field by field, and a service account too", () => {
    expect(orgEnvVar(B, "privateKey")).toBe(`CLOUDMANAGER_ORG_${B.toUpperCase()}_PRIVATE_KEY`);
    const env = { [orgEnvVar(B, "publicKey")]: "pub-env", [orgEnvVar(B, "privateKey")]: "priv-env" };
    expect(resolveConnection({}, env, B).auth).toEqual({ kind: "apiKey", publicKey: "pub-env", privateKey: "priv-env" });
    expect(resolveConnection(config({ [B]: { publicKey: "pub-config" } }), env, B).auth).toMatchObject({ publicKey: "pub-config" });
    const account = { [orgEnvVar(A, "clientId")]: "mdb_sa_id_a", [orgEnvVar(A, "clientSecret")]: "mdb_sa_sk_a" };
    expect(resolveConnection({}, account, A).auth).toEqual({
      kind: "serviceAccount",
      clientId: "mdb_sa_id_a",
      clientSecret: "mdb_sa_sk_a",
    });
  });

  it("never pairs an organization's key with the default secret: a partial entry fails naming the organization and the keys to set", () => {
    const c = config({ [B]: { publicKey: "pub-b" } }, { publicKey: "pub", privateKey: "priv" });
    expect(() => resolveConnection(c, {}, B)).toThrow(
      new RegExp(
        `^CLOUDMANAGER_CREDENTIALS_MISSING: organization ${B} .*privateKey missing.*--secret --path 'cloudmanager:organizations\\["${B}"\\]\\.privateKey'`,
      ),
    );
    expect(organizationProblem(c, {}, B)).toMatch(/^CLOUDMANAGER_CREDENTIALS_MISSING: organization/);
    expect(organizationProblem(c, {}, A)).toBeUndefined();
  });

  it("endpoint settings fall back to the default ones; a malformed map is one clear problem", () => {
    const c = config({ [B]: { publicKey: "p", privateKey: "s" } }, { baseUrl: "https://ops.example.com:8443" });
    expect(resolveConnection(c, {}, B).baseUrl).toBe("https://ops.example.com:8443/api/public/v1.0");
    expect(readConfig(configFrom({ "cloudmanager:organizations": "[1]" })).organizationsProblem).toMatch(/must be an object/);
    expect(readConfig(configFrom({ "cloudmanager:organizations": "{" })).organizationsProblem).toMatch(/not a JSON object/);
    expect(readConfig(configFrom({ "cloudmanager:organizations": `{"prod":{}}` })).organizationsProblem).toMatch(
      /"prod" is not an organization id/,
    );
    expect(readConfig(configFrom({ "cloudmanager:organizations": `{"${A}":{"privatekey":"x"}}` })).organizationsProblem).toMatch(
      /privatekey is not a setting/,
    );
  });
});

describe("Organizations_AgainstTheEmulator", () => {
  let h: Harness;
  beforeAll(async () => {
    h = await startHarness();
  });
  afterAll(async () => h.close());
  beforeEach(async () => h.reset());

  async function twoOrganizations() {
    const other = h.emulator.state.createOrg({ name: "Org B" });
    const keyA = h.emulator.state.addApiKey({ orgRoles: [{ orgId: h.orgId, roles: ["ORG_OWNER"] }] });
    const keyB = h.emulator.state.addApiKey({ orgRoles: [{ orgId: other.id, roles: ["ORG_OWNER"] }] });
    const organizations = JSON.stringify({
      [h.orgId]: { publicKey: keyA.publicKey, privateKey: keyA.privateKey },
      [other.id]: { publicKey: keyB.publicKey, privateKey: keyB.privateKey },
    });
    const configure = () =>
      runtime.configure({
        config: configFrom({ "cloudmanager:baseUrl": h.emulator.baseUrl, "cloudmanager:organizations": organizations }),
      });
    await configure();
    return { other, keyA, keyB, configure };
  }

  it("each resource's requests are signed by its own organization's key, and none by the other's", async () => {
    const { other, keyA, keyB } = await twoOrganizations();
    h.emulator.state.clearRequests();
    const a = await checkAndCreate({ orgId: h.orgId, username: "same@example.com", roles: ["ORG_MEMBER"] });
    const b = await checkAndCreate({ orgId: other.id, username: "same@example.com", roles: ["ORG_MEMBER"] });
    expect(a.outs.inviterUsername).toBe(keyA.publicKey);
    expect(b.outs.inviterUsername).toBe(keyB.publicKey);
    const signedOn = (orgId: string) =>
      h
        .requests()
        .filter((r) => r.path.includes(`/orgs/${orgId}/`) && r.auth.type === "digest")
        .map((r) => (r.auth.type === "digest" ? r.auth.username : ""));
    expect(new Set(signedOn(h.orgId))).toEqual(new Set([keyA.publicKey]));
    expect(new Set(signedOn(other.id))).toEqual(new Set([keyB.publicKey]));
  });

  it("organization B's key revoked: its resources fail naming organization B and the setting; A's still work", async () => {
    const { other, keyB, configure } = await twoOrganizations();
    const b = await checkAndCreate({ orgId: other.id, username: "b@example.com", roles: ["ORG_MEMBER"] });
    const a = await checkAndCreate({ orgId: h.orgId, username: "a@example.com", roles: ["ORG_MEMBER"] });
    h.emulator.state.removeApiKey(keyB.publicKey);
    // The next deployment (a refresh): a new provider process reads the lists again.
    await runtime.shutdown();
    await configure();
    const failed = await runtime.read(b.id, stateOf(b.outs)).catch((e: unknown) => e);
    expect(String(failed)).toMatch(/HTTP 401/);
    expect(String(failed)).toContain(
      `Organization ${other.id} uses the credentials of cloudmanager:organizations["${other.id}"].publicKey`,
    );
    expect(String(failed)).not.toContain(keyB.privateKey);
    expect((await runtime.read(a.id, stateOf(a.outs))).props).toMatchObject({ status: "PENDING" });
  });

  it("a network failure names the organization and the base URL it was reached at (its own entry's)", async () => {
    const other = h.emulator.state.createOrg({ name: "Org B" });
    const closed = "http://127.0.0.1:9/api/public/v1.0";
    // Retries of the refused connection without waiting (setClock starts a new deployment: configure after it).
    await runtime.setClock({ now: () => Date.now(), sleep: () => Promise.resolve() });
    await runtime.configure({
      config: configFrom({
        "cloudmanager:baseUrl": h.emulator.baseUrl,
        "cloudmanager:publicKey": h.emulator.credentials.publicKey,
        "cloudmanager:privateKey": h.emulator.credentials.privateKey,
        "cloudmanager:organizations": JSON.stringify({ [other.id]: { publicKey: "p", privateKey: "s", baseUrl: closed } }),
      }),
    });
    const failed = await runtime
      .create({ orgId: other.id, username: "n@example.com", roles: ["ORG_MEMBER"], teamIds: [] })
      .catch((e: unknown) => String(e));
    expect(failed).toMatch(/\[CLOUD_MANAGER_NETWORK_ERROR\]/);
    expect(failed).toContain(`Organization ${other.id} is reached at ${closed}.`);
    expect(failed).not.toContain("MCLI_OPS_MANAGER_URL");
    await runtime.setClock(undefined);
  });

  it("check reports a partial entry on orgId at preview, with no API call", async () => {
    await runtime.configure({
      config: configFrom({
        "cloudmanager:baseUrl": h.emulator.baseUrl,
        "cloudmanager:organizations": JSON.stringify({ [h.orgId]: { publicKey: "only-the-public-part" } }),
      }),
    });
    clearCredentialEnv();
    h.emulator.state.clearRequests();
    const result = await runtime.check({}, { orgId: h.orgId, username: "x@example.com", roles: ["ORG_MEMBER"] });
    expect(result.failures).toEqual([
      { property: "orgId", reason: expect.stringMatching(/^CLOUDMANAGER_CREDENTIALS_MISSING: organization/) as unknown },
    ]);
    expect(h.requests()).toEqual([]);
  });
});
