// The GitOps recipe's enforcement workflow (examples/gitops/cloud-manager-membership.yml): it parses,
// runs examples/org-membership, and each trigger runs the command the recipe promises — the
// scheduled gate `preview --refresh --expect-no-changes` with prune never set, the pull request's
// preview without prune, and prune only in the `up` of a push to main — with the Cloud Manager
// credentials taken from secrets. `npm run lint` runs actionlint on it (tools/actionlint.sh). What the
// README says the gate shows for teams and their project roles, and for people's own project roles
// and undeclared project access, is checked against the provider's own diffs (the warnings it quotes,
// and that a team or a person's project roles waiting for a member keep the gate green).

import { existsSync, readdirSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { DeploymentLedger } from "../../provider/deployment/deployment-ledger";
import { setNoticeSink } from "../../provider/deployment/notices";
import { diffProjectMembership } from "../../provider/resources/project-membership/diff";
import { rosterLines } from "../../provider/access/roster-outputs";
import { diffProjectRoster } from "../../provider/resources/project-roster/lifecycle";
import { diffProjectTeam } from "../../provider/resources/project-team/diff";
import { diffTeam } from "../../provider/resources/team/diff";
import { orgEnvVar } from "../../provider/runtime/credentials";
import { RULES } from "../../policy/names";
import { describe, expect, it } from "vitest";
import { parse } from "yaml";

interface Job {
  if?: string;
  steps: { run?: string; uses?: string; with?: Record<string, unknown>; env?: Record<string, string> }[];
}

interface Workflow {
  on: Record<string, unknown>;
  env: Record<string, string>;
  jobs: Record<string, Job>;
}

const ROOT = join(__dirname, "../..");
const text = readFileSync(join(ROOT, "examples/gitops/cloud-manager-membership.yml"), "utf8");
const readme = readFileSync(join(ROOT, "examples/gitops/README.md"), "utf8");
/** The README with its lines joined, for quotes that wrap. */
const readmeText = readme.replace(/\s*\n\s*/g, " ");
const workflow = parse(text) as Workflow;

/** Every `pulumi …` command a job runs, one per line of its steps' scripts (without a trailing `|| …`). */
function pulumiCommands(job: Job | undefined): string[] {
  return (job?.steps ?? []).flatMap((s) =>
    (s.run ?? "")
      .split("\n")
      .map((line) => line.trim())
      .filter((line) => line.startsWith("pulumi "))
      .map((line) => line.split(" || ")[0] ?? line),
  );
}

const allCommands = Object.values(workflow.jobs).flatMap(pulumiCommands);

describe("examples/gitops membership workflow", () => {
  it("runs on merge to main, on pull requests and on a schedule", () => {
    expect(workflow.on["push"]).toEqual({ branches: ["main"] });
    expect(workflow.on).toHaveProperty("pull_request");
    expect(workflow.on["schedule"]).toEqual([{ cron: expect.stringMatching(/^\S+ \S+ \S+ \S+ \S+$/) as unknown }]);
  });

  it("runs the enforcement example: every pulumi command in its project folder, on the one stack", () => {
    expect(workflow.env["PULUMI_PROJECT_DIR"]).toBe("examples/org-membership");
    expect(existsSync(join(ROOT, "examples/org-membership/Pulumi.yaml"))).toBe(true);
    expect(allCommands.length).toBeGreaterThanOrEqual(3); // the gate, the pull request preview, the merge's up
    for (const command of allCommands) expect(command).toContain('--cwd "$PULUMI_PROJECT_DIR" --stack "$PULUMI_STACK"');
  });

  it("the scheduled job is the gate: preview --refresh --expect-no-changes, nothing else, prune never set", () => {
    const gate = workflow.jobs["drift-check"];
    expect(gate?.if).toContain("github.event_name == 'schedule'");
    const commands = pulumiCommands(gate);
    expect(commands).toHaveLength(1);
    expect(commands[0]).toMatch(/^pulumi preview .*--refresh/);
    expect(commands[0]).toContain("--expect-no-changes");
    expect(commands[0]).not.toContain("prune");
  });

  it("the gate's step tells drift (Pulumi's exit code 7) from a failed run, and fails with the CLI's own code", () => {
    const script = workflow.jobs["drift-check"]?.steps.find((s) => s.run?.includes("--expect-no-changes"))?.run ?? "";
    expect(script).toContain("|| status=$?");
    expect(script).toMatch(/if \[ "\$status" -eq 7 \]; then\n\s+echo "::error /);
    expect(script.trim().split("\n").at(-1)?.trim()).toBe('exit "$status"');
  });

  it("a pull request only previews, with prune off", () => {
    const preview = workflow.jobs["preview"];
    expect(preview?.if).toBe("github.event_name == 'pull_request'");
    const commands = pulumiCommands(preview);
    expect(commands).toEqual([expect.stringMatching(/^pulumi preview .*--refresh/) as unknown]);
    expect(commands[0]).not.toContain("prune");
  });

  it("only a push to main applies: up --refresh with prune=true (prune alone is no change, so the gate needs no second up)", () => {
    const apply = workflow.jobs["apply"];
    expect(apply?.if).toBe("github.event_name == 'push' && github.ref == 'refs/heads/main'");
    const commands = pulumiCommands(apply);
    expect(commands).toEqual([expect.stringMatching(/^pulumi up .*--refresh .*--yes .*--config prune=true /) as unknown]);
    // prune=true nowhere else: no other job runs up, sets prune, or passes it.
    for (const [name, job] of Object.entries(workflow.jobs)) {
      if (name === "apply") continue;
      for (const command of pulumiCommands(job)) {
        expect(command).toMatch(/^pulumi preview /);
        expect(command).not.toContain("prune");
      }
    }
    expect(text).not.toMatch(/config set .*prune/);
  });

  it("checks the pull request's preview and the merge's up against the shipped policy pack and the example's policy config", () => {
    const packOptions = '--policy-pack "$GITHUB_WORKSPACE/$POLICY_PACK" --policy-pack-config "$GITHUB_WORKSPACE/$POLICY_CONFIG"';
    expect(workflow.env["POLICY_PACK"]).toBe("policy");
    expect(existsSync(join(ROOT, workflow.env["POLICY_PACK"] ?? "", "PulumiPolicy.yaml"))).toBe(true);
    expect(workflow.env["POLICY_CONFIG"]).toBe("examples/org-membership/policy.json");
    const config = JSON.parse(readFileSync(join(ROOT, workflow.env["POLICY_CONFIG"] ?? ""), "utf8")) as Record<string, unknown>;
    // Every rule named: the pack's levels are set in the file the review sees, not by default.
    expect(Object.keys(config).sort()).toEqual(Object.values(RULES).sort());
    for (const job of ["preview", "apply"]) expect(pulumiCommands(workflow.jobs[job])[0]).toContain(packOptions);
    // The gate judges Cloud Manager against the declarations, not the declarations themselves.
    expect(pulumiCommands(workflow.jobs["drift-check"])[0]).not.toContain("--policy-pack");
  });

  it("only the pruning apply skips the engine's intermediate checkpoints (a killed run's unrecorded invitation is pruned by the next)", () => {
    const steps = Object.entries(workflow.jobs).flatMap(([name, job]) => job.steps.map((step) => ({ name, step })));
    const skipping = steps.filter(({ step }) => step.env?.["PULUMI_SKIP_CHECKPOINTS"] === "true");
    expect(skipping.map(({ name }) => name)).toEqual(["apply"]);
    expect(skipping[0]?.step.run).toContain("--config prune=true");
  });

  it("caps V8's young generation for every Node process of the run, where the rosters read the whole organization", () => {
    expect(workflow.env["NODE_OPTIONS"]).toBe("--max-semi-space-size=16");
  });

  it("takes Cloud Manager credentials from secrets, as environment variables (never stack config)", () => {
    expect(workflow.env["MCLI_PUBLIC_API_KEY"]).toBe("${{ secrets.CLOUD_MANAGER_PUBLIC_KEY }}");
    expect(workflow.env["MCLI_PRIVATE_API_KEY"]).toBe("${{ secrets.CLOUD_MANAGER_PRIVATE_KEY }}");
    expect(text).not.toMatch(/config set .*cloudmanager:(privateKey|clientSecret)/);
  });

  it("takes a second organization's key from its own secrets, in the variables the provider reads for that organization", () => {
    const names = Object.keys(workflow.env).filter((name) => name.startsWith("CLOUDMANAGER_ORG_"));
    const orgId = /^CLOUDMANAGER_ORG_([0-9A-F]{24})_PUBLIC_KEY$/.exec(names[0] ?? "")?.[1] ?? "";
    expect(names.sort()).toEqual([orgEnvVar(orgId, "privateKey"), orgEnvVar(orgId, "publicKey")]);
    expect(workflow.env[orgEnvVar(orgId, "privateKey")]).toBe("${{ secrets.CLOUD_MANAGER_NONPROD_PRIVATE_KEY }}");
  });

  it("npm run lint checks every example workflow with actionlint (tools/actionlint.sh lists them all)", () => {
    const script = readFileSync(join(ROOT, "tools/actionlint.sh"), "utf8");
    const listed = /^workflows=\(([^)]*)\)/m.exec(script)?.[1]?.trim().split(/\s+/) ?? [];
    const shipped = ["gitops", "release"].flatMap((folder) =>
      readdirSync(join(ROOT, "examples", folder))
        .filter((file) => file.endsWith(".yml"))
        .map((file) => `examples/${folder}/${file}`),
    );
    expect(listed.sort()).toEqual(shipped.sort());
  });

  describe("the README on teams in the gate quotes the provider", () => {
    const ORG = "5f1b2c3d4e5f6a7b8c9d0e1f";
    const PROD = "5f1b2c3d4e5f6a7b8c9d0e30";
    const DBA = "5f1b2c3d4e5f6a7b8c9d0e20";
    const notices = (diff: (say: (notice: string) => void) => unknown): { result: unknown; said: string[] } => {
      const said: string[] = [];
      return { result: diff((n) => said.push(n)), said };
    };
    const projectTeam = { orgId: ORG, projectId: PROD, teamId: DBA, teamName: "dba", projectName: "prod" };
    const team = { orgId: ORG, name: "dba", founders: ["bob@example.com"], teamId: DBA, members: [], projectIds: [] };

    it("a team's roles changed by hand: the warning as quoted, and an update planned", () => {
      const { result, said } = notices((say) =>
        diffProjectTeam(
          { ...projectTeam, roles: ["GROUP_OWNER"], status: "ACTIVE" },
          { ...projectTeam, roles: ["GROUP_DATA_ACCESS_ADMIN"] },
          say,
        ),
      );
      expect(result).toEqual({ changes: true });
      expect(said).toHaveLength(1);
      expect(readme).toContain(`warning: cloudmanager: ${said[0] ?? ""}`);
    });

    it("a team taken off a project, and a team deleted, by hand: the warnings as quoted (up to the README's ellipsis)", () => {
      const removed = notices((say) =>
        diffProjectTeam({ ...projectTeam, roles: ["GROUP_OWNER"], status: "REMOVED" }, { ...projectTeam, roles: ["GROUP_OWNER"] }, say),
      );
      expect(readmeText).toContain((removed.said[0] ?? "?").replace(/ `pulumi up`.*$/, " …"));
      const deleted = notices((say) => diffTeam({ ...team, status: "DELETED" }, { orgId: ORG, name: "dba", founders: team.founders }, say));
      expect(deleted.result).toMatchObject({ replaces: ["status"] });
      const quoted = (deleted.said[0] ?? "?")
        .replace(DBA, "…")
        .replace(ORG, "…")
        .replace(/ \(its OrgMemberships.*$/, "");
      expect(readmeText).toContain(quoted);
    });

    it("a team waiting for its first member proposes nothing (the gate stays green, as the README says) until a founder is a member", () => {
      const waiting = { ...team, teamId: "waiting:dba", status: "WAITING", waitingFor: team.founders };
      const inputs = { orgId: ORG, name: "dba", founders: team.founders };
      const { result, said } = notices((say) => diffTeam(waiting, inputs, say));
      expect(result).toEqual({ changes: false });
      expect(said.join("\n")).toMatch(/team "dba" of organization .* waits for one of .* to be a member/);
      expect(notices((say) => diffTeam(waiting, inputs, say, true)).result).toMatchObject({ changes: true, replaces: ["status"] });
      expect(readme).toContain("While a declared team waits for its first member");
      expect(readme).toContain("the gate stays green");
    });
  });
  describe("the README on people's project roles and undeclared project access in the gate quotes the provider", () => {
    // The ids of the run the README quotes (test/e2e/example-program-membership.test.ts), shortened there as 6b15…0bc0.
    const ORG = "6b15e0d68ace8287adf85f86";
    const PRODUCTION = "6b15e110d82a661e4a450bc0";
    const ANALYTICS = "6b15e1108c0c1d6e5ee37273";
    const short = (text: string) => text.replace(/\b([0-9a-f]{4})[0-9a-f]{16}([0-9a-f]{4})\b/g, "$1…$2");
    const bob = { orgId: ORG, projectId: PRODUCTION, username: "bob@example.com", projectName: "production" };
    const said = (run: (say: (notice: string) => void) => unknown): { result: unknown; notices: string[] } => {
      const notices: string[] = [];
      return { result: run((n) => notices.push(`warning: cloudmanager: ${n}`)), notices };
    };

    it("a person's own role raised by hand: the warning as quoted, and an update planned", () => {
      const { result, notices } = said((say) =>
        diffProjectMembership({ ...bob, roles: ["GROUP_OWNER"], status: "ACTIVE" }, { ...bob, roles: ["GROUP_READ_ONLY"] }, say),
      );
      expect(result).toEqual({ changes: true });
      expect(notices).toHaveLength(1);
      expect(readme).toContain(notices[0]);
    });

    it("a role nobody listed and a project invitation to a stranger: each roster's warning as quoted (ids shortened), and a change planned", () => {
      const inputs = (projectId: string, managed: string[]) => ({
        orgId: ORG,
        projectId,
        managed,
        teams: [],
        ignore: ["owner@example.com"],
        prune: false,
      });
      // The roster's outputs as it writes them: JSON Lines, "" when it found nobody.
      const none = { unmanagedUsers: "", unmanagedInvitations: "", unmanagedTeams: "" };
      const notices: string[] = [];
      const previous = setNoticeSink((n) => notices.push(n));
      try {
        const ledger = new DeploymentLedger();
        const production = inputs(PRODUCTION, ["bob@example.com"]);
        const firstSeen = "2026-12-06T22:26:50.000Z";
        const dave = { username: "dave@example.com", userId: "6b15e11d022f86b44888a8e0", roles: ["GROUP_DATA_ACCESS_ADMIN"], firstSeen };
        expect(diffProjectRoster({ ...production, ...none, unmanagedUsers: JSON.stringify(dave) }, production, ledger)).toEqual({
          changes: true,
        });
        const analytics = inputs(ANALYTICS, ["bob@example.com", "carol@example.com"]);
        const guest = {
          username: "guest@example.net",
          invitationId: "6b15e12918330516b00b9656",
          roles: ["GROUP_READ_ONLY"],
          inviterUsername: "admin@example.com",
          createdAt: "2026-12-06T22:26:49Z",
          firstSeen,
        };
        expect(diffProjectRoster({ ...analytics, ...none, unmanagedInvitations: JSON.stringify(guest) }, analytics, ledger)).toEqual({
          changes: true,
        });
      } finally {
        setNoticeSink(previous);
      }
      expect(notices).toHaveLength(2);
      for (const notice of notices) expect(readme).toContain(short(notice));
    });

    it("the roster output it shows one more person in is JSON Lines sorted by username, the newcomer one added line", () => {
      const shown = readme
        .split("\n")
        .filter((line) => /^\s+(\+ )?\{"username":/.test(line))
        .map((line) => line.trim().replace(/^\+ /, ""));
      const entries = rosterLines<{ username: string; userId: string; roles: string[]; firstSeen: string }>(shown.join("\n"));
      expect(entries.length).toBeGreaterThan(2);
      expect(entries.length).toBe(shown.length);
      for (const e of entries) expect(Object.keys(e)).toEqual(["username", "userId", "roles", "firstSeen"]);
      const names = entries.map((e) => e.username);
      expect(names).toEqual([...names].sort());
      expect(readme.split("\n").filter((line) => /^\s+\+ \{"username":/.test(line))).toHaveLength(1);
    });

    it("the pruned lines and the merge's outputs are those the e2e run asserts, each project out of the roster's count", () => {
      // The same texts test/e2e/example-program-membership.test.ts expects of the real `up --config prune=true`.
      expect(readmeText).toContain('pruned: taking dave@example.com (GROUP_DATA_ACCESS_ADMIN) out of project "production" (6b15…0bc0)');
      expect(readmeText).toContain('pruned: withdrawing the invitation 6b15…9656 for guest@example.net to project "analytics" (6b15…7273)');
      expect(readmeText).toContain("undeclaredProjectAccess");
    });

    it("a person only invited: their project roles propose nothing (the gate stays green, as the README says) until they are a member", () => {
      const pending = { ...bob, roles: ["GROUP_READ_ONLY"], status: "PENDING" };
      const wanted = { ...bob, roles: ["GROUP_READ_ONLY"] };
      expect(said((say) => diffProjectMembership(pending, wanted, say)).result).toEqual({ changes: false });
      expect(said((say) => diffProjectMembership(pending, wanted, say, true)).result).toEqual({ changes: true });
      expect(readmeText).toContain(
        "While a person is only invited, their project roles wait for them (no project invitation is sent) and the gate stays green",
      );
    });
  });
});
