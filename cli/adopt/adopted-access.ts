// From what the organization holds (./read-organization) to what people.yaml declares: one person per
// member and per pending invitation (their org roles, their teams BY NAME, a member's own project
// roles), one team per team somebody written is on (with its project roles), the accounts to `ignore`
// instead (./ignore-suggestions), and notes on what the file cannot express and the gate will report.
// Everything is sorted, so the same organization gives the same file.

import { pickPendingInvitation, usernameKey } from "../../sdk";
import { IgnorePatterns, usernameProblem, type IgnoreSuggestion } from "./ignore-suggestions";
import type { InvitationRecord, OrganizationSnapshot, ProjectRecord } from "./read-organization";

/** Roles in one project, with the project's name (a comment in the file). */
export interface ProjectRoles {
  projectId: string;
  projectName: string;
  roles: string[];
}

export interface AdoptedTeam {
  name: string;
  projects: ProjectRoles[];
}

export interface AdoptedPerson {
  email: string;
  roles: string[];
  /** Team names. */
  teams: string[];
  /** Their own project roles (members only: an invitee has none yet). */
  projects: ProjectRoles[];
  /** Whether they are only invited. */
  invited: boolean;
}

export interface AdoptedAccess {
  org: { id: string; name: string };
  teams: AdoptedTeam[];
  people: AdoptedPerson[];
  ignore: IgnoreSuggestion[];
  /** What people.yaml cannot say, and what to do about it; one line each. */
  notes: string[];
}

const byText = (a: string, b: string) => (a < b ? -1 : a > b ? 1 : 0);
const sortedRoles = (roles: readonly string[]) => [...new Set(roles)].sort(byText);

export function adoptAccess(snapshot: OrganizationSnapshot, options: { ignore?: readonly string[]; nowMs?: number } = {}): AdoptedAccess {
  const notes: string[] = [];
  const patterns = new IgnorePatterns(options.ignore ?? []);
  const unclassified: IgnoreSuggestion[] = [];
  // `ignore` entries are patterns in which `*` matches anything, with no escape: an account whose
  // name holds a `*` cannot be ignored alone (a service user named "*" would exempt everyone from the
  // gate and from prune), so it is a note, never a ready-to-run command.
  const leaveOut = (entry: string, reason: string): void => {
    if (entry.includes("*")) {
      notes.push(
        `${reason}; its name holds "*", which \`ignore\` reads as a wildcard matching other accounts, so no ignore entry is suggested: the gate will report it until the account is removed or renamed`,
      );
    } else unclassified.push({ entry, reason });
  };
  const teamName = new Map(snapshot.teams.map((t) => [t.id, t.name]));
  /** Left out (ignored or unclassifiable), by username key: not reported again below. */
  const leftOut = new Set<string>();

  /** Whether `username` may be a person; if not, it is left out (with a suggestion unless a pattern covers it). */
  const classify = (username: string, what: string): boolean => {
    const key = usernameKey(username);
    if (leftOut.has(key)) return false;
    if (patterns.matches(username)) {
      leftOut.add(key);
      return false;
    }
    const problem = usernameProblem(username);
    if (problem === undefined) return true;
    leftOut.add(key);
    leaveOut(username, `${what} "${username}" is not written as a person: ${problem}`);
    return false;
  };

  const teamNames = (teamIds: readonly string[], who: string): string[] => {
    const names: string[] = [];
    for (const id of teamIds) {
      const name = teamName.get(id);
      if (name === undefined)
        notes.push(`${who} is on team ${id}, which the organization's team list does not show: left out of their teams`);
      else names.push(name);
    }
    return [...new Set(names)].sort((a, b) => byText(a.toLowerCase(), b.toLowerCase()) || byText(a, b));
  };

  const people = new Map<string, AdoptedPerson>();
  for (const member of snapshot.members) {
    if (!classify(member.username, "member")) continue;
    if (member.roles.length === 0) {
      leftOut.add(usernameKey(member.username));
      leaveOut(member.username, `member "${member.username}" has no organization role, so no entry can declare them`);
      continue;
    }
    people.set(usernameKey(member.username), {
      email: member.username,
      roles: sortedRoles(member.roles),
      teams: teamNames(member.teamIds, member.username),
      projects: [],
      invited: false,
    });
  }

  const invitationsByUser = new Map<string, InvitationRecord[]>();
  for (const invitation of snapshot.invitations) {
    const key = usernameKey(invitation.username);
    invitationsByUser.set(key, [...(invitationsByUser.get(key) ?? []), invitation]);
  }
  for (const [key, invitations] of [...invitationsByUser].sort(([a], [b]) => byText(a, b))) {
    const first = invitations[0];
    if (first === undefined) continue;
    if (people.has(key)) {
      notes.push(
        `${first.username} is a member and also has ${invitations.length} pending invitation(s) (${invitations.map((i) => i.id).join(", ")}): ` +
          `written as the member; withdraw the invitation in Cloud Manager if the gate reports it`,
      );
      continue;
    }
    if (!classify(first.username, "invitee")) continue;
    const picked = pickPendingInvitation(invitations, first.username, options.nowMs);
    if (picked === undefined) continue;
    if (invitations.length > 1) {
      notes.push(
        `${picked.username} has ${invitations.length} pending invitations: written with the oldest (${picked.id}), the one the provider adopts; ` +
          `withdraw the others (${invitations
            .filter((i) => i !== picked)
            .map((i) => i.id)
            .join(", ")}) in Cloud Manager`,
      );
    }
    people.set(key, {
      email: picked.username,
      roles: sortedRoles(picked.roles),
      teams: teamNames(picked.teamIds, picked.username),
      projects: [],
      invited: true,
    });
  }

  const projects = [...snapshot.projects].sort((a, b) => byText(a.id, b.id));
  for (const project of projects) {
    for (const user of project.users) {
      const key = usernameKey(user.username);
      const person = people.get(key);
      if (person === undefined) {
        if (!leftOut.has(key)) {
          notes.push(
            `${user.username} has roles of their own in project ${describeProject(project)} but is not in the organization's member list: ` +
              `not written; the gate reports them in that project if people.yaml names it`,
          );
        }
        continue;
      }
      person.projects.push({ projectId: project.id, projectName: project.name, roles: sortedRoles(user.roles) });
    }
  }

  const onTeam = new Set([...people.values()].flatMap((p) => p.teams.map((t) => t.toLowerCase())));
  const teams: AdoptedTeam[] = [];
  for (const team of [...snapshot.teams].sort((a, b) => byText(a.name.toLowerCase(), b.name.toLowerCase()) || byText(a.name, b.name))) {
    const inProjects = projects.flatMap((project) =>
      project.teams
        .filter((t) => t.teamId === team.id)
        .map((t) => ({ projectId: project.id, projectName: project.name, roles: sortedRoles(t.roles) })),
    );
    if (onTeam.has(team.name.toLowerCase())) {
      teams.push({ name: team.name, projects: inProjects });
      continue;
    }
    notes.push(
      `team "${team.name}" (${team.id}) has nobody people.yaml lists, and the example cannot declare an empty team: not written. ` +
        (inProjects.length === 0
          ? `It has no project roles, so the gate does not report it; delete it in Cloud Manager if nobody needs it`
          : `It has roles in ${inProjects.map((p) => describeProject({ id: p.projectId, name: p.projectName })).join(", ")}: the gate reports it there ` +
            `(for each project people.yaml names); put a member on it in Cloud Manager and run adopt again, or take it off those projects`),
    );
  }

  const named = new Set([...teams.flatMap((t) => t.projects), ...[...people.values()].flatMap((p) => p.projects)].map((p) => p.projectId));
  for (const project of projects) {
    if (project.invitations.length === 0) continue;
    const who = project.invitations.map((i) => i.username).sort(byText);
    notes.push(
      `project ${describeProject(project)} has ${who.length} pending project invitation(s) (${who.slice(0, 5).join(", ")}${who.length > 5 ? ", …" : ""}), ` +
        `which people.yaml cannot declare: ` +
        (named.has(project.id)
          ? `the gate reports them; once they accept, run adopt again, or withdraw them in Cloud Manager`
          : `the gate does not look at this project (people.yaml names no role in it); once they accept, run adopt again`),
    );
  }

  return {
    org: snapshot.org,
    teams,
    people: [...people.values()].sort((a, b) => byText(usernameKey(a.email), usernameKey(b.email))),
    ignore: [...patterns.suggestions(), ...unclassified.sort((a, b) => byText(a.entry, b.entry))],
    notes,
  };
}

function describeProject(project: Pick<ProjectRecord, "id" | "name">): string {
  return `"${project.name}" (${project.id})`;
}
