// The example program's input: the people list a GitOps repository keeps.
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { declareOrgInvitations, parsePeople } from "../../examples/org-invitations/declare-org-invitations";

describe("Example_People", () => {
  it("reads the shipped people.yaml", () => {
    const people = parsePeople(readFileSync(join(__dirname, "../../examples/org-invitations/people.yaml"), "utf8"));
    expect(people).toEqual([
      { email: "alice@example.com", roles: ["ORG_MEMBER", "ORG_GROUP_CREATOR"] },
      { email: "bob@example.com", roles: ["ORG_READ_ONLY"] },
      { email: "carol@example.com", roles: ["ORG_OWNER"] },
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
