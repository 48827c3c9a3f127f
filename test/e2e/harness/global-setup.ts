// Runs once before the e2e files, in vitest's main process: makes the Pulumi CLI available (a first
// build from Go modules can take many minutes, longer than a hook timeout), fails the run with
// instructions if it cannot, and provides the CLI's folder to every test file's worker (cli.ts).
import type { TestProject } from "vitest/node";
import { findPulumiBinDir } from "./cli";

export default async function setup(project: TestProject): Promise<void> {
  project.provide("pulumiBinDir", await findPulumiBinDir());
}
