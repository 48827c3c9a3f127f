// Scenario 15 of the real-engine suite: an unreliable Cloud Manager. Faults on every route — 429
// with Retry-After, 503, dropped connections — while `up` creates and `destroy` deletes 20
// invitations. Both complete, no user ever has two pending invitations, nothing is left behind.

import { afterAll, beforeAll, describe, expect, test } from "vitest";
import type { FaultAction, RequestLogEntry } from "../../emulator";
import { startE2e, type E2eContext } from "./harness/e2e-context";
import { API_PREFIX } from "./harness/emulator-view";
import { invitationOutputs, invitationsProgram, numberedPeople, PeopleList } from "./harness/invitations-program";
import { errorDiagnostics } from "./harness/test-stack";

let e2e: E2eContext;

beforeAll(async () => {
  e2e = await startE2e("faults");
});

afterAll(async () => {
  await e2e?.close();
});

const FAULTS: { label: string; fault: FaultAction }[] = [
  { label: "429", fault: { type: "status", status: 429, retryAfter: 1 } },
  { label: "503", fault: { type: "status", status: 503 } },
  { label: "drop", fault: { type: "drop" } },
];

/** The routes a deployment uses, as the request log names them. */
function routeOf(r: RequestLogEntry): string {
  const path = r.path.replace(API_PREFIX, "").replace(/[0-9a-f]{24}/g, "{id}");
  return `${r.method} ${path}`;
}

function faultOf(r: RequestLogEntry): string | undefined {
  if (r.status === 0) return "drop";
  if (r.status === 429 || r.status === 503) return String(r.status);
  return undefined;
}

/** Every kind of fault on every route, plus seeded random ones on top. */
function injectFaults(routes: { method: string; path: string }[], seedBase: number): void {
  for (const route of routes) {
    for (const { fault } of FAULTS) e2e.emulator.state.addFault({ method: route.method, path: route.path, count: 1, fault });
  }
  FAULTS.forEach(({ fault }, i) => e2e.emulator.state.addFault({ probability: 0.08, seed: seedBase + i, fault }));
}

describe("an unreliable Cloud Manager", () => {
  test("15. faults on every route during up and destroy of 20 invitations: both complete, no duplicates, nothing left", async () => {
    const people = new PeopleList(numberedPeople(20));
    const stack = await e2e.inlineStack(invitationsProgram(e2e.orgId, people));
    const org = e2e.orgId;

    // ---- up ----
    injectFaults(
      [
        { method: "GET", path: `^${API_PREFIX}/orgs/${org}/invites$` },
        { method: "GET", path: `^${API_PREFIX}/orgs/${org}/users$` },
        { method: "POST", path: `^${API_PREFIX}/orgs/${org}/invites$` },
      ],
      1000,
    );
    let mark = e2e.view.mark();
    const up = await stack.up();
    expect(up.result.summary.result).toBe("succeeded");
    expect(errorDiagnostics(up)).toEqual([]);
    const upFaults = faultsByRoute(e2e.view.requestsSince(mark));
    e2e.emulator.state.clearFaults();

    expect(upFaults.get("GET /orgs/{id}/invites")).toEqual(new Set(["429", "503", "drop"]));
    expect(upFaults.get("GET /orgs/{id}/users")).toEqual(new Set(["429", "503", "drop"]));
    expect(upFaults.get("POST /orgs/{id}/invites")).toEqual(new Set(["429", "503", "drop"]));
    // Exactly one pending invitation per person, and the outputs name it.
    const byUser = e2e.view.pendingByUser();
    expect(byUser.size).toBe(20);
    expect([...byUser.values()].every((list) => list.length === 1)).toBe(true);
    const outputs = invitationOutputs(await stack.outputs());
    for (const person of people.people) {
      expect(outputs[person.name]).toMatchObject({ status: "PENDING", invitationId: e2e.view.pendingFor(person.username).id });
    }
    // Converged: nothing left to do once the faults are gone.
    await stack.preview({ refresh: true, expectNoChanges: true });

    // ---- destroy ----
    injectFaults([{ method: "DELETE", path: `^${API_PREFIX}/orgs/${org}/invites/[0-9a-f]{24}$` }], 2000);
    mark = e2e.view.mark();
    const destroy = await stack.destroy();
    expect(destroy.result.summary.result).toBe("succeeded");
    expect(errorDiagnostics(destroy)).toEqual([]);
    const destroyFaults = faultsByRoute(e2e.view.requestsSince(mark));
    e2e.emulator.state.clearFaults();
    expect(destroyFaults.get("DELETE /orgs/{id}/invites/{id}")).toEqual(new Set(["429", "503", "drop"]));

    expect(e2e.view.pending()).toEqual([]);
    expect(await stack.resources()).toEqual([]);
    // Every invitation ever created was deleted: none expired, accepted or orphaned.
    expect(e2e.emulator.state.invitations(org)).toEqual([]);
    expect(e2e.duplicates.violations).toEqual([]);
  });
});

function faultsByRoute(requests: RequestLogEntry[]): Map<string, Set<string>> {
  const seen = new Map<string, Set<string>>();
  for (const r of requests) {
    const fault = faultOf(r);
    if (fault === undefined) continue;
    const route = routeOf(r);
    seen.set(route, new Set([...(seen.get(route) ?? []), fault]));
  }
  return seen;
}
