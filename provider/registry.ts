// THE list of resources. Per resource: its name, its type tokens (the dynamic resource's and the
// plugin's), where the stored providers find its methods on the runtime, its provider methods, its id
// format and parser, and its "not found" wording at `pulumi import`. The runtime, the stored
// providers, the plugin's dispatch, the schema test (plugin/schema.json has one resource per entry)
// and docs/architecture.md ("Adding a resource") read this table.

import { pluginToken } from "./model/type-tokens";
import type { Deployment, ResourceMethods } from "./resources/resource-methods";
import { parseResourceId } from "./resources/org-invitation/id";
import { orgInvitationMethods } from "./resources/org-invitation/methods";
import { parseMembershipId } from "./resources/org-membership/model";
import { orgMembershipMethods } from "./resources/org-membership/methods";
import { parseRosterId } from "./resources/org-roster/model";
import { orgRosterMethods } from "./resources/org-roster/methods";
import { parseProjectTeamId } from "./resources/project-team/model";
import { projectTeamMethods } from "./resources/project-team/methods";
import { parseTeamId } from "./resources/team/model";
import { teamMethods } from "./resources/team/methods";
import { parseProjectMembershipId } from "./resources/project-membership/model";
import { projectMembershipMethods } from "./resources/project-membership/methods";
import { parseProjectRosterId } from "./resources/project-roster/model";
import { projectRosterMethods } from "./resources/project-roster/methods";

export interface ResourceEntry {
  /** The resource class's name, and the last part of both type tokens. */
  name: string;
  /**
   * Where the stored providers find the methods on the loaded runtime: `runtime[runtimeKey]`, or the
   * runtime's top level for OrgInvitation (states written by 0.1.0 call those names).
   */
  runtimeKey: string | undefined;
  methods: (deployment: Deployment) => ResourceMethods;
  /** The id format, as users type it for `pulumi import` and `get`. */
  idFormat: string;
  /** Parses an id; throws INVALID_RESOURCE_ID naming the format. */
  parseId: (id: string) => unknown;
  /** The error of `pulumi import` when the id names nothing in Cloud Manager. */
  notFound: (id: string) => string;
}

export const RESOURCES = [
  {
    name: "OrgInvitation",
    runtimeKey: undefined,
    methods: orgInvitationMethods,
    idFormat: "{orgId}/{invitationId}",
    parseId: parseResourceId,
    notFound: (id) =>
      `RESOURCE_NOT_FOUND: no pending invitation ${id} in Cloud Manager. Only a pending invitation can be imported ` +
      `(id "{orgId}/{invitationId}"); an accepted one is a member: import it as an OrgMembership ("{orgId}/{username}").`,
  },
  {
    name: "OrgMembership",
    runtimeKey: "membership",
    methods: orgMembershipMethods,
    idFormat: "{orgId}/{username}",
    parseId: parseMembershipId,
    notFound: (id) => `RESOURCE_NOT_FOUND: ${id} is neither a member nor invited (id "{orgId}/{username}").`,
  },
  {
    name: "OrgRoster",
    runtimeKey: "roster",
    methods: orgRosterMethods,
    idFormat: "{orgId}/roster",
    parseId: parseRosterId,
    notFound: (id) => `RESOURCE_NOT_FOUND: OrgRoster ${id} was not found (id "{orgId}/roster").`,
  },
  {
    name: "Team",
    runtimeKey: "team",
    methods: teamMethods,
    idFormat: "{orgId}/{teamId} or {orgId}/name:{name}",
    parseId: parseTeamId,
    notFound: (id) => `RESOURCE_NOT_FOUND: no team ${id} in Cloud Manager (id "{orgId}/{teamId}" or "{orgId}/name:{team name}").`,
  },
  {
    name: "ProjectTeam",
    runtimeKey: "projectTeam",
    methods: projectTeamMethods,
    idFormat: "{orgId}/{projectId}/{teamId}",
    parseId: parseProjectTeamId,
    notFound: (id) => `RESOURCE_NOT_FOUND: the team has no roles in the project: ${id} (id "{orgId}/{projectId}/{teamId}").`,
  },
  {
    name: "ProjectMembership",
    runtimeKey: "projectMember",
    methods: projectMembershipMethods,
    idFormat: "{orgId}/{projectId}/{username}",
    parseId: parseProjectMembershipId,
    notFound: (id) =>
      `RESOURCE_NOT_FOUND: the person has no roles of their own in the project: ${id} (id "{orgId}/{projectId}/{username}").`,
  },
  {
    name: "ProjectRoster",
    runtimeKey: "projectRoster",
    methods: projectRosterMethods,
    idFormat: "{orgId}/{projectId}/roster",
    parseId: parseProjectRosterId,
    notFound: (id) => `RESOURCE_NOT_FOUND: ProjectRoster ${id} was not found (id "{orgId}/{projectId}/roster").`,
  },
] as const satisfies readonly ResourceEntry[];

export type ResourceName = (typeof RESOURCES)[number]["name"];

/** The entry whose plugin type token is `token`. */
export function resourceOfToken(token: string): ResourceEntry | undefined {
  return RESOURCES.find((r) => pluginToken(r.name) === token);
}

export { dynamicType, pluginToken } from "./model/type-tokens";
