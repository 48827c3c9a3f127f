// `pulumi-cloudmanager adopt --org <id>`: reads an organization (read-only: GET requests only) and
// writes the people.yaml examples/org-membership reads, so that its first `pulumi up` adopts everyone
// without a write and the gate (`pulumi preview --refresh --expect-no-changes`) passes right after.
// Credentials as the provider reads them from the environment (provider/runtime/credentials): an API
// key in MCLI_PUBLIC_API_KEY / MCLI_PRIVATE_API_KEY or a service account in CLOUDMANAGER_CLIENT_ID /
// CLOUDMANAGER_CLIENT_SECRET, CLOUDMANAGER_ORG_<ORGID>_* for the organization's own; no secret is
// taken on the command line. stdout (or --out, written whole or not at all): the file. stderr: progress,
// notes, and the `pulumi config set --path 'ignore[N]' …` commands for the accounts not written.

import { parseArgs } from "node:util";
import { resolveConnection, type ResolvedConnection } from "../../provider/runtime/credentials";
import { CloudManagerClient } from "../../sdk";
import type { CommandIo } from "../command-io";
import { writeFileAtomically } from "../output-file";
import { Progress } from "../progress";
import { accessListYaml } from "./access-list-yaml";
import { adoptAccess, type AdoptedAccess } from "./adopted-access";
import { failureMessage } from "./failure-message";
import { ignoreCommands, oneLine } from "./ignore-suggestions";
import { readOrganization } from "./read-organization";

export const ADOPT_USAGE = `Usage: pulumi-cloudmanager adopt --org <organization id> [options] [--out people.yaml]

Reads the organization (GET requests only) and writes the people.yaml of examples/org-membership:
its teams with their project roles, and every member and pending invitation with their roles, teams
and own project roles. The first \`pulumi up\` of that program then adopts everyone without a write.

Options:
  --org <id>          the organization (24 hexadecimal characters; required)
  --out <file>        write the file there instead of stdout (whole or not at all)
  --ignore <pattern>  leave these accounts out (a username or a pattern with *, e.g. '*@break-glass.example.com');
                      repeatable; each becomes an entry of the stack config \`ignore\`
  --ignore-start <n>  the first index of the printed \`ignore[n]\` commands (default 0: the list is new)
  --base-url <url>    the API (default MCLI_OPS_MANAGER_URL, else Cloud Manager's)
  --progress          progress lines on stderr even when it is not a terminal (--no-progress: none)
  -h, --help          this text

Credentials, from the environment as the provider reads them (never on the command line):
  MCLI_PUBLIC_API_KEY and MCLI_PRIVATE_API_KEY (an API key), or CLOUDMANAGER_CLIENT_ID and
  CLOUDMANAGER_CLIENT_SECRET (a service account); CLOUDMANAGER_ORG_<ORGID>_PUBLIC_KEY etc. win for that
  organization; MCLI_OPS_MANAGER_CA_CERTIFICATE for a private CA. The key needs Organization Read Only
  (or Organization Owner) on the organization.

Exit status: 0 written; 1 reading failed (nothing written); 2 a usage error.
`;

const ORG_ID = /^[0-9a-fA-F]{24}$/;

interface AdoptArgs {
  orgId: string;
  out?: string;
  ignore: string[];
  ignoreStart: number;
  baseUrl?: string;
  progress?: boolean;
}

export async function runAdopt(argv: readonly string[], io: CommandIo): Promise<number> {
  let args: AdoptArgs | "help";
  try {
    args = parseAdoptArgs(argv);
  } catch (e) {
    io.stderr.write(`pulumi-cloudmanager adopt: ${e instanceof Error ? e.message : String(e)}\n\n${ADOPT_USAGE}`);
    return 2;
  }
  if (args === "help") {
    io.stdout.write(ADOPT_USAGE);
    return 0;
  }
  const fail = (message: string): number => {
    io.stderr.write(`pulumi-cloudmanager adopt: ${message}${args.out === undefined ? "" : ` Nothing was written to ${args.out}.`}\n`);
    return 1;
  };

  let connection: ResolvedConnection;
  try {
    connection = resolveConnection(args.baseUrl === undefined ? {} : { baseUrl: args.baseUrl }, io.env, args.orgId);
  } catch (e) {
    return fail(credentialsMessage(e instanceof Error ? e.message : String(e)));
  }
  const client = new CloudManagerClient({
    baseUrl: connection.baseUrl,
    ...(connection.auth.kind === "apiKey"
      ? { publicKey: connection.auth.publicKey, privateKey: connection.auth.privateKey }
      : { clientId: connection.auth.clientId, clientSecret: connection.auth.clientSecret }),
    ...(connection.caCertificate === undefined ? {} : { caCertificate: connection.caCertificate }),
    userAgent: "pulumi-cloudmanager-adopt",
  });
  const progress = new Progress(io.stderr, args.progress ?? io.stderr.isTTY === true);
  let text: string;
  let access: AdoptedAccess;
  try {
    const snapshot = await readOrganization(client, args.orgId, progress);
    access = adoptAccess(snapshot, { ignore: args.ignore });
    text = accessListYaml(access, { date: dateOf(io) });
  } catch (e) {
    return fail(failureMessage(e, { orgId: args.orgId, credentialSource: connection.credentialSource }));
  } finally {
    await client.close();
  }
  try {
    if (args.out === undefined) io.stdout.write(text);
    else writeFileAtomically(args.out, text);
  } catch (e) {
    const code = e instanceof Error && "code" in e ? ` (${String(e.code)})` : "";
    io.stderr.write(
      `pulumi-cloudmanager adopt: cannot write ${args.out ?? "stdout"}${code}: ${e instanceof Error ? e.message : String(e)}\n`,
    );
    return 1;
  }

  const say = (line: string) => io.stderr.write(`adopt: ${line}\n`);
  const invited = access.people.filter((p) => p.invited).length;
  say(
    `wrote ${access.people.length} people (${invited} invited) and ${access.teams.length} team(s) of organization "${oneLine(access.org.name)}"` +
      `${args.out === undefined ? "" : ` to ${args.out}`}`,
  );
  for (const note of access.notes) say(`note: ${oneLine(note)}`);
  if (access.ignore.length > 0) {
    say(
      `${access.ignore.length} account(s) or pattern(s) are not written as people. So that the gate neither reports nor prunes them, ` +
        `add them to the stack config \`ignore\` (in the stack's folder):`,
    );
    for (const command of ignoreCommands(access.ignore, args.ignoreStart)) io.stderr.write(`  ${command}\n`);
  }
  return 0;
}

function parseAdoptArgs(argv: readonly string[]): AdoptArgs | "help" {
  const { values, positionals } = parseArgs({
    args: [...argv],
    options: {
      org: { type: "string" },
      out: { type: "string" },
      ignore: { type: "string", multiple: true },
      "ignore-start": { type: "string" },
      "base-url": { type: "string" },
      progress: { type: "boolean" },
      "no-progress": { type: "boolean" },
      help: { type: "boolean", short: "h" },
    },
    strict: true,
    allowPositionals: true,
  });
  if (values.help === true) return "help";
  if (positionals.length > 0) throw new Error(`unexpected argument "${positionals[0] ?? ""}": the organization is given with --org <id>`);
  const orgId = values.org?.trim();
  if (orgId === undefined || orgId === "") throw new Error("--org is required: the organization's id (24 hexadecimal characters)");
  if (!ORG_ID.test(orgId)) {
    throw new Error(
      `--org "${orgId}" is not an organization id: give its 24 hexadecimal characters (Organization Settings in Cloud Manager), not its name`,
    );
  }
  const start = values["ignore-start"] ?? "0";
  if (!/^\d+$/.test(start))
    throw new Error(`--ignore-start "${start}" must be a whole number (the next free index of the stack config \`ignore\`)`);
  if (values.out !== undefined && values.out.trim() === "") throw new Error("--out needs a file name");
  const ignore = (values.ignore ?? []).map((p) => p.trim());
  if (ignore.some((p) => p === "" || p.replace(/\*/g, "") === "")) {
    throw new Error(
      "--ignore needs a username or a pattern such as '*@break-glass.example.com' (a pattern of stars alone would leave everybody out)",
    );
  }
  return {
    orgId: orgId.toLowerCase(),
    ignore,
    ignoreStart: Number(start),
    ...(values.out === undefined ? {} : { out: values.out }),
    ...(values["base-url"] === undefined ? {} : { baseUrl: values["base-url"] }),
    ...(values["no-progress"] === true ? { progress: false } : values.progress === true ? { progress: true } : {}),
  };
}

/** The provider's message speaks of stack config, which a command line does not read: the environment only. */
function credentialsMessage(message: string): string {
  if (!message.startsWith("CLOUDMANAGER_CREDENTIALS_MISSING: no complete")) return message;
  return (
    "no complete Cloud Manager credentials in the environment. Set MCLI_PUBLIC_API_KEY and MCLI_PRIVATE_API_KEY (an API key) " +
    `or CLOUDMANAGER_CLIENT_ID and CLOUDMANAGER_CLIENT_SECRET (a service account); the key needs ${"Organization Read Only (ORG_READ_ONLY) or Organization Owner"} ` +
    "on the organization."
  );
}

/** YYYY-MM-DD (UTC) of SOURCE_DATE_EPOCH when set (reproducible output), else of now. */
function dateOf(io: CommandIo): string {
  const epoch = io.env["SOURCE_DATE_EPOCH"]?.trim();
  const date = epoch !== undefined && /^\d+$/.test(epoch) ? new Date(Number(epoch) * 1000) : io.now();
  return date.toISOString().slice(0, 10);
}
