// diff: olds are the OLD OUTPUTS (state), news the checked inputs. No API call, ever.
import { describe, expect, it } from "vitest";
import type { OrgInvitationStatus } from "../../provider/resources/org-invitation/model";
import { UNKNOWN } from "../../provider/model/property-bag";
import { PROVIDER_PLACEHOLDER, runtime, usePureRuntime } from "./support/harness";

// No server: any API call would fail these tests (usePureRuntime).
const h = usePureRuntime();

const ORG = "5f1b2c3d4e5f6a7b8c9d0e1f";
const OTHER_ORG = "5f1b2c3d4e5f6a7b8c9d0e2a";
const TEAM = "aaaaaaaaaaaaaaaaaaaaaaaa";
const ID = `${ORG}/61a0b1c2d3e4f5a6b7c8d9e0`;

function state(status: OrgInvitationStatus, overrides: Record<string, unknown> = {}) {
  return {
    orgId: ORG,
    username: "alice@example.com",
    roles: ["ORG_MEMBER"],
    teamIds: [],
    invitationId: "61a0b1c2d3e4f5a6b7c8d9e0",
    status,
    createdAt: "2026-01-01T00:00:00Z",
    expiresAt: "2026-01-31T00:00:00Z",
    inviterUsername: "ci-key",
    orgName: "Acme",
    __provider: PROVIDER_PLACEHOLDER,
    ...overrides,
  };
}

function inputs(overrides: Record<string, unknown> = {}) {
  return { orgId: ORG, username: "alice@example.com", roles: ["ORG_MEMBER"], teamIds: [], __provider: PROVIDER_PLACEHOLDER, ...overrides };
}

describe("OrgInvitation_Diff", () => {
  it("proposes nothing when code and state agree", async () => {
    expect(await runtime.diff(ID, state("PENDING"), inputs())).toEqual({ changes: false });
  });

  it("replaces, deleting first, when orgId changes", async () => {
    expect(await runtime.diff(ID, state("PENDING"), inputs({ orgId: OTHER_ORG }))).toEqual({
      changes: true,
      replaces: ["orgId"],
      deleteBeforeReplace: true,
    });
  });

  it("replaces when username changes, but not when only its case does", async () => {
    expect(await runtime.diff(ID, state("PENDING"), inputs({ username: "bob@example.com" }))).toEqual({
      changes: true,
      replaces: ["username"],
      deleteBeforeReplace: true,
    });
    expect(await runtime.diff(ID, state("PENDING"), inputs({ username: "Alice@Example.COM" }))).toEqual({ changes: false });
  });

  it("replaces when teamIds change (the API cannot change teams in place)", async () => {
    expect(await runtime.diff(ID, state("PENDING"), inputs({ teamIds: [TEAM] }))).toEqual({
      changes: true,
      replaces: ["teamIds"],
      deleteBeforeReplace: true,
    });
  });

  it("updates in place when roles change", async () => {
    expect(await runtime.diff(ID, state("PENDING"), inputs({ roles: ["ORG_MEMBER", "ORG_READ_ONLY"] }))).toEqual({ changes: true });
  });

  it("shows out-of-band role edits (read into state by refresh) as an update back to the code's roles", async () => {
    expect(await runtime.diff(ID, state("PENDING", { roles: ["ORG_OWNER"] }), inputs())).toEqual({ changes: true });
  });

  it.each(["EXPIRED", "REVOKED"] as const)("replaces a %s invitation to re-invite, even with no change in code", async (status) => {
    expect(await runtime.diff(ID, state(status), inputs())).toEqual({ changes: true, replaces: ["status"], deleteBeforeReplace: true });
    expect(await runtime.diff(ID, state(status), inputs({ roles: ["ORG_OWNER"] }))).toEqual({
      changes: true,
      replaces: ["status"],
      deleteBeforeReplace: true,
    });
  });

  it("proposes nothing for an ACCEPTED invitation, and warns about a role change in code", async () => {
    expect(await runtime.diff(ID, state("ACCEPTED"), inputs())).toEqual({ changes: false });
    expect(h.notices).toEqual([]);
    expect(await runtime.diff(ID, state("ACCEPTED"), inputs({ roles: ["ORG_OWNER"], teamIds: [TEAM] }))).toEqual({ changes: false });
    expect(h.notices).toHaveLength(1);
    expect(h.notices[0]).toMatch(
      /alice@example.com has already accepted the invitation, so the roles and teamIds changed in code are not applied/,
    );
  });

  it("still replaces an ACCEPTED invitation when the code now names another person or organization", async () => {
    expect(await runtime.diff(ID, state("ACCEPTED"), inputs({ username: "bob@example.com" }))).toEqual({
      changes: true,
      replaces: ["username"],
      deleteBeforeReplace: true,
    });
  });

  it("treats values unknown at preview as changes: unknown identity → replace, unknown roles → update", async () => {
    expect(await runtime.diff(ID, state("PENDING"), inputs({ orgId: UNKNOWN }))).toEqual({
      changes: true,
      replaces: ["orgId"],
      deleteBeforeReplace: true,
    });
    expect(await runtime.diff(ID, state("PENDING"), inputs({ roles: UNKNOWN }))).toEqual({ changes: true });
    expect(await runtime.diff(ID, state("PENDING"), inputs({ roles: ["ORG_MEMBER", UNKNOWN] }))).toEqual({ changes: true });
  });

  it("never calls the API: it answers with no credentials and no server configured", async () => {
    // Without credentials, any API call would reject with CLOUDMANAGER_CREDENTIALS_MISSING.
    await expect(runtime.diff(ID, state("REVOKED"), inputs({ username: "x@example.com" }))).resolves.toEqual({
      changes: true,
      replaces: ["username"],
      deleteBeforeReplace: true,
    });
    await expect(runtime.read(ID, state("PENDING"))).rejects.toThrow(/CLOUDMANAGER_CREDENTIALS_MISSING/);
  });
});
