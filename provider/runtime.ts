// The providers of the three resources as the engine drives them, loaded at call time by the thin
// stored providers (./stored-provider) through `require("pulumi-cloudmanager/provider/runtime")`.
// The top-level functions, one per provider method in lifecycle order, are OrgInvitation's (states
// written by 0.1.0 call them by these names); `membership` and `roster` hold OrgMembership's and
// OrgRoster's. Process-wide state lives here, shared by all three: the stack config captured by
// `configure`, the pool of clients (one view of each organization) and the deployment's ledger (one
// provider process serves one deployment); credentials are resolved at each call.

import type { CheckResult, ConfigureRequest, CreateResult, DiffResult, ReadResult, UpdateResult } from "@pulumi/pulumi/dynamic";
import type { ClientClock } from "../sdk/types";
import { ClientPool, type OrgApi } from "./client-pool";
import { readConfig, resolveConnection, type ConfigSnapshot } from "./credentials";
import { DeploymentLedger } from "./deployment-ledger";
import { diffOrgInvitation, diffOrgMembership } from "./diff";
import { expectedError } from "./error-echo";
import { warn } from "./notices";
import { inputsOf, isUnknown, storedOf, URN_KEY, urnOf, type OrgInvitationOutputs, type PropertyBag } from "./org-invitation-model";
import {
  createOrgInvitation,
  declaredTwiceMessage,
  deleteOrgInvitation,
  readOrgInvitation,
  updateOrgInvitation,
  type StepContext,
} from "./org-invitation-lifecycle";
import { providerError } from "./provider-errors";
import { createOrgMembership, deleteOrgMembership, personKey, readOrgMembership, updateOrgMembership } from "./org-membership-lifecycle";
import { parseMembershipId, type OrgMembershipOutputs } from "./org-membership-model";
import { createOrgRoster, deleteOrgRoster, diffOrgRoster, readOrgRoster, rosterInputsOf, updateOrgRoster } from "./org-roster-lifecycle";
import { parseRosterId, type OrgRosterOutputs } from "./org-roster-model";
import { parseResourceId } from "./resource-id";
import { checkOrgInvitation, checkOrgRoster } from "./validation";

export { setNoticeSink } from "./notices";

// Both front doors (the dynamic resources and the cloudmanager plugin) run this runtime.
const USER_AGENT = `pulumi-cloudmanager/${packageVersion()} (pulumi provider)`;

let config: ConfigSnapshot = {};
let clock: ClientClock | undefined;
let pool = newPool();
let ledger = new DeploymentLedger();

/** Captures the `cloudmanager:*` stack config (the provider process runs this once, before any other method). */
export async function configure(req: ConfigureRequest): Promise<void> {
  config = readConfig(req.config);
}

export async function check(_olds: PropertyBag, news: PropertyBag): Promise<CheckResult<PropertyBag>> {
  return reported(async () => {
    const result = checkOrgInvitation(news);
    const inputs = result.inputs ?? news;
    const urn = urnOf(news);
    const { orgId, username } = inputs;
    if ((result.failures ?? []).length > 0 || urn === undefined || !isKnownString(orgId) || !isKnownString(username)) return result;
    const others = ledger.declare(orgId, username, urn);
    if (others.length === 0) return result;
    return { inputs: news, failures: [{ property: "username", reason: declaredTwiceMessage(username, orgId, urn, others) }] };
  });
}

export async function diff(id: string, olds: PropertyBag, news: PropertyBag): Promise<DiffResult> {
  return reported(async () => {
    const parsed = tryParseResourceId(id);
    const result = diffOrgInvitation(storedOf(olds, parsed), news);
    const urn = urnOf(news);
    // A resource that keeps its invitation through this deployment holds it: a delete of another
    // resource for the same invitation (a rename finished after a failed `up`) hands it over.
    if (urn !== undefined && (result.replaces ?? []).length === 0 && parsed?.kind === "invitation") {
      ledger.hold(parsed.orgId, parsed.invitationId, urn, "diff");
    }
    return result;
  });
}

export async function create(inputs: PropertyBag): Promise<CreateResult<OrgInvitationOutputs>> {
  return reported(async () => {
    const typed = inputsOf(inputs);
    const step = stepOf(inputs);
    // Declared here too: a username that was unknown at `check` (computed) is first seen here.
    if (step.urn !== undefined) ledger.declare(typed.orgId, typed.username, step.urn);
    const result = await withOrgApi(typed.orgId, (api) => createOrgInvitation(api, typed, step));
    holdFor(result.id, step);
    return { id: result.id, outs: withUrn(result.outs, step.urn) };
  });
}

export async function read(id: string, props?: PropertyBag): Promise<ReadResult<OrgInvitationOutputs>> {
  return reported(async () => {
    const parsed = parseResourceId(id);
    const result = await withOrgApi(parsed.orgId, (api) => readOrgInvitation(api, parsed, props ?? {}));
    return result.props === undefined ? result : { ...result, props: withUrn(result.props, urnOf(props ?? {})) };
  });
}

export async function update(id: string, olds: PropertyBag, news: PropertyBag): Promise<UpdateResult<OrgInvitationOutputs>> {
  return reported(async () => {
    const parsed = parseResourceId(id);
    const inputs = inputsOf(news);
    const step = stepOf(news);
    const result = await withOrgApi(parsed.orgId, (api) => updateOrgInvitation(api, parsed, olds, inputs));
    holdFor(id, step);
    return { outs: withUrn(result.outs, step.urn) };
  });
}

async function remove(id: string, props: PropertyBag): Promise<void> {
  return reported(async () => {
    const parsed = parseResourceId(id);
    return withOrgApi(parsed.orgId, (api) => deleteOrgInvitation(api, parsed, props, stepOf(props)));
  });
}
export { remove as delete };

/**
 * The OrgMembership provider methods (its stored provider calls these). `check` is OrgInvitation's:
 * same inputs, same rules, and one person is declared once whichever of the two resources declares them.
 */
export const membership = {
  check,
  async diff(id: string, olds: PropertyBag, news: PropertyBag): Promise<DiffResult> {
    return reported(async () => {
      const result = diffOrgMembership(olds, news);
      const urn = urnOf(news);
      if (urn !== undefined && (result.replaces ?? []).length === 0) {
        const { orgId, username } = parseMembershipId(id);
        ledger.hold(orgId, personKey(username), urn, "diff");
      }
      return result;
    });
  },
  async create(inputs: PropertyBag): Promise<CreateResult<OrgMembershipOutputs>> {
    return reported(async () => {
      const typed = inputsOf(inputs);
      const step = stepOf(inputs);
      if (step.urn !== undefined) ledger.declare(typed.orgId, typed.username, step.urn);
      const result = await withOrgApi(typed.orgId, (api) => createOrgMembership(api, typed, step));
      if (step.urn !== undefined) ledger.hold(typed.orgId, personKey(typed.username), step.urn, "step");
      return { id: result.id, outs: withUrn(result.outs, step.urn) };
    });
  },
  async read(id: string, props?: PropertyBag): Promise<ReadResult<OrgMembershipOutputs>> {
    return reported(async () => {
      const { orgId, username } = parseMembershipId(id);
      const result = await withOrgApi(orgId, (api) => readOrgMembership(api, orgId, username, props ?? {}));
      return result.props === undefined ? result : { ...result, props: withUrn(result.props, urnOf(props ?? {})) };
    });
  },
  async update(id: string, olds: PropertyBag, news: PropertyBag): Promise<UpdateResult<OrgMembershipOutputs>> {
    return reported(async () => {
      const { orgId, username } = parseMembershipId(id);
      const step = stepOf(news);
      const result = await withOrgApi(orgId, (api) => updateOrgMembership(api, orgId, username, olds, inputsOf(news)));
      if (step.urn !== undefined) ledger.hold(orgId, personKey(username), step.urn, "step");
      return { outs: withUrn(result.outs, step.urn) };
    });
  },
  async delete(id: string, props: PropertyBag): Promise<void> {
    return reported(async () => {
      const { orgId, username } = parseMembershipId(id);
      return withOrgApi(orgId, (api) => deleteOrgMembership(api, orgId, username, props, stepOf(props)));
    });
  },
};

/** The OrgRoster provider methods (its stored provider calls these). */
export const roster = {
  async check(_olds: PropertyBag, news: PropertyBag): Promise<CheckResult<PropertyBag>> {
    return reported(async () => checkOrgRoster(news));
  },
  async diff(_id: string, olds: PropertyBag, news: PropertyBag): Promise<DiffResult> {
    return reported(async () => diffOrgRoster(olds, news, ledger));
  },
  async create(inputs: PropertyBag): Promise<CreateResult<OrgRosterOutputs>> {
    return reported(async () => {
      const typed = rosterInputsOf(inputs);
      const result = await withOrgApi(typed.orgId, (api) => createOrgRoster(api, typed, ledger));
      return { id: result.id, outs: withUrn(result.outs, urnOf(inputs)) };
    });
  },
  async read(id: string, props?: PropertyBag): Promise<ReadResult<OrgRosterOutputs>> {
    return reported(async () => {
      const orgId = parseRosterId(id);
      const result = await withOrgApi(orgId, (api) => readOrgRoster(api, props ?? {}, ledger));
      return result.props === undefined ? result : { ...result, props: withUrn(result.props, urnOf(props ?? {})) };
    });
  },
  async update(id: string, olds: PropertyBag, news: PropertyBag): Promise<UpdateResult<OrgRosterOutputs>> {
    return reported(async () => {
      const orgId = parseRosterId(id);
      const previous = rosterInputsOf(olds).managed;
      const result = await withOrgApi(orgId, (api) => updateOrgRoster(api, { ...rosterInputsOf(news), orgId }, previous, ledger));
      return { outs: withUrn(result.outs, urnOf(news)) };
    });
  },
  async delete(): Promise<void> {
    deleteOrgRoster();
    return Promise.resolve();
  },
};

/**
 * Closes every pooled client and forgets the captured config. The provider process never needs
 * it (it exits at the end of the deployment); tests and programs that embed the runtime do.
 */
export async function shutdown(): Promise<void> {
  const closing = pool;
  pool = newPool();
  ledger = new DeploymentLedger();
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

/**
 * Tests and programs that embed the runtime: the clock of retries, token lifetimes and rate-limit
 * pauses from now on (undefined: the real one). Closes the current clients.
 */
export async function setClock(next: ClientClock | undefined): Promise<void> {
  clock = next;
  await shutdown();
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

function stepOf(props: PropertyBag): StepContext {
  return { urn: urnOf(props), ledger };
}

function isKnownString(value: unknown): value is string {
  return typeof value === "string" && !isUnknown(value);
}

function withUrn<T extends object>(outs: T | undefined, urn: string | undefined): T | undefined {
  return outs === undefined || urn === undefined ? outs : { ...outs, [URN_KEY]: urn };
}

function holdFor(id: string, step: StepContext): void {
  const parsed = tryParseResourceId(id);
  if (step.urn !== undefined && parsed?.kind === "invitation") ledger.hold(parsed.orgId, parsed.invitationId, step.urn, "step");
}

function tryParseResourceId(id: string): ReturnType<typeof parseResourceId> | undefined {
  try {
    return parseResourceId(id);
  } catch {
    return undefined;
  }
}

function packageVersion(): string {
  try {
    const pkg: unknown = require("pulumi-cloudmanager/package.json");
    return typeof pkg === "object" && pkg !== null && "version" in pkg && typeof pkg.version === "string" ? pkg.version : "dev";
  } catch {
    return "dev";
  }
}
