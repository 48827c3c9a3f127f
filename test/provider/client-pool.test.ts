// The client pool across a credential rotation: the old client is closed once no operation uses
// it, and an operation in flight on it finishes first. A real node:http server answers, and holds
// the answers the test wants held until the test releases them (no timing).
import { createServer, type IncomingMessage, type Server, type ServerResponse } from "node:http";
import type { AddressInfo } from "node:net";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { ClientPool } from "../../provider/runtime/client-pool";
import type { ResolvedConnection } from "../../provider/runtime/credentials";

const ORG = "5f1b2c3d4e5f6a7b8c9d0e1f";

let server: Server;
let baseUrl: string;
/** Requests held by the server: answered when the test calls `answer`. */
const held: { answer: () => void }[] = [];
let holdNext = false;
const arrived: (() => void)[] = [];

beforeAll(async () => {
  server = createServer((req: IncomingMessage, res: ServerResponse) => {
    const reply = () => {
      res.writeHead(200, { "content-type": "application/json" });
      res.end(JSON.stringify({ id: ORG, name: "Org", links: [] }));
    };
    if (holdNext) {
      holdNext = false;
      held.push({ answer: reply });
      for (const notify of arrived.splice(0)) notify();
    } else {
      reply();
    }
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  baseUrl = `http://127.0.0.1:${(server.address() as AddressInfo).port}/api/public/v1.0`;
});
afterAll(async () => {
  server.closeAllConnections();
  await new Promise<void>((resolve) => server.close(() => resolve()));
});

const key = (publicKey: string): ResolvedConnection => ({
  baseUrl,
  auth: { kind: "apiKey", publicKey, privateKey: `${publicKey}-private` },
  credentialSource: "test",
});
const untilHeld = () => new Promise<void>((resolve) => arrived.push(resolve));

describe("ClientPool", () => {
  it("keeps one client for unchanged settings", async () => {
    const pool = new ClientPool({ report: () => {}, userAgent: "test" });
    for (let i = 0; i < 3; i++) await pool.use(key("one"), ORG, (api) => api.call((c) => c.getOrganization(ORG)));
    expect(pool.openClients).toBe(1);
    await pool.closeAll();
    expect(pool.openClients).toBe(0);
  });

  it("closes the client of rotated settings at once when no operation uses it", async () => {
    const pool = new ClientPool({ report: () => {}, userAgent: "test" });
    await pool.use(key("old"), ORG, (api) => api.call((c) => c.getOrganization(ORG)));
    await pool.use(key("new"), ORG, (api) => api.call((c) => c.getOrganization(ORG)));
    expect(pool.openClients).toBe(1);
    await pool.closeAll();
  });

  it("keeps one client per organization when each has its own key, however their operations interleave (issue 18)", async () => {
    const pool = new ClientPool({ report: () => {}, userAgent: "test" });
    const OTHER = "6a7b8c9d0e1f5f1b2c3d4e5f";
    const clientsSeen = new Set<unknown>();
    for (let i = 0; i < 3; i++) {
      await pool.use(key("key-of-a"), ORG, (api) => api.call(async (c) => clientsSeen.add(c)));
      await pool.use(key("key-of-b"), OTHER, (api) => api.call(async (c) => clientsSeen.add(c)));
    }
    expect(pool.openClients).toBe(2);
    // Two clients in all: none was closed and reopened between the alternating operations.
    expect(clientsSeen.size).toBe(2);
    await pool.closeAll();
  });

  it("lets an operation in flight on the old client finish (more calls included), then closes that client", async () => {
    const pool = new ClientPool({ report: () => {}, userAgent: "test" });
    holdNext = true;
    const arrivedAtServer = untilHeld();
    const oldOperation = pool.use(key("old"), ORG, async (api) => {
      const first = await api.call((c) => c.getOrganization(ORG)); // held by the server
      const second = await api.call((c) => c.getOrganization(ORG)); // after the rotation
      return [first.id, second.id];
    });
    await arrivedAtServer;

    // Meanwhile another operation runs with the rotated key: the old client is still in use.
    await pool.use(key("new"), ORG, (api) => api.call((c) => c.getOrganization(ORG)));
    expect(pool.openClients).toBe(2);

    held.shift()?.answer();
    expect(await oldOperation).toEqual([ORG, ORG]);
    expect(pool.openClients).toBe(1);
    // The current client still works.
    await expect(pool.use(key("new"), ORG, (api) => api.call((c) => c.getOrganization(ORG)))).resolves.toMatchObject({ id: ORG });
    await pool.closeAll();
  });

  it("keeps a client whose settings come back while it is still in use", async () => {
    const pool = new ClientPool({ report: () => {}, userAgent: "test" });
    holdNext = true;
    const arrivedAtServer = untilHeld();
    const a = pool.use(key("a"), ORG, (api) => api.call((c) => c.getOrganization(ORG)));
    await arrivedAtServer;
    await pool.use(key("b"), ORG, (api) => api.call((c) => c.getOrganization(ORG)));
    // a's settings are current again: b is closed, a (still in use) is reused, not reopened. This
    // call queues behind the held one (the client's first, unsigned request probes for a challenge).
    const again = pool.use(key("a"), ORG, (api) => api.call((c) => c.getOrganization(ORG)));
    expect(pool.openClients).toBe(1);
    held.shift()?.answer();
    await expect(a).resolves.toMatchObject({ id: ORG });
    await expect(again).resolves.toMatchObject({ id: ORG });
    expect(pool.openClients).toBe(1);
    await pool.closeAll();
  });
});
