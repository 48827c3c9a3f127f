import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { inspect } from "node:util";
import { CloudManagerClient, isCloudManagerError, type CloudManagerError } from "../../sdk";
import {
  challenge,
  digestIsValid,
  digestParams,
  json,
  startScriptedServer,
  type Reply,
  type ScriptedServer,
} from "./support/scripted-server";

const ORG = "5e2211c17a3e5a48f5497de3";
const PUBLIC_KEY = "pubkeyab";
const PRIVATE_KEY = "0d9b3c4e-5f6a-4b7c-8d9e-0f1a2b3c4d5e";
const organization = json(200, { id: ORG, name: "Acme" });

/** A server that checks signatures like Cloud Manager: unsigned or wrongly signed → challenge. */
function digestGate(nonce: () => string, password = PRIVATE_KEY): Reply {
  return (req, res) => {
    if (digestIsValid(req, PUBLIC_KEY, password) && digestParams(req).get("nonce") === nonce()) return organization(req, res);
    return challenge(nonce())(req, res);
  };
}

let server: ScriptedServer;
let client: CloudManagerClient;

beforeEach(async () => {
  server = await startScriptedServer();
  client = new CloudManagerClient({ baseUrl: server.baseUrl, publicKey: PUBLIC_KEY, privateKey: PRIVATE_KEY });
});

afterEach(async () => {
  await client.close();
  await server.close();
});

describe("Digest auth against a scripted server", () => {
  it("fetches the challenge once, then signs every call up front with nc counting in hex", async () => {
    server.fallback = digestGate(() => "nonce-1");
    for (let i = 0; i < 11; i++) await client.getOrganization(ORG);

    // 11 calls: one unsigned probe + 11 signed requests.
    expect(server.arrived).toHaveLength(12);
    expect(server.arrived[0]?.headers.authorization).toBeUndefined();
    const ncs = server.arrived.slice(1).map((req) => digestParams(req).get("nc"));
    expect(ncs).toEqual([
      "00000001",
      "00000002",
      "00000003",
      "00000004",
      "00000005",
      "00000006",
      "00000007",
      "00000008",
      "00000009",
      "0000000a",
      "0000000b",
    ]);
    for (const req of server.arrived.slice(1)) {
      expect(digestIsValid(req, PUBLIC_KEY, PRIVATE_KEY)).toBe(true);
      expect(digestParams(req).get("qop")).toBe("auth");
      expect(digestParams(req).get("algorithm")).toBe("MD5");
    }
    const cnonces = new Set(server.arrived.slice(1).map((req) => digestParams(req).get("cnonce")));
    expect(cnonces.size).toBe(11);
  });

  it("drains 401 bodies: the whole exchange stays on one keep-alive connection", async () => {
    server.fallback = digestGate(() => "nonce-1");
    await client.getOrganization(ORG);
    await client.getOrganization(ORG);
    expect(server.arrived.map((req) => req.connection)).toEqual([1, 1, 1]);
    expect(server.connections()).toBe(1);
  });

  it("recovers from a stale nonce in exactly one extra round trip and restarts nc at 00000001", async () => {
    let nonce = "nonce-1";
    server.fallback = digestGate(() => nonce);
    await client.getOrganization(ORG);
    await client.getOrganization(ORG);
    server.arrived.length = 0;

    nonce = "nonce-2";
    server.enqueue(challenge("nonce-2", true));
    await client.getOrganization(ORG);
    await client.getOrganization(ORG);

    expect(server.arrived.map((req) => [digestParams(req).get("nonce"), digestParams(req).get("nc")])).toEqual([
      ["nonce-1", "00000003"], // signed up front with the cached, now stale nonce
      ["nonce-2", "00000001"], // the one extra round trip
      ["nonce-2", "00000002"],
    ]);
  });

  it("a wrong private key ends in one clean 401 error naming the public key, without a loop", async () => {
    const wrong = new CloudManagerClient({ baseUrl: server.baseUrl, publicKey: PUBLIC_KEY, privateKey: "not-the-key" });
    let counter = 0;
    // A fresh nonce on every 401, as a server may do: still no loop.
    server.fallback = (req, res) => {
      counter += 1;
      return digestGate(() => `nonce-${counter}`)(req, res);
    };
    const error = await wrong.getOrganization(ORG).then(
      () => undefined,
      (e: unknown) => e,
    );
    await wrong.close();
    expect(isCloudManagerError(error)).toBe(true);
    const e = error as CloudManagerError;
    expect(e.status).toBe(401);
    expect(e.code).toBe("CLOUD_MANAGER_API_ERROR");
    expect(e.message).toContain(`public key "${PUBLIC_KEY}"`);
    expect(e.message).not.toContain("not-the-key");
    expect(inspect(e)).not.toContain("not-the-key");
    // unsigned probe + one signed attempt; the 401 is final.
    expect(server.arrived).toHaveLength(2);
  });

  it("a wrong key on a warm client costs one re-challenge, then stops", async () => {
    server.fallback = digestGate(() => "nonce-1");
    await client.getOrganization(ORG);
    server.arrived.length = 0;
    server.fallback = digestGate(() => "nonce-9", "rotated-key");
    await expect(client.getOrganization(ORG)).rejects.toMatchObject({ status: 401 });
    expect(server.arrived).toHaveLength(2);
  });

  it("a 401 without a challenge (a role problem) is not re-signed", async () => {
    server.fallback = digestGate(() => "nonce-1");
    await client.getOrganization(ORG);
    server.arrived.length = 0;
    server.enqueue(
      json(401, { detail: "Unauthorized", error: 401, errorCode: "USER_UNAUTHORIZED", parameters: [], reason: "Unauthorized" }),
    );
    const error = (await client.getOrganization(ORG).catch((e: unknown) => e)) as CloudManagerError;
    expect(error.errorCode).toBe("USER_UNAUTHORIZED");
    expect(error.message).toContain("Organization Owner");
    expect(error.message).toContain(ORG);
    expect(server.arrived).toHaveLength(1);
  });

  it("concurrent calls on a cold client share one challenge and never repeat an nc", async () => {
    server.fallback = digestGate(() => "nonce-1");
    await Promise.all(Array.from({ length: 20 }, () => client.getOrganization(ORG)));
    const unsigned = server.arrived.filter((req) => req.headers.authorization === undefined);
    expect(unsigned).toHaveLength(1);
    const ncs = server.arrived.filter((req) => req.headers.authorization !== undefined).map((req) => digestParams(req).get("nc"));
    expect(ncs).toHaveLength(20);
    expect(new Set(ncs).size).toBe(20);
  });

  it("signs the path and query exactly as sent", async () => {
    server.fallback = (req, res) => {
      if (req.headers.authorization === undefined) return challenge("n")(req, res);
      return json(200, [])(req, res);
    };
    await client.listInvitations(ORG, { username: "jane+test@example.com" });
    const signed = server.arrived[1];
    expect(signed?.url).toBe(`/api/public/v1.0/orgs/${ORG}/invites?username=jane%2Btest%40example.com`);
    expect(digestParams(signed as never).get("uri")).toBe(signed?.url);
    expect(digestIsValid(signed as never, PUBLIC_KEY, PRIVATE_KEY)).toBe(true);
  });
});
