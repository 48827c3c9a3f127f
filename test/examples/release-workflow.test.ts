// The release workflow example: only a version tag starts it, the whole test suite passes before
// anything is published, the tag must name package.json's version, and npm publish runs with
// provenance from OIDC (no token in the repository). actionlint checks the file itself (`npm run lint`).

import { readFileSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { parse } from "yaml";

interface Step {
  name?: string;
  run?: string;
  uses?: string;
  with?: Record<string, unknown>;
}

interface Job {
  needs?: string | string[];
  permissions?: Record<string, string>;
  steps: Step[];
}

interface Workflow {
  on: Record<string, unknown>;
  permissions: Record<string, string>;
  jobs: Record<string, Job>;
}

const text = readFileSync(join(__dirname, "../../examples/release/release.yml"), "utf8");
const workflow = parse(text) as Workflow;

function runs(job: Job | undefined): string[] {
  return (job?.steps ?? []).flatMap((s) => (s.run !== undefined ? [s.run.trim()] : []));
}

describe("examples/release workflow", () => {
  it("runs on version tags only", () => {
    expect(Object.keys(workflow.on)).toEqual(["push"]);
    expect(workflow.on["push"]).toEqual({ tags: ["v[0-9]+.[0-9]+.[0-9]+*"] });
    expect(workflow.permissions).toEqual({ contents: "read" });
  });

  it("tests with npm test, and publishes only after the tests passed", () => {
    expect(runs(workflow.jobs["test"])).toEqual(["npm ci", "npm test"]);
    expect(workflow.jobs["publish"]?.needs).toBe("test");
  });

  it("publishes with provenance, through OIDC, after checking that the tag names package.json's version", () => {
    const publish = workflow.jobs["publish"];
    expect(publish?.permissions).toEqual({ contents: "read", "id-token": "write" });
    const commands = runs(publish);
    const tagCheck = commands.findIndex((c) => c.includes('"$GITHUB_REF_NAME" != "v$version"'));
    const publishing = commands.findIndex((c) => /npm publish --provenance /.test(c));
    expect(tagCheck).toBeGreaterThanOrEqual(0);
    expect(publishing).toBeGreaterThan(tagCheck);
    expect(commands.slice(tagCheck, publishing)).toEqual(expect.arrayContaining(["npm run build", "npm run check:package"]));
    expect(text).not.toMatch(/NPM_TOKEN|NODE_AUTH_TOKEN/);
  });
});
