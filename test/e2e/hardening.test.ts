// Issue 7 through the real engine: a wrong endpoint never makes destroy forget invitations that still
// exist; one person declared twice is refused before anything is sent; a failing organization gives
// one error per resource, without stack traces.

import { describe, expect, test } from "vitest";
import { useE2e, type E2eContext } from "./harness/e2e-context";
import { invitationsProgram, numberedPeople, PeopleList } from "./harness/invitations-program";
import { errorDiagnostics, StackOperationError, type Operation } from "./harness/test-stack";

let e2e: E2eContext;
useE2e("hardening", (context) => (e2e = context));

function people(prefix: string, count: number): PeopleList {
  return new PeopleList(numberedPeople(count).map((p) => ({ ...p, username: `${prefix}.${p.username}` })));
}

async function failing(operation: Promise<Operation<unknown>>): Promise<StackOperationError> {
  const error = await operation.then(
    () => undefined,
    (e: unknown) => e,
  );
  expect(error).toBeInstanceOf(StackOperationError);
  return error as StackOperationError;
}

describe("a wrong endpoint", () => {
  test("destroy against a base URL with a typo in its path fails and keeps every resource in state; the right URL then destroys them", async () => {
    // The endpoint comes from the environment (read at call time), as MCLI_OPS_MANAGER_URL in a pipeline.
    const stack = await e2e.inlineStack(invitationsProgram(e2e.orgId, people("typo", 3)), {
      credentials: "none",
      config: {
        "cloudmanager:publicKey": { value: e2e.emulator.credentials.publicKey },
        "cloudmanager:privateKey": { value: e2e.emulator.credentials.privateKey, secret: true },
      },
      env: { MCLI_OPS_MANAGER_URL: e2e.emulator.baseUrl },
    });
    await stack.up();
    expect(e2e.view.pending()).toHaveLength(3);

    const origin = new URL(e2e.emulator.baseUrl).origin;
    stack.stack.workspace.envVars["MCLI_OPS_MANAGER_URL"] = `${origin}/typo/api/public/v1.0`;
    const mark = e2e.view.mark();
    const error = await failing(stack.destroy());
    const errors = errorDiagnostics(error).join("\n");
    expect(errors).toMatch(/HTTP 404/);
    expect(errors).toMatch(/without checking the credentials.*MCLI_OPS_MANAGER_URL/);
    expect(error.output).not.toMatch(/nothing to delete/);
    expect(e2e.view.pending()).toHaveLength(3);
    expect([...(await stack.invitations()).keys()].sort()).toEqual(["p01", "p02", "p03"]);
    expect(e2e.view.requestsSince(mark).filter((r) => r.path.startsWith("/api/"))).toEqual([]);

    stack.stack.workspace.envVars["MCLI_OPS_MANAGER_URL"] = e2e.emulator.baseUrl;
    const destroy = await stack.destroy();
    expect(destroy.result.summary.resourceChanges).toEqual({ delete: 4 });
    expect(e2e.view.pending()).toEqual([]);
  });
});

describe("one person declared twice", () => {
  const twice = () =>
    new PeopleList([
      { name: "alice", username: "twice.alice@example.com", roles: ["ORG_MEMBER"] },
      { name: "alice-again", username: "Twice.Alice@Example.com", roles: ["ORG_READ_ONLY"] },
    ]);

  test("preview and up are refused with both resource names and the address, and no invitation is sent", async () => {
    const stack = await e2e.inlineStack(invitationsProgram(e2e.orgId, twice()));
    const mark = e2e.view.mark();

    const preview = await failing(stack.preview());
    const previewErrors = errorDiagnostics(preview).join("\n");
    expect(previewErrors).toContain("DUPLICATE_INVITATION");
    expect(previewErrors).toMatch(/"alice" \(urn:pulumi:[^)]*::alice\)/);
    expect(previewErrors).toMatch(/"alice-again" \(urn:pulumi:[^)]*::alice-again\)/);

    // `up` from the Automation API skips the preview; the refusal still comes before any POST.
    const up = await failing(stack.up());
    expect(errorDiagnostics(up).join("\n")).toContain("DUPLICATE_INVITATION");
    expect(e2e.view.requestsSince(mark).filter((r) => r.method === "POST")).toEqual([]);
    expect(e2e.view.pending()).toEqual([]);
    expect(await stack.invitations()).toEqual(new Map());
  });
});

describe("an organization that is gone", () => {
  test("refresh of 30 invitations: one error per resource, no stack trace, nothing dropped from state", async () => {
    const stack = await e2e.inlineStack(invitationsProgram(e2e.orgId, people("orggone", 30)));
    await stack.up();
    e2e.emulator.state.addFault({ path: `/orgs/${e2e.orgId}`, fault: { type: "status", status: 404, errorCode: "ORG_NOT_FOUND" } });
    try {
      const error = await failing(stack.refresh());
      expect(error.output).not.toMatch(/^\s+at /m);
      const errors = errorDiagnostics(error);
      expect(errors.filter((e) => e.includes("ORG_NOT_FOUND"))).toHaveLength(30);
      expect(errors.join("\n")).toMatch(/check the organization id/);
      expect(errors.join("\n")).not.toMatch(/baseUrl/);
      // The dynamic-provider host's own echo (`Error: …: Error: … at …`) is gone: in the summary each
      // resource has its one error line, which names the person.
      expect(error.output).not.toMatch(/Error: Reading the invitation/);
      const summary = error.output.slice(error.output.indexOf("Diagnostics:")).split("\n");
      for (const [name, resource] of await stack.invitations()) {
        const invitationId = String(resource.outputs?.["invitationId"]);
        const lines = summary.filter((l) => l.includes(invitationId) && l.includes("error:"));
        expect(lines, `${name}:\n${lines.join("\n")}`).toHaveLength(1);
        expect(lines[0]).toContain(`for orggone.person${name.slice(1)}@example.com`);
      }
      expect(await stack.invitations()).toHaveProperty("size", 30);
    } finally {
      e2e.emulator.state.clearFaults();
    }
    await stack.destroy();
  });
});
