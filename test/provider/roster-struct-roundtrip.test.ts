// The rosters' outputs as the engine hands them back: the dynamic-provider host turns the stored olds
// into JavaScript with protobuf's Struct.toJavaScript, which assigns every key (`ret[key] = …`). A map
// keyed "__proto__" lost that entry (it became the map's prototype): a team or a member so named would
// never have been reported by the gate or pruned. The outputs are JSON Lines now (one string each), the
// name inside its line: a name spelled "__proto__" must still come back, and still be drift.

import structproto from "google-protobuf/google/protobuf/struct_pb.js";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { jsonLines, stamp } from "../../provider/access/roster-outputs";
import { DeploymentLedger } from "../../provider/deployment/deployment-ledger";
import { setNoticeSink, type NoticeSink } from "../../provider/deployment/notices";
import { diffOrgRoster } from "../../provider/resources/org-roster/lifecycle";
import { diffProjectRoster } from "../../provider/resources/project-roster/lifecycle";
import { byName } from "../support/roster-lines";

const ORG = "5f1b2c3d4e5f6a7b8c9d0e1f";
const PROJECT = "5f1b2c3d4e5f6a7b8c9d0e30";
const ID = "bbbbbbbbbbbbbbbbbbbbbbbb";
const READ = "2026-12-07T00:00:00.000Z";

/** `outputs` stored and handed back to the provider's diff, as the engine and its host do. */
function throughTheEngine(outputs: Record<string, unknown>): Record<string, unknown> {
  return structproto.Struct.fromJavaScript(outputs as Parameters<typeof structproto.Struct.fromJavaScript>[0]).toJavaScript();
}

let notices: string[] = [];
let previousSink: NoticeSink | undefined;
beforeEach(() => {
  notices = [];
  previousSink = setNoticeSink((n) => notices.push(n));
});
afterEach(() => {
  setNoticeSink(previousSink);
});

describe.each(["__proto__", "ops"])("an undeclared entry named %s survives the engine's round trip inside its JSON line", (name) => {
  it("ProjectRoster: a team with roles in the project comes back by its name and is still drift, named by the gate", () => {
    const inputs = { orgId: ORG, projectId: PROJECT, managed: [], teams: [], ignore: [], prune: true };
    const found = stamp([{ key: name, id: ID, value: { teamId: ID, roles: ["GROUP_OWNER"] } }], new Map(), READ);
    const teams = jsonLines(found, "name");
    const olds = throughTheEngine({ ...inputs, unmanagedUsers: "", unmanagedInvitations: "", unmanagedTeams: teams });
    expect(olds["unmanagedTeams"]).toBe(teams);
    const back = byName(olds["unmanagedTeams"], "name");
    expect(Object.keys(back)).toEqual([name]);
    expect(back[name]).toEqual({ name, teamId: ID, roles: ["GROUP_OWNER"], firstSeen: READ });
    expect(diffProjectRoster(olds, inputs, new DeploymentLedger()).changes).toBe(true);
    expect(notices).toEqual([expect.stringContaining(`(1 entry): team "${name}" (GROUP_OWNER)`)]);
  });

  it("OrgRoster: a member comes back by its name and is still drift, named by the gate", () => {
    const inputs = { orgId: ORG, managed: [], ignore: [], prune: true };
    const found = stamp([{ key: name, id: ID, value: { roles: ["ORG_OWNER"], userId: ID } }], new Map(), READ);
    const members = jsonLines(found, "username");
    const olds = throughTheEngine({ ...inputs, unmanagedInvitations: "", unmanagedMembers: members });
    expect(olds["unmanagedMembers"]).toBe(members);
    const back = byName(olds["unmanagedMembers"]);
    expect(Object.keys(back)).toEqual([name]);
    expect(back[name]).toEqual({ username: name, roles: ["ORG_OWNER"], userId: ID, firstSeen: READ });
    expect(diffOrgRoster(olds, inputs, new DeploymentLedger()).changes).toBe(true);
    expect(notices).toEqual([expect.stringContaining(`(1 entry): ${name} (member: ORG_OWNER)`)]);
  });
});
