// prune-needs-ignore: an OrgRoster or ProjectRoster with `prune: true` lists at least one entry in
// `ignore` — the break-glass accounts and API-key users prune must never remove. A prune or ignore
// not known at preview is not judged.

import { RULES } from "../names";
import { describe, flag, texts, UNKNOWN, type Declared } from "../resources";

export function pruneIgnoreViolations(d: Declared): string[] {
  if (d.kind !== "OrgRoster" && d.kind !== "ProjectRoster") return [];
  if (flag(d, "prune") !== true) return [];
  const ignore = texts(d, "ignore");
  if (ignore === UNKNOWN) return [];
  const entries = (ignore ?? []).filter((x) => x === UNKNOWN || x.trim() !== "");
  if (entries.length > 0) return [];
  const scope = d.kind === "OrgRoster" ? "organization" : "project";
  return [
    `${describe(d)}: prune is true and ignore is empty (rule ${RULES.pruneIgnore}): prune would remove everyone the ${scope} ` +
      `has that the program does not declare, break-glass accounts included. Fix: list the break-glass accounts and ` +
      `API-key users in ignore (for example ignore: ["breakglass@example.com"]), or set prune to false.`,
  ];
}
