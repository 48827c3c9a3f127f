// Pulumi program: the organization given by the stack config `orgId` has exactly the people listed
// in people.yaml. One OrgMembership per person invites them, keeps their roles and teams in step
// once they are members, and removes their access when they leave the list; one OrgRoster reports
// everyone else who has access (the drift gate fails on them) and, with `prune`, removes them. The
// teams people.yaml declares (`teams:`, by name) are made, renamed and deleted from it, with their
// roles in projects (one Team each, one ProjectTeam per team and project). A person's own project roles
// (`projects:` in their entry) are one ProjectMembership per person and project, and each project the
// file names has a ProjectRoster: project access nobody listed fails the gate and, with `prune`, is removed.
//
//   pulumi config set orgId 5f1b2c3d4e5f6a7b8c9d0e1f
//   pulumi config set cloudmanager:publicKey …; pulumi config set --secret cloudmanager:privateKey …
//   pulumi config set --path 'ignore[0]' '*@break-glass.example.com'   # optional: never reported or pruned
//   pulumi config set --path 'ignore[1]' 'owner@example.com'           # e.g. the projects' own owner, if not listed
//   pulumi up --refresh                                                # reports undeclared access
//   pulumi up --refresh --config prune=true                            # removes it (GitOps: on merge only)
//
// Stack config: `orgId` (required); `peopleFile` (another list, relative to the Pulumi project
// directory); `ignore` (a list of usernames or `*` patterns; both rosters); `prune` (true/false, default
// false; both rosters); `retain` (a list of emails whose access stays when they are taken off the list; README.md).

import { readFileSync } from "node:fs";
import * as pulumi from "@pulumi/pulumi";
import { defaultPeopleFile } from "../people/people";
import { declareOrgMemberships, parseAccessList, usernamesFromConfig } from "./declare-org-memberships";

const config = new pulumi.Config();
const orgId = config.require("orgId");
// people.yaml sits next to this file's source; the compiled program runs from dist/, where tsc does not copy it.
const peopleFile = config.get("peopleFile") ?? defaultPeopleFile(__dirname, "org-membership");
const { people, teams } = parseAccessList(readFileSync(peopleFile, "utf8"), peopleFile);

const access = declareOrgMemberships(people, orgId, {
  teams,
  ignore: usernamesFromConfig("ignore", config.getObject<unknown>("ignore")),
  prune: config.getBoolean("prune") ?? false,
  retain: usernamesFromConfig("retain", config.getObject<unknown>("retain")),
});

/** Each person's status, by email (lower case). */
export const statuses = access.statuses;
/**
 * Pending invitations for people not in the list (as of this run), one JSON object per line, sorted by
 * username (`pulumi stack output unmanagedInvitations | jq -c .`): "" after a pruning `up`.
 */
export const unmanagedInvitations = access.roster.unmanagedInvitations;
/** Members not in the list (as of this run), one JSON object per line, sorted by username: "" after a pruning `up`. */
export const unmanagedMembers = access.roster.unmanagedMembers;
/** Each declared team's id and status (ACTIVE; WAITING while none of its people is a member yet; DELETED by hand), by name. */
export const teamStatuses = access.teamStatuses;
/** Each team's roles in a project: ACTIVE, WAITING (its team waits) or REMOVED (taken off by hand), by `<team>/<project id>`. */
export const projectTeamStatuses = access.projectTeamStatuses;
/** Each person's own roles in a project: PENDING (not a member yet), ACTIVE or REMOVED (taken off by hand), by `<email>/<project id>`. */
export const projectMembershipStatuses = access.projectMembershipStatuses;
/** Per project the list names: how many people, pending project invitations and teams nobody declared (as of this run); 0 after a pruning `up`. */
export const undeclaredProjectAccess = access.undeclaredProjectAccess;
