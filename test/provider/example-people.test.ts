// The example programs' input: the people list a GitOps repository keeps, and (examples/org-membership)
// the teams it declares by name with their roles per project and each person's own roles per project,
// checked as a whole before anything is declared.
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { declareOrgInvitations, parsePeople } from "../../examples/org-invitations/declare-org-invitations";
import { parseAccessList } from "../../examples/people/access-list";

const PROD = "5f1b2c3d4e5f6a7b8c9d0e30";
const TEAM_ID = "5f1b2c3d4e5f6a7b8c9d0e20";

describe("Example_People", () => {
  it("reads the shipped people.yaml", () => {
    const people = parsePeople(readFileSync(join(__dirname, "../../examples/org-invitations/people.yaml"), "utf8"));
    expect(people).toEqual([
      { email: "alice@example.com", roles: ["ORG_MEMBER", "ORG_GROUP_CREATOR"] },
      { email: "bob@example.com", roles: ["ORG_READ_ONLY"] },
      { email: "carol@example.com", roles: ["ORG_MEMBER", "ORG_BILLING_ADMIN"] },
    ]);
  });

  it("accepts JSON and a top-level people: key, with teams", () => {
    const json = JSON.stringify({ people: [{ email: "a@example.com", roles: ["ORG_MEMBER"], teams: ["aaaaaaaaaaaaaaaaaaaaaaaa"] }] });
    expect(parsePeople(json)).toEqual([{ email: "a@example.com", roles: ["ORG_MEMBER"], teams: ["aaaaaaaaaaaaaaaaaaaaaaaa"] }]);
  });

  it("reports every malformed entry at once, with where it is", () => {
    const text = "- email: a@example.com\n  roles: ORG_MEMBER\n- roles: [ORG_MEMBER]\n- just a string\n";
    expect(() => parsePeople(text, "team.yaml")).toThrow(
      'team.yaml: entry 1: "roles" must be a list of role names, e.g. [ORG_MEMBER]\n' +
        'team.yaml: entry 2: "email" is missing\n' +
        "team.yaml: entry 3: expected email, roles and optional teams",
    );
    expect(() => parsePeople("email: x")).toThrow(/expected a list of people/);
  });

  it("refuses a person listed twice (in any letter case) before declaring anything", () => {
    expect(() =>
      declareOrgInvitations(
        [
          { email: "a@example.com", roles: ["ORG_MEMBER"] },
          { email: "A@Example.com", roles: ["ORG_OWNER"] },
        ],
        "5f1b2c3d4e5f6a7b8c9d0e1f",
      ),
    ).toThrow("listed more than once: a@example.com; list each person once.");
  });
});

describe("Example_AccessList (people.yaml with teams)", () => {
  it("reads teams by name with their roles per project, and people naming them", () => {
    const text = [
      "teams:",
      "  - name: dba",
      "    projects:",
      `      ${PROD}: [GROUP_DATA_ACCESS_ADMIN]`,
      "  - name: operations",
      "    renamedFrom: ops",
      "people:",
      "  - email: a@example.com",
      "    roles: [ORG_MEMBER]",
      "    teams: [dba, Operations]",
      "",
    ].join("\n");
    expect(parseAccessList(text)).toEqual({
      teams: [
        { name: "dba", projects: { [PROD]: ["GROUP_DATA_ACCESS_ADMIN"] } },
        { name: "operations", renamedFrom: ["ops"] },
      ],
      people: [{ email: "a@example.com", roles: ["ORG_MEMBER"], teams: ["dba", "Operations"] }],
    });
  });

  it("still reads a plain list of people with team ids (teams managed elsewhere)", () => {
    const text = `- email: a@example.com\n  roles: [ORG_MEMBER]\n  teams: [${TEAM_ID}]\n`;
    expect(parseAccessList(text)).toEqual({ people: [{ email: "a@example.com", roles: ["ORG_MEMBER"], teams: [TEAM_ID] }], teams: [] });
    expect(() => parseAccessList("- email: a@example.com\n  roles: [ORG_MEMBER]\n  teams: [dba]\n", "people.yaml")).toThrow(
      'people.yaml: entry 1 (a@example.com): team "dba" is not declared under "teams:": declare it there ("- name: dba"), or give a team id (24 hexadecimal characters)',
    );
  });

  it("reports every problem at once, each naming the file, the entry and the fix", () => {
    const text = [
      "teams:",
      "  - name: dba",
      "    projects:",
      "      prod: [GROUP_OWNER]",
      `      ${PROD}: [ORG_MEMBER, group_read_only, GROUP_CLUSTER_MANAGER]`,
      "  - name: DBA",
      "  - name: ops",
      "    renamedFrom: [operators]",
      "    project: {}",
      "people:",
      "  - email: a@example.com",
      "    roles: [ORG_MEMBER]",
      "    teams: [dba, dbas, operators]",
      "  - email: b@example.com",
      "    roles: [ORG_MEMBER]",
      "    teams: [ops]",
      "",
    ].join("\n");
    const roles =
      "GROUP_AUTOMATION_ADMIN, GROUP_BACKUP_ADMIN, GROUP_DATA_ACCESS_ADMIN, GROUP_DATA_ACCESS_READ_ONLY, GROUP_DATA_ACCESS_READ_WRITE, " +
      "GROUP_MONITORING_ADMIN, GROUP_OWNER, GROUP_READ_ONLY, GROUP_USER_ADMIN";
    expect(() => parseAccessList(text, "team.yaml")).toThrow(
      [
        'team.yaml: teams entry 3 ("ops"): unknown key "project": a team has name, projects, renamedFrom',
        'team.yaml: teams entry 2 ("DBA"): team "DBA" is declared twice (also teams entry 1 ("dba"); team names are unique ignoring case): merge the two entries into one',
        'team.yaml: teams entry 1 ("dba"): "prod" is not a project id: write the project\'s id (24 hexadecimal characters; it is in the project\'s URL and under Project Settings), not its name',
        `team.yaml: teams entry 1 ("dba"): project ${PROD}: "ORG_MEMBER" is not a project role (a team's roles in a project are GROUP_ roles): use one of ${roles}`,
        `team.yaml: teams entry 1 ("dba"): project ${PROD}: "group_read_only" is not a project role: write it "GROUP_READ_ONLY"`,
        `team.yaml: teams entry 1 ("dba"): project ${PROD}: "GROUP_CLUSTER_MANAGER" is not a Cloud Manager project role: use one of ${roles}`,
        'team.yaml: people entry 1 (a@example.com): team "dbas" is not declared under "teams:": correct the name (declared: dba, DBA, ops) or declare it there ("- name: dbas")',
        'team.yaml: people entry 1 (a@example.com): team "operators" was renamed to "ops": write the new name',
      ].join("\n"),
    );
  });

  it("refuses a team nobody is on (Cloud Manager keeps no empty team), a project without roles and a malformed entry", () => {
    const text = ["teams:", "  - name: dba", "    projects:", `      ${PROD}: []`, "  - just a string", "people: []", ""].join("\n");
    expect(() => parseAccessList(text)).toThrow(
      [
        'people.yaml: teams entry 2: expected "name:" and optional "projects:" and "renamedFrom:"',
        `people.yaml: teams entry 1 ("dba"): project ${PROD}: no roles: list at least one (GROUP_AUTOMATION_ADMIN, GROUP_BACKUP_ADMIN, ` +
          "GROUP_DATA_ACCESS_ADMIN, GROUP_DATA_ACCESS_READ_ONLY, GROUP_DATA_ACCESS_READ_WRITE, GROUP_MONITORING_ADMIN, GROUP_OWNER, " +
          "GROUP_READ_ONLY, GROUP_USER_ADMIN), or remove the project to take the team off it",
        'people.yaml: teams entry 1 ("dba"): nobody lists team "dba" in their "teams", and Cloud Manager cannot keep an empty team: ' +
          "add it to the teams of the people on it, or delete this entry to delete the team",
      ].join("\n"),
    );
    expect(() => parseAccessList("teams: []\nadmins: []\n")).toThrow(/expected a list of people, or "people:" followed by one/);
    expect(() => parseAccessList("teams: []\npeople: []\nadmins: []\n")).toThrow(
      'people.yaml: unknown section "admins": the file has "people:" and optionally "teams:"',
    );
  });

  it("refuses a former name still in use or claimed twice, and a project listed twice in another letter case", () => {
    const text = [
      "teams:",
      "  - name: dba",
      "    renamedFrom: ops",
      "    projects:",
      `      ${PROD}: [GROUP_OWNER]`,
      `      ${PROD.toUpperCase()}: [GROUP_OWNER]`,
      "  - name: ops",
      "    renamedFrom: [old]",
      "  - name: sre",
      "    renamedFrom: [old]",
      "people:",
      "  - email: a@example.com",
      "    roles: [ORG_MEMBER]",
      "    teams: [dba, ops, sre, DBA]",
      "",
    ].join("\n");
    expect(() => parseAccessList(text)).toThrow(
      [
        `people.yaml: teams entry 1 ("dba"): project ${PROD.toUpperCase()} is listed twice: keep one entry`,
        'people.yaml: teams entry 1 ("dba"): renamedFrom "ops" is the name of teams entry 2 ("ops"): a former name must not be in use; remove it from renamedFrom',
        'people.yaml: teams entry 3 ("sre"): renamedFrom "old" is also claimed by teams entry 2 ("ops"): keep it in one',
        'people.yaml: people entry 1 (a@example.com): team "DBA" is listed twice: keep one',
      ].join("\n"),
    );
  });
});

describe("Example_AccessList: a person's own project roles", () => {
  const STAGING = "5f1b2c3d4e5f6a7b8c9d0e31";
  const ROLES =
    "GROUP_AUTOMATION_ADMIN, GROUP_BACKUP_ADMIN, GROUP_DATA_ACCESS_ADMIN, GROUP_DATA_ACCESS_READ_ONLY, GROUP_DATA_ACCESS_READ_WRITE, " +
    "GROUP_MONITORING_ADMIN, GROUP_OWNER, GROUP_READ_ONLY, GROUP_USER_ADMIN";

  it("reads them beside teams, in a people: file and in a plain list", () => {
    const text = [
      "teams:",
      "  - name: dba",
      "    projects:",
      `      ${PROD}: [GROUP_DATA_ACCESS_ADMIN]`,
      "people:",
      "  - email: a@example.com",
      "    roles: [ORG_MEMBER]",
      "    teams: [dba]",
      "    projects:",
      `      ${PROD}: [GROUP_READ_ONLY]`,
      `      ${STAGING}: [GROUP_OWNER, GROUP_READ_ONLY]`,
      "",
    ].join("\n");
    expect(parseAccessList(text).people).toEqual([
      {
        email: "a@example.com",
        roles: ["ORG_MEMBER"],
        teams: ["dba"],
        projects: { [PROD]: ["GROUP_READ_ONLY"], [STAGING]: ["GROUP_OWNER", "GROUP_READ_ONLY"] },
      },
    ]);
    const plain = `- email: a@example.com\n  roles: [ORG_MEMBER]\n  projects: {${PROD}: [GROUP_READ_ONLY]}\n`;
    expect(parseAccessList(plain)).toEqual({
      people: [{ email: "a@example.com", roles: ["ORG_MEMBER"], projects: { [PROD]: ["GROUP_READ_ONLY"] } }],
      teams: [],
    });
  });

  it("reports every problem at once, each naming the file, the entry and the fix (as for a team's projects)", () => {
    const text = [
      "people:",
      "  - email: a@example.com",
      "    roles: [ORG_MEMBER]",
      "    projects:",
      "      prod: [GROUP_READ_ONLY]",
      `      ${PROD}: [ORG_MEMBER, group_owner, GROUP_CLUSTER_MANAGER, GROUP_READ_ONLY, GROUP_READ_ONLY]`,
      `      ${PROD.toUpperCase()}: [GROUP_READ_ONLY]`,
      `      ${STAGING}: []`,
      "  - email: b@example.com",
      "    roles: [ORG_MEMBER]",
      "    projects: [GROUP_READ_ONLY]",
      "  - email: c@example.com",
      "    roles: [ORG_MEMBER]",
      "    projects:",
      `      ${STAGING}: GROUP_READ_ONLY`,
      "",
    ].join("\n");
    expect(() => parseAccessList(text, "people.yaml")).toThrow(
      [
        'people.yaml: people entry 2: "projects" must map project ids to roles, e.g. "5f1b2c3d4e5f6a7b8c9d0e30: [GROUP_READ_ONLY]"',
        `people.yaml: people entry 3: project ${STAGING}: the roles must be a list, e.g. [GROUP_READ_ONLY]`,
        "people.yaml: people entry 1 (a@example.com): \"prod\" is not a project id: write the project's id (24 hexadecimal characters; it is in the project's URL and under Project Settings), not its name",
        `people.yaml: people entry 1 (a@example.com): project ${PROD}: "ORG_MEMBER" is not a project role (a person's roles in a project are GROUP_ roles): use one of ${ROLES}`,
        `people.yaml: people entry 1 (a@example.com): project ${PROD}: "group_owner" is not a project role: write it "GROUP_OWNER"`,
        `people.yaml: people entry 1 (a@example.com): project ${PROD}: "GROUP_CLUSTER_MANAGER" is not a Cloud Manager project role: use one of ${ROLES}`,
        `people.yaml: people entry 1 (a@example.com): project ${PROD}: role GROUP_READ_ONLY is listed twice: keep one`,
        `people.yaml: people entry 1 (a@example.com): project ${PROD.toUpperCase()} is listed twice: keep one entry`,
        `people.yaml: people entry 1 (a@example.com): project ${STAGING}: no roles: list at least one (${ROLES}), or remove the project to take them off it`,
      ].join("\n"),
    );
  });

  it("an id YAML reads as a number (digits only, or digits and one e) is said to need quotes, and works quoted", () => {
    const digits = "012345678901234567890123";
    const text = (id: string) => `- email: a@example.com\n  roles: [ORG_MEMBER]\n  projects:\n    ${id}: [GROUP_READ_ONLY]\n`;
    expect(() => parseAccessList(text(digits))).toThrow(
      `people.yaml: entry 1 (a@example.com): "1.2345678901234568e+22" is not a project id: YAML read the id as a number; put it in quotes, e.g. "'012345678901234567890123': [GROUP_READ_ONLY]"`,
    );
    expect(() => parseAccessList(text("1234567890123456789012e3"))).toThrow(
      /"1\.2345678901234568e\+24" is not a project id: YAML read the id as a number/,
    );
    expect(parseAccessList(text(`'${digits}'`)).people[0]?.projects).toEqual({ [digits]: ["GROUP_READ_ONLY"] });
  });

  it("the invitations example's parser refuses project roles instead of dropping them", () => {
    const text = `- email: a@example.com\n  roles: [ORG_MEMBER]\n  projects: {${PROD}: [GROUP_READ_ONLY]}\n`;
    expect(() => parsePeople(text, "people.yaml")).toThrow(
      'people.yaml: entry 1: "projects" gives project roles, which only examples/org-membership declares (its program reads them): remove it here, or use that example',
    );
  });
});
