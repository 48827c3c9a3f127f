// The GitOps shape for enforcement: a plain list of people, kept in a repository, becomes one
// OrgMembership each — the program owns each person's access, from the invitation to the membership
// to its removal — plus one OrgRoster for the organization, which reports (and with `prune` removes)
// the access nobody listed. Kept apart from the Pulumi entry point so that Automation API inline
// programs and tests can reuse it. Reading the list is shared with examples/org-invitations.

import * as pulumi from "@pulumi/pulumi";
import { OrgMembership, OrgRoster, type OrgMembershipStatus } from "../../index";
import { personKeys, type Person } from "../people/people";

export { parsePeople, type Person } from "../people/people";

export interface AccessOptions {
  /** Usernames or patterns (`*` matches anything) the roster never reports or prunes, e.g. a break-glass owner. */
  ignore?: pulumi.Input<pulumi.Input<string>[]>;
  /** Remove, at `pulumi up`, the access nobody listed. Default false: report it only (the drift gate fails on it). */
  prune?: pulumi.Input<boolean>;
  /**
   * Emails whose OrgMembership gets Pulumi's `retainOnDelete`: once an `up` has recorded it, taking
   * the person off the list leaves their access in Cloud Manager (Pulumi forgets the resource
   * without deleting it). Add them to `ignore` too, or the roster reports them from then on.
   */
  retain?: readonly string[];
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
  options: AccessOptions = {},
  opts?: pulumi.CustomResourceOptions,
): DeclaredMemberships {
  const keys = personKeys(people);
  const retain = new Set((options.retain ?? []).map((email) => email.trim().toLowerCase()));
  for (const email of retain) {
    if (!keys.includes(email)) {
      void pulumi.log.warn(
        `retain: ${email} is not in the list, so there is nothing to retain. An entry takes effect while the person is listed ` +
          `(one \`pulumi up\` records it); then take them off the list, and this entry can go too.`,
      );
    }
  }
  const memberships: Record<string, OrgMembership> = {};
  for (const [i, person] of people.entries()) {
    const key = keys[i] ?? person.email;
    memberships[key] = new OrgMembership(
      key,
      { orgId, username: person.email, roles: person.roles, ...(person.teams ? { teamIds: person.teams } : {}) },
      retain.has(key) ? { ...opts, retainOnDelete: true } : opts,
    );
  }
  const statuses = pulumi.all(Object.fromEntries(Object.entries(memberships).map(([email, membership]) => [email, membership.status])));
  const roster = new OrgRoster(
    "roster",
    {
      orgId,
      managed: people.map((person) => person.email),
      ...(options.ignore !== undefined ? { ignore: options.ignore } : {}),
      ...(options.prune !== undefined ? { prune: options.prune } : {}),
    },
    { ...opts, dependsOn: Object.values(memberships) },
  );
  return { memberships, statuses, roster };
}

/**
 * A list of usernames from stack config (`ignore`, `retain`): absent → empty, else a list of strings,
 * e.g. `pulumi config set --path 'ignore[0]' '*@break-glass.example.com'`.
 */
export function usernamesFromConfig(key: string, value: unknown): string[] {
  if (value === undefined) return [];
  if (Array.isArray(value) && value.every((v) => typeof v === "string")) return value;
  throw new Error(
    `stack config "${key}" must be a list of usernames${key === "ignore" ? " or patterns" : ""}, e.g. ` +
      `\`pulumi config set --path '${key}[0]' '${key === "ignore" ? "*@break-glass.example.com" : "alice@example.com"}'\`; got ${JSON.stringify(value)}.`,
  );
}
