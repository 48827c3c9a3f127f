// The language hosts beside the Pulumi CLI other than Node's: pulumi-language-yaml and
// pulumi-language-go, which tools/pulumi-cli/ensure-pulumi.sh puts next to `pulumi` (the official
// install ships them; otherwise they are built from the wrapper modules tools/pulumi-cli/language-yaml
// and language-go). A minimal program of each runtime, with no resources, takes a value from stack
// config and exports it; `pulumi up` and `pulumi destroy` run it through the real engine and host
// against the suite's file backend.
//
// A missing host (or, for the Go program, a missing Go toolchain) fails with what to do, never skips.
// The Go program's go.mod has no replace lines: `go mod tidy` resolves the Pulumi Go SDK through the
// Go module proxy (or the module cache, which building the CLI already filled), at the CLI's version.

import { existsSync, statSync, writeFileSync } from "node:fs";
import { delimiter, join } from "node:path";
import { describe, expect, test } from "vitest";
import { useE2e, type E2eContext } from "./harness/e2e-context";
import { runCommand } from "../support/run-command";

let e2e: E2eContext;
useE2e("language-hosts", (context) => (e2e = context), { withdrawAfterEach: false });

const run = (command: string, args: string[], cwd: string) => runCommand(command, args, cwd, { ...process.env, ...e2e.env });

/** The Go SDK the Go program builds against: the CLI's own release (tools/pulumi-cli/go.mod). */
const GO_SDK_VERSION = "v3.274.1";

function isExecutable(path: string): boolean {
  try {
    return statSync(path).isFile() && (statSync(path).mode & 0o111) !== 0;
  } catch {
    return false;
  }
}

/** The first `name` on a PATH string, if any. */
function onPath(name: string, path: string): string | undefined {
  return path
    .split(delimiter)
    .filter((dir) => dir !== "")
    .map((dir) => join(dir, name))
    .find(isExecutable);
}

/**
 * Where the CLI will find `pulumi-language-<runtime>` (next to `pulumi`, or on the PATH the CLI gets);
 * throws, saying what to do, when it is nowhere.
 */
function requireHost(runtime: "yaml" | "go"): string {
  const label = runtime === "yaml" ? "YAML" : "Go";
  const name = `pulumi-language-${runtime}`;
  const beside = join(e2e.cli.binDir, name);
  if (isExecutable(beside)) return beside;
  const found = onPath(name, e2e.env["PATH"] ?? "");
  if (found !== undefined) return found;
  throw new Error(
    `The Pulumi ${label} language host is missing: ${name} is neither next to pulumi in ${e2e.cli.binDir} ` +
      `nor on the PATH the CLI gets. tools/pulumi-cli/ensure-pulumi.sh puts it there (the official install ships it; ` +
      `otherwise it is built from tools/pulumi-cli/language-${runtime}/go.mod). Run \`bash tools/pulumi-cli/ensure-pulumi.sh\` ` +
      `and read its output to see why it did not.`,
  );
}

/** Runs the program of `workDir` up and down through the Automation API and checks what it exported. */
async function upAndDestroy(workDir: string, greeting: string, expected: string): Promise<void> {
  const stack = await e2e.localStack(workDir, { credentials: "none", config: { greeting: { value: greeting } } });

  const up = await stack.up();
  expect(up.result.summary.result).toBe("succeeded");
  expect(up.result.summary.resourceChanges).toEqual({ create: 1 }); // the stack itself
  expect(await stack.outputs()).toEqual({ message: expected });

  const down = await stack.destroy();
  expect(down.result.summary.result).toBe("succeeded");
  expect(down.result.summary.resourceChanges).toEqual({ delete: 1 });
  expect(await stack.resources()).toEqual([]);
}

describe("language hosts beside the Pulumi CLI", () => {
  test("YAML: a program of `runtime: yaml` runs up and destroy through pulumi-language-yaml", async () => {
    requireHost("yaml");
    const workDir = e2e.newWorkDir("yaml");
    writeFileSync(
      join(workDir, "Pulumi.yaml"),
      `name: language-host-yaml
runtime: yaml
description: The smallest YAML program - config in, an output out
config:
  greeting:
    type: string
variables:
  audience: YAML
outputs:
  message: \${greeting} from \${audience}
`,
    );

    await upAndDestroy(workDir, "hello", "hello from YAML");
  });

  test("Go: a package main using the Pulumi Go SDK runs up and destroy through pulumi-language-go", async () => {
    requireHost("go");
    const go = onPath("go", e2e.env["PATH"] ?? "");
    if (go === undefined) {
      throw new Error(
        "Go is not on PATH: pulumi-language-go builds the Go program with the machine's Go (>= 1.26), which this test needs.",
      );
    }
    const workDir = e2e.newWorkDir("go");
    writeFileSync(join(workDir, "Pulumi.yaml"), "name: language-host-go\nruntime: go\ndescription: The smallest Go program\n");
    writeFileSync(
      join(workDir, "go.mod"),
      `module example.com/language-host-go

go 1.26

require github.com/pulumi/pulumi/sdk/v3 ${GO_SDK_VERSION}
`,
    );
    writeFileSync(
      join(workDir, "main.go"),
      `package main

import (
	"github.com/pulumi/pulumi/sdk/v3/go/pulumi"
	"github.com/pulumi/pulumi/sdk/v3/go/pulumi/config"
)

func main() {
	pulumi.Run(func(ctx *pulumi.Context) error {
		greeting := config.Require(ctx, "greeting")
		ctx.Export("message", pulumi.String(greeting+" from Go"))
		return nil
	})
}
`,
    );
    // go.sum: the SDK's module graph, through the module proxy (or the module cache).
    const tidy = await run(go, ["mod", "tidy"], workDir);
    if (tidy.code !== 0) throw new Error(`go mod tidy failed (exit ${tidy.code}) in ${workDir}:\n${tidy.output}`);
    expect(existsSync(join(workDir, "go.sum"))).toBe(true);

    // The host compiles the program on `up` (a first build of the SDK takes minutes on 2 cores).
    await upAndDestroy(workDir, "hello", "hello from Go");
  });
});
