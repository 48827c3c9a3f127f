// ProjectMembership and ProjectRoster against a broken or hostile server (the emulator's injected
// faults): a list that cannot be read fails the step — never "nobody there", never REMOVED, never a
// prune decided on a list that was not read; a write whose answer was lost converges without a
// duplicate; a 404 is "already gone" only when a fresh read confirms it; and no message, notice or
// output carries the API key's private key, whatever the server echoes. Retries sleep on an instant
// clock: no waiting, no timing.
import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import type { ClientClock } from "../../sdk/types";
import { runtime, startHarness, type Harness } from "./support/harness";
import { memberArgs, namer, ownRoles, requestLog, rosterArgs, writeLog } from "./support/projects";
import { change, create, failure, refresh, type Stored } from "./support/teams";

/** A virtual clock: sleeping moves it to the sleeper's deadline at once (the retries' back-off). */
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

const pm = runtime.projectMember;
const roster = runtime.projectRoster;
const GROUPS = "^/api/public/v1\\.0/groups/[0-9a-f]{24}";

async function nextCommand(): Promise<void> {
  await h.newDeployment();
  h.emulator.state.clearRequests();
  h.notices.length = 0;
}

/**
 * Project "prod" owned by owner@example.com; alice with GROUP_READ_ONLY through her ProjectMembership
 * (in state); frank a member with no role there; stranger@evil.example with a role given by hand, guest@evil.example invited by hand, team
 * "shadow" with roles by hand; a roster managing owner and alice, in state (after a refresh).
 */
async function world(): Promise<{ prod: string; alice: Stored; list: Stored }> {
  const prod = h.emulator.state.createProject(h.orgId, { name: "prod" }).id;
  for (const username of ["owner@example.com", "alice@example.com", "stranger@evil.example", "frank@example.com"])
    h.emulator.state.addOrgUser(h.orgId, { username, roles: ["ORG_MEMBER"] });
  h.emulator.state.setProjectUserRoles(prod, "owner@example.com", ["GROUP_OWNER"]);
  const alice = await create(pm, memberArgs(h.orgId, prod, "alice@example.com", ["GROUP_READ_ONLY"]));
  h.emulator.state.setProjectUserRoles(prod, "stranger@evil.example", ["GROUP_DATA_ACCESS_ADMIN"]);
  h.emulator.state.inviteToProjectAs(prod, { username: "guest@evil.example", roles: ["GROUP_READ_ONLY"] }, "admin@example.com");
  const shadow = h.emulator.state.createTeam(h.orgId, { name: "shadow" });
  h.emulator.state.setProjectTeamRoles(prod, shadow.id, ["GROUP_READ_ONLY"]);
  const list = await create(roster, rosterArgs(h.orgId, prod, { managed: ["owner@example.com", "alice@example.com"] }));
  namer(h);
  await nextCommand();
  return { prod, alice, list };
}

const pruning = (prod: string) => rosterArgs(h.orgId, prod, { managed: ["owner@example.com", "alice@example.com"], prune: true });

describe("a list that cannot be read fails the step", () => {
  const failing = (path: string, status = 503) => h.emulator.state.addFault({ method: "GET", path, fault: { type: "status", status } });

  it("a project's users (5xx): ProjectMembership read, create, update and delete fail — never REMOVED, never 'nothing to remove'", async () => {
    const { prod, alice } = await world();
    failing(`${GROUPS}/users$`);
    const fails = new RegExp(`^Reading the users of project .* failed: .*HTTP 503`);
    expect((await failure(pm.read(alice.id, alice.state))).message).toMatch(fails);
    expect((await failure(pm.delete(alice.id, alice.state))).message).toMatch(fails);
    expect((await failure(change(pm, alice, memberArgs(h.orgId, prod, "alice@example.com", ["GROUP_OWNER"])))).message).toMatch(fails);
    expect((await failure(create(pm, memberArgs(h.orgId, prod, "stranger@evil.example", ["GROUP_READ_ONLY"])))).message).toMatch(fails);
    expect(writeLog(h)).toEqual([]);
    expect(h.notices.join("\n")).not.toMatch(/nothing to remove|lost their roles|no roles of their own/);
    h.emulator.state.clearFaults();
    // Readable again: ACTIVE, not REMOVED.
    expect((await pm.read(alice.id, alice.state)).props).toMatchObject({ status: "ACTIVE", roles: ["GROUP_READ_ONLY"] });
  });

  it("the organization's members or projects (5xx): ProjectMembership read and delete fail — never REMOVED, never 'nothing to remove'", async () => {
    for (const [path, list] of [
      ["^/api/public/v1\\.0/orgs/[0-9a-f]{24}/users$", "members"],
      ["^/api/public/v1\\.0/orgs/[0-9a-f]{24}/groups$", "projects"],
    ] as const) {
      await h.reset();
      const { alice } = await world();
      failing(path);
      const fails = new RegExp(`^Reading the ${list} of organization ${h.orgId} failed: .*HTTP 503`);
      expect((await failure(pm.read(alice.id, alice.state))).message, path).toMatch(fails);
      expect((await failure(pm.delete(alice.id, alice.state))).message, path).toMatch(fails);
      expect(writeLog(h), path).toEqual([]);
      expect(h.notices.join("\n"), path).not.toMatch(/nothing to remove|no longer a project/);
    }
  });

  it("a project's users or invitations (5xx): ProjectRoster read and a pruning update fail before anything is sent", async () => {
    for (const path of [`${GROUPS}/users$`, `${GROUPS}/invites$`, `${GROUPS}/teams$`]) {
      await h.reset();
      const { prod, list } = await world();
      failing(path, 500);
      expect((await failure(roster.read(list.id, list.state))).message, path).toMatch(
        /^Reading the (users|pending invitations|teams) of project "prod" .* failed: .*HTTP 500/,
      );
      expect((await failure(change(roster, list, pruning(prod)))).message, path).toMatch(/^Reading the .* of project "prod" .* failed/);
      expect(writeLog(h), path).toEqual([]);
      expect(h.notices.join("\n"), path).not.toMatch(/pruned/);
      expect(ownRoles(h, prod, "stranger@evil.example")).toEqual(["GROUP_DATA_ACCESS_ADMIN"]);
    }
  });

  it("ProjectMembership delete: the project's invitations unreadable after the person was taken out fails the step (the next try finishes)", async () => {
    const { prod, alice } = await world();
    failing(`${GROUPS}/invites$`);
    expect((await failure(pm.delete(alice.id, alice.state))).message).toMatch(
      /^Reading the pending invitations of project "prod" .* failed: .*HTTP 503/,
    );
    h.emulator.state.clearFaults();
    await nextCommand();
    await pm.delete(alice.id, alice.state);
    expect(ownRoles(h, prod, "alice@example.com")).toEqual([]);
    expect(writeLog(h)).toEqual([]);
  });
});

describe("a write whose answer was lost converges without a duplicate", () => {
  const lose = (method: string, path: string) =>
    h.emulator.state.addFault({ method, path, count: 1, fault: { type: "drop", after: "handler" } });

  it("POST of the person's roles: re-sent (idempotent), one entry with exactly the roles", async () => {
    const { prod } = await world();
    lose("POST", `${GROUPS}/users$`);
    const made = await create(pm, memberArgs(h.orgId, prod, "frank@example.com", ["GROUP_READ_ONLY"]));
    expect(made.state).toMatchObject({ status: "ACTIVE", roles: ["GROUP_READ_ONLY"] });
    expect(writeLog(h)).toEqual(["POST /groups/{prod}/users 0", "POST /groups/{prod}/users 200"]);
    expect(h.emulator.state.projectUsers(prod).filter((u) => u.username === "frank@example.com")).toHaveLength(1);
    expect(ownRoles(h, prod, "frank@example.com")).toEqual(["GROUP_READ_ONLY"]);
  });

  it("PUT of the roles: re-sent, the roles are the set asked for", async () => {
    const { prod, alice } = await world();
    lose("PUT", `${GROUPS}/users/[0-9a-f]{24}/roles$`);
    const changed = await change(
      pm,
      alice,
      memberArgs(h.orgId, prod, "alice@example.com", ["GROUP_DATA_ACCESS_READ_ONLY", "GROUP_READ_ONLY"]),
    );
    expect(changed.state).toMatchObject({ status: "ACTIVE", roles: ["GROUP_DATA_ACCESS_READ_ONLY", "GROUP_READ_ONLY"] });
    expect(writeLog(h)).toEqual(["PUT /groups/{prod}/users/{alice}/roles 0", "PUT /groups/{prod}/users/{alice}/roles 200"]);
    expect(ownRoles(h, prod, "alice@example.com")).toEqual(["GROUP_DATA_ACCESS_READ_ONLY", "GROUP_READ_ONLY"]);
  });

  it("DELETE of the person: the retry's 404 is confirmed by a fresh read, the delete succeeds", async () => {
    const { prod, alice } = await world();
    lose("DELETE", `${GROUPS}/users/[0-9a-f]{24}$`);
    await pm.delete(alice.id, alice.state);
    expect(writeLog(h)).toEqual(["DELETE /groups/{prod}/users/{alice} 0", "DELETE /groups/{prod}/users/{alice} 404"]);
    expect(requestLog(h).filter((r) => r === "GET /groups/{prod}/users 200")).toHaveLength(2);
    expect(ownRoles(h, prod, "alice@example.com")).toEqual([]);
  });

  it("a pruning roster's DELETEs (person, invitation, team): each re-sent once, and the roster's outputs show nothing left", async () => {
    const { prod, list } = await world();
    lose("DELETE", `${GROUPS}/users/[0-9a-f]{24}$`);
    lose("DELETE", `${GROUPS}/invites/[0-9a-f]{24}$`);
    lose("DELETE", `${GROUPS}/teams/[0-9a-f]{24}$`);
    const pruned = await change(roster, list, pruning(prod));
    expect(writeLog(h).filter((r) => r.endsWith(" 0"))).toHaveLength(3);
    expect(
      h.emulator.state
        .projectUsers(prod)
        .map((u) => u.username)
        .sort(),
    ).toEqual(["alice@example.com", "owner@example.com"]);
    expect(h.emulator.state.pendingProjectInvitations(prod)).toEqual([]);
    expect(h.emulator.state.projectTeams(prod)).toEqual([]);
    expect(pruned.state).toMatchObject({ unmanagedUsers: "", unmanagedInvitations: "", unmanagedTeams: "" });
  });
});

describe("a 404 is 'already gone' only when a fresh read confirms it", () => {
  const notFound = (method: string, path: string, errorCode: string) =>
    h.emulator.state.addFault({ method, path, count: 1, fault: { type: "status", status: 404, errorCode } });

  it("ProjectMembership delete: a 404 while the project still lists the person fails, and the roles stay", async () => {
    const { prod, alice } = await world();
    notFound("DELETE", `${GROUPS}/users/[0-9a-f]{24}$`, "USER_NOT_IN_GROUP");
    expect((await failure(pm.delete(alice.id, alice.state))).message).toMatch(
      /^Taking alice@example.com out of project "prod" .* failed: .*404 USER_NOT_IN_GROUP/,
    );
    expect(h.notices.join("\n")).not.toMatch(/already out|nothing to remove/);
    expect(ownRoles(h, prod, "alice@example.com")).toEqual(["GROUP_READ_ONLY"]);
  });

  it("ProjectMembership delete: taken out by hand after this deployment read the project (a real 404): a warning, success", async () => {
    const { prod, alice } = await world();
    await refresh(pm, alice); // the deployment's view of the project's users has her
    h.emulator.state.removeProjectUser(prod, "alice@example.com");
    await pm.delete(alice.id, alice.state);
    expect(h.notices.filter((n) => n.includes(`alice@example.com was already out of project "prod"; nothing to remove.`))).toHaveLength(1);
  });

  it("ProjectMembership delete: a 404 on withdrawing the person's project invitation while the project still lists it fails; a real one is said", async () => {
    const { prod, alice } = await world();
    const invite = h.emulator.state.inviteToProjectAs(prod, { username: "alice@example.com", roles: ["GROUP_OWNER"] }, "admin@example.com");
    await nextCommand();
    notFound("DELETE", `${GROUPS}/invites/[0-9a-f]{24}$`, "RESOURCE_NOT_FOUND");
    expect((await failure(pm.delete(alice.id, alice.state))).message).toMatch(
      new RegExp(`^Withdrawing the invitation ${invite.id} for alice@example.com to project "prod" failed: .*404 RESOURCE_NOT_FOUND`),
    );
    expect(h.emulator.state.pendingProjectInvitations(prod, "alice@example.com").map((i) => i.id)).toEqual([invite.id]);

    // The next try: the invitation withdrawn by hand meanwhile (its DELETE's 404 is real).
    await nextCommand();
    await refresh(roster, await create(roster, rosterArgs(h.orgId, prod))); // the deployment's view of the invitations has it
    h.emulator.state.expireProjectInvitation(prod, invite.id);
    await pm.delete(alice.id, alice.state);
    expect(h.notices.join("\n")).toMatch(
      new RegExp(`the invitation ${invite.id} for alice@example.com to project "prod" was already gone`),
    );
  });

  it("a pruning roster: a 404 while the project still lists the person, the invitation or the team fails the step (never 'already gone')", async () => {
    for (const [path, errorCode] of [
      [`${GROUPS}/users/[0-9a-f]{24}$`, "USER_NOT_IN_GROUP"],
      [`${GROUPS}/invites/[0-9a-f]{24}$`, "RESOURCE_NOT_FOUND"],
      [`${GROUPS}/teams/[0-9a-f]{24}$`, "TEAM_NOT_IN_GROUP"],
    ] as const) {
      await h.reset();
      const { prod, list } = await world();
      notFound("DELETE", path, errorCode);
      const error = await failure(change(roster, list, pruning(prod)));
      expect(error.message, path).toMatch(new RegExp(`^Pruning .* failed: .*404 ${errorCode}`));
      expect(h.notices.join("\n"), path).not.toMatch(/already (gone|out|off)/);
    }
  });

  it("a pruning roster: what went by hand during the run (a real 404) is a warning, and the outputs do not list it", async () => {
    const { prod, list } = await world();
    await refresh(roster, list); // the deployment's views of the project are read now
    const stranger = h.emulator.state.members(h.orgId).find((m) => m.username === "stranger@evil.example");
    h.emulator.state.removeProjectUser(prod, "stranger@evil.example");
    for (const i of h.emulator.state.pendingProjectInvitations(prod)) h.emulator.state.expireProjectInvitation(prod, i.id);
    for (const t of h.emulator.state.projectTeams(prod)) h.emulator.state.removeProjectTeam(prod, t.teamId);
    const pruned = await change(roster, list, pruning(prod));
    expect(h.notices.filter((n) => /pruned nothing for/.test(n))).toHaveLength(3);
    expect(pruned.state).toMatchObject({ unmanagedUsers: "", unmanagedInvitations: "", unmanagedTeams: "" });
    expect(stranger).toBeDefined();
  });
});

describe("no secret in any ProjectMembership or ProjectRoster message, notice or output", () => {
  it("the server echoing the private key in its error code and detail, on every read and write: nowhere in what the user sees", async () => {
    const secret = h.emulator.credentials.privateKey;
    const echo = (method: string, path: string) =>
      h.emulator.state.addFault({ method, path, count: 1, fault: { type: "status", status: 400, errorCode: secret } });
    const { prod, alice, list } = await world();
    h.emulator.state.inviteToProjectAs(prod, { username: "alice@example.com", roles: ["GROUP_OWNER"] }, "admin@example.com");
    await nextCommand();
    const seen: string[] = [];
    const attempt = async (step: Promise<unknown>) => {
      seen.push(
        await step.then(
          (out) => JSON.stringify(out ?? null),
          (e: unknown) => (e instanceof Error ? e.message : String(e)),
        ),
      );
    };

    echo("GET", "^/api/public/v1\\.0/orgs/[0-9a-f]{24}/groups$");
    await attempt(pm.read(alice.id, alice.state));
    await nextCommand();
    echo("GET", `${GROUPS}/users$`);
    await attempt(pm.read(alice.id, alice.state));
    await nextCommand();
    echo("GET", `${GROUPS}/invites$`);
    await attempt(roster.read(list.id, list.state));
    await nextCommand();
    echo("POST", `${GROUPS}/users$`);
    await attempt(create(pm, memberArgs(h.orgId, prod, "frank@example.com", ["GROUP_OWNER"])));
    echo("PUT", `${GROUPS}/users/[0-9a-f]{24}/roles$`);
    await attempt(change(pm, alice, memberArgs(h.orgId, prod, "alice@example.com", ["GROUP_OWNER"])));
    echo("DELETE", `${GROUPS}/users/[0-9a-f]{24}$`);
    await attempt(pm.delete(alice.id, alice.state));
    echo("DELETE", `${GROUPS}/invites/[0-9a-f]{24}$`);
    await attempt(pm.delete(alice.id, alice.state));
    await nextCommand();
    for (const path of [`${GROUPS}/invites/[0-9a-f]{24}$`, `${GROUPS}/teams/[0-9a-f]{24}$`, `${GROUPS}/users/[0-9a-f]{24}$`]) {
      echo("DELETE", path);
      await attempt(change(roster, list, pruning(prod)));
      await nextCommand();
    }
    // A project of another organization (its own read answered with the echo).
    const foreign = h.emulator.state.createProject(h.emulator.state.createOrg({ name: "elsewhere" }).id, { name: "theirs" });
    echo("GET", `^/api/public/v1\\.0/groups/${foreign.id}$`);
    await attempt(create(pm, memberArgs(h.orgId, foreign.id, "alice@example.com", ["GROUP_OWNER"], "alice-theirs")));

    expect(seen).toHaveLength(11);
    for (const message of seen) expect(message).toMatch(/failed: .*HTTP 400/);
    const shown = [...seen, ...h.notices].join("\n");
    expect(shown).not.toContain(secret);
    expect(shown.toLowerCase()).not.toContain(secret.toLowerCase());
    expect(shown).not.toContain(Buffer.from(secret).toString("hex"));
    expect(shown).not.toContain(encodeURIComponent(secret));
  });
});
