// The organization keeps an Organization Owner, whatever order the engine runs the steps in. Every
// write that takes ORG_OWNER from a member (a demotion, a removal, a prune) runs through here: one
// at a time per organization (`OrgApi.exclusive`), decided on a members list read AFTER the previous
// such write completed, and against the whole plan of the deployment as the ledger knows it (the
// roles each declared person is left with). A plan that would leave no owner sends nothing and names
// the resources to change; Cloud Manager's own refusal is never what keeps the last owner.

import type { OrgUser } from "../../sdk/types";
import type { DeploymentLedger } from "../deployment/deployment-ledger";
import { resourceNameOf } from "../deployment/deployment-ledger";
import type { OrgApi } from "../deployment/org-api";
import { codedMessage } from "../errors/codes";
import { orFail } from "../errors/provider-error";
import { isOrgOwner, keepsOwner } from "./org-rules";

export interface OwnerChange {
  member: OrgUser;
  /** The member's org roles after the write; empty for a removal. */
  rolesAfter: readonly string[];
  action: "demote" | "remove";
  /** The resource asking; undefined when its state recorded none. */
  urn: string | undefined;
}

/** Runs `write` unless it would leave the organization without an owner (then throws, having sent nothing). */
export async function guardOwnerChange<T>(api: OrgApi, ledger: DeploymentLedger, change: OwnerChange, write: () => Promise<T>): Promise<T> {
  if (!isOrgOwner(change.member, api.orgId) || (change.action === "demote" && keepsOwner(change.rolesAfter))) return write();
  return api.exclusive(async () => {
    const fresh = await orFail(
      api.freshMembers(),
      `Reading the members of organization ${api.orgId} before changing an Organization Owner`,
    );
    const self = fresh.find((m) => m.id === change.member.id);
    if (self === undefined || !isOrgOwner(self, api.orgId)) return write();
    const otherOwners = fresh.filter((m) => m.id !== self.id && isOrgOwner(m, api.orgId));
    const staying = otherOwners.filter((m) => {
      const intent = ledger.intentFor({ orgId: api.orgId, username: m.username });
      return intent === undefined || (!intent.removing && keepsOwner(intent.roles));
    });
    if (staying.length > 0) return write();
    throw new Error(ownerMessage(api.orgId, change, otherOwners, ledger));
  });
}

function ownerMessage(orgId: string, change: OwnerChange, otherOwners: readonly OrgUser[], ledger: DeploymentLedger): string {
  const name = (urn: string | undefined) => (urn === undefined ? "this resource" : `"${resourceNameOf(urn)}"`);
  const verb = (action: OwnerChange["action"]) => (action === "demote" ? "demotes" : "removes");
  if (otherOwners.length === 0) {
    return codedMessage(
      "LAST_ORG_OWNER",
      `${change.member.username} is the last Organization Owner of organization ${orgId}, and ${name(change.urn)} ${verb(change.action)} them. ` +
        `Give another member ORG_OWNER first${change.action === "demote" ? " (or keep ORG_OWNER in roles)" : ""}. Nothing was changed.`,
    );
  }
  const planned = otherOwners.map((m) => {
    const intent = ledger.intentFor({ orgId, username: m.username });
    return `${m.username} (${name(intent?.urn)} ${intent?.removing === true ? "removes" : "demotes"} them)`;
  });
  return codedMessage(
    "OWNER_PLAN_UNSAFE",
    `this deployment would leave organization ${orgId} without an Organization Owner: ${change.member.username} ` +
      `(${name(change.urn)} ${verb(change.action)} them) and ${planned.join(", ")}. Keep ORG_OWNER in the roles of one of ` +
      `these resources, or give another member ORG_OWNER first. Nothing was sent for ${name(change.urn)}.`,
  );
}
