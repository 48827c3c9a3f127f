// Keeps the seven resource pages (docs/resources/*.md) and plugin/schema.json saying the same thing,
// each being the source of one half:
//   - the schema's property descriptions → the pages' property tables (between `<!-- inputs:begin -->`
//     and `<!-- inputs:end -->`, and the same for outputs), written here;
//   - the pages' "## Example Usage" and "## Import" sections → the end of each resource's schema
//     description, in the `{{% examples %}}` shape Pulumi's SDK and docs generators read, written here.
// The rest of each page, and the first paragraph of each schema description, are written by hand.
//
//   node tools/resource-docs.mjs           rewrite what is stale
//   node tools/resource-docs.mjs --check   exit 1, naming the files, if anything is stale (test/docs/resource-pages.test.ts)
import { readFileSync, writeFileSync } from "node:fs";
import { argv, exit, stdout } from "node:process";
import { fileURLToPath, URL } from "node:url";
import * as prettier from "prettier";

/** The resources, in the README's order, and their pages. */
export const RESOURCE_PAGES = [
  ["OrgInvitation", "org-invitation.md"],
  ["OrgMembership", "org-membership.md"],
  ["OrgRoster", "org-roster.md"],
  ["Team", "team.md"],
  ["ProjectTeam", "project-team.md"],
  ["ProjectMembership", "project-membership.md"],
  ["ProjectRoster", "project-roster.md"],
];

const EXAMPLES_MARK = "\n\n{{% examples %}}";

const root = fileURLToPath(new URL("..", import.meta.url));
const schemaFile = `${root}plugin/schema.json`;

/** `## Heading` … up to the next `## ` heading outside a code block (or the end), without trailing blank lines. */
function section(text, heading) {
  const lines = text.split("\n");
  const start = lines.indexOf(`## ${heading}`);
  if (start < 0) return undefined;
  let end = lines.length;
  let fenced = false;
  for (let i = start + 1; i < lines.length; i++) {
    if (lines[i].startsWith("```")) fenced = !fenced;
    if (!fenced && lines[i].startsWith("## ")) {
      end = i;
      break;
    }
  }
  return lines
    .slice(start + 1, end)
    .join("\n")
    .trim();
}

function typeName(property) {
  if (property.$ref !== undefined) return property.$ref.split(":").pop();
  if (property.type === "array") return `${typeName(property.items)}[]`;
  if (property.type === "object" && property.additionalProperties !== undefined)
    return `map<string, ${typeName(property.additionalProperties)}>`;
  return property.type;
}

const cell = (text) => (text ?? "").replaceAll("|", "\\|").replaceAll("\n", " ");

/** `required` is the third column's heading: "Required" for inputs, "Always set" for outputs. */
function table(properties, requiredNames, required = "Required") {
  const rows = Object.entries(properties).map(
    ([name, p]) => `| \`${name}\` | \`${typeName(p)}\` | ${requiredNames.includes(name) ? "yes" : "no"} | ${cell(p.description)} |`,
  );
  return [`| Property | Type | ${required} | Description |`, "|---|---|---|---|", ...rows].join("\n");
}

/**
 * The object types an output refers to, each with its own table: by `$ref`, or, for a string of JSON
 * Lines (the rosters' outputs), as its description's "each an `Type`".
 */
function supportingTypes(schema, properties) {
  const refs = new Set();
  const collect = (p) => {
    if (p.$ref !== undefined) refs.add(p.$ref.replace("#/types/", ""));
    if (p.items !== undefined) collect(p.items);
    if (p.additionalProperties !== undefined) collect(p.additionalProperties);
    const line = /each an? `(\w+)`/.exec(p.description ?? "");
    if (p.type === "string" && line !== null) refs.add(`cloudmanager:index:${line[1]}`);
  };
  Object.values(properties).forEach(collect);
  return [...refs].map((token) => {
    const type = schema.types[token];
    return `#### ${token.split(":").pop()}\n\n${table(type.properties, type.required ?? [], "Always set")}`;
  });
}

function inputsTable(resource) {
  return table(resource.inputProperties, resource.requiredInputs ?? []);
}

function outputsTable(schema, resource) {
  const extra = Object.fromEntries(Object.entries(resource.properties).filter(([name]) => !(name in resource.inputProperties)));
  return [
    "All input properties are also outputs, as Cloud Manager has them. In addition:",
    table(extra, resource.required ?? [], "Always set"),
    ...supportingTypes(schema, extra),
  ].join("\n\n");
}

function between(text, name, body, file) {
  const begin = `<!-- ${name}:begin -->`;
  const end = `<!-- ${name}:end -->`;
  const from = text.indexOf(begin);
  const to = text.indexOf(end);
  if (from < 0 || to < from) throw new Error(`${file}: no ${begin} … ${end} block`);
  return `${text.slice(0, from + begin.length)}\n\n${body}\n\n${text.slice(to)}`;
}

/** Links to other files of this repository mean nothing in generated SDK docs: their text stays. */
const withoutRelativeLinks = (markdown) => markdown.replace(/\[([^\]]+)\]\((?![a-z]+:)[^)]*\)/g, "$1");

/** The schema description: its hand-written paragraph, then the page's examples and import. */
function description(current, examples, importText) {
  const head = current.includes(EXAMPLES_MARK) ? current.slice(0, current.indexOf(EXAMPLES_MARK)) : current;
  return `${head}${EXAMPLES_MARK}\n## Example Usage\n{{% example %}}\n${examples}\n{{% /example %}}\n{{% /examples %}}\n\n## Import\n\n${withoutRelativeLinks(importText)}`;
}

export async function sync(write) {
  const stale = [];
  const schemaText = readFileSync(schemaFile, "utf8");
  const schema = JSON.parse(schemaText);
  for (const [name, page] of RESOURCE_PAGES) {
    const file = `${root}docs/resources/${page}`;
    const token = `cloudmanager:index:${name}`;
    const resource = schema.resources[token];
    if (resource === undefined) throw new Error(`plugin/schema.json has no ${token}`);
    const before = readFileSync(file, "utf8");
    let after = between(before, "inputs", inputsTable(resource), page);
    after = between(after, "outputs", outputsTable(schema, resource), page);
    after = await prettier.format(after, { ...(await prettier.resolveConfig(file)), filepath: file });
    if (after !== before) {
      stale.push(`docs/resources/${page}`);
      if (write) writeFileSync(file, after);
    }
    const examples = section(after, "Example Usage");
    const importText = section(after, "Import");
    if (examples === undefined || importText === undefined) throw new Error(`${page}: needs "## Example Usage" and "## Import" sections`);
    resource.description = description(resource.description ?? "", examples, importText);
  }
  const newSchema = await prettier.format(JSON.stringify(schema, null, 2), {
    ...(await prettier.resolveConfig(schemaFile)),
    filepath: schemaFile,
  });
  if (newSchema !== schemaText) {
    stale.push("plugin/schema.json");
    if (write) writeFileSync(schemaFile, newSchema);
  }
  return stale;
}

if (import.meta.url === `file://${argv[1]}`) {
  const check = argv.includes("--check");
  const stale = await sync(!check);
  if (check && stale.length > 0) {
    stdout.write(`stale: ${stale.join(", ")}; run \`node tools/resource-docs.mjs\`\n`);
    exit(1);
  }
  stdout.write(stale.length === 0 ? "resource pages and schema are in step\n" : `rewritten: ${stale.join(", ")}\n`);
}
