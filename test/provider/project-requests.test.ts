// What a stack of people in projects costs in requests: 100 ProjectMemberships across 10 projects and
// one ProjectRoster per project. Every step of a deployment runs concurrently, as the engine runs them,
// and each project's users, invitations and teams, and the organization's members, projects and
// teams, are read ONCE per deployment and shared — never once per resource. The counts come from the
// emulator's request log; each test prints a one-line summary of them.
import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { runtime, startHarness, type Harness } from "./support/harness";
import { memberArgs, rosterArgs } from "./support/projects";
import { shortPath, stateOf, type Stored } from "./support/teams";
import { byName } from "../support/roster-lines";

let h: Harness;
beforeAll(async () => {
  h = await startHarness();
});
beforeEach(() => h.reset());
afterAll(() => h.close());

const PROJECTS = 10;
const PER_PROJECT = 10;

/** Requests per kind ("GET /groups/{project}/users"); Digest challenges (401) left out. */
function requestCounts(): Map<string, number> {
  const counts = new Map<string, number>();
  for (const r of h.requests()) {
    if (r.status === 401) continue;
    const kind = `${r.method} ${shortPath(h, r.path)
      .replace(/\/groups\/[0-9a-f]{24}/, "/groups/{project}")
      .replace(/\/(users|teams|invites)\/[0-9a-f]{24}/, "/$1/{id}")}`;
    counts.set(kind, (counts.get(kind) ?? 0) + 1);
  }
  return counts;
}

/** Per project and list ("users", "invites", "teams"): how many times it was read. */
function readsPerProject(list: string): number[] {
  const per = new Map<string, number>();
  for (const r of h.requests()) {
    const match = new RegExp(`^/api/public/v1\\.0/groups/([0-9a-f]{24})/${list}$`).exec(r.path);
    if (r.method === "GET" && r.status === 200 && match?.[1] !== undefined) per.set(match[1], (per.get(match[1]) ?? 0) + 1);
  }
  return [...per.values()];
}

function summary(what: string, counts: Map<string, number>): string {
  const total = [...counts.values()].reduce((a, b) => a + b, 0);
  const parts = [...counts.entries()].sort(([a], [b]) => a.localeCompare(b)).map(([kind, n]) => `${kind}: ${n}`);
  return `[project-requests] ${what}: ${total} requests (${parts.join(", ")}); Digest challenges: ${h.requests().filter((r) => r.status === 401).length}`;
}

/** 10 projects, 10 people each (100 members), and in each project a stranger with a role, a project invitation and a team. */
function world(): { projects: string[]; people: { username: string; projectId: string }[] } {
  const projects = Array.from({ length: PROJECTS }, (_, i) => h.emulator.state.createProject(h.orgId, { name: `project-${i}` }).id);
  const people = projects.flatMap((projectId, p) =>
    Array.from({ length: PER_PROJECT }, (_, k) => ({ username: `person-${p}-${k}@example.com`, projectId })),
  );
  for (const { username } of people) h.emulator.state.addOrgUser(h.orgId, { username, roles: ["ORG_MEMBER"] });
  projects.forEach((projectId, p) => {
    h.emulator.state.addOrgUser(h.orgId, { username: `stranger-${p}@evil.example`, roles: ["ORG_MEMBER"] });
    h.emulator.state.setProjectUserRoles(projectId, `stranger-${p}@evil.example`, ["GROUP_DATA_ACCESS_ADMIN"]);
    h.emulator.state.inviteToProjectAs(projectId, { username: `guest-${p}@evil.example`, roles: ["GROUP_READ_ONLY"] }, "admin@example.com");
    h.emulator.state.setProjectTeamRoles(projectId, h.emulator.state.createTeam(h.orgId, { name: `shadow-${p}` }).id, ["GROUP_READ_ONLY"]);
  });
  return { projects, people };
}

const rosterOf = (projectId: string, people: { username: string; projectId: string }[]) =>
  rosterArgs(h.orgId, projectId, { managed: people.filter((p) => p.projectId === projectId).map((p) => p.username) });

describe(`${PROJECTS * PER_PROJECT} ProjectMemberships in ${PROJECTS} projects, and a ProjectRoster each`, () => {
  it("refresh (every read at once, one deployment): at most one users read and one invitations read per project, the organization's lists once", async () => {
    const { projects, people } = world();
    for (const { username, projectId } of people) h.emulator.state.setProjectUserRoles(projectId, username, ["GROUP_READ_ONLY"]);
    const memberships: Stored[] = people.map(({ username, projectId }) => ({
      id: `${h.orgId}/${projectId}/${username}`,
      state: stateOf({ ...memberArgs(h.orgId, projectId, username, ["GROUP_READ_ONLY"]), status: "ACTIVE" }),
    }));
    const rosters: Stored[] = projects.map((projectId) => ({
      id: `${h.orgId}/${projectId}/roster`,
      state: stateOf({ ...rosterOf(projectId, people), unmanagedUsers: "", unmanagedInvitations: "", unmanagedTeams: "" }),
    }));
    await h.newDeployment();
    h.emulator.state.clearRequests();

    const [read, listed] = await Promise.all([
      Promise.all(memberships.map((m) => runtime.projectMember.read(m.id, m.state))),
      Promise.all(rosters.map((r) => runtime.projectRoster.read(r.id, r.state))),
    ]);
    const counts = requestCounts();
    console.log(
      summary(`refresh of ${memberships.length} ProjectMemberships and ${rosters.length} ProjectRosters in ${PROJECTS} projects`, counts),
    );

    expect(Object.fromEntries(counts)).toEqual({
      "GET /orgs/{org}/groups": 1,
      "GET /orgs/{org}/users": 1,
      "GET /orgs/{org}/teams": 1,
      "GET /groups/{project}/users": PROJECTS,
      "GET /groups/{project}/invites": PROJECTS,
      "GET /groups/{project}/teams": PROJECTS,
    });
    expect(readsPerProject("users")).toEqual(Array.from({ length: PROJECTS }, () => 1));
    expect(readsPerProject("invites")).toEqual(Array.from({ length: PROJECTS }, () => 1));
    // What was read is what the emulator holds.
    expect(read.every((r) => r.props?.["status"] === "ACTIVE" && JSON.stringify(r.props["roles"]) === '["GROUP_READ_ONLY"]')).toBe(true);
    listed.forEach((r, p) => {
      expect(Object.keys(byName(r.props?.["unmanagedUsers"]))).toEqual([`stranger-${p}@evil.example`]);
      expect(Object.keys(byName(r.props?.["unmanagedInvitations"]))).toEqual([`guest-${p}@evil.example`]);
      expect(Object.keys(byName(r.props?.["unmanagedTeams"], "name"))).toEqual([`shadow-${p}`]);
    });
  });

  it("up of all of them at once: one POST per person, every list still read once", async () => {
    const { projects, people } = world();
    await h.newDeployment();
    h.emulator.state.clearRequests();
    const created = await Promise.all([
      ...people.map(async ({ username, projectId }) => {
        const checked = await runtime.projectMember.check({}, memberArgs(h.orgId, projectId, username, ["GROUP_READ_ONLY"]));
        return runtime.projectMember.create(checked.inputs ?? {});
      }),
      ...projects.map(async (projectId) => {
        const checked = await runtime.projectRoster.check({}, rosterOf(projectId, people));
        return runtime.projectRoster.create(checked.inputs ?? {});
      }),
    ]);
    const counts = requestCounts();
    console.log(summary(`up of ${people.length} ProjectMemberships and ${projects.length} ProjectRosters in ${PROJECTS} projects`, counts));

    expect(Object.fromEntries(counts)).toEqual({
      "GET /orgs/{org}/groups": 1,
      "GET /orgs/{org}/users": 1,
      "GET /orgs/{org}/teams": 1,
      "GET /groups/{project}/users": PROJECTS,
      "GET /groups/{project}/invites": PROJECTS,
      "GET /groups/{project}/teams": PROJECTS,
      "POST /groups/{project}/users": people.length,
    });
    expect(created.slice(0, people.length).every((c) => c.outs?.["status"] === "ACTIVE")).toBe(true);
    expect(people.every(({ username, projectId }) => h.emulator.state.projectUsers(projectId).some((u) => u.username === username))).toBe(
      true,
    );
  });
});
