// What the benchmark needs from each client under test: the two API calls of the workload.

/** Where the clients point: the emulator's API and the seeded key and organization. */
export interface BenchTarget {
  /** e.g. http://127.0.0.1:PORT/api/public/v1.0 (no trailing slash) */
  baseUrl: string;
  publicKey: string;
  privateKey: string;
  orgId: string;
}

/** A call either got the answer it wanted (200 for GET, 201 for POST) or failed, with a short reason ("HTTP 401", "network"). */
export type CallOutcome = { ok: true } | { ok: false; reason: string };

/** One client instance, created fresh (cold: no cached challenge) for each measured run. */
export interface BenchClient {
  getInvitation(invitationId: string): Promise<CallOutcome>;
  createInvitation(username: string, roles: string[]): Promise<CallOutcome>;
  close(): Promise<void>;
}

export interface BenchClientKind {
  /** Stable id used in results. */
  id: string;
  /** Row label in the printed table. */
  label: string;
  create(target: BenchTarget): Promise<BenchClient>;
}

export const JSON_HEADERS = { accept: "application/json" } as const;
export const JSON_BODY_HEADERS = { accept: "application/json", "content-type": "application/json" } as const;

export function invitationsUrl(target: BenchTarget): string {
  return `${target.baseUrl}/orgs/${target.orgId}/invites`;
}
