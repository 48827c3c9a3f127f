// A Team or ProjectTeam renamed in code without an alias: the engine creates the new resource (which
// adopts the team, or its roles, by name) and then deletes the old one, in one deployment: handed over.
import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import type { PropertyBag } from "../../provider/model/property-bag";
import { PROVIDER_PLACEHOLDER, runtime, startHarness, type Harness } from "./support/harness";

let h: Harness;
beforeAll(async () => {
  h = await startHarness();
});
beforeEach(() => h.reset());
afterAll(() => h.close());

const urn = (type: string, name: string) => `urn:pulumi:dev::access::pulumi-nodejs:dynamic/cloudmanager:${type}::${name}`;
const team = (resource: string): PropertyBag => ({
  orgId: h.orgId,
  name: "dba",
  founders: ["alice@example.com"],
  __urn: urn("Team", resource),
  __provider: PROVIDER_PLACEHOLDER,
});

describe("Team renamed in code (new resource name, same team name), without an alias", () => {
  it("keeps the team: the old resource's delete must not delete the team the new one adopted in the same run", async () => {
    h.emulator.state.addOrgUser(h.orgId, { username: "alice@example.com", roles: ["ORG_MEMBER"] });
    const first = await runtime.team.check({}, team("dba-team"));
    const created = await runtime.team.create(first.inputs ?? {});
    await h.newDeployment();
    const teamId = String((created.outs as PropertyBag)["teamId"]);

    // The next `pulumi up`: the program now names the resource "database"; the engine creates it, then deletes "dba-team".
    const renamed = await runtime.team.check({}, team("database"));
    const adopted = await runtime.team.create(renamed.inputs ?? {});
    expect((adopted.outs as PropertyBag)["teamId"]).toBe(teamId);
    await runtime.team.delete(created.id, { ...(created.outs as PropertyBag), __provider: PROVIDER_PLACEHOLDER });

    expect(h.emulator.state.teams(h.orgId).map((t) => t.id)).toEqual([teamId]);
  });
});

describe("ProjectTeam renamed in code (new resource name, same project and team), without an alias", () => {
  it("keeps the team's roles in the project: the old resource's delete must not take off what the new one adopted", async () => {
    const existing = h.emulator.state.createTeam(h.orgId, { name: "dba" });
    const project = h.emulator.state.createProject(h.orgId, { name: "prod" });
    const pt = (resource: string): PropertyBag => ({
      orgId: h.orgId,
      projectId: project.id,
      teamId: existing.id,
      roles: ["GROUP_READ_ONLY"],
      __urn: urn("ProjectTeam", resource),
      __provider: PROVIDER_PLACEHOLDER,
    });
    const first = await runtime.projectTeam.check({}, pt("dba-in-prod"));
    const created = await runtime.projectTeam.create(first.inputs ?? {});
    await h.newDeployment();

    const renamed = await runtime.projectTeam.check({}, pt("dba/prod"));
    await runtime.projectTeam.create(renamed.inputs ?? {});
    await runtime.projectTeam.delete(created.id, { ...(created.outs as PropertyBag), __provider: PROVIDER_PLACEHOLDER });

    expect(h.emulator.state.projectTeams(project.id).map((t) => t.teamId)).toEqual([existing.id]);
  });
});

describe("Team waiting for a founder, nobody accepted yet", () => {
  it("plans no change (so the GitOps gate stays green) until a founder is a member; then a replacement", async () => {
    const invite = await h.outside.createInvitation(h.orgId, { username: "alice@example.com", roles: ["ORG_MEMBER"] });
    const checked = await runtime.team.check({}, team("dba"));
    const created = await runtime.team.create(checked.inputs ?? {});
    await h.newDeployment();
    const state = { ...(created.outs as PropertyBag), __provider: PROVIDER_PLACEHOLDER };
    expect(await runtime.team.diff(created.id, state, team("dba"))).toMatchObject({ changes: false });
    h.emulator.state.acceptInvitation(h.orgId, invite.id);
    await h.newDeployment();
    expect(await runtime.team.diff(created.id, state, team("dba"))).toMatchObject({ changes: true, replaces: ["status"] });
  });
});
