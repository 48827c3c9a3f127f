// The OrgInvitation resource's model: its property shapes and the ONE way its state is read from a
// bag. check, diff and every lifecycle step read through these functions (inputs: ../../model/person-inputs).

import type { PersonInputs } from "../../model/person-inputs";
import { compact, listOf, stringOf, type PropertyBag } from "../../model/property-bag";
import type { ParsedResourceId } from "./id";

/** Where an invitation stands, as this resource records it (decided in ./status). */
export type OrgInvitationStatus = "PENDING" | "ACCEPTED" | "EXPIRED" | "REVOKED";

export const ORG_INVITATION_STATUSES: readonly OrgInvitationStatus[] = ["PENDING", "ACCEPTED", "EXPIRED", "REVOKED"];

/** The inputs after `check` (the same as OrgMembership's). */
export type OrgInvitationInputs = PersonInputs;

/**
 * Everything stored in state. It carries every input because the engine gives `diff`, `update` and
 * `delete` the OLD OUTPUTS, never the old inputs.
 */
export type OrgInvitationOutputs = OrgInvitationInputs & {
  status: OrgInvitationStatus;
  /** Absent when nothing was sent because the user already was a member. */
  invitationId?: string;
  createdAt?: string;
  expiresAt?: string;
  inviterUsername?: string;
  orgName?: string;
};

/** What state holds, typed; a `get` may hold nothing but the id. */
export type StoredInvitation = Partial<OrgInvitationOutputs> & { orgId: string };

/**
 * What state holds for the resource with this id: the id decides the org, the invitation and, for
 * members, the person (`diff` may pass no parsed id; then the stored values stand).
 */
export function storedOf(bag: PropertyBag, parsed?: ParsedResourceId): StoredInvitation {
  const status = ORG_INVITATION_STATUSES.find((s) => s === bag["status"]);
  return compact({
    orgId: parsed?.orgId ?? stringOf(bag["orgId"]) ?? "",
    username: stringOf(bag["username"]) ?? (parsed?.kind === "member" ? parsed.username : undefined),
    roles: listOf(bag["roles"]),
    teamIds: listOf(bag["teamIds"]),
    invitationId: parsed === undefined ? stringOf(bag["invitationId"]) : parsed.kind === "invitation" ? parsed.invitationId : undefined,
    status,
    createdAt: stringOf(bag["createdAt"]),
    expiresAt: stringOf(bag["expiresAt"]),
    inviterUsername: stringOf(bag["inviterUsername"]),
    orgName: stringOf(bag["orgName"]),
  });
}
