// The Pulumi id of an OrgInvitation: "{orgId}/{invitationId}", e.g.
// "5f1b2c3d4e5f6a7b8c9d0e1f/61a0b1c2d3e4f5a6b7c8d9e0". It names the organization too, so that
// `OrgInvitation.get(name, id)` can read an invitation from the id alone (a `get` receives no state).
// When create finds the user already a member it sends nothing; there is no invitation id then, and
// the id is "{orgId}/member:{username}".

const HEX24 = /^[0-9a-f]{24}$/;
const MEMBER_PREFIX = "member:";

export type ParsedResourceId =
  { kind: "invitation"; orgId: string; invitationId: string } | { kind: "member"; orgId: string; username: string };

export function invitationResourceId(orgId: string, invitationId: string): string {
  return `${orgId}/${invitationId}`;
}

export function memberResourceId(orgId: string, username: string): string {
  return `${orgId}/${MEMBER_PREFIX}${username}`;
}

/** Parses an id; throws an Error that shows the expected format. */
export function parseResourceId(id: string): ParsedResourceId {
  const slash = id.indexOf("/");
  const orgId = slash < 0 ? "" : id.slice(0, slash);
  const rest = slash < 0 ? "" : id.slice(slash + 1);
  if (HEX24.test(orgId)) {
    if (HEX24.test(rest)) return { kind: "invitation", orgId, invitationId: rest };
    if (rest.startsWith(MEMBER_PREFIX) && rest.length > MEMBER_PREFIX.length) {
      return { kind: "member", orgId, username: rest.slice(MEMBER_PREFIX.length) };
    }
  }
  throw new Error(
    `INVALID_RESOURCE_ID: "${id}" is not an OrgInvitation id. Use "{orgId}/{invitationId}", both 24 lowercase hex ` +
      `characters, e.g. "5f1b2c3d4e5f6a7b8c9d0e1f/61a0b1c2d3e4f5a6b7c8d9e0" (list pending invitations with ` +
      `GET /orgs/{orgId}/invites to find the invitation id).`,
  );
}
