// The world every act of the demo runs in: the Pulumi CLI, a Cloud Manager emulator in this process,
// an organization owner with an API key of their own (someone in the Cloud Manager UI), and the
// environment of a local stack (file backend and PULUMI_HOME in a temporary folder, empty
// passphrase, nothing in your home). Everything opened here is closed or removed by the teardown.

import { mkdirSync, mkdtempSync } from "node:fs";
import { tmpdir } from "node:os";
import { dirname, join } from "node:path";
import { PulumiCommand } from "@pulumi/pulumi/automation";
import { startEmulator, type EmulatorOptions, type RunningEmulator } from "../../emulator";
import { ENV_VARS } from "../../provider";
import { CloudManagerClient } from "../../sdk";
import type { ActContext } from "./narration";
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
