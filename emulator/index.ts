// pulumi-cloudmanager/emulator: a local Cloud Manager for tests, demos and CI.
import { createServer, type Server } from "node:http";
import { createServer as createHttpsServer } from "node:https";
import { isIP } from "node:net";
import { DigestVerifier } from "./digest-verifier";
import type { EmulatorParts } from "./emulator-parts";
import { FaultTable } from "./faults";
import { isObjectId, newObjectId } from "./ids";
import { TokenStore } from "./oauth-tokens";
import { OWNER_ROLE } from "./org-roles";
import { loadState, removeStaleTempFiles, saveState } from "./persistence";
import { RateLimiter } from "./rate-limits";
import { RequestLog } from "./request-log";
import { answerClientError, API_PREFIX, createRequestListener } from "./server";
import { EmulatorState } from "./state-handle";
import { Store } from "./store";
import { emptyStoreData } from "./store-data";
import { createTlsMaterial, removeTlsMaterial, type TlsMaterial } from "./tls";
import type { EmulatorOptions, EmulatorSettings } from "./types";

export { EmulatorState } from "./state-handle";
export { ApiError } from "./errors";
export type * from "./types";

export interface RunningEmulator {
  /** e.g. http://127.0.0.1:PORT/api/public/v1.0 (https:// with `tls: true`) */
  baseUrl: string;
  /** e.g. http://127.0.0.1:PORT (the OAuth endpoints and the control plane live here). */
  origin: string;
  /** With `tls: true`: the PEM text of the CA that signed the server's certificate (a client's `caCertificate`). */
  caCertificate: string | undefined;
  /** With `tls: true`: the file holding that PEM (in a temporary folder removed at close). */
  caCertificatePath: string | undefined;
  credentials: { publicKey: string; privateKey: string };
  serviceAccount: { clientId: string; clientSecret: string } | undefined;
  org: { id: string; name: string };
  controlPlane: boolean;
  state: EmulatorState;
  close(): Promise<void>;
}

const DEFAULT_ORG_NAME = "Emulated Organization";

export function isLoopbackHost(host: string): boolean {
  if (host === "localhost" || host === "::1") return true;
  return isIP(host) === 4 && host.startsWith("127.");
}

export async function startEmulator(options: EmulatorOptions = {}): Promise<RunningEmulator> {
  const host = options.host ?? "127.0.0.1";
  const port = options.port ?? 0;
  if (options.orgId !== undefined && !isObjectId(options.orgId)) {
    throw new Error(`orgId must be 24 lowercase hexadecimal characters, got "${options.orgId}".`);
  }
  const settings: EmulatorSettings = {
    duplicateInvitations: options.duplicateInvitations ?? "allow",
    expiredInvitations: options.expiredInvitations ?? "hidden",
    emptyTeams: options.emptyTeams ?? "reject",
  };
  const extraRoles = options.additionalOrgRoles ?? [];

  // The live store: the state file (if any) plus the seeded principals; the seed store: what reset returns to.
  if (options.persistPath) removeStaleTempFiles(options.persistPath);
  const persisted = options.persistPath ? loadState(options.persistPath) : undefined;
  const store = new Store(persisted ?? emptyStoreData(settings), extraRoles);
  if (persisted) {
    const explicit: Partial<EmulatorSettings> = {};
    if (options.duplicateInvitations) explicit.duplicateInvitations = options.duplicateInvitations;
    if (options.expiredInvitations) explicit.expiredInvitations = options.expiredInvitations;
    if (options.emptyTeams) explicit.emptyTeams = options.emptyTeams;
    store.updateSettings(explicit);
  }
  const orgId = options.orgId ?? store.seedOrgId ?? newObjectId();
  const orgName = options.orgName ?? persisted?.orgs.find((o) => o.id === orgId)?.name ?? DEFAULT_ORG_NAME;
  const seedStore = new Store(emptyStoreData(settings), extraRoles);
  const seeded = seed(seedStore, options, orgId, orgName);
  seed(
    store,
    { ...options, publicKey: seeded.key.publicKey, privateKey: seeded.key.privateKey, serviceAccount: seeded.sa ?? false },
    orgId,
    orgName,
  );

  const initialRateLimits = options.rateLimits ?? {};
  const parts: EmulatorParts = {
    store,
    verifier: new DigestVerifier({
      nonceLifetimeMs: (options.nonceLifetimeSeconds ?? 300) * 1000,
      rejectReusedNonceCount: options.rejectReusedNonceCount ?? false,
    }),
    tokens: new TokenStore(options.tokenLifetimeSeconds ?? 3600),
    faults: new FaultTable(),
    limiter: new RateLimiter(initialRateLimits),
    requestLog: new RequestLog(),
    scheme: options.tls === true ? "https" : "http",
    controlPlaneEnabled: options.controlPlane ?? isLoopbackHost(host),
    controlPlaneHosts: [...(options.controlPlaneHosts ?? [])],
    logLine: options.log ?? (() => {}),
    seedData: seedStore.toData(),
    initialRateLimits,
  };

  const persistPath = options.persistPath;
  if (persistPath) {
    store.onChange = () => saveState(persistPath, store.toData());
    store.onChange();
  }

  // Certificates come before the socket: a start that cannot make them listens on nothing.
  const tls: TlsMaterial | undefined = options.tls === true ? await createTlsMaterial(host) : undefined;
  const listener = createRequestListener(parts);
  const server: Server = tls
    ? createHttpsServer({ keepAliveTimeout: 5_000, key: tls.key, cert: tls.cert }, listener)
    : createServer({ keepAliveTimeout: 5_000 }, listener);
  server.on("clientError", answerClientError);
  try {
    await listen(server, host, port);
  } catch (error) {
    if (tls) await removeTlsMaterial(tls.dir);
    throw error;
  }
  const address = server.address();
  if (address === null || typeof address === "string") throw new Error("The emulator did not get a TCP address.");
  const urlHost = address.family === "IPv6" ? `[${address.address}]` : address.address;
  const origin = `${parts.scheme}://${urlHost}:${address.port}`;

  return {
    baseUrl: `${origin}${API_PREFIX}`,
    origin,
    caCertificate: tls?.caCertificate,
    caCertificatePath: tls?.caCertificatePath,
    credentials: { publicKey: seeded.key.publicKey, privateKey: seeded.key.privateKey },
    serviceAccount: seeded.sa,
    org: { id: orgId, name: orgName },
    controlPlane: parts.controlPlaneEnabled,
    state: new EmulatorState(parts),
    // Clearing the faults first ends held delays, which would otherwise keep timers running.
    close: once(async () => {
      parts.faults.clear();
      try {
        await closeServer(server);
      } finally {
        if (tls) await removeTlsMaterial(tls.dir);
      }
    }),
  };
}

interface Seeded {
  key: { publicKey: string; privateKey: string };
  sa: { clientId: string; clientSecret: string } | undefined;
}

/**
 * The seeded org, key and service account. A persisted store's previously seeded key and account
 * are replaced, not kept: a generated secret is known only at the start that printed it, so an
 * older seeded owner key would be one nobody can use and nobody can revoke.
 */
function seed(store: Store, options: EmulatorOptions, orgId: string, orgName: string): Seeded {
  store.createOrg({ id: orgId, name: orgName });
  store.seedOrgId = orgId;
  const previous = store.seedPrincipals;
  const orgRoles = [{ orgId, roles: [OWNER_ROLE] }];
  const key = store.principals.addApiKey({
    ...(options.publicKey !== undefined ? { publicKey: options.publicKey } : {}),
    ...(options.privateKey !== undefined ? { privateKey: options.privateKey } : {}),
    orgRoles,
  });
  if (previous.publicKey !== undefined && previous.publicKey !== key.publicKey) store.principals.removeApiKey(previous.publicKey);
  let sa: Seeded["sa"];
  if (options.serviceAccount !== false) {
    const account = store.principals.addServiceAccount({ ...(options.serviceAccount ?? {}), orgRoles });
    sa = { clientId: account.clientId, clientSecret: account.clientSecret };
  }
  if (previous.clientId !== undefined && previous.clientId !== sa?.clientId) store.principals.removeServiceAccount(previous.clientId);
  store.seedPrincipals = { publicKey: key.publicKey, clientId: sa?.clientId };
  return { key: { publicKey: key.publicKey, privateKey: key.privateKey }, sa };
}

/** close() may be called more than once (test teardown after an explicit close); later calls share the first. */
function once(fn: () => Promise<void>): () => Promise<void> {
  let result: Promise<void> | undefined;
  return () => (result ??= fn());
}

function listen(server: Server, host: string, port: number): Promise<void> {
  return new Promise((resolve, reject) => {
    server.once("error", reject);
    server.listen(port, host, () => {
      server.off("error", reject);
      resolve();
    });
  });
}

function closeServer(server: Server): Promise<void> {
  return new Promise((resolve, reject) => {
    server.close((error) => (error ? reject(error) : resolve()));
    // Keep-alive sockets would otherwise hold close() open until they time out.
    server.closeAllConnections();
  });
}
