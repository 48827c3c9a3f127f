// The one shape of a resource's provider methods (the dynamic providers' signatures, in lifecycle
// order), and what a resource may use of the deployment it runs in. Every resource's methods are one
// object that satisfies `ResourceMethods`; ../registry lists them; ../runtime wraps them once (errors,
// the URN kept in state) for both front doors.

import type { CheckResult, CreateResult, DiffResult, ReadResult, UpdateResult } from "@pulumi/pulumi/dynamic";
import type { DeploymentLedger } from "../deployment/deployment-ledger";
import type { OrgApi } from "../deployment/org-api";
import type { PropertyBag } from "../model/property-bag";

/** `O`: the resource's outputs (every resource's are a property bag). */
export interface ResourceMethods<O extends PropertyBag = PropertyBag> {
  check: (olds: PropertyBag, news: PropertyBag) => Promise<CheckResult<PropertyBag>>;
  diff: (id: string, olds: PropertyBag, news: PropertyBag) => Promise<DiffResult>;
  create: (inputs: PropertyBag) => Promise<CreateResult<O>>;
  read: (id: string, props?: PropertyBag) => Promise<ReadResult<O>>;
  update: (id: string, olds: PropertyBag, news: PropertyBag) => Promise<UpdateResult<O>>;
  delete: (id: string, props: PropertyBag) => Promise<void>;
}

/** What the runtime gives a resource's methods: the deployment's ledger and the API of an organization. */
export interface Deployment {
  readonly ledger: DeploymentLedger;
  /** Runs `operation` with the organization's API on the client of the current credentials. */
  withOrgApi<T>(orgId: string, operation: (api: OrgApi) => Promise<T>): Promise<T>;
}
