import { describe, expect, it } from "vitest";
import { until } from "../support/until";
import { DigestTestClient, control, emulator, errorCodeOf, raw } from "./helpers";

describe("fault injection", () => {
  it("status faults answer in the error shape with Retry-After, for `count` matching requests, then stop", async () => {
    const emu = await emulator();
    const c = new DigestTestClient(emu);
    await c.call("GET", `/orgs/${emu.org.id}`); // warm the nonce so each call below is one wire request
    const added = await control(emu, "POST", "/faults", {
      method: "GET",
      path: "/invites$",
      count: 2,
      fault: { type: "status", status: 503, retryAfter: 7 },
    });
    expect(added.status).toBe(201);
    expect(added.json).toMatchObject({ id: expect.any(Number) as unknown, hits: 0, count: 2 });

    for (let i = 0; i < 2; i++) {
      const reply = await c.call("GET", `/orgs/${emu.org.id}/invites`);
      expect(reply.status).toBe(503);
      expect(reply.headers.get("retry-after")).toBe("7");
      expect(errorCodeOf(reply)).toBe("SERVICE_UNAVAILABLE");
      expect((reply.json as { reason: string }).reason).toBe("Service Unavailable");
    }
    expect((await c.call("GET", `/orgs/${emu.org.id}/invites`)).status).toBe(200);
    expect((await control(emu, "GET", "/faults")).json).toEqual({ faults: [] });
  });

  it("matches method and path pattern only, and takes an errorCode; no Retry-After unless asked", async () => {
    const emu = await emulator();
    const c = new DigestTestClient(emu);
    await c.call("GET", `/orgs/${emu.org.id}`);
    emu.state.addFault({ method: "post", path: "/invites", fault: { type: "status", status: 429, errorCode: "RATE_LIMITED" } });
    expect((await c.call("GET", `/orgs/${emu.org.id}/invites`)).status).toBe(200);
    const hit = await c.call("POST", `/orgs/${emu.org.id}/invites`, { username: "f@example.com", roles: ["ORG_MEMBER"] });
    expect(hit.status).toBe(429);
    expect(errorCodeOf(hit)).toBe("RATE_LIMITED");
    expect(hit.headers.get("retry-after")).toBeNull();
    expect(emu.state.faults()[0]?.hits).toBe(1);
    expect((await control(emu, "DELETE", "/faults")).status).toBe(204);
    expect((await c.call("POST", `/orgs/${emu.org.id}/invites`, { username: "f@example.com", roles: ["ORG_MEMBER"] })).status).toBe(201);
  });

  it("a drop fault closes the connection without an answer and is logged with status 0", async () => {
    const emu = await emulator();
    emu.state.addFault({ path: "^/api/public/v1.0/orgs", count: 1, fault: { type: "drop" } });
    await expect(fetch(`${emu.baseUrl}/orgs/${emu.org.id}`)).rejects.toThrow();
    expect((await raw(`${emu.baseUrl}/orgs/${emu.org.id}`)).status).toBe(401);
    expect(emu.state.requests().map((r) => r.status)).toEqual([0, 401]);
  });

  it("a drop fault after the handler serves the request, then destroys the connection instead of answering", async () => {
    const emu = await emulator();
    const c = new DigestTestClient(emu);
    await c.call("GET", `/orgs/${emu.org.id}`); // warm the nonce: the POST below is one signed wire request
    emu.state.clearRequests();
    emu.state.addFault({ method: "POST", path: "/invites$", count: 1, fault: { type: "drop", after: "handler" } });
    const lost = await c
      .call("POST", `/orgs/${emu.org.id}/invites`, { username: "lost@example.com", roles: ["ORG_MEMBER"] })
      .catch((e: unknown) => e);
    // The client saw a dropped connection, no answer...
    expect(lost).toBeInstanceOf(TypeError);
    expect(String((lost as TypeError).cause)).toMatch(/other side closed|socket hang up|ECONNRESET|terminated/i);
    // ...but the server acted: the invitation exists, and the log shows the POST as dropped.
    expect(emu.state.pendingInvitations(emu.org.id).map((i) => i.username)).toEqual(["lost@example.com"]);
    expect(emu.state.requests().map((r) => `${r.method} ${r.status}`)).toEqual(["POST 0"]);
    // Used up: the next request is answered.
    expect((await c.call("GET", `/orgs/${emu.org.id}/invites`)).status).toBe(200);
  });

  it('a drop fault on arrival (the default, or after: "arrival") does nothing before destroying the connection', async () => {
    const emu = await emulator();
    const c = new DigestTestClient(emu);
    await c.call("GET", `/orgs/${emu.org.id}`);
    emu.state.addFault({ method: "POST", count: 1, fault: { type: "drop", after: "arrival" } });
    await expect(c.call("POST", `/orgs/${emu.org.id}/invites`, { username: "never@example.com", roles: ["ORG_MEMBER"] })).rejects.toThrow();
    expect(emu.state.invitations(emu.org.id)).toEqual([]);
  });

  it("a delay fault holds the answer back while other requests are served, until the faults are cleared", async () => {
    const emu = await emulator();
    const c = new DigestTestClient(emu);
    await c.call("GET", `/orgs/${emu.org.id}`);
    // Far longer than any test: only clearing the faults lets it go, so the order below is decided
    // by the test, not by how fast the machine is.
    emu.state.addFault({ path: "/invites$", count: 1, fault: { type: "delay", ms: 600_000 } });
    const order: string[] = [];
    const slow = c.call("GET", `/orgs/${emu.org.id}/invites`).then((r) => order.push(`slow ${r.status}`));
    // Wait until the delayed request has arrived (the fault is used up), then send a quick one.
    await until(() => emu.state.faults().length === 0, { what: "the delayed request to arrive (its fault used up)" });
    await c.call("GET", `/orgs/${emu.org.id}`).then((r) => order.push(`fast ${r.status}`));
    expect(order).toEqual(["fast 200"]);
    expect((await control(emu, "DELETE", "/faults")).status).toBe(204);
    await slow;
    expect(order).toEqual(["fast 200", "slow 200"]);
  });

  it("a delay fault answers normally once its time is up", async () => {
    const emu = await emulator();
    const c = new DigestTestClient(emu);
    await c.call("GET", `/orgs/${emu.org.id}`);
    emu.state.addFault({ path: "/invites$", count: 1, fault: { type: "delay", ms: 1 } });
    expect((await c.call("GET", `/orgs/${emu.org.id}/invites`)).status).toBe(200);
    expect(emu.state.faults()).toEqual([]);
  });

  it("seeded probability hits the same requests run after run; 0 never, 1 always", async () => {
    const pattern = async (seed: number, probability: number): Promise<number[]> => {
      const emu = await emulator();
      emu.state.addFault({ path: "^/nowhere", probability, seed, fault: { type: "status", status: 500 } });
      const statuses: number[] = [];
      for (let i = 0; i < 24; i++) statuses.push((await raw(`${emu.origin}/nowhere`)).status);
      await emu.close();
      return statuses;
    };
    const a = await pattern(42, 0.5);
    const b = await pattern(42, 0.5);
    expect(a).toEqual(b);
    expect(a).toContain(500);
    expect(a).toContain(404);
    expect(await pattern(7, 0)).toEqual(Array(24).fill(404));
    expect(await pattern(7, 1)).toEqual(Array(24).fill(500));
    expect(await pattern(43, 0.5)).not.toEqual(a);
  });

  it("hits the OAuth token endpoint too, and the default 500 code is UNEXPECTED_ERROR", async () => {
    const emu = await emulator();
    emu.state.addFault({ path: "^/api/oauth/token$", count: 1, fault: { type: "status", status: 500 } });
    const reply = await raw(`${emu.origin}/api/oauth/token`, { method: "POST" });
    expect(reply.status).toBe(500);
    expect(errorCodeOf(reply)).toBe("UNEXPECTED_ERROR");
  });

  it("rejects malformed fault bodies with 400", async () => {
    const emu = await emulator();
    for (const body of [
      {},
      { fault: { type: "explode" } },
      { fault: { type: "status", status: 200 } },
      { fault: { type: "delay" } },
      { path: "(", fault: { type: "drop" } },
      { fault: { type: "drop", after: "never" } },
      { fault: { type: "drop", ms: 5 } },
      { probability: 2, fault: { type: "drop" } },
      { count: 0, fault: { type: "drop" } },
      { extra: 1, fault: { type: "drop" } },
    ]) {
      expect((await control(emu, "POST", "/faults", body)).status).toBe(400);
    }
    expect(emu.state.faults()).toEqual([]);
  });
});
