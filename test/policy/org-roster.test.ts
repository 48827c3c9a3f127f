// org-has-roster: an organization with OrgMemberships has an OrgRoster; unknown organizations never
// make a violation.

import { describe, expect, it } from "vitest";
import { orgRosterFindings } from "../../policy/rules/org-roster";
import { ORG, OTHER_ORG, resource, UNKNOWN_VALUE, type Door } from "./support";

const member = (name: string, orgId: string = ORG, door: Door = "dynamic") =>
  resource("OrgMembership", name, { orgId, username: `${name}@example.com`, roles: ["ORG_MEMBER"] }, door);
const NONE = { rosterElsewhere: [] };
const roster = (orgId: string, door: Door = "dynamic") => resource("OrgRoster", `roster-${orgId}`, { orgId, managed: [] }, door);

describe("org-has-roster", () => {
  it("names the organization, its OrgMemberships, the rule and the fix", () => {
    expect(orgRosterFindings([member("alice"), member("bob", ORG, "plugin")], NONE)).toEqual([
      {
        message:
          `organization ${ORG}: 2 OrgMemberships ("alice", "bob") but no OrgRoster (rule org-has-roster): access given outside the ` +
          `program would go unnoticed. Fix: declare one OrgRoster with orgId "${ORG}" whose managed lists the usernames of these OrgMemberships, ` +
          `or, when another stack declares it, add "${ORG}" to "rosterElsewhere" in the policy config of org-has-roster.`,
      },
    ]);
  });

  it("shortens a long list of OrgMemberships", () => {
    const people = Array.from({ length: 200 }, (_, i) => member(`p${i}`));
    expect(orgRosterFindings(people, NONE)[0]?.message).toContain(`200 OrgMemberships ("p0", "p1", "p2", "p3", "p4" and 195 more)`);
  });

  it("is satisfied per organization, through either front door", () => {
    expect(orgRosterFindings([member("alice"), roster(ORG, "plugin")], NONE)).toEqual([]);
    const findings = orgRosterFindings([member("alice"), member("zoe", OTHER_ORG), roster(ORG)], NONE);
    expect(findings.map((f) => f.message.split(":")[0])).toEqual([`organization ${OTHER_ORG}`]);
  });

  it("asks nothing of an organization whose roster another stack declares (settings)", () => {
    const findings = orgRosterFindings([member("alice"), member("zoe", OTHER_ORG)], { rosterElsewhere: [OTHER_ORG] });
    expect(findings.map((f) => f.message.split(":")[0])).toEqual([`organization ${ORG}`]);
  });

  it("asks nothing of organizations with only invitations or no OrgMembership", () => {
    const invitation = resource("OrgInvitation", "i", { orgId: ORG, username: "i@example.com", roles: ["ORG_MEMBER"] });
    expect(orgRosterFindings([invitation], NONE)).toEqual([]);
    expect(orgRosterFindings([], NONE)).toEqual([]);
  });

  it("never judges while an organization is not known at preview", () => {
    expect(orgRosterFindings([member("alice", UNKNOWN_VALUE)], NONE)).toEqual([]);
    // An OrgRoster whose orgId is not known may be the one this organization lacks.
    expect(orgRosterFindings([member("alice"), roster(UNKNOWN_VALUE)], NONE)).toEqual([]);
  });
});
