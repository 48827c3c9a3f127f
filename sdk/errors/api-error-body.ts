import type { ApiErrorBody } from "../types";

/** The documented error body if `body` is one (`{detail, error, errorCode, parameters, reason}`), else undefined. */
export function parseApiErrorBody(body: Buffer): Partial<ApiErrorBody> | undefined {
  if (body.length === 0) return undefined;
  let parsed: unknown;
  try {
    parsed = JSON.parse(body.toString("utf8"));
  } catch {
    return undefined;
  }
  if (typeof parsed !== "object" || parsed === null || Array.isArray(parsed)) return undefined;
  const record = parsed as Record<string, unknown>;
  const result: Partial<ApiErrorBody> = {};
  if (typeof record.detail === "string") result.detail = record.detail;
  if (typeof record.error === "number") result.error = record.error;
  if (typeof record.errorCode === "string") result.errorCode = record.errorCode;
  if (Array.isArray(record.parameters)) result.parameters = record.parameters;
  if (typeof record.reason === "string") result.reason = record.reason;
  return result;
}
