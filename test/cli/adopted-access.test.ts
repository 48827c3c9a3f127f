// From an organization's snapshot to the list adopt writes, on its own: the invitation the provider
// would adopt among duplicates, a member who is also invited, team ids the team list does not show,
// a team only ignored accounts are on, and a project invitation in a project nobody names.

import { describe, expect, it } from "vitest";
import { adoptAccess } from "../../cli/adopt/adopted-access";
import { compileWildcard } from "../../provider/access/wildcard";
import type { OrganizationSnapshot } from "../../cli/adopt/read-organization";

const ORG = { id: "5f1b2c3d4e5f6a7b8c9d0e1f", name: "Acme" };
const T1 = "6a0000000000000000000001";
const GONE = "6a00000000000000000000ff";
const P1 = "6c0000000000000000000001";

function invitation(id: string, username: string, createdAt: string, teamIds: string[] = []) {
  return { id, username, roles: ["ORG_MEMBER"], teamIds, createdAt, expiresAt: "2099-01-01T00:00:00Z" };
}

const snapshot: OrganizationSnapshot = {
  org: ORG,
  members: [
    { username: "ann@example.com", roles: ["ORG_MEMBER"], teamIds: [GONE] },
    { username: "ops@break-glass.example.com", roles: ["ORG_OWNER"], teamIds: [T1] },
  ],
  invitations: [
    invitation("6b0000000000000000000002", "Dup@example.com", "2026-12-02T00:00:00Z"),
    invitation("6b0000000000000000000001", "dup@example.com", "2026-12-01T00:00:00Z", [T1]),
    invitation("6b0000000000000000000003", "ann@example.com", "2026-12-03T00:00:00Z"),
  ],
  teams: [{ id: T1, name: "ops" }],
  projects: [
    {
      id: P1,
      name: "quiet",
      teams: [{ teamId: T1, roles: ["GROUP_READ_ONLY"] }],
      users: [],
      invitations: [{ username: "x@example.com", roles: ["GROUP_READ_ONLY"] }],
    },
  ],
};

describe("adoptAccess", () => {
  it("writes the oldest of duplicate invitations, the member over their invitation, and says so", () => {
    const access = adoptAccess(snapshot, { ignore: ["*@break-glass.example.com"], nowMs: Date.parse("2026-12-07T00:00:00Z") });
    expect(access.people).toEqual([
      { email: "ann@example.com", roles: ["ORG_MEMBER"], teams: [], projects: [], invited: false },
      { email: "dup@example.com", roles: ["ORG_MEMBER"], teams: ["ops"], projects: [], invited: true },
    ]);
    expect(access.teams).toEqual([{ name: "ops", projects: [{ projectId: P1, projectName: "quiet", roles: ["GROUP_READ_ONLY"] }] }]);
    const notes = access.notes.join("\n");
    expect(notes).toContain(`ann@example.com is on team ${GONE}, which the organization's team list does not show`);
    expect(notes).toContain("ann@example.com is a member and also has 1 pending invitation(s) (6b0000000000000000000003)");
    expect(notes).toContain("dup@example.com has 2 pending invitations: written with the oldest (6b0000000000000000000001)");
    expect(notes).toContain(`project "quiet" (${P1}) has 1 pending project invitation(s) (x@example.com)`);
    expect(notes).toContain("the gate reports them");
    expect(access.ignore).toEqual([
      { entry: "*@break-glass.example.com", reason: "given with --ignore; matches ops@break-glass.example.com" },
    ]);
  });

  it("a team only ignored accounts are on is not written, and a note says what the gate reports", () => {
    const onlyIgnored: OrganizationSnapshot = { ...snapshot, invitations: [] };
    const access = adoptAccess(onlyIgnored, { ignore: ["*@break-glass.example.com"] });
    expect(access.teams).toEqual([]);
    const notes = access.notes.join("\n");
    expect(notes).toContain(`team "ops" (${T1}) has nobody people.yaml lists`);
    expect(notes).toContain(`It has roles in "quiet" (${P1})`);
    // With the team gone from the file, nobody names project "quiet": its roster does not exist, nor does the gate look there.
    expect(notes).toContain("the gate does not look at this project");
  });

  it("never suggests an ignore entry holding a `*`: ignore reads it as a wildcard that would exempt others (found in review)", () => {
    const starred: OrganizationSnapshot = {
      ...snapshot,
      members: [
        { username: "*", roles: ["ORG_MEMBER"], teamIds: [] },
        { username: "a*@example.com", roles: [], teamIds: [] },
        { username: "svc user", roles: ["ORG_MEMBER"], teamIds: [] },
        { username: "alice@example.com", roles: ["ORG_OWNER"], teamIds: [] },
      ],
      invitations: [],
    };
    const access = adoptAccess(starred);
    const widened = access.ignore.filter((s) => compileWildcard(s.entry)("alice@example.com")).map((s) => s.entry);
    expect(widened).toEqual([]);
    expect(access.ignore.map((s) => s.entry)).toContain("svc user");
    const notes = access.notes.join("\n");
    expect(notes).toContain('member "*" is not written as a person');
    expect(notes).toContain('member "a*@example.com" has no organization role');
    expect(notes).toContain("no ignore entry is suggested: the gate will report it");
    expect(access.people.map((p) => p.email)).toEqual(["alice@example.com"]);
  });
});
