// What Team, ProjectTeam (and OrgInvitation naming a team) refuse: each refusal sends nothing and says
// what to fix. At check (preview: no call at all) for inputs that cannot be right; at create or delete,
// before any write, for what only the organization's lists show (another organization's team or
// project, a team that still has roles in a project nobody takes it out of) — including when Cloud
// Manager itself refuses the delete because the team was given roles during the run.
import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { PROVIDER_PLACEHOLDER, runtime, startHarness, type Harness } from "./support/harness";
import { addMember, create, failure, projectTeamArgs, refresh, teamArgs, urn, writesOf } from "./support/teams";

let h: Harness;
beforeAll(async () => {
  h = await startHarness();
});
beforeEach(() => h.reset());
afterAll(() => h.close());

const NINE_ROLES =
  "GROUP_AUTOMATION_ADMIN, GROUP_BACKUP_ADMIN, GROUP_DATA_ACCESS_ADMIN, GROUP_DATA_ACCESS_READ_ONLY, GROUP_DATA_ACCESS_READ_WRITE, " +
  "GROUP_MONITORING_ADMIN, GROUP_OWNER, GROUP_READ_ONLY, GROUP_USER_ADMIN";

/** A check's failures; a check is pure (it runs at preview): it must not reach the API either. */
async function failuresOf(check: Promise<{ failures?: { property: string; reason: string }[] }>) {
  const before = h.requests().length;
  const { failures } = await check;
  expect(h.requests()).toHaveLength(before);
  return failures ?? [];
}

/** A team "dba" made by the Team resource (alice its founder), in state. */
async function dbaTeam() {
  addMember(h, "alice@example.com");
  const made = await create(runtime.team, teamArgs(h.orgId, "dba", ["alice@example.com"]));
  return { ...made, teamId: String(made.state["teamId"]) };
}

describe("ProjectTeam refusals", () => {
  it("a team of another organization: refused before sending, naming the team, the organization and the fix", async () => {
    const other = h.emulator.state.createOrg({ name: "elsewhere" });
    const theirs = h.emulator.state.createTeam(other.id, { name: "their-dba" });
    const project = h.emulator.state.createProject(h.orgId, { name: "prod" });
    h.emulator.state.clearRequests();
    const checked = await runtime.projectTeam.check({}, projectTeamArgs(h.orgId, project.id, theirs.id, ["GROUP_READ_ONLY"]));
    expect(checked.failures ?? []).toEqual([]);
    const error = await failure(runtime.projectTeam.create(checked.inputs ?? {}));
    expect(error.message).toMatch(
      new RegExp(
        `^PROJECT_TEAM_ORG_MISMATCH: a team gets roles only in projects of its own organization: team ${theirs.id} is not a team of organization ${h.orgId}, ` +
          `and project "prod" \\(${project.id}\\) is of organization ${h.orgId}\\. Fix projectId, teamId or orgId\\. Nothing was sent\\.`,
      ),
    );
    expect(writesOf(h)).toEqual([]);
    expect(h.emulator.state.projectTeams(project.id)).toEqual([]);
  });

  it("a project of another organization (that these credentials cannot see), for a create and for an update: refused before sending, naming both", async () => {
    const home = h.emulator.state.createProject(h.orgId, { name: "prod" });
    const other = h.emulator.state.createOrg({ name: "elsewhere" });
    const foreign = h.emulator.state.createProject(other.id, { name: "their-prod" });
    const { teamId } = await dbaTeam();
    const assigned = await create(runtime.projectTeam, projectTeamArgs(h.orgId, home.id, teamId, ["GROUP_READ_ONLY"]));
    h.emulator.state.clearRequests();
    const mismatch = new RegExp(
      `PROJECT_TEAM_ORG_MISMATCH: .*team "dba" \\(${teamId}\\) is of organization ${h.orgId}, and project ${foreign.id} is not a project of organization ${h.orgId}\\..*Nothing was sent`,
    );
    const news = projectTeamArgs(h.orgId, foreign.id, teamId, ["GROUP_READ_ONLY"]);
    expect((await failure(runtime.projectTeam.create(news))).message).toMatch(mismatch);
    // The update path (an edited state, or a project id changed under the same id) refuses the same way.
    expect((await failure(runtime.projectTeam.update(assigned.id, assigned.state, news))).message).toMatch(mismatch);
    expect(writesOf(h)).toEqual([]);
    expect(h.emulator.state.projectTeams(foreign.id)).toEqual([]);
  });

  it("a project made DURING the run (after this deployment read the projects, e.g. by another provider) is no mismatch: the team gets its roles", async () => {
    const { teamId } = await dbaTeam(); // the Team's create read the organization's projects: none yet
    const project = h.emulator.state.createProject(h.orgId, { name: "made-by-the-program" });
    h.emulator.state.clearRequests();
    const access = await create(runtime.projectTeam, projectTeamArgs(h.orgId, project.id, teamId, ["GROUP_READ_ONLY"]));
    expect(access.state).toMatchObject({ status: "ACTIVE", projectName: "made-by-the-program", teamName: "dba" });
    expect(writesOf(h)).toEqual([`POST /groups/${project.id}/teams 200`]);
    expect(h.emulator.state.projectTeams(project.id)).toEqual([{ teamId, roleNames: ["GROUP_READ_ONLY"] }]);
    // Taken off again in the same deployment (a replacement, a destroy): the DELETE is sent, not skipped as "already gone".
    await runtime.projectTeam.delete(access.id, access.state);
    expect(h.emulator.state.projectTeams(project.id)).toEqual([]);
  });

  it("roles: an unknown or Atlas-only role, an org role, a string, an empty list, a role twice — each refused at check on `roles`", async () => {
    const ids = { projectId: "a".repeat(24), teamId: "b".repeat(24) };
    const rolesFailure = async (roles: unknown) => {
      const failures = await failuresOf(
        runtime.projectTeam.check({}, { ...projectTeamArgs(h.orgId, ids.projectId, ids.teamId, []), roles }),
      );
      expect(failures.map((f) => f.property)).toEqual(["roles"]);
      return failures[0]?.reason ?? "";
    };
    expect(await rolesFailure(["GROUP_CLUSTER_MANAGER"])).toBe(
      `roles[0]: "GROUP_CLUSTER_MANAGER" is not a Cloud Manager project role; the roles are: ${NINE_ROLES}`,
    );
    expect(await rolesFailure(["GROUP_READ_ONLY", "ORG_OWNER"])).toMatch(/^roles\[1\]: "ORG_OWNER" is not a Cloud Manager project role/);
    for (const notAList of ["GROUP_READ_ONLY", [], null, undefined, { GROUP_READ_ONLY: true }]) {
      expect(await rolesFailure(notAList)).toBe(
        `roles must be a non-empty list of project roles, e.g. ["GROUP_READ_ONLY"]; the roles are: ${NINE_ROLES}`,
      );
    }
    expect(await rolesFailure(["GROUP_OWNER", "GROUP_OWNER"])).toMatch(/^roles\[1\]: "GROUP_OWNER" is listed more than once/);
  });

  it("a teamId or projectId that is no id, refused at check", async () => {
    const failures = await failuresOf(runtime.projectTeam.check({}, projectTeamArgs(h.orgId, "prod", "dba", ["GROUP_READ_ONLY"])));
    expect(failures).toEqual([
      { property: "projectId", reason: '"prod" is not a project id: expected 24 hexadecimal characters' },
      { property: "teamId", reason: '"dba" is not a team id: expected 24 hexadecimal characters' },
    ]);
  });
});

describe("Team refusals at check", () => {
  it("a name that is empty, blank or carries invisible characters", async () => {
    for (const name of ["", "   ", "dba\u200b", "\u202edba", "db\na", undefined, 42]) {
      const failures = await failuresOf(runtime.team.check({}, { ...teamArgs(h.orgId, "x", []), name }));
      expect(failures.map((f) => f.property)).toEqual(["name"]);
      expect(failures[0]?.reason).toMatch(
        /name is required: the team's name in Cloud Manager|contains an invisible or control character; type the name again/,
      );
    }
    // Spaces around a name are trimmed, not refused.
    const trimmed = await runtime.team.check({}, teamArgs(h.orgId, "  dba  ", []));
    expect(trimmed).toMatchObject({ inputs: { name: "dba" } });
    expect(trimmed.failures ?? []).toEqual([]);
  });

  it("founders that are not email addresses, or not a list", async () => {
    const foundersFailure = async (founders: unknown) => {
      const failures = await failuresOf(runtime.team.check({}, { ...teamArgs(h.orgId, "dba", []), founders }));
      expect(failures.map((f) => f.property)).toEqual(["founders"]);
      return failures[0]?.reason ?? "";
    };
    expect(await foundersFailure(["alice"])).toMatch(/^founders\[0\]: .*alice/);
    expect(await foundersFailure(["alice@example.com", "bob at example.com"])).toMatch(/^founders\[1\]: .*bob at example.com/);
    expect(await foundersFailure(["alice@example.com", 7])).toMatch(/^founders\[1\]/);
    expect(await foundersFailure("alice@example.com")).toBe("founders must be a list of email addresses");
  });
});

describe("OrgInvitation and a team that waits for its founder", () => {
  it("is refused at check on teamIds (an invitation cannot join a team later): use an OrgMembership", async () => {
    const news = {
      orgId: h.orgId,
      username: "erin@example.com",
      roles: ["ORG_MEMBER"],
      teamIds: ["waiting:dba"],
      __urn: urn("OrgInvitation", "erin"),
      __provider: PROVIDER_PLACEHOLDER,
    };
    const failures = await failuresOf(runtime.check({}, news));
    expect(failures).toEqual([
      {
        property: "teamIds",
        reason:
          'teamIds[0]: team "dba" is not created yet (its Team waits for a founder), and an OrgInvitation cannot join a team later; ' +
          "use an OrgMembership, which joins the team once it exists",
      },
    ]);
    expect(h.emulator.state.pendingInvitations(h.orgId)).toEqual([]);
  });
});

describe("Team delete while the team has roles in projects", () => {
  it("names only the projects no ProjectTeam of the run takes it out of (one taken out in the same run is not named)", async () => {
    const declared = h.emulator.state.createProject(h.orgId, { name: "declared" });
    const undeclared = h.emulator.state.createProject(h.orgId, { name: "by-hand" });
    const { id, state, teamId } = await dbaTeam();
    const access = await create(runtime.projectTeam, projectTeamArgs(h.orgId, declared.id, teamId, ["GROUP_READ_ONLY"]));
    h.emulator.state.setProjectTeamRoles(undeclared.id, teamId, ["GROUP_OWNER", "GROUP_BACKUP_ADMIN"]);
    await h.newDeployment();
    h.emulator.state.clearRequests();
    await runtime.projectTeam.delete(access.id, access.state);
    const error = await failure(runtime.team.delete(id, state));
    expect(error.message).toMatch(
      new RegExp(
        `^TEAM_IN_UNDECLARED_PROJECTS: team "dba" \\(${teamId}\\) still has roles in project "by-hand" \\(${undeclared.id}: GROUP_BACKUP_ADMIN, GROUP_OWNER\\), ` +
          "which no ProjectTeam of this program takes it out of",
      ),
    );
    expect(error.message).not.toContain(declared.id);
    expect(error.message).toMatch(
      /Declare a ProjectTeam for each .* or keep the team \(the `retainOnDelete` resource option\)\. Nothing was deleted\.$/,
    );
    expect(writesOf(h)).toEqual([`DELETE /groups/${declared.id}/teams/${teamId} 204`]);
    expect(h.emulator.state.teams(h.orgId).map((t) => t.id)).toEqual([teamId]);
  });

  it("given roles in a project DURING the run, after this deployment read the projects: Cloud Manager refuses the DELETE, and the error names that project and the fix", async () => {
    const { id, state, teamId } = await dbaTeam();
    await h.newDeployment();
    await refresh(runtime.team, { id, state }); // this deployment has read the teams, members, projects
    const project = h.emulator.state.createProject(h.orgId, { name: "new-prod" });
    h.emulator.state.setProjectTeamRoles(project.id, teamId, ["GROUP_READ_ONLY"]);
    h.emulator.state.clearRequests();
    const error = await failure(runtime.team.delete(id, state));
    expect(error.message).toMatch(
      new RegExp(
        `^TEAM_IN_UNDECLARED_PROJECTS: team "dba" \\(${teamId}\\) still has roles in project "new-prod" \\(${project.id}: GROUP_READ_ONLY\\)`,
      ),
    );
    expect(error.message).toMatch(/Nothing was deleted\.$/);
    expect(writesOf(h)).toEqual([`DELETE /orgs/{org}/teams/${teamId} 404`]);
    expect(h.emulator.state.teams(h.orgId).map((t) => t.id)).toEqual([teamId]);
  });
});
