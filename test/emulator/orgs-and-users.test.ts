import { describe, expect, it } from "vitest";
import { DigestTestClient, control, emulator, errorCodeOf } from "./helpers";

interface UsersPage {
  links: { href: string; rel: string }[];
  results: { username: string }[];
  totalCount: number;
}

describe("organizations and users", () => {
  it("GET /orgs/{id} returns id, isDeleted, links and name, in that order", async () => {
    const emu = await emulator({ orgId: "5f1e2d3c4b5a69788796a5b4", orgName: "Acme Corp" });
    const reply = await new DigestTestClient(emu).call("GET", "/orgs/5f1e2d3c4b5a69788796a5b4");
    expect(reply.status).toBe(200);
    expect(reply.json).toEqual({
      id: "5f1e2d3c4b5a69788796a5b4",
      isDeleted: false,
      links: [{ href: `${emu.baseUrl}/orgs/5f1e2d3c4b5a69788796a5b4`, rel: "self" }],
      name: "Acme Corp",
    });
    expect(Object.keys(reply.json as object)).toEqual(["id", "isDeleted", "links", "name"]);
  });

  it("shows users with every documented field (country, links, mobileNumber too) in alphabetical order, everywhere", async () => {
    const emu = await emulator();
    const c = new DigestTestClient(emu);
    const added = await control(emu, "POST", `/orgs/${emu.org.id}/users`, {
      username: "ada@example.com",
      roles: ["ORG_MEMBER"],
      country: "GB",
      mobileNumber: "+447700900123",
    });
    expect(added.status).toBe(201);
    const plain = emu.state.addOrgUser(emu.org.id, { username: "bo.smith@example.com", roles: ["ORG_READ_ONLY"] });
    const page = (await c.call("GET", `/orgs/${emu.org.id}/users`)).json as { results: Record<string, unknown>[] };
    const ada = page.results[0] ?? {};
    const id = String(ada["id"]);
    expect(Object.keys(ada)).toEqual([
      "country",
      "emailAddress",
      "firstName",
      "id",
      "lastName",
      "links",
      "mobileNumber",
      "roles",
      "teamIds",
      "username",
    ]);
    expect(ada).toEqual({
      country: "GB",
      emailAddress: "ada@example.com",
      firstName: "Ada",
      id,
      lastName: "User",
      links: [{ href: `${emu.baseUrl}/users/${id}`, rel: "self" }],
      mobileNumber: "+447700900123",
      roles: [{ orgId: emu.org.id, roleName: "ORG_MEMBER" }],
      teamIds: [],
      username: "ada@example.com",
    });
    // Defaults when the profile does not say.
    expect(page.results[1]).toMatchObject({
      id: plain.id,
      country: "US",
      mobileNumber: "",
      links: [{ href: `${emu.baseUrl}/users/${plain.id}`, rel: "self" }],
    });
    // The self link resolves, and /users/byName answers the same shape.
    expect((await c.call("GET", `/users/${id}`)).json).toEqual(ada);
    expect((await c.call("GET", "/users/byName/ada@example.com")).json).toEqual(ada);
    const unknown = await c.call("GET", `/users/${"f".repeat(24)}`);
    expect(unknown.status).toBe(404);
    expect(errorCodeOf(unknown)).toBe("USER_NOT_FOUND");
    expect(errorCodeOf(await c.call("GET", "/users/not-an-id"))).toBe("INVALID_ATTRIBUTE");
    // Accepting an invitation may name them too.
    const inv = (await c.call("POST", `/orgs/${emu.org.id}/invites`, { username: "cy@example.com", roles: ["ORG_MEMBER"] })).json as {
      id: string;
    };
    const member = await control(emu, "POST", `/orgs/${emu.org.id}/invites/${inv.id}/accept`, {
      country: "FR",
      mobileNumber: "+33612345678",
    });
    expect(member.json).toMatchObject({ username: "cy@example.com", country: "FR", mobileNumber: "+33612345678" });
  });

  it("pages org users with pageNum/itemsPerPage, totalCount and self/previous/next links", async () => {
    const emu = await emulator();
    for (let i = 1; i <= 5; i++) {
      const added = await control(emu, "POST", `/orgs/${emu.org.id}/users`, { username: `user${i}@example.com`, roles: ["ORG_MEMBER"] });
      expect(added.status).toBe(201);
    }
    const c = new DigestTestClient(emu);
    const href = (page: number): string => `${emu.baseUrl}/orgs/${emu.org.id}/users?pageNum=${page}&itemsPerPage=2`;
    const page1 = (await c.call("GET", `/orgs/${emu.org.id}/users?itemsPerPage=2`)).json as UsersPage;
    expect(page1.totalCount).toBe(5);
    expect(page1.results.map((u) => u.username)).toEqual(["user1@example.com", "user2@example.com"]);
    expect(page1.links).toEqual([
      { href: href(1), rel: "self" },
      { href: href(2), rel: "next" },
    ]);
    const page2 = (await c.call("GET", `/orgs/${emu.org.id}/users?pageNum=2&itemsPerPage=2`)).json as UsersPage;
    expect(page2.results.map((u) => u.username)).toEqual(["user3@example.com", "user4@example.com"]);
    expect(page2.links.map((l) => l.rel)).toEqual(["previous", "self", "next"]);
    expect(page2.links[0]?.href).toBe(href(1));
    const page3 = (await c.call("GET", `/orgs/${emu.org.id}/users?pageNum=3&itemsPerPage=2`)).json as UsersPage;
    expect(page3.results.map((u) => u.username)).toEqual(["user5@example.com"]);
    expect(page3.links.map((l) => l.rel)).toEqual(["previous", "self"]);
    const beyond = (await c.call("GET", `/orgs/${emu.org.id}/users?pageNum=9&itemsPerPage=2`)).json as UsersPage;
    expect(beyond.results).toEqual([]);
    expect(beyond.totalCount).toBe(5);

    const all = (await c.call("GET", `/orgs/${emu.org.id}/users`)).json as UsersPage;
    expect(all.results).toHaveLength(5);
    expect(all.links).toEqual([{ href: `${emu.baseUrl}/orgs/${emu.org.id}/users?pageNum=1&itemsPerPage=100`, rel: "self" }]);
  });

  it("rejects itemsPerPage above 500 or non-positive page parameters with 400 INVALID_QUERY_PARAMETER", async () => {
    const emu = await emulator();
    const c = new DigestTestClient(emu);
    expect((await c.call("GET", `/orgs/${emu.org.id}/users?itemsPerPage=500`)).status).toBe(200);
    for (const q of ["itemsPerPage=501", "itemsPerPage=0", "pageNum=0", "pageNum=abc"]) {
      const reply = await c.call("GET", `/orgs/${emu.org.id}/users?${q}`);
      expect(reply.status).toBe(400);
      expect(errorCodeOf(reply)).toBe("INVALID_QUERY_PARAMETER");
    }
  });

  it("shows only the org's own roles and teams for a user in two orgs; byName shows all", async () => {
    const emu = await emulator();
    const other = emu.state.createOrg({ name: "Other" });
    const team = emu.state.createTeam(emu.org.id, { name: "t" });
    emu.state.addOrgUser(emu.org.id, { username: "both@example.com", roles: ["ORG_MEMBER"], teamIds: [team.id] });
    emu.state.addOrgUser(other.id, { username: "both@example.com", roles: ["ORG_OWNER"] });
    const c = new DigestTestClient(emu);
    const page = (await c.call("GET", `/orgs/${emu.org.id}/users`)).json as { results: { roles: unknown[]; teamIds: string[] }[] };
    expect(page.results[0]?.roles).toEqual([{ orgId: emu.org.id, roleName: "ORG_MEMBER" }]);
    expect(page.results[0]?.teamIds).toEqual([team.id]);
    const user = (await c.call("GET", "/users/byName/both@example.com")).json as { roles: unknown[] };
    expect(user.roles).toEqual([
      { orgId: emu.org.id, roleName: "ORG_MEMBER" },
      { orgId: other.id, roleName: "ORG_OWNER" },
    ]);
  });
});
