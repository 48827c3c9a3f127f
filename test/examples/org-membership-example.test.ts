// The enforcement example's program (examples/org-membership) in-process, under Pulumi's mock
// monitor: what it declares from a people list — one OrgMembership per person, named by the email in
// lower case, and the organization's OrgRoster managing exactly those emails — and how it reads its
// stack config. The people.yaml reading is shared with examples/org-invitations (examples/people).

import { readFileSync } from "node:fs";
import { join } from "node:path";
import * as pulumi from "@pulumi/pulumi";
import { beforeAll, describe, expect, it } from "vitest";
import { declareOrgMemberships, parsePeople, usernamesFromConfig } from "../../examples/org-membership/declare-org-memberships";
import { defaultPeopleFile, personKeys } from "../../examples/people/people";

const ORG_ID = "5f1b2c3d4e5f6a7b8c9d0e1f";
const TEAM = "5f1b2c3d4e5f6a7b8c9d0e20";

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
  it("ships a people.yaml of a few people, read by the shared parser", () => {
    const file = join(__dirname, "../../examples/org-membership/people.yaml");
    expect(parsePeople(readFileSync(file, "utf8"), file)).toEqual([
      { email: "alice@example.com", roles: ["ORG_OWNER"] },
      { email: "bob@example.com", roles: ["ORG_MEMBER", "ORG_GROUP_CREATOR"] },
      { email: "carol@example.com", roles: ["ORG_READ_ONLY"] },
    ]);
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

  it("finds people.yaml next to the source when the program runs compiled from dist/", () => {
    const compiled = join(__dirname, "../../dist/examples/org-membership");
    expect(defaultPeopleFile(compiled, "org-membership")).toBe(join(__dirname, "../../examples/org-membership/people.yaml"));
    const source = join(__dirname, "../../examples/org-invitations");
    expect(defaultPeopleFile(source, "org-invitations")).toBe(join(source, "people.yaml"));
  });
});
