// What this provider process knows about the resources of the CURRENT deployment. One process serves
// every dynamic resource of one `pulumi up`/`preview`/`refresh`/`destroy`, so it sees every step:
// - which resource declared which person (`check`): a second resource for the same org + username is
//   refused before anything is sent;
// - which resource holds which invitation after this deployment (`diff` without a replace, `create`,
//   `update`): the delete of ANOTHER resource for that invitation (a rename, a move under a
//   component, a create-before-delete replacement) hands it over instead of withdrawing it;
// - which invitations this deployment already withdrew or replaced: a later delete for one of them
//   says so instead of blaming someone outside Pulumi.
// The engine does not pass the URN to dynamic providers; the resource class puts it in the inputs
// (`__urn`), and it is stored with the outputs so that `delete` knows who is being deleted.
// Memory is bounded by the number of resources in the deployment (the process ends with it).

/** Who holds an invitation, and how that was learnt. */
interface Holding {
  urn: string;
  /** "step": a create or update of this deployment returned it; "diff": an unchanged resource keeps it. */
  via: "step" | "diff";
}

/** How this deployment already withdrew an invitation. */
export interface Withdrawal {
  /** The URN of the resource whose step sent the DELETE; undefined when its state did not record one. */
  by: string | undefined;
  /** The invitation that took its place (a create that replaced a hand-sent invitation whose teams differed). */
  replacedBy?: string;
}

export class DeploymentLedger {
  /** `orgId/username` (lowercase) → URNs of the resources that declare that person. */
  private readonly declared = new Map<string, Set<string>>();
  /** `orgId/invitationId` → who holds it. */
  private readonly holders = new Map<string, Holding[]>();
  private readonly withdrawals = new Map<string, Withdrawal>();
  private readonly seen = new Set<string>();

  /**
   * Records that `urn` declares `username` in `orgId`; returns the URNs of OTHER resources that
   * declare the same person in this deployment (empty when there are none).
   */
  declare(orgId: string, username: string, urn: string): string[] {
    const key = personKey(orgId, username);
    let urns = this.declared.get(key);
    if (!urns) {
      urns = new Set();
      this.declared.set(key, urns);
    }
    urns.add(urn);
    return [...urns].filter((other) => other !== urn);
  }

  /** Other resources that declared the same person (see `declare`), without recording anything. */
  othersDeclaring(orgId: string, username: string, urn: string): string[] {
    return [...(this.declared.get(personKey(orgId, username)) ?? [])].filter((other) => other !== urn);
  }

  /** True the first time `key` is asked in this deployment (a notice the engine's repeated calls would repeat). */
  firstTime(key: string): boolean {
    if (this.seen.has(key)) return false;
    this.seen.add(key);
    return true;
  }

  /** The usernames (lowercase) that resources of this deployment declare in `orgId`. */
  declaredIn(orgId: string): Set<string> {
    const prefix = `${orgId.toLowerCase()}/`;
    return new Set([...this.declared.keys()].filter((k) => k.startsWith(prefix)).map((k) => k.slice(prefix.length)));
  }

  /** `urn` will hold the invitation after this deployment. */
  hold(orgId: string, invitationId: string, urn: string, via: Holding["via"]): void {
    const key = invitationKey(orgId, invitationId);
    const list = this.holders.get(key) ?? [];
    if (!list.some((h) => h.urn === urn && h.via === via)) list.push({ urn, via });
    this.holders.set(key, list);
  }

  /**
   * The resource that the invitation is handed over to when the resource `urn` (undefined: not
   * recorded in its state) is deleted: one that a create or update of this deployment gave it to
   * (whatever its URN: after a create-before-delete replacement the new resource has the old one's
   * URN), or another resource that keeps it unchanged. Undefined: nobody else holds it.
   */
  successor(orgId: string, invitationId: string, urn: string | undefined): string | undefined {
    const list = this.holders.get(invitationKey(orgId, invitationId)) ?? [];
    return list.find((h) => h.via === "step")?.urn ?? list.find((h) => h.via === "diff" && h.urn !== urn)?.urn;
  }

  withdrew(orgId: string, invitationId: string, withdrawal: Withdrawal): void {
    this.withdrawals.set(invitationKey(orgId, invitationId), withdrawal);
  }

  withdrawalOf(orgId: string, invitationId: string): Withdrawal | undefined {
    return this.withdrawals.get(invitationKey(orgId, invitationId));
  }
}

function personKey(orgId: string, username: string): string {
  return `${orgId.toLowerCase()}/${username.trim().toLowerCase()}`;
}

function invitationKey(orgId: string, invitationId: string): string {
  return `${orgId.toLowerCase()}/${invitationId.toLowerCase()}`;
}

/** The name part of a URN (`urn:pulumi:stack::project::type::name` → `name`), for messages. */
export function resourceNameOf(urn: string): string {
  const at = urn.lastIndexOf("::");
  return at < 0 ? urn : urn.slice(at + 2);
}
