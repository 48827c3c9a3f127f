// The way into the `cloudmanager` plugin for a YAML or a Go project, as docs/plugin-and-languages.md
// ("The way in: YAML and Go") tells it, from the packed package installed with npm into fresh projects:
//   - `pulumi package add` with the installed plugin, as the CLI v3.274.1 and the language hosts built
//     here do it: it records nothing (the folder is refused; given the executable, the SDK is generated
//     and the language host's Link step fails, for YAML and for Go). The docs say so; when this test
//     fails because `pulumi package add` works, make it the documented way in.
//   - YAML: `packages:` naming the installed plugin folder; `pulumi up` makes a Team and a member's
//     OrgMembership on it, `pulumi destroy` removes both.
//   - Go: `pulumi package gen-sdk` of the installed schema, a go.mod for the SDK, a `replace` in the
//     program's; the Go examples of docs/resources/*.md compile against that SDK (gofmt-clean), the
//     SDK's doc comments carry the schema's examples and import sections; then the same up and destroy.
//
// Needs Go on PATH (pulumi-language-go builds the program with it) and the Go module proxy or a module
// cache holding the Pulumi Go SDK; a missing Go fails with what to do, never skips.

import { mkdirSync, readFileSync, statSync, symlinkSync, writeFileSync } from "node:fs";
import { delimiter, dirname, join } from "node:path";
import { describe, expect, test } from "vitest";
import { codeBlocks, pageSection, RESOURCE_PAGES } from "../docs/resource-page-blocks";
import { pluginLocalStack, runPulumi } from "../plugin/plugin-e2e";
import { REPO_ROOT } from "./harness/cli";
import { useE2e, type E2eContext } from "./harness/e2e-context";
import { usePackedInstall, withoutNpmLifecycle } from "./harness/packed-package";
import { mustRunCommand, runCommand } from "../support/run-command";

let e2e: E2eContext;
useE2e("plugin-front-door", (context) => (e2e = context));
const installed = usePackedInstall("front-door", { "package.json": JSON.stringify({ name: "front-door", private: true }, null, 2) }, () =>
  withoutNpmLifecycle({ PATH: e2e.cli.path }),
);

/** The Pulumi Go SDK the programs build against: the CLI's own release (tools/pulumi-cli/go.mod). */
const GO_SDK_VERSION = "v3.274.1";
/** plugin/schema.json's language.go.importBasePath. */
const SDK_MODULE = "github.com/pulumi-cloudmanager/sdk/go/cloudmanager";
const PLUGIN = "./node_modules/pulumi-cloudmanager/plugin";

const env = (): NodeJS.ProcessEnv => ({ ...process.env, ...e2e.env });

function goOnPath(): string {
  for (const dir of (e2e.env["PATH"] ?? "").split(delimiter)) {
    const candidate = join(dir, "go");
    try {
      if (dir !== "" && statSync(candidate).isFile()) return candidate;
    } catch {
      // not here
    }
  }
  throw new Error("Go is not on PATH: pulumi-language-go builds the Go program with the machine's Go (>= 1.26), which this test needs.");
}

/** A fresh project folder: `files` written, the npm install's node_modules linked in as `npm install` would have put it. */
function freshProject(label: string, files: Record<string, string>): string {
  const dir = e2e.newWorkDir(label);
  for (const [name, text] of Object.entries(files)) writeFileSync(join(dir, name), text);
  symlinkSync(join(installed.dir, "node_modules"), join(dir, "node_modules"));
  return dir;
}

const GO_MOD = (name: string): string =>
  `module example.com/${name}\n\ngo 1.26\n\nrequire github.com/pulumi/pulumi/sdk/v3 ${GO_SDK_VERSION}\n`;
const EMPTY_MAIN_GO = `package main\n\nimport "github.com/pulumi/pulumi/sdk/v3/go/pulumi"\n\nfunc main() {\n\tpulumi.Run(func(ctx *pulumi.Context) error { return nil })\n}\n`;

describe("the way into the cloudmanager plugin for YAML and Go", () => {
  test("`pulumi package add` with the installed plugin records nothing with this CLI and these language hosts (the folder is refused; the executable's SDK is generated, then Link fails for YAML and Go)", async () => {
    const yamlDir = freshProject("add-yaml", { "Pulumi.yaml": "name: add-yaml\nruntime: yaml\n" });
    const folder = await runPulumi(e2e, yamlDir, ["package", "add", PLUGIN]);
    expect(folder.code, folder.output).not.toBe(0);
    expect(folder.output).toContain('to have an executable named "pulumi-resource-" or a PulumiPlugin file');

    const yamlAdd = await runPulumi(e2e, yamlDir, ["package", "add", `${PLUGIN}/pulumi-resource-cloudmanager`]);
    expect(yamlAdd.code, yamlAdd.output).not.toBe(0);
    expect(yamlAdd.output).toContain("Successfully generated an SDK for the cloudmanager package");
    expect(yamlAdd.output).toContain("linking package: method Link not implemented");
    expect(readFileSync(join(yamlDir, "Pulumi.yaml"), "utf8")).toBe("name: add-yaml\nruntime: yaml\n");

    const goDir = freshProject("add-go", {
      "Pulumi.yaml": "name: add-go\nruntime: go\n",
      "go.mod": GO_MOD("add-go"),
      "main.go": EMPTY_MAIN_GO,
    });
    const goAdd = await runPulumi(e2e, goDir, ["package", "add", `${PLUGIN}/pulumi-resource-cloudmanager`]);
    expect(goAdd.code, goAdd.output).not.toBe(0);
    expect(goAdd.output).toContain("linking package: grpc: error unmarshalling request");
    expect(readFileSync(join(goDir, "Pulumi.yaml"), "utf8")).toBe("name: add-go\nruntime: go\n");
    expect(readFileSync(join(goDir, "go.mod"), "utf8")).toBe(GO_MOD("add-go"));
  });

  test("YAML: `packages:` naming the installed plugin; up makes a Team and its member's OrgMembership, destroy removes both", async () => {
    e2e.emulator.state.addOrgUser(e2e.orgId, { username: "yaml-ops@example.com", roles: ["ORG_MEMBER"] });
    const dir = freshProject("front-door-yaml", {
      "Pulumi.yaml": `name: front-door-yaml\nruntime: yaml\npackages:\n  cloudmanager: ${PLUGIN}\n${YAML_BODY}`,
    });
    const stack = await pluginLocalStack(e2e, dir, { config: { orgId: { value: e2e.orgId } } });
    await expectUpAndDestroy(stack, "yaml-ops", "yaml-ops@example.com");
  });

  test("Go: gen-sdk of the installed schema and a replace; the resource pages' Go examples compile against it, its doc comments carry the examples; up makes a Team and its member's OrgMembership, destroy removes both", async () => {
    const go = goOnPath();
    e2e.emulator.state.addOrgUser(e2e.orgId, { username: "go-ops@example.com", roles: ["ORG_MEMBER"] });
    const dir = freshProject("front-door-go", {
      "Pulumi.yaml": `name: front-door-go\nruntime: go\npackages:\n  cloudmanager: ${PLUGIN}\n`,
      "go.mod": GO_MOD("front-door-go"),
      "main.go": GO_MAIN,
    });
    const run = (command: string, args: string[], cwd = dir) => mustRunCommand(command, args, cwd, env());

    // The steps docs/plugin-and-languages.md gives, in the project folder.
    await run(join(e2e.cli.binDir, "pulumi"), ["package", "gen-sdk", `${PLUGIN}/schema.json`, "--language", "go", "--out", "sdks"]);
    const sdkDir = join(dir, "sdks", "go", "cloudmanager");
    await run(go, ["mod", "init", SDK_MODULE], sdkDir);
    await run(go, ["get", `github.com/pulumi/pulumi/sdk/v3@${GO_SDK_VERSION}`], sdkDir);
    await run(go, ["mod", "tidy"], sdkDir);
    await run(go, ["mod", "edit", `-replace=${SDK_MODULE}=./sdks/go/cloudmanager`]);
    await run(go, ["mod", "tidy"]);

    // The generated doc comments carry the schema's example (its Go block) and import section.
    const teamGo = readFileSync(join(sdkDir, "team.go"), "utf8");
    expect(teamGo).toContain("// ## Example Usage");
    expect(teamGo).toContain('//			dba, err := cloudmanager.NewTeam(ctx, "dba", &cloudmanager.TeamArgs{');
    expect(teamGo).toContain("// pulumi import cloudmanager:index:Team dba 5f1b2c3d4e5f6a7b8c9d0e1f/name:dba");

    // Each page's Go example, a main package of its own in the program's module: gofmt-clean, and it builds.
    for (const [, page] of RESOURCE_PAGES) {
      const text = readFileSync(join(REPO_ROOT, "docs", "resources", page), "utf8");
      const block = codeBlocks(pageSection(text, "Example Usage") ?? "").find((b) => b.language === "go");
      const exampleDir = join(dir, "page-examples", page.replace(/\.md$/, ""));
      mkdirSync(exampleDir, { recursive: true });
      writeFileSync(join(exampleDir, "main.go"), block?.code ?? "");
    }
    const gofmt = await runCommand(join(dirname(go), "gofmt"), ["-l", "page-examples"], dir, env());
    expect(gofmt).toEqual({ code: 0, output: "" });
    await run(go, ["build", "./page-examples/..."]);

    const stack = await pluginLocalStack(e2e, dir, { config: { orgId: { value: e2e.orgId } } });
    await expectUpAndDestroy(stack, "go-ops", "go-ops@example.com");
  });
});

/** Up creates the team (its founder already a member) with the member on it; destroy deletes the team and removes the member. */
async function expectUpAndDestroy(stack: Awaited<ReturnType<typeof pluginLocalStack>>, teamName: string, username: string): Promise<void> {
  const up = await stack.up();
  expect(up.result.summary.resourceChanges).toEqual({ create: 3 });
  const team = e2e.emulator.state.teams(e2e.orgId).find((t) => t.name === teamName);
  expect(team).toBeDefined();
  const teamId = team?.id ?? "";
  expect(await stack.outputs()).toEqual({ teamId, teamStatus: "ACTIVE", memberStatus: "ACTIVE" });
  expect(e2e.emulator.state.teamUsers(e2e.orgId, teamId).map((u) => u.username)).toEqual([username]);
  await stack.preview({ refresh: true, expectNoChanges: true });

  const destroy = await stack.destroy();
  expect(destroy.result.summary.result).toBe("succeeded");
  expect(e2e.emulator.state.teams(e2e.orgId).some((t) => t.id === teamId)).toBe(false);
  expect(e2e.view.isMember(username)).toBe(false);
}

const YAML_BODY = `config:
  orgId: {type: string}
resources:
  ops:
    type: cloudmanager:index:Team
    properties:
      orgId: \${orgId}
      name: yaml-ops
      founders: [yaml-ops@example.com]
  opsMember:
    type: cloudmanager:index:OrgMembership
    properties:
      orgId: \${orgId}
      username: yaml-ops@example.com
      roles: [ORG_MEMBER]
      teamIds: ["\${ops.teamId}"]
outputs:
  teamId: \${ops.teamId}
  teamStatus: \${ops.status}
  memberStatus: \${opsMember.status}
`;

const GO_MAIN = `package main

import (
	"github.com/pulumi/pulumi/sdk/v3/go/pulumi"
	"github.com/pulumi/pulumi/sdk/v3/go/pulumi/config"

	"${SDK_MODULE}"
)

func main() {
	pulumi.Run(func(ctx *pulumi.Context) error {
		orgId := pulumi.String(config.Require(ctx, "orgId"))
		ops, err := cloudmanager.NewTeam(ctx, "ops", &cloudmanager.TeamArgs{
			OrgId:    orgId,
			Name:     pulumi.String("go-ops"),
			Founders: pulumi.StringArray{pulumi.String("go-ops@example.com")},
		})
		if err != nil {
			return err
		}
		member, err := cloudmanager.NewOrgMembership(ctx, "opsMember", &cloudmanager.OrgMembershipArgs{
			OrgId:    orgId,
			Username: pulumi.String("go-ops@example.com"),
			Roles:    pulumi.StringArray{pulumi.String("ORG_MEMBER")},
			TeamIds:  pulumi.StringArray{ops.TeamId},
		})
		if err != nil {
			return err
		}
		ctx.Export("teamId", ops.TeamId)
		ctx.Export("teamStatus", ops.Status)
		ctx.Export("memberStatus", member.Status)
		return nil
	})
}
`;
