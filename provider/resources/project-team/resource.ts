// The ProjectTeam resource: a team's roles in one project of its organization. Deleting it takes the
// team off the project, never deletes the team. Semantics: ./lifecycle (docs/lifecycle.md, "ProjectTeam").

import * as pulumi from "@pulumi/pulumi";
import { URN_KEY, type PropertyBag } from "../../model/property-bag";
import { dynamicType } from "../../model/type-tokens";
import { refuseCloudmanagerProvider } from "../provider-option";
import { storedProjectTeamProvider } from "../stored-provider";
import { pauseDebugStacks } from "../debug-stacks";
import { withStoredProvider } from "../dynamic-registration";
import * as stored from "./stored";
import type { ProjectTeamStatus } from "./model";

export interface ProjectTeamArgs {
  /** The organization of the team and the project (whose credentials are used). Changing it replaces the resource. */
  orgId: pulumi.Input<string>;
  /** The project (the API's group): 24 hexadecimal characters. Changing it replaces the resource. */
  projectId: pulumi.Input<string>;
  /** The team: a `Team`'s `teamId` (or any team id of the organization). Changing it replaces the resource. */
  teamId: pulumi.Input<string>;
  /** Project roles (`GROUP_…`, the nine of Cloud Manager), e.g. `["GROUP_READ_ONLY"]`. Changed in place; order does not matter. */
  roles: pulumi.Input<pulumi.Input<string>[]>;
}

const PROJECT_TEAM_TYPE = dynamicType("ProjectTeam");

export class ProjectTeam extends pulumi.CustomResource {
  declare public readonly orgId: pulumi.Output<string>;
  declare public readonly projectId: pulumi.Output<string>;
  declare public readonly teamId: pulumi.Output<string>;
  /** The roles, sorted; after `pulumi refresh`, as Cloud Manager has them. */
  declare public readonly roles: pulumi.Output<string[]>;
  /** ACTIVE, WAITING (its Team waits for a founder) or REMOVED (taken off the project outside Pulumi; the next `up` puts it back). */
  declare public readonly status: pulumi.Output<ProjectTeamStatus>;
  declare public readonly teamName: pulumi.Output<string | undefined>;
  declare public readonly projectName: pulumi.Output<string | undefined>;

  constructor(name: string, args: ProjectTeamArgs, opts?: pulumi.CustomResourceOptions) {
    refuseCloudmanagerProvider("ProjectTeam", name, opts);
    const props: PropertyBag = {
      [URN_KEY]: pulumi.createUrn(name, PROJECT_TEAM_TYPE, opts?.parent),
      orgId: args.orgId,
      projectId: args.projectId,
      teamId: args.teamId,
      roles: args.roles,
      status: undefined,
      teamName: undefined,
      projectName: undefined,
    };
    const stacks = pauseDebugStacks();
    try {
      super(PROJECT_TEAM_TYPE, name, withStoredProvider(stored, storedProjectTeamProvider, props), opts);
    } catch (error) {
      throw stacks.resumeWith(error);
    }
    stacks.resume();
  }
}
