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
