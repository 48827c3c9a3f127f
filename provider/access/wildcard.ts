// Wildcard patterns of OrgRoster's `ignore`: `*` matches any run of characters (including none), every
// other character matches itself, letter case is ignored, and the whole username must match.
//
// Not a RegExp: `^.*a.*a…$` backtracks exponentially on a near-miss (ten stars against 60 characters
// ran for minutes). Splitting on `*` and finding the pieces in order with indexOf is linear in practice.

/** A pattern compiled once, to be applied to every username of an organization. */
export type WildcardTest = (text: string) => boolean;

/**
 * Compiles `pattern`. The first piece must be a prefix, the last a suffix, and the pieces between
 * them must occur in order between those two; taking each at its leftmost place is always safe,
 * because it leaves the most room for the pieces after it.
 */
export function compileWildcard(pattern: string): WildcardTest {
  const pieces = pattern.toLowerCase().split("*");
  const first = pieces[0] ?? "";
  if (pieces.length === 1) return (text) => text.toLowerCase() === first;
  const last = pieces[pieces.length - 1] ?? "";
  // Empty pieces (from `**`, or a leading or trailing star) constrain nothing.
  const middle = pieces.slice(1, -1).filter((piece) => piece !== "");
  const fixed = first.length + last.length;
  return (input) => {
    const text = input.toLowerCase();
    // The length check keeps the prefix and the suffix from sharing characters ("a*a" must not match "a").
    if (text.length < fixed || !text.startsWith(first) || !text.endsWith(last)) return false;
    const end = text.length - last.length;
    let from = first.length;
    for (const piece of middle) {
      const at = text.indexOf(piece, from);
      if (at < 0 || at + piece.length > end) return false;
      from = at + piece.length;
    }
    return true;
  };
}

/** One-off match; compile once with `compileWildcard` when testing many usernames. */
export function matchesWildcard(pattern: string, text: string): boolean {
  return compileWildcard(pattern)(text);
}

/** Whether `pattern` is stars only ("*", "**" …): it would ignore every username of the organization. */
export function matchesEverything(pattern: string): boolean {
  return /^\*+$/.test(pattern);
}
