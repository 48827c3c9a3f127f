import { jsonObjectOf } from "../wire";
import type { ApiErrorBody } from "../types";

/** The documented error body if `body` is one (`{detail, error, errorCode, parameters, reason}`), else undefined. */
export function parseApiErrorBody(body: Buffer): Partial<ApiErrorBody> | undefined {
  const record = jsonObjectOf(body);
  if (record === undefined) return undefined;
  const result: Partial<ApiErrorBody> = {};
  if (typeof record.detail === "string") result.detail = record.detail;
  if (typeof record.error === "number") result.error = record.error;
  if (typeof record.errorCode === "string") result.errorCode = record.errorCode;
  if (Array.isArray(record.parameters)) result.parameters = record.parameters;
  if (typeof record.reason === "string") result.reason = record.reason;
  return result;
}

/**
 * True when `body` is Cloud Manager's own error body: a JSON object with a string `errorCode` and
 * `error` equal to the HTTP status. A proxy's HTML page or another API's JSON is not.
 */
export function isApiErrorBody(body: Buffer, status: number): boolean {
  const parsed = parseApiErrorBody(body);
  return parsed?.errorCode !== undefined && parsed.errorCode !== "" && parsed.error === status;
}

/**
 * The errorCodes of Cloud Manager's 400 answers to too many invitations: it sends these with 400, not
 * 429 (cloud-manager-api.md, "Errors"; seen in the field against Atlas). Its 429 carries RATE_LIMITED.
 */
const RATE_LIMIT_400_CODES: ReadonlySet<string> = new Set(["RATE_LIMITED_IP", "INVITATIONS_RATE_LIMITED_IP"]);

/**
 * The one rate-limit rule of the SDK: a 429 (whatever its errorCode), or a 400 with one of the
 * invitation rate-limit errorCodes. The retry policy retries exactly these without reconciling (they
 * are refused before any work is done), error messages and `isRateLimitedError` use it too.
 */
export function isRateLimitAnswer(status: number | undefined, errorCode: string | undefined): boolean {
  return status === 429 || (status === 400 && errorCode !== undefined && RATE_LIMIT_400_CODES.has(errorCode));
}
