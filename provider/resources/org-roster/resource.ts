// The OrgRoster resource: one per organization, it makes access that nobody declared visible as
// drift (and, with `prune`, removes it). Semantics: ./lifecycle (docs/lifecycle.md, "OrgRoster").

import * as pulumi from "@pulumi/pulumi";
import { URN_KEY, type PropertyBag } from "../../model/property-bag";
import { dynamicType } from "../../model/type-tokens";
import { refuseCloudmanagerProvider } from "../provider-option";
import { storedRosterProvider } from "../stored-provider";
import { pauseDebugStacks } from "../debug-stacks";
import { withStoredProvider } from "../dynamic-registration";
import * as stored from "./stored";

export interface OrgRosterArgs {
  /** The organization: 24 hexadecimal characters. */
  orgId: pulumi.Input<string>;
  /** The usernames the program manages, e.g. the `username` of every OrgMembership / OrgInvitation. Never reported or pruned. */
  managed: pulumi.Input<pulumi.Input<string>[]>;
  /** Usernames or patterns (`*` matches anything, e.g. `"*@break-glass.example.com"`) never reported or pruned. */
  ignore?: pulumi.Input<pulumi.Input<string>[]>;
  /** At `pulumi up`, withdraw unmanaged invitations and remove unmanaged members (never the last Organization Owner). Default false: report only. */
  prune?: pulumi.Input<boolean>;
}

const ORG_ROSTER_TYPE = dynamicType("OrgRoster");

export class OrgRoster extends pulumi.CustomResource {
  declare public readonly orgId: pulumi.Output<string>;
  declare public readonly managed: pulumi.Output<string[]>;
  declare public readonly ignore: pulumi.Output<string[]>;
  declare public readonly prune: pulumi.Output<boolean>;
  /**
   * Pending invitations for people the program does not manage (as of the last up or refresh): one
   * JSON object per line, sorted by the invitee's username; `rosterLines<UnmanagedInvitation>` reads it.
   */
  declare public readonly unmanagedInvitations: pulumi.Output<string>;
  /** Members the program does not manage (as of the last up or refresh): one JSON object per line, sorted by username; `rosterLines<UnmanagedMember>` reads it. */
  declare public readonly unmanagedMembers: pulumi.Output<string>;

  constructor(name: string, args: OrgRosterArgs, opts?: pulumi.CustomResourceOptions) {
    refuseCloudmanagerProvider("OrgRoster", name, opts);
    const props: PropertyBag = {
      [URN_KEY]: pulumi.createUrn(name, ORG_ROSTER_TYPE, opts?.parent),
      orgId: args.orgId,
      managed: args.managed,
      ignore: args.ignore,
      prune: args.prune,
      unmanagedInvitations: undefined,
      unmanagedMembers: undefined,
    };
    const stacks = pauseDebugStacks();
    try {
      super(ORG_ROSTER_TYPE, name, withStoredProvider(stored, storedRosterProvider, props), opts);
    } catch (error) {
      throw stacks.resumeWith(error);
    }
    stacks.resume();
  }
}
