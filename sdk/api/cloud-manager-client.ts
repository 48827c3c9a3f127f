import { inspect, type InspectOptions } from "node:util";
import { BearerAuth } from "../auth/bearer-auth";
import { DigestAuth } from "../auth/digest-auth";
import { OAuthTokenSource } from "../auth/oauth-token-source";
import { isNotFoundAnswer } from "../errors/cloud-manager-error";
import { apiError, configError, malformedResponseError, networkError, pagingError, type CallContext } from "../errors/error-messages";
import { NetworkFailure } from "../errors/failures";
import { Redactor } from "../errors/redactor";
import { unwrapEnvelope } from "../transport/envelope";
import { HttpTransport } from "../transport/http-transport";
import { RetryingTransport } from "../transport/retrying-transport";
import { eventFieldsOf, type HttpMethod, type SendFn, type WireRequest, type WireResponse } from "../wire";
import type {
  ClientLogger,
  CreateInvitationRequest,
  CreateProjectInvitationRequest,
  Invitation,
  ListProjectUsersOptions,
  Organization,
  OrgUser,
  Page,
  Project,
  ProjectInvitation,
  ProjectTeam,
  ProjectUser,
  ProjectUserRoles,
  Team,
} from "../types";
import { describeCredential, resolveSettings, type ClientSettings, type CloudManagerClientOptions } from "./client-options";
import { pickPendingInvitation } from "./pending-invitation";
import { sameSet } from "./same-set";
import {
  parseGroupRoles,
  parseInvitation,
  parseInvitationList,
  parseOrganization,
  parseOrgRoles,
  parseOrgUser,
  parseProject,
  parseProjectInvitation,
  parseProjectInvitationList,
  parseProjectPage,
  parseProjectTeamPage,
  parseTeam,
  parseTeamPage,
  parseUserPage,
  projectUserPageParser,
} from "./response-shapes";

/** Largest page `/orgs/{ORG-ID}/users` and the project listings serve (itemsPerPage max 500); every listing asks for it. */
const PAGE_SIZE = 500;
/**
 * Pages a listing (users, teams, a team's users, projects, a project's teams and users) reads at most, whatever
 * `totalCount` says: 100 000 entries, far more than an organization has (250 teams, 250 users a team).
 * Only a server whose `next` links never end reaches it.
 */
export const MAX_PAGES = 200;
/**
 * Pages of one listing requested at once, once its first page has announced how many there are
 * (`totalCount`): 20,000 members are 40 pages, and read one after another they cost 40 round trips in a
 * row; at 4 about 11 (a third of the time behind a 100 ms round trip, docs/performance.md), and a rate
 * limit meets at most 4 of them at once. The listing is still one call of the provider's
 * per-organization gate; it checks its pages in order, so this changes when a page is asked for, not
 * what is accepted.
 */
export const PAGES_AT_ONCE = 4;

/** What to do when a server lacks the roles PUT (see CallContext.missingRoute). */
const ROLES_PUT_MISSING =
  "Ops Manager documents no PUT /orgs/{ORG-ID}/users/{USER-ID}/roles; it changes organization roles with PATCH " +
  "/users/{USER-ID}, which this client does not call in its place. Against Ops Manager, change the roles in its " +
  "Organization Access Manager; against Cloud Manager, check the user id and that baseUrl ends in /api/public/v1.0.";
/** What to do when a server lacks the org-user DELETE (see CallContext.missingRoute). */
const ORG_USER_DELETE_MISSING =
  "Ops Manager documents no DELETE /orgs/{ORG-ID}/users/{USER-ID}. Against Ops Manager, remove the member in its " +
  "Organization Access Manager; against Cloud Manager, check the user id (an earlier attempt may already have " +
  "removed the member) and that baseUrl ends in /api/public/v1.0.";

interface CallSpec {
  method: HttpMethod;
  /** Path segments under the base URL; each is URL-encoded. */
  segments: string[];
  query?: Record<string, string>;
  body?: unknown;
  orgId?: string;
  /** See CallContext.projectId: set on the calls about a project's users, teams and invitations. */
  projectId?: string;
  /** What a 404 means for this call. */
  subject?: string;
  /** See CallContext.missingRoute: for routes Ops Manager lacks. */
  missingRoute?: string;
  /** See CallContext.sendsProjectRoles. */
  sendsProjectRoles?: boolean;
  /** Overrides the method's default (POST is not idempotent): true when sending it twice changes nothing more. */
  idempotent?: boolean;
  beforeReplay?: (request: WireRequest) => Promise<WireResponse | undefined>;
  /** See WireRequest.abandoned. */
  abandoned?: AbortSignal;
}

/** One paged listing: its call (its own query, if any, without the paging), how to read a page, and what it lists (for messages). */
interface Listing<T> {
  spec: Omit<CallSpec, "method">;
  parse: (body: unknown) => Page<T> | undefined;
  /** What tells two entries apart: `id`, or `teamId` for a project's teams. */
  keyOf: (entry: T) => string;
  /** "user" or "team": messages say "it repeats user …", "… users so far". */
  noun: string;
  /** What may have changed meanwhile when a page repeats an entry: "members", "teams". */
  changing: string;
  /** Told after each page: entries listed so far, and the server's `totalCount` (Infinity when it gives none). */
  onPage?: PageListener;
}

/** Told after each page of a listing: entries listed so far and the total the server announced (Infinity when none). */
export type PageListener = (listed: number, total: number) => void;

/**
 * Typed client for the Cloud Manager / Ops Manager Public API (v1.0): organization invitations,
 * organization users and their roles, teams and their members, projects with their teams' and users'
 * roles and their invitations, and organizations. Layers, bottom up:
 * undici transport → envelope unwrap → Digest or Bearer auth → retries. Every failure is a
 * CloudManagerError.
 */
export class CloudManagerClient {
  // Everything lives in #private fields: util.inspect (even with customInspect off) and JSON never see
  // them. The private key / client secret are not kept here at all: only the auth layer that signs
  // with them holds them, in its own #private field, reachable through the `#send` closure chain only.
  readonly #settings: Omit<ClientSettings, "credentials">;
  readonly #transport: HttpTransport;
  readonly #closing = new AbortController();
  readonly #send: SendFn;
  /** How errors name the credential (its public part). */
  readonly #credential: string;
  /** The public half of the credential, for inspect and JSON. */
  readonly #publicId: { publicKey: string } | { clientId: string };
  /** Scrubs every credential the auth layers hold or learn out of server text, errors and log events. */
  readonly #redactor = new Redactor();
  /** The user's log hook behind the redactor. */
  readonly #log: ClientLogger;

  constructor(options: CloudManagerClientOptions) {
    const { credentials, ...settings } = resolveSettings(options);
    this.#settings = settings;
    this.#credential = describeCredential(credentials);
    this.#publicId = credentials.kind === "apiKey" ? { publicKey: credentials.publicKey } : { clientId: credentials.clientId };
    this.#transport = new HttpTransport({
      ...(settings.caCertificate === undefined ? {} : { caCertificate: settings.caCertificate }),
      insecureSkipTlsVerify: settings.insecureSkipTlsVerify,
      requestTimeoutMs: settings.requestTimeoutMs,
      maxResponseBytes: settings.maxResponseBytes,
    });
    const { retry } = settings;
    const redactor = this.#redactor;
    const log: ClientLogger = (event) => settings.log(redactor.redactEvent(event));
    this.#log = log;
    const wire = unwrapEnvelope(this.#transport.send);
    let authenticated: SendFn;
    if (credentials.kind === "apiKey") {
      const keyPair = { username: credentials.publicKey, password: credentials.privateKey };
      authenticated = new DigestAuth(wire, keyPair, log, redactor).send;
    } else {
      const tokenUrl = new URL("/api/oauth/token", settings.baseUrl);
      // The token request goes straight to the wire, NOT through a RetryingTransport of its own: its
      // failures surface as retryable outcomes of the call (PrerequisiteFailure), so the call's one
      // retry layer bounds token requests too (count and time), instead of retrying inside a retry.
      const tokens = new OAuthTokenSource(
        this.#transport.send,
        tokenUrl,
        credentials,
        () => settings.clock.now?.() ?? Date.now(),
        redactor,
      );
      authenticated = new BearerAuth(wire, tokens, log).send;
    }
    this.#send = new RetryingTransport(authenticated, retry, log, this.#closing.signal, settings.clock).send;
  }

  /** What JSON.stringify shows: the base URL and the public part of the credential, nothing secret. */
  toJSON(): { baseUrl: string; publicKey: string } | { baseUrl: string; clientId: string } {
    return { baseUrl: this.#settings.baseUrl.href, ...this.#publicId };
  }

  [inspect.custom](_depth: number, options: InspectOptions, inspectFn: typeof inspect = inspect): string {
    return `CloudManagerClient ${inspectFn(this.toJSON(), options)}`;
  }

  /** Pending invitations of an organization, optionally only those for one username (email). */
  async listInvitations(orgId: string, filter?: { username?: string }): Promise<Invitation[]> {
    const query: Record<string, string> = {};
    if (filter?.username !== undefined) query.username = filter.username;
    const { value } = await this.call(
      { method: "GET", segments: ["orgs", id(orgId, "orgId"), "invites"], query, orgId, subject: `organization ${orgId}` },
      parseInvitationList,
    );
    return value;
  }

  /** One pending invitation. 404 (RESOURCE_NOT_FOUND) once it was accepted, expired or deleted. */
  async getInvitation(orgId: string, invitationId: string): Promise<Invitation> {
    const { value } = await this.call(
      {
        method: "GET",
        segments: ["orgs", id(orgId, "orgId"), "invites", id(invitationId, "invitationId")],
        orgId,
        subject: invitationSubject(orgId, invitationId),
      },
      parseInvitation,
    );
    return value;
  }

  /** Invites `req.username` (an email) to the organization with `req.roles` (and `req.teamIds`). */
  async createInvitation(orgId: string, req: CreateInvitationRequest): Promise<Invitation> {
    const body: Record<string, unknown> = { username: req.username, roles: req.roles };
    if (req.teamIds !== undefined) body.teamIds = req.teamIds;
    const { value } = await this.call(
      {
        method: "POST",
        segments: ["orgs", id(orgId, "orgId"), "invites"],
        body,
        orgId,
        subject: `organization ${orgId}`,
        // POST create is not idempotent: after a failure where the server may have created the
        // invitation anyway (a 5xx, a connection lost after the request was sent, a timeout), a blind
        // re-send could leave TWO pending invitations (Cloud Manager does not document rejecting a
        // duplicate). So before re-sending, list the pending invitations for this username and, if one
        // with the same roles and teams is there, return it instead. Failures where the server certainly
        // did not act (429, the 400 rate-limit codes, connection refused) are re-sent directly.
        beforeReplay: async (post) => {
          const found = await this.findMatchingInvitation(orgId, req);
          if (found === undefined) return undefined;
          this.#log({
            level: "info",
            message: `An earlier attempt had already created invitation ${found.id} for ${req.username}; not sending the POST again`,
            ...eventFieldsOf(post),
          });
          // Stands for the answer the POST would have had; the list it comes from succeeded through the auth layer.
          return { status: 201, headers: {}, body: Buffer.from(JSON.stringify(found), "utf8"), authenticated: true };
        },
      },
      parseInvitation,
    );
    return value;
  }

  /** Replaces the roles of a pending invitation (PATCH sets an absolute value, so it is safe to retry). */
  async updateInvitationRoles(orgId: string, invitationId: string, roles: string[]): Promise<Invitation> {
    const { value } = await this.call(
      {
        method: "PATCH",
        segments: ["orgs", id(orgId, "orgId"), "invites", id(invitationId, "invitationId")],
        body: { roles },
        orgId,
        subject: invitationSubject(orgId, invitationId),
      },
      parseInvitation,
    );
    return value;
  }

  /** Replaces the roles of the pending invitation for `username`. */
  async updateInvitationByUsername(orgId: string, username: string, roles: string[]): Promise<Invitation> {
    const { value } = await this.call(
      {
        method: "PATCH",
        segments: ["orgs", id(orgId, "orgId"), "invites"],
        body: { username, roles },
        orgId,
        subject: `a pending invitation for ${username} in organization ${orgId}`,
      },
      parseInvitation,
    );
    return value;
  }

  /**
   * Deletes a pending invitation. A 404 is an error (errorCode RESOURCE_NOT_FOUND): after a retry it
   * usually means an earlier attempt already deleted it; the caller decides.
   */
  async deleteInvitation(orgId: string, invitationId: string): Promise<void> {
    await this.exchange({
      method: "DELETE",
      segments: ["orgs", id(orgId, "orgId"), "invites", id(invitationId, "invitationId")],
      orgId,
      subject: invitationSubject(orgId, invitationId),
    });
  }

  /**
   * Every user of the organization, all pages (500 per page). A server whose paging cannot be right
   * ends the listing with CLOUD_MANAGER_RESPONSE_ERROR instead of returning duplicates or never ending
   * (see listAllPages). `onPage` is told the progress after each page (for a progress display).
   */
  async listOrgUsers(orgId: string, options: { onPage?: PageListener } = {}): Promise<OrgUser[]> {
    return this.listAllPages({
      spec: { segments: ["orgs", id(orgId, "orgId"), "users"], orgId, subject: `organization ${orgId}` },
      parse: parseUserPage,
      keyOf: byId,
      noun: "user",
      changing: "members",
      ...(options.onPage === undefined ? {} : { onPage: options.onPage }),
    });
  }

  /** One user by id (any organization's user the credential may see). */
  async getUser(userId: string): Promise<OrgUser> {
    const { value } = await this.call(
      { method: "GET", segments: ["users", id(userId, "userId")], subject: `user ${userId}` },
      parseOrgUser,
    );
    return value;
  }

  /**
   * Replaces the organization roles of a member with `roles` (the full set, at least one role) and
   * returns the roles the server answers with (`{"orgRoles": [...]}`), or `roles` itself when it
   * answers 204 or an empty body. Safe to retry (PUT of an absolute value).
   *
   * Errors: a refusal to demote the last Organization Owner (CANNOT_DEMOTE_LAST_ORG_OWNER) says to give
   * another member ORG_OWNER first; a 404 that names no missing user (or a 405) says this server may
   * not have the route (Ops Manager changes roles with PATCH /users/{USER-ID}; this client does not
   * fall back to it).
   */
  async updateOrgUserRoles(orgId: string, userId: string, roles: string[]): Promise<string[]> {
    if (!Array.isArray(roles) || roles.length === 0 || roles.some((role) => typeof role !== "string" || role.trim() === "")) {
      throw configError(
        `roles must list at least one organization role (a member always has one), got ${JSON.stringify(roles)}. ` +
          `To take a member out of the organization, use removeOrgUser.`,
      );
    }
    const sent = [...roles];
    const { value } = await this.call(
      {
        method: "PUT",
        segments: ["orgs", id(orgId, "orgId"), "users", id(userId, "userId"), "roles"],
        body: { orgRoles: sent },
        orgId,
        subject: orgUserSubject(orgId, userId),
        missingRoute: ROLES_PUT_MISSING,
      },
      parseOrgRoles,
      () => sent,
    );
    return value;
  }

  /**
   * Removes a member from the organization (200 or 204). The last Organization Owner cannot be removed:
   * that error says to give another member ORG_OWNER first. A 404 is an error: USER_NOT_FOUND (after a
   * retry it may mean an earlier attempt already removed the member; the caller decides), or, naming no
   * user, a server that may not have the route (Ops Manager).
   */
  async removeOrgUser(orgId: string, userId: string): Promise<void> {
    await this.exchange({
      method: "DELETE",
      segments: ["orgs", id(orgId, "orgId"), "users", id(userId, "userId")],
      orgId,
      subject: orgUserSubject(orgId, userId),
      missingRoute: ORG_USER_DELETE_MISSING,
    });
  }

  /** Every team of the organization, all pages (checked as listOrgUsers checks its pages). */
  async listTeams(orgId: string): Promise<Team[]> {
    return this.listAllPages({
      spec: { segments: ["orgs", id(orgId, "orgId"), "teams"], orgId, subject: `organization ${orgId}` },
      parse: parseTeamPage,
      keyOf: byId,
      noun: "team",
      changing: "teams",
    });
  }

  /** Every user of a team, all pages (checked as listOrgUsers checks its pages). */
  async listTeamUsers(orgId: string, teamId: string): Promise<OrgUser[]> {
    return this.listAllPages({
      spec: { segments: ["orgs", id(orgId, "orgId"), "teams", id(teamId, "teamId"), "users"], orgId, subject: teamSubject(orgId, teamId) },
      parse: parseUserPage,
      keyOf: byId,
      noun: "user",
      changing: "members",
    });
  }

  /**
   * Adds organization members to a team: one POST with the JSON array `[{"id": …}, …]`. The server
   * answers 200 with a page of the team's users, or 204; an empty `userIds` sends nothing. Adding a
   * member twice changes nothing, so the request is marked idempotent: after an ambiguous failure
   * (5xx, a connection lost after sending) it is simply sent again.
   */
  async addUsersToTeam(orgId: string, teamId: string, userIds: string[]): Promise<void> {
    if (!Array.isArray(userIds)) throw configError(`userIds must be an array of user ids, got ${JSON.stringify(userIds)}.`);
    const body = userIds.map((userId) => ({ id: id(userId, "userId") }));
    if (body.length === 0) return;
    await this.call(
      {
        method: "POST",
        segments: ["orgs", id(orgId, "orgId"), "teams", id(teamId, "teamId"), "users"],
        body,
        orgId,
        subject: teamSubject(orgId, teamId),
        idempotent: true,
      },
      parseUserPage,
      () => EMPTY_PAGE,
    );
  }

  /**
   * Removes a user from a team (200 or 204). A team cannot lose its last member
   * (CANNOT_REMOVE_LAST_USER_FROM_TEAM): that error says to add another user first.
   */
  async removeUserFromTeam(orgId: string, teamId: string, userId: string): Promise<void> {
    await this.exchange({
      method: "DELETE",
      segments: ["orgs", id(orgId, "orgId"), "teams", id(teamId, "teamId"), "users", id(userId, "userId")],
      orgId,
      subject: `user ${userId} in ${teamSubject(orgId, teamId)}`,
    });
  }

  /** One team of the organization, by id. */
  async getTeam(orgId: string, teamId: string): Promise<Team> {
    const { value } = await this.call(
      { method: "GET", segments: ["orgs", id(orgId, "orgId"), "teams", id(teamId, "teamId")], orgId, subject: teamSubject(orgId, teamId) },
      parseTeam,
    );
    return value;
  }

  /**
   * The team of the organization named `name` (URL-encoded into the path, so spaces and `/` are fine),
   * or undefined when Cloud Manager itself answers an authenticated 404 in its error format
   * (isNotFoundAnswer). Any other failure, including a 404 from something that is not Cloud Manager
   * (a wrong base path, a proxy page) or ORG_NOT_FOUND, is thrown.
   */
  async getTeamByName(orgId: string, name: string): Promise<Team | undefined> {
    const spec: CallSpec = {
      method: "GET",
      segments: ["orgs", id(orgId, "orgId"), "teams", "byName", id(name, "name")],
      orgId,
      subject: `team named ${JSON.stringify(name)} in organization ${orgId}`,
    };
    try {
      return (await this.call(spec, parseTeam)).value;
    } catch (error) {
      if (isNotFoundAnswer(error)) return undefined;
      throw error;
    }
  }

  /**
   * Creates a team named `name` with `usernames` (usernames, i.e. emails, of active members of the
   * organization: Cloud Manager refuses a team without users, CANNOT_CREATE_EMPTY_TEAM). Returns the
   * team the server answers with; a 2xx without a body is read back with getTeamByName.
   *
   * POST is not idempotent and nothing tells a team an earlier attempt created from one someone else
   * created meanwhile, so after a failure the server may have acted on (5xx, a connection lost after
   * sending) it is not sent again: the error goes to the caller (who may look for the team by name).
   * A 429 is re-sent (the server did nothing).
   */
  async createTeam(orgId: string, name: string, usernames: string[]): Promise<Team> {
    if (typeof name !== "string" || name.trim() === "") throw configError(`name must be a non-empty string, got ${JSON.stringify(name)}.`);
    if (!Array.isArray(usernames) || usernames.some((username) => typeof username !== "string" || username.trim() === "")) {
      throw configError(`usernames must be an array of usernames (emails), got ${JSON.stringify(usernames)}.`);
    }
    const { response, ctx } = await this.exchange({
      method: "POST",
      segments: ["orgs", id(orgId, "orgId"), "teams"],
      body: { name, usernames: [...usernames] },
      orgId,
      subject: `organization ${orgId}`,
    });
    if (!isNoContent(response)) return parseAnswer(response, ctx, parseTeam);
    const created = await this.getTeamByName(orgId, name);
    if (created === undefined) {
      throw malformedResponseError(
        ctx.method,
        ctx.url,
        `the new team (the answer had no body, and no team named ${JSON.stringify(name)} is found afterwards)`,
        response.authenticated,
      );
    }
    return created;
  }

  /**
   * Renames a team (PATCH `{name}`; its id, members and project roles stay). Returns the team the
   * server answers with, or `{id: teamId, name}` on a 2xx without a body. Safe to retry.
   */
  async renameTeam(orgId: string, teamId: string, name: string): Promise<Team> {
    if (typeof name !== "string" || name.trim() === "") throw configError(`name must be a non-empty string, got ${JSON.stringify(name)}.`);
    const { value } = await this.call(
      {
        method: "PATCH",
        segments: ["orgs", id(orgId, "orgId"), "teams", id(teamId, "teamId")],
        body: { name },
        orgId,
        subject: teamSubject(orgId, teamId),
      },
      parseTeam,
      () => ({ id: teamId, name }),
    );
    return value;
  }

  /**
   * Deletes a team (any 2xx). A team that still has roles in a project may be refused
   * (CANNOT_DELETE_TEAM_ASSIGNED_TO_PROJECT, a 404 in Atlas, which isNotFoundAnswer does not count):
   * remove it from its projects first. A 404 is an error; after a retry it may mean an earlier attempt
   * already deleted the team, the caller decides.
   */
  async deleteTeam(orgId: string, teamId: string): Promise<void> {
    await this.exchange({
      method: "DELETE",
      segments: ["orgs", id(orgId, "orgId"), "teams", id(teamId, "teamId")],
      orgId,
      subject: teamSubject(orgId, teamId),
    });
  }

  /** One project (the API's group) by id. */
  async getProject(projectId: string): Promise<Project> {
    const { value } = await this.call(
      { method: "GET", segments: ["groups", id(projectId, "projectId")], subject: projectSubject(projectId) },
      parseProject,
    );
    return value;
  }

  /** Every project the credential can access (`GET /groups`), all pages (checked as listOrgUsers checks its pages). */
  async listProjects(): Promise<Project[]> {
    return this.listAllPages({
      spec: { segments: ["groups"] },
      parse: parseProjectPage,
      keyOf: byId,
      noun: "project",
      changing: "projects",
    });
  }

  /** Every project of the organization (`GET /orgs/{ORG-ID}/groups`), all pages. */
  async listOrgProjects(orgId: string): Promise<Project[]> {
    return this.listAllPages({
      spec: { segments: ["orgs", id(orgId, "orgId"), "groups"], orgId, subject: `organization ${orgId}` },
      parse: parseProjectPage,
      keyOf: byId,
      noun: "project",
      changing: "projects",
    });
  }

  /**
   * Every team that has roles in the project, with its roles (in no particular order), all pages.
   * Cloud Manager has no read of one team in a project: find it here by `teamId`.
   */
  async listProjectTeams(projectId: string): Promise<ProjectTeam[]> {
    return this.listAllPages({
      spec: { segments: ["groups", id(projectId, "projectId"), "teams"], projectId, subject: projectSubject(projectId) },
      parse: parseProjectTeamPage,
      keyOf: (entry) => entry.teamId,
      noun: "team",
      changing: "the project's teams",
    });
  }

  /**
   * Gives teams of the project's organization roles in the project: one POST with the JSON array
   * `[{teamId, roleNames}, …]` (at least one role each). Any 2xx succeeds (its page of teams, if any,
   * is checked for shape only); an empty `teams` sends nothing. After a failure the server may have
   * acted on, the project's teams are listed first: if every team already has exactly the roles asked
   * for, the POST is not sent again.
   */
  async addTeamsToProject(projectId: string, teams: ProjectTeam[]): Promise<void> {
    if (!Array.isArray(teams)) throw configError(`teams must be an array of {teamId, roleNames}, got ${JSON.stringify(teams)}.`);
    const body = teams.map((entry) => {
      const teamId = id(entry?.teamId, "teamId");
      return { teamId, roleNames: projectRoles(entry.roleNames, `roleNames of team ${teamId}`, TEAM_REMOVAL) };
    });
    if (body.length === 0) return;
    await this.call(
      {
        method: "POST",
        segments: ["groups", id(projectId, "projectId"), "teams"],
        body,
        projectId,
        subject: projectSubject(projectId),
        sendsProjectRoles: true,
        beforeReplay: async (post) => {
          const assigned = await this.listProjectTeams(projectId);
          const done = body.every((wanted) =>
            assigned.some((entry) => entry.teamId === wanted.teamId && sameSet(entry.roleNames, wanted.roleNames)),
          );
          if (!done) return undefined;
          this.#log({
            level: "info",
            message: `An earlier attempt had already given the teams their roles in project ${projectId}; not sending the POST again`,
            ...eventFieldsOf(post),
          });
          // Stands for the answer the POST would have had; the list it comes from succeeded through the auth layer.
          return { status: 204, headers: {}, body: Buffer.alloc(0), authenticated: true };
        },
      },
      parseProjectTeamPage,
      () => EMPTY_PAGE,
    );
  }

  /**
   * Replaces the roles of a team in a project (PATCH `{roleNames}`, at least one role; the full set).
   * Any 2xx succeeds (its page of the project's teams, if any, is checked for shape only). Safe to retry.
   */
  async setProjectTeamRoles(projectId: string, teamId: string, roleNames: string[]): Promise<void> {
    const body = { roleNames: projectRoles(roleNames, `roleNames of team ${teamId}`, TEAM_REMOVAL) };
    await this.call(
      {
        method: "PATCH",
        segments: ["groups", id(projectId, "projectId"), "teams", id(teamId, "teamId")],
        body,
        projectId,
        subject: projectTeamSubject(projectId, teamId),
        sendsProjectRoles: true,
      },
      parseProjectTeamPage,
      () => EMPTY_PAGE,
    );
  }

  /** Takes a team's roles in a project away (any 2xx); the team stays in its organization. */
  async removeTeamFromProject(projectId: string, teamId: string): Promise<void> {
    await this.exchange({
      method: "DELETE",
      segments: ["groups", id(projectId, "projectId"), "teams", id(teamId, "teamId")],
      projectId,
      subject: projectTeamSubject(projectId, teamId),
    });
  }

  /**
   * The users of a project, all pages (checked as listOrgUsers checks its pages), each with
   * `projectRoles`: the user's own roles in THIS project, which the client picks out of `roles`.
   * `roles` is kept as Cloud Manager sends it and covers EVERY organization and project the user belongs
   * to (and global roles), not only this project.
   *
   * Who is listed: users with at least one role of their own in the project; with `flattenTeams` also
   * those who reach it only through a team, with `includeOrgUsers` also the Organization Owners and
   * Organization Read Only members of its organization. A user listed only for those reasons has empty
   * `projectRoles` (a team's roles are in listProjectTeams). Pending invitees are not listed (see
   * listProjectInvitations). Both flags are always sent, `false` unless set.
   */
  async listProjectUsers(projectId: string, options: ListProjectUsersOptions = {}): Promise<ProjectUser[]> {
    const project = id(projectId, "projectId");
    return this.listAllPages({
      spec: {
        segments: ["groups", project, "users"],
        query: { flattenTeams: String(options.flattenTeams === true), includeOrgUsers: String(options.includeOrgUsers === true) },
        projectId,
        subject: projectSubject(projectId),
      },
      parse: projectUserPageParser(projectId),
      keyOf: byId,
      noun: "user",
      changing: "the project's users",
    });
  }

  /**
   * Gives users roles of their own in a project: one POST with the JSON array
   * `[{"id": userId, "roles": [{"roleName": "GROUP_…"}, …]}, …]` (at least one role each, each user
   * once; an empty `users` sends nothing). Cloud Manager REPLACES the roles a user already has in the
   * project with these, so sending the same array twice leaves the same roles: the request is marked
   * idempotent and is simply sent again after a failure the server may have acted on (a 5xx, an answer
   * lost). A user who is not a member of the project's organization is added to it (ORG_MEMBER).
   * Any 2xx succeeds (its page of users, if any, is checked for shape only). Refusals keep errorCode:
   * USER_NOT_FOUND (404) for an unknown user id, INVALID_ROLE_FOR_GROUP (400) for a role that is not a
   * project role.
   */
  async addUsersToProject(projectId: string, users: ProjectUserRoles[]): Promise<void> {
    if (!Array.isArray(users)) throw configError(`users must be an array of {userId, roles}, got ${JSON.stringify(users)}.`);
    const seen = new Set<string>();
    const body = users.map((entry) => {
      const userId = id(entry?.userId, "userId");
      // Two entries for one user would leave whichever the server applies last: say which roles are meant.
      if (seen.has(userId)) throw configError(`user ${userId} is listed twice: give each user one entry with all of their roles.`);
      seen.add(userId);
      const roles = projectRoles(entry.roles, `roles of user ${userId}`, USER_REMOVAL);
      return { id: userId, roles: roles.map((roleName) => ({ roleName })) };
    });
    if (body.length === 0) return;
    await this.call(
      {
        method: "POST",
        segments: ["groups", id(projectId, "projectId"), "users"],
        body,
        projectId,
        subject: `project ${projectId}, or one of the users sent (${[...seen].join(", ")})`,
        sendsProjectRoles: true,
        idempotent: true,
      },
      projectUserPageParser(projectId),
      () => EMPTY_PAGE,
    );
  }

  /**
   * Replaces a user's own roles in a project (PUT `{"groupRoles": [...]}`, the full set, at least one:
   * refused before sending otherwise) and returns the roles the server answers with, or `roles` itself
   * when a 2xx has no body. Safe to retry (PUT of an absolute value).
   *
   * Errors: USER_NOT_IN_GROUP (404) when the user has no role of their own in the project (one who
   * reaches it through a team or an organization role is changed there); CANNOT_DEMOTE_LAST_OWNER (403)
   * when the project would be left without a Project Owner: the message says to give another user
   * GROUP_OWNER first.
   */
  async setProjectUserRoles(projectId: string, userId: string, roles: string[]): Promise<string[]> {
    const sent = projectRoles(roles, `roles of user ${userId}`, USER_REMOVAL);
    const { value } = await this.call(
      {
        method: "PUT",
        segments: ["groups", id(projectId, "projectId"), "users", id(userId, "userId"), "roles"],
        body: { groupRoles: sent },
        projectId,
        subject: projectUserSubject(projectId, userId),
        sendsProjectRoles: true,
      },
      parseGroupRoles,
      () => sent,
    );
    return value;
  }

  /**
   * Takes a user's own roles in a project away (any 2xx); the user stays in the organization, and keeps
   * what teams and organization roles give. A 404 is an error: USER_NOT_IN_GROUP (after a retry it may
   * mean an earlier attempt already removed the user; the caller decides, e.g. with isNotFoundAnswer).
   * The last Project Owner cannot be removed (CANNOT_DELETE_LAST_OWNER, 403): the message says to give
   * another user GROUP_OWNER first.
   */
  async removeProjectUser(projectId: string, userId: string): Promise<void> {
    await this.exchange({
      method: "DELETE",
      segments: ["groups", id(projectId, "projectId"), "users", id(userId, "userId")],
      projectId,
      subject: projectUserSubject(projectId, userId),
    });
  }

  /** Pending invitations to a project (a bare array, not paged), optionally only those for one username (email). */
  async listProjectInvitations(projectId: string, filter?: { username?: string }): Promise<ProjectInvitation[]> {
    const query: Record<string, string> = {};
    if (filter?.username !== undefined) query.username = filter.username;
    const { value } = await this.call(
      { method: "GET", segments: ["groups", id(projectId, "projectId"), "invites"], query, projectId, subject: projectSubject(projectId) },
      parseProjectInvitationList,
    );
    return value;
  }

  /** One pending project invitation. 404 (RESOURCE_NOT_FOUND) once it was accepted, expired or deleted. */
  async getProjectInvitation(projectId: string, invitationId: string): Promise<ProjectInvitation> {
    const { value } = await this.call(
      {
        method: "GET",
        segments: ["groups", id(projectId, "projectId"), "invites", id(invitationId, "invitationId")],
        projectId,
        subject: projectInvitationSubject(projectId, invitationId),
      },
      parseProjectInvitation,
    );
    return value;
  }

  /**
   * Invites `req.username` (an email) to the project with `req.roles` (project roles, at least one).
   * Accepting makes the person a member of the project's organization too.
   *
   * POST is not idempotent: after a failure the server may have acted on (a 5xx, an answer lost), a
   * blind re-send could leave two pending invitations, or a 409 INVITATION_ALREADY_EXISTS for the one
   * the first attempt made. So before re-sending, the project's pending invitations for this username
   * are listed, and one with the same roles (as a set; pickPendingInvitation's rule among several) is
   * returned instead. Failures where the server certainly did not act (429, connection refused) are
   * re-sent directly.
   */
  async createProjectInvitation(projectId: string, req: CreateProjectInvitationRequest): Promise<ProjectInvitation> {
    const username = id(req?.username, "username");
    const roles = projectRoles(req.roles, `roles of the invitation for ${username}`, INVITATION_REMOVAL);
    const wanted = { username, roles };
    const { value } = await this.call(
      {
        method: "POST",
        segments: ["groups", id(projectId, "projectId"), "invites"],
        body: wanted,
        projectId,
        subject: projectSubject(projectId),
        sendsProjectRoles: true,
        beforeReplay: async (post) => {
          const found = await this.findMatchingProjectInvitation(projectId, wanted);
          if (found === undefined) return undefined;
          this.#log({
            level: "info",
            message: `An earlier attempt had already created invitation ${found.id} to project ${projectId} for ${username}; not sending the POST again`,
            ...eventFieldsOf(post),
          });
          // Stands for the answer the POST would have had; the list it comes from succeeded through the auth layer.
          return { status: 201, headers: {}, body: Buffer.from(JSON.stringify(found), "utf8"), authenticated: true };
        },
      },
      parseProjectInvitation,
    );
    return value;
  }

  /** Replaces the roles of a pending project invitation (PATCH `{roles}`, an absolute value: safe to retry). */
  async updateProjectInvitationRoles(projectId: string, invitationId: string, roles: string[]): Promise<ProjectInvitation> {
    const sent = projectRoles(roles, `roles of invitation ${invitationId}`, INVITATION_REMOVAL);
    const { value } = await this.call(
      {
        method: "PATCH",
        segments: ["groups", id(projectId, "projectId"), "invites", id(invitationId, "invitationId")],
        body: { roles: sent },
        projectId,
        subject: projectInvitationSubject(projectId, invitationId),
        sendsProjectRoles: true,
      },
      parseProjectInvitation,
    );
    return value;
  }

  /** Replaces the roles of the pending project invitation for `username` (PATCH `{username, roles}`; safe to retry). */
  async updateProjectInvitationByUsername(projectId: string, username: string, roles: string[]): Promise<ProjectInvitation> {
    const sent = projectRoles(roles, `roles of the invitation for ${username}`, INVITATION_REMOVAL);
    const { value } = await this.call(
      {
        method: "PATCH",
        segments: ["groups", id(projectId, "projectId"), "invites"],
        body: { username: id(username, "username"), roles: sent },
        projectId,
        subject: `a pending invitation for ${username} in project ${projectId}`,
        sendsProjectRoles: true,
      },
      parseProjectInvitation,
    );
    return value;
  }

  /**
   * Deletes a pending project invitation (any 2xx). A 404 is an error (RESOURCE_NOT_FOUND: accepted,
   * expired or deleted; after a retry it usually means an earlier attempt already deleted it): the
   * caller decides.
   */
  async deleteProjectInvitation(projectId: string, invitationId: string): Promise<void> {
    await this.exchange({
      method: "DELETE",
      segments: ["groups", id(projectId, "projectId"), "invites", id(invitationId, "invitationId")],
      projectId,
      subject: projectInvitationSubject(projectId, invitationId),
    });
  }

  /** One user by username (email). */
  async getUserByName(username: string): Promise<OrgUser> {
    const { value } = await this.call(
      { method: "GET", segments: ["users", "byName", id(username, "username")], subject: `user ${username}` },
      parseOrgUser,
    );
    return value;
  }

  async getOrganization(orgId: string): Promise<Organization> {
    const { value } = await this.call(
      { method: "GET", segments: ["orgs", id(orgId, "orgId")], orgId, subject: `organization ${orgId}` },
      parseOrganization,
    );
    return value;
  }

  /** Closes the connections and cancels waiting retries. */
  async close(): Promise<void> {
    this.#closing.abort();
    await this.#transport.close();
  }

  /** The pending invitation an earlier attempt of `req` may have created: same roles and teams, then pickPendingInvitation's rule. */
  private async findMatchingInvitation(orgId: string, req: CreateInvitationRequest): Promise<Invitation | undefined> {
    const pending = await this.listInvitations(orgId, { username: req.username });
    const wantedTeams = req.teamIds ?? [];
    const sameRequest = pending.filter((invitation) => sameSet(invitation.roles, req.roles) && sameSet(invitation.teamIds, wantedTeams));
    return pickPendingInvitation(sameRequest, req.username);
  }

  /** The pending project invitation an earlier attempt of `req` may have created: same roles, then pickPendingInvitation's rule. */
  private async findMatchingProjectInvitation(
    projectId: string,
    req: CreateProjectInvitationRequest,
  ): Promise<ProjectInvitation | undefined> {
    const pending = await this.listProjectInvitations(projectId, { username: req.username });
    return pickPendingInvitation(
      pending.filter((invitation) => sameSet(invitation.roles, req.roles)),
      req.username,
    );
  }

  /**
   * THE pager: every entry of a paged listing, 500 per page, up to PAGES_AT_ONCE of the pages the first
   * one announced asked for at once and checked in order. A server whose paging cannot be right ends
   * the listing with CLOUD_MANAGER_RESPONSE_ERROR instead of returning duplicates or never ending: a page
   * repeating an entry already listed (by `keyOf`), more entries than `totalCount`, more pages than
   * `totalCount` needs (plus one, for entries added meanwhile), or more than MAX_PAGES pages.
   */
  private async listAllPages<T>(listing: Listing<T>): Promise<T[]> {
    const { noun, changing, keyOf } = listing;
    const entries: T[] = [];
    const seen = new Set<string>();
    // Pages asked for before their turn (PAGES_AT_ONCE), only among those the first page announced. One
    // the listing ends without (an earlier page was the last, or failed) is dropped, its error with it,
    // and `dropped` cuts off its attempt in flight and stops its retries: a rate-limited page nobody
    // reads must not keep asking.
    const dropped = new AbortController();
    const request = (pageNum: number) =>
      this.call(
        {
          ...listing.spec,
          method: "GET",
          query: { ...listing.spec.query, pageNum: String(pageNum), itemsPerPage: String(PAGE_SIZE) },
          abandoned: dropped.signal,
        },
        listing.parse,
      );
    const ahead = new Map<number, ReturnType<typeof request>>();
    let announced = 1;
    try {
      for (let pageNum = 1; ; pageNum++) {
        const next = ahead.get(pageNum) ?? request(pageNum);
        ahead.delete(pageNum);
        const { value: page, response, ctx } = await next;
        const broken = (why: string): Error => pagingError(ctx, pageNum, why, response.authenticated);
        for (const entry of page.results) {
          const key = keyOf(entry);
          // A change while listing can shift pages too: the message says to run again.
          if (seen.has(key)) throw broken(`it repeats ${noun} ${key}, already listed (if ${changing} changed meanwhile, run again)`);
          seen.add(key);
          entries.push(entry);
        }
        if (entries.length > page.totalCount) throw broken(`${entries.length} ${noun}s so far, but totalCount says ${page.totalCount}`);
        listing.onPage?.(entries.length, page.totalCount);
        const hasNext = page.links.some((link) => link.rel === "next");
        if (page.results.length === 0 || !hasNext || entries.length >= page.totalCount) break;
        // totalCount is Infinity when the server leaves it out: then only the hard cap applies.
        const pagesAllowed = Math.min(MAX_PAGES, Math.ceil(page.totalCount / PAGE_SIZE) + 1);
        if (pageNum >= pagesAllowed) {
          throw broken(
            `it links to a next page, but ${pagesAllowed} page${pagesAllowed === 1 ? "" : "s"} should hold all ` +
              (Number.isFinite(page.totalCount) ? `${page.totalCount} ${noun}s (totalCount)` : `${noun}s`),
          );
        }
        if (pageNum === 1 && Number.isFinite(page.totalCount)) announced = Math.min(MAX_PAGES, Math.ceil(page.totalCount / PAGE_SIZE));
        for (let later = pageNum + 1; later <= Math.min(announced, pageNum + PAGES_AT_ONCE); later++) {
          if (ahead.has(later)) continue;
          const asked = request(later);
          asked.catch(() => undefined);
          ahead.set(later, asked);
        }
      }
    } finally {
      dropped.abort();
    }
    return entries;
  }

  /**
   * Sends one API call and returns its parsed body; any other outcome throws a CloudManagerError.
   * With `noContent`, a 204 or an empty 2xx body is accepted too and gives `noContent()`.
   */
  private async call<T>(
    spec: CallSpec,
    parse: (body: unknown) => T | undefined,
    noContent?: () => T,
  ): Promise<{ value: T; response: WireResponse; ctx: CallContext }> {
    const { response, ctx } = await this.exchange(spec);
    if (noContent !== undefined && isNoContent(response)) return { value: noContent(), response, ctx };
    return { value: parseAnswer(response, ctx, parse), response, ctx };
  }

  private async exchange(spec: CallSpec): Promise<{ response: WireResponse; ctx: CallContext }> {
    const url = this.urlOf(spec);
    const headers: Record<string, string> = { accept: "application/json", "user-agent": this.#settings.userAgent };
    let body: string | undefined;
    if (spec.body !== undefined) {
      body = JSON.stringify(spec.body);
      headers["content-type"] = "application/json";
    }
    const ctx: CallContext = {
      method: spec.method,
      url,
      credential: this.#credential,
      headers,
      redactor: this.#redactor,
      ...(spec.orgId === undefined ? {} : { orgId: spec.orgId }),
      ...(spec.projectId === undefined ? {} : { projectId: spec.projectId }),
      ...(spec.subject === undefined ? {} : { subject: spec.subject }),
      ...(spec.missingRoute === undefined ? {} : { missingRoute: spec.missingRoute }),
      ...(spec.sendsProjectRoles === undefined ? {} : { sendsProjectRoles: spec.sendsProjectRoles }),
    };
    let response: WireResponse;
    try {
      response = await this.#send({
        method: spec.method,
        url,
        headers,
        ...(body === undefined ? {} : { body }),
        ...(spec.orgId === undefined ? {} : { orgId: spec.orgId }),
        ...(spec.beforeReplay === undefined ? {} : { beforeReplay: spec.beforeReplay }),
        ...(spec.abandoned === undefined ? {} : { abandoned: spec.abandoned }),
        ...(spec.idempotent === undefined ? {} : { idempotent: spec.idempotent }),
      });
    } catch (error) {
      if (error instanceof NetworkFailure) throw networkError(error, ctx);
      throw error;
    }
    if (response.status < 200 || response.status > 299) throw apiError(response, ctx);
    return { response, ctx };
  }

  private urlOf(spec: CallSpec): URL {
    const url = new URL(spec.segments.map(encodeURIComponent).join("/"), this.#settings.baseUrl);
    const query = new URLSearchParams(spec.query);
    if (this.#settings.envelope) query.set("envelope", "true");
    if (this.#settings.pretty) query.set("pretty", "true");
    url.search = query.toString();
    return url;
  }
}

/** A path segment from user input: not empty and not "." / ".." (which the URL parser would resolve away). */
function id(value: string, name: string): string {
  if (typeof value !== "string" || value.trim() === "" || value === "." || value === "..") {
    throw configError(`${name} must be a non-empty string, got ${JSON.stringify(value)}.`);
  }
  return value;
}

function orgUserSubject(orgId: string, userId: string): string {
  return `user ${userId} in organization ${orgId} (not a member of it, or no such user)`;
}

function teamSubject(orgId: string, teamId: string): string {
  return `team ${teamId} in organization ${orgId}`;
}

/** Entries told apart by their `id`. */
function byId(entry: { id: string }): string {
  return entry.id;
}

/** A 2xx that carries no body to read: a 204, or any 2xx with an empty body. */
function isNoContent(response: WireResponse): boolean {
  return response.status === 204 || response.body.length === 0;
}

/** The body of a 2xx read with `parse`; a body that is not JSON, or not the documented shape, is a CLOUD_MANAGER_RESPONSE_ERROR. */
function parseAnswer<T>(response: WireResponse, ctx: CallContext, parse: (body: unknown) => T | undefined): T {
  let parsed: unknown;
  try {
    parsed = JSON.parse(response.body.toString("utf8"));
  } catch {
    throw malformedResponseError(ctx.method, ctx.url, "JSON", response.authenticated);
  }
  const value = parse(parsed);
  if (value === undefined) throw malformedResponseError(ctx.method, ctx.url, "the documented object", response.authenticated);
  return value;
}

/**
 * Project roles as sent for a team, a user or an invitation: an array of at least one non-empty string.
 * Taking every role away is another call's job (`instead` names it): Cloud Manager refuses an empty
 * list or does not document one.
 */
function projectRoles(roles: string[], what: string, instead: string): string[] {
  if (!Array.isArray(roles) || roles.length === 0 || roles.some((role) => typeof role !== "string" || role.trim() === "")) {
    throw configError(`${what} must list at least one project role (e.g. GROUP_READ_ONLY), got ${JSON.stringify(roles)}. ${instead}`);
  }
  return [...roles];
}

const TEAM_REMOVAL = "To take every role away, use removeTeamFromProject.";
const USER_REMOVAL = "To take the user out of the project, use removeProjectUser.";
const INVITATION_REMOVAL = "To withdraw the invitation, use deleteProjectInvitation.";

function projectSubject(projectId: string): string {
  return `project ${projectId}`;
}

function projectTeamSubject(projectId: string, teamId: string): string {
  return `team ${teamId} in project ${projectId}`;
}

function projectUserSubject(projectId: string, userId: string): string {
  return `user ${userId} in project ${projectId}`;
}

function projectInvitationSubject(projectId: string, invitationId: string): string {
  return `invitation ${invitationId} in project ${projectId} (it was accepted, expired or deleted, or never existed)`;
}

/** What a 204 to a call answering a page stands for. */
const EMPTY_PAGE: Page<never> = { results: [], totalCount: 0, links: [] };

function invitationSubject(orgId: string, invitationId: string): string {
  return `invitation ${invitationId} in organization ${orgId} (it was accepted, expired or deleted, or never existed)`;
}
