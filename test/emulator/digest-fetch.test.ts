// digest-fetch 3.1.1 (global fetch, cached challenge, decimal nc), a Digest client nobody here wrote.
import { describe, expect, it } from "vitest";
import { emulator } from "./helpers";

interface DigestFetchClient {
  fetch(url: string, init?: { method?: string; headers?: Record<string, string>; body?: string }): Promise<Response>;
}
type DigestFetchCtor = new (user: string, password: string, options?: Record<string, unknown>) => DigestFetchClient;

async function digestFetch(user: string, password: string): Promise<DigestFetchClient> {
  const mod = (await import("digest-fetch")) as unknown as { default: DigestFetchCtor };
  return new mod.default(user, password);
}

const json = { "Content-Type": "application/json", Accept: "application/json" };

describe("digest-fetch against the emulator", () => {
  it("creates, gets, lists, updates and deletes an invitation, reusing the cached challenge", async () => {
    const emu = await emulator();
    const client = await digestFetch(emu.credentials.publicKey, emu.credentials.privateKey);
    const base = `${emu.baseUrl}/orgs/${emu.org.id}/invites`;

    const created = await client.fetch(base, {
      method: "POST",
      headers: json,
      body: JSON.stringify({ username: "df@example.com", roles: ["ORG_MEMBER"] }),
    });
    expect(created.status).toBe(201);
    const inv = (await created.json()) as { id: string; username: string; teamIds: string[] };
    expect(inv).toMatchObject({ username: "df@example.com", teamIds: [] });

    const got = await client.fetch(`${base}/${inv.id}`, { headers: json });
    expect(got.status).toBe(200);
    expect(await got.json()).toEqual(inv);

    const listed = await client.fetch(`${base}?username=df%40example.com`, { headers: json });
    expect(listed.status).toBe(200);
    expect(await listed.json()).toEqual([inv]);

    const updated = await client.fetch(`${base}/${inv.id}`, {
      method: "PATCH",
      headers: json,
      body: JSON.stringify({ roles: ["ORG_GROUP_CREATOR"] }),
    });
    expect(updated.status).toBe(200);
    expect(((await updated.json()) as { roles: string[] }).roles).toEqual(["ORG_GROUP_CREATOR"]);

    const deleted = await client.fetch(`${base}/${inv.id}`, { method: "DELETE", headers: json });
    expect(deleted.status).toBe(204);
    expect(await deleted.text()).toBe("");

    const gone = await client.fetch(`${base}/${inv.id}`, { headers: json });
    expect(gone.status).toBe(404);
    expect(((await gone.json()) as { errorCode: string }).errorCode).toBe("RESOURCE_NOT_FOUND");

    // One challenge, then every call signed up front with the cached nonce: 6 calls, 7 wire requests.
    const log = emu.state.requests();
    expect(log).toHaveLength(7);
    expect(log[0]?.auth).toEqual({ type: "none" });
    expect(log.slice(1).every((r) => r.auth.type === "digest")).toBe(true);
  });

  it("its decimal nc past 9 ('00000010') is accepted while reuse rejection is off", async () => {
    const emu = await emulator();
    const client = await digestFetch(emu.credentials.publicKey, emu.credentials.privateKey);
    for (let i = 0; i < 11; i++) expect((await client.fetch(`${emu.baseUrl}/orgs/${emu.org.id}`)).status).toBe(200);
    const ncs = emu.state.requests().flatMap((r) => (r.auth.type === "digest" ? [r.auth.nc] : []));
    expect(ncs).toContain("00000010");
  });
});
