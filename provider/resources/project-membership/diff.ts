// `diff` of a ProjectMembership: roles are changed in place (compared as a set); another project,
// person or organization replaces it. While the person is not a member yet (PENDING) nothing is
// proposed — the GitOps gate stays green while their invitation is open — and once they are one (read
// by the caller) an update is, which gives them the roles; roles edited or taken away outside Pulumi
// are drift that the next `up` sets back.

import type { DiffResult } from "@pulumi/pulumi/dynamic";
import { sameSet } from "../../../sdk";
import { sameUsername } from "../../access/identity";
import { isUnknown, listOf, type PropertyBag } from "../../model/property-bag";
import { storedProjectMembershipOf } from "./model";

/** `olds`: the stored outputs; `news`: the checked inputs, possibly with unknowns. `say`: a drift notice, said once. */
/** `isMember`: for a PENDING one, whether the person is a member of the organization now (read by the caller). */
export function diffProjectMembership(olds: PropertyBag, news: PropertyBag, say: (notice: string) => void, isMember = false): DiffResult {
  const old = storedProjectMembershipOf(olds);
  const replaces = (["orgId", "projectId", "username"] as const).filter((key) => {
    const next = news[key];
    if (isUnknown(next) || typeof next !== "string") return true;
    const was = old[key] ?? "";
    return key === "username" ? !sameUsername(was, next) : was.toLowerCase() !== next.toLowerCase();
  });
  if (replaces.length > 0) return { changes: true, replaces: [...replaces] };
  const where = `${old.username} in project "${old.projectName ?? old.projectId}"`;
  if (old.status === "PENDING") {
    const roles = news["roles"];
    const rolesChanged =
      isUnknown(roles) || (Array.isArray(roles) && roles.some(isUnknown)) || !sameSet(old.roles ?? [], listOf(roles) ?? []);
    if (isMember || rolesChanged) return { changes: true };
    say(`${where} gets their roles once they are a member of organization ${old.orgId} (their invitation is open).`);
    return { changes: false };
  }
  if (old.status === "REMOVED") {
    say(
      `${where} lost their roles outside Pulumi (taken off the project, or out of the organization); \`pulumi up\` gives them back (once they are a member of the organization again).`,
    );
    return { changes: true };
  }
  const roles = news["roles"];
  if (isUnknown(roles) || (Array.isArray(roles) && roles.some(isUnknown))) return { changes: true };
  const wanted = listOf(roles) ?? [];
  const had = old.roles ?? [];
  if (sameSet(had, wanted)) return { changes: false };
  say(`${where} has ${had.join(", ") || "no roles"}; \`pulumi up\` sets ${wanted.join(", ")}.`);
  return { changes: true };
}
