// What this provider process knows about the resources of the CURRENT deployment. One provider
// process serves every resource of its front door in one `pulumi up`/`preview`/`refresh`/`destroy`,
// so it sees every step. Every use, with its key:
// - declarations (person): which resource declared which person at `check`/`create`; a second
//   resource for the same person in the same organization is refused before anything is sent, and
//   the roster never reports or prunes someone a resource of this deployment declares;
// - holdings (person, invitation): which resource keeps a person's access or an invitation after
//   this deployment (`diff` without a replace, `create`, `update`); the delete of ANOTHER resource for
//   that person or invitation (a rename, a move under a component, a create-before-delete
//   replacement, a change of resource type: OrgInvitation ↔ OrgMembership) hands it over and sends
//   nothing;
// - withdrawals (invitation): invitations this deployment already withdrew or replaced, so a later
//   delete says so instead of blaming someone outside Pulumi;
// - intents (person): the org roles a resource will leave a member with (declared at `check`,
//   confirmed by its step; none when it removes them), so a change that would leave the organization
//   without an Organization Owner is refused for the whole plan, not only for the last write sent
//   (../access/owner-guard);
// - notices said once (text): the engine calls diff more than once for one resource;
// - declarations in a project (a person's roles, a team's roles): a second resource for the same is
//   refused, and a ProjectRoster never reports or prunes what a resource of this deployment declares;
// - teams (person): the team ids an OrgMembership lists, and the teams a Team names the person a
//   founder of, so that a founder whose OrgMembership would take them off the team again is refused
//   before anything is sent (../resources/team). Kept in this process only: Teams and OrgMemberships
//   are compared within one front door.
// Two provider processes of one deployment (dynamic resources and the plugin in one program) share
// their declarations, holdings and intents through ./peer-channel, so a change of front door hands
// over too, and the owner guard sees the other process's plan (its writes are not serialized with
// ours: a plan the two processes only make unsafe together can still be refused by Cloud Manager).
// The engine does not pass the URN to dynamic providers; the resource class puts it in the inputs
// (`__urn`), and it is stored with the outputs so that `delete` knows who is being deleted.
// Memory is bounded by the number of resources in the deployment (the process ends with it).

import { usernameKey } from "../../sdk";
import type { PeerChannel } from "./peer-channel";

/** A person in an organization: the key of declarations and of a person's access. */
export interface PersonRef {
  orgId: string;
  username: string;
}

/** What a resource may hold through a deployment. */
export type LedgerKey = ({ kind: "person" } & PersonRef) | { kind: "invitation"; orgId: string; invitationId: string };

/** The org roles a resource will leave a person with; `removing`: it takes their access away. */
export interface Intent {
  urn: string;
  roles: readonly string[];
  removing: boolean;
}

/** Who holds a key, and how that was learnt. */
interface Holding {
  urn: string;
  /** "step": a create or update of this deployment returned it; "diff": an unchanged resource keeps it. */
  via: "step" | "diff";
}

/** How this deployment already withdrew an invitation. */
export interface Withdrawal {
  /** The URN of the resource whose step sent the DELETE; undefined when its state did not record one. */
  by: string | undefined;
  /** The invitation that took its place (a hand-sent invitation whose teams differed, replaced). */
  replacedBy?: string;
}

/** A Team that names a person a founder. */
export interface FounderOf {
  /** The team's id, or the waiting Team's `waiting:<name>`. */
  teamId: string;
  name: string;
  urn: string;
}

/** The resource a lifecycle step is for, and what this deployment knows of the others. */
export interface StepContext {
  /** The resource's URN; undefined when its state was written before the provider recorded it. */
  urn: string | undefined;
  ledger: DeploymentLedger;
}

/** The one key of a person in an organization (org ids and usernames compared without letter case). */
export function personKey(person: PersonRef): string {
  return `person:${person.orgId.toLowerCase()}/${usernameKey(person.username)}`;
}

/** The key of a person's (or a team's) roles in a project. */
function projectKey(projectId: string, who: { username: string } | { teamId: string }): string {
  return "username" in who
    ? `project-person:${projectId.toLowerCase()}/${usernameKey(who.username)}`
    : `project-team:${projectId.toLowerCase()}/${who.teamId.toLowerCase()}`;
}

function keyOf(key: LedgerKey): string {
  return key.kind === "person" ? personKey(key) : `invitation:${key.orgId.toLowerCase()}/${key.invitationId.toLowerCase()}`;
}

export class DeploymentLedger {
  /** personKey → URNs of the resources that declare that person. */
  private readonly declared = new Map<string, Set<string>>();
  /** keyOf(key) → who holds it. */
  private readonly holders = new Map<string, Holding[]>();
  private readonly withdrawals = new Map<string, Withdrawal>();
  private readonly seen = new Set<string>();
  private readonly intents = new Map<string, Intent>();
  /** personKey → the team ids the person's OrgMembership lists (known at its check). */
  private readonly listedTeams = new Map<string, { urn: string; teamIds: readonly string[] }>();
  /** personKey → the teams (id, or a waiting Team's id) whose Team names the person a founder. */
  private readonly founders = new Map<string, FounderOf[]>();
  /** The persons whose intent this process itself recorded (its own word wins over a peer's). */
  private readonly ownIntents = new Set<string>();
  // What the other provider processes of this deployment say (./peer-channel) goes into the same maps.

  constructor(private readonly peers?: PeerChannel) {}

  /**
   * Records that `urn` declares `person`; returns the URNs of OTHER resources that declare the same
   * person in this deployment (empty when there are none).
   */
  declare(person: PersonRef, urn: string): string[] {
    const key = personKey(person);
    const urns = setIn(this.declared, key);
    if (!urns.has(urn)) this.peers?.record({ kind: "declare", key, urn });
    urns.add(urn);
    return this.othersDeclaring(person, urn);
  }

  /** Other resources that declared the same person (see `declare`), without recording anything. */
  othersDeclaring(person: PersonRef, urn: string): string[] {
    this.syncPeers();
    return [...(this.declared.get(personKey(person)) ?? [])].filter((other) => other !== urn);
  }

  /** The usernames (as `usernameKey`) that resources of this deployment declare in `orgId`. */
  declaredIn(orgId: string): Set<string> {
    this.syncPeers();
    const prefix = personKey({ orgId, username: "" });
    return new Set([...this.declared.keys()].filter((k) => k.startsWith(prefix)).map((k) => k.slice(prefix.length)));
  }

  /** True the first time `notice` is asked in this deployment (a notice the engine's repeated calls would repeat). */
  firstTime(notice: string): boolean {
    if (this.seen.has(notice)) return false;
    this.seen.add(notice);
    return true;
  }

  /** `urn` will hold `key` after this deployment. */
  hold(key: LedgerKey, urn: string, via: Holding["via"]): void {
    const k = keyOf(key);
    const list = this.holders.get(k) ?? [];
    if (!list.some((h) => h.urn === urn && h.via === via)) {
      list.push({ urn, via });
      this.peers?.record({ kind: "hold", key: k, urn, via });
    }
    this.holders.set(k, list);
  }

  /**
   * The resource that `key` is handed over to when the resource `urn` (undefined: not recorded in
   * its state) is deleted: one that a create or update of this deployment gave it to (whatever its
   * URN: after a create-before-delete replacement the new resource has the old one's URN), or
   * another resource that keeps it unchanged. Undefined: nobody else holds it.
   */
  successor(key: LedgerKey, urn: string | undefined): string | undefined {
    this.syncPeers();
    const list = this.holders.get(keyOf(key)) ?? [];
    return (
      list.find((h) => h.via === "step" && h.urn !== urn)?.urn ??
      list.find((h) => h.via === "diff" && h.urn !== urn)?.urn ??
      list.find((h) => h.via === "step")?.urn
    );
  }

  /** Records what `intent.urn` will leave `person` with (the latest word of that resource wins). */
  intend(person: PersonRef, intent: Intent): void {
    const key = personKey(person);
    this.intents.set(key, intent);
    this.ownIntents.add(key);
    this.peers?.record({ kind: "intend", key, urn: intent.urn, roles: [...intent.roles], removing: intent.removing });
  }

  /**
   * The intent recorded for `person`, if a resource of this deployment (in this provider process or,
   * through the peer channel, another) changes their roles or removes them. This process's own word wins.
   */
  intentFor(person: PersonRef): Intent | undefined {
    this.syncPeers();
    return this.intents.get(personKey(person));
  }

  /** Takes in what the other provider processes said since the last look. */
  private syncPeers(): void {
    for (const entry of this.peers?.news() ?? []) {
      if (entry.kind === "declare") setIn(this.declared, entry.key).add(entry.urn);
      else if (entry.kind === "hold")
        this.holders.set(entry.key, [...(this.holders.get(entry.key) ?? []), { urn: entry.urn, via: entry.via ?? "diff" }]);
      else if (!this.ownIntents.has(entry.key)) {
        this.intents.set(entry.key, { urn: entry.urn, roles: entry.roles ?? [], removing: entry.removing === true });
      }
    }
  }

  /**
   * Records that `urn` declares `person`'s roles in `projectId` (a ProjectMembership) or a team's
   * (a ProjectTeam: `username` is the team id); returns the OTHER resources that declare the same.
   */
  declareInProject(projectId: string, who: { username: string } | { teamId: string }, urn: string): string[] {
    const key = projectKey(projectId, who);
    const urns = setIn(this.declared, key);
    if (!urns.has(urn)) this.peers?.record({ kind: "declare", key, urn });
    urns.add(urn);
    this.syncPeers();
    return [...(this.declared.get(key) ?? [])].filter((other) => other !== urn);
  }

  /** What resources of this deployment declare in `projectId`: usernames (as `usernameKey`) and team ids (lower case). */
  declaredInProject(projectId: string): { usernames: Set<string>; teamIds: Set<string> } {
    this.syncPeers();
    const people = projectKey(projectId, { username: "" });
    const teams = projectKey(projectId, { teamId: "" });
    const keys = [...this.declared.keys()];
    return {
      usernames: new Set(keys.filter((k) => k.startsWith(people)).map((k) => k.slice(people.length))),
      teamIds: new Set(keys.filter((k) => k.startsWith(teams)).map((k) => k.slice(teams.length))),
    };
  }

  /** The OrgMembership `urn` lists `teamIds` for `person` (every id known). */
  listTeams(person: PersonRef, urn: string, teamIds: readonly string[]): void {
    this.listedTeams.set(personKey(person), { urn, teamIds });
  }

  /** The team ids the person's OrgMembership of this deployment lists, if it was checked yet. */
  teamsListedFor(person: PersonRef): { urn: string; teamIds: readonly string[] } | undefined {
    return this.listedTeams.get(personKey(person));
  }

  /** The Team `founder.urn` names `person` a founder of `founder.teamId`. */
  found(person: PersonRef, founder: FounderOf): void {
    const key = personKey(person);
    const list = (this.founders.get(key) ?? []).filter((f) => f.urn !== founder.urn);
    this.founders.set(key, [...list, founder]);
  }

  /** The teams of this deployment that name `person` a founder. */
  foundingOf(person: PersonRef): readonly FounderOf[] {
    return this.founders.get(personKey(person)) ?? [];
  }

  withdrew(orgId: string, invitationId: string, withdrawal: Withdrawal): void {
    this.withdrawals.set(keyOf({ kind: "invitation", orgId, invitationId }), withdrawal);
  }

  withdrawalOf(orgId: string, invitationId: string): Withdrawal | undefined {
    return this.withdrawals.get(keyOf({ kind: "invitation", orgId, invitationId }));
  }
}

function setIn(map: Map<string, Set<string>>, key: string): Set<string> {
  let set = map.get(key);
  if (!set) {
    set = new Set();
    map.set(key, set);
  }
  return set;
}

/** The name part of a URN (`urn:pulumi:stack::project::type::name` → `name`), for messages. */
export function resourceNameOf(urn: string): string {
  const at = urn.lastIndexOf("::");
  return at < 0 ? urn : urn.slice(at + 2);
}
