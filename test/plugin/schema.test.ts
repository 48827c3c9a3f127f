// plugin/schema.json (hand-written) against the TypeScript types of the same resources: a property
// added, removed, made optional or given another type on one side fails here. The TypeScript side is
// tied to the literals below by the compiler (`npm run typecheck`): each literal has the type
// Shape<…> computed from the resource's Args / outputs / class, so a key or a kind that does not
// match the type does not compile; the test then compares the literals with the schema.

import type * as pulumi from "@pulumi/pulumi";
import { describe, expect, test } from "vitest";
import {
  CONFIG_KEYS,
  OrgInvitation,
  OrgMembership,
  OrgRoster,
  ProjectMembership,
  ProjectRoster,
  ProjectTeam,
  Team,
  type OrgInvitationArgs,
  type OrgInvitationOutputs,
  type OrgMembershipArgs,
  type OrgMembershipOutputs,
  type OrgRosterArgs,
  type OrgRosterOutputs,
  type ProjectMembershipArgs,
  type ProjectMembershipOutputs,
  type ProjectRosterArgs,
  type ProjectRosterOutputs,
  type ProjectTeamArgs,
  type ProjectTeamOutputs,
  type TeamArgs,
  type TeamOutputs,
  type UnmanagedInvitation,
  type UnmanagedMember,
  type UnmanagedProjectInvitation,
  type UnmanagedProjectTeam,
  type UnmanagedProjectUser,
} from "../../provider";
import { pluginToken, RESOURCES } from "../../provider/registry";
import { loadSchema, type ResourceSchema, type SchemaProperty } from "../../provider/plugin/schema";
import { KNOWN_PROJECT_ROLES } from "../../sdk/types";

type Kind<T> = [T] extends [boolean]
  ? "boolean"
  : [T] extends [string]
    ? "string"
    : [T] extends [readonly string[]]
      ? "string[]"
      : [T] extends [readonly object[]]
        ? "object[]"
        : [T] extends [Record<string, object>]
          ? "object map"
          : "unsupported";

/** Each property of T: its kind once unwrapped (pulumi.Input, Output) and whether it must be present. */
type Shape<T> = {
  [K in keyof T]-?: { kind: Kind<pulumi.Unwrap<Exclude<T[K], undefined>>>; required: undefined extends T[K] ? false : true };
};

/** The outputs a resource class declares (its `Output<…>` fields beyond those of every resource). */
type ClassOutputs<C> = {
  [K in Exclude<keyof C, keyof pulumi.CustomResource>]: C[K] extends pulumi.Output<infer U> ? U : never;
};

/** true when A and B have the same keys (the assignments below are not checked for excess keys). */
type SameKeys<A, B> = [keyof A] extends [keyof B] ? ([keyof B] extends [keyof A] ? true : false) : false;
const classesDeclareEveryOutput: [
  SameKeys<ClassOutputs<OrgInvitation>, OrgInvitationOutputs>,
  SameKeys<ClassOutputs<OrgMembership>, OrgMembershipOutputs>,
  SameKeys<ClassOutputs<OrgRoster>, OrgRosterOutputs>,
  SameKeys<ClassOutputs<Team>, TeamOutputs>,
  SameKeys<ClassOutputs<ProjectTeam>, ProjectTeamOutputs>,
  SameKeys<ClassOutputs<ProjectMembership>, ProjectMembershipOutputs>,
  SameKeys<ClassOutputs<ProjectRoster>, ProjectRosterOutputs>,
] = [true, true, true, true, true, true, true];

const s = { kind: "string", required: true } as const;
const optionalString = { kind: "string", required: false } as const;
const list = { kind: "string[]", required: true } as const;
const optionalList = { kind: "string[]", required: false } as const;

const invitationArgs: Shape<OrgInvitationArgs> = { orgId: s, username: s, roles: list, teamIds: optionalList };
const invitationOutputs: Shape<OrgInvitationOutputs> = {
  orgId: s,
  username: s,
  roles: list,
  teamIds: list,
  status: s,
  invitationId: optionalString,
  createdAt: optionalString,
  expiresAt: optionalString,
  inviterUsername: optionalString,
  orgName: optionalString,
};
// The class declares every output; those that may be missing are typed `… | undefined`.
const invitationClass: Shape<ClassOutputs<OrgInvitation>> = invitationOutputs;

const membershipArgs: Shape<OrgMembershipArgs> = invitationArgs;
const membershipOutputs: Shape<OrgMembershipOutputs> = {
  orgId: s,
  username: s,
  roles: list,
  teamIds: list,
  status: s,
  userId: optionalString,
  invitationId: optionalString,
  createdAt: optionalString,
  expiresAt: optionalString,
  inviterUsername: optionalString,
  orgName: optionalString,
};
const membershipClass: Shape<ClassOutputs<OrgMembership>> = membershipOutputs;

const rosterArgs: Shape<OrgRosterArgs> = {
  orgId: s,
  managed: list,
  ignore: optionalList,
  prune: { kind: "boolean", required: false },
};
const rosterOutputs: Shape<OrgRosterOutputs> = {
  orgId: s,
  managed: list,
  ignore: list,
  prune: { kind: "boolean", required: true },
  unmanagedInvitations: s,
  unmanagedMembers: s,
};
const rosterClass: Shape<ClassOutputs<OrgRoster>> = rosterOutputs;

const teamArgs: Shape<TeamArgs> = { orgId: s, name: s, founders: optionalList };
const teamOutputs: Shape<TeamOutputs> = {
  orgId: s,
  name: s,
  founders: list,
  teamId: s,
  status: s,
  members: list,
  projectIds: list,
  waitingFor: optionalList,
};
const teamClass: Shape<ClassOutputs<Team>> = teamOutputs;

const projectTeamArgs: Shape<ProjectTeamArgs> = { orgId: s, projectId: s, teamId: s, roles: list };
const projectTeamOutputs: Shape<ProjectTeamOutputs> = {
  orgId: s,
  projectId: s,
  teamId: s,
  roles: list,
  status: s,
  teamName: optionalString,
  projectName: optionalString,
};
const projectTeamClass: Shape<ClassOutputs<ProjectTeam>> = projectTeamOutputs;

const projectMembershipArgs: Shape<ProjectMembershipArgs> = { orgId: s, projectId: s, username: s, roles: list };
const projectMembershipOutputs: Shape<ProjectMembershipOutputs> = {
  orgId: s,
  projectId: s,
  username: s,
  roles: list,
  status: s,
  userId: optionalString,
  projectName: optionalString,
};
const projectMembershipClass: Shape<ClassOutputs<ProjectMembership>> = projectMembershipOutputs;

const projectRosterArgs: Shape<ProjectRosterArgs> = {
  orgId: s,
  projectId: s,
  managed: list,
  teams: optionalList,
  ignore: optionalList,
  prune: { kind: "boolean", required: false },
};
const projectRosterOutputs: Shape<ProjectRosterOutputs> = {
  orgId: s,
  projectId: s,
  managed: list,
  teams: list,
  ignore: list,
  prune: { kind: "boolean", required: true },
  unmanagedUsers: s,
  unmanagedInvitations: s,
  unmanagedTeams: s,
};
const projectRosterClass: Shape<ClassOutputs<ProjectRoster>> = projectRosterOutputs;

// The rosters' outputs are JSON Lines (one string each); these are the objects of their lines.
const unmanagedInvitation: Shape<UnmanagedInvitation> = {
  username: s,
  roles: list,
  invitationId: s,
  inviterUsername: s,
  createdAt: s,
  extra: { kind: "boolean", required: false },
  firstSeen: s,
};
const unmanagedMember: Shape<UnmanagedMember> = { username: s, roles: list, userId: s, firstSeen: s };
const unmanagedProjectUser: Shape<UnmanagedProjectUser> = { username: s, userId: s, roles: list, firstSeen: s };
const unmanagedProjectInvitation: Shape<UnmanagedProjectInvitation> = {
  username: s,
  invitationId: s,
  roles: list,
  inviterUsername: s,
  createdAt: s,
  extra: { kind: "boolean", required: false },
  firstSeen: s,
};
const unmanagedProjectTeam: Shape<UnmanagedProjectTeam> = { name: s, teamId: s, roles: list, firstSeen: s };

const schema = loadSchema();

function kindOf(property: SchemaProperty): string {
  if (property.type === "array") {
    const items = property.items ?? {};
    return items.type === "string" ? "string[]" : items.$ref !== undefined ? "object[]" : `array of ${JSON.stringify(items)}`;
  }
  if (property.type === "object" && property.additionalProperties?.$ref !== undefined) return "object map";
  return property.type ?? JSON.stringify(property);
}

function shapeOf(
  properties: Record<string, SchemaProperty>,
  required: readonly string[] = [],
): Record<string, { kind: string; required: boolean }> {
  return Object.fromEntries(Object.entries(properties).map(([key, p]) => [key, { kind: kindOf(p), required: required.includes(key) }]));
}

function resource(token: string): ResourceSchema {
  const found = schema.resources[token];
  if (found === undefined) throw new Error(`plugin/schema.json has no resource ${token}`);
  return found;
}

/** The shape of an object type of the schema (it must be there). */
function typeShape(token: string): Record<string, { kind: string; required: boolean }> {
  const found = schema.types?.[token];
  if (found === undefined) throw new Error(`plugin/schema.json has no type ${token}`);
  return shapeOf(found.properties ?? {}, found.required);
}

/** The type of a roster output's lines, as its description names it ("each an `UnmanagedMember`"). */
function lineType(token: string, output: string): string | undefined {
  const property = resource(token).properties[output];
  expect(property?.type, `${token}.${output}`).toBe("string");
  return /\beach an? `(\w+)`/.exec(property?.description ?? "")?.[1];
}

/** The names of a type's properties in the schema's order (the name of a line comes first). */
const propertyNames = (token: string) => Object.keys(schema.types?.[token]?.properties ?? {});

describe("plugin/schema.json and the TypeScript types", () => {
  test.each([
    ["cloudmanager:index:OrgInvitation", invitationArgs, invitationOutputs, invitationClass],
    ["cloudmanager:index:OrgMembership", membershipArgs, membershipOutputs, membershipClass],
    ["cloudmanager:index:OrgRoster", rosterArgs, rosterOutputs, rosterClass],
    ["cloudmanager:index:Team", teamArgs, teamOutputs, teamClass],
    ["cloudmanager:index:ProjectTeam", projectTeamArgs, projectTeamOutputs, projectTeamClass],
    ["cloudmanager:index:ProjectMembership", projectMembershipArgs, projectMembershipOutputs, projectMembershipClass],
    ["cloudmanager:index:ProjectRoster", projectRosterArgs, projectRosterOutputs, projectRosterClass],
  ])("%s: inputs are the Args, outputs the stored outputs and the class's fields", (token, args, outputs, declared) => {
    const r = resource(token);
    expect(shapeOf(r.inputProperties, r.requiredInputs)).toEqual(args);
    expect(shapeOf(r.properties, r.required)).toEqual(outputs);
    expect(shapeOf(r.properties, r.required)).toEqual(declared);
  });

  test("each resource class declares exactly the stored outputs (checked by the compiler)", () => {
    expect(classesDeclareEveryOutput).toEqual([true, true, true, true, true, true, true]);
  });

  test("the roster's lines are UnmanagedInvitation and UnmanagedMember objects, each named by its username first", () => {
    const roster = "cloudmanager:index:OrgRoster";
    expect(lineType(roster, "unmanagedInvitations")).toBe("UnmanagedInvitation");
    expect(lineType(roster, "unmanagedMembers")).toBe("UnmanagedMember");
    expect(typeShape("cloudmanager:index:UnmanagedInvitation")).toEqual(unmanagedInvitation);
    expect(typeShape("cloudmanager:index:UnmanagedMember")).toEqual(unmanagedMember);
    for (const token of ["cloudmanager:index:UnmanagedInvitation", "cloudmanager:index:UnmanagedMember"]) {
      expect(propertyNames(token)[0], token).toBe("username");
    }
  });

  test("ProjectRoster's lines are UnmanagedProjectUser, UnmanagedProjectInvitation and UnmanagedProjectTeam objects, each named first", () => {
    const roster = "cloudmanager:index:ProjectRoster";
    expect(lineType(roster, "unmanagedUsers")).toBe("UnmanagedProjectUser");
    expect(lineType(roster, "unmanagedInvitations")).toBe("UnmanagedProjectInvitation");
    expect(lineType(roster, "unmanagedTeams")).toBe("UnmanagedProjectTeam");
    expect(typeShape("cloudmanager:index:UnmanagedProjectUser")).toEqual(unmanagedProjectUser);
    expect(typeShape("cloudmanager:index:UnmanagedProjectInvitation")).toEqual(unmanagedProjectInvitation);
    expect(typeShape("cloudmanager:index:UnmanagedProjectTeam")).toEqual(unmanagedProjectTeam);
    expect(propertyNames("cloudmanager:index:UnmanagedProjectUser")[0]).toBe("username");
    expect(propertyNames("cloudmanager:index:UnmanagedProjectInvitation")[0]).toBe("username");
    expect(propertyNames("cloudmanager:index:UnmanagedProjectTeam")[0]).toBe("name");
  });

  test.each(["cloudmanager:index:ProjectTeam", "cloudmanager:index:ProjectMembership"])(
    "%s: roles name the nine project roles, the ones check accepts (a YAML or Go user reads them there)",
    (token) => {
      const described = resource(token).inputProperties["roles"]?.description ?? "";
      expect([...new Set(described.match(/\bGROUP_[A-Z_]+\b/g))].sort()).toEqual([...KNOWN_PROJECT_ROLES].sort());
    },
  );

  test("the import ids the schema tells YAML and Go users are the ones the registry parses", () => {
    const told = (token: string) =>
      /Import: `([^`]+)`|The id is `([^`]+)`/
        .exec(resource(token).description ?? "")
        ?.slice(1)
        .find(Boolean);
    const entries = RESOURCES.filter((r) => r.name === "ProjectMembership" || r.name === "ProjectRoster");
    expect(entries).toHaveLength(2);
    for (const entry of entries) {
      expect(told(pluginToken(entry.name)), entry.name).toBe(entry.idFormat);
    }
  });

  test("every resource of the registry is in the schema, and nothing else", () => {
    expect(schema.name).toBe("cloudmanager");
    expect(Object.keys(schema.resources).sort()).toEqual(RESOURCES.map((r) => pluginToken(r.name)).sort());
  });

  test("provider config: the settings credentials.ts reads (and organizations), the two secrets marked secret", () => {
    const variables = schema.config?.variables ?? {};
    expect(Object.keys(variables).sort()).toEqual([...Object.keys(CONFIG_KEYS), "organizations"].sort());
    expect(Object.keys(variables).filter((k) => variables[k]?.secret === true)).toEqual(["privateKey", "clientSecret"]);
    for (const [name, variable] of Object.entries(variables)) expect(variable.type).toBe(name === "organizations" ? "object" : "string");
  });

  test("an explicit provider takes the same settings as properties (issue 18)", () => {
    const provider = (schema as { provider?: { inputProperties?: Record<string, SchemaProperty> } }).provider;
    expect(Object.keys(provider?.inputProperties ?? {}).sort()).toEqual(Object.keys(schema.config?.variables ?? {}).sort());
    expect(provider?.inputProperties?.["privateKey"]?.secret).toBe(true);
    expect(provider?.inputProperties?.["clientSecret"]?.secret).toBe(true);
  });

  test("everything is described", () => {
    const undescribed: string[] = [];
    const check = (path: string, item: { description?: string }) => {
      if ((item.description ?? "").trim().length < 10) undescribed.push(path);
    };
    for (const [name, variable] of Object.entries(schema.config?.variables ?? {})) check(`config.${name}`, variable);
    for (const [token, r] of Object.entries(schema.resources)) {
      check(token, r);
      for (const [key, p] of Object.entries(r.properties)) check(`${token}.properties.${key}`, p);
      for (const [key, p] of Object.entries(r.inputProperties)) check(`${token}.inputProperties.${key}`, p);
    }
    for (const [token, t] of Object.entries(schema.types ?? {})) {
      for (const [key, p] of Object.entries(t.properties ?? {})) check(`${token}.${key}`, p);
    }
    expect(undescribed).toEqual([]);
  });

  test("the version served is the package's", () => {
    const manifest = require("pulumi-cloudmanager/package.json") as { version: string };
    expect(schema.version).toBe(manifest.version);
  });
});
