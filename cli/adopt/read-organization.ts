// Reads what adopt writes down, read-only: the organization, its members (org roles, teams), its
// pending invitations, its teams, and for each of its projects the teams' roles, the users' OWN roles
// (not through a team: listProjectUsers without flattenTeams) and the pending project invitations.
// Pages of 500 (the client's pager); each page is reduced at once to the few fields adopt needs, so
// memory follows the organization's size in usernames and roles, not in response bodies.

import type { CloudManagerClient, Invitation, OrgUser } from "../../sdk";
import type { Progress } from "../progress";
import { orgRolesOf } from "../../provider/access/org-rules";

/** A member: their username and this organization's roles and teams. */
export interface MemberRecord {
  username: string;
  roles: string[];
  teamIds: string[];
}

/** A pending organization invitation, as the provider's adoption compares it. */
export interface InvitationRecord {
  id: string;
  username: string;
  roles: string[];
  teamIds: string[];
  createdAt: string;
  expiresAt: string;
}

export interface ProjectRecord {
  id: string;
  name: string;
  /** Teams with roles in the project. */
  teams: { teamId: string; roles: string[] }[];
  /** Users with roles of their own in the project (the roles in THIS project only). */
  users: { username: string; roles: string[] }[];
  /** Pending project invitations. */
  invitations: { username: string; roles: string[] }[];
}

export interface OrganizationSnapshot {
  org: { id: string; name: string };
  members: MemberRecord[];
  invitations: InvitationRecord[];
  teams: { id: string; name: string }[];
  projects: ProjectRecord[];
}

export async function readOrganization(client: CloudManagerClient, orgId: string, progress: Progress): Promise<OrganizationSnapshot> {
  const org = await client.getOrganization(orgId);
  progress.line(`organization ${org.name} (${org.id})`);
  const members = (await client.listOrgUsers(orgId, { onPage: (listed, total) => progress.count("members", listed, total) })).map((user) =>
    memberOf(user, orgId),
  );
  const invitations = (await client.listInvitations(orgId)).map(invitationOf);
  progress.line(`pending invitations ${invitations.length}`);
  const teams = (await client.listTeams(orgId)).map((team) => ({ id: team.id, name: team.name }));
  progress.line(`teams ${teams.length}`);
  const projectList = await client.listOrgProjects(orgId);
  const projects: ProjectRecord[] = [];
  for (const project of projectList) {
    const [projectTeams, users, projectInvitations] = await Promise.all([
      client.listProjectTeams(project.id),
      client.listProjectUsers(project.id),
      client.listProjectInvitations(project.id),
    ]);
    projects.push({
      id: project.id,
      name: project.name,
      teams: projectTeams.map((t) => ({ teamId: t.teamId, roles: [...t.roleNames] })),
      users: users.filter((u) => u.projectRoles.length > 0).map((u) => ({ username: u.username, roles: [...u.projectRoles] })),
      invitations: projectInvitations.map((i) => ({ username: i.username, roles: [...i.roles] })),
    });
    progress.count("projects", projects.length, projectList.length);
  }
  return { org: { id: org.id, name: org.name }, members, invitations, teams, projects };
}

/**
 * This organization's roles only, by the provider's own rule (OrgMembership compares exactly these):
 * a user's list also carries other organizations', projects' and (Ops Manager) global roles.
 */
function memberOf(user: OrgUser, orgId: string): MemberRecord {
  return { username: user.username, roles: [...new Set(orgRolesOf(user, orgId))], teamIds: [...user.teamIds] };
}

function invitationOf(i: Invitation): InvitationRecord {
  return {
    id: i.id,
    username: i.username,
    roles: [...i.roles],
    teamIds: [...i.teamIds],
    createdAt: i.createdAt,
    expiresAt: i.expiresAt,
  };
}
