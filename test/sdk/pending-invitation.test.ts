import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { CloudManagerClient, pickPendingInvitation, type Invitation } from "../../sdk";
import { apiErrorBody, json, startScriptedServer, type ScriptedServer } from "./support/scripted-server";

// The one rule for "which pending invitation is this person's": the oldest unexpired one.

const ORG = "5e2211c17a3e5a48f5497de3";
const NOW = Date.parse("2026-03-01T12:00:00Z");

function invitation(id: string, username: string, createdAt: string, fields: Partial<Invitation> = {}): Invitation {
  const expiresAt = new Date(Date.parse(createdAt) + 30 * 24 * 3600 * 1000).toISOString().replace(/\.\d{3}Z$/, "Z");
  return {
    id,
    orgId: ORG,
    orgName: "Acme",
    username,
    roles: ["ORG_MEMBER"],
    teamIds: [],
    inviterUsername: "owner@example.com",
    createdAt,
    expiresAt,
    ...fields,
  };
}

describe("pickPendingInvitation", () => {
  it("the oldest of several for the username, whatever the list order", () => {
    const older = invitation("b0", "jane@example.com", "2026-02-20T10:00:00Z");
    const newer = invitation("a0", "jane@example.com", "2026-02-25T10:00:00Z");
    expect(pickPendingInvitation([newer, older], "jane@example.com", NOW)).toBe(older);
    expect(pickPendingInvitation([older, newer], "jane@example.com", NOW)).toBe(older);
  });

  it("the username is compared ignoring letter case; other people are not considered", () => {
    const jane = invitation("j", "Jane@Example.com", "2026-02-25T10:00:00Z");
    const other = invitation("o", "joe@example.com", "2026-02-01T10:00:00Z");
    expect(pickPendingInvitation([other, jane], "jane@EXAMPLE.com", NOW)).toBe(jane);
    expect(pickPendingInvitation([other], "jane@example.com", NOW)).toBeUndefined();
    expect(pickPendingInvitation([], "jane@example.com", NOW)).toBeUndefined();
  });

  it("an invitation past expiresAt is not pending, even when it is the oldest", () => {
    const expired = invitation("e", "jane@example.com", "2026-01-01T10:00:00Z");
    const valid = invitation("v", "jane@example.com", "2026-02-25T10:00:00Z");
    expect(pickPendingInvitation([expired, valid], "jane@example.com", NOW)).toBe(valid);
    expect(pickPendingInvitation([expired], "jane@example.com", NOW)).toBeUndefined();
    // Expiring exactly now counts as expired.
    expect(pickPendingInvitation([valid], "jane@example.com", Date.parse(valid.expiresAt))).toBeUndefined();
  });

  it("created in the same second: the smaller id, so every run picks the same one", () => {
    const second = invitation("65f000000000000000000002", "jane@example.com", "2026-02-25T10:00:00Z");
    const first = invitation("65f000000000000000000001", "jane@example.com", "2026-02-25T10:00:00Z");
    expect(pickPendingInvitation([second, first], "jane@example.com", NOW)).toBe(first);
    expect(pickPendingInvitation([first, second], "jane@example.com", NOW)).toBe(first);
  });

  it("dates are compared as instants (with or without milliseconds)", () => {
    const later = invitation("a", "jane@example.com", "2026-02-25T10:00:00.500Z");
    const earlier = invitation("b", "jane@example.com", "2026-02-25T10:00:00Z");
    expect(pickPendingInvitation([later, earlier], "jane@example.com", NOW)).toBe(earlier);
  });
});

describe("the client's check before re-sending a create uses the same rule", () => {
  let server: ScriptedServer;
  let client: CloudManagerClient;

  beforeEach(async () => {
    server = await startScriptedServer();
    client = new CloudManagerClient({
      baseUrl: server.baseUrl,
      clientId: "mdb_sa_id_x",
      clientSecret: "mdb_sa_sk_x",
      retry: { baseDelayMs: 1, maxDelayMs: 5 },
    });
  });

  afterEach(async () => {
    await client.close();
    await server.close();
  });

  it("a 503 on POST, then two matching invitations listed (sent by hand meanwhile): the oldest is returned, nothing re-sent", async () => {
    const now = new Date();
    const at = (minutesAgo: number): string => new Date(now.getTime() - minutesAgo * 60_000).toISOString().replace(/\.\d{3}Z$/, "Z");
    const older = invitation("65f000000000000000000001", "jane@example.com", at(10));
    const newer = invitation("65f000000000000000000002", "jane@example.com", at(1));
    const otherRoles = invitation("65f000000000000000000000", "jane@example.com", at(20), { roles: ["ORG_OWNER"] });
    server.enqueue(
      json(200, { access_token: "t", expires_in: 3600, token_type: "Bearer" }),
      json(503, apiErrorBody(503, "SERVICE_UNAVAILABLE")),
      json(200, [newer, otherRoles, older]),
    );
    const created = await client.createInvitation(ORG, { username: "jane@example.com", roles: ["ORG_MEMBER"] });
    expect(created.id).toBe(older.id);
    expect(server.arrived.map((r) => `${r.method} ${r.url}`)).toEqual([
      "POST /api/oauth/token",
      `POST /api/public/v1.0/orgs/${ORG}/invites`,
      `GET /api/public/v1.0/orgs/${ORG}/invites?username=jane%40example.com`,
    ]);
  });
});
