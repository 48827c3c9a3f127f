import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterEach, describe, expect, it } from "vitest";
import { DigestTestClient, control, emulator, errorCodeOf } from "./helpers";

// A member whose profile emailAddress is not their username: the case that proves a client takes the
// username, and only the username, for identity (eve@evil.com whose profile says alice@acme.com).

interface User {
  id: string;
  username: string;
  emailAddress: string;
  roles: { orgId: string; roleName: string }[];
}

const dirs: string[] = [];
afterEach(() => {
  for (const dir of dirs.splice(0)) rmSync(dir, { recursive: true, force: true });
});

describe("a member's emailAddress apart from the username", () => {
  it("set when adding the member through the control plane; the API shows it in the org's users and GET /users/{id}", async () => {
    const emu = await emulator();
    const c = new DigestTestClient(emu);
    const added = await control(emu, "POST", `/orgs/${emu.org.id}/users`, {
      username: "eve@evil.com",
      emailAddress: "alice@acme.com",
      roles: ["ORG_MEMBER"],
    });
    expect(added.status).toBe(201);
    const eve = added.json as User;
    expect(eve).toMatchObject({ username: "eve@evil.com", emailAddress: "alice@acme.com", firstName: "Eve" });

    const page = (await c.call("GET", `/orgs/${emu.org.id}/users`)).json as { results: User[] };
    expect(page.results).toEqual([expect.objectContaining({ id: eve.id, username: "eve@evil.com", emailAddress: "alice@acme.com" })]);
    const byId = await c.call("GET", `/users/${eve.id}`);
    expect(byId.json).toMatchObject({ id: eve.id, username: "eve@evil.com", emailAddress: "alice@acme.com" });
    // Identity is the username: the emailAddress finds nobody.
    expect(errorCodeOf(await c.call("GET", `/users/byName/${encodeURIComponent("alice@acme.com")}`))).toBe("USER_NOT_FOUND");
    expect((await c.call("GET", `/users/byName/${encodeURIComponent("EVE@evil.com")}`)).json).toMatchObject({ id: eve.id });
    expect(errorCodeOf(await control(emu, "POST", `/orgs/${emu.org.id}/users/alice%40acme.com/roles`, { roles: ["ORG_OWNER"] }))).toBe(
      "USER_NOT_FOUND",
    );
  });

  it("set on an existing user with PATCH /__emulator/users/{user} (id or username), other profile fields kept", async () => {
    const emu = await emulator();
    const c = new DigestTestClient(emu);
    const bob = emu.state.addOrgUser(emu.org.id, { username: "bob@example.com", roles: ["ORG_MEMBER"], country: "GB" });
    expect(bob.emailAddress).toBe("bob@example.com");

    const patched = await control(emu, "PATCH", `/users/${bob.id}`, { emailAddress: "alice@acme.com" });
    expect(patched.status).toBe(200);
    expect(patched.json).toMatchObject({ id: bob.id, username: "bob@example.com", emailAddress: "alice@acme.com", country: "GB" });
    expect((await c.call("GET", `/users/${bob.id}`)).json).toMatchObject({ username: "bob@example.com", emailAddress: "alice@acme.com" });

    const byName = await control(emu, "PATCH", `/users/${encodeURIComponent("BOB@example.com")}`, {
      emailAddress: "b.o.b@example.org",
      lastName: "Builder",
    });
    expect(byName.json).toMatchObject({ id: bob.id, emailAddress: "b.o.b@example.org", lastName: "Builder", firstName: "Bob" });
    const page = (await c.call("GET", `/orgs/${emu.org.id}/users`)).json as { results: User[] };
    expect(page.results.find((u) => u.id === bob.id)).toMatchObject({ username: "bob@example.com", emailAddress: "b.o.b@example.org" });
  });

  it("refuses what is not a profile change: a bad email, another field, an unknown user", async () => {
    const emu = await emulator();
    const bob = emu.state.addOrgUser(emu.org.id, { username: "bob@example.com", roles: ["ORG_MEMBER"] });
    const bad = await control(emu, "PATCH", `/users/${bob.id}`, { emailAddress: "not-an-email" });
    expect(bad.status).toBe(400);
    expect(errorCodeOf(bad)).toBe("INVALID_EMAIL_ADDRESS");
    expect(errorCodeOf(await control(emu, "PATCH", `/users/${bob.id}`, { username: "alice@acme.com" }))).toBe("INVALID_ATTRIBUTE");
    expect(errorCodeOf(await control(emu, "PATCH", `/users/${bob.id}`, { emailAddress: 42 }))).toBe("INVALID_ATTRIBUTE");
    expect((await control(emu, "PATCH", "/users/0123456789abcdef01234567", { emailAddress: "x@example.com" })).status).toBe(404);
    const badAdd = await control(emu, "POST", `/orgs/${emu.org.id}/users`, {
      username: "eve@evil.com",
      emailAddress: "nope",
      roles: ["ORG_MEMBER"],
    });
    expect(errorCodeOf(badAdd)).toBe("INVALID_EMAIL_ADDRESS");
    expect(emu.state.members(emu.org.id).map((u) => u.username)).not.toContain("eve@evil.com");
    expect(emu.state.members(emu.org.id).find((u) => u.id === bob.id)?.emailAddress).toBe("bob@example.com");
  });

  it("on the in-process state handle: addOrgUser, acceptInvitation and updateUser take emailAddress", async () => {
    const emu = await emulator();
    const c = new DigestTestClient(emu);
    const eve = emu.state.addOrgUser(emu.org.id, { username: "eve@evil.com", emailAddress: "alice@acme.com", roles: ["ORG_MEMBER"] });
    expect(eve).toMatchObject({ username: "eve@evil.com", emailAddress: "alice@acme.com" });

    const invite = await c.call("POST", `/orgs/${emu.org.id}/invites`, { username: "mallory@evil.com", roles: ["ORG_READ_ONLY"] });
    const invitationId = (invite.json as { id: string }).id;
    const mallory = emu.state.acceptInvitation(emu.org.id, invitationId, { emailAddress: "alice@acme.com" });
    expect(mallory).toMatchObject({ username: "mallory@evil.com", emailAddress: "alice@acme.com" });

    const moved = emu.state.updateUser("EVE@EVIL.COM", { emailAddress: "carol@acme.com" });
    expect(moved).toMatchObject({ id: eve.id, username: "eve@evil.com", emailAddress: "carol@acme.com" });
    expect(() => emu.state.updateUser(eve.id, { emailAddress: "bad" })).toThrow(/INVALID_EMAIL_ADDRESS|Invalid email/);

    const page = (await c.call("GET", `/orgs/${emu.org.id}/users`)).json as { results: User[] };
    const shown = Object.fromEntries(page.results.map((u) => [u.username, u.emailAddress]));
    expect(shown).toMatchObject({ "eve@evil.com": "carol@acme.com", "mallory@evil.com": "alice@acme.com" });
    // Nobody is alice: not by username, whatever the profiles say.
    expect(page.results.map((u) => u.username)).not.toContain("alice@acme.com");
  });

  it("the accept control call takes emailAddress too, and it is persisted", async () => {
    const dir = mkdtempSync(join(tmpdir(), "emu-email-"));
    dirs.push(dir);
    const persistPath = join(dir, "state.json");
    const creds = { publicKey: "emailkey", privateKey: "email-private-key-1234" };
    const first = await emulator({ ...creds, persistPath });
    const c = new DigestTestClient(first);
    const invite = await c.call("POST", `/orgs/${first.org.id}/invites`, { username: "eve@evil.com", roles: ["ORG_MEMBER"] });
    const accepted = await control(first, "POST", `/orgs/${first.org.id}/invites/${(invite.json as { id: string }).id}/accept`, {
      emailAddress: "alice@acme.com",
    });
    expect(accepted.status).toBe(200);
    expect(accepted.json).toMatchObject({ username: "eve@evil.com", emailAddress: "alice@acme.com" });
    await first.close();

    const second = await emulator({ ...creds, persistPath });
    const page = (await new DigestTestClient(second).call("GET", `/orgs/${second.org.id}/users`)).json as { results: User[] };
    expect(page.results).toEqual([expect.objectContaining({ username: "eve@evil.com", emailAddress: "alice@acme.com" })]);
  });
});
