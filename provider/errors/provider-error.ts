// Errors leave the provider as plain Errors: the engine shows only `message`, and a plain Error
// carries no request copy or cause that could hold anything sensitive. Each message names what
// failed, the API's code, and what to do about it. Client messages never contain secrets (the SDK
// guarantees it), and nothing added here does either.

import { DEFAULT_BASE_URL, isCloudManagerError, isRateLimitedError, type CloudManagerError } from "../../sdk";

/** Where a failed call was sent: the organization, and which settings its credentials and endpoint came from. */
export interface CallTarget {
  orgId: string;
  /** Config keys or environment variables, never values. */
  credentialSource: string;
  baseUrl: string;
  extraCa: boolean;
}

/** The target of each client error that passed an organization's gate; kept beside the error, which stays as the client made it. */
const targets = new WeakMap<object, CallTarget>();

/** Records where the call that failed with `e` was sent (../runtime/client-pool does, for every call). */
export function noteTarget(e: unknown, target: CallTarget): void {
  if (typeof e === "object" && e !== null) targets.set(e, target);
}

/** The error to throw from a provider method: `<what> failed: <cause> [<code>]. <what to do> <which settings>` */
export function providerError(what: string, e: unknown): Error {
  if (!isCloudManagerError(e)) {
    const message = e instanceof Error ? e.message : String(e);
    return new Error(`${what} failed: ${message}`);
  }
  const code = e.errorCode ?? e.code;
  const status = e.status === undefined ? "" : `HTTP ${e.status} `;
  return new Error(`${what} failed: ${e.message} [${status}${code}]. ${advice(e)}${settingsNamed(e)}`.trim());
}

/**
 * A refused key (401) names the organization and where its credentials came from, a network or TLS
 * failure the base URL it was reached at, so that the right setting gets fixed (with several
 * organizations, each has its own).
 */
function settingsNamed(e: CloudManagerError): string {
  const target = targets.get(e);
  if (target === undefined) return "";
  if (e.status === 401) return ` Organization ${target.orgId} uses the credentials of ${target.credentialSource}.`;
  if (e.code === "CLOUD_MANAGER_NETWORK_ERROR") {
    return ` Organization ${target.orgId} is reached at ${target.baseUrl}${target.extraCa ? " with an extra CA certificate" : ""}.`;
  }
  return "";
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
