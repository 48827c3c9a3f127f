// The enforcement example (examples/org-membership, its own Pulumi.yaml) as a LOCAL program run by
// the Node language host — the way users and the GitOps workflow run it — and the workflow's steps
// through the `pulumi` binary itself, with the exit codes a pipeline acts on: the scheduled gate,
// the merge's pruning `up --config prune=true`, the gate again with prune off. Then the two
// ways off the list: removed (the invitation withdrawn) and let go (`retain`: retainOnDelete, nothing sent).

import { spawn } from "node:child_process";
import { readFileSync, writeFileSync } from "node:fs";
import { join, relative, resolve } from "node:path";
import { describe, expect, test } from "vitest";
import { parse, stringify } from "yaml";
import { REPO_ROOT } from "./harness/cli";
import { useE2e, type E2eContext } from "./harness/e2e-context";

let e2e: E2eContext;
useE2e("example-membership", (context) => (e2e = context), { withdrawAfterEach: false });

const EXAMPLE = join(REPO_ROOT, "examples", "org-membership");
const BREAK_GLASS = "admin@break-glass.example.com";

interface CliRun {
  code: number | null;
  output: string;
}

/** Runs `pulumi <args>` in the project folder with the suite's environment, as a CI job would. */
function pulumi(workDir: string, args: string[]): Promise<CliRun> {
  return new Promise((resolvePromise, reject) => {
    const child = spawn(join(e2e.cli.binDir, "pulumi"), [...args, "--non-interactive", "--color", "never"], {
      cwd: workDir,
      env: { ...process.env, ...e2e.env },
      stdio: ["ignore", "pipe", "pipe"],
    });
    let output = "";
    child.stdout.setEncoding("utf8").on("data", (d: string) => (output += d));
    child.stderr.setEncoding("utf8").on("data", (d: string) => (output += d));
    child.on("error", reject);
    child.on("close", (code) => resolvePromise({ code, output }));
  });
}

/** A project folder under this file's work root: the example's Pulumi.yaml, `main` pointing back at the compiled example. */
function exampleProject(peopleYaml: string): { workDir: string; peopleFile: string } {
  const project = parse(readFileSync(join(EXAMPLE, "Pulumi.yaml"), "utf8")) as { name: string; main: string };
  const program = resolve(EXAMPLE, project.main);
  const workDir = e2e.newWorkDir("org-membership");
  writeFileSync(join(workDir, "Pulumi.yaml"), stringify({ ...project, main: relative(workDir, program) }));
  const peopleFile = join(workDir, "people.yaml");
  writeFileSync(peopleFile, peopleYaml);
  return { workDir, peopleFile };
}

describe("the enforcement example (examples/org-membership)", () => {
  test("runs as a local program: up invites everyone in people.yaml (all PENDING); the gate, the pruning merge and the gate again through the pulumi binary", async () => {
    const dba = e2e.emulator.state.createTeam(e2e.orgId, { name: "dba" });
    e2e.emulator.state.addOrgUser(e2e.orgId, { username: BREAK_GLASS, roles: ["ORG_OWNER"] });
    const { workDir, peopleFile } = exampleProject(
      [
        "- email: Alice@Example.com",
        "  roles: [ORG_OWNER]",
        "- email: bob@example.com",
        "  roles: [ORG_GROUP_CREATOR, ORG_MEMBER]",
        `  teams: [${dba.id}]`,
        "- email: carol@example.com",
        "  roles: [ORG_READ_ONLY]",
        "",
      ].join("\n"),
    );
    const stack = await e2e.localStack(workDir, {
      config: {
        orgId: { value: e2e.orgId },
        peopleFile: { value: peopleFile },
        ignore: { value: JSON.stringify(["*@break-glass.example.com"]) },
      },
    });

    const up = await stack.up();
    expect(up.result.summary.resourceChanges).toEqual({ create: 5 });
    const outputs = await stack.outputs();
    expect(outputs["statuses"]).toEqual({ "alice@example.com": "PENDING", "bob@example.com": "PENDING", "carol@example.com": "PENDING" });
    expect(outputs["unmanagedInvitations"]).toEqual([]);
    expect(outputs["unmanagedMembers"]).toEqual([]);
    expect([...e2e.view.pendingByUser().keys()].sort()).toEqual(["alice@example.com", "bob@example.com", "carol@example.com"]);
    expect(e2e.view.pendingFor("bob@example.com").teamIds).toEqual([dba.id]);

    const args = ["--stack", stack.name];
    const gate = ["preview", "--refresh", "--expect-no-changes", "--diff", ...args];
    const green = await pulumi(workDir, gate);
    expect(green.output).toContain("5 unchanged");
    expect(green.code).toBe(0);

    // Someone invited in the Cloud Manager UI: the scheduled gate fails with Pulumi's "no changes expected" exit code.
    const invited = e2e.emulator.state.inviteAs(e2e.orgId, { username: "stranger@example.com", roles: ["ORG_OWNER"] }, "admin@example.com");
    let mark = e2e.view.mark();
    const red = await pulumi(workDir, gate);
    expect(red.code).toBe(7);
    expect(red.output).toContain("no changes were expected for preview but changes were proposed");
    expect(red.output).toMatch(/warning: cloudmanager: undeclared access in organization [0-9a-f]{24}: stranger@example\.com \(invited by/);
    expect(e2e.view.writesSince(mark)).toEqual([]);

    // The merge to main: `pulumi up --refresh --config prune=true`.
    const merge = await pulumi(workDir, ["up", "--refresh", "--yes", "--config", "prune=true", ...args]);
    expect(merge.code).toBe(0);
    expect(merge.output).toContain(`pruned: withdrawing the invitation ${invited.id} for stranger@example.com`);
    expect(e2e.view.describeWritesSince(mark)).toEqual([`DELETE /orgs/${e2e.orgId}/invites/${invited.id} 204`]);
    expect(e2e.view.isMember(BREAK_GLASS)).toBe(true);

    // The scheduled gate runs with prune off (the committed config has none): prune alone is no
    // change, so it passes right after the pruning merge, with no other up in between.
    mark = e2e.view.mark();
    expect((await pulumi(workDir, ["config", "rm", "prune", ...args])).code).toBe(0);
    const greenAgain = await pulumi(workDir, gate);
    expect(e2e.view.writesSince(mark)).toEqual([]);
    expect(greenAgain.code).toBe(0);

    // Someone taken off the list loses their access: their invitation is withdrawn, once.
    const carol = e2e.view.pendingFor("carol@example.com");
    writeFileSync(peopleFile, readFileSync(peopleFile, "utf8").replace("- email: carol@example.com\n  roles: [ORG_READ_ONLY]\n", ""));
    mark = e2e.view.mark();
    const removal = await stack.up();
    expect(removal.result.summary.resourceChanges).toMatchObject({ delete: 1 });
    expect(e2e.view.describeWritesSince(mark)).toEqual([`DELETE /orgs/${e2e.orgId}/invites/${carol.id} 204`]);
    expect((await stack.outputs())["statuses"]).toEqual({ "alice@example.com": "PENDING", "bob@example.com": "PENDING" });
    expect((await pulumi(workDir, gate)).code).toBe(0);

    // Someone to let go of without removing them: retainOnDelete recorded first (an up that sends
    // nothing), then taken off the list — Pulumi forgets the resource, the access stays — and ignored.
    const bob = e2e.view.pendingFor("bob@example.com");
    await stack.stack.setConfig("retain", { value: JSON.stringify(["bob@example.com"]) });
    await stack.stack.setConfig("ignore", { value: JSON.stringify(["*@break-glass.example.com", "bob@example.com"]) });
    mark = e2e.view.mark();
    await stack.up();
    writeFileSync(peopleFile, readFileSync(peopleFile, "utf8").replace(/- email: bob@example.com\n( {2}.*\n)+/, ""));
    const letGo = await stack.up();
    expect(letGo.result.summary.resourceChanges).toMatchObject({ delete: 1 });
    expect(e2e.view.writesSince(mark)).toEqual([]);
    expect(e2e.view.pendingFor("bob@example.com").id).toBe(bob.id);
    expect((await stack.outputs())["statuses"]).toEqual({ "alice@example.com": "PENDING" });
    expect((await pulumi(workDir, gate)).code).toBe(0);

    const destroy = await stack.destroy();
    expect(destroy.result.summary.result).toBe("succeeded");
    expect(e2e.view.pending().map((i) => i.username)).toEqual(["bob@example.com"]);
    expect(e2e.view.isMember(BREAK_GLASS)).toBe(true);
    await e2e.withdrawAllPending();
  });
});
