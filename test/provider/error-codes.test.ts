// The provider's error codes are one list (provider/errors/codes.ts): docs/troubleshooting.md shows
// exactly that list, every code a message under provider/ starts with is in it, and every code in it
// is used (except those listed before their first use, PENDING_USE).
import { readdirSync, readFileSync } from "node:fs";
import { join, relative } from "node:path";
import { describe, expect, it } from "vitest";
import { codedMessage, PENDING_USE, PROVIDER_ERROR_CODES, type ProviderErrorCode } from "../../provider/errors/codes";
import { CODES_BEGIN, CODES_END, troubleshootingTable, withTroubleshootingTable } from "../../provider/errors/troubleshooting";

const ROOT = join(__dirname, "..", "..");
const PROVIDER = join(ROOT, "provider");
const DOC = join(ROOT, "docs", "troubleshooting.md");
/** The list itself and its renderer: what they say about codes is not a use. */
const DEFINITIONS = new Set(["provider/errors/codes.ts", "provider/errors/troubleshooting.ts"]);

// A string literal that starts with a code and ": " (`LAST_ORG_OWNER: …`), and codedMessage("LAST_ORG_OWNER", …).
const PREFIXED = /["'`]([A-Z][A-Z0-9_]{3,}): /g;
const CODED = /\bcodedMessage\(\s*["'`]([A-Z][A-Z0-9_]*)["'`]/g;

interface CodeUse {
  file: string;
  code: string;
}

/** Every code used in a .ts file under provider/, at any depth. */
function codeUses(): CodeUse[] {
  const uses: CodeUse[] = [];
  for (const entry of readdirSync(PROVIDER, { recursive: true, withFileTypes: true })) {
    if (!entry.isFile() || !entry.name.endsWith(".ts")) continue;
    const path = join(entry.parentPath, entry.name);
    const file = relative(ROOT, path).split("\\").join("/");
    if (DEFINITIONS.has(file)) continue;
    let text: string;
    try {
      text = readFileSync(path, "utf8");
    } catch {
      continue; // moved away since the listing
    }
    for (const pattern of [PREFIXED, CODED]) {
      for (const match of text.matchAll(pattern)) {
        if (match[1] !== undefined) uses.push({ file, code: match[1] });
      }
    }
  }
  return uses;
}

function isListed(code: string): code is ProviderErrorCode {
  return Object.hasOwn(PROVIDER_ERROR_CODES, code);
}

describe("ErrorCodes_List", () => {
  it("gives each code a one-line summary and advice", () => {
    for (const [code, info] of Object.entries(PROVIDER_ERROR_CODES)) {
      expect(code, "a code is UPPER_SNAKE").toMatch(/^[A-Z][A-Z0-9_]{3,}$/);
      for (const text of [info.summary, info.advice]) {
        expect(text.trim(), `${code}: empty text`).not.toBe("");
        expect(text, `${code}: one line, no surrounding spaces`).toMatch(/^\S[^\n]*\S$/);
      }
    }
  });

  it("prefixes a message with its code", () => {
    expect(codedMessage("LAST_ORG_OWNER", "alice@example.com is the last Organization Owner")).toBe(
      "LAST_ORG_OWNER: alice@example.com is the last Organization Owner",
    );
  });

  it("renders one table row per code, in the list's order", () => {
    const lines = troubleshootingTable().split("\n");
    expect(lines.slice(2).map((line) => /^\| `([A-Z0-9_]+)` \|/.exec(line)?.[1])).toEqual(Object.keys(PROVIDER_ERROR_CODES));
  });
});

describe("ErrorCodes_Docs", () => {
  it("docs/troubleshooting.md holds the table of the list between its markers", () => {
    const doc = readFileSync(DOC, "utf8");
    const begin = doc.indexOf(CODES_BEGIN);
    const end = doc.indexOf(CODES_END);
    expect(begin >= 0 && end > begin, `docs/troubleshooting.md has no ${CODES_BEGIN} … ${CODES_END} markers`).toBe(true);
    expect(doc.slice(begin + CODES_BEGIN.length, end), "docs/troubleshooting.md is out of date: run `npm run docs:codes`").toBe(
      `\n${troubleshootingTable()}\n`,
    );
    expect(withTroubleshootingTable(doc)).toBe(doc);
  });
});

describe("ErrorCodes_Uses", () => {
  const uses = codeUses();

  it("finds the codes of the provider's messages (the scan works)", () => {
    expect(uses.map((u) => u.code)).toContain("LAST_ORG_OWNER");
  });

  it("lists every code that a message under provider/ starts with", () => {
    const unlisted = uses.filter((u) => !isListed(u.code)).map((u) => `${u.file}: ${u.code}`);
    expect(unlisted, "codes missing from PROVIDER_ERROR_CODES in provider/errors/codes.ts").toEqual([]);
  });

  it("uses every listed code, except those pending their first use", () => {
    const used = new Set(uses.map((u) => u.code));
    const unused = Object.keys(PROVIDER_ERROR_CODES).filter((code) => !used.has(code) && !(isListed(code) && PENDING_USE.has(code)));
    expect(unused, "listed codes that no message uses: remove them, or add them to PENDING_USE").toEqual([]);
    const nowUsed = [...PENDING_USE].filter((code) => used.has(code));
    expect(nowUsed, "codes in use: remove them from PENDING_USE").toEqual([]);
  });
});
