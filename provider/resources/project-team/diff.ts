// `diff` of a ProjectTeam: roles are changed in place (compared as a set); another project, team or
// organization replaces it (the new assignment is made before the old one is taken off). A team taken
// off the project outside Pulumi is put back by an update.

import type { DiffResult } from "@pulumi/pulumi/dynamic";
import { sameSet } from "../../../sdk";
import { isUnknown, listOf, type PropertyBag } from "../../model/property-bag";
import { storedProjectTeamOf } from "./model";

/** `olds`: the stored outputs; `news`: the checked inputs, possibly with unknowns. `say`: a drift notice, said once. */
export function diffProjectTeam(olds: PropertyBag, news: PropertyBag, say: (notice: string) => void): DiffResult {
  const old = storedProjectTeamOf(olds);
  const replaces = (["orgId", "projectId", "teamId"] as const).filter((key) => {
    const next = news[key];
    return isUnknown(next) || (typeof next === "string" && next.toLowerCase() !== (old[key] ?? "").toLowerCase());
  });
  if (replaces.length > 0) return { changes: true, replaces: [...replaces] };
  const what = `team "${old.teamName ?? old.teamId}" in project "${old.projectName ?? old.projectId}"`;
  if (old.status === "REMOVED") {
    say(`${what} was taken off the project outside Pulumi; \`pulumi up\` gives it its roles again.`);
    return { changes: true };
  }
  const roles = news["roles"];
  if (isUnknown(roles) || (Array.isArray(roles) && roles.some(isUnknown))) return { changes: true };
  const wanted = listOf(roles) ?? [];
  const had = old.roles ?? [];
  if (sameSet(had, wanted)) return { changes: false };
  if (old.status === "ACTIVE") say(`${what} has roles ${had.join(", ") || "none"}; \`pulumi up\` sets them to ${wanted.join(", ")}.`);
  return { changes: true };
}
