// What the plugin's end-to-end tests (test/e2e/plugin*.test.ts) share on top of the e2e harness:
// projects whose Pulumi.yaml points `packages: cloudmanager:` at the plugin folder, stacks of them
// (an inline Node.js program declaring the plugin's resources by type token, or a local program),
// the `pulumi` binary run as a user or a pipeline runs it, and the plugin's resources in state.

import { spawn } from "node:child_process";
import { readdirSync, readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import * as pulumi from "@pulumi/pulumi";
import { LocalWorkspace, type ConfigMap, type PulumiFn } from "@pulumi/pulumi/automation";
import { REPO_ROOT } from "../e2e/harness/cli";
import type { E2eContext, StackOptions } from "../e2e/harness/e2e-context";
import { errorDiagnostics, StackOperationError, TestStack, type StateResource } from "../e2e/harness/test-stack";

export const PLUGIN_DIR = join(REPO_ROOT, "plugin");

export const ORG_INVITATION_TOKEN = "cloudmanager:index:OrgInvitation";
export const ORG_MEMBERSHIP_TOKEN = "cloudmanager:index:OrgMembership";
export const DEFAULT_PROVIDER_TYPE = "pulumi:providers:cloudmanager";

let counter = 0;

/** A Pulumi.yaml whose `packages:` names the plugin folder (absolute: the project lives under .e2e-work/). */
export function pulumiYaml(name: string, runtime: "nodejs" | "yaml" | "go", body = ""): string {
  return `name: ${name}\nruntime: ${runtime}\npackages:\n  cloudmanager: ${PLUGIN_DIR}\n${body}`;
}

function configure(e2e: E2eContext, stack: TestStack, opts: StackOptions): Promise<TestStack> {
  const kind = opts.credentials ?? "apiKey";
  const config: ConfigMap = { ...(kind === "none" ? {} : e2e.credentialConfig(kind)), ...opts.config };
  return (Object.keys(config).length > 0 ? stack.stack.setAllConfig(config) : Promise.resolve()).then(() => stack);
}

/** A stack of an inline Node.js program in a project that uses the plugin (config as the harness sets it). */
export async function pluginInlineStack(e2e: E2eContext, program: PulumiFn, opts: StackOptions = {}): Promise<TestStack> {
  const n = ++counter;
  const projectName = `cloudmanager-plugin-${n}`;
  const workDir = e2e.newWorkDir("plugin-inline");
  writeFileSync(join(workDir, "Pulumi.yaml"), pulumiYaml(projectName, "nodejs"));
  const stack = await LocalWorkspace.createOrSelectStack(
    { stackName: `plugin${n}`, projectName, program },
    { workDir, pulumiCommand: e2e.cli.command, envVars: { ...e2e.env, ...opts.env } },
  );
  return configure(e2e, new TestStack(stack, workDir), opts);
}

/** A stack of the local program in `workDir` (its Pulumi.yaml already written). */
export async function pluginLocalStack(e2e: E2eContext, workDir: string, opts: StackOptions = {}): Promise<TestStack> {
  const n = ++counter;
  const stack = await LocalWorkspace.createOrSelectStack(
    { stackName: `plugin${n}`, workDir },
    { pulumiCommand: e2e.cli.command, envVars: { ...e2e.env, ...opts.env } },
  );
  return configure(e2e, new TestStack(stack, workDir), opts);
}

export interface CliRun {
  code: number | null;
  output: string;
}

/** Runs `pulumi <args>` in `workDir` with the suite's environment (plus `env`), as a user or a CI job would. */
export function runPulumi(e2e: E2eContext, workDir: string, args: string[], env: Record<string, string> = {}): Promise<CliRun> {
  return new Promise((resolve, reject) => {
    const child = spawn(join(e2e.cli.binDir, "pulumi"), [...args, "--non-interactive", "--color", "never"], {
      cwd: workDir,
      env: { ...process.env, ...e2e.env, ...env },
      stdio: ["ignore", "pipe", "pipe"],
    });
    let output = "";
    child.stdout.setEncoding("utf8").on("data", (d: string) => (output += d));
    child.stderr.setEncoding("utf8").on("data", (d: string) => (output += d));
    child.on("error", reject);
    child.on("close", (code) => resolve({ code, output }));
  });
}

/** The resources of `type` in the stack's state, by resource name. */
export async function resourcesOfType(stack: TestStack, type: string): Promise<Map<string, StateResource>> {
  const found = new Map<string, StateResource>();
  for (const r of await stack.resources()) if (r.type === type) found.set(r.urn.slice(r.urn.lastIndexOf("::") + 2), r);
  return found;
}

/** The checkpoint of a stack as it rests in the file backend. */
export function stateFileOnDisk(e2e: E2eContext, stackName: string): string {
  const dir = join(e2e.backendDir, ".pulumi", "stacks");
  for (const project of readdirSync(dir)) {
    try {
      return readFileSync(join(dir, project, `${stackName}.json`), "utf8");
    } catch {
      // another project's folder
    }
  }
  throw new Error(`no state file for stack ${stackName} under ${dir}`);
}

export interface PluginPerson {
  name: string;
  username: string;
  roles: string[];
  teamIds?: string[];
  orgId?: string;
}

/** An OrgInvitation of the plugin declared from a Node.js program by its type token (no SDK). */
export class PluginOrgInvitation extends pulumi.CustomResource {
  declare public readonly orgId: pulumi.Output<string>;
  declare public readonly username: pulumi.Output<string>;
  declare public readonly roles: pulumi.Output<string[]>;
  declare public readonly teamIds: pulumi.Output<string[]>;
  declare public readonly invitationId: pulumi.Output<string | undefined>;
  declare public readonly status: pulumi.Output<string>;
  declare public readonly expiresAt: pulumi.Output<string | undefined>;

  constructor(name: string, args: Omit<PluginPerson, "name"> & { orgId: string }, opts?: pulumi.CustomResourceOptions) {
    super(
      ORG_INVITATION_TOKEN,
      name,
      {
        ...args,
        invitationId: undefined,
        status: undefined,
        createdAt: undefined,
        expiresAt: undefined,
        inviterUsername: undefined,
        orgName: undefined,
      },
      opts,
    );
  }
}

/** One plugin OrgInvitation per person; exports `statuses` (name → status) and `invitationIds`. */
export function pluginInvitationsProgram(orgId: string, people: () => readonly PluginPerson[]): PulumiFn {
  return async () => {
    const statuses: Record<string, pulumi.Output<string>> = {};
    const invitationIds: Record<string, pulumi.Output<string | undefined>> = {};
    for (const p of people()) {
      const inv = new PluginOrgInvitation(p.name, {
        orgId: p.orgId ?? orgId,
        username: p.username,
        roles: p.roles,
        ...(p.teamIds !== undefined ? { teamIds: p.teamIds } : {}),
      });
      statuses[p.name] = inv.status;
      invitationIds[p.name] = inv.invitationId;
    }
    return { statuses, invitationIds };
  };
}

/** The error of an operation that must fail. */
export async function failureOf(op: Promise<unknown>): Promise<StackOperationError> {
  const outcome = await op.then(
    () => undefined,
    (e: unknown) => e,
  );
  if (!(outcome instanceof StackOperationError)) throw new Error(`expected the operation to fail, got ${String(outcome)}`);
  return outcome;
}

/** Property → reason of each check failure the engine reported for the resource `name`. */
export function checkFailures(failure: StackOperationError, name: string): Record<string, string> {
  const found: Record<string, string> = {};
  for (const message of errorDiagnostics(failure)) {
    if (!message.includes(`resource '${name}'`)) continue;
    const match = /property (\w+) value .* has a problem: (.*)/s.exec(message);
    if (match?.[1] !== undefined && match[2] !== undefined) found[match[1]] = match[2].trim();
  }
  return found;
}

/**
 * The provider's notices, worded as the dynamic resources' ("warning: cloudmanager: …"), from either
 * front door: the dynamic provider writes them to stderr (shown as "info#err" diagnostics), the
 * plugin sends them to the engine's Log service as warnings attached to the resource.
 */
export function cloudmanagerWarnings(op: { diagnostics: { severity: string; message: string }[] }): string[] {
  return op.diagnostics.flatMap((d) =>
    d.message
      .split("\n")
      .map((line) => line.trim())
      .filter((line) => line !== "")
      .flatMap((line) => {
        if (line.startsWith("warning: cloudmanager:")) return [line];
        if (d.severity === "warning" && line.startsWith("cloudmanager:")) return [`warning: ${line}`];
        return [];
      }),
  );
}
