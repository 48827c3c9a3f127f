// The `cloudmanager` provider plugin's entry point, run by plugin/pulumi-resource-cloudmanager (the
// executable the Pulumi engine starts) with the engine's address as argument. `main` serves the
// provider over gRPC and prints its port on stdout (so nothing else may write to stdout); the
// runtime's notices go to the engine's Log service (./engine-log).
import "./node-version";
import { main } from "@pulumi/pulumi/provider";
import { cloudmanagerProvider } from "./server";
import { engineAddressOf, engineNotices } from "./engine-log";

const args = process.argv.slice(2);
const engineAddress = engineAddressOf(args);

cloudmanagerProvider(engineAddress === undefined ? {} : { notices: engineNotices(engineAddress) })
  .then((provider) => main(provider, args))
  .catch((e: unknown) => {
    console.error(`pulumi-resource-cloudmanager: ${e instanceof Error ? (e.stack ?? e.message) : String(e)}`);
    process.exit(1);
  });
