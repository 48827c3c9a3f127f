// The world every act of the demo runs in: the Pulumi CLI, a Cloud Manager emulator in this process,
// an organization owner with an API key of their own (someone in the Cloud Manager UI), and the
// environment of a local stack (file backend and PULUMI_HOME in a temporary folder, empty
// passphrase, nothing in your home); the stack of an act's inline program on it, and the projects an
// admin makes. Everything opened here is closed or removed by the teardown.

import { mkdirSync, mkdtempSync } from "node:fs";
import { tmpdir } from "node:os";
import { dirname, join } from "node:path";
import { LocalWorkspace, PulumiCommand, type ConfigMap, type PulumiFn, type Stack } from "@pulumi/pulumi/automation";
import { startEmulator, type EmulatorOptions, type RunningEmulator } from "../../emulator";
import { ENV_VARS } from "../../provider";
import { CloudManagerClient } from "../../sdk";
import { newWorkDir } from "./example-project";
import { controlPlane, type ActContext } from "./narration";
import { ensurePulumiCli } from "./pulumi-cli";

export interface DemoWorld {
  /** The folder holding `pulumi` and its plugins. */
  binDir: string;
  pulumiCommand: PulumiCommand;
  emulator: RunningEmulator;
  /** The emulator's organization id. */
  org: string;
  /** An organization owner acting outside Pulumi, with an API key of its own. */
  admin: CloudManagerClient;
  /** The temporary folder holding the backend and PULUMI_HOME. */
  temp: string;
  /** The environment of every Pulumi command. */
  envVars: Record<string, string>;
}

export async function startDemoWorld(context: ActContext, emulatorOptions: EmulatorOptions): Promise<DemoWorld> {
  const { repoRoot, teardown } = context;
  const binDir = await ensurePulumiCli(repoRoot, teardown.signal);
  const emulator = await startEmulator(emulatorOptions);
  teardown.close(() => emulator.close());
  const temp = mkdtempSync(join(tmpdir(), "cloudmanager-demo-"));
  teardown.folder(temp);
  // An organization owner working in Cloud Manager, with an API key of their own.
  const org = emulator.org.id;
  const adminKey = emulator.state.addApiKey({ name: "an admin", orgRoles: [{ orgId: org, roles: ["ORG_OWNER"] }] });
  const admin = new CloudManagerClient({ baseUrl: emulator.baseUrl, publicKey: adminKey.publicKey, privateKey: adminKey.privateKey });
  teardown.close(() => admin.close());

  const pulumiCommand = await PulumiCommand.get({ root: dirname(binDir) });
  const backend = join(temp, "backend");
  mkdirSync(backend);
  const envVars: Record<string, string> = {
    PATH: [binDir, join(repoRoot, "node_modules", ".bin"), process.env["PATH"] ?? ""].join(":"),
    PULUMI_HOME: join(temp, "pulumi-home"),
    PULUMI_BACKEND_URL: `file://${backend}`,
    PULUMI_CONFIG_PASSPHRASE: "",
    PULUMI_SKIP_UPDATE_CHECK: "true",
    PULUMI_DISABLE_AUTOMATIC_PLUGIN_ACQUISITION: "true",
    // Only the stack config counts: credentials in your environment are blanked for the demo.
    ...Object.fromEntries(Object.values(ENV_VARS).map((name) => [name, ""])),
  };
  return { binDir, pulumiCommand, emulator, org, admin, temp, envVars };
}

/** The stack config that points the provider at the emulator with the stack's own API key (the private key secret). */
export function providerConfig(world: DemoWorld): ConfigMap {
  const { emulator } = world;
  return {
    "cloudmanager:baseUrl": { value: emulator.baseUrl },
    "cloudmanager:publicKey": { value: emulator.credentials.publicKey },
    "cloudmanager:privateKey": { value: emulator.credentials.privateKey, secret: true },
  };
}

export interface InlineStack {
  stack: Stack;
  /** The project folder, under <repo>/.e2e-work/ (removed by the teardown). */
  workDir: string;
  /** Where the act writes the people list the program reads (`<workDir>/people.yaml`). */
  peopleFile: string;
}

/**
 * The stack "demo" of an inline program (run by the Automation API in this process) over people.yaml,
 * in a fresh folder `<repo>/.e2e-work/<label>-XXXX/`, configured with `config` and the provider's.
 */
export async function inlineStack(
  context: ActContext,
  world: DemoWorld,
  label: string,
  projectName: string,
  program: (peopleFile: string) => PulumiFn,
  config: ConfigMap = {},
): Promise<InlineStack> {
  const workDir = newWorkDir(label, undefined, context.repoRoot);
  context.teardown.folder(workDir);
  const peopleFile = join(workDir, "people.yaml");
  const { pulumiCommand, envVars } = world;
  const stack = await LocalWorkspace.createOrSelectStack(
    { stackName: "demo", projectName, program: program(peopleFile) },
    { workDir, pulumiCommand, envVars },
  );
  await stack.setAllConfig({ ...config, ...providerConfig(world) });
  return { stack, workDir, peopleFile };
}

/** Projects made by an admin (control plane), by name: their ids, in the order given. */
export async function createProjects<N extends string>(world: DemoWorld, names: readonly N[]): Promise<Record<N, string>> {
  const ids = {} as Record<N, string>;
  for (const name of names) {
    const project = (await controlPlane(world.emulator, `orgs/${world.org}/groups`, { name })) as { id: string };
    ids[name] = project.id;
  }
  return ids;
}
