// The pack's policies: each rule (./rules/) with its name, description, settings and default level.
// Kept apart from ./index.ts, which serves them, so that tests can call the policies the way the
// policy SDK does without starting its server.

import type { Policies, PolicyPackArgs, ReportViolation, ResourceValidationArgs, StackValidationArgs } from "@pulumi/policy";
import { domainsConfig, invitationRolesConfig, noSettings, orgOwnersConfig, orgRosterConfig, projectOwnersConfig, SCHEMAS } from "./config";
import { RULES } from "./names";
import { declared, type Declared } from "./resources";
import type { Finding } from "./rules/finding";
import { invitationRoleViolations } from "./rules/invitation-roles";
import { orgRosterFindings } from "./rules/org-roster";
import { orgOwnerFindings, projectOwnerFindings } from "./rules/owner-limits";
import { pruneIgnoreViolations } from "./rules/prune-ignore";
import { usernameDomainViolations } from "./rules/username-domains";

type Settings = Record<string, unknown>;

/** A per-resource rule: runs on this package's resources only, through either front door. */
function perResource(check: (d: Declared, settings: Settings) => string[]) {
  return (args: ResourceValidationArgs, report: ReportViolation): void => {
    const d = declared(args);
    if (d === undefined) return;
    for (const message of check(d, args.getConfig<Settings>())) report(message);
  };
}

/** A stack rule: sees every resource of this package the stack declares. */
function perStack(check: (resources: Declared[], settings: Settings) => Finding[]) {
  return (args: StackValidationArgs, report: ReportViolation): void => {
    const resources = args.resources.flatMap((r) => declared(r) ?? []);
    for (const f of check(resources, args.getConfig<Settings>())) report(f.message, f.urn);
  };
}

export const POLICIES: Policies = [
  {
    name: RULES.domains,
    description: "Usernames (OrgInvitation, OrgMembership, ProjectMembership, Team founders) are in an allowed domain.",
    configSchema: SCHEMAS.domains,
    validateResource: perResource((d, s) => usernameDomainViolations(d, domainsConfig(RULES.domains, s))),
  },
  {
    name: RULES.orgOwners,
    description: "At most maxOrgOwners people are declared with ORG_OWNER per organization.",
    configSchema: SCHEMAS.orgOwners,
    validateStack: perStack((resources, s) => orgOwnerFindings(resources, orgOwnersConfig(RULES.orgOwners, s))),
  },
  {
    name: RULES.projectOwners,
    description: "At most maxProjectOwners people and teams are declared with GROUP_OWNER per project.",
    configSchema: SCHEMAS.projectOwners,
    validateStack: perStack((resources, s) => projectOwnerFindings(resources, projectOwnersConfig(RULES.projectOwners, s))),
  },
  {
    name: RULES.invitationRoles,
    description: "An OrgInvitation does not grant the roles reserved to members (ORG_OWNER by default).",
    configSchema: SCHEMAS.invitationRoles,
    validateResource: perResource((d, s) => invitationRoleViolations(d, invitationRolesConfig(RULES.invitationRoles, s))),
  },
  {
    name: RULES.orgRoster,
    description: "Every organization with OrgMemberships has an OrgRoster.",
    configSchema: SCHEMAS.orgRoster,
    validateStack: perStack((resources, s) => orgRosterFindings(resources, orgRosterConfig(RULES.orgRoster, s))),
  },
  {
    name: RULES.pruneIgnore,
    description: "An OrgRoster or ProjectRoster with prune: true has a non-empty ignore (the break-glass accounts).",
    validateResource: perResource((d, s) => {
      noSettings(RULES.pruneIgnore, s);
      return pruneIgnoreViolations(d);
    }),
  },
];

/** The pack as served: every rule mandatory unless the policy config says otherwise. */
export const PACK_ARGS: PolicyPackArgs = {
  description: "Access rules for MongoDB Cloud Manager organizations declared with pulumi-cloudmanager.",
  enforcementLevel: "mandatory",
  policies: POLICIES,
};
