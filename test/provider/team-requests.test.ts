// What a large stack of teams costs in requests: 50 Teams with roles in 20 projects, each in 1 to 3 of them (99 ProjectTeams).
// Every step of a deployment runs concurrently, as the engine runs them, and the organization's lists
// (teams, members, projects) and each project's teams are read ONCE per deployment and shared — never
// once per resource. The counts come from the emulator's request log; each test prints a one-line
// summary of them.
import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import type { PropertyBag } from "../../provider/model/property-bag";
import { runtime, startHarness, type Harness } from "./support/harness";
import { projectTeamArgs, shortPath, stateOf, teamArgs, type Stored } from "./support/teams";

let h: Harness;
beforeAll(async () => {
  h = await startHarness();
});
beforeEach(() => h.reset());
afterAll(() => h.close());

const TEAMS = 50;
const PROJECTS = 20;

/** Requests per kind: "GET /orgs/{org}/teams", "GET /groups/{project}/teams", "POST /groups/{project}/teams", ... */
function requestCounts(): Map<string, number> {
  const counts = new Map<string, number>();
  for (const r of h.requests()) {
    if (r.status === 401) continue; // a Digest challenge, not a call
    const kind = `${r.method} ${shortPath(h, r.path)
      .replace(/\/groups\/[0-9a-f]{24}/, "/groups/{project}")
      .replace(/\/teams\/[0-9a-f]{24}/, "/teams/{team}")}`;
    counts.set(kind, (counts.get(kind) ?? 0) + 1);
  }
  return counts;
}

/** Per project: how many times its teams were listed. */
function projectTeamListsPerProject(): Map<string, number> {
  const per = new Map<string, number>();
  for (const r of h.requests()) {
    const match = /^\/api\/public\/v1\.0\/groups\/([0-9a-f]{24})\/teams$/.exec(r.path);
    if (r.method === "GET" && r.status === 200 && match?.[1] !== undefined) per.set(match[1], (per.get(match[1]) ?? 0) + 1);
  }
  return per;
}

function summary(what: string, counts: Map<string, number>): string {
  const total = [...counts.values()].reduce((a, b) => a + b, 0);
  const parts = [...counts.entries()].sort(([a], [b]) => a.localeCompare(b)).map(([kind, n]) => `${kind}: ${n}`);
  return `[team-requests] ${what}: ${total} requests (${parts.join(", ")}); Digest challenges: ${h.requests().filter((r) => r.status === 401).length}`;
}

/** 50 teams (the first with a member), 20 projects, and each team given roles in 1 to 3 projects: 99 assignments. */
function world(): { teams: { id: string; name: string }[]; projects: string[]; assignments: [string, string][] } {
  const user = h.emulator.state.addOrgUser(h.orgId, { username: "alice@example.com", roles: ["ORG_MEMBER"] });
  const projects = Array.from({ length: PROJECTS }, (_, i) => h.emulator.state.createProject(h.orgId, { name: `project-${i}` }).id);
  const teams = Array.from({ length: TEAMS }, (_, i) => h.emulator.state.createTeam(h.orgId, { name: `team-${i}` }));
  h.emulator.state.addMemberToTeams(h.orgId, user.id, [teams[0]?.id ?? ""]);
  const assignments: [string, string][] = teams.flatMap((t, i) =>
    Array.from({ length: 1 + (i % 3) }, (_, k) => [t.id, projects[(i + 7 * k) % PROJECTS] ?? ""] as [string, string]),
  );
  return { teams, projects, assignments };
}

/** The stored state of the stack: a Team per team, a ProjectTeam per assignment (as an earlier `up` left them). */
function stackState(w: ReturnType<typeof world>): { teams: Stored[]; access: Stored[] } {
  const teams = w.teams.map((t) => ({
    id: `${h.orgId}/${t.id}`,
    state: stateOf({ ...teamArgs(h.orgId, t.name, ["alice@example.com"]), teamId: t.id, status: "ACTIVE", members: [], projectIds: [] }),
  }));
  const access = w.assignments.map(([teamId, projectId]) => ({
    id: `${h.orgId}/${projectId}/${teamId}`,
    state: stateOf({ ...projectTeamArgs(h.orgId, projectId, teamId, ["GROUP_READ_ONLY"]), status: "ACTIVE" }),
  }));
  return { teams, access };
}

describe(`${TEAMS} Teams in ${PROJECTS} projects`, () => {
  it("refresh (every read at once, in one deployment): one read of each organization list and one of each project's teams", async () => {
    const w = world();
    for (const [teamId, projectId] of w.assignments) h.emulator.state.setProjectTeamRoles(projectId, teamId, ["GROUP_READ_ONLY"]);
    const stack = stackState(w);
    expect(stack.access.length).toBeGreaterThanOrEqual(50);
    await h.newDeployment();
    h.emulator.state.clearRequests();

    const reads = await Promise.all([
      ...stack.teams.map((t) => runtime.team.read(t.id, t.state)),
      ...stack.access.map((a) => runtime.projectTeam.read(a.id, a.state)),
    ]);
    const counts = requestCounts();
    console.log(summary(`refresh of ${stack.teams.length} Teams and ${stack.access.length} ProjectTeams`, counts));

    expect(reads.every((r) => r.props?.["status"] === "ACTIVE")).toBe(true);
    expect(Object.fromEntries(counts)).toEqual({
      "GET /orgs/{org}/teams": 1,
      "GET /orgs/{org}/users": 1,
      "GET /orgs/{org}/groups": 1,
      "GET /groups/{project}/teams": PROJECTS,
    });
    expect([...projectTeamListsPerProject().values()]).toEqual(Array.from({ length: PROJECTS }, () => 1));
    // What was read is what the emulator holds.
    const team0 = reads[0]?.props as PropertyBag;
    expect(team0["members"]).toEqual(["alice@example.com"]);
    expect(team0["projectIds"]).toEqual(
      w.assignments
        .filter(([t]) => t === w.teams[0]?.id)
        .map(([, p]) => p)
        .sort(),
    );
  });

  it(`up of the assignments of ${TEAMS} teams in ${PROJECTS} projects (all at once): one POST each, and the lists read once`, async () => {
    const w = world();
    const stack = stackState(w);
    await h.newDeployment();
    h.emulator.state.clearRequests();
    await Promise.all(
      stack.access.map(async (a) => {
        const checked = await runtime.projectTeam.check({}, a.state);
        return runtime.projectTeam.create(checked.inputs ?? {});
      }),
    );
    const counts = requestCounts();
    console.log(summary(`up of ${stack.access.length} ProjectTeams`, counts));
    expect(Object.fromEntries(counts)).toEqual({
      "GET /orgs/{org}/teams": 1,
      "GET /orgs/{org}/groups": 1,
      "GET /groups/{project}/teams": PROJECTS,
      "POST /groups/{project}/teams": stack.access.length,
    });
    const assigned = w.projects.reduce((n, p) => n + h.emulator.state.projectTeams(p).length, 0);
    expect(assigned).toBe(stack.access.length);
  });

  it("destroy (ProjectTeams first, then the Teams, each wave at once): one DELETE each, and the lists read once", async () => {
    const w = world();
    for (const [teamId, projectId] of w.assignments) h.emulator.state.setProjectTeamRoles(projectId, teamId, ["GROUP_READ_ONLY"]);
    const stack = stackState(w);
    await h.newDeployment();
    h.emulator.state.clearRequests();
    await Promise.all(stack.access.map((a) => runtime.projectTeam.delete(a.id, a.state)));
    await Promise.all(stack.teams.map((t) => runtime.team.delete(t.id, t.state)));
    const counts = requestCounts();
    console.log(summary(`destroy of ${stack.access.length} ProjectTeams and ${stack.teams.length} Teams`, counts));
    expect(Object.fromEntries(counts)).toEqual({
      "GET /orgs/{org}/teams": 1,
      "GET /orgs/{org}/groups": 1,
      "GET /groups/{project}/teams": PROJECTS,
      "DELETE /groups/{project}/teams/{team}": stack.access.length,
      "DELETE /orgs/{org}/teams/{team}": stack.teams.length,
    });
    expect(h.emulator.state.teams(h.orgId)).toEqual([]);
    expect(h.notices).toEqual([]);
  });
});
