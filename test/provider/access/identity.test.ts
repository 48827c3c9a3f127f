// Identity is the username, case folded; lookalike letters of another script are refused.
import { describe, expect, it } from "vitest";
import { mixedScriptProblem, sameUsername, usernameKey } from "../../../provider/access/identity";

describe("usernameKey and sameUsername", () => {
  it("trims and lowercases, and nothing else", () => {
    expect(usernameKey("  Alice@Acme.COM \t")).toBe("alice@acme.com");
    expect(usernameKey("a.b+tag@acme.com")).toBe("a.b+tag@acme.com");
  });

  it("compares usernames case-insensitively", () => {
    expect(sameUsername("Alice@acme.com", "alice@ACME.com")).toBe(true);
    expect(sameUsername(" alice@acme.com", "alice@acme.com")).toBe(true);
    expect(sameUsername("alice@acme.com", "alice2@acme.com")).toBe(false);
    // A lookalike is a different account.
    expect(sameUsername("\u0430lice@acme.com", "alice@acme.com")).toBe(false);
  });
});

describe("mixedScriptProblem", () => {
  it.each([
    "alice@acme.com",
    "Jane.O'Neil+ops_1@acme-corp.co.uk",
    "ren\u00e9e@acme.com", // é is Latin
    "\u0430\u043b\u0438\u0441\u0430@\u043f\u043e\u0447\u0442\u0430.\u0440\u0444", // all Cyrillic (IDN): one script
    "\u03b1\u03bb\u03b5\u03be@\u03c0.\u03b5\u03bb", // all Greek
    "\u5f20\u4f1f@acme.com", // Han has no Latin lookalikes: not checked
    "123@456.789",
    "",
  ])("accepts %j", (username) => {
    expect(mixedScriptProblem(username)).toBeUndefined();
  });

  it("names a Cyrillic lookalike in a Latin address, with its code point, script and position", () => {
    expect(mixedScriptProblem("\u0430lice@acme.com")).toBe(
      '"\u0430lice@acme.com" mixes scripts (LATIN with CYRILLIC): U+0430 CYRILLIC at position 1; type the address again in one script',
    );
  });

  it("counts a non-Latin local part with a Latin domain as mixed", () => {
    const problem = mixedScriptProblem("\u0430\u043b\u0438\u0441\u0430@acme.com");
    expect(problem).toContain("(LATIN with CYRILLIC)");
    expect(problem).toContain("U+0430 CYRILLIC at position 1, U+043B CYRILLIC at position 2, U+0438 CYRILLIC at position 3 and 2 more;");
  });

  it("names the letters outside the address's main script", () => {
    // A Latin "a" (position 3) in a Cyrillic address.
    expect(mixedScriptProblem("\u0438\u0432a\u043d@\u043f\u043e\u0447\u0442\u0430.\u0440\u0444")).toContain(
      "(CYRILLIC with LATIN): U+0061 LATIN at position 3;",
    );
  });

  it("finds Greek, Armenian and Cherokee lookalikes, and several scripts at once", () => {
    expect(mixedScriptProblem("b\u03bfb@acme.com")).toContain("U+03BF GREEK at position 2;");
    expect(mixedScriptProblem("b\u0585b@acme.com")).toContain("U+0585 ARMENIAN at position 2;");
    expect(mixedScriptProblem("\u13aalice@acme.com")).toContain("U+13AA CHEROKEE at position 1;");
    expect(mixedScriptProblem("\u0430l\u03b9ce@acme.com")).toContain(
      "(LATIN with CYRILLIC, GREEK): U+0430 CYRILLIC at position 1, U+03B9 GREEK at position 3;",
    );
  });

  it("counts positions in characters, so a character outside the BMP counts once", () => {
    expect(mixedScriptProblem("\u{1F600}\u0430lice@acme.com")).toContain("U+0430 CYRILLIC at position 2;");
  });

  it("lists at most three characters and counts the rest", () => {
    const problem = mixedScriptProblem("p\u0430yp\u0430l-\u0430cc\u043e\u0443nt@acme.com");
    expect(problem).toContain("U+0430 CYRILLIC at position 2, U+0430 CYRILLIC at position 5, U+0430 CYRILLIC at position 8 and 2 more;");
  });

  it("treats digits and punctuation as neutral", () => {
    expect(mixedScriptProblem("\u0430-1_2+3.4@\u043f.\u0440\u0444")).toBeUndefined();
  });
});
