// OrgRoster's `ignore` patterns, matched without a RegExp (no catastrophic backtracking).
import { describe, expect, it } from "vitest";
import { compileWildcard, matchesEverything, matchesWildcard } from "../../../provider/access/wildcard";

describe("matchesWildcard", () => {
  it.each([
    // [pattern, username, matches]
    ["alice@acme.com", "alice@acme.com", true],
    ["alice@acme.com", "alice@acme.co", false],
    ["alice@acme.com", "xalice@acme.com", false],
    ["*@acme.com", "bob@acme.com", true],
    ["*@acme.com", "@acme.com", true],
    ["*@acme.com", "bob@acme.com.evil", false],
    ["*@acme.com", "bob@notacme.com", false],
    ["svc-*", "svc-backup@acme.com", true],
    ["svc-*", "backup-svc@acme.com", false],
    ["svc-*@acme.com", "svc-backup@acme.com", true],
    ["svc-*@acme.com", "svc-@acme.com", true],
    ["*contractor*", "jane.contractor@acme.com", true],
    ["*contractor*", "contractor", true],
    ["*contractor*", "contract@acme.com", false],
    ["a*b*c", "abc", true],
    ["a*b*c", "axxbyyc", true],
    ["a*b*c", "acb", false],
    ["*a*b*c*", "zzcbazz", false],
    ["*a*b*c*", "zzazbzcz", true],
    // Empty pieces: `**` and leading or trailing stars constrain nothing more than `*`.
    ["**@acme.com", "bob@acme.com", true],
    ["a**b", "ab", true],
    ["*", "", true],
    ["**", "anyone@anywhere", true],
    ["", "", true],
    ["", "a", false],
    // Letter case is ignored on both sides.
    ["*@ACME.com", "Bob@Acme.COM", true],
    ["Alice@acme.com", "ALICE@ACME.COM", true],
    // RegExp metacharacters are literal.
    ["a.b@acme.com", "a.b@acme.com", true],
    ["a.b@acme.com", "axb@acme.com", false],
    ["a?@acme.com", "a?@acme.com", true],
    ["a?@acme.com", "a@acme.com", false],
    ["a+b@acme.com", "aab@acme.com", false],
    ["a+b@acme.com", "a+b@acme.com", true],
    ["(x|y)[z]^$\\*", "(x|y)[z]^$\\anything", true],
    ["(x|y)[z]^$\\*", "x", false],
    // The prefix and the suffix may not share characters.
    ["a*a", "a", false],
    ["a*a", "aa", true],
    ["ab*bc", "abc", false],
    ["ab*bc", "abbc", true],
    // A middle piece may not reach into the suffix.
    ["*ab*b", "ab", false],
    ["*ab*b", "abb", true],
  ])("%j against %j is %s", (pattern, username, expected) => {
    expect(matchesWildcard(pattern, username)).toBe(expected);
    expect(compileWildcard(pattern)(username)).toBe(expected);
  });

  it("answers the pathological pattern (ten stars, a near-miss) over 1,000 long usernames", () => {
    const pattern = "*a*a*a*a*a*a*a*a*a*a-contractor@acme.com";
    const test = compileWildcard(pattern);
    const misses = Array.from({ length: 1_000 }, (_, i) => "a".repeat(60 + (i % 40)) + "@acme.com");
    expect(misses.filter(test)).toEqual([]);
    const hits = Array.from({ length: 1_000 }, (_, i) => "a".repeat(10 + (i % 50)) + "-contractor@acme.com");
    expect(hits.every(test)).toBe(true);
    // Nine a's cannot fill ten starred a's.
    expect(test("aaaaaaaaa-contractor@acme.com")).toBe(false);
  });

  it("compiles once and is reusable across usernames", () => {
    const test = compileWildcard("*@Acme.com");
    expect(["a@acme.com", "B@ACME.COM", "c@other.com"].map(test)).toEqual([true, true, false]);
  });
});

describe("matchesEverything", () => {
  it.each([
    ["*", true],
    ["**", true],
    ["***", true],
    ["", false],
    ["*@acme.com", false],
    ["* ", false],
    ["a*", false],
  ])("%j is %s", (pattern, expected) => {
    expect(matchesEverything(pattern)).toBe(expected);
  });
});
