// The control plane has no auth: browsers (CSRF from any page, DNS rebinding) must not reach it.
import type { IncomingMessage } from "node:http";
import { describe, expect, it } from "vitest";
import { guardControlPlane } from "../../emulator/control-plane-guard";
import { ApiError } from "../../emulator/errors";
import { DigestTestClient, control, emulator, errorCodeOf, raw } from "./helpers";
import { rawRequest } from "./raw-http";

const hostOf = (origin: string): string => new URL(origin).host;

/** A control-plane call with exactly these headers (Host included), on its own connection. */
async function controlWith(
  origin: string,
  method: string,
  path: string,
  headers: Record<string, string>,
  body = "",
): Promise<{ status: number; errorCode: string | undefined }> {
  const lines = Object.entries({ Host: hostOf(origin), ...headers }).map(([k, v]) => `${k}: ${v}\r\n`);
  const length = body === "" && method !== "POST" ? "" : `Content-Length: ${Buffer.byteLength(body)}\r\n`;
  const res = await rawRequest(
    origin,
    `${method} /__emulator${path} HTTP/1.1\r\n${lines.join("")}${length}Connection: close\r\n\r\n`,
    body,
  );
  return { status: res.status, errorCode: res.body ? (JSON.parse(res.body) as { errorCode?: string }).errorCode : undefined };
}

describe("control plane against browsers", () => {
  it("refuses text/plain and type-less POSTs (what a page can send without a preflight) with 415, acting on nothing", async () => {
    const emu = await emulator();
    await new DigestTestClient(emu).call("POST", `/orgs/${emu.org.id}/invites`, { username: "kept@example.com", roles: ["ORG_MEMBER"] });
    const reset = await raw(`${emu.origin}/__emulator/reset`, { method: "POST", headers: { "Content-Type": "text/plain" }, body: "{}" });
    expect(reset.status).toBe(415);
    expect(errorCodeOf(reset)).toBe("UNSUPPORTED_MEDIA_TYPE");
    expect((await raw(`${emu.origin}/__emulator/reset`, { method: "POST" })).status).toBe(415);
    const form = await raw(`${emu.origin}/__emulator/orgs`, {
      method: "POST",
      headers: { "Content-Type": "application/x-www-form-urlencoded" },
      body: '{"name":"Evil"}',
    });
    expect(form.status).toBe(415);
    const plain = await raw(`${emu.origin}/__emulator/orgs`, { method: "POST", body: JSON.stringify({ name: "Evil" }) });
    expect(plain.status).toBe(415);
    expect(emu.state.invitations()).toHaveLength(1);
    expect(emu.state.orgs()).toHaveLength(1);
    // A body on PUT needs the type too; the JSON client is served.
    expect(
      (
        await raw(`${emu.origin}/__emulator/settings`, {
          method: "PUT",
          headers: { "Content-Type": "text/plain" },
          body: '{"duplicateInvitations":"reject"}',
        })
      ).status,
    ).toBe(415);
    expect((await control(emu, "POST", "/reset")).status).toBe(204);
    expect(emu.state.invitations()).toEqual([]);
  });

  it("refuses a foreign Origin (another site, another local port, null) with 403, on every method", async () => {
    const emu = await emulator();
    const port = new URL(emu.origin).port;
    const json = { "Content-Type": "application/json" };
    for (const origin of [
      "http://evil.example",
      `http://evil.example:${port}`,
      "http://localhost:3000",
      `https://127.0.0.1:${port}`,
      "null",
    ]) {
      expect(await controlWith(emu.origin, "POST", "/reset", { ...json, Origin: origin })).toEqual({
        status: 403,
        errorCode: "CONTROL_PLANE_FOREIGN_ORIGIN",
      });
      expect(await controlWith(emu.origin, "GET", "/state", { Origin: origin })).toEqual({
        status: 403,
        errorCode: "CONTROL_PLANE_FOREIGN_ORIGIN",
      });
    }
    expect(await controlWith(emu.origin, "POST", "/orgs", { ...json, Origin: "http://evil.example" }, '{"name":"Evil"}')).toMatchObject({
      status: 403,
    });
    expect(emu.state.orgs()).toHaveLength(1);
    // The emulator's own origin, however it is addressed, is fine.
    expect(await controlWith(emu.origin, "GET", "/state", { Origin: emu.origin })).toMatchObject({ status: 200 });
    expect(
      await controlWith(emu.origin, "POST", "/reset", { ...json, Host: `localhost:${port}`, Origin: `http://localhost:${port}` }),
    ).toMatchObject({ status: 204 });
  });

  it("refuses a Host that is not loopback or the emulator's own address (DNS rebinding) with 403", async () => {
    const emu = await emulator();
    const port = new URL(emu.origin).port;
    for (const host of [`evil.example:${port}`, "evil.example", `localhost.evil.example:${port}`, `10.1.2.3:${port}`]) {
      expect(await controlWith(emu.origin, "GET", "/state", { Host: host })).toEqual({
        status: 403,
        errorCode: "CONTROL_PLANE_FOREIGN_HOST",
      });
    }
    for (const host of [
      `127.0.0.1:${port}`,
      `localhost:${port}`,
      `LOCALHOST:${port}`,
      `app.localhost:${port}`,
      `127.0.0.2:${port}`,
      `[::1]:${port}`,
      "localhost",
    ]) {
      expect(await controlWith(emu.origin, "GET", "/state", { Host: host })).toMatchObject({ status: 200 });
    }
    // The API itself has its own authentication and takes any Host.
    const api = await rawRequest(
      emu.origin,
      `GET /api/public/v1.0/orgs/${emu.org.id} HTTP/1.1\r\nHost: evil.example\r\nConnection: close\r\n\r\n`,
    );
    expect(api.status).toBe(401);
  });

  it("accepts the names given in controlPlaneHosts (e.g. a compose service name)", async () => {
    const emu = await emulator({ controlPlaneHosts: ["cloudmanager-emulator"] });
    expect(await controlWith(emu.origin, "GET", "/state", { Host: "cloudmanager-emulator:8080" })).toMatchObject({ status: 200 });
    expect(await controlWith(emu.origin, "GET", "/state", { Host: "other:8080" })).toMatchObject({ status: 403 });
  });

  it("accepts the address a connection arrived at (listening on all interfaces, reached by the machine's IP)", () => {
    const fake = (host: string, localAddress: string, localPort: number): IncomingMessage =>
      ({ method: "GET", headers: { host }, socket: { localAddress, localPort } }) as unknown as IncomingMessage;
    expect(() => guardControlPlane(fake("192.168.1.10:8080", "192.168.1.10", 8080), [])).not.toThrow();
    expect(() => guardControlPlane(fake("[fd00::5]:8080", "fd00::5", 8080), [])).not.toThrow();
    expect(() => guardControlPlane(fake("192.168.1.10", "::ffff:192.168.1.10", 80), [])).not.toThrow();
    // Another port on the same address, or another address, is someone else.
    for (const [host, local] of [
      ["192.168.1.10:9090", "192.168.1.10"],
      ["192.168.1.11:8080", "192.168.1.10"],
    ] as const) {
      let thrown: unknown;
      try {
        guardControlPlane(fake(host, local, 8080), []);
      } catch (error) {
        thrown = error;
      }
      expect(thrown).toBeInstanceOf(ApiError);
      expect((thrown as ApiError).errorCode).toBe("CONTROL_PLANE_FOREIGN_HOST");
    }
  });
});
