// The people.yaml text of an adopted organization, in exactly the format examples/org-membership
// reads (examples/people/access-list.ts): `teams:` (name, projects: id → roles) then `people:`
// (email, roles, teams by name, projects: id → their own roles). Role lists are written inline, each
// project id carries its project's name as a comment, and the yaml library does the quoting (an id of
// digits only would otherwise read back as a number). Same input, same bytes.

import { Document, isMap, isSeq, type Node } from "yaml";
import type { AdoptedAccess, ProjectRoles } from "./adopted-access";
import { oneLine } from "./ignore-suggestions";

export interface Header {
  /** The day of the adoption, YYYY-MM-DD. */
  date: string;
}

export function accessListYaml(access: AdoptedAccess, header: Header): string {
  const invited = access.people.filter((p) => p.invited).length;
  const lines = [
    `Adopted from organization "${oneLine(access.org.name)}" (${access.org.id}) on ${header.date} by \`pulumi-cloudmanager adopt\`:`,
    `${count(access.people.length, "person", "people")} (${invited} of them invited, not yet members), ${count(access.teams.length, "team", "teams")}.`,
    "The format is examples/org-membership/people.yaml's. Review it, commit it; the first `pulumi up` adopts everyone",
    "without a write, and from then on this file is the organization's access.",
  ];
  // Entry by entry, each a small document of its own: memory follows one entry, not a syntax tree of
  // the whole organization (5,000 people would hold tens of megabytes of nodes).
  const parts = [lines.map((line) => `# ${line}\n`).join(""), "\n"];
  if (access.teams.length > 0) {
    parts.push("teams:\n");
    for (const t of access.teams) parts.push(entryYaml({ name: t.name }, t.projects));
  }
  parts.push(access.people.length > 0 ? "people:\n" : "people: []\n");
  for (const p of access.people) {
    parts.push(entryYaml({ email: p.email, roles: [...p.roles], ...(p.teams.length > 0 ? { teams: [...p.teams] } : {}) }, p.projects));
  }
  return parts.join("");
}

/** One `- …` entry of a section, indented under it: its lists inline, each project id with its project's name as a comment. */
function entryYaml(fields: Record<string, unknown>, projects: readonly ProjectRoles[]): string {
  const entry =
    projects.length > 0 ? { ...fields, projects: Object.fromEntries(projects.map((p) => [p.projectId, [...p.roles]])) } : fields;
  const doc = new Document([entry]);
  const item = doc.get(0, true);
  if (isMap(item)) {
    for (const key of ["roles", "teams"]) {
      const list = item.get(key, true);
      if (isSeq(list)) list.flow = true;
    }
    const map = item.get("projects", true);
    if (isMap(map)) {
      map.items.forEach((pair, j) => {
        const value = pair.value as Node | null;
        if (!isSeq(value)) return;
        value.flow = true;
        value.comment = ` ${oneLine(projects[j]?.projectName ?? "")}`;
      });
    }
  }
  return doc.toString({ lineWidth: 0, flowCollectionPadding: false }).replace(/^(?=.)/gm, "  ");
}

function count(n: number, one: string, many: string): string {
  return `${n} ${n === 1 ? one : many}`;
}
