import { jsonObjectOf } from "../transport/wire";
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
