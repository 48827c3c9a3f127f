import { defineConfig } from "vitest/config";

// Two projects: "unit" is the edit loop (emulator, sdk, provider against the emulator, in-process);
// "e2e" drives the real Pulumi CLI and is slower. `npm test` runs both.
export default defineConfig({
  test: {
    projects: [
      {
        test: {
          name: "unit",
          include: ["test/**/*.test.ts"],
          exclude: ["test/e2e/**"],
          testTimeout: 30_000,
          hookTimeout: 30_000,
        },
      },
      {
        test: {
          name: "e2e",
          include: ["test/e2e/**/*.test.ts"],
          // Makes the Pulumi CLI available first (no timeout: a first build from Go takes minutes).
          globalSetup: ["test/e2e/harness/global-setup.ts"],
          testTimeout: 600_000,
          hookTimeout: 600_000,
          // Each file drives its own Pulumi stacks; the machine has 2 cores.
          fileParallelism: false,
        },
      },
    ],
  },
});
