// Errors leave the provider as plain Errors: the engine shows only `message`, and a plain Error
// carries no request copy or cause that could hold anything sensitive. Each message names what
// failed, the API's code, and what to do about it. Client messages never contain secrets (the SDK
// guarantees it), and nothing added here does either.

import { DEFAULT_BASE_URL, isCloudManagerError, isRateLimitedError, type CloudManagerError } from "../../sdk";

/** The error to throw from a provider method: `<what> failed: <cause> [<code>]. <what to do>` */
export function providerError(what: string, e: unknown): Error {
  if (!isCloudManagerError(e)) {
    const message = e instanceof Error ? e.message : String(e);
    return new Error(`${what} failed: ${message}`);
  }
  const code = e.errorCode ?? e.code;
  const status = e.status === undefined ? "" : `HTTP ${e.status} `;
  return new Error(`${what} failed: ${e.message} [${status}${code}]. ${advice(e)}`.trim());
}

function advice(e: CloudManagerError): string {
  if (isRateLimitedError(e)) {
    return "Cloud Manager kept rate-limiting the calls; wait a minute and run the command again (fewer resources per run helps).";
  }
  switch (e.status) {
    case 401:
      return (
        "Check that the API key or service account (the settings named at the end) exists and has the Organization Owner " +
        "role in this organization. After rotating a key in stack config, " +
        "run `pulumi refresh --run-program` or `pulumi destroy --run-program` (or `pulumi up` once): without " +
        "--run-program the engine hands the provider the config saved at the last update, i.e. the old key. " +
        "Keys in the environment variables are always read as they are now."
      );
    case 403:
      return "Add this machine's IP address (shown above) to the API key's or service account's IP access list in Cloud Manager.";
    case 404:
      // ORG_NOT_FOUND in Cloud Manager's own format is about the organization, whatever the auth state.
      if (e.authenticated !== true && e.errorCode !== "ORG_NOT_FOUND") {
        return (
          "The server answered 404 without checking the credentials, so the address is not a Cloud Manager API: check " +
          `cloudmanager:baseUrl / MCLI_OPS_MANAGER_URL (e.g. ${DEFAULT_BASE_URL}). Nothing was removed from state.`
        );
      }
      return "Check the orgId and that the credentials belong to that organization.";
    case 400:
    case 409:
      return "Fix the value Cloud Manager names above in the program and run `pulumi up` again.";
    default:
      break;
  }
  if (e.status !== undefined && e.status >= 500) return "Cloud Manager is failing; run the command again later.";
  if (e.code === "CLOUD_MANAGER_NETWORK_ERROR") {
    return "Check the network path to Cloud Manager (the base URL named at the end, HTTPS_PROXY, the CA certificate) and run the command again.";
  }
  return "";
}

/** Awaits an API call; a failure becomes the provider's error for `what` (every lifecycle uses this). */
export async function orFail<T>(promise: Promise<T>, what: string): Promise<T> {
  try {
    return await promise;
  } catch (e) {
    throw providerError(what, e);
  }
}
