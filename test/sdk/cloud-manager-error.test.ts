import { describe, expect, it, vi } from "vitest";
import { inspect } from "node:util";
import { CloudManagerError, isCloudManagerError, isNotFoundAnswer, isRateLimitedError } from "../../sdk";

describe("CloudManagerError", () => {
  const make = (): CloudManagerError =>
    new CloudManagerError({
      code: "CLOUD_MANAGER_API_ERROR",
      message: "Not found: invitation x",
      status: 404,
      errorCode: "RESOURCE_NOT_FOUND",
      detail: "Cannot find resource invitation x.",
      parameters: ["x"],
      method: "GET",
      path: "/api/public/v1.0/orgs/o/invites/x",
      request: {
        method: "GET",
        url: "https://cloud.mongodb.com/api/public/v1.0/orgs/o/invites/x",
        headers: { Authorization: 'Digest username="pub", response="abc"', accept: "application/json" },
      },
      cause: new Error("inner"),
    });

  it("carries the payload fields and a stable name", () => {
    const error = make();
    expect(error).toBeInstanceOf(Error);
    expect(error).toBeInstanceOf(CloudManagerError);
    expect(error.name).toBe("CloudManagerError");
    expect(String(error)).toBe("CloudManagerError: Not found: invitation x");
    expect(error.stack?.split("\n")[0]).toBe("CloudManagerError: Not found: invitation x");
    expect(error).toMatchObject({ status: 404, errorCode: "RESOURCE_NOT_FOUND", parameters: ["x"], method: "GET" });
  });

  it("redacts the Authorization header on a copy of the request", () => {
    const headers = { Authorization: "Bearer the-token", accept: "application/json" };
    const error = new CloudManagerError({ code: "CLOUD_MANAGER_API_ERROR", message: "m", request: { method: "GET", url: "u", headers } });
    expect(error.request?.headers).toEqual({ Authorization: "[REDACTED]", accept: "application/json" });
    expect(headers.Authorization).toBe("Bearer the-token");
  });

  it("toJSON and inspect show the fields and never the Authorization value", () => {
    const error = make();
    const json = JSON.stringify(error);
    expect(JSON.parse(json)).toMatchObject({
      name: "CloudManagerError",
      code: "CLOUD_MANAGER_API_ERROR",
      status: 404,
      errorCode: "RESOURCE_NOT_FOUND",
      cause: { name: "Error", message: "inner" },
    });
    const shown = inspect(error, { depth: 10 });
    expect(shown).toContain("RESOURCE_NOT_FOUND");
    expect(shown).toContain("Not found: invitation x");
    for (const text of [json, shown, inspect(error, { showHidden: true, depth: 10 }), String(error)]) {
      expect(text).not.toContain("response=");
      expect(text).not.toContain('username="pub"');
    }
  });

  it("is recognised across two loaded copies of the module (brand via Symbol.for)", async () => {
    vi.resetModules();
    const copy = await import("../../sdk/errors/cloud-manager-error.js");
    expect(copy.CloudManagerError).not.toBe(CloudManagerError);
    const foreign = new copy.CloudManagerError({ code: "CLOUD_MANAGER_NETWORK_ERROR", message: "m" });
    expect(isCloudManagerError(foreign)).toBe(true);
    expect(foreign instanceof CloudManagerError).toBe(true);
    expect(copy.isCloudManagerError(make())).toBe(true);
    expect(isCloudManagerError(new Error("plain"))).toBe(false);
    expect(isCloudManagerError({ code: "CLOUD_MANAGER_API_ERROR" })).toBe(false);
    expect(isCloudManagerError(null)).toBe(false);
  });
});

describe("isRateLimitedError and isNotFoundAnswer", () => {
  const api = (fields: Partial<ConstructorParameters<typeof CloudManagerError>[0]>): CloudManagerError =>
    new CloudManagerError({ code: "CLOUD_MANAGER_API_ERROR", message: "m", ...fields });

  it("rate limited: a 429 whatever its errorCode, or a 400 with an invitation rate-limit code", () => {
    expect(isRateLimitedError(api({ status: 429, errorCode: "RATE_LIMITED" }))).toBe(true);
    expect(isRateLimitedError(api({ status: 429 }))).toBe(true);
    expect(isRateLimitedError(api({ status: 400, errorCode: "INVITATIONS_RATE_LIMITED_IP" }))).toBe(true);
    expect(isRateLimitedError(api({ status: 400, errorCode: "RATE_LIMITED_IP" }))).toBe(true);
    expect(isRateLimitedError(api({ status: 400, errorCode: "INVALID_EMAIL_ADDRESS" }))).toBe(false);
    expect(isRateLimitedError(api({ status: 503, errorCode: "RATE_LIMITED_IP" }))).toBe(false);
    expect(isRateLimitedError(new CloudManagerError({ code: "CLOUD_MANAGER_NETWORK_ERROR", message: "m" }))).toBe(false);
    expect(isRateLimitedError({ status: 429 })).toBe(false);
  });

  it("not found: only Cloud Manager's own 404, to an authenticated request, not about the organization", () => {
    const found = { status: 404, errorCode: "RESOURCE_NOT_FOUND", authenticated: true, hasErrorBody: true };
    expect(isNotFoundAnswer(api(found))).toBe(true);
    expect(isNotFoundAnswer(api({ ...found, authenticated: false }))).toBe(false);
    expect(isNotFoundAnswer(api({ ...found, authenticated: undefined }))).toBe(false);
    expect(isNotFoundAnswer(api({ ...found, hasErrorBody: false }))).toBe(false);
    expect(isNotFoundAnswer(api({ ...found, errorCode: "ORG_NOT_FOUND" }))).toBe(false);
    expect(isNotFoundAnswer(api({ ...found, status: 410 }))).toBe(false);
    expect(isNotFoundAnswer({ ...found })).toBe(false);
  });
});
