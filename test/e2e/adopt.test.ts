// Issue 21, item 1: adopting an organization. An emulator organization seeded by hand (control plane)
// with 200 members of mixed roles and teams, 30 pending invitations, teams with project roles, people
// with roles of their own in projects, and a break-glass owner. The packed package's command, as a user
// runs it (`npx pulumi-cloudmanager adopt --org … > people.yaml`, the key in MCLI_* variables), writes
// the file; the `ignore` commands it prints are run as printed; the enforcement example's first
// `pulumi up` on that file sends no POST/PUT/PATCH/DELETE at all and makes one OrgMembership per
// person; the gate passes right after; one change by hand fails it, naming the person.

import { readFileSync } from "node:fs";
import { join, relative, resolve } from "node:path";
import { expect, test } from "vitest";
import { parse, stringify } from "yaml";
import { parseAccessList } from "../../examples/people/access-list";
import { REPO_ROOT } from "./harness/cli";
import { useE2e, type E2eContext } from "./harness/e2e-context";
import { API_PREFIX, describeRequest } from "./harness/emulator-view";
import { usePackedInstall, withoutNpmLifecycle } from "./harness/packed-package";
import { GATE, summary, warnings } from "./harness/project-cli";
import { mustRunCommand, runCommand } from "../support/run-command";
import { writeFileSync } from "node:fs";

let e2e: E2eContext;
useE2e("adopt", (context) => (e2e = context), { withdrawAfterEach: false });
const packed = usePackedInstall("adopt", { "package.json": JSON.stringify({ name: "adopt-user", private: true }) }, () =>
  withoutNpmLifecycle(e2e.env),
);

const EXAMPLE = join(REPO_ROOT, "examples", "org-membership");
const MEMBERS = 200;
const INVITATIONS = 30;
const ORG_ROLES = [
  ["ORG_MEMBER"],
  ["ORG_READ_ONLY"],
  ["ORG_GROUP_CREATOR", "ORG_MEMBER"],
  ["ORG_OWNER"],
  ["ORG_BILLING_ADMIN", "ORG_MEMBER"],
];

test("adopt writes people.yaml; the example's first up adopts everyone with zero writes; the gate passes, and fails on a change by hand", async () => {
  const state = e2e.emulator.state;
  const org = e2e.orgId;
  // Seeded as people do it by hand: projects, teams with project roles, members on 0-2 teams, invitations.
  const prod = state.createProject(org, { name: "prod" });
  const staging = state.createProject(org, { name: "staging" });
  const teams = ["dba", "sre", "analysts", "Web Team"].map((name) => state.createTeam(org, { name }));
  const teamIds = teams.map((t) => t.id);
  const members = Array.from({ length: MEMBERS }, (_, i) => {
    const on = i % 3 === 0 ? [] : i % 3 === 1 ? [teamIds[i % 4] as string] : [teamIds[i % 4] as string, teamIds[(i + 1) % 4] as string];
    return state.addOrgUser(org, {
      username: `member${String(i).padStart(3, "0")}@example.com`,
      roles: ORG_ROLES[i % 5] ?? [],
      teamIds: on,
    });
  });
  const [dba, sre, , web] = teams;
  if (dba === undefined || sre === undefined || web === undefined) throw new Error("teams were not made");
  state.setProjectTeamRoles(prod.id, dba.id, ["GROUP_DATA_ACCESS_ADMIN", "GROUP_READ_ONLY"]);
  state.setProjectTeamRoles(staging.id, sre.id, ["GROUP_OWNER"]);
  state.setProjectTeamRoles(staging.id, web.id, ["GROUP_READ_ONLY"]);
  // Each project's own owner and two people with roles of their own.
  state.setProjectUserRoles(prod.id, members[0]?.id ?? "", ["GROUP_OWNER"]);
  state.setProjectUserRoles(staging.id, members[1]?.id ?? "", ["GROUP_OWNER"]);
  state.setProjectUserRoles(prod.id, members[7]?.id ?? "", ["GROUP_READ_ONLY", "GROUP_DATA_ACCESS_READ_ONLY"]);
  state.setProjectUserRoles(staging.id, members[8]?.id ?? "", ["GROUP_MONITORING_ADMIN"]);
  for (let i = 0; i < INVITATIONS; i++) {
    const on = i % 2 === 0 ? [teamIds[i % 4] as string] : [];
    state.inviteAs(
      org,
      { username: `invitee${String(i).padStart(2, "0")}@example.com`, roles: ORG_ROLES[i % 5] ?? [], teamIds: on },
      "admin@example.com",
    );
  }
  state.addOrgUser(org, { username: "root@break-glass.example.com", roles: ["ORG_OWNER"] });

  // The user's folder: adopt from the installed package, credentials in the environment, stdout to the file.
  const workDir = e2e.newWorkDir("adopt");
  const peopleFile = join(workDir, "people.yaml");
  const userEnv = withoutNpmLifecycle({
    ...e2e.env,
    MCLI_PUBLIC_API_KEY: e2e.emulator.credentials.publicKey,
    MCLI_PRIVATE_API_KEY: e2e.emulator.credentials.privateKey,
    MCLI_OPS_MANAGER_URL: e2e.emulator.baseUrl,
  });
  const mark = e2e.view.mark();
  const adopted = await runCommand(
    "sh",
    ["-c", `npx --no-install pulumi-cloudmanager adopt --org ${org} --ignore '*@break-glass.example.com' --progress > '${peopleFile}'`],
    packed.dir,
    userEnv,
  );
  expect(adopted.code, adopted.output).toBe(0);
  expect(adopted.output).toContain(`adopt: members ${MEMBERS + 1}/${MEMBERS + 1}`);
  expect(adopted.output).not.toContain(e2e.emulator.credentials.privateKey);
  expect(state.requests().filter((r) => r.seq > mark && r.method !== "GET")).toEqual([]);
  const list = parseAccessList(readFileSync(peopleFile, "utf8"), peopleFile);
  expect(list.people).toHaveLength(MEMBERS + INVITATIONS);
  expect(list.teams.map((t) => t.name)).toEqual(["analysts", "dba", "sre", "Web Team"]);

  // The example's project, the file as its peopleFile, and the `ignore` commands run as printed.
  const project = parse(readFileSync(join(EXAMPLE, "Pulumi.yaml"), "utf8")) as { name: string; main: string };
  writeFileSync(join(workDir, "Pulumi.yaml"), stringify({ ...project, main: relative(workDir, resolve(EXAMPLE, project.main)) }));
  const stack = await e2e.localStack(workDir, { config: { orgId: { value: org }, peopleFile: { value: peopleFile } } });
  const commands = adopted.output
    .split("\n")
    .map((l) => l.trim())
    .filter((l) => l.startsWith("pulumi config set"));
  expect(commands).toHaveLength(1);
  const pulumi = (args: string) =>
    runCommand("sh", ["-c", `pulumi ${args} --stack ${stack.name} --non-interactive --color never`], workDir, withoutNpmLifecycle(e2e.env));
  await mustRunCommand(
    "sh",
    ["-c", `pulumi stack select ${stack.name} && ${commands.join(" && ")}`],
    workDir,
    withoutNpmLifecycle(e2e.env),
  );

  // The first up adopts: no POST, PUT, PATCH or DELETE reaches the API; one OrgMembership per person.
  const beforeUp = e2e.view.mark();
  const up = await pulumi("up --yes");
  expect(up.code, up.output).toBe(0);
  const writes = e2e.view.requestsSince(beforeUp).filter((r) => r.method !== "GET" && r.path.startsWith(API_PREFIX));
  expect(writes.map(describeRequest)).toEqual([]);
  const outputs = JSON.parse((await pulumi("stack output --json")).output) as { statuses: Record<string, string> };
  expect(Object.keys(outputs.statuses)).toHaveLength(MEMBERS + INVITATIONS);
  const byStatus = Object.values(outputs.statuses).reduce<Record<string, number>>((n, s) => ({ ...n, [s]: (n[s] ?? 0) + 1 }), {});
  expect(byStatus).toEqual({ ACTIVE: MEMBERS, PENDING: INVITATIONS });
  // Each resource says it adopted (one warning each), and nothing else is said: no undeclared access.
  const said = warnings(up.output);
  expect(said.filter((w) => !/adopting (the membership|the pending invitation|it|them)\b/.test(w))).toEqual([]);
  expect(said).toHaveLength(MEMBERS + INVITATIONS + 4 + 3 + 4);
  // People, teams, the teams' 3 project roles, 4 own project roles, the org's roster and 2 projects' rosters.
  expect(summary(up.output)).toEqual({ created: MEMBERS + INVITATIONS + 4 + 3 + 4 + 1 + 2 + 1 });

  // The gate, right after: green.
  const green = await pulumi(GATE.join(" "));
  expect(green.code, green.output).toBe(0);

  // Someone raised to owner by hand: the gate fails, naming them.
  const raised = members[10];
  if (raised === undefined) throw new Error("no member 10");
  state.setMemberOrgRoles(org, raised.id, ["ORG_OWNER"]);
  const red = await pulumi(GATE.join(" "));
  expect(red.code).not.toBe(0);
  expect(red.output).toContain(raised.username);
});
