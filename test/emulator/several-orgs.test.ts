// Issue 18's emulator part: several organizations in one emulator, each with its own API key and
// service account valid for that organization only. A credential of org A on org B's routes is
// refused as Cloud Manager refuses an authenticated caller without the role (401 USER_UNAUTHORIZED,
// no challenge), and the request log names the credential behind every request.
import { describe, expect, it } from "vitest";
import type { RequestLogEntry, RunningEmulator } from "../../emulator";
import { DigestTestClient, bearerToken, emulator, errorCodeOf, raw, type Reply } from "./helpers";

const API = "/api/public/v1.0";

interface Org {
  id: string;
  key: { publicKey: string; privateKey: string };
  sa: { clientId: string; clientSecret: string };
  digest: DigestTestClient;
  bearer: (method: string, path: string, body?: unknown) => Promise<Reply>;
  team: string;
  /** A member, on `team` with `owner` so the team is never emptied by a test. */
  member: string;
  owner: string;
  invitation: string;
  invited: string;
}

/** Org A (the seeded org) and org B, each with an ORG_OWNER key and service account of its own, a team, two members and a pending invitation. */
async function twoOrgs(): Promise<{ emu: RunningEmulator; a: Org; b: Org }> {
  const emu = await emulator();
  const orgB = emu.state.createOrg({ name: "Org B" });
  const make = async (orgId: string, tag: string): Promise<Org> => {
    const orgRoles = [{ orgId, roles: ["ORG_OWNER"] }];
    const key = emu.state.addApiKey({ name: `key of ${tag}`, orgRoles });
    const sa = emu.state.addServiceAccount({ name: `account of ${tag}`, orgRoles });
    const token = await bearerToken(emu, sa.clientId, sa.clientSecret);
    const bearer = (method: string, path: string, body?: unknown): Promise<Reply> =>
      raw(`${emu.baseUrl}${path}`, {
        method,
        headers: { Authorization: `Bearer ${token}`, ...(body === undefined ? {} : { "Content-Type": "application/json" }) },
        ...(body === undefined ? {} : { body: JSON.stringify(body) }),
      });
    const team = emu.state.createTeam(orgId, { name: `team ${tag}` }).id;
    const owner = emu.state.addOrgUser(orgId, { username: `owner-${tag}@example.com`, roles: ["ORG_OWNER"], teamIds: [team] }).id;
    const member = emu.state.addOrgUser(orgId, { username: `member-${tag}@example.com`, roles: ["ORG_MEMBER"], teamIds: [team] }).id;
    const digest = new DigestTestClient(emu, key.publicKey, key.privateKey);
    const username = `invited-${tag}@example.com`;
    const invited = await digest.call("POST", `/orgs/${orgId}/invites`, { username, roles: ["ORG_MEMBER"] });
    expect(invited.status).toBe(201);
    return {
      id: orgId,
      key: { publicKey: key.publicKey, privateKey: key.privateKey },
      sa: { clientId: sa.clientId, clientSecret: sa.clientSecret },
      digest,
      bearer,
      team,
      member,
      owner,
      invitation: (invited.json as { id: string }).id,
      invited: username,
    };
  };
  const a = await make(emu.org.id, "a");
  const b = await make(orgB.id, "b");
  return { emu, a, b };
}

/** Every invitation, member and team route of `org`, in an order where each answers 2xx to a permitted caller. */
function orgRoutes(org: Org): { method: string; path: string; body?: unknown }[] {
  const o = `/orgs/${org.id}`;
  return [
    { method: "GET", path: o },
    { method: "GET", path: `${o}/invites` },
    { method: "POST", path: `${o}/invites`, body: { username: "intruder@example.com", roles: ["ORG_OWNER"] } },
    { method: "PATCH", path: `${o}/invites`, body: { username: org.invited, roles: ["ORG_OWNER"] } },
    { method: "GET", path: `${o}/invites/${org.invitation}` },
    { method: "PATCH", path: `${o}/invites/${org.invitation}`, body: { roles: ["ORG_OWNER"] } },
    { method: "DELETE", path: `${o}/invites/${org.invitation}` },
    { method: "GET", path: `${o}/users` },
    { method: "GET", path: `${o}/teams` },
    { method: "GET", path: `${o}/teams/${org.team}` },
    { method: "GET", path: `${o}/teams/${org.team}/users` },
    { method: "POST", path: `${o}/teams/${org.team}/users`, body: [{ id: org.owner }] },
    { method: "DELETE", path: `${o}/teams/${org.team}/users/${org.member}` },
    { method: "PUT", path: `${o}/users/${org.member}/roles`, body: { orgRoles: ["ORG_OWNER"] } },
    { method: "DELETE", path: `${o}/users/${org.member}` },
  ];
}

function expectRefused(reply: Reply, what: string): void {
  expect({ what, status: reply.status, errorCode: errorCodeOf(reply) }).toEqual({ what, status: 401, errorCode: "USER_UNAUTHORIZED" });
  // No challenge: signing again would not help, and a Digest client must not loop on it.
  expect(reply.headers.get("www-authenticate"), what).toBeNull();
}

describe("several organizations, each with credentials for itself only", () => {
  it("org A's Digest key on every invitation, member and team route of org B: 401 USER_UNAUTHORIZED without a challenge, nothing changes", async () => {
    const { emu, a, b } = await twoOrgs();
    const before = emu.state.snapshot();
    for (const route of orgRoutes(b)) {
      expectRefused(await a.digest.call(route.method, route.path, route.body), `${route.method} ${route.path}`);
    }
    expect(emu.state.snapshot()).toEqual(before);
  });

  it("org A's service-account token on every route of org B: the same 401, nothing changes", async () => {
    const { emu, a, b } = await twoOrgs();
    const before = emu.state.snapshot();
    for (const route of orgRoutes(b)) {
      expectRefused(await a.bearer(route.method, route.path, route.body), `${route.method} ${route.path}`);
    }
    expect(emu.state.snapshot()).toEqual(before);
  });

  it("the same routes answer each org's own credentials (the refusal is about the org, not the route)", async () => {
    const { emu, a, b } = await twoOrgs();
    for (const org of [a, b]) {
      for (const route of orgRoutes(org)) {
        const byKey = await org.digest.call(route.method, route.path, route.body);
        expect({ route: `${route.method} ${route.path}`, ok: byKey.status < 300 }).toEqual({
          route: `${route.method} ${route.path}`,
          ok: true,
        });
      }
    }
    // Each org's writes landed in that org only: its intruder invitation, its member removed.
    for (const org of [a, b]) {
      expect(emu.state.pendingInvitations(org.id).map((i) => [i.orgId, i.username])).toEqual([[org.id, "intruder@example.com"]]);
      expect(emu.state.members(org.id).map((m) => m.id)).toEqual([org.owner]);
    }
    const sa = await b.bearer("GET", `/orgs/${b.id}/invites`);
    expect(sa.status).toBe(200);
  });

  it("org A's key naming org B's invitation, team or user under A's own path: 404, as for an unknown id", async () => {
    const { emu, a, b } = await twoOrgs();
    const before = emu.state.snapshot();
    const o = `/orgs/${a.id}`;
    const cases: [string, string, unknown, string][] = [
      ["GET", `${o}/invites/${b.invitation}`, undefined, "RESOURCE_NOT_FOUND"],
      ["PATCH", `${o}/invites/${b.invitation}`, { roles: ["ORG_OWNER"] }, "RESOURCE_NOT_FOUND"],
      ["DELETE", `${o}/invites/${b.invitation}`, undefined, "RESOURCE_NOT_FOUND"],
      ["GET", `${o}/teams/${b.team}`, undefined, "RESOURCE_NOT_FOUND"],
      ["GET", `${o}/teams/${b.team}/users`, undefined, "RESOURCE_NOT_FOUND"],
      ["POST", `${o}/teams/${b.team}/users`, [{ id: a.owner }], "RESOURCE_NOT_FOUND"],
      ["POST", `${o}/teams/${a.team}/users`, [{ id: b.member }], "USER_NOT_FOUND"],
      ["DELETE", `${o}/teams/${a.team}/users/${b.member}`, undefined, "USER_NOT_FOUND"],
      ["PUT", `${o}/users/${b.member}/roles`, { orgRoles: ["ORG_OWNER"] }, "USER_NOT_FOUND"],
      ["DELETE", `${o}/users/${b.member}`, undefined, "USER_NOT_FOUND"],
    ];
    for (const [method, path, body, code] of cases) {
      for (const reply of [await a.digest.call(method, path, body), await a.bearer(method, path, body)]) {
        expect({ what: `${method} ${path}`, status: reply.status, code: errorCodeOf(reply) }).toEqual({
          what: `${method} ${path}`,
          status: 404,
          code,
        });
      }
    }
    expect(emu.state.snapshot()).toEqual(before);
  });

  it("a key holding a role in A only is refused in B even for reads; an unknown org is 404 ORG_NOT_FOUND first", async () => {
    const { emu, a, b } = await twoOrgs();
    const reader = emu.state.addApiKey({ orgRoles: [{ orgId: a.id, roles: ["ORG_READ_ONLY"] }] });
    const c = new DigestTestClient(emu, reader.publicKey, reader.privateKey);
    expect((await c.call("GET", `/orgs/${a.id}/invites`)).status).toBe(200);
    expectRefused(await c.call("GET", `/orgs/${b.id}/invites`), "read in B");
    expect(errorCodeOf(await c.call("GET", `/orgs/${"e".repeat(24)}/invites`))).toBe("ORG_NOT_FOUND");
  });

  it("the request log names the credential of every request: on A's paths only A's key and account, on B's only B's; no secret", async () => {
    const { emu, a, b } = await twoOrgs();
    emu.state.clearRequests();
    // Two programs at once, each with its own org's credentials, as one Pulumi program with two providers.
    const program = async (org: Org): Promise<void> => {
      for (const route of orgRoutes(org).filter((r) => r.method === "GET")) {
        expect((await org.digest.call(route.method, route.path)).status).toBe(200);
        expect((await org.bearer(route.method, route.path)).status).toBe(200);
      }
      expect(
        (await org.digest.call("POST", `/orgs/${org.id}/invites`, { username: "both@example.com", roles: ["ORG_MEMBER"] })).status,
      ).toBe(201);
    };
    await Promise.all([program(a), program(b)]);
    // One stray attempt: A's key on B's path, refused, and logged as A's.
    expectRefused(await a.digest.call("GET", `/orgs/${b.id}/users`), "A on B");

    const log = emu.state.requests();
    /** Who signed: the public key (Digest) or the client id (Bearer); undefined for an unsigned Digest probe. */
    const signer = (e: RequestLogEntry): string | null | undefined =>
      e.auth.type === "digest" ? e.auth.username : e.auth.type === "bearer" ? e.auth.clientId : undefined;
    const onPath = (org: Org): RequestLogEntry[] => log.filter((e) => e.path.startsWith(`${API}/orgs/${org.id}`));

    for (const [own, other] of [
      [a, b],
      [b, a],
    ] as const) {
      const answered = onPath(own).filter((e) => e.status !== 401);
      expect(answered.length).toBe(orgRoutes(own).filter((r) => r.method === "GET").length * 2 + 1);
      // Every request that got an answer on own's paths was made with own's key or own's account.
      expect(new Set(answered.map(signer))).toEqual(new Set([own.key.publicKey, own.sa.clientId]));
      // The unsigned probes (Digest's first round trip) carry no credential at all.
      for (const e of onPath(own).filter((x) => x.auth.type === "none")) expect(e.status).toBe(401);
      const otherCredentials = [other.key.publicKey, other.sa.clientId];
      const strays = onPath(own).filter((e) => otherCredentials.includes(signer(e) ?? ""));
      // B's paths saw exactly one request of A's key, the refused one; A's paths none of B's.
      expect(strays.map((e) => `${e.method} ${e.path} ${e.status}`)).toEqual(own === b ? [`GET ${API}/orgs/${b.id}/users 401`] : []);
    }
    const text = JSON.stringify(log);
    for (const secret of [a.key.privateKey, b.key.privateKey, a.sa.clientSecret, b.sa.clientSecret]) expect(text).not.toContain(secret);
  });
});
