// Who adopt does NOT write as a person: accounts the enforcement example could not declare, and the
// ones the user names with --ignore (break-glass accounts). Each becomes an entry of the stack config
// `ignore`, which both rosters honour: never reported, never pruned. The rules for a username are
// OrgMembership's own (provider/access/identity.ts addressProblem, which its check applies), so that
// nothing written here is refused at `pulumi preview`.

import { addressProblem, MAX_EMAIL_LENGTH, MAX_LOCAL_PART_LENGTH, type AddressProblem } from "../../provider/access/identity";
import { compileWildcard, type WildcardTest } from "../../provider/access/wildcard";

/** Adopt's words for what the provider's address rules found. */
const WHY: Record<AddressProblem["kind"], string> = {
  invisible: "it contains an invisible or control character",
  "too-long": `it is longer than ${MAX_EMAIL_LENGTH} characters`,
  "mixed-script": "it mixes scripts (a lookalike address)",
  "not-an-email": "it is not an email address (an API-key or service user?)",
  "local-part-too-long": `the part before "@" is longer than ${MAX_LOCAL_PART_LENGTH} characters`,
};

/** One entry for the stack config `ignore`: a username or a pattern, and why. */
export interface IgnoreSuggestion {
  entry: string;
  reason: string;
}

/**
 * Why `username` cannot be a person of people.yaml, or undefined when it can. Service and API-key
 * users (a name, not an address) fail the email rule; a lookalike or pasted invisible character fails
 * the others, as it would at the OrgMembership's check.
 */
export function usernameProblem(username: string): string | undefined {
  // Trimmed first, as the check does (and as usernames are compared: sdk/api/username.ts).
  const trimmed = username.trim();
  if (trimmed === "") return "it is empty";
  const problem = addressProblem(trimmed);
  return problem === undefined ? undefined : WHY[problem.kind];
}

/** The user's --ignore patterns, each with the accounts it matched (for the suggestion's reason). */
export class IgnorePatterns {
  private readonly tests: { pattern: string; test: WildcardTest; matched: string[] }[];

  constructor(patterns: readonly string[]) {
    this.tests = [...new Set(patterns)].map((pattern) => ({ pattern, test: compileWildcard(pattern), matched: [] }));
  }

  /** Whether `username` is left out; remembered for the suggestions. */
  matches(username: string): boolean {
    let found = false;
    for (const t of this.tests) {
      if (!t.test(username)) continue;
      found = true;
      if (!t.matched.includes(username)) t.matched.push(username);
    }
    return found;
  }

  suggestions(): IgnoreSuggestion[] {
    return this.tests.map(({ pattern, matched }) => ({
      entry: pattern,
      reason:
        matched.length === 0
          ? "given with --ignore; matches nobody now"
          : `given with --ignore; matches ${matched.length === 1 ? "" : `${matched.length}: `}${matched.slice(0, 3).join(", ")}${matched.length > 3 ? ", …" : ""}`,
    }));
  }
}

/** A shell word in single quotes: pasted into a shell, it is the text as is. */
export function shellQuote(text: string): string {
  return `'${text.replace(/'/g, `'\\''`)}'`;
}

/** The ready-to-run commands that add `suggestions` to the stack config `ignore`, from index `start`. */
export function ignoreCommands(suggestions: readonly IgnoreSuggestion[], start = 0): string[] {
  return suggestions.map(
    (s, i) => `pulumi config set --path ${shellQuote(`ignore[${start + i}]`)} ${shellQuote(s.entry)}   # ${oneLine(s.reason)}`,
  );
}

/** Text on one line, control characters shown as spaces (names from the server go into comments). */
export function oneLine(text: string): string {
  return text.replace(/[\p{Cc}\p{Zl}\p{Zp}]+/gu, " ");
}
