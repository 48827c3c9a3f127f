// The Team resource: a team of a Cloud Manager organization, made, renamed and deleted by the program.
// Who is on it: each person's OrgMembership.teamIds (the one place). Semantics: ./lifecycle
// (docs/lifecycle.md, "Team").

import * as pulumi from "@pulumi/pulumi";
import { URN_KEY, type PropertyBag } from "../../model/property-bag";
import { dynamicType } from "../../model/type-tokens";
import { refuseCloudmanagerProvider } from "../provider-option";
import { storedTeamProvider } from "../stored-provider";
import { pauseDebugStacks } from "../debug-stacks";
import { withStoredProvider } from "../dynamic-registration";
import * as stored from "./stored";
import type { TeamStatus } from "./model";

export interface TeamArgs {
  /** The organization: 24 hexadecimal characters. Changing it replaces the team. */
  orgId: pulumi.Input<string>;
  /** The team's name (unique in the organization ignoring case). Changing it renames the team in place. */
  name: pulumi.Input<string>;
  /**
   * People to create the team with (Cloud Manager cannot create an empty team): usernames whose
   * OrgMembership lists this team in `teamIds`. Used only when the team is created; while none of them
   * is a member yet, the team waits (status WAITING). Not needed to adopt a team that exists.
   */
  founders?: pulumi.Input<pulumi.Input<string>[]>;
}

/** Known properties of a team being read with `Team.get`. */
export type TeamState = Partial<TeamArgs>;

const TEAM_TYPE = dynamicType("Team");

export class Team extends pulumi.CustomResource {
  declare public readonly orgId: pulumi.Output<string>;
  /** The name, as Cloud Manager has it. */
  declare public readonly name: pulumi.Output<string>;
  declare public readonly founders: pulumi.Output<string[]>;
  /** The team's id: what OrgMembership.teamIds and ProjectTeam.teamId take. `waiting:<name>` while the team waits for a founder. */
  declare public readonly teamId: pulumi.Output<string>;
  /** ACTIVE, WAITING (for a founder to become a member) or DELETED (outside Pulumi; the next `up` creates it again). */
  declare public readonly status: pulumi.Output<TeamStatus>;
  /** The usernames on the team, as read. */
  declare public readonly members: pulumi.Output<string[]>;
  /** The ids of the projects the team has roles in, as read. */
  declare public readonly projectIds: pulumi.Output<string[]>;
  /** While WAITING: the founders that are not members yet. */
  declare public readonly waitingFor: pulumi.Output<string[] | undefined>;

  /**
   * Reads an existing team into the program without managing it.
   * @param id `"{orgId}/{teamId}"` or `"{orgId}/name:{team name}"`.
   */
  public static get(name: string, id: pulumi.Input<pulumi.ID>, state?: TeamState, opts?: pulumi.CustomResourceOptions): Team {
    return new Team(name, state, { ...opts, id });
  }

  constructor(name: string, args: TeamArgs, opts?: pulumi.CustomResourceOptions);
  constructor(name: string, state: TeamState | undefined, opts: pulumi.CustomResourceOptions & { id: pulumi.Input<pulumi.ID> });
  constructor(name: string, args: TeamArgs | TeamState | undefined, opts?: pulumi.CustomResourceOptions) {
    refuseCloudmanagerProvider("Team", name, opts);
    const props: PropertyBag = {
      [URN_KEY]: pulumi.createUrn(name, TEAM_TYPE, opts?.parent),
      orgId: args?.orgId,
      name: args?.name,
      founders: args?.founders,
      teamId: undefined,
      status: undefined,
      members: undefined,
      projectIds: undefined,
      waitingFor: undefined,
    };
    const stacks = pauseDebugStacks();
    try {
      super(TEAM_TYPE, name, withStoredProvider(stored, storedTeamProvider, props), opts);
    } catch (error) {
      throw stacks.resumeWith(error);
    }
    stacks.resume();
  }
}
