// The resource classes register as pulumi.dynamic.Resource would (provider/resources/dynamic-registration.ts)
// but record the program's line as where they were declared: compared here with a real dynamic.Resource
// of the same provider object, under Pulumi's mocks, reading the registration the SDK sends to the monitor.
import * as pulumi from "@pulumi/pulumi";
import { beforeAll, describe, expect, it } from "vitest";
import { OrgInvitation, OrgMembership } from "../../provider";
import { storedProvider } from "../../provider/resources/stored-provider";

const ORG = "5f1b2c3d4e5f6a7b8c9d0e1f";

interface Registration {
  type: string;
  inputs: Record<string, unknown>;
  /** The declaring position the SDK sent: `file:///…`. */
  source: string | undefined;
}

const registrations = new Map<string, Registration>();

interface MonitorRequest {
  getName(): string;
  getSourceposition(): { getUri(): string; getLine(): number } | undefined;
}

beforeAll(async () => {
  await pulumi.runtime.setMocks(
    {
      newResource: (args) => {
        const known = registrations.get(args.name);
        if (known) Object.assign(known, { type: args.type, inputs: args.inputs as Record<string, unknown> });
        return { id: `${args.name}-id`, state: args.inputs as Record<string, unknown> };
      },
      call: () => ({}),
    },
    "p",
    "dev",
  );
  // The mock monitor hands newResource no position: read it from the request the SDK built.
  const monitor = pulumi.runtime.getMonitor() as unknown as { registerResource: (req: MonitorRequest, cb: unknown) => unknown };
  const register = monitor.registerResource.bind(monitor);
  monitor.registerResource = (req, cb) => {
    const position = req.getSourceposition();
    registrations.set(req.getName(), {
      type: "",
      inputs: {},
      source: position === undefined ? undefined : `${position.getUri()}#${position.getLine()}`,
    });
    return register(req, cb);
  };
});

/** The registration of `name` once the SDK has sent it and the mock answered. */
async function registered(name: string, resource: pulumi.CustomResource): Promise<Registration> {
  await new Promise((resolve) => resource.urn.apply(resolve));
  const found = registrations.get(name);
  if (found === undefined) throw new Error(`${name} was not registered`);
  return found;
}

describe("DynamicRegistration", () => {
  it("registers the type token, keys and __provider text that pulumi.dynamic.Resource registers for the same provider", async () => {
    const person = { orgId: ORG, username: "alice@example.com", roles: ["ORG_MEMBER"] };
    const ours = new OrgInvitation("ours", person);
    const theirs = new DynamicReference(
      storedProvider,
      "theirs",
      { ...new OrgInvitationKeys(), ...person, __urn: pulumi.createUrn("theirs", "pulumi-nodejs:dynamic/cloudmanager:OrgInvitation") },
      undefined,
      "cloudmanager",
      "OrgInvitation",
    );
    const [a, b] = [await registered("ours", ours), await registered("theirs", theirs)];
    expect(a.type).toBe("pulumi-nodejs:dynamic/cloudmanager:OrgInvitation");
    expect(a.type).toBe(b.type);
    expect(Object.keys(a.inputs).sort()).toEqual(Object.keys(b.inputs).sort());
    expect(typeof a.inputs["__provider"]).toBe("string");
    expect(a.inputs["__provider"]).toBe(b.inputs["__provider"]);
  });

  it("records the program's line as where each resource was declared, not the class's constructor", async () => {
    // A named function, as a program's module is: the SDK reads positions only from `at name (file:line:column)` frames.
    const { resource: alice, line } = declareAlice();
    const { source } = await registered("alice-m", alice);
    expect(source).toMatch(/\/test\/provider\/dynamic-registration\.test\.ts#\d+$/);
    expect(source).toBe(`${source?.split("#")[0] ?? ""}#${line}`);
  });
});

// pulumi.dynamic.Resource is abstract in its types only.
class DynamicReference extends pulumi.dynamic.Resource {}

// OrgInvitation's output-only keys, which the class declares as undefined inputs.
class OrgInvitationKeys {
  teamIds = undefined;
  invitationId = undefined;
  status = undefined;
  createdAt = undefined;
  expiresAt = undefined;
  inviterUsername = undefined;
  orgName = undefined;
}

function declareAlice(): { resource: OrgMembership; line: number } {
  const line = currentLine() + 1;
  const resource = new OrgMembership("alice-m", { orgId: ORG, username: "alice@example.com", roles: ["ORG_MEMBER"] });
  return { resource, line };
}

/** The line of the caller. */
function currentLine(): number {
  const frame = new Error().stack?.split("\n")[2] ?? "";
  return Number(/:(\d+):\d+\)?$/.exec(frame)?.[1]);
}
