// The rosters' outputs as the engine hands them back: the dynamic-provider host turns the stored olds
// into JavaScript with protobuf's Struct.toJavaScript, which assigns every key (`ret[key] = …`). A key
// "__proto__" would become the map's prototype and vanish: a team or a member so named would never be
// reported by the gate or pruned. (Found in review; keyedOutput keys them `__proto__#id`.)

import structproto from "google-protobuf/google/protobuf/struct_pb.js";
import { describe, expect, it } from "vitest";
import { keyedOutput } from "../../provider/access/roster-outputs";
import { DeploymentLedger } from "../../provider/deployment/deployment-ledger";
import { diffOrgRoster } from "../../provider/resources/org-roster/lifecycle";
import { diffProjectRoster } from "../../provider/resources/project-roster/lifecycle";

const ORG = "5f1b2c3d4e5f6a7b8c9d0e1f";
const PROJECT = "5f1b2c3d4e5f6a7b8c9d0e30";
const ID = "bbbbbbbbbbbbbbbbbbbbbbbb";
const READ = "2026-12-07T00:00:00.000Z";

/** `outputs` stored and handed back to the provider's diff, as the engine and its host do. */
function throughTheEngine(outputs: Record<string, unknown>): Record<string, unknown> {
  return structproto.Struct.fromJavaScript(outputs as Parameters<typeof structproto.Struct.fromJavaScript>[0]).toJavaScript();
}

describe.each(["__proto__", "ops"])("an undeclared entry named %s survives the engine's round trip", (name) => {
  it("ProjectRoster: a team with roles in the project is still drift", () => {
    const inputs = { orgId: ORG, projectId: PROJECT, managed: [], teams: [], ignore: [], prune: true };
    const teams = keyedOutput([{ key: name, id: ID, value: { teamId: ID, roles: ["GROUP_OWNER"] } }], new Map(), READ);
    const olds = throughTheEngine({ ...inputs, unmanagedUsers: {}, unmanagedInvitations: {}, unmanagedTeams: teams });
    expect(diffProjectRoster(olds, inputs, new DeploymentLedger()).changes).toBe(true);
  });

  it("OrgRoster: a member is still drift", () => {
    const inputs = { orgId: ORG, managed: [], ignore: [], prune: true };
    const members = keyedOutput([{ key: name, id: ID, value: { roles: ["ORG_OWNER"], userId: ID } }], new Map(), READ);
    const olds = throughTheEngine({ ...inputs, unmanagedInvitations: {}, unmanagedMembers: members });
    expect(diffOrgRoster(olds, inputs, new DeploymentLedger()).changes).toBe(true);
  });
});
