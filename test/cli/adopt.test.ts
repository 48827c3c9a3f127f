// `pulumi-cloudmanager adopt` against the embedded emulator over sockets: what it writes (read back by
// the example's own parser), who it leaves out and the `ignore` commands it prints, its notes on what
// people.yaml cannot declare, its determinism, its progress lines, and its failures (wrong key, a key
// without the role, no credentials, bad arguments) — which name the key and the role, never a secret,
// and leave no file behind.

import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, afterEach, beforeAll, describe, expect, it } from "vitest";
import { startEmulator, type ProjectRecord, type RunningEmulator, type Team } from "../../emulator";
import { parseAccessList } from "../../examples/people/access-list";
import { adopt, keyEnv, runCli } from "./adopt-support";

let emulator: RunningEmulator;
let temp: string;
let dba: Team;
let lonely: Team;
let prod: ProjectRecord;
let staging: ProjectRecord;
const LOOKALIKE = "\u0430lice@example.com"; // a Cyrillic "а": refused by the provider's check, so never written
const LONG_LOCAL = `${"x".repeat(70)}@example.com`;

beforeAll(async () => {
  emulator = await startEmulator({ orgName: "Acme" });
  temp = mkdtempSync(join(tmpdir(), "adopt-test-"));
  const s = emulator.state;
  const org = emulator.org.id;
  // Seeded in an order unlike the file's, to show that the file is sorted.
  prod = s.createProject(org, { name: "prod" });
  staging = s.createProject(org, { name: "staging\nnext line" });
  lonely = s.createTeam(org, { name: "lonely" });
  dba = s.createTeam(org, { name: "DBA: core" });
  s.setProjectTeamRoles(prod.id, dba.id, ["GROUP_READ_ONLY", "GROUP_DATA_ACCESS_ADMIN"]);
  s.setProjectTeamRoles(staging.id, lonely.id, ["GROUP_READ_ONLY"]);
  const zed = s.addOrgUser(org, { username: "zed@example.com", roles: ["ORG_MEMBER", "ORG_GROUP_CREATOR"], teamIds: [dba.id] });
  const alice = s.addOrgUser(org, { username: "Alice@Example.com", roles: ["ORG_OWNER"] });
  s.addOrgUser(org, { username: "root@break-glass.example.com", roles: ["ORG_OWNER"] });
  s.addOrgUser(org, { username: LOOKALIKE, roles: ["ORG_MEMBER"] });
  s.addOrgUser(org, { username: LONG_LOCAL, roles: ["ORG_READ_ONLY"] });
  s.setProjectUserRoles(prod.id, alice.id, ["GROUP_OWNER"]);
  s.setProjectUserRoles(staging.id, zed.id, ["GROUP_READ_ONLY", "GROUP_AUTOMATION_ADMIN"]);
  s.inviteAs(org, { username: "bob@example.com", roles: ["ORG_MEMBER"], teamIds: [dba.id] }, "admin@example.com");
  s.inviteToProjectAs(prod.id, { username: "carol@example.com", roles: ["GROUP_READ_ONLY"] }, "admin@example.com");
});

afterAll(async () => {
  await emulator.close();
  rmSync(temp, { recursive: true, force: true });
});

afterEach(() => emulator.state.clearRequests());

describe("adopt writes the example's people.yaml", () => {
  it("teams with their project roles, members and invitees with roles, team names and own project roles; sorted; only GET requests", async () => {
    const run = await adopt(emulator, ["--ignore", "*@break-glass.example.com"]);
    expect(run.stderr).not.toContain("unexpected");
    expect(run.code).toBe(0);
    const list = parseAccessList(run.stdout, "adopted");
    expect(list.teams).toEqual([{ name: "DBA: core", projects: { [prod.id]: ["GROUP_DATA_ACCESS_ADMIN", "GROUP_READ_ONLY"] } }]);
    expect(list.people).toEqual([
      { email: "Alice@Example.com", roles: ["ORG_OWNER"], projects: { [prod.id]: ["GROUP_OWNER"] } },
      { email: "bob@example.com", roles: ["ORG_MEMBER"], teams: ["DBA: core"] },
      {
        email: "zed@example.com",
        roles: ["ORG_GROUP_CREATOR", "ORG_MEMBER"],
        teams: ["DBA: core"],
        projects: { [staging.id]: ["GROUP_AUTOMATION_ADMIN", "GROUP_READ_ONLY"] },
      },
    ]);
    // The header names the organization and the day; each project id its project's name, on one line.
    expect(run.stdout).toMatch(/^# Adopted from organization "Acme" \([0-9a-f]{24}\) on 2026-12-07 by `pulumi-cloudmanager adopt`:\n/);
    expect(run.stdout).toContain(`${prod.id}: [GROUP_OWNER] # prod\n`);
    expect(run.stdout).toContain(`${staging.id}: [GROUP_AUTOMATION_ADMIN, GROUP_READ_ONLY] # staging next line\n`);
    expect(emulator.state.requests().filter((r) => r.method !== "GET")).toEqual([]);
  });

  it("leaves out who the provider would refuse and the --ignore patterns, printing ready-to-run `ignore` commands", async () => {
    const run = await adopt(emulator, ["--ignore", "*@break-glass.example.com", "--ignore-start", "2"]);
    expect(run.code).toBe(0);
    expect(run.stdout).not.toContain("break-glass");
    expect(run.stdout).not.toContain(LOOKALIKE);
    expect(run.stdout).not.toContain(LONG_LOCAL);
    const commands = run.stderr.split("\n").filter((line) => line.trimStart().startsWith("pulumi config set"));
    expect(commands.map((c) => c.trim().replace(/ +#.*$/, ""))).toEqual([
      "pulumi config set --path 'ignore[2]' '*@break-glass.example.com'",
      `pulumi config set --path 'ignore[3]' '${LONG_LOCAL}'`,
      `pulumi config set --path 'ignore[4]' '${LOOKALIKE}'`,
    ]);
    expect(commands[0]).toContain("matches root@break-glass.example.com");
    expect(commands[2]).toContain("mixes scripts");
  });

  it("says on stderr what people.yaml cannot declare: a team nobody listed is on, pending project invitations", async () => {
    const run = await adopt(emulator);
    expect(run.code).toBe(0);
    const notes = run.stderr.split("\n").filter((line) => line.startsWith("adopt: note: "));
    expect(notes).toHaveLength(2);
    expect(notes[0]).toContain(`team "lonely" (${lonely.id}) has nobody people.yaml lists`);
    expect(notes[0]).toContain(`It has roles in "staging next line" (${staging.id}): the gate reports it there`);
    expect(notes[1]).toContain(`project "prod" (${prod.id}) has 1 pending project invitation(s) (carol@example.com)`);
    expect(notes[1]).toContain("the gate reports them");
    // Without --ignore, the break-glass owner is just another person.
    expect(parseAccessList(run.stdout).people.map((p) => p.email)).toContain("root@break-glass.example.com");
  });

  it("is stable: the same organization gives the same bytes", async () => {
    const first = await adopt(emulator);
    const second = await adopt(emulator);
    expect(first.code).toBe(0);
    expect(second.stdout).toBe(first.stdout);
  });

  it("--out writes the file whole; progress lines only when asked for or on a terminal", async () => {
    const out = join(temp, "people.yaml");
    const quiet = await adopt(emulator, ["--out", out]);
    expect(quiet.code).toBe(0);
    expect(quiet.stdout).toBe("");
    expect(parseAccessList(readFileSync(out, "utf8")).people).toHaveLength(4);
    expect(quiet.stderr).not.toMatch(/^adopt: members/m);
    const loud = await adopt(emulator, ["--out", out, "--progress"]);
    expect(loud.stderr).toMatch(/^adopt: members 5\/5$/m);
    expect(loud.stderr).toMatch(/^adopt: projects 2\/2$/m);
    const tty = await runCli(["adopt", "--org", emulator.org.id, "--out", out], keyEnv(emulator), true);
    expect(tty.stderr).toMatch(/^adopt: members 5\/5$/m);
    const off = await runCli(["adopt", "--org", emulator.org.id, "--out", out, "--no-progress"], keyEnv(emulator), true);
    expect(off.stderr).not.toMatch(/^adopt: members/m);
  });
});

describe("adopt's failures", () => {
  it("a wrong private key: names the key and where it came from, never the secret; exit 1 and the old file untouched", async () => {
    const out = join(temp, "kept.yaml");
    writeFileSync(out, "people: []\n");
    const wrong = "wrong-private-key-never-shown";
    const run = await adopt(emulator, ["--out", out], { ...keyEnv(emulator), MCLI_PRIVATE_API_KEY: wrong });
    expect(run.code).toBe(1);
    expect(run.stderr).toContain("the credentials from MCLI_PUBLIC_API_KEY and MCLI_PRIVATE_API_KEY were refused (401 USER_UNAUTHORIZED");
    expect(run.stderr).toContain(emulator.credentials.publicKey);
    expect(run.stderr).toContain(`Nothing was written to ${out}.`);
    expect(run.stderr).not.toContain(wrong);
    expect(readFileSync(out, "utf8")).toBe("people: []\n");
  });

  it("a key without a role in the organization: names the roles adopt needs, with Cloud Manager's errorCode and detail; no file", async () => {
    const other = emulator.state.createOrg({ name: "Other" });
    const key = emulator.state.addApiKey({ orgRoles: [{ orgId: other.id, roles: ["ORG_OWNER"] }] });
    const out = join(temp, "never.yaml");
    const run = await adopt(emulator, ["--out", out], keyEnv(emulator, key));
    expect(run.code).toBe(1);
    expect(run.stderr).toContain(
      `may not read organization ${emulator.org.id} (401 USER_UNAUTHORIZED on GET /api/public/v1.0/orgs/${emulator.org.id}`,
    );
    expect(run.stderr).toContain("adopt needs Organization Read Only (ORG_READ_ONLY) or Organization Owner (ORG_OWNER)");
    expect(run.stderr).toContain("Cloud Manager says:");
    expect(run.stderr).not.toContain(key.privateKey);
    expect(existsSync(out)).toBe(false);
  });

  it("a read-only key is enough: the same file as the owner's", async () => {
    const key = emulator.state.addApiKey({ orgRoles: [{ orgId: emulator.org.id, roles: ["ORG_READ_ONLY"] }] });
    const owner = await adopt(emulator);
    const readOnly = await adopt(emulator, [], keyEnv(emulator, key));
    expect(readOnly.code).toBe(0);
    expect(readOnly.stdout).toBe(owner.stdout);
  });

  it("a service account works like a key; a wrong secret names the account, never the secret", async () => {
    const account = emulator.serviceAccount;
    if (account === undefined) throw new Error("the emulator has no service account");
    const env = { MCLI_OPS_MANAGER_URL: emulator.baseUrl, SOURCE_DATE_EPOCH: keyEnv(emulator)["SOURCE_DATE_EPOCH"] };
    const good = await adopt(emulator, [], {
      ...env,
      CLOUDMANAGER_CLIENT_ID: account.clientId,
      CLOUDMANAGER_CLIENT_SECRET: account.clientSecret,
    });
    expect(good.code).toBe(0);
    expect(good.stdout).toBe((await adopt(emulator)).stdout);
    const wrong = "mdb_sa_sk_wrongwrongwrong";
    const bad = await adopt(emulator, [], { ...env, CLOUDMANAGER_CLIENT_ID: account.clientId, CLOUDMANAGER_CLIENT_SECRET: wrong });
    expect(bad.code).toBe(1);
    expect(bad.stderr).toContain(account.clientId);
    expect(bad.stderr).not.toContain(wrong);
  });

  it("no credentials: says which variables to set; bad arguments: exit 2 naming the flag", async () => {
    const none = await adopt(emulator, [], { MCLI_OPS_MANAGER_URL: emulator.baseUrl });
    expect(none.code).toBe(1);
    expect(none.stderr).toContain("Set MCLI_PUBLIC_API_KEY and MCLI_PRIVATE_API_KEY (an API key) or CLOUDMANAGER_CLIENT_ID");
    const noOrg = await runCli(["adopt"], keyEnv(emulator));
    expect(noOrg.code).toBe(2);
    expect(noOrg.stderr).toContain("--org is required");
    const byName = await runCli(["adopt", "--org", "Acme"], keyEnv(emulator));
    expect(byName.code).toBe(2);
    expect(byName.stderr).toContain(`--org "Acme" is not an organization id`);
    const everyone = await adopt(emulator, ["--ignore", "**"]);
    expect(everyone.code).toBe(2);
    expect(everyone.stderr).toContain("--ignore needs a username or a pattern");
    const unknown = await runCli(["adopt", "--org", emulator.org.id, "--private-key", "x"], keyEnv(emulator));
    expect(unknown.code).toBe(2);
    expect(unknown.stderr).toContain("--private-key");
    expect((await runCli(["nope"], {})).code).toBe(2);
  });
});
