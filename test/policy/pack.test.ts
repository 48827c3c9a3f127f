// The pack as the policy SDK runs it: each policy called with the arguments the SDK builds (type, name,
// URN, proxied properties, getConfig), settings read with their defaults and a misspelt one refused,
// and what makes the pack a folder the CLI can load from the installed package.

import { readFileSync } from "node:fs";
import { join } from "node:path";
import type {
  Policy,
  ReportViolation,
  ResourceValidationArgs,
  ResourceValidationPolicy,
  StackValidationArgs,
  StackValidationPolicy,
} from "@pulumi/policy";
import { describe, expect, it } from "vitest";
import { parse } from "yaml";
import { DEFAULTS } from "../../policy/config";
import { PACK_NAME, RULES } from "../../policy/names";
import { PACK_ARGS, POLICIES } from "../../policy/pack";
import type { PolicyResourceLike } from "../../policy/resources";
import { ORG, policyResource, PROJECT } from "./support";

const REPO = join(__dirname, "..", "..");

function policy(name: string): Policy {
  const p = POLICIES.find((x) => x.name === name);
  if (p === undefined) throw new Error(`no policy ${name}`);
  return p;
}

const notApplicable = (reason?: string): never => {
  throw new Error(`notApplicable: ${reason ?? ""}`);
};

/** Runs a resource policy on one resource as the SDK does; the violations reported. */
async function onResource(name: string, r: PolicyResourceLike, config: Record<string, unknown> = {}): Promise<string[]> {
  const p = policy(name) as ResourceValidationPolicy;
  const reported: string[] = [];
  const report: ReportViolation = (message) => reported.push(message);
  const args = { ...r, getConfig: () => config, notApplicable } as unknown as ResourceValidationArgs;
  const validations = Array.isArray(p.validateResource) ? p.validateResource : p.validateResource ? [p.validateResource] : [];
  expect(validations).toHaveLength(1);
  for (const v of validations) await v(args, report);
  return reported;
}

/** Runs a stack policy on resources as the SDK does; the violations reported. */
async function onStack(
  name: string,
  resources: PolicyResourceLike[],
  config: Record<string, unknown> = {},
): Promise<{ message: string; urn?: string }[]> {
  const p = policy(name) as StackValidationPolicy;
  const reported: { message: string; urn?: string }[] = [];
  const report: ReportViolation = (message, urn) => reported.push(urn === undefined ? { message } : { message, urn });
  const args = { resources, getConfig: () => config, notApplicable } as unknown as StackValidationArgs;
  await p.validateStack(args, report);
  return reported;
}

const stack: PolicyResourceLike = {
  type: "pulumi:pulumi:Stack",
  name: "access-dev",
  urn: "urn:pulumi:dev::access::pulumi:pulumi:Stack::access-dev",
  props: {},
};
const gmail = policyResource("OrgMembership", "mallory", { orgId: ORG, username: "mallory@gmail.com", roles: ["ORG_MEMBER"] }, "plugin");
const owners = ["alice", "bob", "carol", "dave"].map((n) =>
  policyResource("OrgMembership", n, { orgId: ORG, username: `${n}@example.com`, roles: ["ORG_OWNER"] }),
);

describe("the pack", () => {
  it("has one policy per rule, each described, mandatory unless config says otherwise", () => {
    expect(PACK_NAME).toBe("cloudmanager-access");
    expect(POLICIES.map((p) => p.name).sort()).toEqual(Object.values(RULES).sort());
    for (const p of POLICIES) {
      expect(p.description.length, p.name).toBeGreaterThan(20);
      expect(p.enforcementLevel, p.name).toBeUndefined();
    }
    expect(PACK_ARGS.enforcementLevel).toBe("mandatory");
    const stackRules = POLICIES.filter((p) => "validateStack" in p).map((p) => p.name);
    expect(stackRules.sort()).toEqual([RULES.orgRoster, RULES.orgOwners, RULES.projectOwners].sort());
  });

  it("declares the same defaults in its settings' schemas as the rules apply", () => {
    const defaults = Object.fromEntries(
      POLICIES.map((p) => [
        p.name,
        Object.fromEntries(
          Object.entries(p.configSchema?.properties ?? {}).map(([k, s]) => [k, typeof s === "object" ? s.default : undefined]),
        ),
      ]),
    );
    expect(defaults).toEqual({
      [RULES.domains]: DEFAULTS.domains,
      [RULES.orgOwners]: DEFAULTS.orgOwners,
      [RULES.projectOwners]: DEFAULTS.projectOwners,
      [RULES.invitationRoles]: DEFAULTS.invitationRoles,
      [RULES.orgRoster]: DEFAULTS.orgRoster,
      [RULES.pruneIgnore]: {},
    });
  });
});

describe("the policies as the SDK calls them", () => {
  it("allowed-username-domains reports the resource's violation, only with domains configured", async () => {
    expect(await onResource(RULES.domains, gmail, { domains: ["example.com"] })).toEqual([
      expect.stringContaining(`OrgMembership "mallory" (${gmail.urn}): username "mallory@gmail.com"`),
    ]);
    expect(await onResource(RULES.domains, gmail)).toEqual([]);
    expect(await onResource(RULES.domains, stack, { domains: ["example.com"] })).toEqual([]);
  });

  it("max-org-owners reports on the stack with the defaults (3) or the configured maximum", async () => {
    const found = await onStack(RULES.orgOwners, [stack, ...owners, gmail]);
    expect(found).toHaveLength(1);
    expect(found[0]?.message).toContain(`organization ${ORG}: 4 people are declared with ORG_OWNER, more than 3`);
    for (const o of owners) expect(found[0]?.message).toContain(o.urn);
    expect(await onStack(RULES.orgOwners, owners, { maxOrgOwners: 4 })).toEqual([]);
  });

  it("max-project-owners, no-role-by-invitation, org-has-roster and prune-needs-ignore run with their defaults", async () => {
    const people = ["a", "b", "c", "d"].map((n) =>
      policyResource(
        "ProjectMembership",
        n,
        { orgId: ORG, projectId: PROJECT, username: `${n}@example.com`, roles: ["GROUP_OWNER"] },
        "plugin",
      ),
    );
    expect(await onStack(RULES.projectOwners, people)).toEqual([
      { message: expect.stringContaining(`project ${PROJECT}: 4 people and teams`) as string },
    ]);
    const invitation = policyResource("OrgInvitation", "boss", { orgId: ORG, username: "boss@example.com", roles: ["ORG_OWNER"] });
    expect(await onResource(RULES.invitationRoles, invitation)).toEqual([
      expect.stringContaining("roles ORG_OWNER may not be granted by invitation"),
    ]);
    expect(await onStack(RULES.orgRoster, owners)).toEqual([{ message: expect.stringContaining("but no OrgRoster") as string }]);
    const roster = policyResource("OrgRoster", "roster", { orgId: ORG, managed: [], prune: true });
    expect(await onResource(RULES.pruneIgnore, roster)).toEqual([expect.stringContaining("prune is true and ignore is empty")]);
  });

  it("refuses a setting it does not know or of the wrong type, naming it", async () => {
    await expect(onResource(RULES.domains, gmail, { domain: ["example.com"] })).rejects.toThrow(
      `policy config of allowed-username-domains: unknown setting "domain"; its settings are "domains", "allowedUsernames" (and "enforcementLevel"). See docs/policy.md.`,
    );
    await expect(onStack(RULES.orgOwners, owners, { maxOrgOwners: 0 })).rejects.toThrow(
      `"maxOrgOwners" must be a whole number of at least 1`,
    );
    await expect(onResource(RULES.invitationRoles, gmail, { roles: "ORG_OWNER" })).rejects.toThrow(`"roles" must be a list of strings`);
    await expect(onResource(RULES.pruneIgnore, gmail, { max: 1 })).rejects.toThrow(`it has no setting but "enforcementLevel"`);
  });
});

describe("the pack's folder in the package", () => {
  const pkg = JSON.parse(readFileSync(join(REPO, "package.json"), "utf8")) as { files: string[]; dependencies: Record<string, string> };

  it("is policy/: PulumiPolicy.yaml (Node.js runtime) and a package.json whose main is the compiled entry point", () => {
    const project = parse(readFileSync(join(REPO, "policy", "PulumiPolicy.yaml"), "utf8")) as { runtime: { name: string } };
    expect(project.runtime.name).toBe("nodejs");
    const folder = JSON.parse(readFileSync(join(REPO, "policy", "package.json"), "utf8")) as { main: string };
    expect(folder.main).toBe("../dist/policy/index.js");
  });

  it("ships in the package with the code it runs, and @pulumi/policy is a dependency", () => {
    expect(pkg.files).toEqual(expect.arrayContaining(["policy/PulumiPolicy.yaml", "policy/package.json", "dist/policy"]));
    expect(pkg.dependencies["@pulumi/policy"]).toMatch(/^\^1\./);
  });
});

describe("docs/policy.md", () => {
  const page = readFileSync(join(REPO, "docs", "policy.md"), "utf8");
  const rows = page.split("\n").filter((l) => /^\| `[a-z-]+` \|/.test(l));

  it("lists every rule once in its table, with each setting and its default", () => {
    expect(rows.map((r) => /^\| `([a-z-]+)`/.exec(r)?.[1]).sort()).toEqual(Object.values(RULES).sort());
    for (const p of POLICIES) {
      const row = rows.find((r) => r.startsWith(`| \`${p.name}\` |`)) ?? "";
      for (const [setting, schema] of Object.entries(p.configSchema?.properties ?? {})) {
        const fallback = typeof schema === "object" ? JSON.stringify(schema.default) : "";
        expect(row, `${p.name}.${setting}`).toContain(`\`${setting}\` (\`${fallback}\``);
      }
    }
  });
});
