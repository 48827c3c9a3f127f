// Two provider processes of one deployment (dynamic resources and the plugin in one program) agree
// through the peer channel: a person held by one is handed over when the other deletes its resource,
// and one person declared by both is refused (issue 16, item 2).
import { chmodSync, mkdtempSync, readFileSync, statSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { DeploymentLedger } from "../../../provider/deployment/deployment-ledger";
import { PeerChannel } from "../../../provider/deployment/peer-channel";

const ORG = "5f1b2c3d4e5f6a7b8c9d0e1f";
const DYNAMIC_CAROL = "urn:pulumi:dev::p::pulumi-nodejs:dynamic/cloudmanager:OrgInvitation::carol";
const PLUGIN_CAROL = "urn:pulumi:dev::p::cloudmanager:index:OrgMembership::carol-m";

function twoProcesses(): { file: string; dynamic: DeploymentLedger; plugin: DeploymentLedger } {
  const file = join(mkdtempSync(join(tmpdir(), "cm-peers-")), "deployment.jsonl");
  return { file, dynamic: new DeploymentLedger(PeerChannel.at(file, 101)), plugin: new DeploymentLedger(PeerChannel.at(file, 202)) };
}

describe("PeerChannel_BetweenFrontDoors", () => {
  it("a person the plugin's OrgMembership now holds is handed over when the dynamic OrgInvitation is deleted", () => {
    const { dynamic, plugin } = twoProcesses();
    const carol = { kind: "person", orgId: ORG, username: "Carol@Example.com" } as const;
    expect(dynamic.successor(carol, DYNAMIC_CAROL)).toBeUndefined();
    plugin.hold({ ...carol, username: "carol@example.com" }, PLUGIN_CAROL, "step");
    expect(dynamic.successor(carol, DYNAMIC_CAROL)).toBe(PLUGIN_CAROL);
    // Someone else entirely is still nobody's.
    expect(dynamic.successor({ ...carol, username: "dave@example.com" }, DYNAMIC_CAROL)).toBeUndefined();
  });

  it("one person declared through both front doors is a duplicate for both", () => {
    const { dynamic, plugin } = twoProcesses();
    expect(dynamic.declare({ orgId: ORG, username: "carol@example.com" }, DYNAMIC_CAROL)).toEqual([]);
    expect(plugin.declare({ orgId: ORG, username: "CAROL@example.com" }, PLUGIN_CAROL)).toEqual([DYNAMIC_CAROL]);
    expect(dynamic.othersDeclaring({ orgId: ORG, username: "carol@example.com" }, DYNAMIC_CAROL)).toEqual([PLUGIN_CAROL]);
    expect([...plugin.declaredIn(ORG)]).toEqual(["carol@example.com"]);
  });

  it("the owner guard's plan spans both processes: an owner the plugin demotes is no owner the dynamic side can count on", () => {
    const { dynamic, plugin } = twoProcesses();
    const owner = { orgId: ORG, username: "o2@example.com" };
    expect(dynamic.intentFor(owner)).toBeUndefined();
    plugin.intend(owner, { urn: PLUGIN_CAROL, roles: ["ORG_MEMBER"], removing: false });
    expect(dynamic.intentFor(owner)).toEqual({ urn: PLUGIN_CAROL, roles: ["ORG_MEMBER"], removing: false });
    // This process's own word wins over a peer's.
    dynamic.intend(owner, { urn: DYNAMIC_CAROL, roles: [], removing: true });
    expect(dynamic.intentFor(owner)).toMatchObject({ urn: DYNAMIC_CAROL, removing: true });
  });

  it("reads only whole lines, skips what it cannot parse, and keeps its file private", () => {
    const { file, dynamic, plugin } = twoProcesses();
    dynamic.declare({ orgId: ORG, username: "a@example.com" }, "urn:pulumi:dev::p::t::a");
    expect(statSync(file).mode & 0o777).toBe(0o600);
    const text = readFileSync(file, "utf8");
    expect(text.trim().split("\n")).toHaveLength(1);
    expect(plugin.othersDeclaring({ orgId: ORG, username: "a@example.com" }, "urn:pulumi:dev::p::t::b")).toEqual([
      "urn:pulumi:dev::p::t::a",
    ]);
  });

  it("a process that looked before anyone wrote sees what is written afterwards, each line once", () => {
    const file = join(mkdtempSync(join(tmpdir(), "cm-peers-")), "deployment.jsonl");
    const dynamic = PeerChannel.at(file, 101);
    const plugin = PeerChannel.at(file, 202);
    // The dynamic side looks first: there is no file yet.
    expect(dynamic.news()).toEqual([]);
    plugin.record({ kind: "hold", key: "k0", urn: PLUGIN_CAROL, via: "step" });
    dynamic.record({ kind: "declare", key: "k1", urn: DYNAMIC_CAROL });
    expect(dynamic.news()).toEqual([{ kind: "hold", key: "k0", urn: PLUGIN_CAROL, via: "step", pid: 202 }]);
    expect(dynamic.news()).toEqual([]);
    for (let i = 1; i <= 50; i++) plugin.record({ kind: "declare", key: `p${i}`, urn: `urn:pulumi:dev::p::t::p${i}` });
    expect(dynamic.news().map((e) => e.key)).toEqual(Array.from({ length: 50 }, (_, i) => `p${i + 1}`));
    expect(plugin.news().map((e) => e.key)).toEqual(["k1"]);
    expect(readFileSync(file, "utf8").trim().split("\n")).toHaveLength(52);
    // Closed (the runtime shut down) and used again: it reopens and reads on, nothing twice.
    dynamic.close();
    plugin.close();
    plugin.record({ kind: "declare", key: "p51", urn: "urn:pulumi:dev::p::t::p51" });
    expect(dynamic.news().map((e) => e.key)).toEqual(["p51"]);
  });

  it("ignores a file that others may write (a planted holding must not stop a withdrawal)", () => {
    const { file, dynamic, plugin } = twoProcesses();
    plugin.hold({ kind: "person", orgId: ORG, username: "carol@example.com" }, PLUGIN_CAROL, "step");
    chmodSync(file, 0o666);
    expect(dynamic.successor({ kind: "person", orgId: ORG, username: "carol@example.com" }, DYNAMIC_CAROL)).toBeUndefined();
  });

  it("without an engine process among the ancestors there is no channel (the runtime embedded in a test or a program)", () => {
    expect(PeerChannel.forThisDeployment()).toBeUndefined();
  });
});
