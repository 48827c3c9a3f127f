// The resource classes register without the SDK's per-promise debug stacks (provider/resources/debug-stacks.ts):
// counted here as the stack frames V8 hands to Error.prepareStackTrace while a resource is constructed,
// under Pulumi's own mocks. The SDK's record of where the resource was declared must stay.
import * as pulumi from "@pulumi/pulumi";
import { afterEach, beforeAll, describe, expect, it, vi } from "vitest";
import { OrgInvitation, OrgMembership, OrgRoster, ProjectMembership, ProjectRoster, ProjectTeam, Team } from "../../provider";
import { pauseDebugStacks } from "../../provider/resources/debug-stacks";

const ORG = "5f1b2c3d4e5f6a7b8c9d0e1f";
const PROJECT = "6a0b1c2d3e4f5a6b7c8d9e0f";
const TEAM = "7b0c1d2e3f4a5b6c7d8e9f0a";

beforeAll(async () => {
  await pulumi.runtime.setMocks(
    { newResource: (args) => ({ id: `${args.name}-id`, state: args.inputs as Record<string, unknown> }), call: () => ({}) },
    "p",
    "dev",
  );
});

afterEach(() => {
  vi.unstubAllEnvs();
});

interface Formatting {
  /** Stacks formatted with at least one frame. */
  stacks: number;
  /** Frames formatted in all. */
  frames: number;
}

/** Runs `build` while counting what V8 formats; the counter stands in for source-map-support, which the CLI installs there. */
function formattingOf(build: () => void): Formatting {
  const seen: Formatting = { stacks: 0, frames: 0 };
  const before = Object.getOwnPropertyDescriptor(Error, "prepareStackTrace");
  Error.prepareStackTrace = (error: Error, frames: NodeJS.CallSite[]): string => {
    if (frames.length > 0) seen.stacks++;
    seen.frames += frames.length;
    return `${error.name}: ${error.message}${frames.map((frame) => `\n    at ${frame.getFileName() ?? "?"}:${frame.getLineNumber() ?? 0}`).join("")}`;
  };
  try {
    build();
  } finally {
    if (before) Object.defineProperty(Error, "prepareStackTrace", before);
    else Reflect.deleteProperty(Error, "prepareStackTrace");
  }
  return seen;
}

const declarations: Record<string, () => pulumi.CustomResource> = {
  OrgInvitation: () => new OrgInvitation("inv", { orgId: ORG, username: "alice@example.com", roles: ["ORG_MEMBER"] }),
  OrgMembership: () => new OrgMembership("mem", { orgId: ORG, username: "alice@example.com", roles: ["ORG_MEMBER"] }),
  OrgRoster: () => new OrgRoster("roster", { orgId: ORG, managed: ["alice@example.com"] }),
  Team: () => new Team("team", { orgId: ORG, name: "Platform" }),
  ProjectTeam: () => new ProjectTeam("pt", { orgId: ORG, projectId: PROJECT, teamId: TEAM, roles: ["GROUP_READ_ONLY"] }),
  ProjectMembership: () =>
    new ProjectMembership("pm", { orgId: ORG, projectId: PROJECT, username: "alice@example.com", roles: ["GROUP_READ_ONLY"] }),
  ProjectRoster: () => new ProjectRoster("pr", { orgId: ORG, projectId: PROJECT, managed: ["alice@example.com"] }),
};

describe("DebugStacks_Resources", () => {
  it.each(Object.keys(declarations))("%s formats one stack (the SDK's source position), not one per promise", (type) => {
    const limit = Error.stackTraceLimit;
    const seen = formattingOf(() => declarations[type]!());
    // Resource.callsites: where the resource was declared, which the SDK records in the state.
    expect(seen.stacks).toBe(1);
    expect(Error.stackTraceLimit).toBe(limit);
  });

  it("with PULUMI_DEBUG_PROMISE_LEAKS set, the SDK keeps a stack for each promise, for its leak report", () => {
    vi.stubEnv("PULUMI_DEBUG_PROMISE_LEAKS", "1");
    const seen = formattingOf(() => declarations["OrgInvitation"]!());
    expect(seen.stacks).toBeGreaterThan(5);
  });

  it("an error thrown while registering (here by the program's own transformation) keeps a stack from the constructor up", () => {
    const failing: pulumi.ResourceTransformation = () => {
      throw new Error("the program's transformation failed");
    };
    let thrown: unknown;
    try {
      new OrgInvitation("inv2", { orgId: ORG, username: "bob@example.com", roles: ["ORG_MEMBER"] }, { transformations: [failing] });
    } catch (error) {
      thrown = error;
    }
    expect(thrown).toBeInstanceOf(Error);
    expect((thrown as Error).message).toBe("the program's transformation failed");
    expect((thrown as Error).stack).toMatch(/\n\s+at new OrgInvitation .*\n\s+at .*debug-stacks\.test\.ts/);
  });
});

describe("DebugStacks_Pause", () => {
  it("pauses stack capture and puts the previous limit back", () => {
    const limit = Error.stackTraceLimit;
    const pause = pauseDebugStacks();
    expect(Error.stackTraceLimit).toBe(0);
    expect(new Error("paused").stack).toBe("Error: paused");
    pause.resume();
    expect(Error.stackTraceLimit).toBe(limit);
  });

  it("leaves the stack of an error that already has frames alone", () => {
    const earlier = new Error("earlier");
    const stack = earlier.stack;
    const pause = pauseDebugStacks();
    expect(pause.resumeWith(earlier)).toBe(earlier);
    expect(earlier.stack).toBe(stack);
  });

  it("passes what is not an Error through untouched", () => {
    const pause = pauseDebugStacks();
    expect(pause.resumeWith("text")).toBe("text");
    expect(Error.stackTraceLimit).toBeGreaterThan(0);
  });
});
