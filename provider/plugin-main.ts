// The `cloudmanager` provider plugin's entry point, run by plugin/pulumi-resource-cloudmanager (the
// executable the Pulumi engine starts) with the engine's address as argument. `main` serves the
// provider over gRPC and prints its port on stdout (so nothing else may write to stdout); the
// runtime's warnings go to stderr, which the engine shows.
import "./plugin-node-version";
import { main } from "@pulumi/pulumi/provider";
import { cloudmanagerProvider } from "./plugin";

cloudmanagerProvider()
  .then((provider) => main(provider, process.argv.slice(2)))
  .catch((e: unknown) => {
    console.error(`pulumi-resource-cloudmanager: ${e instanceof Error ? (e.stack ?? e.message) : String(e)}`);
    process.exit(1);
  });
