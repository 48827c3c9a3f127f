// The table of provider error codes in docs/troubleshooting.md, rendered from ./codes. The file keeps
// it between two marker comments; tools/gen-troubleshooting.mjs rewrites it there, and
// test/provider/error-codes.test.ts fails while the file differs from what this renders.

import { PROVIDER_ERROR_CODES, type ProviderErrorCodeInfo } from "./codes";

export const CODES_BEGIN = "<!-- codes:begin -->";
export const CODES_END = "<!-- codes:end -->";

/** The Markdown table of PROVIDER_ERROR_CODES, in the list's order (no trailing newline). */
export function troubleshootingTable(): string {
  const rows = Object.entries(PROVIDER_ERROR_CODES).map(
    ([code, info]: [string, ProviderErrorCodeInfo]) => `| \`${code}\` | ${cell(info.summary)} | ${cell(info.advice)} |`,
  );
  return ["| code | what happened | what to do |", "|---|---|---|", ...rows].join("\n");
}

/** `doc` with the text between the markers replaced by the table, on lines of its own. */
export function withTroubleshootingTable(doc: string): string {
  const begin = doc.indexOf(CODES_BEGIN);
  const end = doc.indexOf(CODES_END);
  if (begin < 0 || end < begin) throw new Error(`no ${CODES_BEGIN} … ${CODES_END} markers, in that order`);
  return `${doc.slice(0, begin + CODES_BEGIN.length)}\n${troubleshootingTable()}\n${doc.slice(end)}`;
}

// A table cell is one line; a `|` would end it.
function cell(text: string): string {
  return text.replace(/\s*\n\s*/g, " ").replace(/\|/g, "\\|");
}
