// The `cloudmanager` provider plugin's entry point, run by plugin/pulumi-resource-cloudmanager (the
// executable the Pulumi engine starts) with the engine's address as argument. `main` serves the
// provider over gRPC and prints its port on stdout (so nothing else may write to stdout); the
// runtime's notices go to the engine's Log service (./engine-log).
import "./node-version";
import { main } from "@pulumi/pulumi/provider";
import * as runtime from "../runtime";
import { engineAddressOf, engineNotices } from "./engine-log";
import { serveProviderConfig } from "./provider-config";
import { cloudmanagerProvider } from "./server";

const args = process.argv.slice(2);
const engineAddress = engineAddressOf(args);

// An explicit provider's properties reach the runtime through Configure; CheckConfig and DiffConfig
// check and compare them (./provider-config). The default provider keeps the stack config of the
// command being run (PULUMI_CONFIG, read at start), not the copy the engine saved at the last `up`:
// so a key rotated in stack config is used by the next plain refresh or destroy.
serveProviderConfig(async (config, explicit) => {
  if (explicit) await runtime.configure({ config });
});

cloudmanagerProvider(engineAddress === undefined ? {} : { notices: engineNotices(engineAddress) })
  .then((provider) => main(provider, args))
  .catch((e: unknown) => {
    console.error(`pulumi-resource-cloudmanager: ${e instanceof Error ? (e.stack ?? e.message) : String(e)}`);
    process.exit(1);
  });
