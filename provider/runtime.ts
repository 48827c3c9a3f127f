// The OrgInvitation provider as the engine drives it, loaded at call time by the thin stored
// provider (./stored-provider) through `require("pulumi-cloudmanager/provider/runtime")`. Exports
// one function per provider method, in lifecycle order. Process-wide state lives here: the stack
// config captured by `configure` and the pool of clients; credentials are resolved at each call.

import type { CheckResult, ConfigureRequest, CreateResult, DiffResult, ReadResult, UpdateResult } from "@pulumi/pulumi/dynamic";
import { ClientPool, type OrgApi } from "./client-pool";
import { readConfig, resolveConnection, type ConfigSnapshot } from "./credentials";
import { diffOrgInvitation } from "./diff";
import { warn } from "./notices";
import type { OrgInvitationOutputs, PropertyBag } from "./org-invitation-model";
import { createOrgInvitation, deleteOrgInvitation, readOrgInvitation, updateOrgInvitation } from "./org-invitation-lifecycle";
import { providerError } from "./provider-errors";
import { parseResourceId } from "./resource-id";
import { checkOrgInvitation, toInputs } from "./validation";

export { setNoticeSink } from "./notices";

const USER_AGENT = `pulumi-cloudmanager/${packageVersion()} (pulumi dynamic provider)`;

let config: ConfigSnapshot = {};
let pool = new ClientPool({ report: warn, userAgent: USER_AGENT });

/** Captures the `cloudmanager:*` stack config (the provider process runs this once, before any other method). */
export async function configure(req: ConfigureRequest): Promise<void> {
  config = readConfig(req.config);
}

export async function check(_olds: PropertyBag, news: PropertyBag): Promise<CheckResult<PropertyBag>> {
  return checkOrgInvitation(news);
}

export async function diff(_id: string, olds: PropertyBag, news: PropertyBag): Promise<DiffResult> {
  return diffOrgInvitation(olds, news);
}

export async function create(inputs: PropertyBag): Promise<CreateResult<OrgInvitationOutputs>> {
  const typed = toInputs(inputs);
  return withOrgApi(typed.orgId, (api) => createOrgInvitation(api, typed));
}

export async function read(id: string, props?: PropertyBag): Promise<ReadResult<OrgInvitationOutputs>> {
  const parsed = parseResourceId(id);
  return withOrgApi(parsed.orgId, (api) => readOrgInvitation(api, parsed, props ?? {}));
}

export async function update(id: string, olds: PropertyBag, news: PropertyBag): Promise<UpdateResult<OrgInvitationOutputs>> {
  const parsed = parseResourceId(id);
  const inputs = toInputs(news);
  return withOrgApi(parsed.orgId, (api) => updateOrgInvitation(api, parsed, olds, inputs));
}

async function remove(id: string, props: PropertyBag): Promise<void> {
  const parsed = parseResourceId(id);
  return withOrgApi(parsed.orgId, (api) => deleteOrgInvitation(api, parsed, props));
}
export { remove as delete };

/**
 * Closes every pooled client and forgets the captured config. The provider process never needs
 * it (it exits at the end of the deployment); tests and programs that embed the runtime do.
 */
export async function shutdown(): Promise<void> {
  const closing = pool;
  pool = new ClientPool({ report: warn, userAgent: USER_AGENT });
  config = {};
  await closing.closeAll();
}

// Credentials are resolved at every call, from the config captured above and the CURRENT
// environment: nothing about them is kept in state. The operation holds its client until it ends.
function withOrgApi<T>(orgId: string, operation: (api: OrgApi) => Promise<T>): Promise<T> {
  const connection = resolveConnection(config, process.env);
  let entered = false;
  return pool
    .use(connection, orgId, (api) => {
      entered = true;
      return operation(api);
    })
    .catch((e: unknown) => {
      // The client refused its options (CLOUD_MANAGER_CONFIG_ERROR): leave as a plain Error.
      throw entered ? e : providerError("Setting up the Cloud Manager client", e);
    });
}

function packageVersion(): string {
  try {
    const pkg: unknown = require("pulumi-cloudmanager/package.json");
    return typeof pkg === "object" && pkg !== null && "version" in pkg && typeof pkg.version === "string" ? pkg.version : "dev";
  } catch {
    return "dev";
  }
}
