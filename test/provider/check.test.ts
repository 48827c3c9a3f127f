// check: every problem at once, per property, before any API call; unknowns pass; inputs normalized.
import * as pulumi from "@pulumi/pulumi";
import { describe, expect, it } from "vitest";
import { UNKNOWN } from "../../provider/model/property-bag";
import { PROVIDER_PLACEHOLDER, runtime, usePureRuntime } from "./support/harness";

// No server: any API call would fail these tests (usePureRuntime).
const h = usePureRuntime();

const TEAM_A = "aaaaaaaaaaaaaaaaaaaaaaaa";
const TEAM_B = "bbbbbbbbbbbbbbbbbbbbbbbb";

describe("OrgInvitation_Check", () => {
  it("reports every bad property at once, each under its own name, and sends nothing", async () => {
    const result = await runtime.check(
      {},
      {
        orgId: "not-an-org",
        username: "alice at example",
        roles: ["ORG_MEMBER", "ORG_MEMBER", "admin"],
        teamIds: ["xyz", TEAM_A, TEAM_A],
        __provider: PROVIDER_PLACEHOLDER,
      },
    );
    const byProperty = Object.fromEntries((result.failures ?? []).map((f) => [f.property, f.reason]));
    expect(Object.keys(byProperty).sort()).toEqual(["orgId", "roles", "teamIds", "username"]);
    expect(byProperty["orgId"]).toMatch(/"not-an-org" is not an organization id.*24 hexadecimal/);
    expect(byProperty["username"]).toMatch(/"alice at example" is not an email address/);
    expect(byProperty["roles"]).toMatch(/roles\[1\]: "ORG_MEMBER" is listed more than once/);
    expect(byProperty["roles"]).toMatch(/roles\[2\]: "admin" is not an organization role; known roles: ORG_OWNER, ORG_MEMBER/);
    expect(byProperty["teamIds"]).toMatch(/teamIds\[0\]: "xyz" is not a team id/);
    expect(byProperty["teamIds"]).toMatch(/teamIds\[2\]: "a{24}" is listed more than once/);
  });

  it("reports missing required properties and an empty role list", async () => {
    const result = await runtime.check({}, { roles: [] });
    const byProperty = Object.fromEntries((result.failures ?? []).map((f) => [f.property, f.reason]));
    expect(byProperty["orgId"]).toMatch(/orgId is required/);
    expect(byProperty["username"]).toMatch(/username is required/);
    expect(byProperty["roles"]).toMatch(/non-empty list/);
    expect(byProperty["teamIds"]).toBeUndefined();
  });

  it("suggests the spelling of a known role typed in lower case", async () => {
    const result = await runtime.check({}, { orgId: h.orgId, username: "a@example.com", roles: ["org_member"] });
    expect(result.failures?.[0]?.reason).toMatch(/did you mean "ORG_MEMBER"\?/);
  });

  it("normalizes: roles sorted and deduplicated, username trimmed, teamIds sorted, orgId lower case, missing teamIds → []", async () => {
    const upperOrg = h.orgId.toUpperCase();
    const result = await runtime.check(
      {},
      { orgId: upperOrg, username: "  Alice@Example.com ", roles: ["ORG_READ_ONLY", "ORG_MEMBER"], __provider: PROVIDER_PLACEHOLDER },
    );
    expect(result.failures).toBeUndefined();
    expect(result.inputs).toEqual({
      orgId: h.orgId,
      username: "Alice@Example.com",
      roles: ["ORG_MEMBER", "ORG_READ_ONLY"],
      teamIds: [],
      __provider: PROVIDER_PLACEHOLDER,
    });
    const withTeams = await runtime.check(
      {},
      { orgId: h.orgId, username: "a@example.com", roles: ["ORG_MEMBER"], teamIds: [TEAM_B, TEAM_A] },
    );
    expect(withTeams.inputs?.["teamIds"]).toEqual([TEAM_A, TEAM_B]);
  });

  it("gives the same inputs whatever the order of the roles, so order never causes a diff", async () => {
    const a = await runtime.check({}, { orgId: h.orgId, username: "a@example.com", roles: ["ORG_MEMBER", "ORG_GROUP_CREATOR"] });
    const b = await runtime.check({}, { orgId: h.orgId, username: "a@example.com", roles: ["ORG_GROUP_CREATOR", "ORG_MEMBER"] });
    expect(a.inputs).toEqual(b.inputs);
    const diff = await runtime.diff("x", { ...(a.inputs ?? {}), status: "PENDING" }, b.inputs ?? {});
    expect(diff.changes).toBe(false);
  });

  it("lets a role it does not know yet through with a warning, since MongoDB adds roles", async () => {
    const result = await runtime.check({}, { orgId: h.orgId, username: "a@example.com", roles: ["ORG_MEMBER", "ORG_FUTURE_ROLE"] });
    expect(result.failures).toBeUndefined();
    expect(result.inputs?.["roles"]).toEqual(["ORG_FUTURE_ROLE", "ORG_MEMBER"]);
    expect(h.notices).toHaveLength(1);
    expect(h.notices[0]).toMatch(/^warning: cloudmanager: role "ORG_FUTURE_ROLE" is not one this provider knows/);
  });

  it("lets values unknown at preview through untouched, whole or inside a list", async () => {
    expect(UNKNOWN).toBe(pulumi.runtime.unknownValue);
    const news = { orgId: UNKNOWN, username: UNKNOWN, roles: ["ORG_MEMBER", UNKNOWN], teamIds: UNKNOWN, __provider: PROVIDER_PLACEHOLDER };
    const result = await runtime.check({}, news);
    expect(result.failures).toBeUndefined();
    expect(result.inputs).toEqual(news);
    const allUnknown = await runtime.check(
      {},
      { orgId: h.orgId, username: "a@example.com", roles: UNKNOWN, teamIds: [UNKNOWN, TEAM_B, TEAM_A] },
    );
    expect(allUnknown.failures).toBeUndefined();
    expect(allUnknown.inputs?.["roles"]).toBe(UNKNOWN);
    expect(allUnknown.inputs?.["teamIds"]).toEqual([UNKNOWN, TEAM_B, TEAM_A]);
  });

  it("still reports the known bad values next to unknown ones", async () => {
    const result = await runtime.check({}, { orgId: UNKNOWN, username: "nope", roles: [UNKNOWN, "GROUP_OWNER"] });
    expect((result.failures ?? []).map((f) => f.property).sort()).toEqual(["roles", "username"]);
  });

  it("needs no credentials: check and diff run at preview before any are configured", async () => {
    const result = await runtime.check({}, { orgId: h.orgId, username: "a@example.com", roles: ["ORG_MEMBER"] });
    expect(result.failures).toBeUndefined();
    await expect(runtime.diff("x", { ...(result.inputs ?? {}), status: "PENDING" }, result.inputs ?? {})).resolves.toEqual({
      changes: false,
    });
  });
});

describe("OrgInvitation_Check bounds: runaway values get one short, readable error", () => {
  const base = () => ({ orgId: h.orgId, username: "a@example.com", roles: ["ORG_MEMBER"] });
  const reasonOf = async (news: Record<string, unknown>, property: string) =>
    (await runtime.check({}, news)).failures?.find((f) => f.property === property)?.reason ?? "";

  it("a 5 MB username is refused with a shortened value and its size", async () => {
    const huge = `${"x".repeat(5_000_000)}@example.com`;
    const reason = await reasonOf({ ...base(), username: huge }, "username");
    expect(reason).toMatch(/is not an email address: it is longer than 254 characters/);
    expect(reason).toContain("(5,000,012 characters)");
    expect(reason.length).toBeLessThan(300);
  });

  it("an address with a local part over 64 characters is refused", async () => {
    const reason = await reasonOf({ ...base(), username: `${"a".repeat(65)}@example.com` }, "username");
    expect(reason).toMatch(/the part before "@" is longer than 64 characters/);
  });

  it.each([
    ["NUL", "al\u0000ice@example.com", "U+0000 at position 3"],
    ["zero-width space", "ali\u200bce@example.com", "U+200B at position 4"],
    ["right-to-left override", "\u202eecila@example.com", "U+202E at position 1"],
    ["line separator", "alice@exa\u2028mple.com", "U+2028 at position 10"],
  ])("an address with a %s is refused, naming the character", async (_label, username, where) => {
    const reason = await reasonOf({ ...base(), username }, "username");
    expect(reason).toContain(`contains an invisible or control character (${where})`);
  });

  it("10,000 duplicate roles give one short reason, not one per entry", async () => {
    const reason = await reasonOf({ ...base(), roles: Array(10_000).fill("ORG_MEMBER") }, "roles");
    expect(reason).toBe("roles lists 10,000 entries; an organization has only a few roles (at most 32 are accepted)");
  });

  it("problems within the bound are listed up to ten, then counted", async () => {
    const roles = Array.from({ length: 30 }, (_, i) => `bad-role-${i}`);
    const reason = await reasonOf({ ...base(), roles }, "roles");
    expect(reason.match(/is not an organization role/g)).toHaveLength(10);
    expect(reason).toContain('roles[9]: "bad-role-9"');
    expect(reason).toMatch(/; and 20 more$/);
  });

  it("unknown-looking roles give ONE warning that names at most ten of them", async () => {
    const roles = Array.from({ length: 30 }, (_, i) => `ORG_FUTURE_${i}`);
    const result = await runtime.check({}, { ...base(), roles });
    expect(result.failures).toBeUndefined();
    expect(h.notices).toHaveLength(1);
    expect(h.notices[0]).toMatch(
      /^warning: cloudmanager: roles "ORG_FUTURE_0", .*"ORG_FUTURE_9", and 20 more are not ones this provider knows/,
    );
    expect(h.notices[0]?.length).toBeLessThan(600);
  });

  it("more team ids than an organization can have are refused in one reason", async () => {
    const teamIds = Array.from({ length: 251 }, (_, i) => i.toString(16).padStart(24, "0"));
    const reason = await reasonOf({ ...base(), teamIds }, "teamIds");
    expect(reason).toBe("teamIds lists 251 entries; an organization has at most 250 teams");
  });

  it("a long non-hex orgId is shown shortened", async () => {
    const reason = await reasonOf({ ...base(), orgId: "z".repeat(100_000) }, "orgId");
    expect(reason).toMatch(/^"z{79}… \(100,000 characters\) is not an organization id/);
  });
});
