import { afterAll, afterEach, beforeAll, describe, expect, it } from "vitest";
import { CloudManagerClient, type OrgUser } from "../../sdk";
import { MAX_PAGES } from "../../sdk/api/cloud-manager-client";
import { byPage, page, startScriptedServer, type Reply, type ScriptedServer } from "./support/scripted-server";
import { failure } from "./support/failure";

// listOrgUsers against servers whose paging is wrong: it must stop with a clear error, never loop
// for thousands of requests or return duplicated users.

const ORG = "5e2211c17a3e5a48f5497de3";

let server: ScriptedServer;
let client: CloudManagerClient;

function user(n: number): OrgUser {
  const id = n.toString(16).padStart(24, "0");
  return { id, username: `u${n}@example.com`, emailAddress: `u${n}@example.com`, firstName: "U", lastName: `${n}`, teamIds: [], roles: [] };
}

function users(from: number, count: number): OrgUser[] {
  return Array.from({ length: count }, (_, i) => user(from + i));
}

beforeAll(async () => {
  server = await startScriptedServer();
  client = new CloudManagerClient({ baseUrl: server.baseUrl, publicKey: "pubkeyab", privateKey: "private-key" });
});

afterEach(() => {
  server.fallback = undefined;
  server.arrived.length = 0;
});

afterAll(async () => {
  await client.close();
  await server.close();
});

describe("listOrgUsers stops on paging that cannot be right", () => {
  it("endless next links without totalCount: stops at the hard cap, not after 10 000 requests", async () => {
    server.fallback = byPage((n) => page(users(n * 10, 10), undefined, true));
    const error = await failure(client.listOrgUsers(ORG));
    expect(error.code).toBe("CLOUD_MANAGER_RESPONSE_ERROR");
    expect(error.message).toContain(`page ${MAX_PAGES}`);
    expect(error.message).toContain("next page");
    expect(server.arrived).toHaveLength(MAX_PAGES);
    expect(MAX_PAGES).toBeLessThanOrEqual(200);
  });

  it("endless next links past what totalCount allows: ceil(totalCount / 500) + 1 pages, then an error", async () => {
    // 1 200 users need 3 pages; one more is allowed for users added meanwhile. The server sends 10 a page.
    server.fallback = byPage((n) => page(users(n * 10, 10), 1_200, true));
    const error = await failure(client.listOrgUsers(ORG));
    expect(error.code).toBe("CLOUD_MANAGER_RESPONSE_ERROR");
    expect(error.message).toContain("1200 users (totalCount)");
    expect(server.arrived).toHaveLength(4);
    expect(error.path).toBe(`/api/public/v1.0/orgs/${ORG}/users?pageNum=4&itemsPerPage=500`);
  });

  it("the same page served again: stops at the first repeated user", async () => {
    server.fallback = page(users(0, 500), 1_000, true);
    const error = await failure(client.listOrgUsers(ORG));
    expect(error.code).toBe("CLOUD_MANAGER_RESPONSE_ERROR");
    expect(error.message).toContain(`page 2: it repeats user ${user(0).id}`);
    expect(server.arrived).toHaveLength(2);
  });

  it("the same page served again without totalCount: the same", async () => {
    server.fallback = page(users(0, 3), undefined, true);
    expect((await failure(client.listOrgUsers(ORG))).message).toContain("repeats user");
    expect(server.arrived).toHaveLength(2);
  });

  it("a user twice on one page", async () => {
    server.fallback = page([user(1), user(2), user(1)], 3, false);
    expect((await failure(client.listOrgUsers(ORG))).message).toContain(`page 1: it repeats user ${user(1).id}`);
  });

  it("totalCount lying low: more users than it says, on one page or across pages", async () => {
    server.fallback = page(users(0, 5), 3, false);
    const error = await failure(client.listOrgUsers(ORG));
    expect(error.code).toBe("CLOUD_MANAGER_RESPONSE_ERROR");
    expect(error.message).toContain("5 users so far, but totalCount says 3");

    server.fallback = byPage((n) => page(users(n * 500, 500), 600, true));
    expect((await failure(client.listOrgUsers(ORG))).message).toContain("page 2: 1000 users so far, but totalCount says 600");
    expect(server.arrived).toHaveLength(3);
  });
});

it("ceil(totalCount / 500) + 1 pages are read (short pages, e.g. members removed meanwhile); a link past them is refused", async () => {
  const sizes = (list: number[]): Reply => byPage((n) => page(users(n * 1_000, list[n - 1] ?? 0), 1_000, n < list.length));
  // 1 000 users: 2 pages, plus 1 of slack.
  server.fallback = sizes([499, 499, 2]);
  expect(await client.listOrgUsers(ORG)).toHaveLength(1_000);
  expect(server.arrived).toHaveLength(3);

  server.arrived.length = 0;
  server.fallback = sizes([499, 499, 1, 1]);
  const error = await failure(client.listOrgUsers(ORG));
  expect(error.message).toContain("page 3: it links to a next page, but 3 pages should hold all 1000 users (totalCount)");
  expect(server.arrived).toHaveLength(3);
});
