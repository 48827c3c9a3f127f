// The policy pack's entry point, which the engine runs (PulumiPolicy.yaml and package.json beside the
// pack's folder, policy/, point here): serves the rules of ./pack.ts to the CLI.

import { join } from "node:path";
import { PolicyPack } from "@pulumi/policy";
import { PACK_ARGS } from "./pack";
import { PACK_NAME } from "./names";

// PolicyPack takes the pack's version from the package.json of the working directory. The CLI starts
// a Node.js pack through the language host in the directory of the program being previewed, whose
// package.json often has no version (`pulumi new typescript` writes none) and is not ours anyway: the
// package root's (dist/policy/ → ../..) gives the pack this package's version.
process.chdir(join(__dirname, "..", ".."));

new PolicyPack(PACK_NAME, PACK_ARGS);
