// One CloudManagerClient per (credentials, base URL, CA) in the provider process, shared by every
// resource of the deployment: one keep-alive pool, one Digest challenge, one OAuth token. Each
// organization gets a gate (OrgLimiter) and one view of its pending invitations and members for the
// deployment (../deployment/org-view), which the writes made through `OrgApi` keep current: a stack of hundreds
// of invitations costs one request per invitation plus a few reads per organization.
// When the settings change (a key rotated in the environment), the client of the old settings is
// closed as soon as no operation uses it any more: closing aborts requests in flight, so every
// provider operation holds its client (`use`) until it ends.

import { createHash } from "node:crypto";
import { CloudManagerClient } from "../../sdk";
import type {
  ClientClock,
  ClientLogEvent,
  Invitation,
  OrgUser,
  Project,
  ProjectInvitation,
  ProjectTeam,
  ProjectUser,
  Team,
} from "../../sdk/types";
import type { ResolvedConnection } from "./credentials";
import type { OrgApi } from "../deployment/org-api";
import { DeploymentList } from "../deployment/org-view";
import { engineAlive, leaveOrphanedProcess } from "../deployment/engine-process";
import { codedMessage } from "../errors/codes";
import { noteTarget } from "../errors/provider-error";
import { OrgLimiter } from "./org-limiter";

export interface ClientPoolOptions {
  report: (message: string) => void;
  userAgent: string;
  concurrencyPerOrg?: number;
  /** The clock of retries, token lifetimes and the org limiter's pauses (tests pass a virtual one). */
  clock?: ClientClock;
}

interface PooledClient {
  client: CloudManagerClient;
  orgs: Map<string, OrgApi>;
  /** Operations running on this client; it is closed only when none is. */
  users: number;
}

export class ClientPool {
  private readonly clients = new Map<string, PooledClient>();
  private readonly limiters = new Map<string, OrgLimiter>();
  /**
   * Per organization, the key of the settings its latest operation resolved. A client that is no
   * organization's current one any more (a key rotated in the environment) is retired; clients of
   * different organizations (each with its own credentials) live side by side.
   */
  private readonly currentKeys = new Map<string, string>();
  private readonly closing = new Set<Promise<void>>();

  constructor(private readonly options: ClientPoolOptions) {}

  /**
   * Runs one provider operation with the organization's API on the client for `connection`. A
   * client whose settings are no longer current for any organization is closed once its last
   * operation ends.
   */
  async use<T>(connection: ResolvedConnection, orgId: string, operation: (api: OrgApi) => Promise<T>): Promise<T> {
    const key = keyOf(connection);
    const pooled = this.client(key, connection);
    pooled.users += 1;
    const previous = this.currentKeys.get(orgId);
    this.currentKeys.set(orgId, key);
    if (previous !== undefined && previous !== key) this.retireIfUnused(previous);
    try {
      return await operation(this.orgApi(pooled, connection, orgId));
    } finally {
      pooled.users -= 1;
      this.retireIfUnused(key);
    }
  }

  /** Closes the client of `key` when no organization uses its settings and no operation runs on it. */
  private retireIfUnused(key: string): void {
    const pooled = this.clients.get(key);
    if (pooled === undefined || [...this.currentKeys.values()].includes(key)) return;
    this.closeIfUnused(key, pooled);
  }

  /** Clients not closed yet, the current one included (for tests and diagnostics). */
  get openClients(): number {
    return this.clients.size;
  }

  /** Closes every client (their sockets), aborting calls in flight; the pool can be used again afterwards. */
  async closeAll(): Promise<void> {
    const clients = [...this.clients.values()];
    this.clients.clear();
    this.currentKeys.clear();
    await Promise.all([...clients.map((p) => p.client.close()), ...this.closing]);
  }

  private orgApi(pooled: PooledClient, connection: ResolvedConnection, orgId: string): OrgApi {
    let api = pooled.orgs.get(orgId);
    if (!api) {
      const target = {
        orgId,
        credentialSource: connection.credentialSource,
        baseUrl: connection.baseUrl,
        extraCa: connection.caCertificate !== undefined,
      };
      api = newOrgApi(orgId, connection, (fn) =>
        this.limiter(connection.baseUrl)
          .run(orgId, () => fn(pooled.client))
          .catch((e: unknown) => {
            // Messages about this error can then name the organization's own settings (../errors/provider-error).
            noteTarget(e, target);
            throw e;
          }),
      );
    }
    pooled.orgs.set(orgId, api);
    return api;
  }

  private client(key: string, connection: ResolvedConnection): PooledClient {
    let pooled = this.clients.get(key);
    if (!pooled) {
      const { auth } = connection;
      const limiter = this.limiter(connection.baseUrl);
      const client = new CloudManagerClient({
        baseUrl: connection.baseUrl,
        ...(auth.kind === "apiKey"
          ? { publicKey: auth.publicKey, privateKey: auth.privateKey }
          : { clientId: auth.clientId, clientSecret: auth.clientSecret }),
        ...(connection.caCertificate === undefined ? {} : { caCertificate: connection.caCertificate }),
        userAgent: this.options.userAgent,
        // Cloud Manager's limits are per minute: allow long, Retry-After-driven waits.
        retry: { maxRetries: 10, maxElapsedMs: 300_000 },
        onLog: (event) => this.onLog(limiter, event),
        ...(this.options.clock === undefined ? {} : { clock: this.options.clock }),
      });
      pooled = { client, orgs: new Map(), users: 0 };
      this.clients.set(key, pooled);
    }
    return pooled;
  }

  /** Removes a retired client from the pool (so nobody picks it up again) and closes it, if unused. */
  private closeIfUnused(key: string, pooled: PooledClient): void {
    if (pooled.users > 0 || this.clients.get(key) !== pooled) return;
    this.clients.delete(key);
    const closed: Promise<void> = pooled.client
      .close()
      .catch(() => undefined)
      .finally(() => this.closing.delete(closed));
    this.closing.add(closed);
  }

  private limiter(baseUrl: string): OrgLimiter {
    let limiter = this.limiters.get(baseUrl);
    if (!limiter) {
      const { clock } = this.options;
      const sleep = clock?.sleep;
      limiter = new OrgLimiter({
        report: this.options.report,
        concurrency: this.options.concurrencyPerOrg,
        ...(clock?.now === undefined ? {} : { now: clock.now }),
        ...(sleep === undefined ? {} : { wait: (ms: number) => sleep(ms, new AbortController().signal) }),
      });
      this.limiters.set(baseUrl, limiter);
    }
    return limiter;
  }

  private onLog(limiter: OrgLimiter, event: ClientLogEvent): void {
    // A call of this org waits before a retry: hold back the org's queued calls for as long.
    if (event.waitMs !== undefined && event.orgId !== undefined) limiter.pause(event.orgId, event.waitMs, event.message);
    if (event.level === "warn") this.options.report(event.message);
  }
}

/** Keyed by a hash so that no map key holds a secret in clear. */
function keyOf(connection: ResolvedConnection): string {
  return createHash("sha256").update(JSON.stringify(connection)).digest("hex");
}

function newOrgApi(
  orgId: string,
  connection: ResolvedConnection,
  gate: <T>(fn: (c: CloudManagerClient) => Promise<T>) => Promise<T>,
): OrgApi {
  const pending = new DeploymentList<Invitation>(() => gate((c) => c.listInvitations(orgId)));
  const members = new DeploymentList<OrgUser>(() => gate((c) => c.listOrgUsers(orgId)));
  const teams = new DeploymentList<Team>(() => gate((c) => c.listTeams(orgId)));
  const projects = new DeploymentList<Project>(() => gate((c) => c.listOrgProjects(orgId)));
  // A project's teams are keyed by team id: one list per project, read once per deployment.
  type Assigned = ProjectTeam & { id: string };
  const projectTeams = new Map<string, DeploymentList<Assigned>>();
  const teamsOf = (projectId: string): DeploymentList<Assigned> => {
    let list = projectTeams.get(projectId);
    if (!list) {
      list = new DeploymentList<Assigned>(async () =>
        (await gate((c) => c.listProjectTeams(projectId))).map((t) => ({ ...t, id: t.teamId.toLowerCase() })),
      );
      projectTeams.set(projectId, list);
    }
    return list;
  };
  const perProject = <T extends { id: string }>(read: (projectId: string) => Promise<T[]>) => {
    const lists = new Map<string, DeploymentList<T>>();
    return (projectId: string): DeploymentList<T> => {
      let list = lists.get(projectId);
      if (!list) {
        list = new DeploymentList<T>(() => read(projectId));
        lists.set(projectId, list);
      }
      return list;
    };
  };
  const usersOf = perProject<ProjectUser>((projectId) => gate((c) => c.listProjectUsers(projectId)));
  const invitesOf = perProject<ProjectInvitation>((projectId) => gate((c) => c.listProjectInvitations(projectId)));
  // Orphaned by a killed `pulumi` (the engine is gone), a provider process sends nothing more.
  const write = <T>(fn: (c: CloudManagerClient) => Promise<T>): Promise<T> => {
    if (!engineAlive()) {
      leaveOrphanedProcess();
      return Promise.reject(
        new Error(
          codedMessage(
            "ENGINE_GONE",
            `the pulumi process of this deployment has ended; nothing more is sent to organization ${orgId}. ` +
              "Run `pulumi cancel` if the stack is locked, then `pulumi refresh`.",
          ),
        ),
      );
    }
    return gate(fn);
  };
  let exclusiveTail: Promise<unknown> = Promise.resolve();
  return {
    orgId,
    exclusive<T>(fn: () => Promise<T>): Promise<T> {
      const run = exclusiveTail.then(fn, fn);
      exclusiveTail = run.catch(() => undefined);
      return run;
    },
    credentialId: connection.auth.kind === "apiKey" ? connection.auth.publicKey : connection.auth.clientId,
    call: gate,
    pending: () => pending.current(),
    freshPending: () => pending.fresh(),
    members: () => members.current(),
    freshMembers: () => members.fresh(),
    async createInvitation(request) {
      const invitation = await write((c) => c.createInvitation(orgId, request));
      pending.recorded(invitation.id, invitation);
      return invitation;
    },
    async updateInvitationRoles(invitationId, roles) {
      const invitation = await write((c) => c.updateInvitationRoles(orgId, invitationId, roles));
      pending.recorded(invitation.id, invitation);
      return invitation;
    },
    async deleteInvitation(invitationId) {
      await write((c) => c.deleteInvitation(orgId, invitationId));
      pending.recorded(invitationId, undefined);
    },
    forget: (invitationId) => pending.recorded(invitationId, undefined),
    teams: () => teams.current(),
    async setMemberRoles(member, roles) {
      const set = await write((c) => c.updateOrgUserRoles(orgId, member.id, roles));
      const others = member.roles.filter((r) => r.orgId !== orgId);
      members.recorded(member.id, { ...member, roles: [...others, ...set.map((roleName) => ({ orgId, roleName }))] });
    },
    async addMemberToTeam(member, teamId) {
      await write((c) => c.addUsersToTeam(orgId, teamId, [member.id]));
      members.recorded(member.id, { ...member, teamIds: [...new Set([...member.teamIds, teamId])] });
    },
    async removeMemberFromTeam(member, teamId) {
      await write((c) => c.removeUserFromTeam(orgId, teamId, member.id));
      members.recorded(member.id, { ...member, teamIds: member.teamIds.filter((t) => t !== teamId) });
    },
    async removeMember(member) {
      await write((c) => c.removeOrgUser(orgId, member.id));
      members.recorded(member.id, undefined);
    },
    async createTeam(name, usernames) {
      const team = await write((c) => c.createTeam(orgId, name, usernames));
      teams.recorded(team.id, team);
      // The founders are on it now: the view of the members says so (their OrgMemberships then add nothing).
      const wanted = new Set(usernames.map((u) => u.toLowerCase()));
      for (const member of await members.current()) {
        if (wanted.has(member.username.toLowerCase())) members.recorded(member.id, { ...member, teamIds: [...member.teamIds, team.id] });
      }
      return team;
    },
    async renameTeam(teamId, name) {
      const team = await write((c) => c.renameTeam(orgId, teamId, name));
      teams.recorded(teamId, { id: teamId, name: team.name });
      return { id: teamId, name: team.name };
    },
    async deleteTeam(teamId) {
      await write((c) => c.deleteTeam(orgId, teamId));
      teams.recorded(teamId, undefined);
    },
    projects: () => projects.current(),
    project: (projectId) => gate((c) => c.getProject(projectId)),
    projectTeams: (projectId) => teamsOf(projectId).current(),
    async addTeamToProject(projectId, teamId, roles) {
      await write((c) => c.addTeamsToProject(projectId, [{ teamId, roleNames: roles }]));
      teamsOf(projectId).recorded(teamId.toLowerCase(), { id: teamId.toLowerCase(), teamId, roleNames: [...roles] });
    },
    async setProjectTeamRoles(projectId, teamId, roles) {
      await write((c) => c.setProjectTeamRoles(projectId, teamId, roles));
      teamsOf(projectId).recorded(teamId.toLowerCase(), { id: teamId.toLowerCase(), teamId, roleNames: [...roles] });
    },
    async removeTeamFromProject(projectId, teamId) {
      await write((c) => c.removeTeamFromProject(projectId, teamId));
      teamsOf(projectId).recorded(teamId.toLowerCase(), undefined);
    },
    projectUsers: (projectId) => usersOf(projectId).current(),
    freshProjectUsers: (projectId) => usersOf(projectId).fresh(),
    async addUserToProject(projectId, member, roles) {
      await write((c) => c.addUsersToProject(projectId, [{ userId: member.id, roles }]));
      const { id, username, emailAddress, firstName, lastName } = member;
      const projectRoles = roles.map((roleName) => ({ groupId: projectId, roleName }));
      usersOf(projectId).recorded(id, {
        id,
        username,
        emailAddress,
        firstName,
        lastName,
        roles: [...member.roles, ...projectRoles],
        projectRoles: [...roles],
      });
    },
    async setProjectUserRoles(projectId, user, roles) {
      const set = await write((c) => c.setProjectUserRoles(projectId, user.id, roles));
      const others = user.roles.filter((r) => r.groupId !== projectId);
      usersOf(projectId).recorded(user.id, {
        ...user,
        roles: [...others, ...set.map((roleName) => ({ groupId: projectId, roleName }))],
        projectRoles: [...set],
      });
    },
    async removeProjectUser(projectId, user) {
      await write((c) => c.removeProjectUser(projectId, user.id));
      usersOf(projectId).recorded(user.id, undefined);
    },
    projectInvitations: (projectId) => invitesOf(projectId).current(),
    async deleteProjectInvitation(projectId, invitationId) {
      await write((c) => c.deleteProjectInvitation(projectId, invitationId));
      invitesOf(projectId).recorded(invitationId, undefined);
    },
  };
}
