// Scenario 15 of the real-engine suite: an unreliable Cloud Manager. Every route the deployment uses
// gets every kind of fault — 429 with Retry-After, 503, a connection dropped on arrival, and one
// dropped after the server acted (a create or delete that happened but was never confirmed, the
// fault that would leave a second invitation if the client re-sent blindly) — while `up` creates 20
// invitations, a refreshing preview reads them and `destroy` deletes them. All complete, no user ever
// has two pending invitations, nothing is left behind.

import { afterAll, beforeAll, describe, expect, test } from "vitest";
import type { RequestLogEntry } from "../../emulator";
import { startE2e, type E2eContext } from "./harness/e2e-context";
import { EveryRouteFaults, routeOf, type FaultKind } from "./harness/every-route-faults";
import { invitationOutputs, invitationsProgram, numberedPeople, PeopleList } from "./harness/invitations-program";
import { errorDiagnostics } from "./harness/test-stack";

const KINDS: FaultKind[] = [
  { label: "429", fault: { type: "status", status: 429, retryAfter: 1 } },
  { label: "503", fault: { type: "status", status: 503 } },
  { label: "drop on arrival", fault: { type: "drop", after: "arrival" } },
  { label: "drop after handler", fault: { type: "drop", after: "handler" } },
];

let e2e: E2eContext;
let faults: EveryRouteFaults | undefined;

beforeAll(async () => {
  // The injector learns routes from the request log, as each request is answered.
  e2e = await startE2e("faults", { log: () => faults?.onAnswered() });
});

afterAll(async () => {
  faults?.stop();
  await e2e?.close();
});

describe("an unreliable Cloud Manager", () => {
  test("15. faults on every route during up, preview and destroy of 20 invitations: all complete, no duplicates, nothing left", async () => {
    const people = new PeopleList(numberedPeople(20));
    const stack = await e2e.inlineStack(invitationsProgram(e2e.orgId, people));
    const org = e2e.orgId;
    // Once a route has had its faults, about one request in nine still runs into a seeded random one.
    faults = new EveryRouteFaults(e2e.emulator.state, KINDS, { probability: 0.03, seed: 1000 });
    const start = e2e.view.mark();
    faults.start();

    // ---- up ----
    const up = await stack.up();
    expect(up.result.summary.result).toBe("succeeded");
    expect(errorDiagnostics(up)).toEqual([]);
    // Exactly one invitation per person, and the outputs name it.
    const byUser = e2e.view.pendingByUser();
    expect(byUser.size).toBe(20);
    expect([...byUser.values()].every((list) => list.length === 1)).toBe(true);
    expect(e2e.emulator.state.invitations(org)).toHaveLength(20);
    const outputs = invitationOutputs(await stack.outputs());
    for (const person of people.people) {
      expect(outputs[person.name]).toMatchObject({ status: "PENDING", invitationId: e2e.view.pendingFor(person.username).id });
    }

    // ---- converged: a refreshing preview (reads of each invitation, still under faults) finds nothing to do ----
    await stack.preview({ refresh: true, expectNoChanges: true });

    // ---- destroy ----
    const destroy = await stack.destroy();
    expect(destroy.result.summary.result).toBe("succeeded");
    expect(errorDiagnostics(destroy)).toEqual([]);
    faults.stop();

    // Every route the run used received every kind of fault. The routes come from the request log,
    // not from a list here: a route the provider starts using is covered, or this fails naming it.
    const run = e2e.view.requestsSince(start);
    const routes = new Set(run.map(routeOf));
    expect([...routes]).toEqual(
      expect.arrayContaining(["GET /orgs/{id}/invites", "POST /orgs/{id}/invites", "DELETE /orgs/{id}/invites/{id}"]),
    );
    expect(faults.missing(run)).toEqual([]);
    // The log agrees: each route shows a 429, a 503 and at least two dropped answers (both drops log as status 0).
    const statusesOf = (route: string) => run.filter((r) => routeOf(r) === route).map((r) => r.status);
    for (const route of routes) {
      expect({ route, seen: faultsSeen(statusesOf(route)) }).toEqual({ route, seen: { "429": true, "503": true, drops: true } });
    }
    // The server acted on a create and on a delete whose answers were lost: fewer POSTs were answered
    // 201 than invitations were made (the client found its invitation instead of sending another),
    // and a re-sent DELETE found its invitation already gone (404) — and still nothing was duplicated.
    expect(statusesOf("POST /orgs/{id}/invites").filter((s) => s === 201).length).toBeLessThan(20);
    expect(statusesOf("DELETE /orgs/{id}/invites/{id}")).toContain(404);

    expect(e2e.view.pending()).toEqual([]);
    expect(await stack.resources()).toEqual([]);
    // Every invitation ever created was deleted: none expired, accepted or orphaned.
    expect(e2e.emulator.state.invitations(org)).toEqual([]);
    expect(e2e.duplicates.violations).toEqual([]);
  });
});

function faultsSeen(statuses: RequestLogEntry["status"][]): { "429": boolean; "503": boolean; drops: boolean } {
  return { "429": statuses.includes(429), "503": statuses.includes(503), drops: statuses.filter((s) => s === 0).length >= 2 };
}
