// The OrgInvitation resource: an invitation for one person to join a Cloud Manager organization.
// Lifecycle semantics: docs/lifecycle.md; the logic runs in ../../runtime (loaded at call time by the stored provider).

import * as pulumi from "@pulumi/pulumi";
import { URN_KEY, type PropertyBag } from "../../model/property-bag";
import { dynamicType } from "../../model/type-tokens";
import { refuseCloudmanagerProvider } from "../provider-option";
import { storedProvider } from "../stored-provider";
import { pauseDebugStacks } from "../debug-stacks";
import { withStoredProvider } from "../dynamic-registration";
import * as stored from "./stored";
import type { OrgInvitationStatus } from "./model";

export interface OrgInvitationArgs {
  /** The organization to invite into: 24 hexadecimal characters. Changing it replaces the invitation. */
  orgId: pulumi.Input<string>;
  /** The invitee's email address (Cloud Manager usernames are emails). Compared case-insensitively; changing it replaces the invitation. */
  username: pulumi.Input<string>;
  /**
   * Organization roles, e.g. `["ORG_MEMBER"]`: a non-empty list without duplicates; order does not matter.
   * Changing them updates a pending invitation in place. Roles this provider does not know yet
   * (`ORG_*`) are passed through with a warning.
   */
  roles: pulumi.Input<pulumi.Input<string>[]>;
  /** Teams to add the person to on acceptance (team ids). The API cannot change them in place: changing them replaces the invitation. */
  teamIds?: pulumi.Input<pulumi.Input<string>[]>;
}

/** Known properties of an invitation being read with `OrgInvitation.get`. */
export type OrgInvitationState = Partial<OrgInvitationArgs>;

const ORG_INVITATION_TYPE = dynamicType("OrgInvitation");

export class OrgInvitation extends pulumi.CustomResource {
  /** The organization id. */
  declare public readonly orgId: pulumi.Output<string>;
  /** The invitee's email, trimmed. */
  declare public readonly username: pulumi.Output<string>;
  /** The roles, sorted. After `pulumi refresh`, the server's roles (edits made outside Pulumi show as drift). */
  declare public readonly roles: pulumi.Output<string[]>;
  /** The team ids, sorted; `[]` when none. */
  declare public readonly teamIds: pulumi.Output<string[]>;
  /** The invitation id in Cloud Manager; undefined when nothing was sent because the person already was a member. */
  declare public readonly invitationId: pulumi.Output<string | undefined>;
  /**
   * PENDING (waiting for the person), ACCEPTED (now a member), EXPIRED (not accepted within 30 days)
   * or REVOKED (deleted outside Pulumi). Updated by `pulumi refresh`; the next `pulumi up` re-invites
   * EXPIRED and REVOKED invitations.
   */
  declare public readonly status: pulumi.Output<OrgInvitationStatus>;
  /** When the invitation was sent (ISO 8601, UTC). */
  declare public readonly createdAt: pulumi.Output<string | undefined>;
  /** When it stops being valid: `createdAt` + 30 days (ISO 8601, UTC). */
  declare public readonly expiresAt: pulumi.Output<string | undefined>;
  /** Who sent it: the API key's or service account's name. */
  declare public readonly inviterUsername: pulumi.Output<string | undefined>;
  /** The organization's name. */
  declare public readonly orgName: pulumi.Output<string | undefined>;

  /**
   * Reads an existing invitation into the program without managing it (the `id` resource option;
   * `pulumi import` does not work for dynamic resources, upstream).
   * @param id `"{orgId}/{invitationId}"`, e.g. `"5f1b2c3d4e5f6a7b8c9d0e1f/61a0b1c2d3e4f5a6b7c8d9e0"`.
   * @param state Optional known properties; with `username` given, an invitation that is no longer
   *   pending reads as ACCEPTED, EXPIRED or REVOKED instead of failing as not found.
   */
  public static get(
    name: string,
    id: pulumi.Input<pulumi.ID>,
    state?: OrgInvitationState,
    opts?: pulumi.CustomResourceOptions,
  ): OrgInvitation {
    return new OrgInvitation(name, state, { ...opts, id });
  }

  constructor(name: string, args: OrgInvitationArgs, opts?: pulumi.CustomResourceOptions);
  /** Reads the invitation with `opts.id` (see `OrgInvitation.get`). */
  constructor(name: string, state: OrgInvitationState | undefined, opts: pulumi.CustomResourceOptions & { id: pulumi.Input<pulumi.ID> });
  constructor(name: string, args: OrgInvitationArgs | OrgInvitationState | undefined, opts?: pulumi.CustomResourceOptions) {
    refuseCloudmanagerProvider("OrgInvitation", name, opts);
    // Output-only keys must be present (as undefined) for the engine to fill them in.
    const props: PropertyBag = {
      // The engine does not tell a dynamic provider which resource a call is for; the provider needs
      // it to refuse one person declared twice and to hand an invitation over on a rename.
      [URN_KEY]: pulumi.createUrn(name, ORG_INVITATION_TYPE, opts?.parent),
      orgId: args?.orgId,
      username: args?.username,
      roles: args?.roles,
      teamIds: args?.teamIds,
      invitationId: undefined,
      status: undefined,
      createdAt: undefined,
      expiresAt: undefined,
      inviterUsername: undefined,
      orgName: undefined,
    };
    const stacks = pauseDebugStacks();
    try {
      super(ORG_INVITATION_TYPE, name, withStoredProvider(stored, storedProvider, props), opts);
    } catch (error) {
      throw stacks.resumeWith(error);
    }
    stacks.resume();
  }
}
