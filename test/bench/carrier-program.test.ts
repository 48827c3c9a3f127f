// bench:roster's carrier must carry the real roster's outputs unchanged and do nothing else, or the
// "host's share" it measures would not be the same outputs.

import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { carrierProvider } from "../../bench/carrier-program";

const dir = mkdtempSync(join(tmpdir(), "carrier-"));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe("the carrier no-op", () => {
  it("creates with the file's outputs, reads back what the engine sent, and sees no change", async () => {
    const outputs = {
      orgId: "5f1b2c3d4e5f6a7b8c9d0e1f",
      managed: ["a@example.com"],
      // JSON Lines, as the roster writes them.
      unmanagedMembers: JSON.stringify({
        username: "b@example.com",
        roles: ["ORG_MEMBER"],
        userId: "u1",
        firstSeen: "2026-12-07T00:00:00.000Z",
      }),
      unmanagedInvitations: "",
    };
    const file = join(dir, "outputs.json");
    writeFileSync(file, JSON.stringify(outputs));
    const created = await carrierProvider.create({ file });
    if (created.outs === undefined) throw new Error("the carrier created no outputs");
    expect(created).toEqual({ id: "carrier", outs: { ...outputs, file } });
    const read = await carrierProvider.read?.("carrier", created.outs);
    expect(read).toEqual({ id: "carrier", props: created.outs });
    // Like the real roster: anyone undeclared is a change.
    expect(await carrierProvider.diff?.("carrier", created.outs, { file })).toEqual({ changes: true });
    expect(await carrierProvider.diff?.("carrier", { ...created.outs, unmanagedMembers: "" }, { file })).toEqual({ changes: false });
    expect(
      await carrierProvider.diff?.(
        "carrier",
        { ...created.outs, unmanagedMembers: "", unmanagedInvitations: '{"username":"c@example.com"}' },
        { file },
      ),
    ).toEqual({ changes: true });
  });

  it("appends the lines of <file>.joined to unmanagedMembers at read, keeping the others, once", async () => {
    const file = join(dir, "joined.json");
    const b = JSON.stringify({ username: "b@example.com", roles: ["ORG_MEMBER"] });
    const zed = JSON.stringify({ username: "zed@example.com", roles: ["ORG_MEMBER"] });
    const outputs = { unmanagedMembers: `${b}\n`, unmanagedInvitations: "", file };
    writeFileSync(file, JSON.stringify(outputs));
    expect(await carrierProvider.read?.("carrier", outputs)).toEqual({ id: "carrier", props: outputs });
    writeFileSync(`${file}.joined`, `${zed}\n`);
    const read = await carrierProvider.read?.("carrier", outputs);
    expect(read?.props).toEqual({ ...outputs, unmanagedMembers: `${b}\n${zed}\n` });
    // A second read (the preview's refresh, then its diff) adds nobody twice.
    expect((await carrierProvider.read?.("carrier", read?.props ?? {}))?.props?.["unmanagedMembers"]).toBe(`${b}\n${zed}\n`);
    // Into an empty roster: the newcomer's line alone.
    expect((await carrierProvider.read?.("carrier", { ...outputs, unmanagedMembers: "" }))?.props?.["unmanagedMembers"]).toBe(`${zed}\n`);
  });
});
