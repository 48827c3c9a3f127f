// What one organization looks like to this deployment: its pending invitations and its members.
// One provider process serves one deployment, and every resource of an organization needs the same
// two lists (is an invitation for this person pending? is the person a member?). So each list is
// read ONCE per deployment and shared — concurrent callers join the same read — and the provider's
// own writes (an invitation sent, its roles changed, withdrawn) are applied to it as they complete.
// `up` of N new invitations then costs N POSTs plus two reads per organization, `refresh` two reads.
//
// Why this is safe although the lists are not re-read per resource:
// - an invitation sent by hand, or by an earlier interrupted run, BEFORE this deployment is in the
//   first read, so it is adopted, never duplicated; one person has one resource per deployment
//   (./deployment-ledger), so this deployment never races itself for a person;
// - a create whose answer was lost is reconciled by the client before it re-sends (it lists the
//   invitations for that username), and a 409 from Cloud Manager is resolved by listing again;
// - where a decision needs proof that something is GONE (a 404 to confirm), `fresh()` reads anew.
// What it does not see: a change made outside Pulumi DURING the deployment (seconds to minutes);
// the next refresh does.
//
// Hand-written: a cache library would hand out a list read before the caller's own writes; the
// journal of our writes (applied to any read that started before they completed) is the point.

export interface Keyed {
  id: string;
}

export class DeploymentList<T extends Keyed> {
  private base: T[] | undefined;
  /** The read everyone waits for now; `startedAt` is the write sequence number when it started. */
  private loading: { promise: Promise<T[]>; startedAt: number } | undefined;
  /** A fresh read asked for while another was running starts after it (see `fresh`). */
  private next: Promise<readonly T[]> | undefined;
  private writes: { seq: number; id: string; value: T | undefined }[] = [];
  private seq = 0;
  /** The view last built from `base` and `writes`, until either changes (every step of a deployment asks for it). */
  private built: readonly T[] | undefined;

  constructor(private readonly read: () => Promise<T[]>) {}

  /** The list as this deployment knows it: read once, then kept current by `recorded` writes. */
  async current(): Promise<readonly T[]> {
    if (this.base !== undefined && this.loading === undefined) return this.view();
    await (this.loading?.promise ?? this.load());
    return this.view();
  }

  /** The list from a read that STARTS after this call (to confirm that something is gone). */
  fresh(): Promise<readonly T[]> {
    if (this.next) return this.next;
    const running = this.loading?.promise;
    if (!running) return this.load().then(() => this.view());
    const after = () => {
      this.next = undefined;
      return this.load().then(() => this.view());
    };
    this.next = running.then(after, after);
    return this.next;
  }

  /** Our own write, done: `value` is the item as it now is, undefined when it no longer exists. */
  recorded(id: string, value: T | undefined): void {
    this.writes.push({ seq: ++this.seq, id, value });
    this.built = undefined;
  }

  private load(): Promise<T[]> {
    const startedAt = this.seq;
    const promise = this.read().then(
      (items) => {
        if (this.loading?.promise === promise) this.loading = undefined;
        this.base = items;
        // Writes that completed before this read started are in its answer.
        this.writes = this.writes.filter((w) => w.seq > startedAt);
        this.built = undefined;
        return items;
      },
      (e: unknown) => {
        if (this.loading?.promise === promise) this.loading = undefined;
        throw e;
      },
    );
    this.loading = { promise, startedAt };
    return promise;
  }

  private view(): readonly T[] {
    if (this.writes.length === 0) return this.base ?? [];
    if (this.built !== undefined) return this.built;
    const byId = new Map((this.base ?? []).map((item) => [item.id, item]));
    for (const w of this.writes) {
      if (w.value === undefined) byId.delete(w.id);
      else byId.set(w.id, w.value);
    }
    this.built = [...byId.values()];
    return this.built;
  }
}
