// What the emulator itself saw and holds: the other half of every end-to-end assertion (the first
// half is the stack's outputs and state). Reads go through the emulator's typed handle, in-process.

import type { InvitationRecord, RequestLogEntry, RunningEmulator } from "../../../emulator";

export type StoredInvitation = InvitationRecord & { status: "pending" | "accepted" | "expired" };

export const API_PREFIX = "/api/public/v1.0";

/** A request as it reads in a failure message: "POST /orgs/{id}/invites 201". */
export function describeRequest(r: RequestLogEntry): string {
  return `${r.method} ${r.path.replace(API_PREFIX, "")} ${r.status}`;
}

export class EmulatorView {
  /** API keys of people acting outside Pulumi: their requests are not the provider's and are left out below. */
  readonly outsideKeys = new Set<string>();

  constructor(
    readonly emulator: RunningEmulator,
    readonly orgId: string = emulator.org.id,
  ) {}

  /** Stored invitations of the org that are pending (not accepted, not expired). */
  pending(): StoredInvitation[] {
    return this.emulator.state.invitations(this.orgId).filter((i) => i.status === "pending");
  }

  /** Pending invitations by lower-cased username. */
  pendingByUser(): Map<string, StoredInvitation[]> {
    const byUser = new Map<string, StoredInvitation[]>();
    for (const inv of this.pending()) {
      const key = inv.username.toLowerCase();
      byUser.set(key, [...(byUser.get(key) ?? []), inv]);
    }
    return byUser;
  }

  /** The one pending invitation for `username`; fails if there are none or several. */
  pendingFor(username: string): StoredInvitation {
    const found = this.pendingByUser().get(username.toLowerCase()) ?? [];
    if (found.length !== 1) {
      throw new Error(`expected exactly one pending invitation for ${username}, found ${found.length}: ${JSON.stringify(found)}`);
    }
    return found[0] as StoredInvitation;
  }

  isMember(username: string): boolean {
    const wanted = username.toLowerCase();
    return this.emulator.state.members(this.orgId).some((m) => m.username.toLowerCase() === wanted);
  }

  // ---- request log ----

  /** The sequence number the next request will be above: take one before an operation, read after it. */
  mark(): number {
    const all = this.emulator.state.requests();
    return all.length === 0 ? 0 : (all[all.length - 1] as RequestLogEntry).seq;
  }

  /** The provider's API requests (OAuth token calls included) received after `mark`, in arrival order. */
  requestsSince(mark = 0): RequestLogEntry[] {
    return this.emulator.state
      .requests()
      .filter((r) => r.seq > mark && !(r.auth.type === "digest" && this.outsideKeys.has(r.auth.username)));
  }

  /** `requestsSince` without the Digest challenges (a 401 to a request that carried no credentials). */
  callsSince(mark = 0): RequestLogEntry[] {
    return this.requestsSince(mark).filter((r) => !(r.status === 401 && r.auth.type === "none"));
  }

  /** Requests that changed something and succeeded: POST/PATCH/DELETE answered 2xx, API routes only. */
  writesSince(mark = 0): RequestLogEntry[] {
    return this.requestsSince(mark).filter((r) => r.method !== "GET" && r.path.startsWith(API_PREFIX) && r.status >= 200 && r.status < 300);
  }

  /** `writesSince` as "METHOD /path status" lines, the shape assertions compare. */
  describeWritesSince(mark = 0): string[] {
    return this.writesSince(mark).map(describeRequest);
  }

  invitesPath(invitationId?: string): string {
    return `${API_PREFIX}/orgs/${this.orgId}/invites${invitationId === undefined ? "" : `/${invitationId}`}`;
  }
}

/**
 * Checks after EVERY request the emulator answers that no user ever has two pending invitations:
 * "at no point" is then a fact of the run, not an inference from its end state.
 */
export class DuplicateInvitationMonitor {
  readonly violations: string[] = [];
  private view: EmulatorView | undefined;

  /** Pass as the emulator's `log` option; it runs once each request has been answered. */
  readonly onRequest = (line: string): void => {
    if (!this.view) return;
    for (const [user, invitations] of this.view.pendingByUser()) {
      if (invitations.length > 1) {
        this.violations.push(
          `after "${line}": ${user} has ${invitations.length} pending invitations (${invitations.map((i) => i.id).join(", ")})`,
        );
      }
    }
  };

  attach(view: EmulatorView): void {
    this.view = view;
  }
}
