// One person, one resource: within a deployment a person is declared once per organization, whichever
// resource type declares them (OrgInvitation or OrgMembership); a second would adopt or duplicate the
// first's invitation. Refused at `check` (preview) and again before anything is sent.

import type { CheckResult } from "@pulumi/pulumi/dynamic";
import { resourceNameOf, type DeploymentLedger, type StepContext } from "../deployment/deployment-ledger";
import { codedMessage } from "../errors/codes";
import { checkPersonInputs } from "../model/checks";
import type { PersonInputs } from "../model/person-inputs";
import { isUnknown, urnOf, type PropertyBag } from "../model/property-bag";

/** Throws when another resource of this deployment declares the same person. */
export function refuseDeclaredTwice(inputs: Pick<PersonInputs, "orgId" | "username">, step: StepContext): void {
  if (step.urn === undefined) return;
  const others = step.ledger.othersDeclaring(inputs, step.urn);
  if (others.length > 0) throw new Error(declaredTwiceMessage(inputs.username, inputs.orgId, step.urn, others));
}

function declaredTwiceMessage(username: string, orgId: string, urn: string, others: string[]): string {
  const names = [urn, ...others].map((u) => `"${resourceNameOf(u)}" (${u})`).join(" and ");
  return codedMessage(
    "DUPLICATE_INVITATION",
    `${username} is declared by more than one OrgInvitation or OrgMembership in organization ${orgId}: ${names}. ` +
      `A person has one invitation per organization; keep one of these resources (addresses are compared ignoring case). ` +
      `Nothing was sent for this resource.`,
  );
}

/**
 * `check` of a resource that declares a person (OrgInvitation, OrgMembership): the input rules, then
 * the person declared in the ledger (a second declaration fails on `username`). An OrgMembership sets a
 * member's org roles, so its roles are recorded as an intent for the owner guard, and it may name a
 * team that waits for a founder (it joins once the team exists).
 */
export function checkPerson(
  news: PropertyBag,
  ledger: DeploymentLedger,
  resource: "OrgInvitation" | "OrgMembership",
): CheckResult<PropertyBag> {
  const enforcesRoles = resource === "OrgMembership";
  const result = checkPersonInputs(news, enforcesRoles);
  const inputs = result.inputs ?? news;
  const urn = urnOf(news);
  const { orgId, username, roles } = inputs;
  if ((result.failures ?? []).length > 0 || urn === undefined || !isKnownString(orgId) || !isKnownString(username)) return result;
  const others = ledger.declare({ orgId, username }, urn);
  if (others.length > 0) {
    return { inputs: news, failures: [{ property: "username", reason: declaredTwiceMessage(username, orgId, urn, others) }] };
  }
  const knownRoles = Array.isArray(roles) && roles.every((r): r is string => typeof r === "string" && !isUnknown(r));
  if (enforcesRoles && knownRoles) ledger.intend({ orgId, username }, { urn, roles, removing: false });
  return result;
}

function isKnownString(value: unknown): value is string {
  return typeof value === "string" && !isUnknown(value);
}
