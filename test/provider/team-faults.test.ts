// Team and ProjectTeam against a hostile or broken server (the emulator's injected faults): a create
// whose answer is an error or is lost fails clearly and is never sent twice, and the next run finds
// what it made; a 404 is "already gone" only when a read confirms it (a team's DELETE, a team taken off
// a project, an OrgMembership leaving a team); a list that cannot be read fails
// the step, never reads as DELETED or REMOVED; and no message, notice or output carries the API key's
// private key, whatever the server echoes. Retries sleep on an instant clock: no waiting, no timing.
import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import type { ClientClock } from "../../sdk/types";
import { runtime, startHarness, type Harness } from "./support/harness";
import {
  addMember,
  change,
  create,
  failure,
  membershipArgs,
  onTeam,
  projectTeamArgs,
  refresh,
  shortPath,
  teamArgs,
  type Stored,
} from "./support/teams";

/** A virtual clock: sleeping moves it to the sleeper's deadline at once (the limiter's pauses and the retries' back-off). */
let virtualNow = Date.now();
const instant: Required<ClientClock> = {
  now: () => virtualNow,
  sleep: async (ms, signal) => {
    signal.throwIfAborted();
    const deadline = virtualNow + ms;
    await new Promise((resolve) => setImmediate(resolve));
    virtualNow = Math.max(virtualNow, deadline);
  },
};

let h: Harness;
beforeAll(async () => {
  h = await startHarness();
  await runtime.setClock(instant);
});
beforeEach(() => h.reset());
afterAll(async () => {
  await runtime.setClock(undefined);
  await h.close();
});

const ORG_PATH = "^/api/public/v1\\.0/orgs/[0-9a-f]{24}";
const team = (name: string, founders: string[]) => teamArgs(h.orgId, name, founders);

/** How many requests of this method reached a path matching `pattern` (Digest challenges left out). */
const sent = (method: string, pattern: RegExp) =>
  h.requests().filter((r) => r.method === method && r.status !== 401 && pattern.test(shortPath(h, r.path))).length;

/** A team "dba" made by its Team (alice its founder), in state, and a project it has roles in through a ProjectTeam; then a new deployment. */
async function dbaInProd(): Promise<{ dba: Stored; access: Stored; teamId: string; projectId: string }> {
  const project = h.emulator.state.createProject(h.orgId, { name: "prod" });
  addMember(h, "alice@example.com");
  const dba = await create(runtime.team, team("dba", ["alice@example.com"]));
  const teamId = String(dba.state["teamId"]);
  const access = await create(runtime.projectTeam, projectTeamArgs(h.orgId, project.id, teamId, ["GROUP_READ_ONLY"]));
  await h.newDeployment();
  h.emulator.state.clearRequests();
  return { dba, access, teamId, projectId: project.id };
}

describe("creating a team when the answer is an error or is lost", () => {
  it("a 500 on POST teams: the error names the team, the POST is not sent again, and the next run creates one team", async () => {
    addMember(h, "alice@example.com");
    h.emulator.state.addFault({ method: "POST", path: `${ORG_PATH}/teams$`, count: 1, fault: { type: "status", status: 500 } });
    const error = await failure(create(runtime.team, team("dba", ["alice@example.com"])));
    expect(error.message).toMatch(new RegExp(`^Creating team "dba" in organization ${h.orgId} failed: .*\\[HTTP 500 UNEXPECTED_ERROR\\]`));
    expect(sent("POST", /^\/orgs\/\{org\}\/teams$/)).toBe(1);
    expect(h.emulator.state.teams(h.orgId)).toEqual([]);

    await h.newDeployment();
    const made = await create(runtime.team, team("dba", ["alice@example.com"]));
    expect(h.emulator.state.teams(h.orgId).map((t) => t.id)).toEqual([made.state["teamId"]]);
    expect(onTeam(h, String(made.state["teamId"]))).toEqual(["alice@example.com"]);
  });

  it("the connection reset after Cloud Manager made the team: the error names the team, no second POST, and the next run adopts that team", async () => {
    addMember(h, "alice@example.com");
    h.emulator.state.addFault({ method: "POST", path: `${ORG_PATH}/teams$`, count: 1, fault: { type: "drop", after: "handler" } });
    const error = await failure(create(runtime.team, team("dba", ["alice@example.com"])));
    expect(error.message).toMatch(new RegExp(`^Creating team "dba" in organization ${h.orgId} failed: `));
    expect(sent("POST", /^\/orgs\/\{org\}\/teams$/)).toBe(1);
    const [made] = h.emulator.state.teams(h.orgId);
    expect(made?.name).toBe("dba");

    await h.newDeployment();
    h.emulator.state.clearRequests();
    const adopted = await create(runtime.team, team("dba", ["alice@example.com"]));
    expect(adopted.state).toMatchObject({ status: "ACTIVE", teamId: made?.id, members: ["alice@example.com"] });
    expect(sent("POST", /teams/)).toBe(0);
    expect(h.emulator.state.teams(h.orgId)).toHaveLength(1);
  });

  it("a 500 or a lost answer on POST of a project's teams: the team gets its roles once", async () => {
    const { teamId } = await dbaInProd();
    for (const fault of [{ type: "status", status: 500 } as const, { type: "drop", after: "handler" } as const]) {
      const project = h.emulator.state.createProject(h.orgId, { name: `p-${fault.type}` });
      h.emulator.state.addFault({ method: "POST", path: `^/api/public/v1\\.0/groups/${project.id}/teams$`, count: 1, fault });
      const access = await create(runtime.projectTeam, projectTeamArgs(h.orgId, project.id, teamId, ["GROUP_OWNER"]));
      expect(access.state).toMatchObject({ status: "ACTIVE", roles: ["GROUP_OWNER"] });
      expect(h.emulator.state.projectTeams(project.id)).toEqual([{ teamId, roleNames: ["GROUP_OWNER"] }]);
    }
  });
});

describe("a 404 is 'already gone' only when a read confirms it", () => {
  it("the team deleted by hand after this deployment read the teams: the DELETE's 404 is confirmed, a warning, success", async () => {
    const { dba, access, teamId, projectId } = await dbaInProd();
    await refresh(runtime.team, dba); // the deployment's view of the teams has it
    await runtime.projectTeam.delete(access.id, access.state);
    h.emulator.state.deleteTeam(h.orgId, teamId);
    await runtime.team.delete(dba.id, dba.state);
    expect(
      h.notices.filter((n) => n.includes(`team "dba" (${teamId}) was already gone from organization ${h.orgId}; nothing to delete.`)),
    ).toHaveLength(1);
    expect(sent("DELETE", new RegExp(`^/orgs/\\{org\\}/teams/${teamId}$`))).toBe(1);
    expect(h.emulator.state.projectTeams(projectId)).toEqual([]);
  });

  it("the answer to the team's DELETE lost: the retry's 404 is confirmed, success", async () => {
    const { dba, access, teamId } = await dbaInProd();
    await runtime.projectTeam.delete(access.id, access.state);
    h.emulator.state.addFault({
      method: "DELETE",
      path: `${ORG_PATH}/teams/${teamId}$`,
      count: 1,
      fault: { type: "drop", after: "handler" },
    });
    await runtime.team.delete(dba.id, dba.state);
    expect(h.emulator.state.teams(h.orgId)).toEqual([]);
  });

  it("a 404 on the team's DELETE while the organization still lists the team: the delete fails and the team stays", async () => {
    const { dba, access, teamId } = await dbaInProd();
    await runtime.projectTeam.delete(access.id, access.state);
    h.emulator.state.addFault({
      method: "DELETE",
      path: `${ORG_PATH}/teams/${teamId}$`,
      count: 1,
      fault: { type: "status", status: 404, errorCode: "RESOURCE_NOT_FOUND" },
    });
    const error = await failure(runtime.team.delete(dba.id, dba.state));
    expect(error.message).toMatch(
      new RegExp(`^Deleting team "dba" \\(${teamId}\\) of organization ${h.orgId} failed: .*404 RESOURCE_NOT_FOUND`),
    );
    expect(h.notices.join("\n")).not.toMatch(/already gone|nothing to delete/);
    expect(h.emulator.state.teams(h.orgId).map((t) => t.id)).toEqual([teamId]);
  });

  it("a 404 on taking the team off the project while the project still lists it: the delete fails and the roles stay", async () => {
    const { access, teamId, projectId } = await dbaInProd();
    h.emulator.state.addFault({
      method: "DELETE",
      path: `/groups/${projectId}/teams/${teamId}$`,
      count: 1,
      fault: { type: "status", status: 404, errorCode: "TEAM_NOT_IN_GROUP" },
    });
    const error = await failure(runtime.projectTeam.delete(access.id, access.state));
    expect(error.message).toMatch(/^Taking team "dba" in project "prod" off the project failed: .*404 TEAM_NOT_IN_GROUP/);
    expect(h.notices.join("\n")).not.toMatch(/already gone|nothing to remove/);
    expect(h.emulator.state.projectTeams(projectId)).toEqual([{ teamId, roleNames: ["GROUP_READ_ONLY"] }]);
  });

  it("the team taken off the project by hand during the run: the DELETE's 404 is confirmed, a warning, success", async () => {
    const { dba, access, teamId, projectId } = await dbaInProd();
    await refresh(runtime.team, dba); // the deployment's view of the project's teams has it
    h.emulator.state.removeProjectTeam(projectId, teamId);
    await runtime.projectTeam.delete(access.id, access.state);
    expect(h.notices.filter((n) => n.includes(`team "dba" in project "prod" was already gone; nothing to remove.`))).toHaveLength(1);
  });
});

describe("OrgMembership leaving a team when the answer is lost", () => {
  it("the answer to DELETE of her place on the team lost: the retry's 404 is confirmed by a read of the members, success", async () => {
    const a = h.emulator.state.createTeam(h.orgId, { name: "team-a" });
    addMember(h, "dan@example.com", [a.id]);
    addMember(h, "carol@example.com", [a.id]);
    const carol = await create(runtime.membership, membershipArgs(h.orgId, "carol@example.com", [a.id]));
    await h.newDeployment();
    h.emulator.state.addFault({
      method: "DELETE",
      path: `${ORG_PATH}/teams/${a.id}/users/`,
      count: 1,
      fault: { type: "drop", after: "handler" },
    });
    const left = await change(runtime.membership, carol, membershipArgs(h.orgId, "carol@example.com", []));
    expect(left.state).toMatchObject({ status: "ACTIVE", teamIds: [] });
    expect(onTeam(h, a.id)).toEqual(["dan@example.com"]);
  });

  it("a 404 on that DELETE while the members list still has her on the team: the update fails", async () => {
    const a = h.emulator.state.createTeam(h.orgId, { name: "team-a" });
    addMember(h, "dan@example.com", [a.id]);
    addMember(h, "carol@example.com", [a.id]);
    const carol = await create(runtime.membership, membershipArgs(h.orgId, "carol@example.com", [a.id]));
    await h.newDeployment();
    h.emulator.state.addFault({
      method: "DELETE",
      path: `${ORG_PATH}/teams/${a.id}/users/`,
      count: 1,
      fault: { type: "status", status: 404, errorCode: "USER_NOT_FOUND" },
    });
    const error = await failure(change(runtime.membership, carol, membershipArgs(h.orgId, "carol@example.com", [])));
    expect(error.message).toMatch(new RegExp(`^Removing carol@example.com from team ${a.id} failed: .*404 USER_NOT_FOUND`));
    expect(onTeam(h, a.id)).toEqual(["carol@example.com", "dan@example.com"]);
  });
});

describe("a list that cannot be read fails the step (never DELETED, REMOVED or 'nothing to delete')", () => {
  const failing = (path: string, status = 500) => h.emulator.state.addFault({ method: "GET", path, fault: { type: "status", status } });

  it("the organization's teams: Team read and delete fail", async () => {
    const { dba } = await dbaInProd();
    failing(`${ORG_PATH}/teams$`, 503);
    expect((await failure(runtime.team.read(dba.id, dba.state))).message).toMatch(
      new RegExp(`^Reading the teams of organization ${h.orgId} failed: .*HTTP 503`),
    );
    expect((await failure(runtime.team.delete(dba.id, dba.state))).message).toMatch(/^Reading the teams of organization .* failed/);
    expect(h.notices.join("\n")).not.toMatch(/no longer exists|nothing to delete/);
    expect(h.emulator.state.teams(h.orgId)).toHaveLength(1);
  });

  it("the organization's projects, or a project's teams: ProjectTeam read and delete fail, Team read too", async () => {
    for (const path of [`${ORG_PATH}/groups$`, "^/api/public/v1\\.0/groups/[0-9a-f]{24}/teams$"]) {
      await h.reset();
      const { dba, access, projectId, teamId } = await dbaInProd();
      failing(path);
      const fails = /^Reading the (projects of organization|teams of project) .* failed: .*HTTP 500/;
      expect((await failure(runtime.projectTeam.read(access.id, access.state))).message).toMatch(fails);
      expect((await failure(runtime.team.read(dba.id, dba.state))).message).toMatch(fails);
      expect((await failure(runtime.projectTeam.delete(access.id, access.state))).message).toMatch(fails);
      expect(h.notices.join("\n")).not.toMatch(/nothing to remove|taken off/);
      expect(h.emulator.state.projectTeams(projectId)).toEqual([{ teamId, roleNames: ["GROUP_READ_ONLY"] }]);
    }
  });

  it("a project the deployment's list does not show (made during the run): its own read failing fails the ProjectTeam's read", async () => {
    const { access, teamId } = await dbaInProd();
    await refresh(runtime.projectTeam, access); // the deployment's view of the projects is read now
    const later = h.emulator.state.createProject(h.orgId, { name: "later" });
    h.emulator.state.setProjectTeamRoles(later.id, teamId, ["GROUP_OWNER"]);
    const stored = { id: `${h.orgId}/${later.id}/${teamId}`, state: { ...access.state, projectId: later.id, projectName: "later" } };
    failing(`^/api/public/v1\\.0/groups/${later.id}$`);
    expect((await failure(runtime.projectTeam.read(stored.id, stored.state))).message).toMatch(
      new RegExp(`^Reading project ${later.id} failed: .*HTTP 500`),
    );
    h.emulator.state.clearFaults();
    // Readable again: it is ACTIVE, not REMOVED.
    expect((await runtime.projectTeam.read(stored.id, stored.state)).props).toMatchObject({ status: "ACTIVE", roles: ["GROUP_OWNER"] });
  });
});

describe("no secret in any Team or ProjectTeam message, notice or output", () => {
  it("the server echoing the private key in its error, on every write and read: nowhere in what the user sees", async () => {
    const secret = h.emulator.credentials.privateKey;
    const echo = (method: string, path: string) =>
      h.emulator.state.addFault({ method, path, count: 1, fault: { type: "status", status: 400, errorCode: secret } });
    const { dba, access, teamId, projectId } = await dbaInProd();
    const other = h.emulator.state.createProject(h.orgId, { name: "other" });
    const seen: string[] = [];
    const attempt = async (step: Promise<unknown>) => {
      seen.push(
        await step.then(
          (out) => JSON.stringify(out ?? null),
          (e: unknown) => (e instanceof Error ? e.message : String(e)),
        ),
      );
    };

    echo("POST", `${ORG_PATH}/teams$`);
    await attempt(runtime.team.create(team("ops", ["alice@example.com"])));
    echo("PATCH", `${ORG_PATH}/teams/${teamId}$`);
    await attempt(runtime.team.update(dba.id, dba.state, team("dba-renamed", ["alice@example.com"])));
    echo("POST", `/groups/${other.id}/teams$`);
    await attempt(runtime.projectTeam.create(projectTeamArgs(h.orgId, other.id, teamId, ["GROUP_OWNER"])));
    echo("PATCH", `/groups/${projectId}/teams/${teamId}$`);
    await attempt(runtime.projectTeam.update(access.id, access.state, projectTeamArgs(h.orgId, projectId, teamId, ["GROUP_OWNER"])));
    echo("DELETE", `/groups/${projectId}/teams/${teamId}$`);
    await attempt(runtime.projectTeam.delete(access.id, access.state));
    await runtime.projectTeam.delete(access.id, access.state);
    echo("DELETE", `${ORG_PATH}/teams/${teamId}$`);
    await attempt(runtime.team.delete(dba.id, dba.state));
    await h.newDeployment();
    echo("GET", `${ORG_PATH}/teams$`);
    await attempt(runtime.team.read(dba.id, dba.state));
    echo("GET", `/groups/${projectId}/teams$`);
    await attempt(runtime.projectTeam.read(access.id, access.state));

    // Every step above failed, with the server's code in its message (scrubbed).
    expect(seen).toHaveLength(8);
    for (const message of seen) expect(message).toMatch(/failed: .*HTTP 400/);
    const shown = [...seen, ...h.notices].join("\n");
    expect(shown).not.toContain(secret);
    expect(shown.toLowerCase()).not.toContain(secret.toLowerCase());
    expect(shown).not.toContain(Buffer.from(secret).toString("hex"));
  });
});
