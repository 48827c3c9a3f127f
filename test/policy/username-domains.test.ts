// allowed-username-domains: every username of an OrgInvitation, OrgMembership, ProjectMembership and
// every Team founder, through both front doors; unknown usernames never judged.

import { describe, expect, it } from "vitest";
import { domainAllowed, domainOf, usernameDomainViolations } from "../../policy/rules/username-domains";
import { DOORS, ORG, PROJECT, resource, UNKNOWN_VALUE } from "./support";

const config = { domains: ["example.com", "*.corp.example.org"], allowedUsernames: ["Breakglass@Gmail.com"] };

describe("domains", () => {
  it("are the part after the last @, letter case folded", () => {
    expect(domainOf("Alice@Example.COM")).toBe("example.com");
    expect(domainOf('"a@b"@example.com')).toBe("example.com");
    expect(domainOf("service-account")).toBeUndefined();
    expect(domainOf("trailing@")).toBeUndefined();
  });

  it('are allowed exactly, or as any subdomain with "*."', () => {
    expect(domainAllowed("example.com", ["example.com"])).toBe(true);
    expect(domainAllowed("example.com", ["@Example.com "])).toBe(true);
    expect(domainAllowed("mail.example.com", ["example.com"])).toBe(false);
    expect(domainAllowed("badexample.com", ["example.com"])).toBe(false);
    expect(domainAllowed("eu.corp.example.org", ["*.corp.example.org"])).toBe(true);
    expect(domainAllowed("corp.example.org", ["*.corp.example.org"])).toBe(false);
    expect(domainAllowed("evilcorp.example.org", ["*.corp.example.org"])).toBe(false);
  });
});

describe.each(DOORS)("allowed-username-domains (%s resources)", (door) => {
  it.each(["OrgInvitation", "OrgMembership"] as const)("names the %s, its username, the rule and the fix", (kind) => {
    const d = resource(kind, "mallory", { orgId: ORG, username: "mallory@gmail.com", roles: ["ORG_MEMBER"] }, door);
    expect(usernameDomainViolations(d, config)).toEqual([
      `${kind} "mallory" (${d.urn}): username "mallory@gmail.com" is in domain "gmail.com"; rule allowed-username-domains allows only ` +
        `example.com, *.corp.example.org. Fix: declare the person by their address in an allowed domain, or add "gmail.com" to "domains" ` +
        `(or "mallory@gmail.com" to "allowedUsernames") in the policy config of allowed-username-domains.`,
    ]);
  });

  it("checks a ProjectMembership's username", () => {
    const d = resource(
      "ProjectMembership",
      "eve",
      { orgId: ORG, projectId: PROJECT, username: "eve@yahoo.com", roles: ["GROUP_OWNER"] },
      door,
    );
    expect(usernameDomainViolations(d, config)).toEqual([
      expect.stringContaining(`ProjectMembership "eve" (${d.urn}): username "eve@yahoo.com"`),
    ]);
  });

  it("checks each Team founder, one message per founder outside the domains", () => {
    const d = resource(
      "Team",
      "dba",
      { orgId: ORG, name: "dba", founders: ["alice@example.com", "x@gmail.com", "ops", UNKNOWN_VALUE] },
      door,
    );
    const messages = usernameDomainViolations(d, config);
    expect(messages).toHaveLength(2);
    expect(messages[0]).toContain(`Team "dba" (${d.urn}): founders "x@gmail.com" is in domain "gmail.com"`);
    expect(messages[1]).toContain(`founders "ops" has no domain`);
    expect(messages[1]).toContain(
      `Fix: declare the person by their email address in an allowed domain, or add "ops" to "allowedUsernames"`,
    );
  });

  it("lets allowed domains, allowed usernames (any letter case) and subdomains through", () => {
    for (const username of ["Alice@EXAMPLE.com", "breakglass@gmail.com", "bob@eu.corp.example.org"]) {
      expect(
        usernameDomainViolations(resource("OrgMembership", "p", { orgId: ORG, username, roles: ["ORG_MEMBER"] }, door), config),
      ).toEqual([]);
    }
  });

  it("never judges a username not known at preview", () => {
    const d = resource("OrgMembership", "p", { orgId: ORG, username: UNKNOWN_VALUE, roles: ["ORG_MEMBER"] }, door);
    expect(usernameDomainViolations(d, config)).toEqual([]);
    const team = resource("Team", "t", { orgId: ORG, name: "t", founders: UNKNOWN_VALUE }, door);
    expect(usernameDomainViolations(team, config)).toEqual([]);
  });

  it("checks nothing while no domain is configured (the default), and leaves other resources alone", () => {
    const gmail = resource("OrgMembership", "p", { orgId: ORG, username: "p@gmail.com", roles: ["ORG_MEMBER"] }, door);
    expect(usernameDomainViolations(gmail, { domains: [], allowedUsernames: [] })).toEqual([]);
    const roster = resource("OrgRoster", "r", { orgId: ORG, managed: ["p@gmail.com"] }, door);
    expect(usernameDomainViolations(roster, config)).toEqual([]);
  });
});
