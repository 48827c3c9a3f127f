// max-org-owners and max-project-owners over the stack's resources, both front doors mixed: holders
// counted per organization or project, the same person once, unknown values never a violation.

import { describe, expect, it } from "vitest";
import { orgOwnerFindings, projectOwnerFindings } from "../../policy/rules/owner-limits";
import { ORG, OTHER_ORG, OTHER_PROJECT, PROJECT, resource, UNKNOWN_VALUE, type Door } from "./support";

const owner = (name: string, door: Door, orgId: string = ORG, kind: "OrgMembership" | "OrgInvitation" = "OrgMembership") =>
  resource(kind, name, { orgId, username: `${name}@example.com`, roles: ["ORG_MEMBER", "ORG_OWNER"] }, door);

describe("max-org-owners", () => {
  it("names every owner's resource, the rule and the fix when an organization has too many (both front doors count)", () => {
    const resources = [
      owner("dave", "dynamic"),
      owner("alice", "plugin"),
      owner("bob", "dynamic", ORG, "OrgInvitation"),
      owner("carol", "plugin"),
    ];
    const [a, b, c, d] = resources.map((r) => r.urn);
    expect(orgOwnerFindings(resources, { maxOrgOwners: 3 })).toEqual([
      {
        message:
          `organization ${ORG}: 4 people are declared with ORG_OWNER, more than 3 (rule max-org-owners):\n` +
          `  - alice@example.com: OrgMembership "alice" (${b})\n` +
          `  - bob@example.com: OrgInvitation "bob" (${c})\n` +
          `  - carol@example.com: OrgMembership "carol" (${d})\n` +
          `  - dave@example.com: OrgMembership "dave" (${a})\n` +
          `Fix: give 1 of them a lesser role (ORG_MEMBER, ORG_READ_ONLY …) in their resource's roles, or raise "maxOrgOwners" ` +
          `in the policy config of max-org-owners.`,
      },
    ]);
    expect(orgOwnerFindings(resources, { maxOrgOwners: 4 })).toEqual([]);
  });

  it("counts per organization, and one person declared twice (any letter case) once", () => {
    const resources = [
      owner("alice", "dynamic"),
      owner("bob", "dynamic"),
      owner("carol", "dynamic", OTHER_ORG),
      resource("OrgInvitation", "alice-again", { orgId: ORG, username: "ALICE@example.com", roles: ["ORG_OWNER"] }),
      resource("OrgMembership", "member", { orgId: ORG, username: "m@example.com", roles: ["ORG_MEMBER"] }),
      resource("ProjectMembership", "p", { orgId: ORG, projectId: PROJECT, username: "p@example.com", roles: ["ORG_OWNER"] }),
    ];
    expect(orgOwnerFindings(resources, { maxOrgOwners: 2 })).toEqual([]);
    const findings = orgOwnerFindings(resources, { maxOrgOwners: 1 });
    expect(findings).toHaveLength(1);
    expect(findings[0]?.message).toMatch(new RegExp(`^organization ${ORG}: 2 people`));
    expect(findings[0]?.message).toContain(`  - alice@example.com: OrgMembership "alice" (`);
    expect(findings[0]?.message).toContain(`, OrgInvitation "alice-again" (`);
  });

  it("does not count an owner whose organization or roles are not known at preview", () => {
    const resources = [
      owner("alice", "dynamic"),
      owner("bob", "dynamic"),
      resource("OrgMembership", "c", { orgId: UNKNOWN_VALUE, username: "c@example.com", roles: ["ORG_OWNER"] }),
      resource("OrgMembership", "d", { orgId: ORG, username: "d@example.com", roles: UNKNOWN_VALUE }),
      resource("OrgMembership", "e", { orgId: ORG, username: "e@example.com", roles: [UNKNOWN_VALUE] }),
    ];
    expect(orgOwnerFindings(resources, { maxOrgOwners: 2 })).toEqual([]);
  });

  it("counts an owner whose username is not known yet as one more (the provider refuses one person declared twice)", () => {
    const resources = [
      owner("alice", "dynamic"),
      resource("OrgMembership", "later", { orgId: ORG, username: UNKNOWN_VALUE, roles: ["ORG_OWNER"] }),
    ];
    const [finding] = orgOwnerFindings(resources, { maxOrgOwners: 1 });
    expect(finding?.message).toContain(`  - (username not known yet): OrgMembership "later" (`);
  });
});

describe("max-project-owners", () => {
  const person = (name: string, door: Door, projectId = PROJECT, roles = ["GROUP_OWNER"]) =>
    resource("ProjectMembership", name, { orgId: ORG, projectId, username: `${name}@example.com`, roles }, door);
  const team = (name: string, teamId: string, door: Door, projectId = PROJECT) =>
    resource("ProjectTeam", name, { orgId: ORG, projectId, teamId, roles: ["GROUP_OWNER", "GROUP_READ_ONLY"] }, door);

  it("counts people and teams with GROUP_OWNER per project, naming each resource, the rule and the fix", () => {
    const resources = [person("alice", "dynamic"), team("dba-prod", "5f0000000000000000000001", "plugin"), person("bob", "plugin")];
    const [a, t, b] = resources.map((r) => r.urn);
    expect(projectOwnerFindings(resources, { maxProjectOwners: 2 })).toEqual([
      {
        message:
          `project ${PROJECT}: 3 people and teams are declared with GROUP_OWNER, more than 2 (rule max-project-owners):\n` +
          `  - alice@example.com: ProjectMembership "alice" (${a})\n` +
          `  - bob@example.com: ProjectMembership "bob" (${b})\n` +
          `  - team 5f0000000000000000000001: ProjectTeam "dba-prod" (${t})\n` +
          `Fix: give 1 of them a lesser project role (GROUP_READ_ONLY, GROUP_DATA_ACCESS_ADMIN …), or raise "maxProjectOwners" ` +
          `in the policy config of max-project-owners.`,
      },
    ]);
  });

  it("counts per project, leaves other roles and unknown projects or roles out", () => {
    const resources = [
      person("alice", "dynamic"),
      person("bob", "dynamic", OTHER_PROJECT),
      person("carol", "dynamic", PROJECT, ["GROUP_READ_ONLY"]),
      resource("ProjectMembership", "d", { orgId: ORG, projectId: UNKNOWN_VALUE, username: "d@example.com", roles: ["GROUP_OWNER"] }),
      resource("ProjectTeam", "e", { orgId: ORG, projectId: PROJECT, teamId: "t", roles: UNKNOWN_VALUE }),
    ];
    expect(projectOwnerFindings(resources, { maxProjectOwners: 1 })).toEqual([]);
  });

  it("counts a team whose id is not known yet (a Team created in the same up) as one more", () => {
    const resources = [person("alice", "dynamic"), team("new-team-prod", UNKNOWN_VALUE, "dynamic")];
    const [finding] = projectOwnerFindings(resources, { maxProjectOwners: 1 });
    expect(finding?.message).toContain(`  - team (id not known yet): ProjectTeam "new-team-prod" (`);
  });
});
