// The enforcement example's program (examples/org-membership) in-process, under Pulumi's mock
// monitor: what it declares from a people list — one OrgMembership per person, named by the email in
// lower case, and the organization's OrgRoster managing exactly those emails; one Team per declared
// team (founders: the people who list it) and one ProjectTeam per team and project, a person's teams
// by name becoming the Teams' ids; one ProjectMembership per person and project of their own roles,
// and one ProjectRoster per project the list names — and how it reads its stack config. The
// people.yaml reading is shared with examples/org-invitations (examples/people).

import { readFileSync } from "node:fs";
import { join } from "node:path";
import * as pulumi from "@pulumi/pulumi";
import { beforeAll, describe, expect, it } from "vitest";
import {
  declareOrgMemberships,
  parseAccessList,
  parsePeople,
  usernamesFromConfig,
} from "../../examples/org-membership/declare-org-memberships";
import { defaultPeopleFile, personKeys } from "../../examples/people/people";

const ORG_ID = "5f1b2c3d4e5f6a7b8c9d0e1f";
const TEAM = "5f1b2c3d4e5f6a7b8c9d0e20";
const PROD = "5f1b2c3d4e5f6a7b8c9d0e30";
const STAGING = "5f1b2c3d4e5f6a7b8c9d0e31";
const TEAM_TYPE = "pulumi-nodejs:dynamic/cloudmanager:Team";
const PROJECT_TEAM_TYPE = "pulumi-nodejs:dynamic/cloudmanager:ProjectTeam";
const MEMBERSHIP_TYPE = "pulumi-nodejs:dynamic/cloudmanager:OrgMembership";
const PROJECT_MEMBERSHIP_TYPE = "pulumi-nodejs:dynamic/cloudmanager:ProjectMembership";
const PROJECT_ROSTER_TYPE = "pulumi-nodejs:dynamic/cloudmanager:ProjectRoster";
/** What the mock's ProjectRoster in STAGING "finds": two strangers and one team, to count (JSON Lines, as the roster writes them). */
const FIRST_SEEN = "2026-01-01T00:00:00.000Z";
const FOUND_IN_STAGING = {
  unmanagedUsers: [
    { username: "mallory@example.net", userId: "5f1b2c3d4e5f6a7b8c9d0e40", roles: ["GROUP_OWNER"], firstSeen: FIRST_SEEN },
    { username: "trudy@example.net", userId: "5f1b2c3d4e5f6a7b8c9d0e42", roles: ["GROUP_READ_ONLY"], firstSeen: FIRST_SEEN },
  ]
    .map((entry) => JSON.stringify(entry))
    .join("\n"),
  unmanagedInvitations: "",
  unmanagedTeams: JSON.stringify({ name: "shadow", teamId: "5f1b2c3d4e5f6a7b8c9d0e41", roles: ["GROUP_READ_ONLY"], firstSeen: FIRST_SEEN }),
};

/** The id the mock gives a Team: 24 hex characters derived from its resource name. */
function mockTeamId(name: string): string {
  return Buffer.from(name).toString("hex").padEnd(24, "0").slice(0, 24);
}

interface Registered {
  type: string;
  name: string;
  inputs: Record<string, unknown>;
}

const registered: Registered[] = [];

beforeAll(async () => {
  await pulumi.runtime.setMocks(
    {
      newResource: (args) => {
        const inputs = args.inputs as Record<string, unknown>;
        registered.push({ type: args.type, name: args.name, inputs });
        if (args.type === TEAM_TYPE) {
          return { id: `${ORG_ID}/${mockTeamId(args.name)}`, state: { ...inputs, teamId: mockTeamId(args.name), status: "WAITING" } };
        }
        if (args.type === PROJECT_ROSTER_TYPE) {
          const found =
            inputs["projectId"] === STAGING ? FOUND_IN_STAGING : { unmanagedUsers: "", unmanagedInvitations: "", unmanagedTeams: "" };
          return { id: `${ORG_ID}/${String(inputs["projectId"])}/roster`, state: { ...inputs, ...found } };
        }
        return { id: `${ORG_ID}/${args.name}`, state: { ...inputs, status: "PENDING" } };
      },
      call: () => ({}),
    },
    "access",
    "dev",
  );
});

function resolved<T>(output: pulumi.Output<T>): Promise<T> {
  return new Promise((resolve) => output.apply(resolve));
}

describe("examples/org-membership", () => {
  it("ships a people.yaml of a few people, a team with its roles in two projects and a person's own project role, read by the access-list parser", () => {
    const file = join(__dirname, "../../examples/org-membership/people.yaml");
    expect(parseAccessList(readFileSync(file, "utf8"), file)).toEqual({
      teams: [{ name: "dba", projects: { [PROD]: ["GROUP_DATA_ACCESS_ADMIN", "GROUP_READ_ONLY"], [STAGING]: ["GROUP_OWNER"] } }],
      people: [
        { email: "alice@example.com", roles: ["ORG_OWNER"] },
        { email: "bob@example.com", roles: ["ORG_MEMBER", "ORG_GROUP_CREATOR"], teams: ["dba"] },
        { email: "carol@example.com", roles: ["ORG_READ_ONLY"], projects: { [PROD]: ["GROUP_READ_ONLY"] } },
      ],
    });
    // The invitations example's parser reads no team names: it says where they are understood.
    expect(() => parsePeople(readFileSync(file, "utf8"), file)).toThrow(
      `${file}: "teams:" declares teams, which only examples/org-membership`,
    );
  });

  it("declares one OrgMembership per person and a roster managing exactly them, with ignore and prune as given", async () => {
    registered.length = 0;
    const people = parsePeople(
      `- email: Alice@Example.com\n  roles: [ORG_OWNER]\n- email: bob@example.com\n  roles: [ORG_MEMBER]\n  teams: [${TEAM}]\n`,
    );
    const access = declareOrgMemberships(people, ORG_ID, { ignore: ["*@break-glass.example.com"], prune: true });
    expect(Object.keys(access.memberships)).toEqual(["alice@example.com", "bob@example.com"]);
    expect(await resolved(access.statuses)).toEqual({ "alice@example.com": "PENDING", "bob@example.com": "PENDING" });
    await resolved(access.roster.urn);

    const memberships = registered.filter((r) => r.type === "pulumi-nodejs:dynamic/cloudmanager:OrgMembership");
    expect(memberships.map((r) => [r.name, r.inputs["username"], r.inputs["roles"], r.inputs["teamIds"]])).toEqual([
      ["alice@example.com", "Alice@Example.com", ["ORG_OWNER"], undefined],
      ["bob@example.com", "bob@example.com", ["ORG_MEMBER"], [TEAM]],
    ]);
    const rosters = registered.filter((r) => r.type === "pulumi-nodejs:dynamic/cloudmanager:OrgRoster");
    expect(rosters).toHaveLength(1);
    expect(rosters[0]?.name).toBe("roster");
    expect(rosters[0]?.inputs).toMatchObject({
      orgId: ORG_ID,
      managed: ["Alice@Example.com", "bob@example.com"],
      ignore: ["*@break-glass.example.com"],
      prune: true,
    });
  });

  it("prune is left to the resource's default (false) unless given", async () => {
    registered.length = 0;
    const access = declareOrgMemberships([{ email: "a@example.com", roles: ["ORG_MEMBER"] }], ORG_ID);
    await resolved(access.roster.urn);
    const roster = registered.find((r) => r.type === "pulumi-nodejs:dynamic/cloudmanager:OrgRoster");
    expect(roster?.inputs["prune"]).toBeUndefined();
    expect(roster?.inputs["ignore"]).toBeUndefined();
  });

  it("refuses a person listed twice (in any letter case) before declaring anything", () => {
    registered.length = 0;
    const twice = [
      { email: "a@example.com", roles: ["ORG_MEMBER"] },
      { email: " A@Example.com", roles: ["ORG_OWNER"] },
    ];
    expect(() => declareOrgMemberships(twice, ORG_ID)).toThrow("listed more than once: a@example.com; list each person once.");
    expect(() => personKeys(twice)).toThrow(/listed more than once/);
    expect(registered).toEqual([]);
  });

  it("reads ignore and retain from stack config as lists of strings, and says how to set one", () => {
    expect(usernamesFromConfig("ignore", undefined)).toEqual([]);
    expect(usernamesFromConfig("ignore", ["*@break-glass.example.com"])).toEqual(["*@break-glass.example.com"]);
    expect(() => usernamesFromConfig("ignore", "*@break-glass.example.com")).toThrow(
      `stack config "ignore" must be a list of usernames or patterns, e.g. \`pulumi config set --path 'ignore[0]' '*@break-glass.example.com'\`; got "*@break-glass.example.com".`,
    );
    expect(() => usernamesFromConfig("retain", [1])).toThrow(/stack config "retain" must be a list of usernames, e\.g\. .*'retain\[0\]'/);
  });

  it("declares one Team per team (founders: the people who list it), memberships joining it by its teamId, one ProjectTeam per team and project", async () => {
    registered.length = 0;
    const { people, teams } = parseAccessList(
      [
        "teams:",
        "  - name: DBA",
        "    projects:",
        `      ${PROD.toUpperCase()}: [GROUP_DATA_ACCESS_ADMIN]`,
        `      ${STAGING}: [GROUP_READ_ONLY, GROUP_DATA_ACCESS_READ_ONLY]`,
        "  - name: ops",
        "people:",
        "  - email: Alice@Example.com",
        "    roles: [ORG_MEMBER]",
        "    teams: [dba, ops]",
        "  - email: bob@example.com",
        "    roles: [ORG_MEMBER]",
        `    teams: [Dba, ${TEAM}]`,
        "  - email: carol@example.com",
        "    roles: [ORG_READ_ONLY]",
        "",
      ].join("\n"),
    );
    const access = declareOrgMemberships(people, ORG_ID, { teams });
    expect(Object.keys(access.teams)).toEqual(["dba", "ops"]);
    expect(Object.keys(access.projectTeams)).toEqual([`dba/${PROD}`, `dba/${STAGING}`]);
    expect(await resolved(access.teamStatuses)).toEqual({
      DBA: { teamId: mockTeamId("dba"), status: "WAITING" },
      ops: { teamId: mockTeamId("ops"), status: "WAITING" },
    });
    expect(await resolved(access.projectTeamStatuses)).toEqual({ [`dba/${PROD}`]: "PENDING", [`dba/${STAGING}`]: "PENDING" });
    await resolved(access.roster.urn);

    // Registration order follows when inputs resolve: compare by name.
    const byName = (a: Registered, b: Registered) => a.name.localeCompare(b.name);
    const teamsDeclared = registered.filter((r) => r.type === TEAM_TYPE).sort(byName);
    expect(teamsDeclared.map((r) => [r.name, r.inputs["name"], r.inputs["founders"]])).toEqual([
      ["dba", "DBA", ["Alice@Example.com", "bob@example.com"]],
      ["ops", "ops", ["Alice@Example.com"]],
    ]);
    const projectTeams = registered.filter((r) => r.type === PROJECT_TEAM_TYPE).sort(byName);
    expect(projectTeams.map((r) => [r.name, r.inputs["projectId"], r.inputs["teamId"], r.inputs["roles"]])).toEqual([
      [`dba/${PROD}`, PROD, mockTeamId("dba"), ["GROUP_DATA_ACCESS_ADMIN"]],
      [`dba/${STAGING}`, STAGING, mockTeamId("dba"), ["GROUP_READ_ONLY", "GROUP_DATA_ACCESS_READ_ONLY"]],
    ]);
    const memberships = registered.filter((r) => r.type === MEMBERSHIP_TYPE).sort(byName);
    expect(memberships.map((r) => [r.name, r.inputs["teamIds"]])).toEqual([
      ["alice@example.com", [mockTeamId("dba"), mockTeamId("ops")]],
      ["bob@example.com", [mockTeamId("dba"), TEAM]],
      ["carol@example.com", undefined],
    ]);
  });

  it("declares one ProjectMembership per person and project, and one ProjectRoster per project the list names (teams' and people's)", async () => {
    registered.length = 0;
    const { people, teams } = parseAccessList(
      [
        "teams:",
        "  - name: dba",
        "    projects:",
        `      ${PROD}: [GROUP_DATA_ACCESS_ADMIN]`,
        "people:",
        "  - email: Alice@Example.com",
        "    roles: [ORG_MEMBER]",
        "    teams: [dba]",
        "  - email: bob@example.com",
        "    roles: [ORG_MEMBER]",
        "    projects:",
        `      ${PROD}: [GROUP_READ_ONLY]`,
        `      ${STAGING.toUpperCase()}: [GROUP_DATA_ACCESS_READ_WRITE, GROUP_READ_ONLY]`,
        "  - email: carol@example.com",
        "    roles: [ORG_MEMBER]",
        "    projects:",
        `      ${STAGING}: [GROUP_DATA_ACCESS_READ_ONLY]`,
        "  - email: dave@example.com",
        "    roles: [ORG_MEMBER]",
        "",
      ].join("\n"),
    );
    const access = declareOrgMemberships(people, ORG_ID, {
      teams,
      ignore: ["owner@example.com"],
      prune: true,
      retain: ["carol@example.com"],
    });
    expect(Object.keys(access.projectMemberships)).toEqual([
      `bob@example.com/${PROD}`,
      `bob@example.com/${STAGING}`,
      `carol@example.com/${STAGING}`,
    ]);
    expect(Object.keys(access.projectRosters)).toEqual([PROD, STAGING]);
    expect(await resolved(access.projectMembershipStatuses)).toEqual({
      [`bob@example.com/${PROD}`]: "PENDING",
      [`bob@example.com/${STAGING}`]: "PENDING",
      [`carol@example.com/${STAGING}`]: "PENDING",
    });
    // The counts of what each roster found (one per line): the mock "finds" two strangers and a team in staging.
    expect(await resolved(access.undeclaredProjectAccess)).toEqual({
      [PROD]: { users: 0, invitations: 0, teams: 0 },
      [STAGING]: { users: 2, invitations: 0, teams: 1 },
    });

    const byName = (a: Registered, b: Registered) => a.name.localeCompare(b.name);
    const grants = registered.filter((r) => r.type === PROJECT_MEMBERSHIP_TYPE).sort(byName);
    expect(grants.map((r) => [r.name, r.inputs["orgId"], r.inputs["projectId"], r.inputs["username"], r.inputs["roles"]])).toEqual([
      [`bob@example.com/${PROD}`, ORG_ID, PROD, "bob@example.com", ["GROUP_READ_ONLY"]],
      [`bob@example.com/${STAGING}`, ORG_ID, STAGING, "bob@example.com", ["GROUP_DATA_ACCESS_READ_WRITE", "GROUP_READ_ONLY"]],
      [`carol@example.com/${STAGING}`, ORG_ID, STAGING, "carol@example.com", ["GROUP_DATA_ACCESS_READ_ONLY"]],
    ]);
    const rosters = registered.filter((r) => r.type === PROJECT_ROSTER_TYPE).sort(byName);
    const rosterInputs = (r: Registered) =>
      Object.fromEntries(["orgId", "projectId", "managed", "teams", "ignore", "prune"].map((k) => [k, r.inputs[k]]));
    expect(rosters.map((r) => [r.name, rosterInputs(r)])).toEqual([
      [
        `roster/${PROD}`,
        {
          orgId: ORG_ID,
          projectId: PROD,
          managed: ["bob@example.com"],
          teams: [mockTeamId("dba")],
          ignore: ["owner@example.com"],
          prune: true,
        },
      ],
      [
        `roster/${STAGING}`,
        {
          orgId: ORG_ID,
          projectId: STAGING,
          managed: ["bob@example.com", "carol@example.com"],
          teams: [],
          ignore: ["owner@example.com"],
          prune: true,
        },
      ],
    ]);
    // The organization's roster is as before: everyone in the list, whatever their projects.
    expect(registered.find((r) => r.name === "roster")?.inputs["managed"]).toEqual([
      "Alice@Example.com",
      "bob@example.com",
      "carol@example.com",
      "dave@example.com",
    ]);
  });

  it("a person's ProjectMemberships come after their OrgMembership, are retained with it, and each roster after its project's declarations", () => {
    // The options each resource was constructed with, seen by a resource transformation (given through opts to every resource).
    const optionsOf = new Map<string, pulumi.CustomResourceOptions>();
    const nameOf = new Map<pulumi.Resource, string>();
    const recorder: pulumi.ResourceTransformation = (args) => {
      optionsOf.set(args.name, args.opts);
      nameOf.set(args.resource, args.name);
      return undefined;
    };
    const people = [
      { email: "bob@example.com", roles: ["ORG_MEMBER"], projects: { [PROD]: ["GROUP_READ_ONLY"] } },
      { email: "carol@example.com", roles: ["ORG_MEMBER"], teams: ["dba"], projects: { [PROD]: ["GROUP_OWNER"] } },
    ];
    declareOrgMemberships(
      people,
      ORG_ID,
      { teams: [{ name: "dba", projects: { [PROD]: ["GROUP_READ_ONLY"] } }], retain: ["carol@example.com"] },
      { transformations: [recorder] },
    );
    const dependsOn = (name: string) => {
      const deps = optionsOf.get(name)?.dependsOn;
      return (Array.isArray(deps) ? (deps as pulumi.Resource[]) : []).map((d) => nameOf.get(d) ?? "?");
    };
    expect(dependsOn(`bob@example.com/${PROD}`)).toEqual(["bob@example.com"]);
    expect(optionsOf.get(`bob@example.com/${PROD}`)?.retainOnDelete).toBeUndefined();
    expect(dependsOn(`carol@example.com/${PROD}`)).toEqual(["carol@example.com"]);
    expect(optionsOf.get(`carol@example.com/${PROD}`)?.retainOnDelete).toBe(true);
    expect(optionsOf.get("carol@example.com")?.retainOnDelete).toBe(true);
    expect(dependsOn(`roster/${PROD}`)).toEqual([`dba/${PROD}`, `bob@example.com/${PROD}`, `carol@example.com/${PROD}`]);
  });

  it("refuses a list whose teams do not add up, naming every problem, before declaring anything", () => {
    registered.length = 0;
    const people = [
      { email: "a@example.com", roles: ["ORG_MEMBER"], teams: ["dbas"] },
      { email: "b@example.com", roles: ["ORG_MEMBER"], teams: ["dba"] },
    ];
    expect(() => declareOrgMemberships(people, ORG_ID, { teams: [{ name: "dba", projects: { prod: ["GROUP_OWNER"] } }] })).toThrow(
      [
        'the list: teams entry 1 ("dba"): "prod" is not a project id: write the project\'s id (24 hexadecimal characters; it is in the project\'s URL and under Project Settings), not its name',
        'the list: people entry 1 (a@example.com): team "dbas" is not declared under "teams:": correct the name (declared: dba) or declare it there ("- name: dbas")',
      ].join("\n"),
    );
    expect(registered).toEqual([]);
  });

  it("finds people.yaml next to the source when the program runs compiled from dist/", () => {
    const compiled = join(__dirname, "../../dist/examples/org-membership");
    expect(defaultPeopleFile(compiled, "org-membership")).toBe(join(__dirname, "../../examples/org-membership/people.yaml"));
    const source = join(__dirname, "../../examples/org-invitations");
    expect(defaultPeopleFile(source, "org-invitations")).toBe(join(source, "people.yaml"));
  });
});
