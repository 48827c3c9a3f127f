// Runs once before the e2e files: makes the Pulumi CLI available (a first build from Go modules can
// take many minutes, longer than a hook timeout) and fails the run with instructions if it cannot.
import { ensureCli } from "./cli";

export default async function setup(): Promise<void> {
  await ensureCli();
}
