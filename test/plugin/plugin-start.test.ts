// What the plugin process loads before it serves: the built entry (what plugin/pulumi-resource-cloudmanager
// runs), in a fresh process, stopped when it prints its port. @pulumi/pulumi's index loads the whole SDK
// (about 200 ms of CPU, at every start of the plugin, i.e. in every preview, up, refresh and destroy of a
// program that uses it: issue 22); the plugin needs only the provider server and the modules it loads.

import { join, resolve } from "node:path";
import { expect, it } from "vitest";
import { runNodeScript } from "../support/node-script";

const ROOT = resolve(__dirname, "../..");
const SDK_DIR = "/node_modules/@pulumi/pulumi/";

// Stops the plugin at the line it prints once it serves (its port), and reports @pulumi/pulumi's files it loaded.
const START_AND_REPORT = `
const write = process.stdout.write.bind(process.stdout);
process.stdout.write = (chunk, ...rest) => {
  if (!/^\\d+\\n$/.test(String(chunk))) return write(chunk, ...rest);
  const sdk = Object.keys(require.cache).filter((f) => f.includes(${JSON.stringify(SDK_DIR)}));
  write(JSON.stringify({ port: Number(chunk), sdk: sdk.map((f) => f.slice(f.lastIndexOf(${JSON.stringify(SDK_DIR)}) + ${SDK_DIR.length})) }) + "\\n");
  process.exit(0);
};
require(${JSON.stringify(join(ROOT, "dist/provider/plugin/main.js"))});
`;

it("the plugin serves with @pulumi/pulumi's provider server loaded and the SDK's index not", async () => {
  const run = await runNodeScript(START_AND_REPORT, ROOT);
  expect(run.code, run.stderr).toBe(0);
  const out = JSON.parse(run.stdout) as { port: number; sdk: string[] };
  expect(out.port).toBeGreaterThan(0);
  expect(out.sdk).toEqual(expect.arrayContaining(["provider/server.js", "runtime/rpc.js"]));
  expect(out.sdk).not.toContain("index.js");
});
