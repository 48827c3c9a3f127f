// The writer and the username rules of adopt, on their own: what the example's parser reads back from
// awkward names and ids, and which usernames are left out (the provider's check would refuse them).

import { describe, expect, it } from "vitest";
import { accessListYaml } from "../../cli/adopt/access-list-yaml";
import type { AdoptedAccess } from "../../cli/adopt/adopted-access";
import { ignoreCommands, shellQuote, usernameProblem } from "../../cli/adopt/ignore-suggestions";
import { parseAccessList } from "../../examples/people/access-list";
import { checkPersonInputs } from "../../provider/model/checks";

const DIGITS = "012345678901234567890123"; // a number to YAML unless quoted
const EXPONENT = "123456789012345678901e23";

function access(teamName: string, projectName: string): AdoptedAccess {
  const projects = [
    { projectId: DIGITS, projectName, roles: ["GROUP_READ_ONLY"] },
    { projectId: EXPONENT, projectName: "# not a comment", roles: ["GROUP_OWNER"] },
  ];
  return {
    org: { id: "5f1b2c3d4e5f6a7b8c9d0e1f", name: 'Acme "Prod"\nsecond line' },
    teams: [{ name: teamName, projects }],
    people: [{ email: "a@example.com", roles: ["ORG_MEMBER"], teams: [teamName], projects, invited: false }],
    ignore: [],
    notes: [],
  };
}

describe("the people.yaml writer", () => {
  it("quotes what YAML would read as something else, and the example's parser reads back every name, id and role", () => {
    for (const name of ["yes", "null", "- dash", "a: b", "[x]", "#hash", "  spaced"]) {
      const text = accessListYaml(access(name.trim(), "p: [1]"), { date: "2026-12-07" });
      const list = parseAccessList(text, "written");
      expect(list.teams).toEqual([{ name: name.trim(), projects: { [DIGITS]: ["GROUP_READ_ONLY"], [EXPONENT]: ["GROUP_OWNER"] } }]);
      expect(list.people[0]?.teams).toEqual([name.trim()]);
      expect(list.people[0]?.projects).toEqual({ [DIGITS]: ["GROUP_READ_ONLY"], [EXPONENT]: ["GROUP_OWNER"] });
    }
  });

  it("keeps the organization's and projects' names on their comment lines", () => {
    const text = accessListYaml(access("dba", "line one\nline two"), { date: "2026-12-07" });
    expect(text.split("\n")[0]).toBe(
      '# Adopted from organization "Acme "Prod" second line" (5f1b2c3d4e5f6a7b8c9d0e1f) on 2026-12-07 by `pulumi-cloudmanager adopt`:',
    );
    expect(text).toContain(`"${DIGITS}": [GROUP_READ_ONLY] # line one line two\n`);
    expect(parseAccessList(text).people).toHaveLength(1);
  });
});

describe("who is left out", () => {
  it("refuses what OrgMembership's check refuses, and takes ordinary addresses", () => {
    expect(usernameProblem("alice@example.com")).toBeUndefined();
    expect(usernameProblem("Alice.O'Neil+ops@example.co.uk")).toBeUndefined();
    expect(usernameProblem("svc-backup")).toContain("not an email address");
    expect(usernameProblem("\u0430lice@example.com")).toContain("mixes scripts");
    expect(usernameProblem("alice\u200b@example.com")).toContain("invisible");
    expect(usernameProblem("   ")).toBe("it is empty");
    expect(usernameProblem(`${"x".repeat(65)}@example.com`)).toContain('before "@"');
  });

  it("agrees with OrgMembership's check, username by username", () => {
    const usernames = [
      "alice@example.com",
      "Alice.O'Neil+ops@example.co.uk",
      "svc-backup",
      "no-dot@localhost",
      "two@@example.com",
      "\u0430lice@example.com",
      "alice\u200b@example.com",
      " alice@example.com",
      "   ",
      `${"x".repeat(64)}@example.com`,
      `${"x".repeat(65)}@example.com`,
      `a@${"b".repeat(250)}.com`,
      "\u0430\u043b\u0438\u0441\u0430@\u043f\u0440\u0438\u043c\u0435\u0440.\u0440\u0444",
    ];
    for (const username of usernames) {
      const refused =
        (checkPersonInputs({ orgId: "5f1b2c3d4e5f6a7b8c9d0e1f", username, roles: ["ORG_MEMBER"] }, false).failures ?? []).length > 0;
      expect([username, usernameProblem(username) !== undefined]).toEqual([username, refused]);
    }
  });

  it("prints commands a shell runs as written, quotes included", () => {
    expect(shellQuote("o'neil@example.com")).toBe(`'o'\\''neil@example.com'`);
    expect(ignoreCommands([{ entry: "svc", reason: "not an\nemail" }], 3)).toEqual([
      "pulumi config set --path 'ignore[3]' 'svc'   # not an email",
    ]);
  });
});
