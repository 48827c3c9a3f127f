// Running `pulumi-cloudmanager adopt` in-process against the embedded emulator: its stdout, stderr and
// exit status, with the credentials in the environment as a user sets them.

import type { RunningEmulator } from "../../emulator";
import { main } from "../../cli/main";

export interface AdoptRun {
  code: number;
  stdout: string;
  stderr: string;
}

/** 2026-12-07: the header's date, fixed so that two runs may be compared byte for byte. */
export const FIXED_EPOCH = "1796601600";

export async function runCli(argv: string[], env: NodeJS.ProcessEnv, tty = false): Promise<AdoptRun> {
  let stdout = "";
  let stderr = "";
  const code = await main(argv, {
    stdout: { write: (text: string) => (stdout += text) },
    stderr: { write: (text: string) => (stderr += text), isTTY: tty },
    env,
    now: () => new Date("2026-12-07T01:00:00Z"),
  });
  return { code, stdout, stderr };
}

/** The environment of a user whose API key is `key` (the emulator's owner key by default). */
export function keyEnv(
  emulator: RunningEmulator,
  key: { publicKey: string; privateKey: string } = emulator.credentials,
): NodeJS.ProcessEnv {
  return {
    MCLI_PUBLIC_API_KEY: key.publicKey,
    MCLI_PRIVATE_API_KEY: key.privateKey,
    MCLI_OPS_MANAGER_URL: emulator.baseUrl,
    SOURCE_DATE_EPOCH: FIXED_EPOCH,
  };
}

export function adopt(emulator: RunningEmulator, extra: string[] = [], env: NodeJS.ProcessEnv = keyEnv(emulator)): Promise<AdoptRun> {
  return runCli(["adopt", "--org", emulator.org.id, ...extra], env);
}
