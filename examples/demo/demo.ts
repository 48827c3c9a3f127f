// `npm run demo`: the story of this package end to end, on this machine, with nothing to set up.
// A Cloud Manager emulator runs in this process; a local Pulumi stack runs through the Automation API
// and the real `pulumi` CLI, with its state and passphrase in a temporary folder — nothing in your home.
//
//   npm run demo                   OrgInvitation: invitations sent, accepted, revoked, expired, re-sent (./invitation-act)
//   npm run demo -- --membership   OrgMembership and OrgRoster: access from invitation to membership, roles
//                                  edited by hand set back, a stranger's invitation pruned, people removed,
//                                  one kept with retainOnDelete (./membership-act)
//   npm run demo -- --teams        Team and ProjectTeam: teams wait for a member, are made with their project
//                                  roles, put back after by-hand changes, renamed and deleted (./teams-act)
//   npm run demo -- --projects     ProjectMembership and ProjectRoster: people's own project roles wait while they
//                                  are invited, are given once they accept; project access nobody declared fails
//                                  the gate and is pruned, a raised role set back (./projects-act)
//
// Every step's outcome is checked; anything unexpected ends the demo with exit code 1.
// DEMO_VERBOSE=1 shows the Pulumi CLI's own output too; DEMO_KEEP=1 keeps the temporary folders.
// Ctrl-C (or SIGTERM) stops the running Pulumi command and removes what the demo created.

import { parseArgs } from "node:util";
import { findRepoRoot } from "./example-project";
import { invitationAct } from "./invitation-act";
import { membershipAct } from "./membership-act";
import { DemoFailure, type ActContext } from "./narration";
import { projectsAct } from "./projects-act";
import { teamsAct } from "./teams-act";
import { exitCode, Teardown } from "./teardown";

const USAGE = "usage: npm run demo [-- --membership | -- --teams | -- --projects]";

const VERBOSE = process.env["DEMO_VERBOSE"] === "1";
const KEEP = process.env["DEMO_KEEP"] === "1";

const teardown = new Teardown(KEEP);

async function main(): Promise<void> {
  let act: (context: ActContext) => Promise<void>;
  try {
    const { values } = parseArgs({
      options: {
        membership: { type: "boolean", default: false },
        teams: { type: "boolean", default: false },
        projects: { type: "boolean", default: false },
      },
      allowPositionals: false,
    });
    const chosen = [values.membership, values.teams, values.projects].filter(Boolean).length;
    if (chosen > 1) throw new Error("choose one act: --membership, --teams or --projects");
    act = values.projects ? projectsAct : values.teams ? teamsAct : values.membership ? membershipAct : invitationAct;
  } catch (e) {
    console.error(`${e instanceof Error ? e.message : String(e)}\n${USAGE}`);
    process.exit(2);
  }
  const context: ActContext = { repoRoot: findRepoRoot(), teardown, verbose: VERBOSE };
  teardown.handleSignals();
  try {
    await act(context);
  } finally {
    const kept = await teardown.run();
    if (kept.length > 0) console.log(`\n(DEMO_KEEP=1: kept ${kept.join(" and ")})`);
  }
}

main().then(
  () => process.exit(0),
  (e: unknown) => {
    const signal = teardown.interruptedBy;
    if (signal !== undefined) {
      console.error(`\nInterrupted by ${signal}: the emulator is stopped and the demo's folders are removed.`);
      process.exit(exitCode(signal));
    }
    console.error(`\nDEMO FAILED: ${e instanceof Error ? e.message : String(e)}`);
    if (!(e instanceof DemoFailure) && e instanceof Error && e.stack) console.error(e.stack);
    process.exit(1);
  },
);
