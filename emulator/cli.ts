#!/usr/bin/env node
// cloudmanager-emulator: run the local Cloud Manager until SIGINT/SIGTERM.
import { parseArgs } from "node:util";
import { startEmulator } from "./index";
import type { EmulatorOptions } from "./types";

const HELP = `Usage: cloudmanager-emulator [options]

A local MongoDB Cloud Manager API (organization invitations, org users, OAuth) for tests and CI.

  --host HOST               address to listen on (default 127.0.0.1)
  --port PORT               port, 0 = any free port (default 0)
  --public-key KEY          API key public key (generated when absent)
  --private-key KEY         API key private key (generated when absent)
  --org-id ID               seeded organization id, 24 hex characters (generated when absent)
  --org-name NAME           seeded organization name
  --client-id ID            seeded service account client id (generated when absent)
  --client-secret SECRET    seeded service account secret (generated when absent)
  --no-service-account      seed no service account
  --persist FILE            keep state in FILE across restarts (written atomically)
  --tls                     serve HTTPS with a private CA made at start (needs the openssl command);
                            prints the CA's PEM file, for the client's caCertificate
  --nonce-lifetime SECONDS  Digest nonce lifetime (default 300)
  --token-lifetime SECONDS  OAuth access token lifetime (default 3600)
  --reject-reused-nc        refuse a Digest nonce count already used with its nonce
  --duplicate-invitations allow|reject   second pending invitation for one user (default allow)
  --expired-invitations hidden|visible   expired invitations in GET/list (default hidden)
  --empty-teams reject|allow             a team with no user: removing its last user, or creating one
                                         without usernames (default reject)
  --control-plane           enable /__emulator/ even when not listening on loopback
  --control-plane-host NAME another Host name /__emulator/ answers to (repeatable), e.g. a compose service
  --no-control-plane        disable /__emulator/ even on loopback
  --json                    print the start-up information as one JSON line
  --quiet                   do not log requests
  --help                    show this help
`;

function fail(message: string): never {
  process.stderr.write(`cloudmanager-emulator: ${message}\n`);
  process.exit(2);
}

function nonNegativeInt(name: string, value: string | undefined): number | undefined {
  if (value === undefined) return undefined;
  if (!/^\d+$/.test(value)) fail(`--${name} must be a whole number, got "${value}"`);
  return Number(value);
}

function oneOf<T extends string>(name: string, value: string | undefined, allowed: readonly T[]): T | undefined {
  if (value === undefined) return undefined;
  if (!(allowed as readonly string[]).includes(value)) fail(`--${name} must be one of ${allowed.join(", ")}, got "${value}"`);
  return value as T;
}

/**
 * Request lines to stderr for as long as someone reads them. When the reader goes away
 * (`… 2>&1 | head -1`), the write fails with EPIPE, emitted as an 'error' event that would kill
 * the process: the server goes on without its log instead.
 */
function requestLogger(): (line: string) => void {
  let open = true;
  process.stderr.on("error", () => {
    open = false;
  });
  return (line) => {
    if (open) process.stderr.write(`${new Date().toISOString()} ${line}\n`);
  };
}

async function main(): Promise<void> {
  // The start-up lines may meet a closed pipe too; after them stdout is not written again.
  process.stdout.on("error", () => {});
  let parsed;
  try {
    parsed = parseArgs({
      allowNegative: true,
      options: {
        host: { type: "string" },
        port: { type: "string" },
        "public-key": { type: "string" },
        "private-key": { type: "string" },
        "org-id": { type: "string" },
        "org-name": { type: "string" },
        "client-id": { type: "string" },
        "client-secret": { type: "string" },
        "service-account": { type: "boolean" },
        persist: { type: "string" },
        tls: { type: "boolean" },
        "nonce-lifetime": { type: "string" },
        "token-lifetime": { type: "string" },
        "reject-reused-nc": { type: "boolean" },
        "duplicate-invitations": { type: "string" },
        "expired-invitations": { type: "string" },
        "empty-teams": { type: "string" },
        "control-plane": { type: "boolean" },
        "control-plane-host": { type: "string", multiple: true },
        json: { type: "boolean" },
        quiet: { type: "boolean" },
        help: { type: "boolean", short: "h" },
      },
    });
  } catch (error) {
    fail(`${error instanceof Error ? error.message : String(error)}\n\n${HELP}`);
  }
  const v = parsed.values;
  if (v.help) {
    process.stdout.write(HELP);
    return;
  }
  const orgId = v["org-id"];
  if (orgId !== undefined && !/^[0-9a-f]{24}$/.test(orgId)) fail(`--org-id must be 24 lowercase hexadecimal characters, got "${orgId}"`);
  const port = nonNegativeInt("port", v.port);
  if (port !== undefined && port > 65535) fail(`--port must be at most 65535`);
  if ((v["client-id"] === undefined) !== (v["client-secret"] === undefined)) fail("--client-id and --client-secret go together");

  const options: EmulatorOptions = {};
  if (v.host !== undefined) options.host = v.host;
  if (port !== undefined) options.port = port;
  if (v["public-key"] !== undefined) options.publicKey = v["public-key"];
  if (v["private-key"] !== undefined) options.privateKey = v["private-key"];
  if (orgId !== undefined) options.orgId = orgId;
  if (v["org-name"] !== undefined) options.orgName = v["org-name"];
  if (v["service-account"] === false) options.serviceAccount = false;
  else if (v["client-id"] !== undefined && v["client-secret"] !== undefined) {
    options.serviceAccount = { clientId: v["client-id"], clientSecret: v["client-secret"] };
  }
  if (v.persist !== undefined) options.persistPath = v.persist;
  if (v.tls !== undefined) options.tls = v.tls;
  const nonceLifetime = nonNegativeInt("nonce-lifetime", v["nonce-lifetime"]);
  if (nonceLifetime !== undefined) options.nonceLifetimeSeconds = nonceLifetime;
  const tokenLifetime = nonNegativeInt("token-lifetime", v["token-lifetime"]);
  if (tokenLifetime !== undefined) options.tokenLifetimeSeconds = tokenLifetime;
  if (v["reject-reused-nc"] !== undefined) options.rejectReusedNonceCount = v["reject-reused-nc"];
  const duplicates = oneOf("duplicate-invitations", v["duplicate-invitations"], ["allow", "reject"] as const);
  if (duplicates) options.duplicateInvitations = duplicates;
  const expired = oneOf("expired-invitations", v["expired-invitations"], ["hidden", "visible"] as const);
  if (expired) options.expiredInvitations = expired;
  const emptyTeams = oneOf("empty-teams", v["empty-teams"], ["reject", "allow"] as const);
  if (emptyTeams) options.emptyTeams = emptyTeams;
  if (v["control-plane"] !== undefined) options.controlPlane = v["control-plane"];
  if (v["control-plane-host"] !== undefined) options.controlPlaneHosts = v["control-plane-host"];
  if (!v.quiet) options.log = requestLogger();

  let emulator: Awaited<ReturnType<typeof startEmulator>> | undefined;
  // Handlers go in before anything is printed: a supervisor may signal as soon as it reads the URL.
  const stop = (): void => {
    const closing = emulator ? emulator.close() : Promise.resolve();
    closing.then(
      () => process.exit(0),
      () => process.exit(0),
    );
  };
  process.once("SIGINT", stop);
  process.once("SIGTERM", stop);
  try {
    emulator = await startEmulator(options);
  } catch (error) {
    fail(error instanceof Error ? error.message : String(error));
  }

  if (v.json) {
    const info = {
      baseUrl: emulator.baseUrl,
      opsManagerUrl: `${emulator.origin}/`,
      origin: emulator.origin,
      orgId: emulator.org.id,
      orgName: emulator.org.name,
      publicKey: emulator.credentials.publicKey,
      privateKey: emulator.credentials.privateKey,
      clientId: emulator.serviceAccount?.clientId ?? null,
      clientSecret: emulator.serviceAccount?.clientSecret ?? null,
      controlPlane: emulator.controlPlane,
      caCertificatePath: emulator.caCertificatePath ?? null,
    };
    process.stdout.write(`${JSON.stringify(info)}\n`);
  } else {
    // These are the emulator's own throwaway credentials; printing them is the point.
    // Two URLs because tools differ: API clients take the API base, mongocli and MongoDB's Go
    // clients the server root (they add /api/public/v1.0 themselves).
    const lines = [
      "Cloud Manager emulator is running.",
      `Base URL:        ${emulator.baseUrl}`,
      `Ops Manager URL: ${emulator.origin}/`,
      `Org ID:          ${emulator.org.id}`,
      `Org name:        ${emulator.org.name}`,
      `Public key:      ${emulator.credentials.publicKey}`,
      `Private key:     ${emulator.credentials.privateKey}`,
    ];
    if (emulator.serviceAccount) {
      lines.push(`Client ID:       ${emulator.serviceAccount.clientId}`, `Client secret:   ${emulator.serviceAccount.clientSecret}`);
    }
    if (emulator.caCertificatePath !== undefined) lines.push(`CA certificate:  ${emulator.caCertificatePath}`);
    lines.push(
      `Control plane:   ${emulator.controlPlane ? `${emulator.origin}/__emulator/` : "off"}`,
      "Base URL is the API base: pulumi-cloudmanager's cloudmanager:baseUrl and CloudManagerClient's baseUrl.",
      "Ops Manager URL is the server root: mongocli's ops_manager_url (MCLI_OPS_MANAGER_URL), the Go clients' base URL.",
      ...(emulator.caCertificatePath === undefined
        ? []
        : [
            "CA certificate is the PEM file to trust: cloudmanager:caCertificate takes the path, CloudManagerClient's caCertificate its text. Removed at exit.",
          ]),
      "Stop with Ctrl-C (SIGINT) or SIGTERM.",
    );
    process.stdout.write(`${lines.join("\n")}\n`);
  }
}

void main();
