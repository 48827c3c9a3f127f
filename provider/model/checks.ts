// `check`: validate and normalize inputs before any API call (a person's inputs, shared by
// OrgInvitation and OrgMembership; an OrgRoster's). Every problem is
// reported at once, one failure per property, so a user fixes a whole YAML file in one go.
// Values not known yet (preview) pass through untouched.

import type { CheckFailure, CheckResult } from "@pulumi/pulumi/dynamic";
import { KNOWN_ORG_ROLES, KNOWN_PROJECT_ROLES } from "../../sdk/types";
import { addressProblem, INVISIBLE, MAX_EMAIL_LENGTH, MAX_LOCAL_PART_LENGTH, type AddressProblem } from "../access/identity";
import { matchesEverything } from "../access/wildcard";
import { warn } from "../deployment/notices";
import { codedMessage } from "../errors/codes";
import { isUnknown, type PropertyBag } from "./property-bag";
import { waitingTeamName } from "./team-ref";

const HEX24 = /^[0-9a-fA-F]{24}$/;
const KNOWN_ROLES: ReadonlySet<string> = new Set(KNOWN_ORG_ROLES);

// Bounds, so that a runaway value (a file pasted into a field, a generated list) gets one short,
// readable error instead of megabytes of reasons and thousands of warnings.
/** Cloud Manager has six organization roles; a list far longer than that is a mistake. */
const MAX_ROLES = 32;
/** Teams an organization may have (Cloud Manager allows 250). */
const MAX_TEAM_IDS = 250;
/** Problems listed per property before the rest are counted; values are shown shortened. */
const MAX_REASONS = 10;
const MAX_SHOWN_CHARS = 80;

/**
 * `waitingTeams`: a `teamIds` entry may be a Team that waits for a founder (`waiting:<name>`,
 * ./team-ref): OrgMembership joins it once it exists; an OrgInvitation cannot change its teams later.
 */
export function checkPersonInputs(news: PropertyBag, waitingTeams: boolean): CheckResult<PropertyBag> {
  const { failures, fail } = collectFailures();
  const orgId = checkOrgId(news["orgId"]);
  fail("orgId", orgId.reasons);
  const username = checkUsername(news["username"]);
  fail("username", username.reasons);
  const roles = checkRoles(news["roles"]);
  fail("roles", roles.reasons);
  const teamIds = checkTeamIds(news["teamIds"], waitingTeams);
  fail("teamIds", teamIds.reasons);

  if (failures.length > 0) return { inputs: news, failures };
  if (roles.unknownOrgRoles.length > 0) {
    const names = summarize(roles.unknownOrgRoles.map((role) => `"${role}"`)).join(", ");
    warn(
      `role${roles.unknownOrgRoles.length === 1 ? "" : "s"} ${names} ${roles.unknownOrgRoles.length === 1 ? "is not one" : "are not ones"} this provider ` +
        `knows (${KNOWN_ORG_ROLES.join(", ")}); passing ${roles.unknownOrgRoles.length === 1 ? "it" : "them"} to Cloud Manager as is, since ` +
        `MongoDB adds organization roles over time. Check the spelling if Cloud Manager rejects ${roles.unknownOrgRoles.length === 1 ? "it" : "them"}.`,
    );
  }
  const inputs: PropertyBag = { ...news, orgId: orgId.value, username: username.value, roles: roles.value, teamIds: teamIds.value };
  return { inputs };
}

/** One failure per property, its reasons summarized: every problem is reported at once. */
function collectFailures(): { failures: CheckFailure[]; fail: (property: string, reasons: string[]) => void } {
  const failures: CheckFailure[] = [];
  return {
    failures,
    fail: (property, reasons) => {
      if (reasons.length > 0) failures.push({ property, reason: summarize(reasons).join("; ") });
    },
  };
}

/** The normalized value (or the original one when it cannot be normalized) and what is wrong with it. */
interface Checked {
  value: unknown;
  reasons: string[];
}

function checkOrgId(value: unknown): Checked {
  if (isUnknown(value)) return { value, reasons: [] };
  if (value === undefined || value === null || value === "") {
    return { value, reasons: ["orgId is required: the id of the Cloud Manager organization (24 hexadecimal characters)"] };
  }
  if (typeof value !== "string" || !HEX24.test(value)) {
    return { value, reasons: [`${shown(value)} is not an organization id: expected 24 hexadecimal characters`] };
  }
  return { value: value.toLowerCase(), reasons: [] };
}

/** The check's words for what addressProblem found. */
function addressReason(value: string, problem: AddressProblem): string {
  switch (problem.kind) {
    case "invisible":
      return (
        `${shown(value)} contains an invisible or control character (U+${problem.codePoint} at position ${problem.position}); ` +
        `type the address again instead of pasting it`
      );
    case "too-long":
      return `${shown(value)} is not an email address: it is longer than ${MAX_EMAIL_LENGTH} characters`;
    case "mixed-script":
      return codedMessage("MIXED_SCRIPT_USERNAME", problem.detail);
    case "not-an-email":
      return `${shown(value)} is not an email address; Cloud Manager usernames are emails`;
    case "local-part-too-long":
      return `${shown(value)} is not an email address: the part before "@" is longer than ${MAX_LOCAL_PART_LENGTH} characters`;
  }
}

function checkUsername(value: unknown): Checked {
  if (isUnknown(value)) return { value, reasons: [] };
  if (typeof value !== "string" || value.trim() === "") {
    return { value, reasons: ["username is required: the email address of the person to invite"] };
  }
  const trimmed = value.trim();
  const problem = addressProblem(trimmed);
  if (problem === undefined) return { value: trimmed, reasons: [] };
  return { value, reasons: [addressReason(value, problem)] };
}

function checkRoles(value: unknown): Checked & { unknownOrgRoles: string[] } {
  const none = { unknownOrgRoles: [] };
  if (isUnknown(value)) return { value, reasons: [], ...none };
  if (!Array.isArray(value) || value.length === 0) {
    return { value, reasons: [`roles must be a non-empty list of organization roles, e.g. ["ORG_MEMBER"]`], ...none };
  }
  if (value.length > MAX_ROLES) {
    return {
      value,
      reasons: [`roles lists ${count(value.length)} entries; an organization has only a few roles (at most ${MAX_ROLES} are accepted)`],
      ...none,
    };
  }
  const reasons: string[] = [];
  const unknownOrgRoles: string[] = [];
  const seen = new Set<string>();
  let anyUnknown = false;
  value.forEach((role: unknown, i) => {
    if (isUnknown(role)) {
      anyUnknown = true;
      return;
    }
    if (typeof role !== "string" || role === "") {
      reasons.push(`roles[${i}] must be a role name, got ${shown(role)}`);
      return;
    }
    if (seen.has(role)) reasons.push(`roles[${i}]: ${shown(role)} is listed more than once`);
    seen.add(role);
    if (KNOWN_ROLES.has(role)) return;
    if (/^ORG_[A-Z0-9_]+$/.test(role)) {
      if (!unknownOrgRoles.includes(role)) unknownOrgRoles.push(role);
      return;
    }
    const hint = KNOWN_ROLES.has(role.toUpperCase()) ? ` (did you mean "${role.toUpperCase()}"?)` : "";
    reasons.push(`roles[${i}]: ${shown(role)} is not an organization role${hint}; known roles: ${KNOWN_ORG_ROLES.join(", ")}`);
  });
  // An unknown element keeps its position: sorting would move the placeholder around at preview.
  const normalized = anyUnknown ? value : [...seen].sort();
  return { value: normalized, reasons, unknownOrgRoles };
}

function checkTeamIds(value: unknown, waitingTeams: boolean): Checked {
  if (isUnknown(value)) return { value, reasons: [] };
  if (value === undefined || value === null) return { value: [], reasons: [] };
  if (!Array.isArray(value)) return { value, reasons: ["teamIds must be a list of team ids"] };
  if (value.length > MAX_TEAM_IDS) {
    return { value, reasons: [`teamIds lists ${count(value.length)} entries; an organization has at most ${MAX_TEAM_IDS} teams`] };
  }
  const reasons: string[] = [];
  const seen = new Set<string>();
  let anyUnknown = false;
  value.forEach((id: unknown, i) => {
    if (isUnknown(id)) {
      anyUnknown = true;
      return;
    }
    const waiting = typeof id === "string" ? waitingTeamName(id) : undefined;
    if (waiting !== undefined && !waitingTeams) {
      reasons.push(
        `teamIds[${i}]: team ${shown(waiting)} is not created yet (its Team waits for a founder), and an OrgInvitation cannot join ` +
          `a team later; use an OrgMembership, which joins the team once it exists`,
      );
      return;
    }
    if (typeof id !== "string" || (waiting === undefined && !HEX24.test(id))) {
      reasons.push(`teamIds[${i}]: ${shown(id)} is not a team id (24 hexadecimal characters)`);
      return;
    }
    const lower = waiting === undefined ? id.toLowerCase() : id;
    if (seen.has(lower)) reasons.push(`teamIds[${i}]: ${shown(id)} is listed more than once`);
    seen.add(lower);
  });
  return { value: anyUnknown ? value : [...seen].sort(), reasons };
}

/** A value as JSON, cut to a readable length with its full size said. */
function shown(value: unknown): string {
  const text = JSON.stringify(value) ?? String(value);
  if (text.length <= MAX_SHOWN_CHARS) return text;
  const size = typeof value === "string" ? `${count(value.length)} characters` : `${count(text.length)} characters as JSON`;
  return `${text.slice(0, MAX_SHOWN_CHARS)}… (${size})`;
}

/** The first MAX_REASONS items, then "and N more". */
function summarize(items: string[]): string[] {
  if (items.length <= MAX_REASONS) return items;
  return [...items.slice(0, MAX_REASONS), `and ${count(items.length - MAX_REASONS)} more`];
}

function count(n: number): string {
  return n.toLocaleString("en-US");
}

/** The managed usernames a roster may list (a whole organization's members). */
const MAX_MANAGED = 20_000;
/** Ignore entries (usernames, or patterns with `*`). */
const MAX_IGNORE = 1_000;

/**
 * `check` of an OrgRoster: `orgId` as for invitations; `managed` a list of emails (unknown entries
 * pass at preview; duplicates, in any letter case, are merged); `ignore` a list of usernames or
 * patterns where `*` matches anything; `prune` a boolean (default false). Same bounds and summaries.
 */
export function checkOrgRoster(news: PropertyBag): CheckResult<PropertyBag> {
  const { failures, fail } = collectFailures();
  const orgId = checkOrgId(news["orgId"]);
  fail("orgId", orgId.reasons);
  const managed = checkUsernameList(news["managed"], "managed", MAX_MANAGED, true);
  fail("managed", managed.reasons);
  const ignore = checkUsernameList(news["ignore"], "ignore", MAX_IGNORE, false);
  fail("ignore", ignore.reasons);
  // A pattern of stars alone ignores everyone: the roster would see nobody and the gate pass on anything.
  const everyone = Array.isArray(ignore.value)
    ? ignore.value.filter((p): p is string => typeof p === "string" && matchesEverything(p))
    : [];
  if (everyone.length > 0) {
    fail("ignore", [
      codedMessage(
        "ROSTER_SEES_NOBODY",
        `${everyone.map((p) => JSON.stringify(p)).join(", ")} matches every username, so the roster would report and prune nobody. ` +
          `Name the people or domains to ignore (e.g. "*@break-glass.example.com"), or remove the OrgRoster if undeclared access should not be checked`,
      ),
    ]);
  }
  const prune = news["prune"];
  if (prune !== undefined && prune !== null && typeof prune !== "boolean" && !isUnknown(prune)) {
    fail("prune", [`prune must be true or false, got ${shown(prune)}`]);
  }
  if (failures.length > 0) return { inputs: news, failures };
  return { inputs: { ...news, orgId: orgId.value, managed: managed.value, ignore: ignore.value, prune: prune ?? false } };
}

/** A list of usernames (`emails`: each must be an email; otherwise a pattern with `*` is fine). */
function checkUsernameList(value: unknown, name: string, max: number, emails: boolean): Checked {
  if (isUnknown(value)) return { value, reasons: [] };
  if (value === undefined || value === null) return { value: [], reasons: [] };
  if (!Array.isArray(value))
    return { value, reasons: [`${name} must be a list of ${emails ? "email addresses" : "usernames or patterns"}`] };
  if (value.length > max) return { value, reasons: [`${name} lists ${count(value.length)} entries; at most ${count(max)} are accepted`] };
  const reasons: string[] = [];
  const kept = new Map<string, string>();
  let anyUnknown = false;
  value.forEach((entry: unknown, i) => {
    if (isUnknown(entry)) {
      anyUnknown = true;
      return;
    }
    const checked = emails ? checkUsername(entry) : checkPattern(entry);
    if (checked.reasons.length > 0) reasons.push(`${name}[${i}]: ${checked.reasons.join("; ")}`);
    else if (typeof checked.value === "string" && !kept.has(checked.value.toLowerCase()))
      kept.set(checked.value.toLowerCase(), checked.value);
  });
  return { value: anyUnknown ? value : [...kept.entries()].sort(([a], [b]) => a.localeCompare(b)).map(([, v]) => v), reasons };
}

function checkPattern(value: unknown): Checked {
  if (typeof value !== "string" || value.trim() === "")
    return { value, reasons: ['must be a username or a pattern such as "*@example.com"'] };
  if (INVISIBLE.test(value) || value.length > MAX_EMAIL_LENGTH)
    return { value, reasons: [`${shown(value)} is not a usable username or pattern`] };
  return { value: value.trim(), reasons: [] };
}

/** Cloud Manager does not document a limit on team names; this catches a file pasted into the field. */
const MAX_TEAM_NAME = 255;
/** Founders: a team has at most 250 users. */
const MAX_FOUNDERS = 250;

/**
 * `check` of a Team: `orgId` as for invitations; `name` a non-empty name without invisible characters
 * (trimmed; compared ignoring case, as Cloud Manager keeps names unique); `founders` a list of emails
 * (duplicates in any letter case merged).
 */
export function checkTeam(news: PropertyBag): CheckResult<PropertyBag> {
  const { failures, fail } = collectFailures();
  const orgId = checkOrgId(news["orgId"]);
  fail("orgId", orgId.reasons);
  const name = checkTeamName(news["name"]);
  fail("name", name.reasons);
  const founders = checkUsernameList(news["founders"], "founders", MAX_FOUNDERS, true);
  fail("founders", founders.reasons);
  if (failures.length > 0) return { inputs: news, failures };
  return { inputs: { ...news, orgId: orgId.value, name: name.value, founders: founders.value } };
}

function checkTeamName(value: unknown): Checked {
  if (isUnknown(value)) return { value, reasons: [] };
  if (typeof value !== "string" || value.trim() === "") return { value, reasons: ["name is required: the team's name in Cloud Manager"] };
  const trimmed = value.trim();
  if (INVISIBLE.test(trimmed))
    return { value, reasons: [`${shown(value)} contains an invisible or control character; type the name again`] };
  if (trimmed.length > MAX_TEAM_NAME) return { value, reasons: [`${shown(value)} is longer than ${MAX_TEAM_NAME} characters`] };
  return { value: trimmed, reasons: [] };
}

const PROJECT_ROLES: ReadonlySet<string> = new Set(KNOWN_PROJECT_ROLES);

/**
 * `check` of a ProjectTeam: `orgId` and `projectId` ids; `teamId` a team id or a waiting Team's
 * (./team-ref); `roles` a non-empty list of the nine Cloud Manager project roles, sorted and without
 * duplicates (any other name is refused with the list: an unknown role would be refused by Cloud
 * Manager only after the other steps ran).
 */
export function checkProjectTeam(news: PropertyBag): CheckResult<PropertyBag> {
  const { failures, fail } = collectFailures();
  const orgId = checkOrgId(news["orgId"]);
  fail("orgId", orgId.reasons);
  const projectId = checkHexId(news["projectId"], "projectId", "project");
  fail("projectId", projectId.reasons);
  const teamId = news["teamId"];
  const waiting = typeof teamId === "string" ? waitingTeamName(teamId) : undefined;
  const team = waiting !== undefined ? { value: teamId, reasons: [] } : checkHexId(teamId, "teamId", "team");
  fail("teamId", team.reasons);
  const roles = checkProjectRoles(news["roles"]);
  fail("roles", roles.reasons);
  if (failures.length > 0) return { inputs: news, failures };
  return { inputs: { ...news, orgId: orgId.value, projectId: projectId.value, teamId: team.value, roles: roles.value } };
}

function checkHexId(value: unknown, property: string, noun: string): Checked {
  if (isUnknown(value)) return { value, reasons: [] };
  if (value === undefined || value === null || value === "") {
    return { value, reasons: [`${property} is required: the id of the ${noun} (24 hexadecimal characters)`] };
  }
  if (typeof value !== "string" || !HEX24.test(value)) {
    return { value, reasons: [`${shown(value)} is not a ${noun} id: expected 24 hexadecimal characters`] };
  }
  return { value: value.toLowerCase(), reasons: [] };
}

function checkProjectRoles(value: unknown): Checked {
  if (isUnknown(value)) return { value, reasons: [] };
  const known = KNOWN_PROJECT_ROLES.join(", ");
  if (!Array.isArray(value) || value.length === 0) {
    return { value, reasons: [`roles must be a non-empty list of project roles, e.g. ["GROUP_READ_ONLY"]; the roles are: ${known}`] };
  }
  if (value.length > MAX_ROLES)
    return { value, reasons: [`roles lists ${count(value.length)} entries; Cloud Manager has nine project roles`] };
  const reasons: string[] = [];
  const seen = new Set<string>();
  let anyUnknown = false;
  value.forEach((role: unknown, i) => {
    if (isUnknown(role)) {
      anyUnknown = true;
      return;
    }
    if (typeof role !== "string" || !PROJECT_ROLES.has(role)) {
      const hint = typeof role === "string" && PROJECT_ROLES.has(role.toUpperCase()) ? ` (did you mean "${role.toUpperCase()}"?)` : "";
      reasons.push(`roles[${i}]: ${shown(role)} is not a Cloud Manager project role${hint}; the roles are: ${known}`);
      return;
    }
    if (seen.has(role)) reasons.push(`roles[${i}]: ${shown(role)} is listed more than once`);
    seen.add(role);
  });
  return { value: anyUnknown ? value : [...seen].sort(), reasons };
}

/**
 * `check` of a ProjectMembership: `orgId` and `projectId` ids; `username` an email (trimmed);
 * `roles` a non-empty list of the nine project roles (as for a ProjectTeam).
 */
export function checkProjectMembership(news: PropertyBag): CheckResult<PropertyBag> {
  const { failures, fail } = collectFailures();
  const orgId = checkOrgId(news["orgId"]);
  fail("orgId", orgId.reasons);
  const projectId = checkHexId(news["projectId"], "projectId", "project");
  fail("projectId", projectId.reasons);
  const username = checkUsername(news["username"]);
  fail("username", username.reasons);
  const roles = checkProjectRoles(news["roles"]);
  fail("roles", roles.reasons);
  if (failures.length > 0) return { inputs: news, failures };
  return { inputs: { ...news, orgId: orgId.value, projectId: projectId.value, username: username.value, roles: roles.value } };
}

/** Team ids a ProjectRoster manages in its project: at most as many as an organization has teams. */
const MAX_PROJECT_TEAMS = 250;

/**
 * `check` of a ProjectRoster: as an OrgRoster's (`managed`, `ignore`, `prune`), plus `projectId` and
 * `teams` (team ids the program manages in the project; ProjectTeams of the deployment count too).
 */
export function checkProjectRoster(news: PropertyBag): CheckResult<PropertyBag> {
  const org = checkOrgRoster(news);
  const failures: CheckFailure[] = [...(org.failures ?? [])];
  const projectId = checkHexId(news["projectId"], "projectId", "project");
  if (projectId.reasons.length > 0) failures.push({ property: "projectId", reason: summarize(projectId.reasons).join("; ") });
  // A waiting Team's id (`team.teamId` while it waits for a founder) matches no team: harmless here.
  const teams = checkTeamIds(news["teams"], true);
  const teamReasons = teams.reasons.map((r) => r.replace(/^teamIds/, "teams"));
  if (Array.isArray(news["teams"]) && news["teams"].length > MAX_PROJECT_TEAMS)
    teamReasons.push(`teams lists more than ${MAX_PROJECT_TEAMS} entries`);
  if (teamReasons.length > 0) failures.push({ property: "teams", reason: summarize(teamReasons).join("; ") });
  if (failures.length > 0) return { inputs: news, failures };
  return { inputs: { ...(org.inputs ?? news), projectId: projectId.value, teams: teams.value } };
}
