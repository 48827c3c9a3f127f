// The GitOps shape for enforcement: a plain list of people, kept in a repository, becomes one
// OrgMembership each — the program owns each person's access, from the invitation to the membership
// to its removal — plus one OrgRoster for the organization, which reports (and with `prune` removes)
// the access nobody listed. Kept apart from the Pulumi entry point so that Automation API inline
// programs and tests can reuse it. Reading the list is shared with examples/org-invitations.

import * as pulumi from "@pulumi/pulumi";
import { OrgMembership, OrgRoster, type OrgMembershipStatus } from "../../index";
import { personKeys, type Person } from "../people/people";

export { parsePeople, type Person } from "../people/people";

export interface RosterOptions {
  /** Usernames or patterns (`*` matches anything) the roster never reports or prunes, e.g. a break-glass owner. */
  ignore?: pulumi.Input<pulumi.Input<string>[]>;
  /** Remove, at `pulumi up`, the access nobody listed. Default false: report it only (the drift gate fails on it). */
  prune?: pulumi.Input<boolean>;
}

export interface DeclaredMemberships {
  /** One resource per person, by email (lower case). */
  memberships: Record<string, OrgMembership>;
  /** Each person's status (PENDING, ACTIVE, EXPIRED, REVOKED, REMOVED), by email (lower case). */
  statuses: pulumi.Output<Record<string, OrgMembershipStatus>>;
  /** The organization's roster: `managed` is everyone in the list. */
  roster: OrgRoster;
}

/**
 * Declares one OrgMembership per person (named by the email in lower case, so reordering the list
 * changes nothing) and the organization's OrgRoster, whose `managed` is the list's emails. A person
 * listed twice is refused before anything is declared. The roster waits for the memberships
 * (`dependsOn`; `opts.dependsOn`, if any, applies to the memberships and so to the roster too): it
 * looks at the organization, and prunes, only once every listed person's access has been applied,
 * and not at all in a run where one of them failed.
 */
export function declareOrgMemberships(
  people: readonly Person[],
  orgId: pulumi.Input<string>,
  roster: RosterOptions = {},
  opts?: pulumi.CustomResourceOptions,
): DeclaredMemberships {
  const keys = personKeys(people);
  const memberships: Record<string, OrgMembership> = {};
  for (const [i, person] of people.entries()) {
    const key = keys[i] ?? person.email;
    memberships[key] = new OrgMembership(
      key,
      { orgId, username: person.email, roles: person.roles, ...(person.teams ? { teamIds: person.teams } : {}) },
      opts,
    );
  }
  const statuses = pulumi.all(Object.fromEntries(Object.entries(memberships).map(([email, membership]) => [email, membership.status])));
  const orgRoster = new OrgRoster(
    "roster",
    {
      orgId,
      managed: people.map((person) => person.email),
      ...(roster.ignore !== undefined ? { ignore: roster.ignore } : {}),
      ...(roster.prune !== undefined ? { prune: roster.prune } : {}),
    },
    { ...opts, dependsOn: Object.values(memberships) },
  );
  return { memberships, statuses, roster: orgRoster };
}

/** The stack config `ignore`: absent, or a list of usernames / patterns (`pulumi config set --path 'ignore[0]' '*@break-glass.example.com'`). */
export function ignoreFromConfig(value: unknown): string[] {
  if (value === undefined) return [];
  if (Array.isArray(value) && value.every((v) => typeof v === "string")) return value;
  throw new Error(
    `stack config "ignore" must be a list of usernames or patterns, e.g. ` +
      `\`pulumi config set --path 'ignore[0]' '*@break-glass.example.com'\`; got ${JSON.stringify(value)}.`,
  );
}
