// Debian's curl, a Digest client nobody here wrote, through create/get/list/update/delete.
import { execFile } from "node:child_process";
import { promisify } from "node:util";
import { describe, expect, it } from "vitest";
import { emulator } from "./helpers";

const execFileAsync = promisify(execFile);

interface CurlReply {
  status: number;
  body: string;
}

async function curl(user: string, method: string, url: string, body?: unknown): Promise<CurlReply> {
  const args = [
    "--silent",
    "--show-error",
    "--digest",
    "--user",
    user,
    "--request",
    method,
    "--header",
    "Accept: application/json",
    "--write-out",
    "\n%{http_code}",
  ];
  if (body !== undefined) args.push("--header", "Content-Type: application/json", "--data-binary", JSON.stringify(body));
  args.push(url);
  const { stdout } = await execFileAsync("curl", args);
  const cut = stdout.lastIndexOf("\n");
  return { status: Number(stdout.slice(cut + 1)), body: stdout.slice(0, cut) };
}

describe("curl --digest against the emulator", () => {
  it("creates, gets, lists, updates (both forms) and deletes an invitation", async () => {
    const emu = await emulator({ rejectReusedNonceCount: true });
    const user = `${emu.credentials.publicKey}:${emu.credentials.privateKey}`;
    const base = `${emu.baseUrl}/orgs/${emu.org.id}/invites`;

    const created = await curl(user, "POST", base, { username: "curl@example.com", roles: ["ORG_MEMBER"] });
    expect(created.status).toBe(201);
    const inv = JSON.parse(created.body) as { id: string; username: string; roles: string[]; inviterUsername: string };
    expect(inv).toMatchObject({ username: "curl@example.com", roles: ["ORG_MEMBER"], inviterUsername: emu.credentials.publicKey });

    const got = await curl(user, "GET", `${base}/${inv.id}`);
    expect(got.status).toBe(200);
    expect(JSON.parse(got.body)).toEqual(inv);

    const listed = await curl(user, "GET", `${base}?username=curl%40example.com&pretty=true`);
    expect(listed.status).toBe(200);
    expect(listed.body).toBe(JSON.stringify([inv], null, 2));

    const byId = await curl(user, "PATCH", `${base}/${inv.id}`, { roles: ["ORG_OWNER", "ORG_BILLING_ADMIN"] });
    expect(byId.status).toBe(200);
    expect((JSON.parse(byId.body) as { roles: string[] }).roles).toEqual(["ORG_OWNER", "ORG_BILLING_ADMIN"]);

    const byName = await curl(user, "PATCH", base, { username: "curl@example.com", roles: ["ORG_READ_ONLY"] });
    expect(byName.status).toBe(200);
    expect((JSON.parse(byName.body) as { roles: string[] }).roles).toEqual(["ORG_READ_ONLY"]);

    const deleted = await curl(user, "DELETE", `${base}/${inv.id}`);
    expect(deleted.status).toBe(204);
    expect(deleted.body).toBe("");

    const gone = await curl(user, "GET", `${base}/${inv.id}`);
    expect(gone.status).toBe(404);
    expect((JSON.parse(gone.body) as { errorCode: string }).errorCode).toBe("RESOURCE_NOT_FOUND");

    // curl signs every call after a fresh challenge: 2 wire requests per call, all with Digest on the second.
    const log = emu.state.requests();
    expect(log).toHaveLength(14);
    expect(
      log
        .filter((r) => r.auth.type === "digest")
        .every((r) => r.auth.type === "digest" && r.auth.username === emu.credentials.publicKey && r.auth.nc === "00000001"),
    ).toBe(true);
  });

  it("gets a clean 401 with a wrong private key and the error body to read", async () => {
    const emu = await emulator();
    const reply = await curl(`${emu.credentials.publicKey}:wrong`, "GET", `${emu.baseUrl}/orgs/${emu.org.id}/invites`);
    expect(reply.status).toBe(401);
    expect((JSON.parse(reply.body) as { errorCode: string }).errorCode).toBe("USER_UNAUTHORIZED");
  });
});
