import { describe, expect, it } from "vitest";
import { DigestTestClient, control, emulator, errorCodeOf } from "./helpers";

interface UsersPage {
  links: { href: string; rel: string }[];
  results: { username: string }[];
  totalCount: number;
}

describe("organizations and users", () => {
  it("GET /orgs/{id} returns id, links and name", async () => {
    const emu = await emulator({ orgId: "5f1e2d3c4b5a69788796a5b4", orgName: "Acme Corp" });
    const reply = await new DigestTestClient(emu).call("GET", "/orgs/5f1e2d3c4b5a69788796a5b4");
    expect(reply.status).toBe(200);
    expect(reply.json).toEqual({
      id: "5f1e2d3c4b5a69788796a5b4",
      links: [{ href: `${emu.baseUrl}/orgs/5f1e2d3c4b5a69788796a5b4`, rel: "self" }],
      name: "Acme Corp",
    });
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
