// Issue 10's emulator part: changing a member's org roles, removing a member, the org's teams and
// their users, the last-owner and last-team-user rules, and the control-plane calls that change a
// member by hand. Every API call goes over real HTTP, signed (Digest) or with a Bearer token.
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import type { RunningEmulator, UserRecord } from "../../emulator";
import { DigestTestClient, bearerToken, control, emulator, errorCodeOf, raw, type Reply } from "./helpers";

interface UserJson {
  id: string;
  username: string;
  roles: { orgId?: string; groupId?: string; roleName: string }[];
  teamIds: string[];
}

interface PageJson<T> {
  links: { href: string; rel: string }[];
  results: T[];
  totalCount: number;
}

interface TeamJson {
  id: string;
  links: { href: string; rel: string }[];
  name: string;
}

const MISSING = "f".repeat(24);

function expectError(reply: Reply, status: number, errorCode: string): void {
  expect({ status: reply.status, errorCode: errorCodeOf(reply) }).toEqual({ status, errorCode });
  expect(Object.keys(reply.json as object)).toEqual(["detail", "error", "errorCode", "parameters", "reason"]);
}

/** An emulator with an owner (ada), a member (bo) on team "core", and a second org where ada is a member. */
async function world(options: Parameters<typeof emulator>[0] = {}): Promise<{
  emu: RunningEmulator;
  c: DigestTestClient;
  other: { id: string };
  core: { id: string };
  ada: UserRecord;
  bo: UserRecord;
}> {
  const emu = await emulator(options);
  const other = emu.state.createOrg({ name: "Other" });
  const core = emu.state.createTeam(emu.org.id, { name: "core" });
  const ada = emu.state.addOrgUser(emu.org.id, { username: "ada@example.com", roles: ["ORG_OWNER"] });
  emu.state.addOrgUser(other.id, { username: "ada@example.com", roles: ["ORG_MEMBER"] });
  const bo = emu.state.addOrgUser(emu.org.id, { username: "bo@example.com", roles: ["ORG_MEMBER"], teamIds: [core.id] });
  return { emu, c: new DigestTestClient(emu), other, core, ada, bo };
}

async function orgUsers(c: DigestTestClient, orgId: string): Promise<UserJson[]> {
  const reply = await c.call("GET", `/orgs/${orgId}/users`);
  expect(reply.status).toBe(200);
  return (reply.json as PageJson<UserJson>).results;
}

describe("PUT /orgs/{ORG-ID}/users/{USER-ID}/roles", () => {
  it("replaces the member's roles in that org only and answers 200 {orgRoles}; the user objects show it", async () => {
    const { emu, c, other, ada, bo } = await world();
    const reply = await c.call("PUT", `/orgs/${emu.org.id}/users/${bo.id}/roles`, { orgRoles: ["ORG_GROUP_CREATOR", "ORG_READ_ONLY"] });
    expect(reply.status).toBe(200);
    expect(reply.json).toEqual({ orgRoles: ["ORG_GROUP_CREATOR", "ORG_READ_ONLY"] });
    const boNow = (await orgUsers(c, emu.org.id)).find((u) => u.id === bo.id);
    expect(boNow?.roles).toEqual([
      { orgId: emu.org.id, roleName: "ORG_GROUP_CREATOR" },
      { orgId: emu.org.id, roleName: "ORG_READ_ONLY" },
    ]);

    // Ada is an owner here and a member of the other org: only this org's roles change.
    emu.state.addOrgUser(emu.org.id, { username: "cy@example.com", roles: ["ORG_OWNER"] });
    expect((await c.call("PUT", `/orgs/${emu.org.id}/users/${ada.id}/roles`, { orgRoles: ["ORG_BILLING_ADMIN"] })).status).toBe(200);
    const adaNow = (await c.call("GET", `/users/${ada.id}`)).json as UserJson;
    expect(adaNow.roles).toEqual([
      { orgId: other.id, roleName: "ORG_MEMBER" },
      { orgId: emu.org.id, roleName: "ORG_BILLING_ADMIN" },
    ]);
    expect(emu.state.members(other.id).map((u) => u.roles)).toEqual([[{ orgId: other.id, roleName: "ORG_MEMBER" }]]);
  });

  it("takes exactly {orgRoles: [...]}: other fields, a missing, null or empty list, unknown roles and duplicates are 400; nothing changes", async () => {
    const { emu, c, bo } = await world();
    const url = `/orgs/${emu.org.id}/users/${bo.id}/roles`;
    const cases: [unknown, string][] = [
      [{ orgRoles: ["ORG_MEMBER"], username: "bo@example.com" }, "INVALID_ATTRIBUTE"],
      [{ roles: ["ORG_MEMBER"] }, "INVALID_ATTRIBUTE"],
      [{}, "MISSING_ATTRIBUTE"],
      [{ orgRoles: null }, "MISSING_ATTRIBUTE"],
      [{ orgRoles: [] }, "MISSING_ATTRIBUTE"],
      [{ orgRoles: "ORG_MEMBER" }, "INVALID_ATTRIBUTE"],
      [{ orgRoles: [{ roleName: "ORG_MEMBER" }] }, "INVALID_ATTRIBUTE"],
      [{ orgRoles: ["ORG_MEMBER", "ORG_NOPE"] }, "INVALID_ENUM_VALUE"],
      [{ orgRoles: ["GROUP_OWNER"] }, "INVALID_ENUM_VALUE"],
      [{ orgRoles: ["ORG_MEMBER", "ORG_MEMBER"] }, "INVALID_ATTRIBUTE"],
      // The documentation's example wraps the object in an array.
      [[{ orgRoles: ["ORG_MEMBER"] }], "INVALID_JSON"],
    ];
    for (const [body, code] of cases) expectError(await c.call("PUT", url, body), 400, code);
    expectError(await c.call("PUT", url, "{"), 400, "INVALID_JSON");
    expectError(
      await c.call("PUT", url, JSON.stringify({ orgRoles: ["ORG_OWNER"] }), { "Content-Type": "text/plain" }),
      415,
      "UNSUPPORTED_MEDIA_TYPE",
    );
    const empty = await c.call("PUT", url, { orgRoles: [] });
    expect((empty.json as { parameters: unknown[] }).parameters).toEqual(["orgRoles"]);
    expect(emu.state.members(emu.org.id).find((u) => u.id === bo.id)?.roles).toEqual([{ orgId: emu.org.id, roleName: "ORG_MEMBER" }]);
  });

  it("refuses to take ORG_OWNER from the org's last owner: 403 CANNOT_DEMOTE_LAST_ORG_OWNER; with a second owner it goes through", async () => {
    const { emu, c, ada, bo } = await world();
    const url = `/orgs/${emu.org.id}/users/${ada.id}/roles`;
    const refused = await c.call("PUT", url, { orgRoles: ["ORG_MEMBER"] });
    expectError(refused, 403, "CANNOT_DEMOTE_LAST_ORG_OWNER");
    expect((refused.json as { reason: string }).reason).toBe("Forbidden");
    // Keeping ORG_OWNER among others is no demotion.
    expect((await c.call("PUT", url, { orgRoles: ["ORG_OWNER", "ORG_BILLING_ADMIN"] })).json).toEqual({
      orgRoles: ["ORG_OWNER", "ORG_BILLING_ADMIN"],
    });
    // Bo becomes an owner; then ada may step down, and bo is the last owner.
    expect((await c.call("PUT", `/orgs/${emu.org.id}/users/${bo.id}/roles`, { orgRoles: ["ORG_OWNER"] })).status).toBe(200);
    expect((await c.call("PUT", url, { orgRoles: ["ORG_MEMBER"] })).status).toBe(200);
    expectError(
      await c.call("PUT", `/orgs/${emu.org.id}/users/${bo.id}/roles`, { orgRoles: ["ORG_READ_ONLY"] }),
      403,
      "CANNOT_DEMOTE_LAST_ORG_OWNER",
    );
  });

  it("counts owners in this org only, and users only (not API keys); an org without an owner user lets its members change", async () => {
    const emu = await emulator();
    const other = emu.state.createOrg({ name: "Other" });
    const c = new DigestTestClient(emu);
    const zed = emu.state.addOrgUser(emu.org.id, { username: "zed@example.com", roles: ["ORG_MEMBER"] });
    // The seeded API key is the org's only other owner: no user owns the org, so a member's roles may change.
    expect((await c.call("PUT", `/orgs/${emu.org.id}/users/${zed.id}/roles`, { orgRoles: ["ORG_READ_ONLY"] })).status).toBe(200);
    expect((await c.call("PUT", `/orgs/${emu.org.id}/users/${zed.id}/roles`, { orgRoles: ["ORG_OWNER"] })).status).toBe(200);
    // An owner of another org does not count here.
    emu.state.addOrgUser(other.id, { username: "yan@example.com", roles: ["ORG_OWNER"] });
    expectError(
      await c.call("PUT", `/orgs/${emu.org.id}/users/${zed.id}/roles`, { orgRoles: ["ORG_MEMBER"] }),
      403,
      "CANNOT_DEMOTE_LAST_ORG_OWNER",
    );
  });

  it("answers 404 USER_NOT_FOUND for a user who is not a member of that org, 400 for a malformed id", async () => {
    const { emu, c, other, bo } = await world();
    expectError(await c.call("PUT", `/orgs/${emu.org.id}/users/${MISSING}/roles`, { orgRoles: ["ORG_MEMBER"] }), 404, "USER_NOT_FOUND");
    // Bo exists, but in this org only; the key owns the other org too.
    emu.state.addApiKey({ publicKey: "both", privateKey: "both-pk", orgRoles: [{ orgId: other.id, roles: ["ORG_OWNER"] }] });
    const owner2 = new DigestTestClient(emu, "both", "both-pk");
    const notHere = await owner2.call("PUT", `/orgs/${other.id}/users/${bo.id}/roles`, { orgRoles: ["ORG_MEMBER"] });
    expectError(notHere, 404, "USER_NOT_FOUND");
    expect((notHere.json as { parameters: unknown[] }).parameters).toEqual([bo.id]);
    expectError(
      await c.call("PUT", `/orgs/${emu.org.id}/users/bo@example.com/roles`, { orgRoles: ["ORG_MEMBER"] }),
      400,
      "INVALID_ATTRIBUTE",
    );
    expectError(await c.call("GET", `/orgs/${emu.org.id}/users/${bo.id}/roles`), 405, "METHOD_NOT_ALLOWED");
  });

  it("keeps project (group) roles, e.g. ones from a state file", async () => {
    const dir = mkdtempSync(join(tmpdir(), "cm-emulator-members-"));
    try {
      const persistPath = join(dir, "state.json");
      const first = await emulator({ persistPath, publicKey: "pkey", privateKey: "pk-secret" });
      const user = first.state.addOrgUser(first.org.id, { username: "proj@example.com", roles: ["ORG_MEMBER"] });
      await first.close();
      const file = JSON.parse(readFileSync(persistPath, "utf8")) as { users: UserJson[]; settings: Record<string, unknown> };
      file.users[0]?.roles.push({ groupId: "5e5e5e5e5e5e5e5e5e5e5e5e", roleName: "GROUP_READ_ONLY" });
      delete file.settings["emptyTeams"]; // a file written before the setting existed
      writeFileSync(persistPath, JSON.stringify(file));
      const second = await emulator({ persistPath, publicKey: "pkey", privateKey: "pk-secret" });
      expect(second.state.settings().emptyTeams).toBe("reject");
      const c = new DigestTestClient(second);
      expect((await c.call("PUT", `/orgs/${second.org.id}/users/${user.id}/roles`, { orgRoles: ["ORG_READ_ONLY"] })).status).toBe(200);
      expect(((await c.call("GET", `/users/${user.id}`)).json as UserJson).roles).toEqual([
        { groupId: "5e5e5e5e5e5e5e5e5e5e5e5e", roleName: "GROUP_READ_ONLY" },
        { orgId: second.org.id, roleName: "ORG_READ_ONLY" },
      ]);
      // And the change was written back.
      const saved = JSON.parse(readFileSync(persistPath, "utf8")) as { users: UserJson[] };
      expect(saved.users[0]?.roles).toContainEqual({ orgId: second.org.id, roleName: "ORG_READ_ONLY" });
      await second.close();
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});

describe("DELETE /orgs/{ORG-ID}/users/{USER-ID}", () => {
  it("takes the member out of the org (its roles and the org's teams there), 204; other orgs stay; the account stays", async () => {
    const { emu, c, other, core, ada, bo } = await world();
    const otherTeam = emu.state.createTeam(other.id, { name: "theirs" });
    emu.state.addOrgUser(other.id, { username: "bo@example.com", roles: ["ORG_READ_ONLY"], teamIds: [otherTeam.id] });
    emu.state.addOrgUser(emu.org.id, { username: "cy@example.com", roles: ["ORG_MEMBER"], teamIds: [core.id] });
    const reply = await c.call("DELETE", `/orgs/${emu.org.id}/users/${bo.id}`);
    expect(reply.status).toBe(204);
    expect(reply.text).toBe("");
    expect((await orgUsers(c, emu.org.id)).map((u) => u.username)).toEqual(["ada@example.com", "cy@example.com"]);
    const teamUsers = (await c.call("GET", `/orgs/${emu.org.id}/teams/${core.id}/users`)).json as PageJson<UserJson>;
    expect(teamUsers.results.map((u) => u.username)).toEqual(["cy@example.com"]);
    // GET /users/{id} still knows the account, with what it has left.
    const boNow = (await c.call("GET", `/users/${bo.id}`)).json as UserJson;
    expect(boNow.roles).toEqual([{ orgId: other.id, roleName: "ORG_READ_ONLY" }]);
    expect(boNow.teamIds).toEqual([otherTeam.id]);
    expectError(await c.call("DELETE", `/orgs/${emu.org.id}/users/${bo.id}`), 404, "USER_NOT_FOUND");
    expect((await orgUsers(c, emu.org.id)).find((u) => u.id === ada.id)?.roles).toEqual([{ orgId: emu.org.id, roleName: "ORG_OWNER" }]);
  });

  it("refuses to remove the last owner: 403 CANNOT_DELETE_LAST_OWNER; a second owner makes it possible", async () => {
    const { emu, c, ada, bo } = await world();
    const refused = await c.call("DELETE", `/orgs/${emu.org.id}/users/${ada.id}`);
    expectError(refused, 403, "CANNOT_DELETE_LAST_OWNER");
    expect((await orgUsers(c, emu.org.id)).map((u) => u.username)).toContain("ada@example.com");
    emu.state.setMemberOrgRoles(emu.org.id, bo.id, ["ORG_OWNER"]);
    expect((await c.call("DELETE", `/orgs/${emu.org.id}/users/${ada.id}`)).status).toBe(204);
    expectError(await c.call("DELETE", `/orgs/${emu.org.id}/users/${bo.id}`), 403, "CANNOT_DELETE_LAST_OWNER");
  });

  it("answers 404 USER_NOT_FOUND for a non-member, 400 for a malformed id; ?envelope=true turns 204 into 200 {status: 204}", async () => {
    const { emu, c, other, bo } = await world();
    expectError(await c.call("DELETE", `/orgs/${emu.org.id}/users/${MISSING}`), 404, "USER_NOT_FOUND");
    const onlyOther = emu.state.addOrgUser(other.id, { username: "elsewhere@example.com", roles: ["ORG_MEMBER"] });
    expectError(await c.call("DELETE", `/orgs/${emu.org.id}/users/${onlyOther.id}`), 404, "USER_NOT_FOUND");
    expectError(await c.call("DELETE", `/orgs/${emu.org.id}/users/not-an-id`), 400, "INVALID_ATTRIBUTE");
    const enveloped = await c.call("DELETE", `/orgs/${emu.org.id}/users/${bo.id}?envelope=true`);
    expect(enveloped.status).toBe(200);
    expect(enveloped.json).toEqual({ status: 204 });
  });
});

describe("teams", () => {
  it("GET /orgs/{ORG-ID}/teams lists the org's teams, paged, as {id, links, name}; GET …/teams/{TEAM-ID} shows one", async () => {
    const emu = await emulator();
    const other = emu.state.createOrg({ name: "Other" });
    emu.state.createTeam(other.id, { name: "not ours" });
    const teams = ["a", "b", "c"].map((name) => emu.state.createTeam(emu.org.id, { name }));
    const c = new DigestTestClient(emu);
    const all = await c.call("GET", `/orgs/${emu.org.id}/teams`);
    expect(all.status).toBe(200);
    expect(all.json).toEqual({
      links: [{ href: `${emu.baseUrl}/orgs/${emu.org.id}/teams?pageNum=1&itemsPerPage=100`, rel: "self" }],
      results: teams.map((t) => ({
        id: t.id,
        links: [{ href: `${emu.baseUrl}/orgs/${emu.org.id}/teams/${t.id}`, rel: "self" }],
        name: t.name,
      })),
      totalCount: 3,
    });
    expect(Object.keys((all.json as PageJson<TeamJson>).results[0] ?? {})).toEqual(["id", "links", "name"]);
    const page2 = (await c.call("GET", `/orgs/${emu.org.id}/teams?pageNum=2&itemsPerPage=2`)).json as PageJson<TeamJson>;
    expect(page2.results.map((t) => t.name)).toEqual(["c"]);
    expect(page2.totalCount).toBe(3);
    expect(page2.links.map((l) => l.rel)).toEqual(["previous", "self"]);
    expect((await c.call("GET", `/orgs/${emu.org.id}/teams?itemsPerPage=1`)).json).toMatchObject({
      links: [{ rel: "self" }, { rel: "next", href: `${emu.baseUrl}/orgs/${emu.org.id}/teams?pageNum=2&itemsPerPage=1` }],
    });
    for (const q of ["itemsPerPage=501", "pageNum=0"])
      expectError(await c.call("GET", `/orgs/${emu.org.id}/teams?${q}`), 400, "INVALID_QUERY_PARAMETER");

    // The self link resolves; another org's team, an unknown one and a malformed id do not.
    const first = teams[0];
    expect((await c.call("GET", `/orgs/${emu.org.id}/teams/${first?.id}`)).json).toEqual((all.json as PageJson<TeamJson>).results[0]);
    const theirs = emu.state.teams(other.id)[0];
    expectError(await c.call("GET", `/orgs/${emu.org.id}/teams/${theirs?.id}`), 404, "RESOURCE_NOT_FOUND");
    expectError(await c.call("GET", `/orgs/${emu.org.id}/teams/${MISSING}`), 404, "RESOURCE_NOT_FOUND");
    expectError(await c.call("GET", `/orgs/${emu.org.id}/teams/xyz`), 400, "INVALID_ATTRIBUTE");
  });

  it("GET …/teams/{TEAM-ID}/users pages the team's users, shown exactly as GET /orgs/{ORG-ID}/users shows them", async () => {
    const { emu, c, core, bo } = await world();
    for (const n of [1, 2]) emu.state.addOrgUser(emu.org.id, { username: `t${n}@example.com`, roles: ["ORG_MEMBER"], teamIds: [core.id] });
    const reply = await c.call("GET", `/orgs/${emu.org.id}/teams/${core.id}/users?itemsPerPage=2`);
    expect(reply.status).toBe(200);
    const page = reply.json as PageJson<UserJson>;
    expect(page.totalCount).toBe(3);
    const inOrg = await orgUsers(c, emu.org.id);
    expect(page.results).toEqual(inOrg.filter((u) => u.teamIds.includes(core.id)).slice(0, 2));
    expect(page.results[0]?.id).toBe(bo.id);
    expect(page.links).toEqual([
      { href: `${emu.baseUrl}/orgs/${emu.org.id}/teams/${core.id}/users?pageNum=1&itemsPerPage=2`, rel: "self" },
      { href: `${emu.baseUrl}/orgs/${emu.org.id}/teams/${core.id}/users?pageNum=2&itemsPerPage=2`, rel: "next" },
    ]);
    expectError(await c.call("GET", `/orgs/${emu.org.id}/teams/${core.id}/users?itemsPerPage=0`), 400, "INVALID_QUERY_PARAMETER");
    expect(emu.state.teamUsers(emu.org.id, core.id).map((u) => u.username)).toEqual(["bo@example.com", "t1@example.com", "t2@example.com"]);
  });

  it("POST …/teams/{TEAM-ID}/users takes an array of {id}, answers 200 with the team's users; teamIds show it; adding twice is fine", async () => {
    const { emu, c, other, core, ada, bo } = await world();
    const ops = emu.state.createTeam(emu.org.id, { name: "ops" });
    const reply = await c.call("POST", `/orgs/${emu.org.id}/teams/${ops.id}/users`, [{ id: ada.id }, { id: bo.id }]);
    expect(reply.status).toBe(200);
    const page = reply.json as PageJson<UserJson>;
    expect(page.totalCount).toBe(2);
    expect(page.results.map((u) => [u.username, u.teamIds])).toEqual([
      ["ada@example.com", [ops.id]],
      ["bo@example.com", [core.id, ops.id]],
    ]);
    expect(page.links).toEqual([
      { href: `${emu.baseUrl}/orgs/${emu.org.id}/teams/${ops.id}/users?pageNum=1&itemsPerPage=100`, rel: "self" },
    ]);
    expect((await orgUsers(c, emu.org.id)).map((u) => u.teamIds)).toEqual([[ops.id], [core.id, ops.id]]);
    // Ada's other org is untouched, and GET /users/{id} shows her team.
    expect(emu.state.members(other.id)[0]?.teamIds).toEqual([]);
    expect(((await c.call("GET", `/users/${ada.id}`)).json as UserJson).teamIds).toEqual([ops.id]);
    // Already on the team, or twice in one call: no error, no duplicate.
    const again = await c.call("POST", `/orgs/${emu.org.id}/teams/${ops.id}/users`, [{ id: bo.id }, { id: bo.id }]);
    expect(again.status).toBe(200);
    expect((again.json as PageJson<UserJson>).results.find((u) => u.id === bo.id)?.teamIds).toEqual([core.id, ops.id]);
  });

  it("POST …/users refuses bodies that are not an array of {id}, non-members (all or nothing), and other orgs' teams", async () => {
    const { emu, c, other, core, ada } = await world();
    const url = `/orgs/${emu.org.id}/teams/${core.id}/users`;
    const cases: [unknown, number, string][] = [
      [{ id: ada.id }, 400, "INVALID_JSON"],
      [[ada.id], 400, "INVALID_JSON"],
      [[], 400, "MISSING_ATTRIBUTE"],
      [[{}], 400, "MISSING_ATTRIBUTE"],
      [[{ id: null }], 400, "MISSING_ATTRIBUTE"],
      [[{ id: ada.id, username: "ada@example.com" }], 400, "INVALID_ATTRIBUTE"],
      [[{ username: "ada@example.com" }], 400, "INVALID_ATTRIBUTE"],
      [[{ id: 7 }], 400, "INVALID_ATTRIBUTE"],
      [[{ id: "ada@example.com" }], 400, "INVALID_ATTRIBUTE"],
      [[{ id: ada.id }, { id: MISSING }], 404, "USER_NOT_FOUND"],
    ];
    for (const [body, status, code] of cases) expectError(await c.call("POST", url, body), status, code);
    const outsider = emu.state.addOrgUser(other.id, { username: "out@example.com", roles: ["ORG_MEMBER"] });
    const notMember = await c.call("POST", url, [{ id: ada.id }, { id: outsider.id }]);
    expectError(notMember, 404, "USER_NOT_FOUND");
    expect((notMember.json as { parameters: unknown[] }).parameters).toEqual([outsider.id]);
    expect(emu.state.teamUsers(emu.org.id, core.id).map((u) => u.username)).toEqual(["bo@example.com"]);
    const theirs = emu.state.createTeam(other.id, { name: "theirs" });
    expectError(await c.call("POST", `/orgs/${emu.org.id}/teams/${theirs.id}/users`, [{ id: ada.id }]), 404, "RESOURCE_NOT_FOUND");
    expectError(await c.call("PUT", url, [{ id: ada.id }]), 405, "METHOD_NOT_ALLOWED");
  });

  it("POST …/users keeps a team at 250 users: 400 MAX_USERS_PER_TEAM_EXCEEDED beyond", async () => {
    const { emu, c, core } = await world();
    const ids = Array.from(
      { length: 250 },
      (_, i) => emu.state.addOrgUser(emu.org.id, { username: `u${i}@example.com`, roles: ["ORG_MEMBER"] }).id,
    );
    // bo is already on the team: 249 more make 250.
    expect(
      (
        await c.call(
          "POST",
          `/orgs/${emu.org.id}/teams/${core.id}/users`,
          ids.slice(0, 249).map((id) => ({ id })),
        )
      ).status,
    ).toBe(200);
    expectError(await c.call("POST", `/orgs/${emu.org.id}/teams/${core.id}/users`, [{ id: ids[249] }]), 400, "MAX_USERS_PER_TEAM_EXCEEDED");
    expect(emu.state.teamUsers(emu.org.id, core.id)).toHaveLength(250);
  });

  it("DELETE …/teams/{TEAM-ID}/users/{USER-ID} answers 204; 404 USER_NOT_FOUND for a member not on the team or a non-member", async () => {
    const { emu, c, core, ada, bo } = await world();
    await c.call("POST", `/orgs/${emu.org.id}/teams/${core.id}/users`, [{ id: ada.id }]);
    const reply = await c.call("DELETE", `/orgs/${emu.org.id}/teams/${core.id}/users/${bo.id}`);
    expect(reply.status).toBe(204);
    expect(reply.text).toBe("");
    expect((await orgUsers(c, emu.org.id)).find((u) => u.id === bo.id)?.teamIds).toEqual([]);
    // Still a member of the org.
    expect((await orgUsers(c, emu.org.id)).find((u) => u.id === bo.id)?.roles).toEqual([{ orgId: emu.org.id, roleName: "ORG_MEMBER" }]);
    const notOnTeam = await c.call("DELETE", `/orgs/${emu.org.id}/teams/${core.id}/users/${bo.id}`);
    expectError(notOnTeam, 404, "USER_NOT_FOUND");
    expect((notOnTeam.json as { parameters: unknown[] }).parameters).toEqual([bo.id]);
    expectError(await c.call("DELETE", `/orgs/${emu.org.id}/teams/${core.id}/users/${MISSING}`), 404, "USER_NOT_FOUND");
    expectError(await c.call("DELETE", `/orgs/${emu.org.id}/teams/${MISSING}/users/${ada.id}`), 404, "RESOURCE_NOT_FOUND");
    expectError(await c.call("DELETE", `/orgs/${emu.org.id}/teams/${core.id}/users/x`), 400, "INVALID_ATTRIBUTE");
  });

  it("refuses to remove a team's last user (400 CANNOT_REMOVE_LAST_USER_FROM_TEAM) unless emptyTeams is allow", async () => {
    const { emu, c, core, bo } = await world();
    const url = `/orgs/${emu.org.id}/teams/${core.id}/users/${bo.id}`;
    expectError(await c.call("DELETE", url), 400, "CANNOT_REMOVE_LAST_USER_FROM_TEAM");
    expect(emu.state.teamUsers(emu.org.id, core.id)).toHaveLength(1);
    expect((await control(emu, "GET", "/settings")).json).toEqual({
      duplicateInvitations: "allow",
      expiredInvitations: "hidden",
      emptyTeams: "reject",
    });
    expect((await control(emu, "PUT", "/settings", { emptyTeams: "allow" })).json).toMatchObject({ emptyTeams: "allow" });
    expect((await c.call("DELETE", url)).status).toBe(204);
    expect(emu.state.teamUsers(emu.org.id, core.id)).toEqual([]);
    expectError(await control(emu, "PUT", "/settings", { emptyTeams: "sometimes" }), 400, "INVALID_ATTRIBUTE");
    // The start-up option, and reset goes back to it.
    const lax = await world({ emptyTeams: "allow" });
    expect((await lax.c.call("DELETE", `/orgs/${lax.emu.org.id}/teams/${lax.core.id}/users/${lax.bo.id}`)).status).toBe(204);
    lax.emu.state.updateSettings({ emptyTeams: "reject" });
    lax.emu.state.reset();
    expect(lax.emu.state.settings().emptyTeams).toBe("allow");
  });

  it("removing a member from the org is not refused for being a team's last user", async () => {
    const { emu, c, core, bo } = await world();
    expect((await c.call("DELETE", `/orgs/${emu.org.id}/users/${bo.id}`)).status).toBe(204);
    expect(emu.state.teamUsers(emu.org.id, core.id)).toEqual([]);
  });

  it("an accepted invitation and addOrgUser put the member on their teams, which the team endpoints show", async () => {
    const { emu, c, core } = await world();
    const ops = emu.state.createTeam(emu.org.id, { name: "ops" });
    const inv = (
      await c.call("POST", `/orgs/${emu.org.id}/invites`, {
        username: "new@example.com",
        roles: ["ORG_MEMBER"],
        teamIds: [core.id, ops.id],
      })
    ).json as { id: string };
    const accepted = await control(emu, "POST", `/orgs/${emu.org.id}/invites/${inv.id}/accept`);
    expect((accepted.json as UserJson).teamIds).toEqual([core.id, ops.id]);
    const added = await control(emu, "POST", `/orgs/${emu.org.id}/users`, {
      username: "direct@example.com",
      roles: ["ORG_MEMBER"],
      teamIds: [ops.id],
    });
    expect((added.json as UserJson).teamIds).toEqual([ops.id]);
    const opsUsers = (await c.call("GET", `/orgs/${emu.org.id}/teams/${ops.id}/users`)).json as PageJson<UserJson>;
    expect(opsUsers.results.map((u) => u.username)).toEqual(["new@example.com", "direct@example.com"]);
    const coreUsers = (await c.call("GET", `/orgs/${emu.org.id}/teams/${core.id}/users`)).json as PageJson<UserJson>;
    expect(coreUsers.results.map((u) => u.username)).toEqual(["bo@example.com", "new@example.com"]);
  });
});

describe("access, faults, rate limits and the request log on the member and team routes", () => {
  it("every route needs authentication (401 with a challenge), a role in the org, and ORG_OWNER for writes (401 without one)", async () => {
    const { emu, c, core, ada, bo } = await world();
    const reader = emu.state.addApiKey({
      publicKey: "reader",
      privateKey: "reader-pk",
      orgRoles: [{ orgId: emu.org.id, roles: ["ORG_READ_ONLY"] }],
    });
    const r = new DigestTestClient(emu, reader.publicKey, reader.privateKey);
    const stranger = emu.state.addApiKey({ publicKey: "stranger", privateKey: "stranger-pk", orgRoles: [] });
    const s = new DigestTestClient(emu, stranger.publicKey, stranger.privateKey);
    const o = emu.org.id;
    const reads: [string, string][] = [
      ["GET", `/orgs/${o}/teams`],
      ["GET", `/orgs/${o}/teams/${core.id}`],
      ["GET", `/orgs/${o}/teams/${core.id}/users`],
    ];
    const writes: [string, string, unknown][] = [
      ["PUT", `/orgs/${o}/users/${bo.id}/roles`, { orgRoles: ["ORG_READ_ONLY"] }],
      ["POST", `/orgs/${o}/teams/${core.id}/users`, [{ id: ada.id }]],
      ["DELETE", `/orgs/${o}/teams/${core.id}/users/${bo.id}`, undefined],
      ["DELETE", `/orgs/${o}/users/${bo.id}`, undefined],
    ];
    for (const [method, path, body] of [...reads.map(([m, p]) => [m, p, undefined] as const), ...writes]) {
      const unsigned = await raw(`${emu.baseUrl}${path}`, {
        method,
        ...(body !== undefined ? { body: JSON.stringify(body), headers: { "Content-Type": "application/json" } } : {}),
      });
      expect(unsigned.status).toBe(401);
      expect(unsigned.headers.get("www-authenticate")).toMatch(/^Digest /);
      const refused = await s.call(method, path, body);
      expectError(refused, 401, "USER_UNAUTHORIZED");
      expect(refused.headers.get("www-authenticate")).toBeNull();
    }
    for (const [method, path] of reads) expect((await r.call(method, path)).status).toBe(200);
    for (const [method, path, body] of writes) {
      const refused = await r.call(method, path, body);
      expectError(refused, 401, "USER_UNAUTHORIZED");
      expect(refused.headers.get("www-authenticate")).toBeNull();
    }
    expectError(await c.call("GET", `/orgs/${MISSING}/teams`), 404, "ORG_NOT_FOUND");
    expectError(await c.call("PUT", `/orgs/${MISSING}/users/${bo.id}/roles`, { orgRoles: ["ORG_MEMBER"] }), 404, "ORG_NOT_FOUND");
    // Nothing changed.
    expect(emu.state.members(o).map((u) => [u.username, u.roles.map((x) => x.roleName), u.teamIds])).toEqual([
      ["ada@example.com", ["ORG_OWNER"], []],
      ["bo@example.com", ["ORG_MEMBER"], [core.id]],
    ]);
    // An owner service account's Bearer token works like the owner key.
    const token = await bearerToken(emu);
    const viaToken = await raw(`${emu.baseUrl}/orgs/${o}/users/${bo.id}/roles`, {
      method: "PUT",
      headers: { Authorization: `Bearer ${token}`, "Content-Type": "application/json" },
      body: JSON.stringify({ orgRoles: ["ORG_BILLING_READ_ONLY"] }),
    });
    expect(viaToken.status).toBe(200);
    expect(viaToken.json).toEqual({ orgRoles: ["ORG_BILLING_READ_ONLY"] });
  });

  it("are logged in the request log, hit by faults (status and lost answers) and counted by the per-org rate limit", async () => {
    const { emu, c, core, ada, bo } = await world();
    await c.call("GET", `/orgs/${emu.org.id}`); // warm the nonce: each call below is one wire request
    emu.state.clearRequests();
    emu.state.addFault({ method: "PUT", path: "/roles$", count: 1, fault: { type: "status", status: 503 } });
    expectError(await c.call("PUT", `/orgs/${emu.org.id}/users/${bo.id}/roles`, { orgRoles: ["ORG_OWNER"] }), 503, "SERVICE_UNAVAILABLE");
    expect(emu.state.members(emu.org.id).find((u) => u.id === bo.id)?.roles).toEqual([{ orgId: emu.org.id, roleName: "ORG_MEMBER" }]);
    // The server acts, the answer is lost.
    emu.state.addFault({ method: "POST", path: "/teams/[0-9a-f]{24}/users$", count: 1, fault: { type: "drop", after: "handler" } });
    await expect(c.call("POST", `/orgs/${emu.org.id}/teams/${core.id}/users`, [{ id: ada.id }])).rejects.toThrow();
    expect(emu.state.teamUsers(emu.org.id, core.id).map((u) => u.username)).toEqual(["ada@example.com", "bo@example.com"]);
    expect((await c.call("DELETE", `/orgs/${emu.org.id}/teams/${core.id}/users/${ada.id}`)).status).toBe(204);
    expect(emu.state.requests().map((e) => [e.method, e.path, e.status])).toEqual([
      ["PUT", `/api/public/v1.0/orgs/${emu.org.id}/users/${bo.id}/roles`, 503],
      ["POST", `/api/public/v1.0/orgs/${emu.org.id}/teams/${core.id}/users`, 0],
      ["DELETE", `/api/public/v1.0/orgs/${emu.org.id}/teams/${core.id}/users/${ada.id}`, 204],
    ]);
    expect(emu.state.requests()[2]?.auth).toMatchObject({ type: "digest", username: emu.credentials.publicKey });

    emu.state.setRateLimits({ requestsPerWindow: 2, requestWindowMs: 3_600_000 });
    expect((await c.call("GET", `/orgs/${emu.org.id}/teams`)).status).toBe(200);
    expect((await c.call("GET", `/orgs/${emu.org.id}/teams/${core.id}/users`)).status).toBe(200);
    const limited = await c.call("DELETE", `/orgs/${emu.org.id}/users/${bo.id}`);
    expectError(limited, 429, "RATE_LIMITED");
    expect(limited.headers.get("retry-after")).not.toBeNull();
    expect(emu.state.members(emu.org.id).map((u) => u.username)).toContain("bo@example.com");
  });
});

describe("control plane: changing a member by hand", () => {
  it("POST orgs/{orgId}/users/{user}/roles sets the member's org roles, by id or username, under the last-owner rule", async () => {
    const { emu, c, other, ada, bo } = await world();
    const byName = await control(emu, "POST", `/orgs/${emu.org.id}/users/${encodeURIComponent("BO@example.com")}/roles`, {
      roles: ["ORG_READ_ONLY", "ORG_GROUP_CREATOR"],
    });
    expect(byName.status).toBe(200);
    expect(byName.json).toMatchObject({
      id: bo.id,
      roles: [
        { orgId: emu.org.id, roleName: "ORG_READ_ONLY" },
        { orgId: emu.org.id, roleName: "ORG_GROUP_CREATOR" },
      ],
    });
    expect((await orgUsers(c, emu.org.id)).find((u) => u.id === bo.id)?.roles.map((x) => x.roleName)).toEqual([
      "ORG_READ_ONLY",
      "ORG_GROUP_CREATOR",
    ]);
    // The member as members(orgId) shows it: ada's other org is not in the answer, nor changed.
    expectError(
      await control(emu, "POST", `/orgs/${emu.org.id}/users/${ada.id}/roles`, { roles: ["ORG_MEMBER"] }),
      403,
      "CANNOT_DEMOTE_LAST_ORG_OWNER",
    );
    const adaHere = await control(emu, "POST", `/orgs/${emu.org.id}/users/${ada.id}/roles`, { roles: ["ORG_OWNER", "ORG_BILLING_ADMIN"] });
    expect((adaHere.json as UserJson).roles.map((x) => x.orgId)).toEqual([emu.org.id, emu.org.id]);
    expect(emu.state.members(other.id)[0]?.roles).toEqual([{ orgId: other.id, roleName: "ORG_MEMBER" }]);
    // Strict bodies, known roles, members only.
    expectError(
      await control(emu, "POST", `/orgs/${emu.org.id}/users/${bo.id}/roles`, { orgRoles: ["ORG_MEMBER"] }),
      400,
      "INVALID_ATTRIBUTE",
    );
    expectError(await control(emu, "POST", `/orgs/${emu.org.id}/users/${bo.id}/roles`, { roles: [] }), 400, "MISSING_ATTRIBUTE");
    expectError(await control(emu, "POST", `/orgs/${emu.org.id}/users/${bo.id}/roles`, { roles: ["ORG_NOPE"] }), 400, "INVALID_ENUM_VALUE");
    expectError(
      await control(emu, "POST", `/orgs/${other.id}/users/bo@example.com/roles`, { roles: ["ORG_MEMBER"] }),
      404,
      "USER_NOT_FOUND",
    );
    expectError(await control(emu, "POST", `/orgs/${MISSING}/users/bo@example.com/roles`, { roles: ["ORG_MEMBER"] }), 404, "ORG_NOT_FOUND");
    // Like every control-plane POST: JSON only, and never in the request log.
    const plain = await raw(`${emu.origin}/__emulator/orgs/${emu.org.id}/users/${bo.id}/roles`, {
      method: "POST",
      headers: { "Content-Type": "text/plain" },
      body: JSON.stringify({ roles: ["ORG_OWNER"] }),
    });
    expectError(plain, 415, "UNSUPPORTED_MEDIA_TYPE");
    expect(emu.state.requests().every((e) => !e.path.includes("__emulator"))).toBe(true);
  });

  it("POST …/teams sets, …/teams/add adds and …/teams/remove removes the member's teams in that org", async () => {
    const { emu, c, other, core, ada, bo } = await world();
    const ops = emu.state.createTeam(emu.org.id, { name: "ops" });
    const theirs = emu.state.createTeam(other.id, { name: "theirs" });
    emu.state.addMemberToTeams(other.id, "ada@example.com", [theirs.id]);
    emu.state.addMemberToTeams(emu.org.id, bo.id, [ops.id]); // so that ada is never a team's last user below
    const added = await control(emu, "POST", `/orgs/${emu.org.id}/users/ada@example.com/teams/add`, { teamIds: [ops.id, core.id] });
    expect(added.status).toBe(200);
    expect((added.json as UserJson).teamIds).toEqual([ops.id, core.id]);
    expect((await orgUsers(c, emu.org.id)).find((u) => u.id === ada.id)?.teamIds).toEqual([ops.id, core.id]);
    const removed = await control(emu, "POST", `/orgs/${emu.org.id}/users/${ada.id}/teams/remove`, { teamIds: [ops.id] });
    expect((removed.json as UserJson).teamIds).toEqual([core.id]);
    // Removing a team the member is not on is a no-op.
    expect((await control(emu, "POST", `/orgs/${emu.org.id}/users/${ada.id}/teams/remove`, { teamIds: [ops.id] })).status).toBe(200);
    const set = await control(emu, "POST", `/orgs/${emu.org.id}/users/${ada.id}/teams`, { teamIds: [ops.id] });
    expect((set.json as UserJson).teamIds).toEqual([ops.id]);
    // Other orgs' teams stay on the user.
    expect(((await c.call("GET", `/users/${ada.id}`)).json as UserJson).teamIds).toEqual([theirs.id, ops.id]);
    // Once bo has left ops, ada is its only user.
    emu.state.removeMemberFromTeams(emu.org.id, bo.id, [ops.id]);
    expectError(
      await control(emu, "POST", `/orgs/${emu.org.id}/users/${ada.id}/teams`, { teamIds: [] }),
      400,
      "CANNOT_REMOVE_LAST_USER_FROM_TEAM",
    );
    // Teams must be the org's own and well-formed; the body names teamIds only.
    expectError(
      await control(emu, "POST", `/orgs/${emu.org.id}/users/${ada.id}/teams/add`, { teamIds: [theirs.id] }),
      404,
      "RESOURCE_NOT_FOUND",
    );
    expectError(await control(emu, "POST", `/orgs/${emu.org.id}/users/${ada.id}/teams`, { teamIds: ["nope"] }), 400, "INVALID_ATTRIBUTE");
    expectError(await control(emu, "POST", `/orgs/${emu.org.id}/users/${ada.id}/teams`, { add: [ops.id] }), 400, "INVALID_ATTRIBUTE");
    expectError(await control(emu, "POST", `/orgs/${emu.org.id}/users/${ada.id}/teams`, {}), 400, "MISSING_ATTRIBUTE");
    expectError(
      await control(emu, "POST", `/orgs/${emu.org.id}/users/nobody@example.com/teams/add`, { teamIds: [ops.id] }),
      404,
      "USER_NOT_FOUND",
    );
  });

  it("by-hand team changes follow the last-team-user rule and the emptyTeams setting", async () => {
    const { emu, core, bo } = await world();
    expectError(
      await control(emu, "POST", `/orgs/${emu.org.id}/users/${bo.id}/teams`, { teamIds: [] }),
      400,
      "CANNOT_REMOVE_LAST_USER_FROM_TEAM",
    );
    expect(() => emu.state.removeMemberFromTeams(emu.org.id, bo.id, [core.id])).toThrow(/CANNOT_REMOVE_LAST_USER_FROM_TEAM/);
    emu.state.updateSettings({ emptyTeams: "allow" });
    expect(emu.state.removeMemberFromTeams(emu.org.id, "bo@example.com", [core.id]).teamIds).toEqual([]);
    expect(emu.state.teamUsers(emu.org.id, core.id)).toEqual([]);
  });

  it("DELETE orgs/{orgId}/users/{user} removes the member by hand (204), under the last-owner rule; 404 after", async () => {
    const { emu, c, other, core, ada, bo } = await world();
    const reply = await control(emu, "DELETE", `/orgs/${emu.org.id}/users/bo@example.com`);
    expect(reply.status).toBe(204);
    expect((await orgUsers(c, emu.org.id)).map((u) => u.username)).toEqual(["ada@example.com"]);
    expect(emu.state.teamUsers(emu.org.id, core.id)).toEqual([]);
    expectError(await control(emu, "DELETE", `/orgs/${emu.org.id}/users/${bo.id}`), 404, "USER_NOT_FOUND");
    expectError(await control(emu, "DELETE", `/orgs/${emu.org.id}/users/${ada.id}`), 403, "CANNOT_DELETE_LAST_OWNER");
    // From the org where ada is a plain member she may go; the API then no longer finds her there.
    expect((await control(emu, "DELETE", `/orgs/${other.id}/users/${ada.id}`)).status).toBe(204);
    expect(emu.state.members(other.id)).toEqual([]);
    expect(emu.state.snapshot().members.map((u) => u.username)).toEqual(["ada@example.com"]);
  });

  it("the state handle does the same in process: setMemberOrgRoles, setMemberTeams, addMemberToTeams, removeOrgUser", async () => {
    const { emu, c, core, ada, bo } = await world();
    const ops = emu.state.createTeam(emu.org.id, { name: "ops" });
    expect(emu.state.setMemberOrgRoles(emu.org.id, "bo@example.com", ["ORG_OWNER"]).roles).toEqual([
      { orgId: emu.org.id, roleName: "ORG_OWNER" },
    ]);
    expect(emu.state.setMemberTeams(emu.org.id, ada.id, [ops.id]).teamIds).toEqual([ops.id]);
    expect(emu.state.addMemberToTeams(emu.org.id, ada.id, [core.id, ops.id]).teamIds).toEqual([ops.id, core.id]);
    emu.state.removeOrgUser(emu.org.id, ada.id);
    expect(() => emu.state.removeOrgUser(emu.org.id, bo.id)).toThrow(/CANNOT_DELETE_LAST_OWNER/);
    expect(() => emu.state.setMemberOrgRoles(emu.org.id, ada.id, ["ORG_MEMBER"])).toThrow(/USER_NOT_FOUND/);
    const users = await orgUsers(c, emu.org.id);
    expect(users.map((u) => [u.username, u.roles.map((r) => r.roleName), u.teamIds])).toEqual([
      ["bo@example.com", ["ORG_OWNER"], [core.id]],
    ]);
    // ops lost its only user with ada (removing a member is not a team removal).
    expect(emu.state.teamUsers(emu.org.id, ops.id)).toEqual([]);
  });
});
