import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it, vi } from "vitest";
import { CloudManagerClient, type ClientLogEvent, type OrgUser } from "../../sdk";
import { MAX_PAGES, PAGES_AT_ONCE } from "../../sdk/api/cloud-manager-client";
import { byPage, challenge, errorReply, page, startScriptedServer, type Reply, type ScriptedServer } from "./support/scripted-server";
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

/** A client of the scripted server; `options` adds a clock or a log hook. */
function clientOf(options: Omit<ConstructorParameters<typeof CloudManagerClient>[0], "baseUrl" | "publicKey" | "privateKey"> = {}) {
  return new CloudManagerClient({ baseUrl: server.baseUrl, publicKey: "pubkeyab", privateKey: "private-key", ...options });
}

beforeAll(async () => {
  server = await startScriptedServer();
  client = clientOf();
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

describe("listOrgUsers asks for the pages the first one announced a few at a time, and checks them in order", () => {
  // A client of its own per test, challenged first as Cloud Manager does: until it holds a Digest
  // challenge, the client sends one request at a time to fetch it.
  let pager: CloudManagerClient;
  beforeEach(() => {
    pager = clientOf();
    server.enqueue(challenge("paging-nonce"));
  });
  afterEach(async () => {
    await pager.close();
  });
  /** Page `n` of 2,300 users: four of 500, then 300. */
  const of2300 = (n: number): Reply => page(users((n - 1) * 500, Math.max(0, Math.min(500, 2_300 - (n - 1) * 500))), 2_300, n < 5);
  const pageOf = (req: { url: string }) => Number(new URL(req.url, "http://x").searchParams.get("pageNum"));
  const arrivedPages = () => new Set(server.arrived.map(pageOf));
  /** Pages 3-5, the ones asked for ahead of page 2, have all arrived. */
  const aheadArrived = () => [3, 4, 5].every((p) => arrivedPages().has(p));
  /**
   * `reply`, once `ready()`; a pager that asks for one page at a time never makes it ready, so after
   * five seconds it is answered anyway and that pager fails the assertions instead of hanging.
   */
  const heldUntil =
    (ready: () => boolean, reply: Reply, answered?: () => void): Reply =>
    async (req, res) => {
      for (let waited = 0; !ready() && waited < 5_000; waited += 5) await new Promise((resolve) => setTimeout(resolve, 5));
      await reply(req, res);
      answered?.();
    };

  it("2,300 users: page 1, then pages 2-5 at once; answered last to first, listed first to last", async () => {
    const answered: number[] = [];
    server.fallback = byPage((n) => {
      // Page 5 at once, each earlier one after the one behind it: the reverse of the order they are listed in.
      const ready = n === 1 || n === 5 ? () => true : () => answered.includes(n + 1);
      return heldUntil(ready, of2300(n), () => answered.push(n));
    });
    const listed = await pager.listOrgUsers(ORG);
    expect(listed.map((u) => u.id)).toEqual(users(0, 2_300).map((u) => u.id));
    expect(answered).toEqual([1, 5, 4, 3, 2]);
    expect(server.arrived.map(pageOf)).toEqual([1, 1, 2, 3, 4, 5]); // the first one unsigned, challenged
  });

  it(`a page that fails a check ends the listing with at most ${PAGES_AT_ONCE} pages asked for past it`, async () => {
    // 20,000 announced (40 pages); page 2 repeats a user of page 1, answered once pages 3-5 have arrived.
    server.fallback = byPage((n) => {
      if (n === 1) return page(users(0, 500), 20_000, true);
      if (n === 2) return heldUntil(aheadArrived, page(users(499, 500), 20_000, true));
      return page(users((n - 1) * 500, 500), 20_000, true);
    });
    const error = await failure(pager.listOrgUsers(ORG));
    expect(error.message).toContain(`page 2: it repeats user ${user(499).id}`);
    expect([...arrivedPages()].sort((a, b) => a - b)).toEqual([1, 2, 3, 4, 5]);
    expect(PAGES_AT_ONCE).toBe(4);
  });

  it("pages asked for ahead are dropped, their errors with them, when an earlier page is the last", async () => {
    // 20,000 announced, but page 2 links to no next page: the listing ends there, as it always has.
    server.fallback = byPage((n) => {
      if (n === 1) return page(users(0, 500), 20_000, true);
      if (n === 2) return heldUntil(aheadArrived, page(users(500, 500), 20_000, false));
      return errorReply(400, "INVALID_QUERY_PARAMETER", `page ${n} was never meant to be read`);
    });
    const listed = await pager.listOrgUsers(ORG);
    expect(listed).toHaveLength(1_000);
    expect([...arrivedPages()].sort((a, b) => a - b)).toEqual([1, 2, 3, 4, 5]);
  });

  it("pages asked for ahead and still in flight when the listing ends are cut off then, not left to run to their timeout", async () => {
    const cutOff: number[] = [];
    server.fallback = byPage((n) => {
      if (n === 1) return page(users(0, 500), 20_000, true);
      if (n === 2) return heldUntil(aheadArrived, page(users(500, 500), 20_000, false));
      // Never answered: open until the client closes the request.
      return (req, res) =>
        new Promise<void>((resolve) =>
          res.on("close", () => {
            if (!res.writableEnded) cutOff.push(pageOf(req));
            resolve();
          }),
        );
    });
    const listed = await pager.listOrgUsers(ORG);
    expect(listed).toHaveLength(1_000);
    // Well before the client's close (afterEach) or the request timeout: at the listing's end.
    await vi.waitFor(() => expect(cutOff.sort()).toEqual([3, 4, 5]), { timeout: 2_000 });
    expect(server.arrived.map(pageOf).sort()).toEqual([1, 1, 2, 3, 4, 5]); // none asked again
  });

  describe("a page asked for ahead and rate limited is not retried once the listing has ended without it", () => {
    // Retries wait on this clock until their signal aborts; each "not retried" event is one page let go.
    const waits: AbortSignal[] = [];
    const events: ClientLogEvent[] = [];
    let listingEnded = false;
    let limited: CloudManagerClient;
    beforeEach(() => {
      waits.length = 0;
      events.length = 0;
      const sleep = (_ms: number, signal: AbortSignal) => {
        waits.push(signal);
        return new Promise<void>((_resolve, reject) =>
          signal.addEventListener("abort", () => reject(signal.reason as Error), { once: true }),
        );
      };
      // The challenge enqueued for `pager` goes to this client's first request instead.
      limited = clientOf({ clock: { sleep }, onLog: (event) => events.push(event) });
    });
    afterEach(async () => {
      await limited.close();
    });
    const letGo = () => events.filter((event) => event.message.includes("not retried, its answer is no longer needed"));

    it.each([
      ["while they wait to retry", () => waits.length === 3, () => true],
      ["when their answer comes after it", () => true, () => listingEnded],
    ])("%s", async (_when, page2Ready, aheadReady) => {
      listingEnded = false;
      server.fallback = byPage((n) => {
        if (n === 1) return page(users(0, 500), 20_000, true);
        if (n === 2) return heldUntil(() => aheadArrived() && page2Ready(), page(users(500, 500), 20_000, false));
        return heldUntil(aheadReady, errorReply(429, "RATE_LIMITED", "Too many requests"));
      });
      const listed = await limited.listOrgUsers(ORG);
      listingEnded = true;
      expect(listed).toHaveLength(1_000);
      await vi.waitFor(() => expect(letGo()).toHaveLength(3), { timeout: 6_000 });
      expect(
        letGo()
          .map((event) => pageOf({ url: event.path ?? "" }))
          .sort(),
      ).toEqual([3, 4, 5]);
      expect(waits.every((signal) => signal.aborted)).toBe(true);
      expect(server.arrived.map(pageOf).sort()).toEqual([1, 1, 2, 3, 4, 5]); // each page once: none asked again
    });
  });

  it("a page asked for ahead that meets a rate limit while the listing goes on is asked again and listed in its place", async () => {
    // Retries wait no real time here; the challenge enqueued for `pager` goes to this client's first request.
    const retrying = clientOf({ clock: { sleep: async () => {} } });
    try {
      let limitedOnce = false;
      server.fallback = byPage((n) => {
        if (n === 3 && !limitedOnce) {
          limitedOnce = true;
          return errorReply(429, "RATE_LIMITED", "Too many requests");
        }
        return of2300(n);
      });
      const listed = await retrying.listOrgUsers(ORG);
      expect(listed.map((u) => u.id)).toEqual(users(0, 2_300).map((u) => u.id));
      expect(server.arrived.map(pageOf).sort()).toEqual([1, 1, 2, 3, 3, 4, 5]);
    } finally {
      await retrying.close();
    }
  });

  it("without totalCount nothing is asked for ahead: one page at a time, as the links say", async () => {
    server.fallback = byPage((n) => page(users((n - 1) * 500, n < 3 ? 500 : 10), undefined, n < 3));
    expect(await pager.listOrgUsers(ORG)).toHaveLength(1_010);
    expect(server.arrived.map(pageOf)).toEqual([1, 1, 2, 3]);
  });

  it("entries added meanwhile: pages past the announced ones are read one at a time, within the usual bound", async () => {
    // Page 1 announces 1,000 (2 pages); page 2 says 1,200 and links on: page 3 is read after it.
    server.fallback = byPage((n) => page(users((n - 1) * 500, n < 3 ? 500 : 200), n === 1 ? 1_000 : 1_200, n < 3));
    expect(await pager.listOrgUsers(ORG)).toHaveLength(1_200);
    expect(server.arrived.map(pageOf)).toEqual([1, 1, 2, 3]);
  });
});
