// prune-needs-ignore: a roster that prunes keeps its break-glass accounts in ignore.

import { describe, expect, it } from "vitest";
import { pruneIgnoreViolations } from "../../policy/rules/prune-ignore";
import { DOORS, ORG, PROJECT, resource, UNKNOWN_VALUE } from "./support";

describe.each(DOORS)("prune-needs-ignore (%s resources)", (door) => {
  it.each([
    ["OrgRoster", { orgId: ORG, managed: [] }, "organization"],
    ["ProjectRoster", { orgId: ORG, projectId: PROJECT, managed: [] }, "project"],
  ] as const)("names the %s, the rule and the fix when ignore is missing, empty or blank", (kind, base, scope) => {
    for (const ignore of [undefined, [], ["", "  "]]) {
      const d = resource(kind, "roster", { ...base, prune: true, ...(ignore === undefined ? {} : { ignore }) }, door);
      expect(pruneIgnoreViolations(d)).toEqual([
        `${kind} "roster" (${d.urn}): prune is true and ignore is empty (rule prune-needs-ignore): prune would remove everyone the ` +
          `${scope} has that the program does not declare, break-glass accounts included. Fix: list the break-glass accounts and ` +
          `API-key users in ignore (for example ignore: ["breakglass@example.com"]), or set prune to false.`,
      ]);
    }
  });

  it("lets a roster through that does not prune, or that ignores someone", () => {
    const base = { orgId: ORG, managed: [] };
    expect(pruneIgnoreViolations(resource("OrgRoster", "r", { ...base, prune: false }, door))).toEqual([]);
    expect(pruneIgnoreViolations(resource("OrgRoster", "r", base, door))).toEqual([]);
    expect(pruneIgnoreViolations(resource("OrgRoster", "r", { ...base, prune: true, ignore: ["breakglass@example.com"] }, door))).toEqual(
      [],
    );
  });

  it("never judges a prune or an ignore not known at preview", () => {
    const base = { orgId: ORG, projectId: PROJECT, managed: [] };
    expect(pruneIgnoreViolations(resource("ProjectRoster", "r", { ...base, prune: UNKNOWN_VALUE }, door))).toEqual([]);
    expect(pruneIgnoreViolations(resource("ProjectRoster", "r", { ...base, prune: true, ignore: UNKNOWN_VALUE }, door))).toEqual([]);
    expect(pruneIgnoreViolations(resource("ProjectRoster", "r", { ...base, prune: true, ignore: [UNKNOWN_VALUE] }, door))).toEqual([]);
  });

  it("leaves other resources alone", () => {
    expect(
      pruneIgnoreViolations(resource("OrgMembership", "m", { orgId: ORG, username: "m@example.com", roles: [], prune: true }, door)),
    ).toEqual([]);
  });
});
