// Which Cloud Manager endpoint and credentials a call uses. Resolved at CALL time, for the call's
// organization, from the config captured by `configure` (stack config, or an explicit plugin
// provider's properties) and the current environment, never from anything stored in state: after a
// key is rotated, `pulumi refresh` and `pulumi destroy` use the new one.
//
// Several organizations: `cloudmanager:organizations` maps an organization id to its own settings
// (`{"<orgId>": {"publicKey": …, "privateKey": …}}`, secrets set with `pulumi config set --secret
// --path`), and CLOUDMANAGER_ORG_<ORGID>_<SETTING> environment variables do the same. An organization
// with any credential of its own uses ONLY its own credentials (a key is never paired with another
// organization's secret); a partial entry is an error naming the organization and the keys to set.
// Its baseUrl and caCertificate fall back to the default ones.
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

/** The stack config key of per-organization settings: a JSON object keyed by organization id. */
export const ORGANIZATIONS_KEY = "cloudmanager:organizations";

export type SettingName = keyof typeof CONFIG_KEYS;
export type Settings = Partial<Record<SettingName, string>>;
export type ConfigSnapshot = Settings & {
  /** Per-organization settings, keyed by organization id (lowercase). */
  organizations?: Record<string, Settings>;
  /** Why `cloudmanager:organizations` could not be read (reported at check and at every call). */
  organizationsProblem?: string;
};

const AUTH_FIELDS = ["publicKey", "privateKey", "clientId", "clientSecret"] as const satisfies readonly SettingName[];

/** The environment variable of one organization's setting: CLOUDMANAGER_ORG_<ORGID>_PUBLIC_KEY, … */
export function orgEnvVar(orgId: string, name: SettingName): string {
  return `CLOUDMANAGER_ORG_${orgId.toUpperCase()}_${name.replace(/[A-Z]/g, (c) => `_${c}`).toUpperCase()}`;
}

export type ResolvedAuth =
  { kind: "apiKey"; publicKey: string; privateKey: string } | { kind: "serviceAccount"; clientId: string; clientSecret: string };

export interface ResolvedConnection {
  baseUrl: string;
  auth: ResolvedAuth;
  /** Where the credentials came from (config keys or variables, never values), for messages about them. */
  credentialSource: string;
  /** PEM text of an extra CA (Ops Manager with a private CA). */
  caCertificate?: string;
}

/** Reads the stack config keys through the `configure` request's config (secrets arrive decrypted; objects as JSON text). */
export function readConfig(config: { get(key: string): string | undefined }): ConfigSnapshot {
  const snapshot: ConfigSnapshot = {};
  for (const name of Object.keys(CONFIG_KEYS) as SettingName[]) {
    const value = config.get(CONFIG_KEYS[name]);
    if (typeof value === "string" && value.trim() !== "") snapshot[name] = value.trim();
  }
  const organizations = config.get(ORGANIZATIONS_KEY);
  if (organizations !== undefined && organizations.trim() !== "") Object.assign(snapshot, readOrganizations(organizations));
  return snapshot;
}

/** `cloudmanager:organizations`: a JSON object of organization id → settings; anything else is a problem to report. */
export function readOrganizations(text: string | object): Pick<ConfigSnapshot, "organizations" | "organizationsProblem"> {
  let value: unknown = text;
  if (typeof text === "string") {
    try {
      value = JSON.parse(text);
    } catch {
      return { organizationsProblem: `${ORGANIZATIONS_KEY} is not a JSON object of organization id → settings` };
    }
  }
  if (typeof value !== "object" || value === null || Array.isArray(value)) {
    return { organizationsProblem: `${ORGANIZATIONS_KEY} must be an object keyed by organization id` };
  }
  const organizations: Record<string, Settings> = {};
  for (const [orgId, entry] of Object.entries(value)) {
    if (!/^[0-9a-fA-F]{24}$/.test(orgId)) {
      return { organizationsProblem: `${ORGANIZATIONS_KEY}: "${orgId}" is not an organization id (24 hexadecimal characters)` };
    }
    if (typeof entry !== "object" || entry === null || Array.isArray(entry)) {
      return { organizationsProblem: `${ORGANIZATIONS_KEY}["${orgId}"] must be an object of settings (publicKey, privateKey, …)` };
    }
    const settings: Settings = {};
    for (const [key, v] of Object.entries(entry as Record<string, unknown>)) {
      if (!(key in CONFIG_KEYS)) {
        return {
          organizationsProblem: `${ORGANIZATIONS_KEY}["${orgId}"].${key} is not a setting; use ${Object.keys(CONFIG_KEYS).join(", ")}`,
        };
      }
      if (typeof v === "string" && v.trim() !== "") settings[key as SettingName] = v.trim();
    }
    organizations[orgId.toLowerCase()] = settings;
  }
  return { organizations };
}

interface Setting {
  value: string;
  from: "config" | "env";
  /** The config key or environment variable it came from, for messages. */
  source: string;
}

/**
 * What is wrong with the default settings themselves, by setting (a provider's properties at
 * preview): a base URL or CA certificate that cannot be used, half of a pair that the environment
 * does not complete. Missing credentials altogether are not reported: a preview needs none.
 */
export function resolveProblems(config: ConfigSnapshot, env: NodeJS.ProcessEnv = process.env): { property: SettingName; reason: string }[] {
  const problems: { property: SettingName; reason: string }[] = [];
  const setting = (name: SettingName): Setting | undefined =>
    config[name] === undefined ? undefined : { value: config[name], from: "config", source: CONFIG_KEYS[name] };
  const attempt = (property: SettingName, check: () => unknown) => {
    try {
      check();
    } catch (e) {
      problems.push({ property, reason: e instanceof Error ? e.message : String(e) });
    }
  };
  const baseUrl = setting("baseUrl");
  if (baseUrl) attempt("baseUrl", () => baseUrlOf(baseUrl));
  const ca = setting("caCertificate");
  if (ca) attempt("caCertificate", () => readCaCertificate(ca));
  for (const [a, b] of [
    ["publicKey", "privateKey"],
    ["clientId", "clientSecret"],
  ] as const) {
    const has = (name: SettingName) => config[name] !== undefined || (env[ENV_VARS[name]]?.trim() ?? "") !== "";
    if (config[a] === undefined && config[b] === undefined) continue;
    const missing = [a, b].find((name) => !has(name));
    if (missing !== undefined) {
      problems.push({
        property: missing,
        reason: `CLOUDMANAGER_CREDENTIALS_MISSING: ${config[a] !== undefined ? a : b} is set but ${missing} is not (nor ${ENV_VARS[missing]}); set both`,
      });
    }
  }
  return problems;
}

/**
 * What is wrong with the settings of `orgId` itself (its `cloudmanager:organizations` entry or
 * CLOUDMANAGER_ORG_<ORGID>_* variables), for `check` to report at preview; undefined when nothing is.
 * Missing default credentials are not reported here: a preview needs none.
 */
export function organizationProblem(config: ConfigSnapshot, env: NodeJS.ProcessEnv, orgId: string): string | undefined {
  if (config.organizationsProblem !== undefined) return `CLOUDMANAGER_CONFIG_INVALID: ${config.organizationsProblem}.`;
  const own = ownSettings(config, env, orgId);
  try {
    if (AUTH_FIELDS.some((name) => own[name] !== undefined)) refusePartial(orgId, own);
    if (own.baseUrl !== undefined) baseUrlOf(own.baseUrl);
    if (own.caCertificate !== undefined) readCaCertificate(own.caCertificate);
  } catch (e) {
    return e instanceof Error ? e.message : String(e);
  }
  return undefined;
}

/** One organization's own settings: its `cloudmanager:organizations` entry over its CLOUDMANAGER_ORG_<ORGID>_* variables, field by field. */
function ownSettings(config: ConfigSnapshot, env: NodeJS.ProcessEnv, orgId: string): Partial<Record<SettingName, Setting>> {
  const entry = config.organizations?.[orgId.toLowerCase()] ?? {};
  const found: Partial<Record<SettingName, Setting>> = {};
  for (const name of Object.keys(CONFIG_KEYS) as SettingName[]) {
    const fromConfig = entry[name];
    if (fromConfig !== undefined) {
      found[name] = { value: fromConfig, from: "config", source: `${ORGANIZATIONS_KEY}["${orgId}"].${name}` };
      continue;
    }
    const variable = orgEnvVar(orgId, name);
    const fromEnv = (env[variable] ?? env[variable.replace(orgId.toUpperCase(), orgId.toLowerCase())])?.trim();
    if (fromEnv) found[name] = { value: fromEnv, from: "env", source: variable };
  }
  return found;
}

function setCommand(orgId: string, name: SettingName): string {
  const secret = name === "privateKey" || name === "clientSecret" ? " --secret" : "";
  return `\`pulumi config set${secret} --path '${ORGANIZATIONS_KEY}["${orgId}"].${name}' <value>\``;
}

/** An organization's own credentials must be a complete API key or a complete service account. */
function refusePartial(orgId: string, own: Partial<Record<SettingName, Setting>>): void {
  const pairs: [SettingName, SettingName][] = [
    ["publicKey", "privateKey"],
    ["clientId", "clientSecret"],
  ];
  if (pairs.some(([a, b]) => own[a] !== undefined && own[b] !== undefined)) return;
  const set = AUTH_FIELDS.filter((name) => own[name] !== undefined);
  const missing = pairs.flatMap(([a, b]) => (own[a] !== undefined || own[b] !== undefined ? [own[a] === undefined ? a : b] : []));
  throw new Error(
    `CLOUDMANAGER_CREDENTIALS_MISSING: organization ${orgId} has credentials of its own but not a complete pair ` +
      `(${set.map((name) => own[name]?.source).join(", ")} set; ${missing.join(", ")} missing). Set ` +
      missing.map((name) => `${setCommand(orgId, name)} (or ${orgEnvVar(orgId, name)})`).join(" and ") +
      `. An organization's key is never paired with the default credentials.`,
  );
}

/**
 * The connection for calls on `orgId` (undefined: the default settings only). Throws
 * CLOUDMANAGER_CONFIG_INVALID / CLOUDMANAGER_CREDENTIALS_MISSING naming the settings to fix.
 */
export function resolveConnection(config: ConfigSnapshot, env: NodeJS.ProcessEnv, orgId?: string): ResolvedConnection {
  if (config.organizationsProblem !== undefined) throw new Error(`CLOUDMANAGER_CONFIG_INVALID: ${config.organizationsProblem}.`);
  const own = orgId === undefined ? undefined : ownSettings(config, env, orgId);
  const defaults = (name: SettingName): Setting | undefined => {
    const fromConfig = config[name];
    if (fromConfig !== undefined) return { value: fromConfig, from: "config", source: CONFIG_KEYS[name] };
    const fromEnv = env[ENV_VARS[name]]?.trim();
    return fromEnv ? { value: fromEnv, from: "env", source: ENV_VARS[name] } : undefined;
  };
  const ownAuth = own !== undefined && AUTH_FIELDS.some((name) => own[name] !== undefined);
  // An organization with credentials of its own uses only those; endpoint settings fall back.
  const get = (name: SettingName): Setting | undefined =>
    own?.[name] ?? ((AUTH_FIELDS as readonly SettingName[]).includes(name) && ownAuth ? undefined : defaults(name));
  if (ownAuth && orgId !== undefined) refusePartial(orgId, own);
  const publicKey = get("publicKey");
  const privateKey = get("privateKey");
  const clientId = get("clientId");
  const clientSecret = get("clientSecret");

  const apiKey = publicKey && privateKey ? { publicKey, privateKey } : undefined;
  const account = clientId && clientSecret ? { clientId, clientSecret } : undefined;
  const inConfig = (...s: Setting[]) => s.some((x) => x.from === "config");
  let auth: ResolvedAuth;
  let credentialSource: string;
  if (apiKey && (!account || inConfig(apiKey.publicKey, apiKey.privateKey) || !inConfig(account.clientId, account.clientSecret))) {
    auth = { kind: "apiKey", publicKey: apiKey.publicKey.value, privateKey: apiKey.privateKey.value };
    credentialSource = `${apiKey.publicKey.source} and ${apiKey.privateKey.source}`;
  } else if (account) {
    auth = { kind: "serviceAccount", clientId: account.clientId.value, clientSecret: account.clientSecret.value };
    credentialSource = `${account.clientId.source} and ${account.clientSecret.source}`;
  } else {
    throw new Error(missingCredentialsMessage({ publicKey, privateKey, clientId, clientSecret }));
  }

  const connection: ResolvedConnection = { baseUrl: baseUrlOf(get("baseUrl")), auth, credentialSource };
  const ca = get("caCertificate");
  if (ca) connection.caCertificate = readCaCertificate(ca);
  return connection;
}

function missingCredentialsMessage(found: Partial<Record<SettingName, Setting | undefined>>): string {
  const present = (Object.keys(found) as SettingName[]).flatMap((name) => (found[name] === undefined ? [] : [found[name].source]));
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
    throw new Error(`CLOUDMANAGER_CONFIG_INVALID: ${setting.source} ${problem}`, {
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
  const source = setting.source;
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
