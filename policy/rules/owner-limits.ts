// max-org-owners and max-project-owners, over the whole stack: how many holders the program declares
// with ORG_OWNER per organization (OrgInvitation, OrgMembership) and with GROUP_OWNER per project
// (ProjectMembership: a person; ProjectTeam: a team, whoever is on it).
//
// Unknown at preview: a resource whose organization or project, or whose roles, are not known is not
// counted (it cannot be placed, or may not hold the role). One whose username or team id is not known
// yet counts as a holder of its own: the provider refuses one person (or one team in one project)
// declared twice in a deployment, so two resources are always two holders.

import { usernameKey } from "../../sdk/api/username";
import type { OrgOwnersConfig, ProjectOwnersConfig } from "../config";
import { RULES } from "../names";
import { knownTexts, text, texts, type Declared } from "../resources";
import type { Finding } from "./finding";

interface Holding {
  /** The organization or project. */
  scope: string;
  /** The person or team: same holder, same key. */
  holder: string;
  /** How the message names the holder. */
  label: string;
  resource: Declared;
}

function holds(d: Declared, role: string): boolean {
  return knownTexts(texts(d, "roles")).includes(role);
}

function orgOwnerHolding(d: Declared): Holding | undefined {
  if (d.kind !== "OrgInvitation" && d.kind !== "OrgMembership") return undefined;
  const orgId = text(d, "orgId");
  if (typeof orgId !== "string" || !holds(d, "ORG_OWNER")) return undefined;
  const username = text(d, "username");
  return typeof username === "string"
    ? { scope: orgId, holder: `user:${usernameKey(username)}`, label: username, resource: d }
    : { scope: orgId, holder: `resource:${d.urn}`, label: "(username not known yet)", resource: d };
}

function projectOwnerHolding(d: Declared): Holding | undefined {
  if (d.kind !== "ProjectMembership" && d.kind !== "ProjectTeam") return undefined;
  const projectId = text(d, "projectId");
  if (typeof projectId !== "string" || !holds(d, "GROUP_OWNER")) return undefined;
  if (d.kind === "ProjectMembership") {
    const username = text(d, "username");
    return typeof username === "string"
      ? { scope: projectId, holder: `user:${usernameKey(username)}`, label: username, resource: d }
      : { scope: projectId, holder: `resource:${d.urn}`, label: "(username not known yet)", resource: d };
  }
  const teamId = text(d, "teamId");
  return typeof teamId === "string"
    ? { scope: projectId, holder: `team:${teamId}`, label: `team ${teamId}`, resource: d }
    : { scope: projectId, holder: `resource:${d.urn}`, label: "team (id not known yet)", resource: d };
}

/** Holdings grouped by scope, then by holder. */
function group(holdings: Holding[]): Map<string, Map<string, Holding[]>> {
  const scopes = new Map<string, Map<string, Holding[]>>();
  for (const h of holdings) {
    const holders = scopes.get(h.scope) ?? new Map<string, Holding[]>();
    scopes.set(h.scope, holders);
    holders.set(h.holder, [...(holders.get(h.holder) ?? []), h]);
  }
  return scopes;
}

/** One line per holder: who, and the resource(s) declaring it. */
function lines(holders: Map<string, Holding[]>): string {
  return [...holders.values()]
    .sort((a, b) => (a[0]?.label ?? "").localeCompare(b[0]?.label ?? ""))
    .map((hs) => `  - ${hs[0]?.label ?? ""}: ${hs.map((h) => `${h.resource.kind} "${h.resource.name}" (${h.resource.urn})`).join(", ")}`)
    .join("\n");
}

export function orgOwnerFindings(resources: Declared[], config: OrgOwnersConfig): Finding[] {
  const findings: Finding[] = [];
  for (const [orgId, holders] of group(resources.flatMap((d) => orgOwnerHolding(d) ?? []))) {
    if (holders.size <= config.maxOrgOwners) continue;
    findings.push({
      message:
        `organization ${orgId}: ${holders.size} people are declared with ORG_OWNER, more than ${config.maxOrgOwners} ` +
        `(rule ${RULES.orgOwners}):\n${lines(holders)}\n` +
        `Fix: give ${holders.size - config.maxOrgOwners} of them a lesser role (ORG_MEMBER, ORG_READ_ONLY …) in their resource's roles, ` +
        `or raise "maxOrgOwners" in the policy config of ${RULES.orgOwners}.`,
    });
  }
  return findings;
}

export function projectOwnerFindings(resources: Declared[], config: ProjectOwnersConfig): Finding[] {
  const findings: Finding[] = [];
  for (const [projectId, holders] of group(resources.flatMap((d) => projectOwnerHolding(d) ?? []))) {
    if (holders.size <= config.maxProjectOwners) continue;
    findings.push({
      message:
        `project ${projectId}: ${holders.size} people and teams are declared with GROUP_OWNER, more than ${config.maxProjectOwners} ` +
        `(rule ${RULES.projectOwners}):\n${lines(holders)}\n` +
        `Fix: give ${holders.size - config.maxProjectOwners} of them a lesser project role (GROUP_READ_ONLY, GROUP_DATA_ACCESS_ADMIN …), ` +
        `or raise "maxProjectOwners" in the policy config of ${RULES.projectOwners}.`,
    });
  }
  return findings;
}
