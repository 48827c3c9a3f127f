// The transport loads only the parts of undici it uses, from undici's own files (sdk/transport/undici-parts.ts):
// proved on the installed, exactly pinned undici in a fresh Node process on the built client (what a
// provider process runs), and the fallback to undici's index when a file is not where it was.

import { createRequire } from "node:module";
import { createServer, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import { join, resolve } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { loadUndiciParts, UNDICI_PART_FILES } from "../../sdk/transport/undici-parts";
import { runNodeScript } from "../support/node-script";

const ROOT = resolve(__dirname, "../..");
const nodeRequire: (id: string) => unknown = createRequire(__filename);

let server: Server;
let origin: string;

beforeAll(async () => {
  server = createServer((req, res) => {
    res.setHeader("content-type", "application/json");
    res.end(JSON.stringify({ path: req.url, method: req.method }));
  });
  await new Promise<void>((done) => server.listen(0, "127.0.0.1", done));
  origin = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
});

afterAll(async () => {
  await new Promise((done) => server.close(done));
});

// One GET through the built HttpTransport, then the undici files this process loaded.
const SEND_ONCE = `
const { HttpTransport } = require(${JSON.stringify(join(ROOT, "dist/sdk/transport/http-transport.js"))});
const t = new HttpTransport({ requestTimeoutMs: 5000, env: {} });
t.send({ method: "GET", url: new URL(process.env.TARGET), headers: { accept: "application/json" } }).then(async (r) => {
  await t.close();
  const loaded = Object.keys(require.cache).filter((f) => f.includes("/node_modules/undici/")).map((f) => f.slice(f.lastIndexOf("/node_modules/undici/") + 21));
  console.log(JSON.stringify({ status: r.status, body: r.body.toString(), loaded }));
});
`;

describe("undici's parts", () => {
  it("a provider process's request loads undici's agent and request files, never its index (no fetch, WebSocket, caches or mocks)", async () => {
    const run = await runNodeScript(SEND_ONCE, ROOT, { TARGET: `${origin}/api/public/v1.0/orgs?pageNum=2` });
    expect(run.code, run.stderr).toBe(0);
    const out = JSON.parse(run.stdout) as { status: number; body: string; loaded: string[] };
    expect(out.status).toBe(200);
    // The path and query arrive as sent: origin and path are split by us, not by undici's index.
    expect(JSON.parse(out.body)).toEqual({ path: "/api/public/v1.0/orgs?pageNum=2", method: "GET" });
    expect(out.loaded).toEqual(expect.arrayContaining(["lib/dispatcher/agent.js", "lib/api/api-request.js"]));
    expect(out.loaded).not.toContain("index.js");
    expect(out.loaded.filter((f) => /^lib\/(web|mock|cache)\//.test(f))).toEqual([]);
  });

  it("the pinned undici has every file the transport loads", () => {
    const parts = loadUndiciParts(nodeRequire);
    expect(parts.loadedFrom).toBe("files");
    expect(typeof parts.EnvHttpProxyAgent()).toBe("function");
    for (const file of Object.values(UNDICI_PART_FILES)) expect(nodeRequire(file), file).toBeTruthy();
  });

  it("falls back to undici's index when a file is not where this version had it, and still sends", async () => {
    const moved = (id: string): unknown => {
      if (id.startsWith("undici/lib/")) throw Object.assign(new Error(`Cannot find module '${id}'`), { code: "MODULE_NOT_FOUND" });
      return nodeRequire(id);
    };
    const parts = loadUndiciParts(moved);
    expect(parts.loadedFrom).toBe("index");
    const agent = new parts.Agent();
    try {
      const response = await agent.request({ origin, path: "/x?y=1", method: "GET" });
      expect(response.statusCode).toBe(200);
      expect(JSON.parse(await response.body.text())).toEqual({ path: "/x?y=1", method: "GET" });
    } finally {
      await agent.close();
    }
    expect(typeof parts.EnvHttpProxyAgent()).toBe("function");
  });
});
