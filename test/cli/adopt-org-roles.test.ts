// adopt writes a member's roles in THIS organization exactly as OrgMembership reads them back
// (provider/access/org-rules.ts orgRolesOf): a user's role list also carries other organizations' and
// projects' roles and, on Ops Manager, global roles (neither orgId nor groupId), which would fail the
// first preview's check ("not an organization role"). The emulator lists no global roles, hence a
// stand-in client for the few reads this needs (found in review).

import { describe, expect, it } from "vitest";
import { readOrganization } from "../../cli/adopt/read-organization";
import { Progress } from "../../cli/progress";
import { orgRolesOf } from "../../provider/access/org-rules";
import type { CloudManagerClient, OrgUser } from "../../sdk";

const ORG = "5f1b2c3d4e5f6a7b8c9d0e1f";
const OTHER_ORG = "6a1b2c3d4e5f6a7b8c9d0e1f";
const PROJECT = "5f1b2c3d4e5f6a7b8c9d0e30";

const user: OrgUser = {
  id: "aaaaaaaaaaaaaaaaaaaaaaaa",
  username: "ops@example.com",
  emailAddress: "ops@example.com",
  firstName: "O",
  lastName: "P",
  teamIds: [],
  roles: [
    { orgId: ORG, roleName: "ORG_MEMBER" },
    { roleName: "GLOBAL_READ_ONLY" },
    { orgId: OTHER_ORG, roleName: "ORG_OWNER" },
    { groupId: PROJECT, roleName: "GROUP_OWNER" },
  ],
};

const client = {
  getOrganization: () => Promise.resolve({ id: ORG, name: "Org" }),
  listOrgUsers: () => Promise.resolve([user]),
  listInvitations: () => Promise.resolve([]),
  listTeams: () => Promise.resolve([]),
  listOrgProjects: () => Promise.resolve([]),
} as unknown as CloudManagerClient;

describe("adopt's organization roles", () => {
  it("are this organization's roles only, as the provider reads them back", async () => {
    const snapshot = await readOrganization(client, ORG, new Progress({ write: () => true }, false));
    expect(snapshot.members.map((m) => m.roles)).toEqual([["ORG_MEMBER"]]);
    expect(snapshot.members[0]?.roles).toEqual(orgRolesOf(user, ORG));
  });
});
