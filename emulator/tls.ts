// TLS mode: a private CA and a server certificate made at start, with the `openssl` command (Node
// can make keys but has no X.509 writer). The CA's key is deleted as soon as it has signed, so the
// CA a client trusts for this run can sign nothing else; the folder goes at close.
import { execFile } from "node:child_process";
import { generateKeyPairSync, randomBytes } from "node:crypto";
import { mkdtemp, readFile, rm, writeFile } from "node:fs/promises";
import { isIP } from "node:net";
import { tmpdir } from "node:os";
import { join } from "node:path";

export interface TlsMaterial {
  /** The temporary folder holding ca.pem, server.pem and server.key (mode 0700). */
  dir: string;
  caCertificatePath: string;
  caCertificate: string;
  key: string;
  cert: string;
}

/** Certificates are made fresh at every start; a day is plenty, a month spares a long demo. */
const VALIDITY_DAYS = 30;

export const OPENSSL_MISSING =
  "TLS mode needs the openssl command to make its certificates, and none was found on PATH. " +
  "Install it (Debian/Ubuntu: apt-get install openssl; Alpine: apk add openssl; macOS has it) or start without TLS.";

/**
 * The names the server certificate covers: the loopback names always, plus the listening host as
 * given (so the printed URL verifies, even https://0.0.0.0:PORT).
 */
export function subjectAltNames(host: string): string[] {
  const names = ["DNS:localhost", "IP:127.0.0.1", "IP:::1"];
  const bare = host.replace(/^\[|\]$/g, "").toLowerCase();
  if (bare !== "") {
    const extra = isIP(bare) ? `IP:${bare}` : `DNS:${bare}`;
    if (!names.includes(extra)) names.push(extra);
  }
  return names;
}

export async function createTlsMaterial(host: string): Promise<TlsMaterial> {
  const dir = await mkdtemp(join(tmpdir(), "cloudmanager-emulator-tls-"));
  try {
    return await writeMaterial(dir, host);
  } catch (error) {
    await removeTlsMaterial(dir);
    throw error;
  }
}

export async function removeTlsMaterial(dir: string): Promise<void> {
  await rm(dir, { recursive: true, force: true });
}

async function writeMaterial(dir: string, host: string): Promise<TlsMaterial> {
  const file = (name: string): string => join(dir, name);
  const config = [
    "[req]",
    "distinguished_name = dn",
    "prompt = no",
    "[dn]",
    "CN = Cloud Manager emulator",
    "[ca]",
    "basicConstraints = critical, CA:TRUE, pathlen:0",
    "keyUsage = critical, keyCertSign, cRLSign",
    "subjectKeyIdentifier = hash",
    "[server]",
    "basicConstraints = critical, CA:FALSE",
    "keyUsage = critical, digitalSignature",
    "extendedKeyUsage = serverAuth",
    `subjectAltName = ${subjectAltNames(host).join(", ")}`,
    "subjectKeyIdentifier = hash",
    "authorityKeyIdentifier = keyid",
    "",
  ].join("\n");
  await writeFile(file("openssl.cnf"), config, { mode: 0o600 });
  await writeFile(file("ca.key"), ecPrivateKey(), { mode: 0o600 });
  await writeFile(file("server.key"), ecPrivateKey(), { mode: 0o600 });
  const days = String(VALIDITY_DAYS);
  // The system's openssl.cnf is never read: everything comes from the file written above.
  const env = { ...process.env, OPENSSL_CONF: file("openssl.cnf") };
  const run = (args: string[]): Promise<void> => openssl(args, env);
  const cnf = ["-config", file("openssl.cnf")];
  const caSubject = `/CN=Cloud Manager emulator CA ${randomBytes(4).toString("hex")}`;
  await run([
    "req",
    ...cnf,
    "-new",
    "-x509",
    "-key",
    file("ca.key"),
    "-subj",
    caSubject,
    "-days",
    days,
    "-sha256",
    "-extensions",
    "ca",
    "-out",
    file("ca.pem"),
  ]);
  await run(["req", ...cnf, "-new", "-key", file("server.key"), "-subj", "/CN=localhost", "-out", file("server.csr")]);
  const serial = `0x01${randomBytes(15).toString("hex")}`;
  await run([
    "x509",
    "-req",
    "-in",
    file("server.csr"),
    "-CA",
    file("ca.pem"),
    "-CAkey",
    file("ca.key"),
    "-set_serial",
    serial,
    "-days",
    days,
    "-sha256",
    "-extfile",
    file("openssl.cnf"),
    "-extensions",
    "server",
    "-out",
    file("server.pem"),
  ]);
  // Nothing needs the CA's key any more: without it, the CA a client trusts for this run signs nothing else.
  await Promise.all([rm(file("ca.key")), rm(file("server.csr")), rm(file("openssl.cnf"))]);
  const [caCertificate, cert, key] = await Promise.all([
    readFile(file("ca.pem"), "utf8"),
    readFile(file("server.pem"), "utf8"),
    readFile(file("server.key"), "utf8"),
  ]);
  return { dir, caCertificatePath: file("ca.pem"), caCertificate, key, cert };
}

function ecPrivateKey(): string {
  const { privateKey } = generateKeyPairSync("ec", { namedCurve: "prime256v1" });
  return privateKey.export({ type: "pkcs8", format: "pem" }).toString();
}

function openssl(args: string[], env: NodeJS.ProcessEnv): Promise<void> {
  return new Promise((resolve, reject) => {
    execFile("openssl", args, { env, timeout: 30_000 }, (error, _stdout, stderr) => {
      if (!error) return resolve();
      if ((error as NodeJS.ErrnoException).code === "ENOENT") return reject(new Error(OPENSSL_MISSING));
      reject(new Error(`openssl ${args[0]} failed while making the TLS certificates: ${String(stderr).trim() || error.message}`));
    });
  });
}
