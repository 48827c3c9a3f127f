// One CloudManagerClient per (credentials, base URL, CA) in the provider process, shared by every
// resource of the deployment: one keep-alive pool, one Digest challenge, one OAuth token. Each
// organization gets a gate (OrgLimiter) and shared, always-fresh lists of its pending invitations
// and members (FreshSnapshot), so a stack of hundreds of invitations costs few list calls.

import { createHash } from "node:crypto";
import { CloudManagerClient } from "../sdk";
import type { ClientLogEvent, Invitation, OrgUser } from "../sdk/types";
import type { ResolvedConnection } from "./credentials";
import { FreshSnapshot } from "./fresh-snapshot";
import { OrgLimiter } from "./org-limiter";

/** The API as one organization's resources use it. */
export interface OrgApi {
  readonly orgId: string;
  /** Runs one client call through the organization's gate. */
  call<T>(fn: (client: CloudManagerClient) => Promise<T>): Promise<T>;
  /** Pending invitations of the org, from a list call that started after this call. */
  pendingInvitations(): Promise<Invitation[]>;
  /** Members of the org (all pages), from a list call that started after this call. */
  members(): Promise<OrgUser[]>;
}

export interface ClientPoolOptions {
  report: (message: string) => void;
  userAgent: string;
  concurrencyPerOrg?: number;
}

interface PooledClient {
  client: CloudManagerClient;
  orgs: Map<string, OrgApi>;
}

const ORG_IN_PATH = /\/orgs\/([0-9a-f]{24})(?:[/?]|$)/;

export class ClientPool {
  private readonly clients = new Map<string, PooledClient>();
  private readonly limiters = new Map<string, OrgLimiter>();

  constructor(private readonly options: ClientPoolOptions) {}

  forOrg(connection: ResolvedConnection, orgId: string): OrgApi {
    const pooled = this.client(connection);
    let api = pooled.orgs.get(orgId);
    if (!api) {
      const limiter = this.limiter(connection.baseUrl);
      const client = pooled.client;
      const call = <T>(fn: (c: CloudManagerClient) => Promise<T>) => limiter.run(orgId, () => fn(client));
      const pending = new FreshSnapshot(() => call((c) => c.listInvitations(orgId)));
      const members = new FreshSnapshot(() => call((c) => c.listOrgUsers(orgId)));
      api = { orgId, call, pendingInvitations: () => pending.get(), members: () => members.get() };
      pooled.orgs.set(orgId, api);
    }
    return api;
  }

  /** Closes every client (their sockets); the pool can be used again afterwards. */
  async closeAll(): Promise<void> {
    const clients = [...this.clients.values()];
    this.clients.clear();
    await Promise.all(clients.map((p) => p.client.close()));
  }

  private client(connection: ResolvedConnection): PooledClient {
    // Keyed by a hash so that no map key holds a secret in clear.
    const key = createHash("sha256").update(JSON.stringify(connection)).digest("hex");
    let pooled = this.clients.get(key);
    if (!pooled) {
      const { auth } = connection;
      const limiter = this.limiter(connection.baseUrl);
      const client = new CloudManagerClient({
        baseUrl: connection.baseUrl,
        ...(auth.kind === "apiKey"
          ? { publicKey: auth.publicKey, privateKey: auth.privateKey }
          : { clientId: auth.clientId, clientSecret: auth.clientSecret }),
        ...(connection.caCertificate === undefined ? {} : { caCertificate: connection.caCertificate }),
        userAgent: this.options.userAgent,
        // Cloud Manager's limits are per minute: allow long, Retry-After-driven waits.
        retry: { maxRetries: 10, maxElapsedMs: 300_000 },
        onLog: (event) => this.onLog(limiter, event),
      });
      pooled = { client, orgs: new Map() };
      this.clients.set(key, pooled);
    }
    return pooled;
  }

  private limiter(baseUrl: string): OrgLimiter {
    let limiter = this.limiters.get(baseUrl);
    if (!limiter) {
      limiter = new OrgLimiter({ report: this.options.report, concurrency: this.options.concurrencyPerOrg });
      this.limiters.set(baseUrl, limiter);
    }
    return limiter;
  }

  private onLog(limiter: OrgLimiter, event: ClientLogEvent): void {
    const orgId = event.path === undefined ? undefined : ORG_IN_PATH.exec(event.path)?.[1];
    // A call of this org waits before a retry: hold back the org's queued calls for as long.
    if (event.waitMs !== undefined && orgId !== undefined) limiter.pause(orgId, event.waitMs, event.message);
    if (event.level === "warn") this.options.report(event.message);
  }
}
