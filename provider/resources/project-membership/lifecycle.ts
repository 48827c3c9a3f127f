// create, read, update and delete of a ProjectMembership (one person's own roles in one project), in
// lifecycle order (the table: docs/lifecycle.md). Where the person stands is read from the
// organization's members and the project's users (one read each per deployment, shared).
//
// A person who is not a member of the organization yet is WAITED for (status PENDING, nothing sent)
// rather than sent a project invitation: their OrgMembership's invitation is the one way in. A project
// invitation would be a SECOND invitation for the same person, and accepting it would make them a
// member with a role nobody declared (ORG_MEMBER), beside or instead of the OrgMembership's. The first
// `up` after they accept gives them the roles (the diff proposes an update while PENDING).
//
// Refusals name the fix and send nothing: a project of another organization, the same person
// declared twice for one project, a change that would leave the project without a Project Owner of
// its own (Cloud Manager's CANNOT_DEMOTE_LAST_OWNER / CANNOT_DELETE_LAST_OWNER, checked first here).

import type { CreateResult, ReadResult, UpdateResult } from "@pulumi/pulumi/dynamic";
import { isExpired, isNotFoundAnswer, pickPendingInvitation, sameSet } from "../../../sdk";
import type { OrgUser, Project, ProjectUser } from "../../../sdk/types";
import { sameUsername } from "../../access/identity";
import { findProject, ofThisOrg } from "../../access/projects";
import { senderOf } from "../../access/invitations";
import { memberNamed } from "../../access/org-rules";
import { resourceNameOf, type StepContext } from "../../deployment/deployment-ledger";
import { warn } from "../../deployment/notices";
import type { OrgApi } from "../../deployment/org-api";
import { codedMessage } from "../../errors/codes";
import { orFail, providerError } from "../../errors/provider-error";
import { compact, type PropertyBag } from "../../model/property-bag";
import {
  projectMembershipResourceId,
  storedProjectMembershipOf,
  type ProjectMembershipInputs,
  type ProjectMembershipOutputs,
} from "./model";

const OWNER = "GROUP_OWNER";

// ---- create ----

export async function createProjectMembership(
  api: OrgApi,
  inputs: ProjectMembershipInputs,
  step: StepContext,
): Promise<CreateResult<ProjectMembershipOutputs>> {
  refuseDeclaredTwice(inputs, step);
  const id = projectMembershipResourceId(inputs.orgId, inputs.projectId, inputs.username);
  return { id, outs: await converge(api, inputs, "create") };
}

// ---- read ----

export async function readProjectMembership(
  api: OrgApi,
  parsed: { orgId: string; projectId: string; username: string },
  props: PropertyBag,
): Promise<ReadResult<ProjectMembershipOutputs>> {
  const stored = storedProjectMembershipOf(props);
  const id = projectMembershipResourceId(parsed.orgId, parsed.projectId, parsed.username);
  const base = {
    orgId: parsed.orgId,
    projectId: parsed.projectId,
    username: stored.username ?? parsed.username,
    roles: stored.roles ?? [],
  };
  const project = await projectOf(api, parsed.projectId);
  const member = memberNamed(await membersOf(api), parsed.username);
  const user = member === undefined || project === undefined ? undefined : await projectUser(api, project.id, member.id);
  if (user !== undefined && member !== undefined) {
    return {
      id,
      props: compact({
        ...base,
        roles: [...user.projectRoles].sort(),
        status: "ACTIVE" as const,
        userId: member.id,
        projectName: project?.name,
      }),
    };
  }
  // A `get` or import without state: nothing to read.
  if (stored.status === undefined) return { id: "" };
  const wasActive = stored.status === "ACTIVE" || stored.status === "REMOVED";
  const outs: ProjectMembershipOutputs = {
    ...base,
    status: wasActive ? "REMOVED" : "PENDING",
    ...(member === undefined ? {} : { userId: member.id }),
    ...(project === undefined ? {} : { projectName: project.name }),
  };
  return { id, props: compact(outs) };
}

// ---- update ----

export async function updateProjectMembership(
  api: OrgApi,
  inputs: ProjectMembershipInputs,
): Promise<UpdateResult<ProjectMembershipOutputs>> {
  return { outs: await converge(api, inputs, "update") };
}

// ---- delete ----

/**
 * Takes the person out of the project (their organization membership stays), and withdraws any
 * project invitation still pending for them there (accepting it would give the access back).
 * `retainOnDelete` (a Pulumi resource option) keeps the roles.
 */
export async function deleteProjectMembership(
  api: OrgApi,
  parsed: { orgId: string; projectId: string; username: string },
  props: PropertyBag,
): Promise<void> {
  const stored = storedProjectMembershipOf(props);
  const username = stored.username ?? parsed.username;
  const project = await projectOf(api, parsed.projectId);
  if (project === undefined) {
    warn(`project ${parsed.projectId} is no longer a project of organization ${api.orgId}; nothing to remove for ${username}.`);
    return;
  }
  const member = memberNamed(await membersOf(api), username);
  let user = member === undefined ? undefined : await projectUser(api, project.id, member.id);
  if (user === undefined && member !== undefined)
    user = (await orFail(api.freshProjectUsers(project.id), usersRead(project))).find((u) => u.id === member.id);
  if (user === undefined) {
    warn(`${username} has no roles of their own in project "${project.name}" (${project.id}); nothing to remove.`);
  } else {
    const found = user;
    await ownerSafe(api, project, found, [], async () => {
      try {
        await api.removeProjectUser(project.id, found);
      } catch (e) {
        if (!isNotFoundAnswer(e)) throw providerError(`Taking ${username} out of project "${project.name}" (${project.id})`, e);
        const fresh = await orFail(api.freshProjectUsers(project.id), usersRead(project));
        if (fresh.some((u) => u.id === found.id))
          throw providerError(`Taking ${username} out of project "${project.name}" (${project.id})`, e);
        warn(`${username} was already out of project "${project.name}"; nothing to remove.`);
      }
    });
  }
  await withdrawProjectInvitations(api, project, username);
}

// ---- steps ----

/** Create and update alike: the person's own roles in the project made to match, or a wait for their membership. */
async function converge(api: OrgApi, inputs: ProjectMembershipInputs, step: "create" | "update"): Promise<ProjectMembershipOutputs> {
  const located = await locateProject(api, inputs.projectId);
  const inProject = "project" in located ? located.project : refuseForeignProject(api, inputs, located.elsewhere);
  const member = memberNamed(await membersOf(api), inputs.username);
  if (member === undefined) {
    const invited = pickPendingInvitation(
      await orFail(api.pending(), `Reading the pending invitations of organization ${api.orgId}`),
      inputs.username,
    );
    warn(
      `${inputs.username} gets ${inputs.roles.join(", ")} in project "${inProject.name}" once they are a member of organization ${api.orgId}: ` +
        (invited === undefined
          ? `nobody has invited them to the organization (declare an OrgMembership for them). Nothing was sent.`
          : `their invitation ${invited.id} is pending. The first \`pulumi up\` after they accept gives them the roles; nothing was sent.`),
    );
    return { ...inputs, status: "PENDING", projectName: inProject.name };
  }
  const user = await projectUser(api, inProject.id, member.id);
  if (user === undefined) {
    // A pending project invitation for them: adding them would send nothing new in the emulator, but
    // Cloud Manager's docs say that adding a user may itself invite them ("users first receive an
    // invitation"): never a second invitation — they get the roles when they accept this one.
    const invited = (
      await orFail(api.projectInvitations(inProject.id), `Reading the pending invitations of project "${inProject.name}" (${inProject.id})`)
    ).find((i) => sameUsername(i.username, inputs.username) && !isExpired(i.expiresAt));
    if (invited !== undefined) {
      warn(
        `${inputs.username} has a pending invitation ${invited.id} to project "${inProject.name}" (${invited.roles.join(", ")}; sent by ${invited.inviterUsername}): ` +
          `nothing sent, so they get no second one. Once they accept it, \`pulumi up\` sets their roles to ${inputs.roles.join(", ")}.`,
      );
      return { ...inputs, status: "PENDING", userId: member.id, projectName: inProject.name };
    }
    if (step === "update")
      warn(
        `${inputs.username} has no roles of their own in project "${inProject.name}" (taken off outside Pulumi, or just joined); giving them ${inputs.roles.join(", ")}.`,
      );
    await api
      .addUserToProject(inProject.id, member, inputs.roles)
      .catch((e: unknown) =>
        Promise.reject(
          providerError(`Giving ${inputs.username} ${inputs.roles.join(", ")} in project "${inProject.name}" (${inProject.id})`, e),
        ),
      );
  } else if (!sameSet(user.projectRoles, inputs.roles)) {
    if (step === "create")
      warn(
        `${inputs.username} already has ${user.projectRoles.join(", ")} in project "${inProject.name}"; adopting them and setting ${inputs.roles.join(", ")}.`,
      );
    await ownerSafe(api, inProject, user, inputs.roles, () =>
      api
        .setProjectUserRoles(inProject.id, user, inputs.roles)
        .catch((e: unknown) =>
          Promise.reject(providerError(`Setting the roles of ${inputs.username} in project "${inProject.name}" (${inProject.id})`, e)),
        ),
    );
  } else if (step === "create") {
    warn(`${inputs.username} already has ${inputs.roles.join(", ")} in project "${inProject.name}"; adopting them (nothing sent).`);
  }
  return { ...inputs, status: "ACTIVE", userId: member.id, projectName: inProject.name };
}

/**
 * Runs `write`, a change of `user`'s roles to `rolesAfter` (none: out of the project). One that takes
 * GROUP_OWNER away runs alone in the organization (`exclusive`, as the owner guard's writes do) and is
 * decided on the project's users as this deployment knows them once the writes before it are done:
 * two owners demoted at once are not both sent, the second is refused before sending.
 */
async function ownerSafe(
  api: OrgApi,
  project: Project,
  user: ProjectUser,
  rolesAfter: readonly string[],
  write: () => Promise<void>,
): Promise<void> {
  if (!user.projectRoles.includes(OWNER) || rolesAfter.includes(OWNER)) return write();
  return api.exclusive(async () => {
    await refuseLastOwner(api, project, user, rolesAfter);
    await write();
  });
}

/** A change that leaves the project without a Project Owner of its own (GROUP_OWNER given directly) is refused before sending. */
async function refuseLastOwner(api: OrgApi, project: Project, user: ProjectUser, rolesAfter: readonly string[]): Promise<void> {
  if (!user.projectRoles.includes(OWNER) || rolesAfter.includes(OWNER)) return;
  const owners = (await orFail(api.projectUsers(project.id), usersRead(project))).filter((u) => u.projectRoles.includes(OWNER));
  if (owners.some((u) => u.id !== user.id)) return;
  const action = rolesAfter.length === 0 ? "taking them out of it" : `changing their roles to ${rolesAfter.join(", ")}`;
  throw new Error(
    codedMessage(
      "LAST_PROJECT_OWNER",
      `${user.username} is the only Project Owner of project "${project.name}" (${project.id}) with the role given directly; ${action} would leave it without one ` +
        `(Cloud Manager refuses: ${rolesAfter.length === 0 ? "CANNOT_DELETE_LAST_OWNER" : "CANNOT_DEMOTE_LAST_OWNER"}). Give another person GROUP_OWNER in the ` +
        `project first (a ProjectMembership), or keep this one (the \`retainOnDelete\` resource option). Nothing was sent.`,
    ),
  );
}

function refuseForeignProject(api: OrgApi, inputs: ProjectMembershipInputs, elsewhere: Project | undefined): never {
  const where =
    elsewhere === undefined
      ? `project ${inputs.projectId} is not a project of organization ${api.orgId} (nor one these credentials can read)`
      : `project "${elsewhere.name}" (${elsewhere.id}) is of organization ${elsewhere.orgId}, not ${api.orgId}`;
  throw new Error(
    codedMessage(
      "PROJECT_NOT_IN_ORG",
      `${where}, and ${inputs.username}'s membership is declared in organization ${api.orgId}. Fix projectId or orgId. Nothing was sent.`,
    ),
  );
}

/** Withdraws every pending project invitation for the person in the project (a hand-sent one would give the access back), but another automation's. */
async function withdrawProjectInvitations(api: OrgApi, project: Project, username: string): Promise<void> {
  const pending = await orFail(
    api.projectInvitations(project.id),
    `Reading the pending invitations of project "${project.name}" (${project.id})`,
  );
  for (const invitation of pending.filter((i) => sameUsername(i.username, username))) {
    // Another automation's invitation is its own business, as a ProjectRoster never prunes one: said, kept.
    if (senderOf(invitation.inviterUsername, api.credentialId) === "another automation") {
      warn(
        `kept the pending invitation ${invitation.id} for ${username} to project "${project.name}": another API key or service account ` +
          `(${invitation.inviterUsername}) sent it; withdraw it where that automation is managed, or by hand.`,
      );
      continue;
    }
    try {
      await api.deleteProjectInvitation(project.id, invitation.id);
      warn(
        `withdrew the pending invitation ${invitation.id} for ${username} to project "${project.name}" (${invitation.roles.join(", ")}; sent by ${invitation.inviterUsername}).`,
      );
    } catch (e) {
      const what = `Withdrawing the invitation ${invitation.id} for ${username} to project "${project.name}"`;
      if (!isNotFoundAnswer(e)) throw providerError(what, e);
      // A 404 proves nothing by itself: gone only if the project's invitations, read now, do not list it.
      const now = await orFail(
        api.call((c) => c.listProjectInvitations(project.id)),
        `${what}: confirming Cloud Manager's 404 with a new read`,
      );
      if (now.some((i) => i.id === invitation.id)) throw providerError(what, e);
      warn(`the invitation ${invitation.id} for ${username} to project "${project.name}" was already gone; nothing to withdraw.`);
    }
  }
}

function refuseDeclaredTwice(inputs: ProjectMembershipInputs, step: StepContext): void {
  if (step.urn === undefined) return;
  const others = step.ledger.declareInProject(inputs.projectId, { username: inputs.username }, step.urn);
  if (others.length > 0) throw new Error(declaredTwiceInProject(inputs, step.urn, others));
}

export function declaredTwiceInProject(inputs: { projectId: string; username: string }, urn: string, others: readonly string[]): string {
  const names = [urn, ...others].map((u) => `"${resourceNameOf(u)}"`).join(" and ");
  return codedMessage(
    "PROJECT_MEMBERSHIP_DECLARED_TWICE",
    `${inputs.username} is declared more than once for project ${inputs.projectId}: ${names}. A person has one set of roles per project; keep one ` +
      `ProjectMembership (addresses are compared ignoring case). Nothing was sent for this resource.`,
  );
}

/** The project of this organization, or (`elsewhere`) what these credentials can read of it, for the refusal to name its organization. */
async function locateProject(api: OrgApi, projectId: string): Promise<{ project: Project } | { elsewhere: Project | undefined }> {
  const found = await findProject(api, projectId);
  const project = ofThisOrg(api, found);
  return project !== undefined ? { project } : { elsewhere: found };
}

async function projectOf(api: OrgApi, projectId: string): Promise<Project | undefined> {
  return ofThisOrg(api, await findProject(api, projectId));
}

async function membersOf(api: OrgApi): Promise<readonly OrgUser[]> {
  return orFail(api.members(), `Reading the members of organization ${api.orgId}`);
}

/** The member as a user of the project with roles of their own there, if they have any. */
async function projectUser(api: OrgApi, projectId: string, userId: string): Promise<ProjectUser | undefined> {
  const users = await orFail(api.projectUsers(projectId), `Reading the users of project ${projectId}`);
  return users.find((u) => u.id === userId && u.projectRoles.length > 0);
}

function usersRead(project: Project): string {
  return `Reading the users of project "${project.name}" (${project.id})`;
}
