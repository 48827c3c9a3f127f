// The ProjectMembership resource: one person's own roles in one project. Deleting it takes them out
// of the project, never out of the organization. Semantics: ./lifecycle (docs/lifecycle.md, "ProjectMembership").

import * as pulumi from "@pulumi/pulumi";
import { URN_KEY, type PropertyBag } from "../../model/property-bag";
import { dynamicType } from "../../model/type-tokens";
import { refuseCloudmanagerProvider } from "../provider-option";
import { storedProjectMembershipProvider } from "../stored-provider";
import { pauseDebugStacks } from "../debug-stacks";
import { withStoredProvider } from "../dynamic-registration";
import * as stored from "./stored";
import type { ProjectMembershipStatus } from "./model";

export interface ProjectMembershipArgs {
  /** The organization of the project, where the person is a member (an OrgMembership). Changing it replaces the resource. */
  orgId: pulumi.Input<string>;
  /** The project (the API's group): 24 hexadecimal characters. Changing it replaces the resource. */
  projectId: pulumi.Input<string>;
  /** The person's username (email), compared ignoring case. Changing it replaces the resource. */
  username: pulumi.Input<string>;
  /** Project roles of their own (`GROUP_…`, the nine of Cloud Manager), e.g. `["GROUP_READ_ONLY"]`. Changed in place; order does not matter. */
  roles: pulumi.Input<pulumi.Input<string>[]>;
}

/** Known properties of a project membership being read with `ProjectMembership.get`. */
export type ProjectMembershipState = Partial<ProjectMembershipArgs>;

const PROJECT_MEMBERSHIP_TYPE = dynamicType("ProjectMembership");

export class ProjectMembership extends pulumi.CustomResource {
  declare public readonly orgId: pulumi.Output<string>;
  declare public readonly projectId: pulumi.Output<string>;
  declare public readonly username: pulumi.Output<string>;
  /** The roles, sorted; after `pulumi refresh`, the person's own roles as Cloud Manager has them (a team's roles are not counted). */
  declare public readonly roles: pulumi.Output<string[]>;
  /** PENDING (not a member of the organization yet), ACTIVE, or REMOVED (taken off outside Pulumi; the next `up` gives the roles back). */
  declare public readonly status: pulumi.Output<ProjectMembershipStatus>;
  declare public readonly userId: pulumi.Output<string | undefined>;
  declare public readonly projectName: pulumi.Output<string | undefined>;

  /**
   * Reads a person's roles in a project into the program without managing them.
   * @param id `"{orgId}/{projectId}/{username}"`.
   */
  public static get(
    name: string,
    id: pulumi.Input<pulumi.ID>,
    state?: ProjectMembershipState,
    opts?: pulumi.CustomResourceOptions,
  ): ProjectMembership {
    return new ProjectMembership(name, state, { ...opts, id });
  }

  constructor(name: string, args: ProjectMembershipArgs, opts?: pulumi.CustomResourceOptions);
  constructor(
    name: string,
    state: ProjectMembershipState | undefined,
    opts: pulumi.CustomResourceOptions & { id: pulumi.Input<pulumi.ID> },
  );
  constructor(name: string, args: ProjectMembershipArgs | ProjectMembershipState | undefined, opts?: pulumi.CustomResourceOptions) {
    refuseCloudmanagerProvider("ProjectMembership", name, opts);
    const props: PropertyBag = {
      [URN_KEY]: pulumi.createUrn(name, PROJECT_MEMBERSHIP_TYPE, opts?.parent),
      orgId: args?.orgId,
      projectId: args?.projectId,
      username: args?.username,
      roles: args?.roles,
      status: undefined,
      userId: undefined,
      projectName: undefined,
    };
    const stacks = pauseDebugStacks();
    try {
      super(PROJECT_MEMBERSHIP_TYPE, name, withStoredProvider(stored, storedProjectMembershipProvider, props), opts);
    } catch (error) {
      throw stacks.resumeWith(error);
    }
    stacks.resume();
  }
}
