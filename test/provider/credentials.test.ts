// Credentials and endpoint: resolved at call time from stack config (configure) over environment.
import { mkdtempSync, renameSync, utimesSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { resolveConnection, type ConfigSnapshot } from "../../provider/runtime/credentials";
import { checkAndCreate, clearCredentialEnv, runtime, startHarness, stateOf, type Harness } from "./support/harness";

const PEM = "-----BEGIN CERTIFICATE-----\nMIIBszCCAVmgAwIBAgIUW\n-----END CERTIFICATE-----\n";

describe("Credentials_Resolution", () => {
  const resolve = (config: ConfigSnapshot, env: Record<string, string> = {}) => resolveConnection(config, env);

  it("uses an API key from stack config, with the Cloud Manager URL by default", () => {
    expect(resolve({ publicKey: "pub", privateKey: "priv" })).toEqual({
      baseUrl: "https://cloud.mongodb.com/api/public/v1.0",
      auth: { kind: "apiKey", publicKey: "pub", privateKey: "priv" },
      credentialSource: "cloudmanager:publicKey and cloudmanager:privateKey",
    });
  });

  it("falls back to mongocli's environment variables, field by field", () => {
    expect(resolve({ publicKey: "pub-config" }, { MCLI_PUBLIC_API_KEY: "pub-env", MCLI_PRIVATE_API_KEY: "priv-env" }).auth).toEqual({
      kind: "apiKey",
      publicKey: "pub-config",
      privateKey: "priv-env",
    });
    expect(resolve({}, { CLOUDMANAGER_CLIENT_ID: "id", CLOUDMANAGER_CLIENT_SECRET: "mdb_sa_sk_x" }).auth).toEqual({
      kind: "serviceAccount",
      clientId: "id",
      clientSecret: "mdb_sa_sk_x",
    });
  });

  it("prefers the API key when both are complete at the same level", () => {
    const both = { publicKey: "pub", privateKey: "priv", clientId: "id", clientSecret: "sec" };
    expect(resolve(both).auth.kind).toBe("apiKey");
    expect(
      resolve({}, { MCLI_PUBLIC_API_KEY: "p", MCLI_PRIVATE_API_KEY: "q", CLOUDMANAGER_CLIENT_ID: "i", CLOUDMANAGER_CLIENT_SECRET: "s" })
        .auth.kind,
    ).toBe("apiKey");
  });

  it("prefers what the stack config sets over a complete pair in the environment", () => {
    const env = { MCLI_PUBLIC_API_KEY: "p", MCLI_PRIVATE_API_KEY: "q" };
    expect(resolve({ clientId: "id", clientSecret: "sec" }, env).auth).toEqual({
      kind: "serviceAccount",
      clientId: "id",
      clientSecret: "sec",
    });
  });

  it.each([
    [{}, {}, "none are set"],
    [{ publicKey: "pub" }, {}, "only cloudmanager:publicKey is set"],
    [{}, { MCLI_PRIVATE_API_KEY: "very-secret-private" }, "only MCLI_PRIVATE_API_KEY is set"],
    [{ clientSecret: "mdb_sa_sk_secret" }, { MCLI_PUBLIC_API_KEY: "pub" }, "only MCLI_PUBLIC_API_KEY, cloudmanager:clientSecret are set"],
  ])("fails with one message naming both ways when credentials are missing or half-set (%j, %j)", (config, env, state) => {
    let message = "";
    try {
      resolve(config, env);
    } catch (e) {
      message = e instanceof Error ? e.message : String(e);
    }
    expect(message).toContain(`CLOUDMANAGER_CREDENTIALS_MISSING: no complete Cloud Manager credentials (${state})`);
    for (const name of ["cloudmanager:publicKey", "cloudmanager:privateKey", "MCLI_PUBLIC_API_KEY", "MCLI_PRIVATE_API_KEY"])
      expect(message).toContain(name);
    for (const name of ["cloudmanager:clientId", "cloudmanager:clientSecret", "CLOUDMANAGER_CLIENT_ID", "CLOUDMANAGER_CLIENT_SECRET"])
      expect(message).toContain(name);
    expect(message).not.toMatch(/very-secret-private|mdb_sa_sk_secret/);
  });

  it.each([
    ["https://opsmanager.example.com:8443", "https://opsmanager.example.com:8443/api/public/v1.0"],
    ["https://opsmanager.example.com:8443/", "https://opsmanager.example.com:8443/api/public/v1.0"],
    ["https://cloud.mongodb.com/api/public/v1.0/", "https://cloud.mongodb.com/api/public/v1.0"],
    ["http://127.0.0.1:9000/api/public/v1.0", "http://127.0.0.1:9000/api/public/v1.0"],
  ])("takes the base URL %s as %s", (given, expected) => {
    expect(resolve({ publicKey: "p", privateKey: "q", baseUrl: given }).baseUrl).toBe(expected);
    expect(resolve({ publicKey: "p", privateKey: "q" }, { MCLI_OPS_MANAGER_URL: given }).baseUrl).toBe(expected);
  });

  it("rejects a base URL that is not one, naming the setting", () => {
    expect(() => resolve({ publicKey: "p", privateKey: "q" }, { MCLI_OPS_MANAGER_URL: "opsmanager:8443" })).toThrow(
      /CLOUDMANAGER_CONFIG_INVALID: MCLI_OPS_MANAGER_URL must be an http\(s\) URL/,
    );
    expect(() => resolve({ publicKey: "p", privateKey: "q", baseUrl: "not a url" })).toThrow(
      /CLOUDMANAGER_CONFIG_INVALID: cloudmanager:baseUrl is not a URL/,
    );
  });

  it("reads the CA certificate from the PEM file the setting names, config over environment", () => {
    const dir = mkdtempSync(join(tmpdir(), "cm-ca-"));
    const configCa = join(dir, "config-ca.pem");
    writeFileSync(configCa, PEM);
    const envCa = join(dir, "env-ca.pem");
    writeFileSync(envCa, PEM.replace("MII", "MIX"));
    const keys = { publicKey: "p", privateKey: "q" };
    expect(resolve({ ...keys, caCertificate: configCa }, { MCLI_OPS_MANAGER_CA_CERTIFICATE: envCa }).caCertificate).toBe(PEM);
    expect(resolve(keys, { MCLI_OPS_MANAGER_CA_CERTIFICATE: envCa }).caCertificate).toContain("MIX");
    expect(resolve(keys, { MCLI_OPS_MANAGER_CA_CERTIFICATE: PEM }).caCertificate).toBe(PEM.trim());
    expect(() => resolve({ ...keys, caCertificate: join(dir, "missing.pem") })).toThrow(
      /CLOUDMANAGER_CONFIG_INVALID: cannot read the CA certificate file ".*missing\.pem" named by cloudmanager:caCertificate \(ENOENT\)/,
    );
    const notPem = join(dir, "not.pem");
    writeFileSync(notPem, "hello");
    expect(() => resolve({ ...keys, caCertificate: notPem })).toThrow(/holds no PEM certificate/);
  });

  it("reads the CA file again only when it changed, so an edited or replaced file takes effect at the next call", () => {
    const dir = mkdtempSync(join(tmpdir(), "cm-ca-"));
    const file = join(dir, "ca.pem");
    const keys = { publicKey: "p", privateKey: "q" };
    const at = (seconds: number) => utimesSync(file, seconds, seconds);
    const second = PEM.replace("MII", "MIY"); // same length as PEM

    writeFileSync(file, PEM);
    at(1_700_000_000);
    expect(resolve({ ...keys, caCertificate: file }).caCertificate).toBe(PEM);
    // Same size and modification time: the cached text is used, the file is not read again.
    writeFileSync(file, second);
    at(1_700_000_000);
    expect(resolve({ ...keys, caCertificate: file }).caCertificate).toBe(PEM);
    // A new modification time: read again.
    at(1_700_000_100);
    expect(resolve({ ...keys, caCertificate: file }).caCertificate).toBe(second);
    // A file renamed over it (how tools replace certificates): a new inode, read again.
    const third = join(dir, "next.pem");
    writeFileSync(third, PEM.replace("MII", "MIZ"));
    utimesSync(third, 1_700_000_100, 1_700_000_100);
    renameSync(third, file);
    expect(resolve({ ...keys, caCertificate: file }).caCertificate).toContain("MIZ");
  });
});

describe("Credentials_AgainstTheEmulator", () => {
  let h: Harness;
  beforeAll(async () => {
    h = await startHarness();
  });
  beforeEach(() => h.reset());
  afterAll(async () => {
    clearCredentialEnv();
    await h.close();
  });

  it("works from environment variables alone", async () => {
    await h.configure({});
    process.env["MCLI_OPS_MANAGER_URL"] = h.emulator.origin;
    process.env["MCLI_PUBLIC_API_KEY"] = h.emulator.credentials.publicKey;
    process.env["MCLI_PRIVATE_API_KEY"] = h.emulator.credentials.privateKey;
    const { outs } = await checkAndCreate({ orgId: h.orgId, username: "env@example.com", roles: ["ORG_MEMBER"] });
    expect(outs.status).toBe("PENDING");
    const signed = h.requests().filter((r) => r.auth.type !== "none");
    expect(signed.length).toBeGreaterThan(0);
    expect(signed.every((r) => r.auth.type === "digest" && r.auth.username === h.emulator.credentials.publicKey)).toBe(true);
  });

  it("works with a service account from stack config", async () => {
    const sa = h.emulator.serviceAccount;
    if (!sa) throw new Error("the emulator seeds a service account");
    await h.configure({ baseUrl: h.emulator.baseUrl, clientId: sa.clientId, clientSecret: sa.clientSecret });
    const { id, outs } = await checkAndCreate({ orgId: h.orgId, username: "sa@example.com", roles: ["ORG_MEMBER"] });
    await runtime.delete(id, stateOf(outs));
    const api = h.requests().filter((r) => r.path.startsWith("/api/public/"));
    expect(api.length).toBeGreaterThan(0);
    expect(api.every((r) => r.auth.type === "bearer" && r.auth.clientId === sa.clientId)).toBe(true);
  });

  it("after key rotation, refresh and destroy use the key configured now, not the one used at create", async () => {
    const oldKey = h.emulator.state.addApiKey({ name: "old", orgRoles: [{ orgId: h.orgId, roles: ["ORG_OWNER"] }] });
    await h.configure({ baseUrl: h.emulator.baseUrl, publicKey: oldKey.publicKey, privateKey: oldKey.privateKey });
    const { id, outs } = await checkAndCreate({ orgId: h.orgId, username: "rotate@example.com", roles: ["ORG_MEMBER"] });

    const newKey = h.emulator.state.addApiKey({ name: "new", orgRoles: [{ orgId: h.orgId, roles: ["ORG_OWNER"] }] });
    h.emulator.state.removeApiKey(oldKey.publicKey);
    // The old key really is dead: the next command, still configured with it, fails without showing the secret.
    await h.newDeployment();
    const stale = await runtime.read(id, stateOf(outs)).catch((e: unknown) => e);
    expect(stale).toBeInstanceOf(Error);
    expect((stale as Error).message).toMatch(/HTTP 401/);
    expect((stale as Error).message).not.toContain(oldKey.privateKey);
    // ...and says how to get the rotated key used: the engine replays the config saved at the last update.
    expect((stale as Error).message).toContain("pulumi refresh --run-program");

    // A new provider process runs configure with the stack's current config.
    await runtime.shutdown();
    await h.configure({ baseUrl: h.emulator.baseUrl, publicKey: newKey.publicKey, privateKey: newKey.privateKey });
    h.emulator.state.clearRequests();
    expect(await runtime.read(id, stateOf(outs))).toEqual({ id, props: outs });
    await runtime.delete(id, stateOf(outs));
    expect(h.emulator.state.pendingInvitations(h.orgId)).toEqual([]);
    const signed = h.requests().filter((r) => r.auth.type === "digest");
    expect(signed.length).toBeGreaterThan(0);
    expect(signed.every((r) => r.auth.type === "digest" && r.auth.username === newKey.publicKey)).toBe(true);
  });

  it("picks up a key rotated in the environment at the next call, without a new configure", async () => {
    const first = h.emulator.state.addApiKey({ orgRoles: [{ orgId: h.orgId, roles: ["ORG_OWNER"] }] });
    await h.configure({ baseUrl: h.emulator.baseUrl });
    process.env["MCLI_PUBLIC_API_KEY"] = first.publicKey;
    process.env["MCLI_PRIVATE_API_KEY"] = first.privateKey;
    const { id, outs } = await checkAndCreate({ orgId: h.orgId, username: "envrotate@example.com", roles: ["ORG_MEMBER"] });
    const second = h.emulator.state.addApiKey({ orgRoles: [{ orgId: h.orgId, roles: ["ORG_OWNER"] }] });
    h.emulator.state.removeApiKey(first.publicKey);
    process.env["MCLI_PUBLIC_API_KEY"] = second.publicKey;
    process.env["MCLI_PRIVATE_API_KEY"] = second.privateKey;
    await runtime.delete(id, stateOf(outs));
    expect(h.emulator.state.pendingInvitations(h.orgId)).toEqual([]);
  });
});
