// The cloudmanager-emulator bin, run as users run it: the built dist/emulator/cli.js in its own process.
import { spawn, type ChildProcess, type ChildProcessWithoutNullStreams } from "node:child_process";
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync, statSync } from "node:fs";
import { tmpdir } from "node:os";
import { request } from "node:https";
import { dirname, join } from "node:path";
import { afterEach, beforeAll, describe, expect, it } from "vitest";
import { until } from "../support/until";
import { DigestTestClient } from "./helpers";
import { rawRequest } from "./raw-http";

const CLI = join(process.cwd(), "dist", "emulator", "cli.js");

beforeAll(() => {
  if (!existsSync(CLI)) throw new Error(`${CLI} is missing: run "npm run build" first (npm test does it in pretest).`);
  const newestSource = Math.max(...listTs(join(process.cwd(), "emulator")).map((f) => statSync(f).mtimeMs));
  if (statSync(CLI).mtimeMs < newestSource) throw new Error(`${CLI} is older than emulator/ sources: run "npm run build" first.`);
});

function listTs(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((e) =>
    e.isDirectory() ? listTs(join(dir, e.name)) : e.name.endsWith(".ts") ? [join(dir, e.name)] : [],
  );
}

const children: ChildProcess[] = [];
afterEach(() => {
  for (const child of children.splice(0)) if (child.exitCode === null && child.signalCode === null) child.kill("SIGKILL");
});

interface Started {
  child: ChildProcessWithoutNullStreams;
  stdout: () => string;
  stderr: () => string;
  exit: Promise<{ code: number | null; signal: string | null }>;
}

function run(args: string[], env: NodeJS.ProcessEnv = process.env): Started {
  const child = spawn(process.execPath, [CLI, ...args], { stdio: "pipe", env });
  children.push(child);
  let out = "";
  let err = "";
  child.stdout.on("data", (d: Buffer) => (out += d.toString()));
  child.stderr.on("data", (d: Buffer) => (err += d.toString()));
  const exit = new Promise<{ code: number | null; signal: string | null }>((resolve) =>
    child.on("exit", (code, signal) => resolve({ code, signal })),
  );
  return { child, stdout: () => out, stderr: () => err, exit };
}

/** The first match of `pattern` in what the process printed; fails at once if it exits first. */
function printed(started: Started, pattern: RegExp, stream: "stdout" | "stderr" = "stdout"): Promise<RegExpExecArray> {
  return until(
    () => {
      const match = pattern.exec(stream === "stdout" ? started.stdout() : started.stderr());
      if (match) return match;
      if (started.child.exitCode !== null) throw new Error(`emulator exited early (${started.child.exitCode}): ${started.stderr()}`);
      return undefined;
    },
    { what: `the emulator to print ${String(pattern)} on ${stream}`, intervalMs: 20 },
  );
}

function field(stdout: string, label: string): string {
  const match = new RegExp(`^${label}:\\s+(\\S+)$`, "m").exec(stdout);
  if (!match?.[1]) throw new Error(`no "${label}" line in:\n${stdout}`);
  return match[1];
}

describe("cloudmanager-emulator", () => {
  it("prints the base URL, the server root and credentials, serves the API with them, and exits 0 on SIGTERM", async () => {
    const started = run([
      "--port",
      "0",
      "--public-key",
      "clipub",
      "--private-key",
      "cli-private",
      "--org-id",
      "0123456789abcdef01234567",
      "--org-name",
      "CLI Org",
    ]);
    await printed(started, /^Stop with/m);
    const out = started.stdout();
    expect(out.startsWith("#!")).toBe(false);
    const baseUrl = field(out, "Base URL");
    expect(baseUrl).toMatch(/^http:\/\/127\.0\.0\.1:\d+\/api\/public\/v1\.0$/);
    // mongocli's ops_manager_url and the Go clients take the server root, with its trailing slash.
    expect(field(out, "Ops Manager URL")).toBe(`${new URL(baseUrl).origin}/`);
    expect(out).toMatch(/^Ops Manager URL is the server root: mongocli's ops_manager_url/m);
    expect(field(out, "Org ID")).toBe("0123456789abcdef01234567");
    expect(field(out, "Public key")).toBe("clipub");
    expect(field(out, "Private key")).toBe("cli-private");
    expect(field(out, "Client ID")).toMatch(/^mdb_sa_id_/);

    const client = new DigestTestClient({
      baseUrl,
      origin: new URL(baseUrl).origin,
      credentials: { publicKey: "clipub", privateKey: "cli-private" },
    });
    const created = await client.call("POST", "/orgs/0123456789abcdef01234567/invites", {
      username: "cli@example.com",
      roles: ["ORG_MEMBER"],
    });
    expect(created.status).toBe(201);
    expect((created.json as { orgName: string }).orgName).toBe("CLI Org");
    // Request lines go to stderr, without the private key.
    await printed(
      started,
      /POST \/api\/public\/v1\.0\/orgs\/0123456789abcdef01234567\/invites -> 201 \(digest clipub nc=00000001\)/,
      "stderr",
    );
    expect(started.stderr()).not.toContain("cli-private");

    started.child.kill("SIGTERM");
    expect(await started.exit).toEqual({ code: 0, signal: null });
  });

  it("exits 0 on SIGINT, and --json prints one parseable line; --control-plane-host adds a Host name", async () => {
    const started = run(["--json", "--quiet", "--no-service-account", "--control-plane-host", "emulator-svc"]);
    const line = (await printed(started, /^\{.*\}$/m))[0];
    const info = JSON.parse(line) as Record<string, unknown>;
    expect(info["baseUrl"]).toMatch(/\/api\/public\/v1\.0$/);
    expect(info["opsManagerUrl"]).toBe(`${String(info["origin"])}/`);
    expect(String(info["baseUrl"]).startsWith(String(info["opsManagerUrl"]))).toBe(true);
    expect(info["orgId"]).toMatch(/^[0-9a-f]{24}$/);
    expect(info["publicKey"]).toMatch(/^[a-z]{8}$/);
    expect(info["clientId"]).toBeNull();
    expect(info["controlPlane"]).toBe(true);
    const origin = String(info["origin"]);
    const stateVia = async (host: string): Promise<number> =>
      (await rawRequest(origin, `GET /__emulator/state HTTP/1.1\r\nHost: ${host}\r\nConnection: close\r\n\r\n`)).status;
    expect(await stateVia("emulator-svc:8080")).toBe(200);
    expect(await stateVia("elsewhere:8080")).toBe(403);
    started.child.kill("SIGINT");
    expect(await started.exit).toEqual({ code: 0, signal: null });
  });

  it("survives a restart with --persist", async () => {
    const dir = mkdtempSync(join(tmpdir(), "cm-cli-"));
    try {
      const file = join(dir, "state.json");
      const args = ["--public-key", "pp", "--private-key", "pk", "--persist", file, "--quiet"];
      const first = run(args);
      await printed(first, /^Stop with/m);
      const baseUrl = field(first.stdout(), "Base URL");
      const orgId = field(first.stdout(), "Org ID");
      const c1 = new DigestTestClient({ baseUrl, origin: new URL(baseUrl).origin, credentials: { publicKey: "pp", privateKey: "pk" } });
      const inv = (await c1.call("POST", `/orgs/${orgId}/invites`, { username: "kept@example.com", roles: ["ORG_MEMBER"] })).json as {
        id: string;
      };
      first.child.kill("SIGTERM");
      expect((await first.exit).code).toBe(0);

      const second = run(args);
      await printed(second, /^Stop with/m);
      expect(field(second.stdout(), "Org ID")).toBe(orgId);
      const base2 = field(second.stdout(), "Base URL");
      const c2 = new DigestTestClient({
        baseUrl: base2,
        origin: new URL(base2).origin,
        credentials: { publicKey: "pp", privateKey: "pk" },
      });
      expect((await c2.call("GET", `/orgs/${orgId}/invites/${inv.id}`)).status).toBe(200);
      second.child.kill("SIGTERM");
      expect((await second.exit).code).toBe(0);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it("keeps serving when the reader of its output goes away (2>&1 | head -1): logging never kills it", async () => {
    // `cloudmanager-emulator --json 2>&1 | head -1`: head takes the start-up line and exits, so every
    // request-log line after that is written to a pipe nobody reads (EPIPE).
    const head = spawn("head", ["-1"], { stdio: ["pipe", "pipe", "inherit"] });
    const child = spawn(process.execPath, [CLI, "--json", "--port", "0"], { stdio: ["ignore", head.stdin, head.stdin] });
    children.push(head, child);
    head.stdin.destroy(); // the child holds its own copy; head's exit leaves no reader at all
    const exit = new Promise<{ code: number | null; signal: string | null }>((resolve) =>
      child.on("exit", (code, signal) => resolve({ code, signal })),
    );
    let firstLine = "";
    head.stdout.on("data", (d: Buffer) => (firstLine += d.toString()));
    await new Promise((resolve) => head.on("close", resolve));
    const info = JSON.parse(firstLine) as { baseUrl: string; origin: string; orgId: string; publicKey: string; privateKey: string };

    const client = new DigestTestClient({
      baseUrl: info.baseUrl,
      origin: info.origin,
      credentials: { publicKey: info.publicKey, privateKey: info.privateKey },
    });
    for (let i = 0; i < 5; i++) {
      // Each call logs two lines (the unsigned probe's 401 on the first, then the answer) into the broken pipe.
      expect((await client.call("GET", `/orgs/${info.orgId}`)).status).toBe(200);
    }
    const created = await client.call("POST", `/orgs/${info.orgId}/invites`, { username: "epipe@example.com", roles: ["ORG_MEMBER"] });
    expect(created.status).toBe(201);
    expect(child.exitCode).toBeNull();
    child.kill("SIGTERM");
    expect(await exit).toEqual({ code: 0, signal: null });
  });

  it("--empty-teams sets the last-team-user rule; a value other than reject or allow exits 2", async () => {
    const started = run(["--json", "--quiet", "--no-service-account", "--empty-teams", "allow"]);
    const info = JSON.parse((await printed(started, /^\{.*\}$/m))[0]) as { origin: string };
    const settings = await fetch(`${info.origin}/__emulator/settings`);
    expect(await settings.json()).toMatchObject({ emptyTeams: "allow" });
    started.child.kill("SIGTERM");
    expect(await started.exit).toEqual({ code: 0, signal: null });
    const bad = run(["--empty-teams", "maybe"]);
    expect((await bad.exit).code).toBe(2);
    expect(bad.stderr()).toContain("--empty-teams must be one of reject, allow");
  });

  it("--help prints usage and exits 0; a malformed --org-id or unknown option exits 2 with a message", async () => {
    const help = run(["--help"]);
    expect((await help.exit).code).toBe(0);
    expect(help.stdout()).toContain("Usage: cloudmanager-emulator");
    for (const flag of [
      "--host",
      "--port",
      "--public-key",
      "--private-key",
      "--org-id",
      "--org-name",
      "--persist",
      "--nonce-lifetime",
      "--reject-reused-nc",
      "--control-plane",
      "--control-plane-host",
      "--empty-teams",
      "--tls",
    ]) {
      expect(help.stdout()).toContain(flag);
    }
    const badOrg = run(["--org-id", "12345"]);
    expect((await badOrg.exit).code).toBe(2);
    expect(badOrg.stderr()).toContain("--org-id must be 24 lowercase hexadecimal characters");
    const unknown = run(["--frobnicate"]);
    expect((await unknown.exit).code).toBe(2);
    expect(unknown.stderr()).toContain("frobnicate");
  });
});

/** Status of a GET over HTTPS trusting `ca` (the request fails, certificate error included, when it does not verify). */
function httpsStatus(url: string, ca: string | undefined): Promise<number> {
  return new Promise((resolve, reject) => {
    const req = request(url, { agent: false, ...(ca === undefined ? {} : { ca }) }, (res) => {
      res.resume();
      resolve(res.statusCode ?? 0);
    });
    req.on("error", reject);
    req.end();
  });
}

describe("cloudmanager-emulator --tls", () => {
  it("prints https URLs and the CA's PEM file, serves HTTPS signed by that CA, and removes the folder at exit", async () => {
    const started = run(["--tls", "--quiet"]);
    await printed(started, /^Stop with/m);
    const out = started.stdout();
    const origin = field(out, "Ops Manager URL").replace(/\/$/, "");
    expect(field(out, "Base URL")).toBe(`${origin}/api/public/v1.0`);
    expect(origin).toMatch(/^https:\/\/127\.0\.0\.1:\d+$/);
    expect(field(out, "Control plane")).toBe(`${origin}/__emulator/`);
    const caPath = field(out, "CA certificate");
    const pem = readFileSync(caPath, "utf8");
    expect(pem).toMatch(/^-----BEGIN CERTIFICATE-----/);
    expect(await httpsStatus(`${origin}/__emulator/state`, pem)).toBe(200);
    const untrusted = await httpsStatus(`${origin}/__emulator/state`, undefined).then(
      () => undefined,
      (error: NodeJS.ErrnoException) => error,
    );
    expect(untrusted?.code).toMatch(/CERT|SIGNATURE|ISSUER/);
    started.child.kill("SIGTERM");
    expect(await started.exit).toEqual({ code: 0, signal: null });
    expect(existsSync(dirname(caPath))).toBe(false);
  });

  it("--json carries caCertificatePath (null without --tls)", async () => {
    const tls = run(["--json", "--quiet", "--tls"]);
    const info = JSON.parse((await printed(tls, /^\{.*\}$/m))[0]) as { origin: string; caCertificatePath: string };
    expect(info.origin).toMatch(/^https:/);
    expect(await httpsStatus(`${info.origin}/__emulator/state`, readFileSync(info.caCertificatePath, "utf8"))).toBe(200);
    tls.child.kill("SIGINT");
    expect(await tls.exit).toEqual({ code: 0, signal: null });
    const plain = run(["--json", "--quiet"]);
    const plainInfo = JSON.parse((await printed(plain, /^\{.*\}$/m))[0]) as { caCertificatePath: string | null };
    expect(plainInfo.caCertificatePath).toBeNull();
    plain.child.kill("SIGTERM");
    await plain.exit;
  });

  it("without openssl on PATH, exits 2 naming apt-get install openssl, and leaves no folder", async () => {
    const emptyBin = mkdtempSync(join(tmpdir(), "no-openssl-"));
    const temp = mkdtempSync(join(tmpdir(), "tls-tmp-"));
    try {
      const started = run(["--tls"], { ...process.env, PATH: emptyBin, TMPDIR: temp });
      expect((await started.exit).code).toBe(2);
      expect(started.stderr()).toContain("openssl");
      expect(started.stderr()).toContain("apt-get install openssl");
      expect(started.stdout()).toBe("");
      expect(readdirSync(temp)).toEqual([]);
    } finally {
      rmSync(emptyBin, { recursive: true, force: true });
      rmSync(temp, { recursive: true, force: true });
    }
  });
});
