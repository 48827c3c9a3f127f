// Who a person is: their Cloud Manager `username` (an email address), letter case folded. A
// profile's `emailAddress` is contact data that its owner may change; it is never identity.

import { usernameKey } from "../../sdk";

// The one normalisation is the client's (sdk/api/username.ts): the client picks pending invitations by it too.
export { usernameKey };

/** Whether two usernames name the same Cloud Manager account. */
export function sameUsername(a: string, b: string): boolean {
  return usernameKey(a) === usernameKey(b);
}

// Scripts whose letters pass for Latin ones (Cyrillic "а" U+0430 for "a", Greek "ο" for "o",
// Armenian "օ" for "o", Cherokee "Ꭺ" for "A"). Other scripts (Han, Arabic …) are not checked: they
// have no such lookalikes. Digits, punctuation and combining marks belong to no script here: neutral.
const SCRIPTS = [
  { name: "LATIN", letter: /^\p{Script=Latin}$/u },
  { name: "CYRILLIC", letter: /^\p{Script=Cyrillic}$/u },
  { name: "GREEK", letter: /^\p{Script=Greek}$/u },
  { name: "ARMENIAN", letter: /^\p{Script=Armenian}$/u },
  { name: "CHEROKEE", letter: /^\p{Script=Cherokee}$/u },
] as const;

type ScriptName = (typeof SCRIPTS)[number]["name"];

const LETTER = /^\p{L}$/u;
/** Offending characters named in a reason; the rest are counted. */
const LISTED = 3;

interface ScriptedLetter {
  char: string;
  /** 1-based, in characters (code points) of the username as given. */
  position: number;
  script: ScriptName;
}

/**
 * Why `username` cannot be trusted as typed: it mixes letters of two or more of the scripts above
 * (the whole address, domain included: "алиса@acme.com" is mixed too), so it likely looks like an
 * address it is not. An address wholly in one script (all Cyrillic, an IDN) is accepted: it is
 * unusual, not deceptive. The offending letters are those outside the address's main script (the
 * one with most letters; Latin on a tie). Undefined when there is nothing to say.
 */
export function mixedScriptProblem(username: string): string | undefined {
  const letters: ScriptedLetter[] = [];
  const counts = new Map<ScriptName, number>();
  let position = 0;
  for (const char of username) {
    position += 1;
    if (!LETTER.test(char)) continue;
    const script = SCRIPTS.find((s) => s.letter.test(char))?.name;
    if (script === undefined) continue;
    letters.push({ char, position, script });
    counts.set(script, (counts.get(script) ?? 0) + 1);
  }
  if (counts.size < 2) return undefined;
  // Map order is first appearance; Latin wins a tie because a lookalike usually hides in a Latin address.
  let main: ScriptName = "LATIN";
  for (const [script, count] of counts) if (count > (counts.get(main) ?? 0)) main = script;
  const offending = letters.filter((letter) => letter.script !== main);
  const named = offending.slice(0, LISTED).map((l) => `${codePoint(l.char)} ${l.script} at position ${l.position}`);
  const more = offending.length > LISTED ? ` and ${offending.length - LISTED} more` : "";
  const others = [...counts.keys()].filter((script) => script !== main).join(", ");
  return `"${username}" mixes scripts (${main} with ${others}): ${named.join(", ")}${more}; ` + `type the address again in one script`;
}

function codePoint(char: string): string {
  return `U+${(char.codePointAt(0) ?? 0).toString(16).toUpperCase().padStart(4, "0")}`;
}

// Deliberately loose: Cloud Manager is the authority on addresses; this catches typos such as a
// missing "@" or a name pasted where the email belongs, before anything is sent.
const EMAIL = /^[^\s@]+@[^\s@]+\.[^\s@]+$/;
/** RFC 5321 §4.5.3.1: 254 characters for an address as a path, 64 for its local part. */
export const MAX_EMAIL_LENGTH = 254;
export const MAX_LOCAL_PART_LENGTH = 64;
// Control, format (zero-width space, soft hyphen, direction marks, BOM), surrogate, private-use and
// unassigned characters, and line/paragraph separators: invisible in a review, never in an address.
export const INVISIBLE = /[\p{Cc}\p{Cf}\p{Cs}\p{Co}\p{Cn}\p{Zl}\p{Zp}]/u;

/** Why a (trimmed, non-empty) username cannot be a person's address, in the order the rules apply. */
export type AddressProblem =
  | { kind: "invisible"; codePoint: string; position: number }
  | { kind: "too-long" }
  | { kind: "mixed-script"; detail: string }
  | { kind: "not-an-email" }
  | { kind: "local-part-too-long" };

/**
 * The one set of rules for a person's username: OrgMembership's and OrgInvitation's check
 * (../model/checks.ts) and adopt (cli/) word the answer their own way, but never disagree on it.
 */
export function addressProblem(trimmed: string): AddressProblem | undefined {
  const invisible = INVISIBLE.exec(trimmed);
  if (invisible !== null) {
    const codePoint = (invisible[0].codePointAt(0) ?? 0).toString(16).toUpperCase().padStart(4, "0");
    return { kind: "invisible", codePoint, position: invisible.index + 1 };
  }
  if (trimmed.length > MAX_EMAIL_LENGTH) return { kind: "too-long" };
  // A lookalike (a Cyrillic "а" in a Latin address) would invite someone else than the reviewer read.
  const mixed = mixedScriptProblem(trimmed);
  if (mixed !== undefined) return { kind: "mixed-script", detail: mixed };
  if (!EMAIL.test(trimmed)) return { kind: "not-an-email" };
  if (trimmed.lastIndexOf("@") > MAX_LOCAL_PART_LENGTH) return { kind: "local-part-too-long" };
  return undefined;
}
