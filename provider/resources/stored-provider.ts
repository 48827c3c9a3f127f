// The provider object serialized into every resource's state as `__provider` (../dynamic-registration,
// as `pulumi.dynamic.Resource` does). It is deliberately THIN: each method loads the INSTALLED package
// at call time and delegates to it. So
// - `pulumi refresh` and `pulumi destroy`, which run the code stored in state, run the current
//   logic after an upgrade, not the logic frozen at the last `up`;
// - nothing is captured: no config, no credentials, no client (all of it would land in state as
//   plain text), and the text stays well under 4 KB per resource.
// The engine loads this text with require-from-string, whose module paths are those of the provider
// process's working directory (the Pulumi project), so "pulumi-cloudmanager" must be installed there.
//
// Keep every reference inside the methods a string literal or a global: anything else they touch is
// copied into state by value (a module of ours would be copied whole). The engine's dynamic-provider
// host calls `configure` first in every provider process, before any other method; `configure`
// loads the runtime (with an error that says how to fix a missing install) and leaves it on a global.

import type { ResourceProvider } from "@pulumi/pulumi/dynamic";
import type { PropertyBag } from "../model/property-bag";
import type { ResourceMethods } from "./resource-methods";

/**
 * What the loaded runtime offers the stored providers (../runtime; test/provider/registry.test.ts
 * checks that it does): OrgInvitation's methods at its top level, the others under their runtime key.
 */
type Runtime = ResourceMethods & {
  configure: NonNullable<ResourceProvider<PropertyBag, PropertyBag>["configure"]>;
  membership: ResourceMethods;
  roster: ResourceMethods;
  team: ResourceMethods;
  projectTeam: ResourceMethods;
  projectMember: ResourceMethods;
  projectRoster: ResourceMethods;
};
/** Where `configure` leaves the loaded runtime for the other methods (the host runs configure first, once per process). */
type Global = { cloudmanager: Runtime };

// Size matters here (issue 9: at most 2,000 bytes per resource). The serializer wraps every function
// in about 140 bytes of scaffolding and copies every function a method refers to, so each method is
// an arrow that refers to nothing but globals, and methods the engine can never confuse share one
// function: read and delete get the id (a string) first, check and create a property bag.
const checkOrRead = (...a: [PropertyBag, PropertyBag] | [string, PropertyBag?]) =>
  typeof a[0] === "string"
    ? (globalThis as unknown as Global).cloudmanager.read(a[0], a[1])
    : (globalThis as unknown as Global).cloudmanager.check(a[0], a[1] as PropertyBag);
const createOrDelete = (...a: [PropertyBag] | [string, PropertyBag]) =>
  typeof a[0] === "string"
    ? (globalThis as unknown as Global).cloudmanager.delete(a[0], a[1] as PropertyBag)
    : (globalThis as unknown as Global).cloudmanager.create(a[0]);

type Provider = ResourceProvider<PropertyBag, PropertyBag>;

/** Loads the installed runtime (saying how to fix a missing install) and configures it; the same for every resource type. */
const configure: NonNullable<Provider["configure"]> = (request) => {
  try {
    (globalThis as unknown as Global).cloudmanager = require("pulumi-cloudmanager/provider/runtime") as Runtime;
  } catch (e) {
    throw new Error(`CLOUDMANAGER_PROVIDER_NOT_INSTALLED: npm install pulumi-cloudmanager in ${process.cwd()}: ${String(e)}`, { cause: e });
  }
  return (globalThis as unknown as Global).cloudmanager.configure(request);
};

export const storedProvider: Provider = {
  configure,
  check: checkOrRead,
  diff: (...a) => (globalThis as unknown as Global).cloudmanager.diff(...a),
  create: createOrDelete as Provider["create"],
  read: checkOrRead,
  update: (...a) => (globalThis as unknown as Global).cloudmanager.update(...a),
  delete: createOrDelete as Provider["delete"],
};

// The other types' providers repeat OrgInvitation's by hand, each naming its runtime key literally.
// A factory taking the key was measured (test/provider/stored-provider.test.ts): a captured key wraps
// every method in a closure environment (five of the seven types past 2,000 bytes), and methods that
// read the key from `this` serialize larger still. The bound is worth the repetition.

/** Where the OrgMembership methods are on the loaded runtime. */
type MembershipGlobal = { cloudmanager: { membership: Runtime["membership"] } };

// The same shape for OrgMembership (its own text, so the host keeps the two apart).
const membershipCheckOrRead = (...a: [PropertyBag, PropertyBag] | [string, PropertyBag?]) =>
  typeof a[0] === "string"
    ? (globalThis as unknown as MembershipGlobal).cloudmanager.membership.read(a[0], a[1])
    : (globalThis as unknown as MembershipGlobal).cloudmanager.membership.check(a[0], a[1] as PropertyBag);
const membershipCreateOrDelete = (...a: [PropertyBag] | [string, PropertyBag]) =>
  typeof a[0] === "string"
    ? (globalThis as unknown as MembershipGlobal).cloudmanager.membership.delete(a[0], a[1] as PropertyBag)
    : (globalThis as unknown as MembershipGlobal).cloudmanager.membership.create(a[0]);

export const storedMembershipProvider: Provider = {
  configure,
  check: membershipCheckOrRead,
  diff: (...a) => (globalThis as unknown as MembershipGlobal).cloudmanager.membership.diff(...a),
  create: membershipCreateOrDelete as Provider["create"],
  read: membershipCheckOrRead,
  update: (...a) => (globalThis as unknown as MembershipGlobal).cloudmanager.membership.update(...a),
  delete: membershipCreateOrDelete as Provider["delete"],
};

/** Where the OrgRoster methods are on the loaded runtime. */
type RosterGlobal = { cloudmanager: { roster: Runtime["roster"] } };

const rosterCheckOrRead = (...a: [PropertyBag, PropertyBag] | [string, PropertyBag?]) =>
  typeof a[0] === "string"
    ? (globalThis as unknown as RosterGlobal).cloudmanager.roster.read(a[0], a[1])
    : (globalThis as unknown as RosterGlobal).cloudmanager.roster.check(a[0], a[1] as PropertyBag);

const rosterCreateOrDelete = (...a: [PropertyBag] | [string, PropertyBag]) =>
  typeof a[0] === "string"
    ? (globalThis as unknown as RosterGlobal).cloudmanager.roster.delete(a[0], a[1] as PropertyBag)
    : (globalThis as unknown as RosterGlobal).cloudmanager.roster.create(a[0]);

export const storedRosterProvider: Provider = {
  configure,
  check: rosterCheckOrRead,
  diff: (...a) => (globalThis as unknown as RosterGlobal).cloudmanager.roster.diff(...a),
  create: rosterCreateOrDelete as Provider["create"],
  read: rosterCheckOrRead,
  update: (...a) => (globalThis as unknown as RosterGlobal).cloudmanager.roster.update(...a),
  delete: rosterCreateOrDelete as Provider["delete"],
};

/** Where the Team methods are on the loaded runtime. */
type TeamGlobal = { cloudmanager: { team: Runtime["team"] } };

const teamCheckOrRead = (...a: [PropertyBag, PropertyBag] | [string, PropertyBag?]) =>
  typeof a[0] === "string"
    ? (globalThis as unknown as TeamGlobal).cloudmanager.team.read(a[0], a[1])
    : (globalThis as unknown as TeamGlobal).cloudmanager.team.check(a[0], a[1] as PropertyBag);
const teamCreateOrDelete = (...a: [PropertyBag] | [string, PropertyBag]) =>
  typeof a[0] === "string"
    ? (globalThis as unknown as TeamGlobal).cloudmanager.team.delete(a[0], a[1] as PropertyBag)
    : (globalThis as unknown as TeamGlobal).cloudmanager.team.create(a[0]);

export const storedTeamProvider: Provider = {
  configure,
  check: teamCheckOrRead,
  diff: (...a) => (globalThis as unknown as TeamGlobal).cloudmanager.team.diff(...a),
  create: teamCreateOrDelete as Provider["create"],
  read: teamCheckOrRead,
  update: (...a) => (globalThis as unknown as TeamGlobal).cloudmanager.team.update(...a),
  delete: teamCreateOrDelete as Provider["delete"],
};

/** Where the ProjectTeam methods are on the loaded runtime. */
type ProjectTeamGlobal = { cloudmanager: { projectTeam: Runtime["projectTeam"] } };

const projectTeamCheckOrRead = (...a: [PropertyBag, PropertyBag] | [string, PropertyBag?]) =>
  typeof a[0] === "string"
    ? (globalThis as unknown as ProjectTeamGlobal).cloudmanager.projectTeam.read(a[0], a[1])
    : (globalThis as unknown as ProjectTeamGlobal).cloudmanager.projectTeam.check(a[0], a[1] as PropertyBag);
const projectTeamCreateOrDelete = (...a: [PropertyBag] | [string, PropertyBag]) =>
  typeof a[0] === "string"
    ? (globalThis as unknown as ProjectTeamGlobal).cloudmanager.projectTeam.delete(a[0], a[1] as PropertyBag)
    : (globalThis as unknown as ProjectTeamGlobal).cloudmanager.projectTeam.create(a[0]);

export const storedProjectTeamProvider: Provider = {
  configure,
  check: projectTeamCheckOrRead,
  diff: (...a) => (globalThis as unknown as ProjectTeamGlobal).cloudmanager.projectTeam.diff(...a),
  create: projectTeamCreateOrDelete as Provider["create"],
  read: projectTeamCheckOrRead,
  update: (...a) => (globalThis as unknown as ProjectTeamGlobal).cloudmanager.projectTeam.update(...a),
  delete: projectTeamCreateOrDelete as Provider["delete"],
};

/** Where the ProjectMembership methods are on the loaded runtime. */
type ProjectMembershipGlobal = { cloudmanager: { projectMember: Runtime["projectMember"] } };

const memberInProjectCheckOrRead = (...a: [PropertyBag, PropertyBag] | [string, PropertyBag?]) =>
  typeof a[0] === "string"
    ? (globalThis as unknown as ProjectMembershipGlobal).cloudmanager.projectMember.read(a[0], a[1])
    : (globalThis as unknown as ProjectMembershipGlobal).cloudmanager.projectMember.check(a[0], a[1] as PropertyBag);
const memberInProjectCreateOrDelete = (...a: [PropertyBag] | [string, PropertyBag]) =>
  typeof a[0] === "string"
    ? (globalThis as unknown as ProjectMembershipGlobal).cloudmanager.projectMember.delete(a[0], a[1] as PropertyBag)
    : (globalThis as unknown as ProjectMembershipGlobal).cloudmanager.projectMember.create(a[0]);

export const storedProjectMembershipProvider: Provider = {
  configure,
  check: memberInProjectCheckOrRead,
  diff: (...a) => (globalThis as unknown as ProjectMembershipGlobal).cloudmanager.projectMember.diff(...a),
  create: memberInProjectCreateOrDelete as Provider["create"],
  read: memberInProjectCheckOrRead,
  update: (...a) => (globalThis as unknown as ProjectMembershipGlobal).cloudmanager.projectMember.update(...a),
  delete: memberInProjectCreateOrDelete as Provider["delete"],
};

/** Where the ProjectRoster methods are on the loaded runtime. */
type ProjectRosterGlobal = { cloudmanager: { projectRoster: Runtime["projectRoster"] } };

const projectRosterCheckOrRead = (...a: [PropertyBag, PropertyBag] | [string, PropertyBag?]) =>
  typeof a[0] === "string"
    ? (globalThis as unknown as ProjectRosterGlobal).cloudmanager.projectRoster.read(a[0], a[1])
    : (globalThis as unknown as ProjectRosterGlobal).cloudmanager.projectRoster.check(a[0], a[1] as PropertyBag);
const projectRosterCreateOrDelete = (...a: [PropertyBag] | [string, PropertyBag]) =>
  typeof a[0] === "string"
    ? (globalThis as unknown as ProjectRosterGlobal).cloudmanager.projectRoster.delete(a[0], a[1] as PropertyBag)
    : (globalThis as unknown as ProjectRosterGlobal).cloudmanager.projectRoster.create(a[0]);

export const storedProjectRosterProvider: Provider = {
  configure,
  check: projectRosterCheckOrRead,
  diff: (...a) => (globalThis as unknown as ProjectRosterGlobal).cloudmanager.projectRoster.diff(...a),
  create: projectRosterCreateOrDelete as Provider["create"],
  read: projectRosterCheckOrRead,
  update: (...a) => (globalThis as unknown as ProjectRosterGlobal).cloudmanager.projectRoster.update(...a),
  delete: projectRosterCreateOrDelete as Provider["delete"],
};
