// The ProjectRoster resource: one per project, it makes project access nobody declared visible as
// drift (and, with `prune`, removes it). OrgRoster's rules one level down. Semantics: ./lifecycle
// (docs/lifecycle.md, "ProjectRoster").

import * as pulumi from "@pulumi/pulumi";
import { URN_KEY, type PropertyBag } from "../../model/property-bag";
import { dynamicType } from "../../model/type-tokens";
import { refuseCloudmanagerProvider } from "../provider-option";
import { storedProjectRosterProvider } from "../stored-provider";
import { pauseDebugStacks } from "../debug-stacks";
import { withStoredProvider } from "../dynamic-registration";
import * as stored from "./stored";

export interface ProjectRosterArgs {
  /** The organization of the project: 24 hexadecimal characters. */
  orgId: pulumi.Input<string>;
  /** The project: 24 hexadecimal characters. */
  projectId: pulumi.Input<string>;
  /** Usernames whose own roles in the project the program manages, e.g. the `username` of every ProjectMembership there. Never reported or pruned. */
  managed: pulumi.Input<pulumi.Input<string>[]>;
  /** Team ids whose roles in the project the program manages, e.g. the `teamId` of every ProjectTeam there. Never reported or pruned. */
  teams?: pulumi.Input<pulumi.Input<string>[]>;
  /** Usernames or patterns (`*` matches anything) never reported or pruned. */
  ignore?: pulumi.Input<pulumi.Input<string>[]>;
  /** At `pulumi up`, take undeclared people out of the project (never out of the organization, never its last Project Owner), withdraw undeclared project invitations and take undeclared teams off the project. Default false: report only. */
  prune?: pulumi.Input<boolean>;
}

const PROJECT_ROSTER_TYPE = dynamicType("ProjectRoster");

export class ProjectRoster extends pulumi.CustomResource {
  declare public readonly orgId: pulumi.Output<string>;
  declare public readonly projectId: pulumi.Output<string>;
  declare public readonly managed: pulumi.Output<string[]>;
  declare public readonly teams: pulumi.Output<string[]>;
  declare public readonly ignore: pulumi.Output<string[]>;
  declare public readonly prune: pulumi.Output<boolean>;
  /** People with roles of their own in the project that the program does not manage (as of the last up or refresh): JSON Lines of `UnmanagedProjectUser`, sorted by username. */
  declare public readonly unmanagedUsers: pulumi.Output<string>;
  /** Pending project invitations for people the program does not manage: JSON Lines of `UnmanagedProjectInvitation`, sorted by the invitee's username. */
  declare public readonly unmanagedInvitations: pulumi.Output<string>;
  /** Teams with roles in the project that the program does not manage: JSON Lines of `UnmanagedProjectTeam`, sorted by team name. */
  declare public readonly unmanagedTeams: pulumi.Output<string>;

  constructor(name: string, args: ProjectRosterArgs, opts?: pulumi.CustomResourceOptions) {
    refuseCloudmanagerProvider("ProjectRoster", name, opts);
    const props: PropertyBag = {
      [URN_KEY]: pulumi.createUrn(name, PROJECT_ROSTER_TYPE, opts?.parent),
      orgId: args.orgId,
      projectId: args.projectId,
      managed: args.managed,
      teams: args.teams,
      ignore: args.ignore,
      prune: args.prune,
      unmanagedUsers: undefined,
      unmanagedInvitations: undefined,
      unmanagedTeams: undefined,
    };
    const stacks = pauseDebugStacks();
    try {
      super(PROJECT_ROSTER_TYPE, name, withStoredProvider(stored, storedProjectRosterProvider, props), opts);
    } catch (error) {
      throw stacks.resumeWith(error);
    }
    stacks.resume();
  }
}
