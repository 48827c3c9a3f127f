// Which Cloud Manager endpoint and credentials a call uses. Resolved at CALL time from the stack
// config captured by `configure` and the current environment, never from anything stored in state:
// after a key is rotated, `pulumi refresh` and `pulumi destroy` use the new one.
//
// Precedence, field by field: stack config (`cloudmanager:*`) over environment variables.
// Then the method: a complete API key pair (HTTP Digest) or a complete service account (OAuth).
// If both are complete, the one set (even partly) in stack config wins; if that does not decide,
// the API key wins. Nothing complete → one error naming every way to set credentials.

import { readFileSync, statSync } from "node:fs";
import { DEFAULT_BASE_URL, isCloudManagerError, isPemCertificate, normalizeBaseUrl } from "../../sdk";

/** The `cloudmanager:*` stack config keys this provider reads, by field. */
export const CONFIG_KEYS = {
  publicKey: "cloudmanager:publicKey",
  privateKey: "cloudmanager:privateKey",
  clientId: "cloudmanager:clientId",
  clientSecret: "cloudmanager:clientSecret",
  baseUrl: "cloudmanager:baseUrl",
  caCertificate: "cloudmanager:caCertificate",
} as const;

/** The environment variables (mongocli's names where mongocli has one). */
export const ENV_VARS = {
  publicKey: "MCLI_PUBLIC_API_KEY",
  privateKey: "MCLI_PRIVATE_API_KEY",
  clientId: "CLOUDMANAGER_CLIENT_ID",
  clientSecret: "CLOUDMANAGER_CLIENT_SECRET",
  baseUrl: "MCLI_OPS_MANAGER_URL",
  caCertificate: "MCLI_OPS_MANAGER_CA_CERTIFICATE",
} as const;

export type SettingName = keyof typeof CONFIG_KEYS;
export type ConfigSnapshot = Partial<Record<SettingName, string>>;

export type ResolvedAuth =
  { kind: "apiKey"; publicKey: string; privateKey: string } | { kind: "serviceAccount"; clientId: string; clientSecret: string };

export interface ResolvedConnection {
  baseUrl: string;
  auth: ResolvedAuth;
  /** PEM text of an extra CA (Ops Manager with a private CA). */
  caCertificate?: string;
}

/** Reads the stack config keys through the `configure` request's config (secrets arrive decrypted). */
export function readConfig(config: { get(key: string): string | undefined }): ConfigSnapshot {
  const snapshot: ConfigSnapshot = {};
  for (const name of Object.keys(CONFIG_KEYS) as SettingName[]) {
    const value = config.get(CONFIG_KEYS[name]);
    if (typeof value === "string" && value.trim() !== "") snapshot[name] = value.trim();
  }
  return snapshot;
}

interface Setting {
  value: string;
  from: "config" | "env";
}

export function resolveConnection(config: ConfigSnapshot, env: NodeJS.ProcessEnv): ResolvedConnection {
  const get = (name: SettingName): Setting | undefined => {
    const fromConfig = config[name];
    if (fromConfig !== undefined) return { value: fromConfig, from: "config" };
    const fromEnv = env[ENV_VARS[name]]?.trim();
    return fromEnv ? { value: fromEnv, from: "env" } : undefined;
  };
  const publicKey = get("publicKey");
  const privateKey = get("privateKey");
  const clientId = get("clientId");
  const clientSecret = get("clientSecret");

  const apiKey = publicKey && privateKey ? { publicKey, privateKey } : undefined;
  const account = clientId && clientSecret ? { clientId, clientSecret } : undefined;
  const inConfig = (...s: Setting[]) => s.some((x) => x.from === "config");
  let auth: ResolvedAuth;
  if (apiKey && (!account || inConfig(apiKey.publicKey, apiKey.privateKey) || !inConfig(account.clientId, account.clientSecret))) {
    auth = { kind: "apiKey", publicKey: apiKey.publicKey.value, privateKey: apiKey.privateKey.value };
  } else if (account) {
    auth = { kind: "serviceAccount", clientId: account.clientId.value, clientSecret: account.clientSecret.value };
  } else {
    throw new Error(missingCredentialsMessage({ publicKey, privateKey, clientId, clientSecret }));
  }

  const connection: ResolvedConnection = { baseUrl: baseUrlOf(get("baseUrl")), auth };
  const ca = get("caCertificate");
  if (ca) connection.caCertificate = readCaCertificate(ca);
  return connection;
}

function missingCredentialsMessage(found: Partial<Record<SettingName, Setting | undefined>>): string {
  const present = (Object.keys(found) as SettingName[])
    .filter((name) => found[name] !== undefined)
    .map((name) => (found[name]?.from === "config" ? CONFIG_KEYS[name] : ENV_VARS[name]));
  const state = present.length === 0 ? "none are set" : `only ${present.join(", ")} ${present.length === 1 ? "is" : "are"} set`;
  return (
    `CLOUDMANAGER_CREDENTIALS_MISSING: no complete Cloud Manager credentials (${state}). Set ONE of: ` +
    `an API key — stack config \`pulumi config set cloudmanager:publicKey <public key>\` and ` +
    `\`pulumi config set --secret cloudmanager:privateKey <private key>\`, or the environment variables ` +
    `${ENV_VARS.publicKey} and ${ENV_VARS.privateKey}; or a service account — ` +
    `\`pulumi config set cloudmanager:clientId <client id>\` and \`pulumi config set --secret cloudmanager:clientSecret <secret>\`, ` +
    `or the environment variables ${ENV_VARS.clientId} and ${ENV_VARS.clientSecret}. ` +
    `The key or account needs the Organization Owner role.`
  );
}

/** The base URL setting, normalized by the client's rules (sdk: the API base or a bare Ops Manager root). */
function baseUrlOf(setting: Setting | undefined): string {
  if (!setting) return DEFAULT_BASE_URL;
  try {
    return normalizeBaseUrl(setting.value);
  } catch (e) {
    const problem = isCloudManagerError(e) ? e.message : String(e);
    throw new Error(`CLOUDMANAGER_CONFIG_INVALID: ${setting.from === "config" ? CONFIG_KEYS.baseUrl : ENV_VARS.baseUrl} ${problem}`, {
      cause: e,
    });
  }
}

/**
 * The CA file, read again only when it changed: credentials are resolved at every call, and a
 * synchronous read per call would block the event loop for nothing. A `stat` per call keeps the
 * behaviour that an edited or replaced file takes effect at the next call.
 */
const caFiles = new Map<string, { version: string; pem: string }>();

function readCaCertificate(setting: Setting): string {
  // A PEM pasted inline (handy in CI variables) is taken as is; anything else is a file path.
  if (isPemCertificate(setting.value)) return setting.value;
  const source = setting.from === "config" ? CONFIG_KEYS.caCertificate : ENV_VARS.caCertificate;
  let pem: string;
  try {
    const stat = statSync(setting.value);
    const version = `${stat.ino}:${stat.size}:${stat.mtimeMs}`;
    const cached = caFiles.get(setting.value);
    if (cached?.version === version) return cached.pem;
    pem = readFileSync(setting.value, "utf8");
    if (isPemCertificate(pem)) caFiles.set(setting.value, { version, pem });
  } catch (e) {
    caFiles.delete(setting.value);
    const code = e instanceof Error && "code" in e ? String(e.code) : "unreadable";
    throw new Error(
      `CLOUDMANAGER_CONFIG_INVALID: cannot read the CA certificate file "${setting.value}" named by ${source} (${code}). ` +
        `Set it to the path of a PEM file holding your Ops Manager's CA certificate.`,
      { cause: e },
    );
  }
  if (!isPemCertificate(pem)) {
    caFiles.delete(setting.value);
    throw new Error(
      `CLOUDMANAGER_CONFIG_INVALID: "${setting.value}" named by ${source} holds no PEM certificate ` +
        `(no "-----BEGIN CERTIFICATE-----" line).`,
    );
  }
  return pem;
}
