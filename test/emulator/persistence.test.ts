import { mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterEach, describe, expect, it } from "vitest";
import { startEmulator } from "../../emulator";
import { DigestTestClient, bearerToken, emulator } from "./helpers";

const dirs: string[] = [];
function tempDir(): string {
  const dir = mkdtempSync(join(tmpdir(), "cm-emulator-"));
  dirs.push(dir);
  return dir;
}
afterEach(() => {
  for (const dir of dirs.splice(0)) rmSync(dir, { recursive: true, force: true });
});

describe("persistence", () => {
  it("keeps orgs, invitations, members and keys across a restart; the file holds no secret", async () => {
    const dir = tempDir();
    const persistPath = join(dir, "state", "emulator.json");
    const creds = {
      publicKey: "persistkey",
      privateKey: "persist-private-9f8e7d",
      serviceAccount: { clientId: "mdb_sa_id_p", clientSecret: "mdb_sa_sk_persist-secret" },
    };
    const first = await emulator({ ...creds, persistPath, orgName: "Kept" });
    const c1 = new DigestTestClient(first);
    const inv = (await c1.call("POST", `/orgs/${first.org.id}/invites`, { username: "keep@example.com", roles: ["ORG_MEMBER"] })).json as {
      id: string;
    };
    const accepted = (await c1.call("POST", `/orgs/${first.org.id}/invites`, { username: "joined@example.com", roles: ["ORG_OWNER"] }))
      .json as { id: string };
    first.state.acceptInvitation(first.org.id, accepted.id);
    const extraKey = first.state.addApiKey({
      publicKey: "extrakey",
      privateKey: "extra-private-1a2b3c",
      orgRoles: [{ orgId: first.org.id, roles: ["ORG_READ_ONLY"] }],
    });
    const token = await bearerToken(first);
    await first.close();

    const text = readFileSync(persistPath, "utf8");
    for (const secret of [creds.privateKey, creds.serviceAccount.clientSecret, extraKey.privateKey, token])
      expect(text).not.toContain(secret);
    expect(readdirSync(join(dir, "state"))).toEqual(["emulator.json"]);

    // No --org-id on restart: the org seeded the first time is reused.
    const second = await emulator({ publicKey: creds.publicKey, privateKey: creds.privateKey, persistPath });
    expect(second.org).toEqual({ id: first.org.id, name: "Kept" });
    const c2 = new DigestTestClient(second);
    const got = await c2.call("GET", `/orgs/${second.org.id}/invites/${inv.id}`);
    expect(got.status).toBe(200);
    expect((got.json as { username: string }).username).toBe("keep@example.com");
    expect(((await c2.call("GET", "/users/byName/joined@example.com")).json as { username: string }).username).toBe("joined@example.com");
    // A key added at run time still authenticates after the restart (its HA1 was kept).
    expect((await new DigestTestClient(second, "extrakey", "extra-private-1a2b3c").call("GET", `/orgs/${second.org.id}`)).status).toBe(200);
  });

  it("removes the temp files a kill -9 in the middle of a rewrite left behind, and only those", async () => {
    const dir = tempDir();
    const persistPath = join(dir, "emulator.json");
    // <file>.<pid>.<8 hex>.tmp: pid 99999999 is above any pid_max, so its writer is surely gone.
    const leftovers = ["emulator.json.99999999.deadbeef.tmp", "emulator.json.99999998.0badf00d.tmp"];
    // Not ours to remove: another file's temp, a temp whose writer is alive (this very process), other files.
    const kept = ["other.json.99999999.deadbeef.tmp", `emulator.json.${process.pid}.cafebabe.tmp`, "emulator.json.bak", "notes.tmp"];
    for (const name of [...leftovers, ...kept]) writeFileSync(join(dir, name), "{");
    await emulator({ persistPath });
    expect(readdirSync(dir).sort()).toEqual(["emulator.json", ...kept].sort());
  });

  it("replaces the seeded key and service account on each restart instead of piling them up", async () => {
    const dir = tempDir();
    const persistPath = join(dir, "emulator.json");
    const first = await emulator({ persistPath });
    const added = first.state.addApiKey({
      publicKey: "addedkey",
      privateKey: "added-private",
      orgRoles: [{ orgId: first.org.id, roles: ["ORG_MEMBER"] }],
    });
    await first.close();

    const second = await emulator({ persistPath });
    expect(second.credentials.publicKey).not.toBe(first.credentials.publicKey);
    expect(second.serviceAccount?.clientId).not.toBe(first.serviceAccount?.clientId);
    // One seeded key (the new one) plus the key added at run time; one service account.
    expect(
      second.state
        .snapshot()
        .apiKeys.map((k) => k.id)
        .sort(),
    ).toEqual([added.publicKey, second.credentials.publicKey].sort());
    expect(second.state.snapshot().serviceAccounts.map((a) => a.id)).toEqual([second.serviceAccount?.clientId]);
    // The old seeded key is no longer an ORG_OWNER anyone can use; the new one and the added one work.
    expect(
      (await new DigestTestClient(second, first.credentials.publicKey, first.credentials.privateKey).call("GET", `/orgs/${second.org.id}`))
        .status,
    ).toBe(401);
    expect((await new DigestTestClient(second).call("GET", `/orgs/${second.org.id}`)).status).toBe(200);
    expect((await new DigestTestClient(second, "addedkey", "added-private").call("GET", `/orgs/${second.org.id}`)).status).toBe(200);
    await second.close();

    // Restarts with a fixed key keep exactly that one; without a service account, none is left.
    const third = await emulator({ persistPath, publicKey: "fixedkey", privateKey: "fixed-private", serviceAccount: false });
    await third.close();
    const fourth = await emulator({ persistPath, publicKey: "fixedkey", privateKey: "fixed-private", serviceAccount: false });
    expect(
      fourth.state
        .snapshot()
        .apiKeys.map((k) => k.id)
        .sort(),
    ).toEqual(["addedkey", "fixedkey"]);
    expect(fourth.state.snapshot().serviceAccounts).toEqual([]);
  });

  it("refuses a file that is not a state file, naming it", async () => {
    const dir = tempDir();
    const persistPath = join(dir, "bad.json");
    writeFileSync(persistPath, "{ nope");
    await expect(startEmulator({ persistPath })).rejects.toThrow(/bad\.json/);
    writeFileSync(persistPath, JSON.stringify({ version: 2 }));
    await expect(startEmulator({ persistPath })).rejects.toThrow(/not a version 1 state file/);
  });

  it("validates orgId", async () => {
    await expect(startEmulator({ orgId: "XYZ" })).rejects.toThrow(/24 lowercase hexadecimal/);
  });
});
