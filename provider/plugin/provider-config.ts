// The provider's own configuration through the engine's protocol: CheckConfig, DiffConfig and the
// variables of Configure, which @pulumi/pulumi's provider server answers as UNIMPLEMENTED (Check/Diff)
// or drops (Configure). Without them an explicit `pulumi:providers:cloudmanager` resource's properties
// were ignored and stored in clear. We WRAP that server rather than write our own: its `main` builds
// the gRPC server and registers the ResourceProvider service itself, so the three methods are
// replaced on the implementation object as it is registered (the rest of the server, including the
// secret and output handling of every resource call, stays @pulumi/pulumi's). A small gRPC server of
// our own would have to re-implement all of that; this is three methods.
//
// - CheckConfig: the properties are checked with the same rules and messages as stack config
//   (../runtime/credentials); the secret ones (privateKey, clientSecret) go back to the engine marked
//   secret, so state holds them encrypted whatever the program marked.
// - DiffConfig: says which properties changed and that no replacement follows: a rotated key or a
//   new spelling of the base URL never replaces a resource.
// - Configure: the properties become the runtime's config. The DEFAULT provider's properties are the
//   stack's `cloudmanager:*` config; an explicit provider's are its own, with the environment below
//   them field by field (never the stack's defaults: two providers must not share a key by accident).

import type * as grpcTypes from "@grpc/grpc-js";
import type * as structTypes from "google-protobuf/google/protobuf/struct_pb";
import type * as provTypes from "@pulumi/pulumi/proto/provider_pb";
import type { ConfigureRequest } from "@pulumi/pulumi/dynamic";
import { CONFIG_KEYS, organizationProblem, readConfig, resolveProblems, type SettingName } from "../runtime/credentials";
import { fromPulumi } from "../runtime/from-pulumi";
import { UNKNOWN } from "../model/property-bag";
import { outgoingBag, unwrapBag } from "./bags";

/** The properties a `cloudmanager` provider takes (the schema's `config.variables`). */
const SETTINGS = Object.keys(CONFIG_KEYS) as SettingName[];
const SECRET_SETTINGS: readonly string[] = ["privateKey", "clientSecret"];
/** Keys the engine itself adds to a provider's inputs. */
const ENGINE_KEYS = ["version", "pluginDownloadURL"];
const ORGANIZATIONS = "organizations";

// The modules @pulumi/pulumi's provider server uses, loaded from where it loads them (the same
// instances: the service is registered on its gRPC module, its messages built by its protobufs).
const grpc = fromPulumi("@grpc/grpc-js") as typeof grpcTypes;
const structproto = fromPulumi("google-protobuf/google/protobuf/struct_pb") as typeof structTypes;
const provproto = fromPulumi("./proto/provider_pb") as typeof provTypes;

type Callback<T> = (error: grpcTypes.ServiceError | null, response?: T) => void;
interface Call<T> {
  request: T;
}

type ConfigureMethod = (call: Call<provTypes.ConfigureRequest>, cb: Callback<provTypes.ConfigureResponse>) => void;

/** What Configure hands the runtime: the config, and whether it is an explicit provider's. */
export type OnConfigure = (config: ConfigureRequest["config"], explicit: boolean) => Promise<void>;

/**
 * Replaces CheckConfig, DiffConfig and Configure on the ResourceProvider service when @pulumi/pulumi's
 * `main` registers it. Call once, before `main`.
 */
export function serveProviderConfig(onConfigure: OnConfigure): void {
  // Called below with the server as `this`, as gRPC itself would.
  // eslint-disable-next-line @typescript-eslint/unbound-method
  const addService = grpc.Server.prototype.addService;
  grpc.Server.prototype.addService = function (
    service: grpcTypes.ServiceDefinition,
    implementation: grpcTypes.UntypedServiceImplementation,
  ) {
    if ("checkConfig" in service && "configure" in service) {
      // Replaced on the server object itself: its other methods live on its prototype and use `this`.
      const original = (implementation["configure"] as ConfigureMethod).bind(implementation);
      const checkMethod = (call: Call<provTypes.CheckRequest>, cb: Callback<provTypes.CheckResponse>) =>
        cb(null, checkConfig(call.request));
      const diffMethod = (call: Call<provTypes.DiffRequest>, cb: Callback<provTypes.DiffResponse>) => cb(null, diffConfig(call.request));
      const configureMethod: ConfigureMethod = (call, cb) => {
        const request = call.request;
        onConfigure(configOf(request.getArgs()?.toJavaScript() ?? {}), isExplicit(request.getUrn() ?? "")).then(
          () => original(call, cb),
          (e: unknown) => {
            const message = e instanceof Error ? e.message : String(e);
            cb({ name: "Error", message, code: grpc.status.INVALID_ARGUMENT, details: message, metadata: new grpc.Metadata() });
          },
        );
      };
      Object.assign(implementation, { checkConfig: checkMethod, diffConfig: diffMethod, configure: configureMethod });
    }
    addService.call(this, service, implementation);
  };
}

/** The default provider's URN names it "default" or "default_<version>"; any other is an explicit provider. */
export function isExplicit(urn: string): boolean {
  const name = urn.slice(urn.lastIndexOf("::") + 2);
  return urn !== "" && !/^default(_[0-9a-z_.-]+)?$/i.test(name);
}

// ---- the three methods ----

export function checkConfig(request: provTypes.CheckRequest): provTypes.CheckResponse {
  const news = plain(request.getNews()?.toJavaScript() ?? {});
  const response = new provproto.CheckResponse();
  const failures = checkProviderProperties(news);
  // The secret settings go back marked secret, as every plugin answer marks them (./bags).
  const secret = new Set(Object.keys(news).filter((key) => SECRET_SETTINGS.includes(key) && news[key] !== UNKNOWN));
  const inputs = outgoingBag(news, secret) ?? {};
  response.setInputs(structproto.Struct.fromJavaScript(inputs as Record<string, structTypes.JavaScriptValue>));
  response.setFailuresList(
    failures.map(({ property, reason }) => {
      const failure = new provproto.CheckFailure();
      failure.setProperty(property);
      failure.setReason(reason);
      return failure;
    }),
  );
  return response;
}

/** Changed properties are updates of the provider, never a replacement of its resources. */
export function diffConfig(request: provTypes.DiffRequest): provTypes.DiffResponse {
  const olds = plain(request.getOlds()?.toJavaScript() ?? {});
  const news = plain(request.getNews()?.toJavaScript() ?? {});
  const keys = [...new Set([...Object.keys(olds), ...Object.keys(news)])].filter((k) => !ENGINE_KEYS.includes(k));
  const changed = keys.filter((k) => JSON.stringify(olds[k]) !== JSON.stringify(news[k])).sort();
  const response = new provproto.DiffResponse();
  response.setChanges(changed.length > 0 ? provproto.DiffResponse.DiffChanges.DIFF_SOME : provproto.DiffResponse.DiffChanges.DIFF_NONE);
  response.setDiffsList(changed);
  response.setReplacesList([]);
  response.setDeletebeforereplace(false);
  response.setHasdetaileddiff(true);
  const detailed = response.getDetaileddiffMap();
  for (const key of changed) {
    const diff = new provproto.PropertyDiff();
    diff.setKind(
      !(key in olds)
        ? provproto.PropertyDiff.Kind.ADD
        : !(key in news)
          ? provproto.PropertyDiff.Kind.DELETE
          : provproto.PropertyDiff.Kind.UPDATE,
    );
    diff.setInputdiff(true);
    detailed.set(key, diff);
  }
  return response;
}

/**
 * The checks stack config gets, on a provider's properties: known names only, strings, complete
 * pairs, a usable base URL and CA certificate, and a well-formed `organizations` map. Unknown values
 * (preview) pass.
 */
export function checkProviderProperties(props: Record<string, unknown>): { property: string; reason: string }[] {
  const failures: { property: string; reason: string }[] = [];
  for (const [key, value] of Object.entries(props)) {
    if (ENGINE_KEYS.includes(key)) continue;
    if (key !== ORGANIZATIONS && !(SETTINGS as string[]).includes(key)) {
      failures.push({
        property: key,
        reason: `${key} is not a setting of the cloudmanager provider; it takes ${[...SETTINGS, ORGANIZATIONS].join(", ")}`,
      });
    } else if (key !== ORGANIZATIONS && value !== UNKNOWN && typeof value !== "string") {
      failures.push({ property: key, reason: `${key} must be a string` });
    }
  }
  if (failures.length > 0) return failures;
  const known = Object.fromEntries(Object.entries(props).filter(([, v]) => v !== UNKNOWN));
  const config = readConfig(configOf(known));
  // A setting not known yet (preview) is not reported missing.
  for (const problem of resolveProblems(config)) if (props[problem.property] !== UNKNOWN) failures.push(problem);
  for (const orgId of Object.keys(config.organizations ?? {})) {
    const problem = organizationProblem(config, {}, orgId);
    if (problem !== undefined) failures.push({ property: ORGANIZATIONS, reason: problem });
  }
  if (config.organizationsProblem !== undefined) failures.push({ property: ORGANIZATIONS, reason: config.organizationsProblem });
  return failures;
}

// ---- values ----

/** The provider's properties as the runtime reads stack config: `cloudmanager:<name>`; objects as JSON text. */
export function configOf(props: Record<string, unknown>): ConfigureRequest["config"] {
  const { bag } = unwrapBag(props);
  return configReader((key) => {
    const value = bag[bareKey(key)];
    if (typeof value === "string") return value;
    return value !== undefined && value !== null && typeof value === "object" ? JSON.stringify(value) : undefined;
  });
}

/** A ConfigureRequest's `config` over a lookup of `cloudmanager:*` keys. */
function configReader(get: (key: string) => string | undefined): ConfigureRequest["config"] {
  return {
    get,
    require(key: string): string {
      const value = get(key);
      if (value === undefined) throw new Error(`Missing required configuration key: ${key}`);
      return value;
    },
  };
}

/**
 * The stack config of the `cloudmanager` namespace, as the engine hands it to every provider plugin
 * it starts: the environment variable PULUMI_CONFIG, a JSON object of the namespace's keys without
 * the `cloudmanager:` prefix, secrets decrypted (pkg/resource/plugin's NewProvider; the same
 * variable @pulumi/pulumi's runtime/config.js reads). Read when the plugin starts; Configure (below)
 * then gives the provider's own properties, which take its place. Keys with the prefix (`cloudmanager:publicKey`,
 * `cloudmanager:config:publicKey`) are read too. Non-string values (config objects) are ignored.
 */
export function pluginConfig(env: NodeJS.ProcessEnv = process.env): ConfigureRequest["config"] {
  const values = new Map<string, string>();
  const text = env["PULUMI_CONFIG"];
  if (text !== undefined && text.trim() !== "") {
    let parsed: unknown;
    try {
      parsed = JSON.parse(text);
    } catch (e) {
      throw new Error(`CLOUDMANAGER_CONFIG_INVALID: PULUMI_CONFIG, set by the Pulumi engine, is not JSON`, { cause: e });
    }
    if (typeof parsed === "object" && parsed !== null) {
      for (const [key, value] of Object.entries(parsed)) {
        if (typeof value === "string") values.set(bareKey(key), value);
      }
    }
  }
  return configReader((key) => values.get(bareKey(key)));
}

/** `cloudmanager:publicKey`, `cloudmanager:config:publicKey` and `publicKey` are one key. */
function bareKey(key: string): string {
  const prefix = "cloudmanager:";
  if (!key.startsWith(prefix)) return key;
  const rest = key.slice(prefix.length);
  return rest.startsWith("config:") ? rest.slice("config:".length) : rest;
}

/** A Struct's JavaScript value with secret wrappers removed (the engine strips them before CheckConfig; Configure may keep them). */
function plain(value: Record<string, unknown>): Record<string, unknown> {
  return unwrapBag(value).bag;
}
