// Strict request bodies: JSON objects whose fields are checked, unknown ones rejected (as Cloud Manager does).
import { invalidAttribute, invalidJson, missingAttribute } from "./errors";

export type JsonObject = Record<string, unknown>;

function parseJson(raw: Buffer): unknown {
  const text = raw.toString("utf8");
  if (text.trim() === "") throw invalidJson();
  try {
    return JSON.parse(text);
  } catch {
    throw invalidJson();
  }
}

export function parseJsonObject(raw: Buffer): JsonObject {
  const value = parseJson(raw);
  if (typeof value !== "object" || value === null || Array.isArray(value)) throw invalidJson();
  return value as JsonObject;
}

/** A body that must be a JSON array (POST …/teams/{TEAM-ID}/users); anything else is INVALID_JSON. */
export function parseJsonArray(raw: Buffer): unknown[] {
  const value = parseJson(raw);
  if (!Array.isArray(value)) throw invalidJson();
  return value as unknown[];
}

/** Rejects fields outside `allowed`, and `required` ones that are absent or null. */
export function checkFields(body: JsonObject, allowed: readonly string[], required: readonly string[]): void {
  for (const key of Object.keys(body)) if (!allowed.includes(key)) throw invalidAttribute(key);
  for (const key of required) if (body[key] === undefined || body[key] === null) throw missingAttribute(key);
}

export function stringField(body: JsonObject, name: string): string {
  const value = body[name];
  if (typeof value !== "string") throw invalidAttribute(name, "Expected a string.");
  return value;
}

export function stringArrayField(body: JsonObject, name: string): string[] {
  const value = body[name];
  if (!Array.isArray(value) || value.some((v) => typeof v !== "string")) throw invalidAttribute(name, "Expected an array of strings.");
  return value as string[];
}

/** An optional string array: absent or null gives []. */
export function optionalStringArrayField(body: JsonObject, name: string): string[] {
  return body[name] === undefined || body[name] === null ? [] : stringArrayField(body, name);
}
