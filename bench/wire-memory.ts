// `npm run bench:wire`: the memory that @pulumi/pulumi's wire layer alone takes for the rosters'
// outputs (issue 22, item 4), with no code of our provider running. Both front doors hand their
// outputs to it: the dynamic-provider host and the plugin's server turn them into a protobuf Struct
// and encode the gRPC message with google-protobuf, and decode what the engine sends back (the olds
// of every read, diff and update). Each case runs in a fresh Node process (the peak resident memory,
// process.resourceUsage().maxRSS, is per process): the lines of M members and I pending
// invitations, as the roster writes them (../provider/access/roster-outputs), put in a
// ReadResponse and encoded, then decoded back to JavaScript, once or three times (a preview with
// --refresh carries them three times: the read's request and answer, and the diff's olds). Each case
// twice: with google-protobuf as installed, and with the provider's long-string path installed on it
// (../provider/runtime/wire-strings, what both provider processes run since session 15). Printed:
// the lines' and the message's size, the process's peak before and after, and the rise. A report,
// not a test: exit 0 whatever the figures; 2 on a bad flag.

import { spawnSync } from "node:child_process";
import { parseArgs } from "node:util";
import type * as structTypes from "google-protobuf/google/protobuf/struct_pb";
import type * as provTypes from "@pulumi/pulumi/proto/provider_pb";
import { jsonLines, stamp, type FoundEntry } from "../provider/access/roster-outputs";
import { fromPulumi } from "../provider/runtime/from-pulumi";
import { installWireStrings } from "../provider/runtime/wire-strings";
import type { UnmanagedInvitation, UnmanagedMember } from "../provider/resources/org-roster/model";
import { DEFAULT_SIZES, inviteeName, memberName, parseSizes } from "./roster-report";

export const WIRE_USAGE = `Usage: npm run bench:wire -- [--sizes ${DEFAULT_SIZES}]
  --sizes  members:invitations per run, comma-separated (default ${DEFAULT_SIZES})`;

/**
 * What one fresh process does with the lines: encode the message, or encode and decode it, `times`
 * times; `longStrings`: with the provider's long-string path installed on google-protobuf first.
 */
export interface WireCase {
  label: string;
  decode: boolean;
  times: number;
  longStrings: boolean;
}

const WORK = [
  { label: "encode once", decode: false, times: 1 },
  { label: "encode and decode once", decode: true, times: 1 },
  { label: "encode and decode three times", decode: true, times: 3 },
] as const;

/** Each piece of work with google-protobuf alone, then with the provider's long strings: side by side in one run. */
export const WIRE_CASES: readonly WireCase[] = WORK.flatMap((work) => [
  { ...work, longStrings: false },
  { ...work, label: `${work.label}, long strings`, longStrings: true },
]);

/** What a child process reports. */
export interface WireFigures {
  linesBytes: number;
  messageBytes: number;
  hwmBeforeBytes: number;
  hwmAfterBytes: number;
}

export type WireArgs = { kind: "run"; sizes: [number, number][] } | { kind: "help" } | { kind: "bad"; message: string };

export function parseWireArgs(argv: readonly string[]): WireArgs {
  let values: { sizes?: string | undefined; help?: boolean | undefined };
  try {
    ({ values } = parseArgs({ args: [...argv], options: { sizes: { type: "string" }, help: { type: "boolean" } }, strict: true }));
  } catch (e) {
    return { kind: "bad", message: `${e instanceof Error ? e.message : String(e)}\n${WIRE_USAGE}` };
  }
  if (values.help === true) return { kind: "help" };
  const sizes = parseSizes(values.sizes ?? DEFAULT_SIZES);
  if (sizes === undefined) {
    return { kind: "bad", message: `--sizes takes members:invitations pairs of whole numbers, e.g. 20000:5000\n${WIRE_USAGE}` };
  }
  return { kind: "run", sizes };
}

/** The two outputs of a roster that found `members` members and `invitations` invitations nobody declared. */
export function rosterOutputLines(members: number, invitations: number): { unmanagedMembers: string; unmanagedInvitations: string } {
  const now = new Date(Date.UTC(2026, 11, 8)).toISOString();
  const id = (prefix: string, i: number) => `${prefix}${i.toString(16).padStart(24 - prefix.length, "0")}`;
  const member = (i: number): FoundEntry<Omit<UnmanagedMember, "username" | "firstSeen">> => ({
    key: memberName(i),
    id: id("6b17", i),
    value: { roles: ["ORG_MEMBER"], userId: id("6b17", i) },
  });
  const invitation = (i: number): FoundEntry<Omit<UnmanagedInvitation, "username" | "firstSeen">> => ({
    key: inviteeName(i),
    id: id("6c17", i),
    value: { roles: ["ORG_MEMBER"], invitationId: id("6c17", i), inviterUsername: "admin@example.com", createdAt: now },
  });
  const none = new Map<string, string>();
  return {
    unmanagedMembers: jsonLines(
      stamp(
        Array.from({ length: members }, (_, i) => member(i)),
        none,
        now,
      ),
      "username",
    ),
    unmanagedInvitations: jsonLines(
      stamp(
        Array.from({ length: invitations }, (_, i) => invitation(i)),
        none,
        now,
      ),
      "username",
    ),
  };
}

/** The report's lines for one size. */
export function wireReport(
  members: number,
  invitations: number,
  results: readonly { wireCase: WireCase; figures: WireFigures }[],
): string[] {
  const mb = (bytes: number) => (bytes / 1e6).toFixed(1);
  const first = results[0]?.figures;
  const out = [`${members.toLocaleString("en-US")} members, ${invitations.toLocaleString("en-US")} pending invitations`];
  if (first !== undefined)
    out.push(`  the roster's lines ${mb(first.linesBytes)} MB; the ReadResponse carrying them ${mb(first.messageBytes)} MB`);
  for (const { wireCase, figures } of results) {
    out.push(
      `  ${wireCase.label.padEnd(44)} peak ${mb(figures.hwmAfterBytes).padStart(6)} MB (process before: ${mb(figures.hwmBeforeBytes)} MB; rise ${mb(figures.hwmAfterBytes - figures.hwmBeforeBytes)} MB)`,
    );
  }
  return out;
}

/** This process's peak resident memory so far (maxRSS is in kilobytes), as ./response-limit reads it. */
function peakRssBytes(): number {
  return process.resourceUsage().maxRSS * 1024;
}

/** In the child: one case, its figures as one JSON line on stdout. */
function runCase(members: number, invitations: number, wireCase: WireCase): WireFigures {
  // The copies @pulumi/pulumi's own servers use.
  const structproto = fromPulumi("google-protobuf/google/protobuf/struct_pb") as typeof structTypes;
  const provproto = fromPulumi("./proto/provider_pb") as typeof provTypes;
  if (wireCase.longStrings) {
    const state = installWireStrings();
    if (state !== "installed") throw new Error(`the long-string path was not installed: ${state}`);
  }
  const lines = rosterOutputLines(members, invitations);
  const outputs = { orgId: "6b173fb877cbe05f3a336e77", managed: [], ignore: [], prune: false, ...lines };
  const hwmBeforeBytes = peakRssBytes();
  let messageBytes = 0;
  for (let i = 0; i < wireCase.times; i++) {
    const response = new provproto.ReadResponse();
    response.setId("6b173fb877cbe05f3a336e77/roster");
    response.setProperties(structproto.Struct.fromJavaScript(outputs));
    const bytes = response.serializeBinary();
    messageBytes = bytes.length;
    if (wireCase.decode) {
      const back = provproto.ReadResponse.deserializeBinary(bytes).getProperties()?.toJavaScript();
      if (back?.["unmanagedMembers"] !== lines.unmanagedMembers) throw new Error("the lines did not come back as they were sent");
    }
  }
  return {
    linesBytes: Buffer.byteLength(lines.unmanagedMembers) + Buffer.byteLength(lines.unmanagedInvitations),
    messageBytes,
    hwmBeforeBytes,
    hwmAfterBytes: peakRssBytes(),
  };
}

function main(argv: readonly string[]): number {
  if (argv[0] === "--child") {
    const [members, invitations, index] = argv.slice(1).map(Number);
    const wireCase = WIRE_CASES[index ?? -1];
    if (members === undefined || invitations === undefined || wireCase === undefined) return 2;
    process.stdout.write(`${JSON.stringify(runCase(members, invitations, wireCase))}\n`);
    return 0;
  }
  const args = parseWireArgs(argv);
  if (args.kind === "help") {
    console.log(WIRE_USAGE);
    return 0;
  }
  if (args.kind === "bad") {
    console.error(args.message);
    return 2;
  }
  console.log(`@pulumi/pulumi's wire layer alone (google-protobuf), a fresh Node ${process.version} process per case, no provider code`);
  console.log(`"long strings": with the provider's long-string path (provider/runtime/wire-strings) installed on it`);
  for (const [members, invitations] of args.sizes) {
    const results = WIRE_CASES.map((wireCase, index) => {
      const child = spawnSync(process.execPath, [__filename, "--child", String(members), String(invitations), String(index)], {
        encoding: "utf8",
      });
      if (child.status !== 0) throw new Error(`the ${wireCase.label} case ended with ${child.status}: ${child.stderr}`);
      return { wireCase, figures: JSON.parse(child.stdout) as WireFigures };
    });
    for (const line of wireReport(members, invitations, results)) console.log(line);
  }
  return 0;
}

if (require.main === module) process.exitCode = main(process.argv.slice(2));
