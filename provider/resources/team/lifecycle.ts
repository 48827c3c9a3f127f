// create, read, update and delete of a Team, in lifecycle order (the table: docs/lifecycle.md).
// The team is found by name at create (an existing one is adopted, said in a warning), then by its id.
// Cloud Manager cannot create an empty team: the Team creates it with those of its `founders` who are
// members, and WAITS (status WAITING, `teamId` "waiting:<name>") while none is; its diff proposes a
// replacement once a founder is a member (./diff), whose create then makes the team. After creation the
// Team never changes who is on the team (OrgMembership.teamIds does). Deleting a team that still has
// roles in a project the program does not take it out of is refused: that would take the project
// access of its members away behind the program's back.

import type { CreateResult, ReadResult, UpdateResult } from "@pulumi/pulumi/dynamic";
import { isCloudManagerError, isNotFoundAnswer } from "../../../sdk";
import type { Team } from "../../../sdk/types";
import { memberNamed } from "../../access/org-rules";
import { refuseFoundersOffTeam } from "../../access/team-founders";
import type { DeploymentLedger, StepContext } from "../../deployment/deployment-ledger";
import { warn } from "../../deployment/notices";
import type { OrgApi } from "../../deployment/org-api";
import { codedMessage } from "../../errors/codes";
import { orFail, providerError } from "../../errors/provider-error";
import { compact, type PropertyBag } from "../../model/property-bag";
import { waitingTeamId, waitingTeamName } from "../../model/team-ref";
import { storedTeamOf, teamResourceId, type ParsedTeamId, type TeamInputs, type TeamOutputs } from "./model";

// ---- create ----

export async function createTeam(api: OrgApi, inputs: TeamInputs, step: StepContext): Promise<CreateResult<TeamOutputs>> {
  const existing = teamNamed(await teamsOf(api), inputs.name);
  if (existing !== undefined) {
    // Adopted, not created: nobody is put on it, so the founders' OrgMemberships need not list it.
    warn(`team "${existing.name}" (${existing.id}) already exists in organization ${api.orgId}; adopting it (nothing created).`);
    return { id: teamResourceId(api.orgId, existing.id), outs: await activeOutputs(api, existing, inputs) };
  }
  if (inputs.founders.length === 0) {
    throw new Error(
      codedMessage(
        "TEAM_NEEDS_FOUNDER",
        `team "${inputs.name}" does not exist in organization ${api.orgId}, and Cloud Manager cannot create an empty team. ` +
          `List in \`founders\` at least one person who will be on it (their OrgMembership lists the team in teamIds). Nothing was sent.`,
      ),
    );
  }
  refuseFoundersOffTeam(
    step.ledger,
    { orgId: api.orgId, name: inputs.name, waitingId: waitingTeamId(inputs.name), urn: step.urn },
    inputs.founders,
  );
  const members = await orFail(api.members(), `Reading the members of organization ${api.orgId}`);
  const active = inputs.founders.flatMap((f) => memberNamed(members, f) ?? []);
  if (active.length === 0) {
    warn(
      `team "${inputs.name}" waits for a founder: Cloud Manager cannot create an empty team, and none of ${inputs.founders.join(", ")} ` +
        `is a member of organization ${api.orgId} yet. The first \`pulumi up\` after one of them accepts their invitation creates it.`,
    );
    noteFounders(step, inputs, waitingTeamId(inputs.name));
    return { id: teamResourceId(api.orgId, waitingTeamId(inputs.name)), outs: waitingOutputs(inputs) };
  }
  const team = await api
    .createTeam(
      inputs.name,
      active.map((m) => m.username),
    )
    .catch((e: unknown) => Promise.reject(providerError(`Creating team "${inputs.name}" in organization ${api.orgId}`, e)));
  noteFounders(step, inputs, team.id);
  return { id: teamResourceId(api.orgId, team.id), outs: await activeOutputs(api, team, inputs) };
}

// ---- read ----

export async function readTeam(api: OrgApi, parsed: ParsedTeamId, props: PropertyBag): Promise<ReadResult<TeamOutputs>> {
  const stored = storedTeamOf(props, parsed.orgId);
  const inputs = { orgId: parsed.orgId, name: stored.name ?? "", founders: stored.founders ?? [] };
  const teamId = stored.teamId ?? (parsed.kind === "id" ? parsed.teamId : undefined);
  if (parsed.kind === "waiting" || (teamId !== undefined && waitingTeamName(teamId) !== undefined)) {
    // Nothing in Cloud Manager yet (a `get` of a waiting id without state reads nothing).
    if (stored.status === undefined) return { id: "" };
    return { id: teamResourceId(parsed.orgId, waitingTeamId(inputs.name)), props: waitingOutputs(inputs) };
  }
  const teams = await teamsOf(api);
  const team =
    teamId !== undefined
      ? teams.find((t) => t.id.toLowerCase() === teamId.toLowerCase())
      : parsed.kind === "name"
        ? teamNamed(teams, parsed.name)
        : undefined;
  if (team === undefined) {
    if (stored.status === undefined) return { id: "" };
    // Deleted outside Pulumi: drift, kept in state; the next `up` creates it again.
    return {
      id: teamResourceId(parsed.orgId, teamId ?? ""),
      props: compact({ ...inputs, ...stored, status: "DELETED", members: [], projectIds: [] }) as TeamOutputs,
    };
  }
  return { id: teamResourceId(parsed.orgId, team.id), props: await activeOutputs(api, team, { ...inputs, name: team.name }) };
}

// ---- update ----

export async function updateTeam(
  api: OrgApi,
  olds: PropertyBag,
  inputs: TeamInputs,
  step: StepContext,
): Promise<UpdateResult<TeamOutputs>> {
  const stored = storedTeamOf(olds, inputs.orgId);
  const teamId = stored.teamId;
  // A waiting or deleted team is replaced (./diff); an update finds it here only when state was edited.
  if (stored.status !== "ACTIVE" || teamId === undefined) return { outs: (await createTeam(api, inputs, step)).outs };
  const teams = await teamsOf(api);
  let team = teams.find((t) => t.id.toLowerCase() === teamId.toLowerCase());
  if (team === undefined) {
    throw new Error(
      codedMessage(
        "TEAM_GONE",
        `team "${stored.name ?? inputs.name}" (${teamId}) no longer exists in organization ${api.orgId}. Run \`pulumi refresh\` to record that, then \`pulumi up\` to create it again.`,
      ),
    );
  }
  if (team.name !== inputs.name) {
    const clash = teams.find((t) => t.id !== team?.id && sameName(t.name, inputs.name));
    if (clash !== undefined) {
      throw new Error(
        codedMessage(
          "TEAM_NAME_TAKEN",
          `cannot rename team "${team.name}" (${team.id}) to "${inputs.name}": team ${clash.id} of organization ${api.orgId} is named "${clash.name}" ` +
            `(names are unique ignoring case). Choose another name, or rename or delete the other team. Nothing was sent.`,
        ),
      );
    }
    const renamed = await api
      .renameTeam(team.id, inputs.name)
      .catch((e: unknown) => Promise.reject(providerError(`Renaming team "${team?.name}" (${teamId}) to "${inputs.name}"`, e)));
    team = { id: team.id, name: renamed.name };
  }
  // The team exists: founders are not used (they only gave its creation its first members).
  return { outs: await activeOutputs(api, team, inputs) };
}

// ---- delete ----

export async function deleteTeam(api: OrgApi, parsed: ParsedTeamId, props: PropertyBag, ledger: DeploymentLedger): Promise<void> {
  const stored = storedTeamOf(props, parsed.orgId);
  const teamId = stored.teamId ?? (parsed.kind === "id" ? parsed.teamId : undefined);
  const name = stored.name ?? (parsed.kind === "id" ? teamId : parsed.name);
  if (teamId === undefined || waitingTeamName(teamId) !== undefined) return; // never created: nothing to delete
  const team = (await teamsOf(api)).find((t) => t.id.toLowerCase() === teamId.toLowerCase());
  if (team === undefined) {
    warn(`team "${name}" (${teamId}) no longer exists in organization ${api.orgId}; nothing to delete.`);
    return;
  }
  await refuseWhileInProjects(api, team, api, ledger);
  try {
    await api.deleteTeam(team.id);
  } catch (e) {
    if (isCloudManagerError(e) && e.errorCode === "CANNOT_DELETE_TEAM_ASSIGNED_TO_PROJECT") {
      // Given roles in a project during this run, outside Pulumi, after this deployment read the
      // projects: the view cannot show it, so name the projects from reads that start now.
      await refuseWhileInProjects(api, team, listsNow(api), ledger);
    }
    // This deployment's view still lists the team (it was read before the team went): only a read that
    // starts now proves it gone (deleted by hand during the run, or by our earlier attempt whose answer was lost).
    if (isNotFoundAnswer(e) && (await teamsNow(api)).every((t) => t.id !== team.id)) {
      warn(`team "${team.name}" (${team.id}) was already gone from organization ${api.orgId}; nothing to delete.`);
      return;
    }
    throw providerError(`Deleting team "${team.name}" (${team.id}) of organization ${api.orgId}`, e);
  }
}

/** Refuses to delete a team that still has roles in projects (this run's ProjectTeam removals are already applied to the view). */
async function refuseWhileInProjects(api: OrgApi, team: Team, lists: ProjectLists, ledger: DeploymentLedger): Promise<void> {
  let assigned = await projectsOf(api, team.id, lists);
  if (assigned.length === 0) return;
  // ProjectTeam deletes of this run that take the team off its projects: wait for them (their
  // outcome is theirs to report), then look again with reads that start now.
  const leaving = ledger.takingOffOf(team.id);
  if (leaving.length > 0) {
    await Promise.allSettled(leaving);
    assigned = await projectsOf(api, team.id, listsNow(api));
    if (assigned.length === 0) return;
  }
  const named = assigned.map((a) => `"${a.name}" (${a.id}: ${a.roles.join(", ")})`).join(", ");
  throw new Error(
    codedMessage(
      "TEAM_IN_UNDECLARED_PROJECTS",
      `team "${team.name}" (${team.id}) still has roles in project${assigned.length === 1 ? "" : "s"} ${named}, which no ProjectTeam of this ` +
        `program takes it out of: deleting it would take that project access from its members. Declare a ProjectTeam for each and remove it in ` +
        `the same \`pulumi up\` (its teamId the Team's \`teamId\` output, so the engine takes the team off first), take the team off the ` +
        `project${assigned.length === 1 ? "" : "s"} by hand, or keep the team (the \`retainOnDelete\` resource option). Nothing was deleted.`,
    ),
  );
}

// ---- steps ----

async function teamsOf(api: OrgApi): Promise<readonly Team[]> {
  return orFail(api.teams(), `Reading the teams of organization ${api.orgId}`);
}

/** The organization's teams from a read that starts now, not this deployment's view (to confirm a 404). */
async function teamsNow(api: OrgApi): Promise<readonly Team[]> {
  return orFail(
    api.call((c) => c.listTeams(api.orgId)),
    `Reading the teams of organization ${api.orgId} (to confirm that the team is gone)`,
  );
}

/** Team names are unique in an organization ignoring case (emulator/README.md says why we assume so). */
function sameName(a: string, b: string): boolean {
  return a.toLowerCase() === b.toLowerCase();
}

function teamNamed(teams: readonly Team[], name: string): Team | undefined {
  return teams.find((t) => sameName(t.name, name));
}

/** Where the projects and their teams are read from: this deployment's view (the OrgApi itself), or reads that start now. */
type ProjectLists = Pick<OrgApi, "projects" | "projectTeams">;

function listsNow(api: OrgApi): ProjectLists {
  return {
    projects: () => api.call((c) => c.listOrgProjects(api.orgId)),
    projectTeams: (projectId) => api.call((c) => c.listProjectTeams(projectId)),
  };
}

/**
 * The projects of the organization in which the team has roles (by default from the deployment's view:
 * one read of the projects, one per project, shared).
 */
export async function projectsOf(
  api: OrgApi,
  teamId: string,
  lists: ProjectLists = api,
): Promise<{ id: string; name: string; roles: string[] }[]> {
  const projects = await orFail(lists.projects(), `Reading the projects of organization ${api.orgId}`);
  const found = await Promise.all(
    projects.map(async (p) => {
      const teams = await orFail(lists.projectTeams(p.id), `Reading the teams of project "${p.name}" (${p.id})`);
      const entry = teams.find((t) => t.teamId.toLowerCase() === teamId.toLowerCase());
      return entry === undefined ? [] : [{ id: p.id, name: p.name, roles: [...entry.roleNames].sort() }];
    }),
  );
  return found.flat().sort((a, b) => a.id.localeCompare(b.id));
}

function noteFounders(step: StepContext, inputs: TeamInputs, teamId: string): void {
  if (step.urn === undefined) return;
  for (const username of inputs.founders)
    step.ledger.found({ orgId: inputs.orgId, username }, { teamId, name: inputs.name, urn: step.urn });
}

function waitingOutputs(inputs: TeamInputs): TeamOutputs {
  return {
    ...inputs,
    teamId: waitingTeamId(inputs.name),
    status: "WAITING",
    members: [],
    projectIds: [],
    waitingFor: [...inputs.founders],
  };
}

async function activeOutputs(api: OrgApi, team: Team, inputs: TeamInputs): Promise<TeamOutputs> {
  const members = await orFail(api.members(), `Reading the members of organization ${api.orgId}`);
  const on = members.filter((m) => m.teamIds.some((t) => t.toLowerCase() === team.id.toLowerCase())).map((m) => m.username);
  const projects = await projectsOf(api, team.id);
  return {
    orgId: inputs.orgId,
    name: team.name,
    founders: inputs.founders,
    teamId: team.id,
    status: "ACTIVE",
    members: on.sort(),
    projectIds: projects.map((p) => p.id),
  };
}
