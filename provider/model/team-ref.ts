// A team id as the other resources receive it from a Team: the team's id in Cloud Manager, or, while
// the Team waits for a founder (Cloud Manager refuses to create a team without a member, and nobody
// the program names as a founder is a member yet), `waiting:<name>`. OrgMembership joins nothing for a
// waiting team and ProjectTeam assigns nothing; both are updated when the Team is created (its
// `teamId` changes, so their inputs do).

const WAITING_PREFIX = "waiting:";
const HEX24 = /^[0-9a-fA-F]{24}$/;

/** The `teamId` a Team outputs while it waits for a founder. */
export function waitingTeamId(name: string): string {
  return `${WAITING_PREFIX}${name}`;
}

/** The team name of a waiting team id, or undefined for anything else. */
export function waitingTeamName(teamId: string): string | undefined {
  return teamId.startsWith(WAITING_PREFIX) && teamId.length > WAITING_PREFIX.length ? teamId.slice(WAITING_PREFIX.length) : undefined;
}

/** True for a Cloud Manager team id (24 hexadecimal characters). */
export function isTeamId(value: string): boolean {
  return HEX24.test(value);
}

/** The team ids that name teams that exist (the waiting ones left out). */
export function existingTeamIds(teamIds: readonly string[]): string[] {
  return teamIds.filter((t) => waitingTeamName(t) === undefined);
}

/** The names of the waiting teams among `teamIds`. */
export function waitingTeamNames(teamIds: readonly string[]): string[] {
  return teamIds.map(waitingTeamName).filter((n): n is string => n !== undefined);
}
