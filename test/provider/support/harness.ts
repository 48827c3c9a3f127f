// What every provider test stands on: a real emulator on 127.0.0.1:0, the provider runtime called
// in-process the way the engine's dynamic-provider host calls it, and the user-facing notices.

import { Struct, type JavaScriptValue } from "google-protobuf/google/protobuf/struct_pb";
import { afterAll, beforeAll, beforeEach, expect } from "vitest";
import { startEmulator, type EmulatorOptions, type RequestLogEntry, type RunningEmulator } from "../../../emulator";
import * as runtime from "../../../provider/runtime";
import { CONFIG_KEYS, ENV_VARS } from "../../../provider/runtime/credentials";
import type { PropertyBag } from "../../../provider/model/property-bag";
import type { OrgInvitationOutputs } from "../../../provider/resources/org-invitation/model";
import { CloudManagerClient } from "../../../sdk";

/** What the engine stores next to every property bag; the runtime must ignore it. */
export const PROVIDER_PLACEHOLDER = "exports.handler = undefined; // stands in for the serialized provider";

export interface Harness {
  emulator: RunningEmulator;
  orgId: string;
  /** Every notice the provider showed the user, in order. */
  notices: string[];
  /** A client of our own, acting "outside Pulumi" (a person using the Cloud Manager UI). */
  outside: CloudManagerClient;
  /** Runs `configure` with the given `cloudmanager:*` settings (default: the emulator's seeded API key). */
  configure(settings?: Partial<Record<keyof typeof CONFIG_KEYS, string>>): Promise<void>;
  /** API requests the emulator received since the last reset. */
  requests(): RequestLogEntry[];
  /** Between tests: fresh emulator state, fresh runtime, no notices. */
  reset(): Promise<void>;
  /**
   * The next `pulumi` command: a new provider process (fresh runtime, same config and emulator
   * state). The provider reads an organization once per deployment, so a change made outside Pulumi
   * shows in the next deployment, as with the engine.
   */
  newDeployment(): Promise<void>;
  close(): Promise<void>;
}

export async function startHarness(options: EmulatorOptions = {}): Promise<Harness> {
  clearCredentialEnv();
  const emulator = await startEmulator(options);
  const notices: string[] = [];
  runtime.setNoticeSink((message) => notices.push(message));
  const outside = new CloudManagerClient({ baseUrl: emulator.baseUrl, ...emulator.credentials, retry: { maxRetries: 0 } });
  let lastSettings: Partial<Record<keyof typeof CONFIG_KEYS, string>> | undefined;
  const harness: Harness = {
    emulator,
    orgId: emulator.org.id,
    notices,
    outside,
    async configure(settings) {
      lastSettings = settings;
      const values: Record<string, string> = {};
      const chosen = settings ?? { baseUrl: emulator.baseUrl, ...emulator.credentials };
      for (const [name, value] of Object.entries(chosen)) values[CONFIG_KEYS[name as keyof typeof CONFIG_KEYS]] = value;
      await runtime.configure({ config: configFrom(values) });
    },
    requests: () => emulator.state.requests(),
    async newDeployment() {
      await runtime.shutdown();
      await harness.configure(lastSettings);
    },
    async reset() {
      await runtime.shutdown();
      emulator.state.reset();
      notices.length = 0;
      clearCredentialEnv();
      await harness.configure();
    },
    async close() {
      await runtime.shutdown();
      runtime.setNoticeSink(undefined);
      await outside.close();
      await emulator.close();
    },
  };
  await harness.configure();
  return harness;
}

/** The `config` of a ConfigureRequest, as the dynamic-provider host builds it from the stack config. */
export function configFrom(values: Record<string, string>): { get(key: string): string | undefined; require(key: string): string } {
  return {
    get: (key) => values[key],
    require: (key) => {
      const value = values[key];
      if (value === undefined) throw new Error(`Missing required configuration key: ${key}`);
      return value;
    },
  };
}

/** Runs check then create, as the engine does on `pulumi up`, and asserts the state is storable. */
export async function checkAndCreate(news: PropertyBag): Promise<{ id: string; outs: OrgInvitationOutputs; inputs: PropertyBag }> {
  const checked = await runtime.check({}, { ...news, __provider: PROVIDER_PLACEHOLDER });
  expect(checked.failures ?? []).toEqual([]);
  const inputs = checked.inputs ?? {};
  const result = await runtime.create(inputs);
  expect(result.id).not.toBe("");
  const outs = result.outs;
  if (!outs) throw new Error("create returned no outputs");
  expectStorable(outs);
  return { id: result.id, outs, inputs };
}

/** The engine host encodes every result as a protobuf Struct: undefined values would make it throw. */
export function expectStorable(value: object): void {
  // Typed for JSON values only; whether `value` is one is exactly what this checks at runtime.
  const roundTrip = Struct.fromJavaScript(value as Record<string, JavaScriptValue>).toJavaScript();
  expect(roundTrip).toEqual(value);
}

/** State as the engine hands it back to diff/update/delete: the outputs plus `__provider`. */
export function stateOf(outs: OrgInvitationOutputs): PropertyBag {
  return { ...outs, __provider: PROVIDER_PLACEHOLDER };
}

export function clearCredentialEnv(): void {
  for (const name of Object.values(ENV_VARS)) delete process.env[name];
}

export function noticesMatching(harness: Harness, pattern: RegExp): string[] {
  return harness.notices.filter((n) => pattern.test(n));
}

/** API requests that are not list/get calls (what a test means by "sent something"). */
export function writes(harness: Harness): RequestLogEntry[] {
  return harness.requests().filter((r) => r.method !== "GET");
}

export async function settleRuntime(): Promise<void> {
  await runtime.shutdown();
}

export { runtime };

/**
 * For tests of check and diff, which are pure (they run at preview): the runtime with NO server
 * and no credentials, so any API call would fail the test with CLOUDMANAGER_CREDENTIALS_MISSING.
 * Collects the notices; a fresh runtime before each test.
 */
export function usePureRuntime(): { notices: string[]; orgId: string } {
  const notices: string[] = [];
  beforeAll(() => {
    clearCredentialEnv();
    runtime.setNoticeSink((message) => notices.push(message));
  });
  beforeEach(async () => {
    await runtime.shutdown();
    notices.length = 0;
  });
  afterAll(async () => {
    await runtime.shutdown();
    runtime.setNoticeSink(undefined);
  });
  return { notices, orgId: "5f1b2c3d4e5f6a7b8c9d0e1f" };
}
