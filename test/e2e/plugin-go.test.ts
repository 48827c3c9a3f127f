// The `cloudmanager` provider plugin from Go: tools/gen-sdks.sh generates the Go SDK from
// plugin/schema.json, it builds, and a Go program (runtime: go, `packages:` naming the plugin folder)
// that uses it runs through the real CLI against the emulator: up, an acceptance out of band,
// refresh, destroy with the drift warning. A second program declares a Team, a member's
// OrgMembership on it, its ProjectTeam, the member's ProjectMembership and the project's ProjectRoster
// (the SDK is generated from the schema at each run, so new resources need no step of their own): up,
// the gate, destroy.
//
// Needs Go on PATH (pulumi-language-go compiles the program with it) and the Go module proxy or a
// module cache holding the Pulumi Go SDK (building the CLI from Go modules fills it); a missing Go
// fails with what to do, never skips.

import { statSync, writeFileSync } from "node:fs";
import { delimiter, join } from "node:path";
import { describe, expect, test } from "vitest";
import { REPO_ROOT } from "./harness/cli";
import { useE2e, type E2eContext } from "./harness/e2e-context";
import { mustRunCommand } from "../support/run-command";
import { cloudmanagerWarnings, ORG_INVITATION_TOKEN, pluginLocalStack, pulumiYaml, resourcesOfType } from "../plugin/plugin-e2e";

let e2e: E2eContext;
useE2e("plugin-go", (context) => (e2e = context));

const mustRun = (command: string, args: string[], cwd: string) => mustRunCommand(command, args, cwd, { ...process.env, ...e2e.env });

/** The Pulumi Go SDK the program builds against: the CLI's own release (tools/pulumi-cli/go.mod). */
const GO_SDK_VERSION = "v3.274.1";
/** plugin/schema.json's language.go.importBasePath. */
const SDK_MODULE = "github.com/pulumi-cloudmanager/sdk/go/cloudmanager";

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

const MAIN_GO = `package main

import (
	"github.com/pulumi/pulumi/sdk/v3/go/pulumi"
	"github.com/pulumi/pulumi/sdk/v3/go/pulumi/config"

	"${SDK_MODULE}"
)

func main() {
	pulumi.Run(func(ctx *pulumi.Context) error {
		alice, err := cloudmanager.NewOrgInvitation(ctx, "alice", &cloudmanager.OrgInvitationArgs{
			OrgId:    pulumi.String(config.Require(ctx, "orgId")),
			Username: pulumi.String("alice@example.com"),
			Roles:    pulumi.StringArray{pulumi.String("ORG_MEMBER"), pulumi.String("ORG_GROUP_CREATOR")},
		})
		if err != nil {
			return err
		}
		ctx.Export("status", alice.Status)
		ctx.Export("invitationId", alice.InvitationId)
		return nil
	})
}
`;

let sdk: Promise<{ go: string; sdkDir: string }> | undefined;

/** The Go SDK generated from plugin/schema.json and built, once for this file's tests. */
function goSdk(): Promise<{ go: string; sdkDir: string }> {
  sdk ??= (async () => {
    const go = goOnPath();
    const sdks = join(e2e.newWorkDir("go-sdk"), "sdks");
    await mustRun("bash", [join(REPO_ROOT, "tools", "gen-sdks.sh"), "--out", sdks, "go"], REPO_ROOT);
    const sdkDir = join(sdks, "go", "cloudmanager");
    await mustRun(go, ["mod", "tidy"], sdkDir);
    await mustRun(go, ["build", "./..."], sdkDir);
    return { go, sdkDir };
  })();
  return sdk;
}

/** A Go project folder running `mainGo` against the generated SDK. */
async function goProject(label: string, mainGo: string): Promise<string> {
  const { go, sdkDir } = await goSdk();
  const workDir = e2e.newWorkDir(label);
  writeFileSync(join(workDir, "Pulumi.yaml"), pulumiYaml(label, "go"));
  writeFileSync(
    join(workDir, "go.mod"),
    `module example.com/${label}\n\ngo 1.26\n\nrequire (\n\tgithub.com/pulumi/pulumi/sdk/v3 ${GO_SDK_VERSION}\n\t${SDK_MODULE} v0.0.0\n)\n\nreplace ${SDK_MODULE} => ${sdkDir}\n`,
  );
  writeFileSync(join(workDir, "main.go"), mainGo);
  await mustRun(go, ["mod", "tidy"], workDir);
  return workDir;
}

describe("the cloudmanager plugin from Go", () => {
  test("the generated Go SDK builds, and a Go program using it runs up, refresh and destroy", async () => {
    const workDir = await goProject("plugin-go", MAIN_GO);

    const stack = await pluginLocalStack(e2e, workDir, { config: { orgId: { value: e2e.orgId } } });
    const up = await stack.up();
    expect(up.result.summary.resourceChanges).toEqual({ create: 2 });
    const sent = e2e.view.pendingFor("alice@example.com");
    expect(sent.roles.sort()).toEqual(["ORG_GROUP_CREATOR", "ORG_MEMBER"]);
    expect(await stack.outputs()).toEqual({ status: "PENDING", invitationId: sent.id });

    e2e.emulator.state.acceptInvitation(e2e.orgId, sent.id);
    await stack.refresh();
    expect((await resourcesOfType(stack, ORG_INVITATION_TOKEN)).get("alice")?.outputs?.["status"]).toBe("ACCEPTED");

    const destroy = await stack.destroy();
    expect(destroy.result.summary.result).toBe("succeeded");
    const warnings = cloudmanagerWarnings(destroy);
    expect(warnings).toHaveLength(1);
    expect(warnings[0]).toMatch(/alice@example\.com accepted the invitation/);
    expect(e2e.view.isMember("alice@example.com")).toBe(true);
  });

  test("Team, a member's OrgMembership on it, its ProjectTeam, the member's ProjectMembership and the project's ProjectRoster from Go: up converges, the gate passes, destroy removes the team", async () => {
    const gopher = e2e.emulator.state.addOrgUser(e2e.orgId, { username: "gopher@example.com", roles: ["ORG_MEMBER"] });
    const project = e2e.emulator.state.createProject(e2e.orgId, { name: "go-services" });
    const workDir = await goProject("plugin-go-teams", TEAMS_GO);
    const stack = await pluginLocalStack(e2e, workDir, { config: { orgId: { value: e2e.orgId }, projectId: { value: project.id } } });

    const up = await stack.up();
    expect(up.result.summary.resourceChanges).toEqual({ create: 6 });
    const team = e2e.emulator.state.teams(e2e.orgId).find((t) => t.name === "gophers");
    expect(team).toBeDefined();
    const teamId = team?.id ?? "";
    expect(await stack.outputs()).toEqual({
      teamId,
      teamStatus: "ACTIVE",
      projectTeamStatus: "ACTIVE",
      projectMembershipStatus: "ACTIVE",
      undeclaredUsers: "", // the roster's JSON Lines: nobody undeclared
    });
    const own = e2e.emulator.state.projectUsers(project.id).find((u) => u.username === "gopher@example.com");
    expect((own?.roles ?? []).filter((r) => r.groupId === project.id).map((r) => r.roleName)).toEqual(["GROUP_DATA_ACCESS_READ_ONLY"]);
    expect(e2e.emulator.state.teamUsers(e2e.orgId, teamId).map((u) => u.username)).toEqual(["gopher@example.com"]);
    expect(e2e.emulator.state.projectTeams(project.id)).toEqual([{ teamId, roleNames: ["GROUP_READ_ONLY"] }]);

    await stack.preview({ refresh: true, expectNoChanges: true });

    const mark = e2e.view.mark();
    const destroy = await stack.destroy();
    expect(destroy.result.summary.result).toBe("succeeded");
    // The member out of the project, then removed; the team taken off the project; the team deleted last.
    const writes = e2e.view.describeWritesSince(mark);
    expect([...writes].sort()).toEqual(
      [
        `DELETE /groups/${project.id}/users/${gopher.id} 204`,
        `DELETE /groups/${project.id}/teams/${teamId} 204`,
        `DELETE /orgs/${e2e.orgId}/teams/${teamId} 204`,
        `DELETE /orgs/${e2e.orgId}/users/${gopher.id} 204`,
      ].sort(),
    );
    expect(writes.at(-1)).toBe(`DELETE /orgs/${e2e.orgId}/teams/${teamId} 204`);
    expect(e2e.emulator.state.teams(e2e.orgId).some((t) => t.id === teamId)).toBe(false);
    expect(e2e.emulator.state.projectTeams(project.id)).toEqual([]);
  });
});

const TEAMS_GO = `package main

import (
	"github.com/pulumi/pulumi/sdk/v3/go/pulumi"
	"github.com/pulumi/pulumi/sdk/v3/go/pulumi/config"

	"${SDK_MODULE}"
)

func main() {
	pulumi.Run(func(ctx *pulumi.Context) error {
		orgId := pulumi.String(config.Require(ctx, "orgId"))
		gophers, err := cloudmanager.NewTeam(ctx, "gophers", &cloudmanager.TeamArgs{
			OrgId:    orgId,
			Name:     pulumi.String("gophers"),
			Founders: pulumi.StringArray{pulumi.String("gopher@example.com")},
		})
		if err != nil {
			return err
		}
		gopher, err := cloudmanager.NewOrgMembership(ctx, "gopher", &cloudmanager.OrgMembershipArgs{
			OrgId:    orgId,
			Username: pulumi.String("gopher@example.com"),
			Roles:    pulumi.StringArray{pulumi.String("ORG_MEMBER")},
			TeamIds:  pulumi.StringArray{gophers.TeamId},
		})
		if err != nil {
			return err
		}
		projectId := pulumi.String(config.Require(ctx, "projectId"))
		services, err := cloudmanager.NewProjectTeam(ctx, "gophersServices", &cloudmanager.ProjectTeamArgs{
			OrgId:     orgId,
			ProjectId: projectId,
			TeamId:    gophers.TeamId,
			Roles:     pulumi.StringArray{pulumi.String("GROUP_READ_ONLY")},
		})
		if err != nil {
			return err
		}
		// Their own roles in the project, after their membership (so a destroy takes them out of the project first).
		own, err := cloudmanager.NewProjectMembership(ctx, "gopherServices", &cloudmanager.ProjectMembershipArgs{
			OrgId:     orgId,
			ProjectId: projectId,
			Username:  pulumi.String("gopher@example.com"),
			Roles:     pulumi.StringArray{pulumi.String("GROUP_DATA_ACCESS_READ_ONLY")},
		}, pulumi.DependsOn([]pulumi.Resource{gopher}))
		if err != nil {
			return err
		}
		roster, err := cloudmanager.NewProjectRoster(ctx, "servicesRoster", &cloudmanager.ProjectRosterArgs{
			OrgId:     orgId,
			ProjectId: projectId,
			Managed:   pulumi.StringArray{pulumi.String("gopher@example.com")},
			Teams:     pulumi.StringArray{gophers.TeamId},
		}, pulumi.DependsOn([]pulumi.Resource{own, services}))
		if err != nil {
			return err
		}
		ctx.Export("teamId", gophers.TeamId)
		ctx.Export("teamStatus", gophers.Status)
		ctx.Export("projectTeamStatus", services.Status)
		ctx.Export("projectMembershipStatus", own.Status)
		ctx.Export("undeclaredUsers", roster.UnmanagedUsers)
		return nil
	})
}
`;
