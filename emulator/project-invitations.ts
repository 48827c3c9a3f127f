// Project invitations (`/groups/{PROJECT-ID}/invites`): invite a person by email to a project with
// project roles. Same life as an org invitation (pending for 30 days, then expired; hidden once
// accepted or expired unless `expiredInvitations` is "visible"; duplicates per `duplicateInvitations`),
// kept apart from the org's: GET /orgs/{ORG-ID}/invites does not list them. Accepting one (control
// plane) makes the person a member of the project's org, ORG_MEMBER if it was not one, with the
// invitation's roles in the project on top of any it had there.
import { ApiError, invalidEmail, invitationAlreadyExists, invitationNotFound, missingAttribute } from "./errors";
import { isoSeconds, newObjectId } from "./ids";
import { checkProfile, type Members } from "./members";
import { isEmail } from "./org-roles";
import { projectRoleSet, type ProjectUsers } from "./project-users";
import type { Projects } from "./projects";
import type { StoreData } from "./store-data";
import type { AcceptProfile, EmulatorSettings, ProjectInvitationRecord, ProjectInvitationView, UserRecord } from "./types";

const THIRTY_DAYS_MS = 30 * 24 * 3600 * 1000;
const JOINING_ORG_ROLE = "ORG_MEMBER";

export type ProjectInvitationStatus = "pending" | "accepted" | "expired";

/** What project invitations need from the rest of the store. */
export interface ProjectInvitationStoreContext {
  readonly settings: EmulatorSettings;
  readonly projects: Projects;
  readonly members: Members;
  readonly projectUsers: ProjectUsers;
}

export class ProjectInvitations {
  constructor(
    private readonly data: () => StoreData,
    private readonly changed: () => void,
    private readonly store: ProjectInvitationStoreContext,
  ) {}

  status(inv: ProjectInvitationRecord, now = Date.now()): ProjectInvitationStatus {
    if (inv.acceptedAt !== undefined) return "accepted";
    return Date.parse(inv.expiresAt) <= now ? "expired" : "pending";
  }

  /** What `GET /groups/{projectId}/invites` answers: visible invitations, in creation order, optionally for one username (any case). */
  list(projectId: string, username?: string): ProjectInvitationView[] {
    this.store.projects.get(projectId);
    const wanted = username?.toLowerCase();
    return this.data()
      .projectInvitations.filter(
        (i) => i.groupId === projectId && this.visible(i) && (wanted === undefined || i.username.toLowerCase() === wanted),
      )
      .map((i) => this.view(i));
  }

  get(projectId: string, id: string): ProjectInvitationView {
    return this.view(this.visibleOne(projectId, id));
  }

  /** 400 INVALID_EMAIL_ADDRESS, MISSING_ATTRIBUTE (`roles: []`), INVALID_ROLE_FOR_GROUP / INVALID_ENUM_VALUE; 409 per `duplicateInvitations`. */
  create(projectId: string, input: { username: string; roles: string[] }, inviterUsername: string): ProjectInvitationView {
    const project = this.store.projects.get(projectId);
    if (!isEmail(input.username)) throw invalidEmail(input.username);
    const roles = this.requiredRoles(input.roles);
    if (this.store.settings.duplicateInvitations === "reject") {
      const lower = input.username.toLowerCase();
      const dup = this.data().projectInvitations.some(
        (i) => i.groupId === project.id && i.username.toLowerCase() === lower && this.status(i) === "pending",
      );
      if (dup) throw invitationAlreadyExists(input.username);
    }
    const now = Date.now();
    const record: ProjectInvitationRecord = {
      id: newObjectId(),
      groupId: project.id,
      username: input.username,
      roles,
      inviterUsername,
      createdAt: isoSeconds(now),
      expiresAt: isoSeconds(now + THIRTY_DAYS_MS),
    };
    this.data().projectInvitations.push(record);
    this.changed();
    return this.view(record);
  }

  /** Replaces the roles of a visible invitation (404 RESOURCE_NOT_FOUND otherwise). */
  updateRoles(projectId: string, id: string, roles: string[]): ProjectInvitationView {
    const inv = this.visibleOne(projectId, id);
    inv.roles = this.requiredRoles(roles);
    this.changed();
    return this.view(inv);
  }

  /** Replaces the roles of every visible invitation for the username (any case); answers the most recent one. */
  updateRolesByUsername(projectId: string, username: string, roles: string[]): ProjectInvitationView {
    this.store.projects.get(projectId);
    if (!isEmail(username)) throw invalidEmail(username);
    const validated = this.requiredRoles(roles);
    const lower = username.toLowerCase();
    const matches = this.data().projectInvitations.filter(
      (i) => i.groupId === projectId && i.username.toLowerCase() === lower && this.visible(i),
    );
    const latest = matches.at(-1);
    if (!latest) throw new ApiError(404, "RESOURCE_NOT_FOUND", `Cannot find resource invitation for ${username}.`, [username]);
    for (const inv of matches) inv.roles = [...validated];
    this.changed();
    return this.view(latest);
  }

  delete(projectId: string, id: string): void {
    const inv = this.visibleOne(projectId, id);
    this.data().projectInvitations = this.data().projectInvitations.filter((i) => i !== inv);
    this.changed();
  }

  /** Control plane: the person joins the project's org (ORG_MEMBER if new to it) with the invitation's roles in the project. */
  accept(projectId: string, id: string, profile: AcceptProfile = {}): UserRecord {
    const project = this.store.projects.get(projectId);
    const inv = this.data().projectInvitations.find((i) => i.groupId === project.id && i.id === id);
    if (!inv || this.status(inv) !== "pending") throw invitationNotFound(id);
    checkProfile(profile);
    const existing = this.store.members.userByName(inv.username);
    const inOrg = existing?.roles.some((r) => r.orgId === project.orgId) === true;
    const user = this.store.members.join(project.orgId, inv.username, inOrg ? [] : [JOINING_ORG_ROLE], [], profile);
    this.store.projectUsers.grant(project.id, user.id, inv.roles);
    inv.acceptedAt = isoSeconds(Date.now());
    this.changed();
    return this.store.members.userById(user.id) ?? user;
  }

  /** Control plane: moves the invitation's expiry into the past. */
  expire(projectId: string, id: string): ProjectInvitationRecord {
    this.store.projects.get(projectId);
    const inv = this.data().projectInvitations.find((i) => i.groupId === projectId && i.id === id);
    if (!inv || inv.acceptedAt !== undefined) throw invitationNotFound(id);
    const past = isoSeconds(Date.now() - 1000);
    inv.expiresAt = past;
    if (Date.parse(inv.createdAt) > Date.parse(past)) inv.createdAt = past;
    this.changed();
    return structuredClone(inv);
  }

  /** Every stored project invitation with its status. */
  all(): (ProjectInvitationRecord & { status: ProjectInvitationStatus })[] {
    return this.data().projectInvitations.map((i) => ({ ...structuredClone(i), status: this.status(i) }));
  }

  private view(inv: ProjectInvitationRecord): ProjectInvitationView {
    return {
      createdAt: inv.createdAt,
      expiresAt: inv.expiresAt,
      groupId: inv.groupId,
      groupName: this.data().projects.find((p) => p.id === inv.groupId)?.name ?? "",
      id: inv.id,
      inviterUsername: inv.inviterUsername,
      roles: [...inv.roles],
      username: inv.username,
    };
  }

  /** As org invitations: at least one role (400 MISSING_ATTRIBUTE), each a project role. */
  private requiredRoles(roles: string[]): string[] {
    if (roles.length === 0) throw missingAttribute("roles");
    return projectRoleSet(roles, "roles");
  }

  /** Pending ones, plus expired ones when `expiredInvitations` is "visible". */
  private visible(inv: ProjectInvitationRecord): boolean {
    const status = this.status(inv);
    return status === "pending" || (status === "expired" && this.store.settings.expiredInvitations === "visible");
  }

  private visibleOne(projectId: string, id: string): ProjectInvitationRecord {
    this.store.projects.get(projectId);
    const inv = this.data().projectInvitations.find((i) => i.groupId === projectId && i.id === id);
    if (!inv || !this.visible(inv)) throw invitationNotFound(id);
    return inv;
  }
}
