// The providers of every resource as the engine drives them, for both front doors: the thin stored
// providers (../resources/stored-provider) load this module at call time through
// `require("pulumi-cloudmanager/provider/runtime")`, and the plugin (../plugin/server) imports it.
// Each resource's methods come from ../registry, wrapped once here: errors leave through `reported`
// (../errors/error-echo) and the URN is kept in what goes to state. OrgInvitation's methods are also
// the top-level functions (states written by 0.1.0 call them by these names); `membership` and
// `roster`, `team`, `projectTeam`, `projectMember` (ProjectMembership), `projectRoster` hold the other resources' (the stored providers of later versions call those).
// Process-wide state lives here, shared by all resources: the stack config captured by `configure`,
// the pool of clients (one view of each organization) and the deployment's ledger (one provider
// process serves one deployment); credentials are resolved at each call.

import type { ConfigureRequest } from "@pulumi/pulumi/dynamic";
import type { ClientClock } from "../../sdk/types";
import { DeploymentLedger } from "../deployment/deployment-ledger";
import { PeerChannel } from "../deployment/peer-channel";
import type { OrgApi } from "../deployment/org-api";
import { warn } from "../deployment/notices";
import { expectedError } from "../errors/error-echo";
import { providerError } from "../errors/provider-error";
import { codedMessage } from "../errors/codes";
import { isUnknown, URN_KEY, urnOf, type PropertyBag } from "../model/property-bag";
import { RESOURCES, type ResourceName } from "../registry";
import type { OrgInvitationOutputs } from "../resources/org-invitation/model";
import type { Deployment, ResourceMethods } from "../resources/resource-methods";
import { ClientPool } from "./client-pool";
import { organizationProblem, readConfig, resolveConnection, type ConfigSnapshot } from "./credentials";
import { installWireStrings } from "./wire-strings";

export { setNoticeSink } from "../deployment/notices";

// The engine reads this process's stderr. Once it is gone (a killed `pulumi`), a write there fails
// with EPIPE; unhandled, that error reaches @pulumi/pulumi's uncaught-error handler, which writes it to
// stderr again: an endless loop at full CPU with growing memory. Such a write is dropped instead.
process.stderr.on("error", () => undefined);

// Only provider processes load this module (never the program's): there the roster's long outputs
// cross @pulumi/pulumi's gRPC wire several times per deployment (./wire-strings).
installWireStrings();

// Both front doors (the dynamic resources and the cloudmanager plugin) run this runtime.
const USER_AGENT = `pulumi-cloudmanager/${packageVersion()} (pulumi provider)`;

let config: ConfigSnapshot = {};
let clock: ClientClock | undefined;
let pool = newPool();
let ledger = newLedger();

const deployment: Deployment = {
  get ledger() {
    return ledger;
  },
  withOrgApi,
};

/** Captures the `cloudmanager:*` stack config (the provider process runs this once, before any other method). */
export async function configure(req: ConfigureRequest): Promise<void> {
  config = readConfig(req.config);
}

/** Every resource's methods as the front doors call them, by resource name. */
export const methodsByName = Object.fromEntries(RESOURCES.map((r) => [r.name, wrapped(r.methods(deployment))])) as Record<
  ResourceName,
  ResourceMethods
>;

/** OrgInvitation's methods, typed with its outputs (what ./lifecycle returns). */
const invitation = methodsByName.OrgInvitation as ResourceMethods<OrgInvitationOutputs>;
export const check = invitation.check;
export const diff = invitation.diff;
export const create = invitation.create;
export const read = invitation.read;
export const update = invitation.update;
const remove = invitation.delete;
export { remove as delete };

/** The OrgMembership provider methods (its stored provider calls these). */
export const membership = methodsByName.OrgMembership;

/** The OrgRoster provider methods (its stored provider calls these). */
export const roster = methodsByName.OrgRoster;

/** The Team and ProjectTeam provider methods (their stored providers call these). */
export const team = methodsByName.Team;
export const projectTeam = methodsByName.ProjectTeam;

/** The ProjectMembership and ProjectRoster provider methods (their stored providers call these). */
export const projectMember = methodsByName.ProjectMembership;
export const projectRoster = methodsByName.ProjectRoster;

/**
 * `pulumi import` of a person (OrgInvitation or OrgMembership) already imported in this deployment
 * under another resource, type or letter case: refused before it reaches state (IMPORTED_TWICE). A
 * person already in the stack is refused at the next preview, where both resources are declared.
 */
export function refuseImportedTwice(urn: string, outs: PropertyBag): void {
  const { orgId, username } = outs;
  if (typeof orgId !== "string" || typeof username !== "string") return;
  const others = ledger.declare({ orgId, username }, urn);
  if (others.length === 0) return;
  throw new Error(
    codedMessage(
      "IMPORTED_TWICE",
      `${username} in organization ${orgId} is already imported by ${others.map((u) => `"${u}"`).join(", ")} in this \`pulumi import\`; ` +
        `a person has one resource per organization. Import them once (as OrgMembership to manage their access, or OrgInvitation for a pending invitation only).`,
    ),
  );
}

/** A resource's methods with errors reported once and the URN kept in state (every resource, the same way). */
function wrapped(methods: ResourceMethods): ResourceMethods {
  return {
    check: (olds, news) =>
      reported(async () => {
        const result = await methods.check(olds, news);
        // An organization's own settings that cannot work fail at preview, on orgId, before any call.
        const orgId = (result.inputs ?? news)["orgId"];
        if ((result.failures ?? []).length > 0 || typeof orgId !== "string" || isUnknown(orgId)) return result;
        const problem = organizationProblem(config, process.env, orgId);
        return problem === undefined ? result : { ...result, failures: [{ property: "orgId", reason: problem }] };
      }),
    diff: (id, olds, news) => reported(() => methods.diff(id, olds, news)),
    create: (inputs) =>
      reported(async () => {
        const result = await methods.create(inputs);
        return { ...result, outs: withUrn(result.outs, urnOf(inputs)) };
      }),
    read: (id, props) =>
      reported(async () => {
        const result = await methods.read(id, props);
        return result.props === undefined ? result : { ...result, props: withUrn(result.props, urnOf(props ?? {})) };
      }),
    update: (id, olds, news) =>
      reported(async () => {
        const result = await methods.update(id, olds, news);
        return { ...result, outs: withUrn(result.outs, urnOf(news)) };
      }),
    delete: (id, props) => reported(() => methods.delete(id, props)),
  };
}

/**
 * Closes every pooled client and forgets the captured config. The provider process never needs
 * it (it exits at the end of the deployment); tests and programs that embed the runtime do.
 */
export async function shutdown(): Promise<void> {
  const closing = pool;
  pool = newPool();
  ledger.close();
  ledger = newLedger();
  config = {};
  await closing.closeAll();
}

// Credentials are resolved at every call, from the config captured above and the CURRENT
// environment: nothing about them is kept in state. The operation holds its client until it ends.
function withOrgApi<T>(orgId: string, operation: (api: OrgApi) => Promise<T>): Promise<T> {
  const connection = resolveConnection(config, process.env, orgId);
  let entered = false;
  return pool
    .use(connection, orgId, (api) => {
      entered = true;
      return operation(api);
    })
    .catch((e: unknown) => {
      // The client refused its options (CLOUD_MANAGER_CONFIG_ERROR): leave as a plain Error.
      if (!entered) throw providerError(`Setting up the Cloud Manager client for organization ${orgId}`, e);
      throw e;
    });
}

/**
 * Tests and programs that embed the runtime: the clock of retries, token lifetimes and rate-limit
 * pauses from now on (undefined: the real one). Closes the current clients.
 */
export async function setClock(next: ClientClock | undefined): Promise<void> {
  clock = next;
  await shutdown();
}

function newLedger(): DeploymentLedger {
  return new DeploymentLedger(PeerChannel.forThisDeployment());
}

function newPool(): ClientPool {
  return new ClientPool({ report: warn, userAgent: USER_AGENT, ...(clock === undefined ? {} : { clock }) });
}

/** Errors leave every method through here, so the host's echo of an expected one is dropped (./error-echo). */
async function reported<T>(method: () => Promise<T>): Promise<T> {
  try {
    return await method();
  } catch (e) {
    throw expectedError(e);
  }
}

function withUrn<T extends object>(outs: T | undefined, urn: string | undefined): T | undefined {
  return outs === undefined || urn === undefined ? outs : { ...outs, [URN_KEY]: urn };
}

function packageVersion(): string {
  try {
    const pkg: unknown = require("pulumi-cloudmanager/package.json");
    return typeof pkg === "object" && pkg !== null && "version" in pkg && typeof pkg.version === "string" ? pkg.version : "dev";
  } catch {
    return "dev";
  }
}
