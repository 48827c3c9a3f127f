// The OrgMembership resource: one person's access to a Cloud Manager organization, managed from the
// invitation through the membership to its removal. Semantics: ./lifecycle (docs/lifecycle.md,
// "OrgMembership"); the logic runs in ../../runtime, loaded at call time.

import * as pulumi from "@pulumi/pulumi";
import { URN_KEY, type PropertyBag } from "../../model/property-bag";
import { dynamicType } from "../../model/type-tokens";
import { refuseCloudmanagerProvider } from "../provider-option";
import { storedMembershipProvider } from "../stored-provider";
import { pauseDebugStacks } from "../debug-stacks";
import { withStoredProvider } from "../dynamic-registration";
import * as stored from "./stored";
import type { OrgMembershipStatus } from "./model";

export interface OrgMembershipArgs {
  /** The organization: 24 hexadecimal characters. Changing it replaces the membership. */
  orgId: pulumi.Input<string>;
  /** The person's email address (compared case-insensitively). Changing it replaces the membership. */
  username: pulumi.Input<string>;
  /** Organization roles, e.g. `["ORG_MEMBER"]`: at least one, no duplicates. Kept in step while pending and once a member. */
  roles: pulumi.Input<pulumi.Input<string>[]>;
  /** Teams of this organization (team ids). Kept in step while pending (the invitation is re-sent) and once a member. */
  teamIds?: pulumi.Input<pulumi.Input<string>[]>;
}

const ORG_MEMBERSHIP_TYPE = dynamicType("OrgMembership");

export class OrgMembership extends pulumi.CustomResource {
  declare public readonly orgId: pulumi.Output<string>;
  declare public readonly username: pulumi.Output<string>;
  /** The person's roles in this organization (the invitation's while pending, the member's once active). */
  declare public readonly roles: pulumi.Output<string[]>;
  /** The person's teams in this organization, sorted. */
  declare public readonly teamIds: pulumi.Output<string[]>;
  /** PENDING (invited), ACTIVE (a member), EXPIRED, REVOKED (invitation withdrawn) or REMOVED (no longer a member). */
  declare public readonly status: pulumi.Output<OrgMembershipStatus>;
  /** The member's user id, once the person is a member. */
  declare public readonly userId: pulumi.Output<string | undefined>;
  /** The pending invitation's id, while there is one. */
  declare public readonly invitationId: pulumi.Output<string | undefined>;
  declare public readonly createdAt: pulumi.Output<string | undefined>;
  declare public readonly expiresAt: pulumi.Output<string | undefined>;
  declare public readonly inviterUsername: pulumi.Output<string | undefined>;
  declare public readonly orgName: pulumi.Output<string | undefined>;

  /**
   * Reads a person's access without managing it. `id` is `"{orgId}/{username}"`; `pulumi import`
   * does not work for dynamic resources (upstream).
   */
  public static get(name: string, id: pulumi.Input<pulumi.ID>, opts?: pulumi.CustomResourceOptions): OrgMembership {
    return new OrgMembership(name, undefined, { ...opts, id });
  }

  constructor(name: string, args: OrgMembershipArgs, opts?: pulumi.CustomResourceOptions);
  constructor(name: string, args: undefined, opts: pulumi.CustomResourceOptions & { id: pulumi.Input<pulumi.ID> });
  constructor(name: string, args: OrgMembershipArgs | undefined, opts?: pulumi.CustomResourceOptions) {
    refuseCloudmanagerProvider("OrgMembership", name, opts);
    const props: PropertyBag = {
      // The engine does not tell a dynamic provider which resource a call is for (../../deployment/deployment-ledger).
      [URN_KEY]: pulumi.createUrn(name, ORG_MEMBERSHIP_TYPE, opts?.parent),
      orgId: args?.orgId,
      username: args?.username,
      roles: args?.roles,
      teamIds: args?.teamIds,
      status: undefined,
      userId: undefined,
      invitationId: undefined,
      createdAt: undefined,
      expiresAt: undefined,
      inviterUsername: undefined,
      orgName: undefined,
    };
    const stacks = pauseDebugStacks();
    try {
      super(ORG_MEMBERSHIP_TYPE, name, withStoredProvider(stored, storedMembershipProvider, props), opts);
    } catch (error) {
      throw stacks.resumeWith(error);
    }
    stacks.resume();
  }
}
