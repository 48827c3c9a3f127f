// `check`: validate and normalize OrgInvitation inputs before any API call. Every problem is
// reported at once, one failure per property, so a user fixes a whole YAML file in one go.
// Values not known yet (preview) pass through untouched.

import type { CheckFailure, CheckResult } from "@pulumi/pulumi/dynamic";
import { KNOWN_ORG_ROLES } from "../sdk/types";
import type { OrgInvitationInputs, PropertyBag } from "./org-invitation-model";
import { warn } from "./notices";

/** The placeholder the engine puts where a value is unknown at preview (`pulumi.runtime.unknownValue`). */
export const UNKNOWN = "04da6b54-80e4-46f7-96ec-b56ff0331ba9";

const HEX24 = /^[0-9a-fA-F]{24}$/;
// Deliberately loose: Cloud Manager is the authority on addresses; this catches typos such as a
// missing "@" or a name pasted where the email belongs, before anything is sent.
const EMAIL = /^[^\s@]+@[^\s@]+\.[^\s@]+$/;
const KNOWN_ROLES: ReadonlySet<string> = new Set(KNOWN_ORG_ROLES);

export function isUnknown(value: unknown): boolean {
  return value === UNKNOWN;
}

export function checkOrgInvitation(news: PropertyBag): CheckResult<PropertyBag> {
  const failures: CheckFailure[] = [];
  const fail = (property: string, reasons: string[]) => {
    if (reasons.length > 0) failures.push({ property, reason: reasons.join("; ") });
  };
  const orgId = checkOrgId(news["orgId"]);
  fail("orgId", orgId.reasons);
  const username = checkUsername(news["username"]);
  fail("username", username.reasons);
  const roles = checkRoles(news["roles"]);
  fail("roles", roles.reasons);
  const teamIds = checkTeamIds(news["teamIds"]);
  fail("teamIds", teamIds.reasons);

  if (failures.length > 0) return { inputs: news, failures };
  for (const role of roles.unknownOrgRoles) {
    warn(
      `role "${role}" is not one this provider knows (${KNOWN_ORG_ROLES.join(", ")}); passing it to Cloud Manager ` +
        `as is, since MongoDB adds organization roles over time. Check the spelling if Cloud Manager rejects it.`,
    );
  }
  const inputs: PropertyBag = { ...news, orgId: orgId.value, username: username.value, roles: roles.value, teamIds: teamIds.value };
  return { inputs };
}

/** The typed inputs, once `check` has passed and nothing is unknown (create/update time). */
export function toInputs(props: PropertyBag): OrgInvitationInputs {
  const strings = (v: unknown): string[] => (Array.isArray(v) ? v.filter((x): x is string => typeof x === "string") : []);
  return {
    orgId: typeof props["orgId"] === "string" ? props["orgId"] : "",
    username: typeof props["username"] === "string" ? props["username"] : "",
    roles: strings(props["roles"]),
    teamIds: strings(props["teamIds"]),
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
    return { value, reasons: [`${JSON.stringify(value)} is not an organization id: expected 24 hexadecimal characters`] };
  }
  return { value: value.toLowerCase(), reasons: [] };
}

function checkUsername(value: unknown): Checked {
  if (isUnknown(value)) return { value, reasons: [] };
  if (typeof value !== "string" || value.trim() === "") {
    return { value, reasons: ["username is required: the email address of the person to invite"] };
  }
  const trimmed = value.trim();
  if (!EMAIL.test(trimmed)) {
    return { value, reasons: [`${JSON.stringify(value)} is not an email address; Cloud Manager usernames are emails`] };
  }
  return { value: trimmed, reasons: [] };
}

function checkRoles(value: unknown): Checked & { unknownOrgRoles: string[] } {
  const none = { unknownOrgRoles: [] };
  if (isUnknown(value)) return { value, reasons: [], ...none };
  if (!Array.isArray(value) || value.length === 0) {
    return { value, reasons: [`roles must be a non-empty list of organization roles, e.g. ["ORG_MEMBER"]`], ...none };
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
      reasons.push(`roles[${i}] must be a role name, got ${JSON.stringify(role)}`);
      return;
    }
    if (seen.has(role)) reasons.push(`roles[${i}]: "${role}" is listed more than once`);
    seen.add(role);
    if (KNOWN_ROLES.has(role)) return;
    if (/^ORG_[A-Z0-9_]+$/.test(role)) {
      if (!unknownOrgRoles.includes(role)) unknownOrgRoles.push(role);
      return;
    }
    const hint = KNOWN_ROLES.has(role.toUpperCase()) ? ` (did you mean "${role.toUpperCase()}"?)` : "";
    reasons.push(`roles[${i}]: "${role}" is not an organization role${hint}; known roles: ${KNOWN_ORG_ROLES.join(", ")}`);
  });
  // An unknown element keeps its position: sorting would move the placeholder around at preview.
  const normalized = anyUnknown ? value : [...seen].sort();
  return { value: normalized, reasons, unknownOrgRoles };
}

function checkTeamIds(value: unknown): Checked {
  if (isUnknown(value)) return { value, reasons: [] };
  if (value === undefined || value === null) return { value: [], reasons: [] };
  if (!Array.isArray(value)) return { value, reasons: ["teamIds must be a list of team ids"] };
  const reasons: string[] = [];
  const seen = new Set<string>();
  let anyUnknown = false;
  value.forEach((id: unknown, i) => {
    if (isUnknown(id)) {
      anyUnknown = true;
      return;
    }
    if (typeof id !== "string" || !HEX24.test(id)) {
      reasons.push(`teamIds[${i}]: ${JSON.stringify(id)} is not a team id (24 hexadecimal characters)`);
      return;
    }
    const lower = id.toLowerCase();
    if (seen.has(lower)) reasons.push(`teamIds[${i}]: "${id}" is listed more than once`);
    seen.add(lower);
  });
  return { value: anyUnknown ? value : [...seen].sort(), reasons };
}
