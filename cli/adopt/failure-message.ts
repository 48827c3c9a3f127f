// What adopt says when reading fails. The client's errors already name the call, the status, Cloud
// Manager's errorCode and detail, and the key by its public part only; adopt adds what the key needs
// for ITS reads — the client's own advice is about writes (Organization Owner) — and where the
// credentials came from (variable names, never values).

import { isCloudManagerError } from "../../sdk";

/** Roles that let a key read everything adopt reads: members, invitations, teams and every project's access. */
export const READ_ROLES = "Organization Read Only (ORG_READ_ONLY) or Organization Owner (ORG_OWNER)";

export function failureMessage(e: unknown, context: { orgId: string; credentialSource: string }): string {
  if (!isCloudManagerError(e)) return e instanceof Error ? e.message : String(e);
  const call = e.method !== undefined && e.path !== undefined ? `${e.method} ${e.path}` : "the call";
  const answer = [e.status, e.errorCode].filter((x) => x !== undefined).join(" ");
  const said = e.detail === undefined ? "" : ` Cloud Manager says: ${e.detail}`;
  if (e.credentialsRefused) {
    return `the credentials from ${context.credentialSource} were refused (${answer} on ${call}): the key (or service account) is wrong, deleted or disabled. ${e.message}`;
  }
  if (e.status === 401) {
    return (
      `the credentials from ${context.credentialSource} are valid but may not read organization ${context.orgId} (${answer} on ${call}). ` +
      `adopt needs ${READ_ROLES} on that organization: grant one to the key in Cloud Manager (Organization Access Manager → API Keys), ` +
      `or use another key.${said}`
    );
  }
  return e.message;
}
