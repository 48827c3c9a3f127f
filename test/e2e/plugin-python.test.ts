// The `cloudmanager` provider plugin from Python, as far as this machine allows: tools/gen-sdks.sh
// generates the Python SDK from plugin/schema.json with `pulumi package gen-sdk --language python`
// (through pulumi-language-python, which tools/pulumi-cli/ensure-pulumi.sh puts next to `pulumi`), and
// every generated .py byte-compiles with `python3 -m py_compile`, and the docstrings carry the schema's
// examples. No Python program is run: what blocks it here is in docs/plugin-and-languages.md, "Python".
//
// A missing Python host (or its pulumi-language-python-exec) or a missing python3 fails with what to
// do, never skips.

import { readdirSync, readFileSync, statSync } from "node:fs";
import { delimiter, join, relative } from "node:path";
import { describe, expect, test } from "vitest";
import { REPO_ROOT } from "./harness/cli";
import { useE2e, type E2eContext } from "./harness/e2e-context";
import { mustRunCommand } from "../support/run-command";

let e2e: E2eContext;
useE2e("plugin-python", (context) => (e2e = context), { withdrawAfterEach: false });

const mustRun = (command: string, args: string[], cwd: string) => mustRunCommand(command, args, cwd, { ...process.env, ...e2e.env });

function isExecutable(path: string): boolean {
  try {
    return statSync(path).isFile() && (statSync(path).mode & 0o111) !== 0;
  } catch {
    return false;
  }
}

function onPath(name: string): string | undefined {
  return (e2e.env["PATH"] ?? "")
    .split(delimiter)
    .filter((dir) => dir !== "")
    .map((dir) => join(dir, name))
    .find(isExecutable);
}

/** pulumi-language-python and the executor script it will not start without, next to `pulumi` or on PATH. */
function requirePythonHost(): void {
  for (const name of ["pulumi-language-python", "pulumi-language-python-exec"]) {
    if (isExecutable(join(e2e.cli.binDir, name)) || onPath(name) !== undefined) continue;
    throw new Error(
      `The Pulumi Python language host is missing: ${name} is neither next to pulumi in ${e2e.cli.binDir} nor on the PATH the CLI gets. ` +
        `tools/pulumi-cli/ensure-pulumi.sh puts it there (the official install ships it; otherwise it is built from ` +
        `tools/pulumi-cli/language-python/go.mod, with pulumi-language-python-exec from the Pulumi sdk/v3 module). ` +
        `Run \`bash tools/pulumi-cli/ensure-pulumi.sh\` and read its output to see why it did not.`,
    );
  }
}

function requirePython3(): string {
  const python = onPath("python3");
  if (python === undefined) {
    throw new Error(
      "python3 is not on PATH: this test byte-compiles the generated Python SDK with `python3 -m py_compile`. " +
        "Install Python 3 (Debian: apt-get install python3; .ci/run does this on a machine without it).",
    );
  }
  return python;
}

function filesUnder(dir: string): string[] {
  return readdirSync(dir, { recursive: true, encoding: "utf8" })
    .map((entry) => join(dir, entry))
    .filter((path) => statSync(path).isFile());
}

describe("the cloudmanager plugin from Python", () => {
  test("tools/gen-sdks.sh generates the Python SDK, and every generated .py byte-compiles", async () => {
    requirePythonHost();
    const python = requirePython3();
    const sdks = join(e2e.newWorkDir("python"), "sdks");
    await mustRun("bash", [join(REPO_ROOT, "tools", "gen-sdks.sh"), "--out", sdks, "python"], REPO_ROOT);

    const root = join(sdks, "python");
    const pyFiles = filesUnder(root)
      .filter((path) => path.endsWith(".py"))
      .sort();
    const names = pyFiles.map((path) => relative(root, path));
    expect(names).toEqual(
      expect.arrayContaining([
        "setup.py",
        "pulumi_cloudmanager/__init__.py",
        "pulumi_cloudmanager/provider.py",
        "pulumi_cloudmanager/org_invitation.py",
        "pulumi_cloudmanager/org_membership.py",
        "pulumi_cloudmanager/org_roster.py",
      ]),
    );
    const invitation = readFileSync(join(root, "pulumi_cloudmanager", "org_invitation.py"), "utf8");
    expect(invitation).toMatch(/class OrgInvitation\(pulumi\.CustomResource\)/);
    expect(invitation).toContain("cloudmanager:index:OrgInvitation");
    expect(readFileSync(join(root, "pulumi_cloudmanager", "org_roster.py"), "utf8")).toMatch(/class OrgRoster\(pulumi\.CustomResource\)/);
    // The class's docstring carries the schema's example (its Python block) and import section.
    const team = readFileSync(join(root, "pulumi_cloudmanager", "team.py"), "utf8");
    expect(team).toContain("## Example Usage");
    expect(team).toContain('dba = cloudmanager.Team("dba", org_id=org_id, name="dba", founders=["alice@example.com"])');
    expect(team).toContain("pulumi import cloudmanager:index:Team dba 5f1b2c3d4e5f6a7b8c9d0e1f/name:dba");

    // One process for all of them: py_compile exits non-zero, naming the file, on the first that does not compile.
    await mustRun(python, ["-m", "py_compile", ...pyFiles], root);
    const compiled = filesUnder(root).filter((path) => path.endsWith(".pyc"));
    expect(compiled).toHaveLength(pyFiles.length);
  });
});
