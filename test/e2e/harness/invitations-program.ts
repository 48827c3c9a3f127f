// The inline program most scenarios run: one OrgInvitation per person in a list the test may change
// between operations (the program runs in this process at every `up` and `preview`), exporting each
// invitation's outputs under `invitations.<name>`.

import * as pulumi from "@pulumi/pulumi";
import type { PulumiFn } from "@pulumi/pulumi/automation";
import { builtPackage } from "./built-package";

export interface Person {
  /** Resource name. */
  name: string;
  username: string;
  roles: string[];
  teamIds?: string[];
  /** Defaults to the program's org. */
  orgId?: string;
}

/** The exported outputs of one invitation. */
export interface InvitationOutput {
  orgId: string;
  username: string;
  roles: string[];
  teamIds: string[];
  invitationId?: string;
  status: string;
  createdAt?: string;
  expiresAt?: string;
  inviterUsername?: string;
  orgName?: string;
}

export class PeopleList {
  people: Person[];

  constructor(people: Person[]) {
    this.people = people.map((p) => ({ ...p }));
  }

  set(name: string, change: Partial<Person>): void {
    const found = this.people.find((p) => p.name === name);
    if (!found) throw new Error(`no person named ${name}`);
    Object.assign(found, change);
  }
}

export function invitationsProgram(orgId: string, list: PeopleList): PulumiFn {
  return async () => {
    const { OrgInvitation } = builtPackage();
    const invitations: Record<string, pulumi.Output<InvitationOutput>> = {};
    for (const p of list.people) {
      const inv = new OrgInvitation(p.name, {
        orgId: p.orgId ?? orgId,
        username: p.username,
        roles: p.roles,
        ...(p.teamIds !== undefined ? { teamIds: p.teamIds } : {}),
      });
      invitations[p.name] = pulumi.output({
        orgId: inv.orgId,
        username: inv.username,
        roles: inv.roles,
        teamIds: inv.teamIds,
        invitationId: inv.invitationId,
        status: inv.status,
        createdAt: inv.createdAt,
        expiresAt: inv.expiresAt,
        inviterUsername: inv.inviterUsername,
        orgName: inv.orgName,
      });
    }
    return { invitations };
  };
}

/** `invitations` of a stack's outputs, typed. */
export function invitationOutputs(outputs: Record<string, unknown>): Record<string, InvitationOutput> {
  const value = outputs["invitations"];
  if (typeof value !== "object" || value === null) throw new Error(`the stack has no "invitations" output: ${JSON.stringify(outputs)}`);
  return value as Record<string, InvitationOutput>;
}

/** N people with predictable names: p01 … pNN, p01@example.com … */
export function numberedPeople(count: number, roles: string[] = ["ORG_MEMBER"]): Person[] {
  return Array.from({ length: count }, (_, i) => {
    const n = String(i + 1).padStart(2, "0");
    return { name: `p${n}`, username: `person${n}@example.com`, roles: [...roles] };
  });
}
