// The world of one end-to-end test file: an emulator on 127.0.0.1:0, a file backend and PULUMI_HOME
// in a temporary folder, and stacks whose working folders live under <repo>/.e2e-work/ — inside the
// repository because the provider process resolves `pulumi-cloudmanager/provider/runtime` from its
// working directory (the project folder), which must find <repo>/node_modules. Nothing is written
// to the user's home. close() removes all of it.

import { mkdirSync, mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { LocalWorkspace, type ConfigMap, type PulumiFn } from "@pulumi/pulumi/automation";
import { afterAll, afterEach, beforeAll, expect } from "vitest";
import { startEmulator, type EmulatorOptions, type RunningEmulator } from "../../../emulator";
import { ENV_VARS } from "../../../provider/runtime/credentials";
import { CloudManagerClient } from "../../../sdk";
import { ensureCli, REPO_ROOT, type PulumiCli } from "./cli";
import { DuplicateInvitationMonitor, EmulatorView } from "./emulator-view";
import { TestStack } from "./test-stack";

export const WORK_ROOT = join(REPO_ROOT, ".e2e-work");

export type CredentialKind = "apiKey" | "serviceAccount";

export interface StackOptions {
  /** Which of the emulator's seeded principals goes into stack config (default "apiKey"); "none" sets no credentials. */
  credentials?: CredentialKind | "none";
  /** Extra stack config, set after the credentials. */
  config?: ConfigMap;
  /** Extra environment for the CLI and the provider process it starts (e.g. MCLI_* credentials). */
  env?: Record<string, string>;
}

export interface E2eContext {
  cli: PulumiCli;
  emulator: RunningEmulator;
  orgId: string;
  view: EmulatorView;
  /** Fails the scenario if a user ever had two pending invitations; see DuplicateInvitationMonitor. */
  duplicates: DuplicateInvitationMonitor;
  /**
   * An organization owner acting outside Pulumi (someone in the Cloud Manager UI or a script), with
   * an API key of its own so its requests are told apart from the provider's in the request log.
   */
  admin: CloudManagerClient;
  adminPublicKey: string;
  /** The file backend's folder (`PULUMI_BACKEND_URL`): the state files as they rest on disk. */
  backendDir: string;
  /** The environment every CLI invocation gets (also usable to run `pulumi` directly). */
  env: Record<string, string>;
  /** A stack of an inline program (run in this process, `--client` mode). */
  inlineStack(program: PulumiFn, options?: StackOptions): Promise<TestStack>;
  /** A stack of a local program: `workDir` holds a Pulumi.yaml (the language host runs the program). */
  localStack(workDir: string, options?: StackOptions): Promise<TestStack>;
  /** This file's folder under <repo>/.e2e-work/, removed by close(). */
  workRoot: string;
  /** A fresh folder under this file's working root, for a local program's Pulumi.yaml. */
  newWorkDir(label: string): string;
  /** Deletes every pending invitation left in the org (a failed scenario's leftovers), as the admin. */
  withdrawAllPending(): Promise<void>;
  /** `cloudmanager:*` config for one of the emulator's seeded principals. */
  credentialConfig(kind: CredentialKind): ConfigMap;
  close(): Promise<void>;
}

let runCounter = 0;

/** What setup has opened so far, for closing it if setup fails half-way. */
interface Opened {
  admin?: CloudManagerClient;
  temp?: string;
  workRoot?: string;
}

export async function startE2e(label: string, options: EmulatorOptions = {}): Promise<E2eContext> {
  const cli = await ensureCli();
  const duplicates = new DuplicateInvitationMonitor();
  const userLog = options.log;
  const emulator = await startEmulator({
    ...options,
    log: (line) => {
      duplicates.onRequest(line);
      userLog?.(line);
    },
  });
  // From here on a failure must not leave the emulator (or the folders) behind: the test file's
  // afterAll never gets a context to close.
  const opened: Opened = {};
  try {
    return build(label, cli, emulator, duplicates, opened);
  } catch (e) {
    await opened.admin?.close().catch(() => undefined);
    await emulator.close().catch(() => undefined);
    for (const dir of [opened.workRoot, opened.temp]) if (dir !== undefined) rmSync(dir, { recursive: true, force: true });
    throw e;
  }
}

function build(
  label: string,
  cli: PulumiCli,
  emulator: RunningEmulator,
  duplicates: DuplicateInvitationMonitor,
  opened: Opened,
): E2eContext {
  const view = new EmulatorView(emulator);
  duplicates.attach(view);

  const adminKey = emulator.state.addApiKey({ name: "admin outside Pulumi", orgRoles: [{ orgId: emulator.org.id, roles: ["ORG_OWNER"] }] });
  view.outsideKeys.add(adminKey.publicKey);
  const admin = new CloudManagerClient({ baseUrl: emulator.baseUrl, publicKey: adminKey.publicKey, privateKey: adminKey.privateKey });
  opened.admin = admin;

  const temp = mkdtempSync(join(tmpdir(), "cloudmanager-e2e-"));
  opened.temp = temp;
  const backend = join(temp, "backend");
  mkdirSync(backend);
  mkdirSync(WORK_ROOT, { recursive: true });
  const workRoot = mkdtempSync(join(WORK_ROOT, `${label}-`));
  opened.workRoot = workRoot;

  const env: Record<string, string> = {
    PATH: cli.path,
    PULUMI_HOME: join(temp, "home"),
    PULUMI_BACKEND_URL: `file://${backend}`,
    PULUMI_CONFIG_PASSPHRASE: "",
    PULUMI_SKIP_UPDATE_CHECK: "true",
    PULUMI_DISABLE_AUTOMATIC_PLUGIN_ACQUISITION: "true",
    PULUMI_SKIP_CONFIRMATIONS: "true",
    // The provider falls back to these; blank them so only stack config counts (empty = unset).
    ...Object.fromEntries(Object.values(ENV_VARS).map((name) => [name, ""])),
  };

  const credentialConfig = (kind: CredentialKind): ConfigMap => {
    const base: ConfigMap = { "cloudmanager:baseUrl": { value: emulator.baseUrl } };
    if (kind === "apiKey") {
      return {
        ...base,
        "cloudmanager:publicKey": { value: emulator.credentials.publicKey },
        "cloudmanager:privateKey": { value: emulator.credentials.privateKey, secret: true },
      };
    }
    const account = emulator.serviceAccount;
    if (!account) throw new Error("this emulator was started without a service account");
    return {
      ...base,
      "cloudmanager:clientId": { value: account.clientId },
      "cloudmanager:clientSecret": { value: account.clientSecret, secret: true },
    };
  };

  const newWorkDir = (name: string): string => {
    const dir = join(workRoot, `${name}-${++runCounter}`);
    mkdirSync(dir, { recursive: true });
    return dir;
  };

  const configure = async (stack: TestStack, opts: StackOptions) => {
    const kind = opts.credentials ?? "apiKey";
    const config: ConfigMap = { ...(kind === "none" ? {} : credentialConfig(kind)), ...opts.config };
    if (Object.keys(config).length > 0) await stack.stack.setAllConfig(config);
    return stack;
  };

  return {
    cli,
    emulator,
    orgId: emulator.org.id,
    view,
    duplicates,
    admin,
    adminPublicKey: adminKey.publicKey,
    backendDir: backend,
    env,
    credentialConfig,
    workRoot,
    newWorkDir,
    async inlineStack(program, opts = {}) {
      const n = ++runCounter;
      const workDir = newWorkDir("inline");
      const stack = await LocalWorkspace.createOrSelectStack(
        { stackName: `e2e${n}`, projectName: `cloudmanager-e2e-${n}`, program },
        { workDir, pulumiCommand: cli.command, envVars: { ...env, ...opts.env } },
      );
      return configure(new TestStack(stack, workDir), opts);
    },
    async localStack(workDir, opts = {}) {
      const n = ++runCounter;
      const stack = await LocalWorkspace.createOrSelectStack(
        { stackName: `e2e${n}`, workDir },
        { pulumiCommand: cli.command, envVars: { ...env, ...opts.env } },
      );
      return configure(new TestStack(stack, workDir), opts);
    },
    async withdrawAllPending() {
      for (const inv of view.pending()) await admin.deleteInvitation(emulator.org.id, inv.id);
    },
    async close() {
      await admin.close();
      await emulator.close();
      rmSync(workRoot, { recursive: true, force: true });
      rmSync(temp, { recursive: true, force: true });
    },
  };
}

/**
 * The lifecycle every e2e file shares: start its context before the file's tests; after each test
 * withdraw what is still pending (a failed scenario must not leak into the next: counts are of the
 * whole org, and create would adopt a leftover invitation); after all of them close everything and
 * fail the file if any user ever had two pending invitations. `set` receives the context once up.
 */
export function useE2e(
  label: string,
  set: (e2e: E2eContext) => void,
  options: { emulator?: EmulatorOptions; withdrawAfterEach?: boolean } = {},
): void {
  let e2e: E2eContext | undefined;
  beforeAll(async () => {
    e2e = await startE2e(label, options.emulator);
    set(e2e);
  });
  if (options.withdrawAfterEach ?? true) {
    afterEach(async () => {
      await e2e?.withdrawAllPending();
    });
  }
  afterAll(async () => {
    const violations = e2e?.duplicates.violations ?? [];
    await e2e?.close();
    expect(violations).toEqual([]);
  });
}
