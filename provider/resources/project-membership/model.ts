// The ProjectMembership resource's model: one person's DIRECT roles in one project. Roles that reach
// the person through a team are the team's business (ProjectTeam) and never read as drift here.
// Deleting it takes the person out of the project; their organization membership stays.

import { compact, listOf, stringOf, type PropertyBag } from "../../model/property-bag";

/**
 * PENDING: the person is not a member of the organization yet (their OrgMembership's invitation is
 * open): nothing is sent; the first `up` after they accept gives them the roles. ACTIVE: they hold the
 * roles (as of the last read). REMOVED: they held them and were taken off the project (or left the
 * organization) outside Pulumi; the next `up` gives them back.
 */
export type ProjectMembershipStatus = "PENDING" | "ACTIVE" | "REMOVED";

export const PROJECT_MEMBERSHIP_STATUSES: readonly ProjectMembershipStatus[] = ["PENDING", "ACTIVE", "REMOVED"];

export type ProjectMembershipInputs = {
  /** The organization of the project (whose credentials are used, and where the person is a member). */
  orgId: string;
  projectId: string;
  username: string;
  /** Project roles, sorted. */
  roles: string[];
};

export type ProjectMembershipOutputs = ProjectMembershipInputs & {
  status: ProjectMembershipStatus;
  /** The person's user id, once they are a member of the organization. */
  userId?: string;
  projectName?: string;
};

export type StoredProjectMembership = Partial<ProjectMembershipOutputs>;

export function storedProjectMembershipOf(bag: PropertyBag): StoredProjectMembership {
  return compact({
    orgId: stringOf(bag["orgId"]),
    projectId: stringOf(bag["projectId"]),
    username: stringOf(bag["username"]),
    roles: listOf(bag["roles"]),
    status: PROJECT_MEMBERSHIP_STATUSES.find((s) => s === bag["status"]),
    userId: stringOf(bag["userId"]),
    projectName: stringOf(bag["projectName"]),
  });
}

export function projectMembershipInputsOf(bag: PropertyBag): ProjectMembershipInputs {
  return {
    orgId: stringOf(bag["orgId"]) ?? "",
    projectId: stringOf(bag["projectId"]) ?? "",
    username: stringOf(bag["username"]) ?? "",
    roles: listOf(bag["roles"]) ?? [],
  };
}

/** The Pulumi id: "{orgId}/{projectId}/{username}" (what `pulumi import` takes). */
export function projectMembershipResourceId(orgId: string, projectId: string, username: string): string {
  return `${orgId}/${projectId}/${username}`;
}

export function parseProjectMembershipId(id: string): { orgId: string; projectId: string; username: string } {
  const [orgId = "", projectId = "", ...rest] = id.split("/");
  const username = rest.join("/");
  const hex = /^[0-9a-f]{24}$/;
  if (hex.test(orgId) && hex.test(projectId) && /^[^\s@/]+@[^\s@/]+$/.test(username)) return { orgId, projectId, username };
  throw new Error(
    `INVALID_RESOURCE_ID: "${id}" is not a ProjectMembership id. Use "{orgId}/{projectId}/{username}", the ids 24 lowercase hex ` +
      `characters, e.g. "5f1b2c3d4e5f6a7b8c9d0e1f/65a0b1c2d3e4f5a6b7c8d9e0/alice@example.com".`,
  );
}
