// Public API of the Cloud Manager client.
export { CloudManagerClient, type PageListener } from "./api/cloud-manager-client";
export { DEFAULT_BASE_URL, isPemCertificate, normalizeBaseUrl, type CloudManagerClientOptions } from "./api/client-options";
export {
  isExpired,
  livePendingInvitationsOf,
  oldestInvitation,
  pickPendingInvitation,
  type PendingInvitationFields,
} from "./api/pending-invitation";
export { sameSet } from "./api/same-set";
export { usernameKey } from "./api/username";
export {
  CloudManagerError,
  isCloudManagerError,
  isNotFoundAnswer,
  isRateLimitedError,
  type CloudManagerErrorCode,
  type RedactedRequest,
} from "./errors/cloud-manager-error";
export type { RetryOptions } from "./transport/retry-policy";
export * from "./types";
