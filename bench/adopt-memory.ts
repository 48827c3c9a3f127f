// `npm run bench:adopt`: `pulumi-cloudmanager adopt` on a large organization. The embedded emulator
// (this process) is seeded by hand with N members (default 5,000) on a few teams, pending invitations,
// projects with teams' and people's own roles; the command runs as a child process, as a user runs it,
// writing the file with --out and progress on stderr. Its peak resident memory is its own
// (process.resourceUsage().maxRSS, written at exit by a preloaded hook: nothing in the command knows
// about the bench). Printed: the seed, the wall time, the requests, the peak, the progress lines seen
// and the people written. Target (issue 21): a peak below 200 MB, with progress lines.
// Exit status: 0 target met; 1 the command failed, wrote the wrong file, printed no progress or went
// over the target; 2 bad flags.

import { spawn } from "node:child_process";
import { mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { parseArgs } from "node:util";
import { parse } from "yaml";
import { startEmulator } from "../emulator";

const USAGE = `Usage: npm run bench:adopt -- [--members N] [--invitations N] [--projects N]
  --members N      members to seed (default 5000)
  --invitations N  pending invitations (default 500)
  --projects N     projects, each with a team's roles and 20 people's own roles (default 10)`;

export const TARGET_PEAK_RSS_BYTES = 200 * 1000 * 1000;
const TEAMS = 20;

async function main(): Promise<number> {
  let values;
  try {
    ({ values } = parseArgs({
      options: { members: { type: "string" }, invitations: { type: "string" }, projects: { type: "string" }, help: { type: "boolean" } },
    }));
  } catch (e) {
    console.error(`${e instanceof Error ? e.message : String(e)}\n${USAGE}`);
    return 2;
  }
  if (values.help === true) {
    console.log(USAGE);
    return 0;
  }
  const count = (value: string | undefined, fallback: number, name: string): number => {
    const n = Number(value ?? fallback);
    if (!Number.isInteger(n) || n < 0) throw new Error(`--${name} must be a whole number`);
    return n;
  };
  const members = count(values.members, 5000, "members");
  const invitations = count(values.invitations, 500, "invitations");
  const projects = count(values.projects, 10, "projects");

  const emulator = await startEmulator({ orgName: "Bench" });
  const temp = mkdtempSync(join(tmpdir(), "adopt-bench-"));
  try {
    const state = emulator.state;
    const org = emulator.org.id;
    const teams = Array.from({ length: TEAMS }, (_, i) => state.createTeam(org, { name: `team-${i}` }));
    const roles = [["ORG_MEMBER"], ["ORG_READ_ONLY"], ["ORG_GROUP_CREATOR", "ORG_MEMBER"], ["ORG_OWNER"]];
    const users = Array.from({ length: members }, (_, i) =>
      state.addOrgUser(org, {
        username: `member${i}@example.com`,
        roles: roles[i % roles.length] ?? ["ORG_MEMBER"],
        // At most 250 people a team: a fifth of the members, spread over the teams.
        teamIds: i % 5 === 0 ? [teams[(i / 5) % TEAMS]?.id ?? ""] : [],
      }),
    );
    for (let i = 0; i < invitations; i++) {
      state.inviteAs(org, { username: `invitee${i}@example.com`, roles: ["ORG_MEMBER"] }, "admin@example.com");
    }
    for (let p = 0; p < projects; p++) {
      const project = state.createProject(org, { name: `project-${p}` });
      state.setProjectTeamRoles(project.id, teams[p % TEAMS]?.id ?? "", ["GROUP_READ_ONLY"]);
      for (let u = 0; u < 20; u++) state.setProjectUserRoles(project.id, users[(p * 20 + u) % members]?.id ?? "", ["GROUP_READ_ONLY"]);
    }
    state.clearRequests();

    const out = join(temp, "people.yaml");
    const rssFile = join(temp, "max-rss");
    const started = performance.now();
    const child = await run(
      process.execPath,
      [
        "--require",
        join(__dirname, "report-max-rss.js"),
        join(__dirname, "..", "cli", "main.js"),
        "adopt",
        "--org",
        org,
        "--out",
        out,
        "--progress",
      ],
      {
        ...process.env,
        MCLI_PUBLIC_API_KEY: emulator.credentials.publicKey,
        MCLI_PRIVATE_API_KEY: emulator.credentials.privateKey,
        MCLI_OPS_MANAGER_URL: emulator.baseUrl,
        ADOPT_BENCH_MAX_RSS_FILE: rssFile,
      },
    );
    const seconds = (performance.now() - started) / 1000;
    const requests = state.requests();
    if (child.code !== 0) {
      console.error(`adopt failed (exit ${child.code}):\n${child.stderr}`);
      return 1;
    }
    const peak = Number(readFileSync(rssFile, "utf8"));
    const progress = child.stderr.split("\n").filter((l) => /^adopt: members \d+\/\d+$/.test(l));
    const written = (parse(readFileSync(out, "utf8")) as { people: unknown[] }).people.length;
    const met = peak < TARGET_PEAK_RSS_BYTES;
    console.log(`seeded: ${members} members, ${invitations} pending invitations, ${TEAMS} teams, ${projects} projects`);
    console.log(
      `adopt: exit ${child.code} in ${seconds.toFixed(1)} s, ${requests.length} requests (${requests.filter((r) => r.method !== "GET").length} not GET)`,
    );
    console.log(
      `peak RSS of the command: ${(peak / 1e6).toFixed(1)} MB (target < ${TARGET_PEAK_RSS_BYTES / 1e6} MB): ${met ? "met" : "MISSED"}`,
    );
    console.log(`progress lines: ${progress.length} (${progress.join("; ")})`);
    console.log(`people written: ${written} of ${members + invitations}`);
    return met && progress.length > 0 && written === members + invitations ? 0 : 1;
  } finally {
    await emulator.close();
    rmSync(temp, { recursive: true, force: true });
  }
}

/** Runs the child without blocking this process: the emulator it talks to lives here. */
function run(command: string, args: string[], env: NodeJS.ProcessEnv): Promise<{ code: number | null; stderr: string }> {
  return new Promise((resolve, reject) => {
    const child = spawn(command, args, { env, stdio: ["ignore", "ignore", "pipe"] });
    let stderr = "";
    child.stderr.setEncoding("utf8").on("data", (d: string) => (stderr += d));
    child.on("error", reject);
    child.on("close", (code) => resolve({ code, stderr }));
  });
}

main().then(
  (code) => (process.exitCode = code),
  (e: unknown) => {
    console.error(e instanceof Error ? e.message : String(e));
    process.exitCode = 1;
  },
);
