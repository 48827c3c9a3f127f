// The example program (examples/org-invitations, the repository's Pulumi.yaml) as a LOCAL program run
// by the Node language host — the way users run it — and the GitOps gate driven through the `pulumi`
// binary itself, checking its exit codes as a pipeline would (scenario 13, the CLI's side).

import { spawn } from "node:child_process";
import { writeFileSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, test } from "vitest";
import { prepareExampleProject } from "../../examples/demo/example-project";
import { useE2e, type E2eContext } from "./harness/e2e-context";

let e2e: E2eContext;
useE2e("example", (context) => (e2e = context), { withdrawAfterEach: false });

const PEOPLE = `
- email: Alice@Example.com
  roles: [ORG_GROUP_CREATOR, ORG_MEMBER]
- email: bob@example.com
  roles: [ORG_READ_ONLY]
- email: carol@example.com
  roles: [ORG_OWNER]
`;

interface CliRun {
  code: number | null;
  output: string;
}

/** Runs `pulumi <args>` in the project folder with the suite's environment, as a CI job would. */
function pulumi(workDir: string, args: string[]): Promise<CliRun> {
  return new Promise((resolve, reject) => {
    const child = spawn(join(e2e.cli.binDir, "pulumi"), [...args, "--non-interactive", "--color", "never"], {
      cwd: workDir,
      env: { ...process.env, ...e2e.env },
      stdio: ["ignore", "pipe", "pipe"],
    });
    let output = "";
    child.stdout.setEncoding("utf8").on("data", (d: string) => (output += d));
    child.stderr.setEncoding("utf8").on("data", (d: string) => (output += d));
    child.on("error", reject);
    child.on("close", (code) => resolve({ code, output }));
  });
}

describe("the example program", () => {
  test("runs as a local program: up invites everyone in people.yaml and exports their statuses", async () => {
    const project = prepareExampleProject("example", PEOPLE, e2e.workRoot);
    const stack = await e2e.localStack(project.workDir, {
      config: { orgId: { value: e2e.orgId }, peopleFile: { value: project.peopleFile } },
    });

    const up = await stack.up();

    expect(up.result.summary.resourceChanges).toEqual({ create: 4 });
    expect((await stack.outputs())["statuses"]).toEqual({
      "alice@example.com": "PENDING",
      "bob@example.com": "PENDING",
      "carol@example.com": "PENDING",
    });
    expect([...e2e.view.pendingByUser().keys()].sort()).toEqual(["alice@example.com", "bob@example.com", "carol@example.com"]);
    expect(e2e.view.pendingFor("alice@example.com").username).toBe("Alice@Example.com");
    expect([...(await stack.invitations()).keys()].sort()).toEqual(["alice@example.com", "bob@example.com", "carol@example.com"]);

    // 13, through the binary: the gate's exit code is what a pipeline acts on.
    const args = ["--stack", stack.name];
    const green = await pulumi(project.workDir, ["preview", "--refresh", "--expect-no-changes", ...args]);
    expect(green.output).toContain("4 unchanged");
    expect(green.code).toBe(0);

    await e2e.admin.deleteInvitation(e2e.orgId, e2e.view.pendingFor("bob@example.com").id);
    const red = await pulumi(project.workDir, ["preview", "--refresh", "--expect-no-changes", "--diff", ...args]);
    expect(red.code).not.toBe(0);
    expect(red.output).toContain("no changes were expected for preview but changes were proposed");
    expect(red.output).toMatch(/bob@example\.com/);
    expect(red.output).toMatch(/status\s*:\s*"PENDING" => "REVOKED"/);

    const converge = await pulumi(project.workDir, ["up", "--refresh", "--yes", ...args]);
    expect(converge.code).toBe(0);
    expect(converge.output).toContain("1 replaced");
    expect(e2e.view.pendingByUser().get("bob@example.com")).toHaveLength(1);
    const greenAgain = await pulumi(project.workDir, ["preview", "--refresh", "--expect-no-changes", ...args]);
    expect(greenAgain.code).toBe(0);

    // Someone removed from the list: their pending invitation is withdrawn.
    writeFileSync(project.peopleFile, PEOPLE.replace(/- email: carol@example.com\n\s+roles: \[ORG_OWNER\]\n/, ""));
    const mark = e2e.view.mark();
    const removal = await stack.up();
    expect(removal.result.summary.resourceChanges).toMatchObject({ delete: 1 });
    expect(e2e.view.describeWritesSince(mark)).toHaveLength(1);
    expect(e2e.view.pendingByUser().has("carol@example.com")).toBe(false);

    const destroy = await stack.destroy();
    expect(destroy.result.summary.result).toBe("succeeded");
    expect(e2e.view.pending()).toEqual([]);
  });
});
