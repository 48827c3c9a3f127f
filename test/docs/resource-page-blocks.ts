// Reading the resource pages (docs/resources/*.md): their sections and fenced code blocks, and the
// names the generated SDKs give schema properties. Shared by test/docs/resource-pages.test.ts and the
// e2e test that compiles the Go examples.

/** [resource, page], as tools/resource-docs.mjs lists them. */
export const RESOURCE_PAGES: readonly (readonly [string, string])[] = [
  ["OrgInvitation", "org-invitation.md"],
  ["OrgMembership", "org-membership.md"],
  ["OrgRoster", "org-roster.md"],
  ["Team", "team.md"],
  ["ProjectTeam", "project-team.md"],
  ["ProjectMembership", "project-membership.md"],
  ["ProjectRoster", "project-roster.md"],
];

/** The text under `## heading`, up to the next `## ` heading outside a code block. */
export function pageSection(text: string, heading: string): string | undefined {
  const lines = text.split("\n");
  const start = lines.indexOf(`## ${heading}`);
  if (start < 0) return undefined;
  let fenced = false;
  let end = lines.length;
  for (let i = start + 1; i < lines.length; i++) {
    const line = lines[i] ?? "";
    if (line.startsWith("```")) fenced = !fenced;
    if (!fenced && line.startsWith("## ")) {
      end = i;
      break;
    }
  }
  return lines.slice(start + 1, end).join("\n");
}

export interface CodeBlock {
  language: string;
  code: string;
}

/** The fenced code blocks of `text`, in order. */
export function codeBlocks(text: string): CodeBlock[] {
  return [...text.matchAll(/^```(\w*)\n([\s\S]*?)^```$/gm)].map((m) => ({ language: m[1] ?? "", code: m[2] ?? "" }));
}

/** A schema property's name in the Go SDK (`orgId` → `OrgId`). */
export const pascal = (name: string): string => name.charAt(0).toUpperCase() + name.slice(1);

/** A schema property's name in the Python SDK (`orgId` → `org_id`). */
export const snake = (name: string): string => name.replace(/[A-Z]/g, (c) => `_${c.toLowerCase()}`);
