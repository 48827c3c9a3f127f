// The plugin's provider object (provider/plugin.ts) called in-process the way @pulumi/pulumi's
// provider server calls it (urn first, bags decoded with secrets kept), against the emulator:
// configuration from PULUMI_CONFIG and the environment, dispatch by type token to the runtime every
// dynamic resource uses, `__urn` in for the ledger and never out, secrets unwrapped and kept secret,
// and `read` for `pulumi import`.

import * as pulumi from "@pulumi/pulumi";
import type * as provider from "@pulumi/pulumi/provider";
import { afterAll, beforeAll, beforeEach, describe, expect, test } from "vitest";
import { ENV_VARS } from "../../provider/runtime/credentials";
import { UNKNOWN } from "../../provider/model/property-bag";
import { loadSchema } from "../../provider/plugin/schema";
import { outgoingBag, typeOfUrn, unwrapBag } from "../../provider/plugin/bags";
import { pluginConfig } from "../../provider/plugin/provider-config";
import { cloudmanagerProvider, ORG_INVITATION_TOKEN, ORG_MEMBERSHIP_TOKEN, ORG_ROSTER_TOKEN } from "../../provider/plugin/server";
import { engineAddressOf, type EngineNotices } from "../../provider/plugin/engine-log";
import { setNoticeSink } from "../../provider/runtime";
import { expectStorable, startHarness, type Harness } from "../provider/support/harness";

const SECRET = { [pulumi.runtime.specialSigKey]: pulumi.runtime.specialSecretSig };
const secret = (value: unknown) => ({ ...SECRET, value });

function urnOf(token: string, name: string, parentType?: string): string {
  return `urn:pulumi:dev::project::${parentType === undefined ? "" : `${parentType}$`}${token}::${name}`;
}

describe("configuration", () => {
  test("PULUMI_CONFIG as the engine sets it for a plugin: the namespace's keys without prefix, secrets decrypted", () => {
    const config = pluginConfig({ PULUMI_CONFIG: JSON.stringify({ publicKey: "pub", privateKey: "priv", baseUrl: "http://x" }) });
    expect(config.get("cloudmanager:publicKey")).toBe("pub");
    expect(config.get("cloudmanager:privateKey")).toBe("priv");
    expect(config.get("cloudmanager:baseUrl")).toBe("http://x");
    expect(config.get("cloudmanager:clientId")).toBeUndefined();
    expect(() => config.require("cloudmanager:clientId")).toThrow("cloudmanager:clientId");
  });

  test("prefixed keys (cloudmanager:key, cloudmanager:config:key) are read too; non-string values and other namespaces are not", () => {
    const config = pluginConfig({
      PULUMI_CONFIG: JSON.stringify({
        "cloudmanager:publicKey": "a",
        "cloudmanager:config:privateKey": "b",
        caCertificate: { x: 1 },
        "aws:region": "r",
      }),
    });
    expect(config.get("cloudmanager:publicKey")).toBe("a");
    expect(config.get("cloudmanager:privateKey")).toBe("b");
    expect(config.get("cloudmanager:caCertificate")).toBeUndefined();
    expect(config.get("cloudmanager:region")).toBeUndefined();
  });

  test("no PULUMI_CONFIG: nothing from stack config; a broken one is an error that says where it comes from", () => {
    expect(pluginConfig({}).get("cloudmanager:publicKey")).toBeUndefined();
    expect(() => pluginConfig({ PULUMI_CONFIG: "{not json" })).toThrow(/PULUMI_CONFIG.*not JSON/);
  });
});

describe("the engine's address", () => {
  test("is the first argument that is not one of the engine's logging flags", () => {
    expect(engineAddressOf(["127.0.0.1:4000"])).toBe("127.0.0.1:4000");
    expect(engineAddressOf(["--logtostderr", "-v=9", "--tracing", "tcp://x", "127.0.0.1:4001"])).toBe("127.0.0.1:4001");
    expect(engineAddressOf([])).toBeUndefined();
  });
});

describe("bags", () => {
  test("type tokens from URNs, with or without a parent type", () => {
    expect(typeOfUrn(urnOf(ORG_INVITATION_TOKEN, "alice"))).toBe(ORG_INVITATION_TOKEN);
    expect(typeOfUrn(urnOf(ORG_ROSTER_TOKEN, "r", "pkg:index:Component"))).toBe(ORG_ROSTER_TOKEN);
  });

  test("secrets and output values are unwrapped, deeply; the keys that held a secret are remembered", () => {
    const { bag, secretKeys } = unwrapBag({
      username: secret("alice@example.com"),
      roles: ["ORG_MEMBER", secret("ORG_OWNER")],
      orgId: { [pulumi.runtime.specialSigKey]: pulumi.runtime.specialOutputValueSig, value: "5f1b2c3d4e5f6a7b8c9d0e1f" },
      teamIds: { [pulumi.runtime.specialSigKey]: pulumi.runtime.specialOutputValueSig },
    });
    expect(bag).toEqual({
      username: "alice@example.com",
      roles: ["ORG_MEMBER", "ORG_OWNER"],
      orgId: "5f1b2c3d4e5f6a7b8c9d0e1f",
      teamIds: UNKNOWN,
    });
    expect([...secretKeys].sort()).toEqual(["roles", "username"]);
    expect(unwrapBag(undefined)).toEqual({ bag: {}, secretKeys: new Set() });
  });

  test("what goes back: bookkeeping removed, undefined dropped, secret keys wrapped again", () => {
    const out = outgoingBag(
      { __urn: "urn:pulumi:x", __provider: "code", username: "a@b.c", status: "PENDING", gone: undefined },
      new Set(["username"]),
    );
    expect(out).toEqual({ username: secret("a@b.c"), status: "PENDING" });
  });
});

describe("the provider against the emulator", () => {
  let h: Harness;
  let plugin: provider.Provider;
  const env = () => ({
    PULUMI_CONFIG: JSON.stringify({
      baseUrl: h.emulator.baseUrl,
      publicKey: h.emulator.credentials.publicKey,
      privateKey: h.emulator.credentials.privateKey,
    }),
  });

  beforeAll(async () => {
    h = await startHarness();
  });
  beforeEach(async () => {
    await h.reset();
    plugin = await cloudmanagerProvider({ env: env() });
  });
  afterAll(() => h.close());

  /** The provider's methods, present (the Provider interface makes them optional). */
  function methods(p: provider.Provider) {
    const { check, diff, create, read, update } = p;
    const remove = p.delete;
    if (!check || !diff || !create || !read || !update || !remove) throw new Error("the plugin lacks a CRUD method");
    return { check, diff, create, read, update, delete: remove };
  }

  async function checkAndCreate(token: string, name: string, news: Record<string, unknown>) {
    const m = methods(plugin);
    const urn = urnOf(token, name);
    const checked = await m.check(urn, {}, news);
    expect(checked.failures ?? []).toEqual([]);
    const created = await m.create(urn, checked.inputs);
    expectStorable(created.outs as object);
    return { urn, inputs: checked.inputs as Record<string, unknown>, ...created, outs: created.outs as Record<string, unknown> };
  }

  test("serves the schema (with the package version) and that version", async () => {
    expect(JSON.parse(plugin.schema ?? "{}")).toEqual(loadSchema());
    expect(plugin.version).toMatch(/^\d+\.\d+\.\d+/);
  });

  test("OrgInvitation: check → create → read → diff → update → delete, through the runtime, no __urn in any bag it returns", async () => {
    const m = methods(plugin);
    const { urn, inputs, id, outs } = await checkAndCreate(ORG_INVITATION_TOKEN, "alice", {
      orgId: h.orgId,
      username: " alice@example.com ",
      roles: ["ORG_READ_ONLY", "ORG_MEMBER"],
    });
    expect(inputs).toEqual({ orgId: h.orgId, username: "alice@example.com", roles: ["ORG_MEMBER", "ORG_READ_ONLY"], teamIds: [] });
    const sent = h.emulator.state.invitations(h.orgId);
    expect(sent.map((i) => i.username)).toEqual(["alice@example.com"]);
    expect(id).toBe(`${h.orgId}/${sent[0]?.id}`);
    expect(outs).toMatchObject({ status: "PENDING", invitationId: sent[0]?.id, roles: ["ORG_MEMBER", "ORG_READ_ONLY"] });
    expect(outs).not.toHaveProperty("__urn");

    expect(await m.read(id, urn, outs)).toEqual({ id, props: outs });
    expect(await m.diff(id, urn, outs, inputs)).toEqual({ changes: false });
    const news = { ...inputs, roles: ["ORG_OWNER"] };
    expect(await m.diff(id, urn, outs, news)).toEqual({ changes: true });
    const updated = await m.update(id, urn, outs, news);
    expect(updated.outs).toMatchObject({ roles: ["ORG_OWNER"], status: "PENDING" });
    expect(updated.outs).not.toHaveProperty("__urn");
    expect(await m.diff(id, urn, outs, { ...inputs, teamIds: ["5f1b2c3d4e5f6a7b8c9d0e20"] })).toEqual({
      changes: true,
      replaces: ["teamIds"],
      deleteBeforeReplace: true,
    });

    // `pulumi destroy`, the next deployment (in this one the diffs above told the ledger the resource keeps it).
    await h.newDeployment();
    plugin = await cloudmanagerProvider({ env: env() });
    await methods(plugin).delete(id, urn, updated.outs);
    expect(h.emulator.state.invitations(h.orgId).filter((i) => i.status === "pending")).toEqual([]);
  });

  test("the URN of each call reaches the ledger: one person declared twice is refused at check, a rename hands over", async () => {
    const m = methods(plugin);
    const first = await checkAndCreate(ORG_INVITATION_TOKEN, "bob", { orgId: h.orgId, username: "bob@example.com", roles: ["ORG_MEMBER"] });
    const twice = await m.check(
      urnOf(ORG_INVITATION_TOKEN, "bob-again"),
      {},
      { orgId: h.orgId, username: "BOB@example.com", roles: ["ORG_MEMBER"] },
    );
    expect(twice.failures?.[0]?.property).toBe("username");
    expect(twice.failures?.[0]?.reason).toContain("DUPLICATE_INVITATION");
    expect(twice.inputs).not.toHaveProperty("__urn");

    // A rename, in the next deployment: the new resource adopts the invitation, the old one's delete hands it over.
    await h.newDeployment();
    plugin = await cloudmanagerProvider({ env: env() });
    const renamed = await checkAndCreate(ORG_INVITATION_TOKEN, "robert", {
      orgId: h.orgId,
      username: "bob@example.com",
      roles: ["ORG_MEMBER"],
    });
    expect(renamed.id).toBe(first.id);
    const before = h.emulator.state.requests().length;
    await methods(plugin).delete(first.id, first.urn, first.outs);
    expect(
      h.emulator.state
        .requests()
        .slice(before)
        .filter((r) => r.method === "DELETE"),
    ).toEqual([]);
    expect(h.notices.join("\n")).toContain('handed over from "bob" to "robert"');
  });

  test("OrgMembership and OrgRoster go to runtime.membership and runtime.roster", async () => {
    const membership = await checkAndCreate(ORG_MEMBERSHIP_TOKEN, "carol", {
      orgId: h.orgId,
      username: "carol@example.com",
      roles: ["ORG_MEMBER"],
    });
    expect(membership.id).toBe(`${h.orgId}/carol@example.com`);
    expect(membership.outs).toMatchObject({ status: "PENDING", username: "carol@example.com" });

    const roster = await checkAndCreate(ORG_ROSTER_TOKEN, "roster", { orgId: h.orgId, managed: ["carol@example.com"] });
    expect(roster.id).toBe(`${h.orgId}/roster`);
    expect(roster.outs).toMatchObject({ managed: ["carol@example.com"], prune: false, unmanagedInvitations: "" });
    expect(Object.keys(roster.outs).sort()).toEqual(Object.keys(loadSchema().resources[ORG_ROSTER_TOKEN]?.properties ?? {}).sort());

    await expect(methods(plugin).check(urnOf("cloudmanager:index:Nope", "x"), {}, {})).rejects.toThrow(
      /unknown resource type cloudmanager:index:Nope/,
    );
  });

  test("check failures are per property, before any API call, and keep the inputs (without bookkeeping)", async () => {
    const before = h.emulator.state.requests().length;
    const result = await methods(plugin).check(urnOf(ORG_INVITATION_TOKEN, "bad"), {}, { orgId: "12345", username: "x", roles: ["ADMIN"] });
    expect(result.failures?.map((f) => f.property).sort()).toEqual(["orgId", "roles", "username"]);
    expect(result.inputs).toEqual({ orgId: "12345", username: "x", roles: ["ADMIN"] });
    expect(h.emulator.state.requests().length).toBe(before);
  });

  test("read with no state (pulumi import) returns the inputs too: the schema's input properties only", async () => {
    const handmade = await h.outside.createInvitation(h.orgId, {
      username: "dana@example.com",
      roles: ["ORG_MEMBER", "ORG_GROUP_CREATOR"],
    });
    await h.newDeployment();
    plugin = await cloudmanagerProvider({ env: env() });
    const id = `${h.orgId}/${handmade.id}`;
    const imported = await methods(plugin).read(id, urnOf(ORG_INVITATION_TOKEN, "dana"), {});
    expect(imported.id).toBe(id);
    expect(imported.inputs).toEqual({
      orgId: h.orgId,
      username: "dana@example.com",
      roles: ["ORG_GROUP_CREATOR", "ORG_MEMBER"],
      teamIds: [],
    });
    expect(imported.props).toMatchObject({ status: "PENDING", invitationId: handmade.id });

    // Another `pulumi import` (one person is imported once per deployment: see the next test).
    await h.newDeployment();
    plugin = await cloudmanagerProvider({ env: env() });
    const member = await methods(plugin).read(`${h.orgId}/dana@example.com`, urnOf(ORG_MEMBERSHIP_TOKEN, "dana"), {});
    expect(member.inputs).toEqual({
      orgId: h.orgId,
      username: "dana@example.com",
      roles: ["ORG_GROUP_CREATOR", "ORG_MEMBER"],
      teamIds: [],
    });
    expect(member.props).toMatchObject({ status: "PENDING" });

    const roster = await methods(plugin).read(`${h.orgId}/roster`, urnOf(ORG_ROSTER_TOKEN, "roster"), {});
    expect(roster.inputs).toEqual({ orgId: h.orgId, managed: [], ignore: [], prune: false });

    // With state (refresh), the engine keeps its inputs: none are returned.
    const stored = imported.props as Record<string, unknown>;
    const refreshed = await methods(plugin).read(id, urnOf(ORG_INVITATION_TOKEN, "dana"), stored);
    expect(refreshed).toEqual({ id, props: stored });

    // Nothing pending under that id: the import fails and says why.
    await expect(methods(plugin).read(`${h.orgId}/${"0".repeat(24)}`, urnOf(ORG_INVITATION_TOKEN, "ghost"), {})).rejects.toThrow(
      /RESOURCE_NOT_FOUND/,
    );

    // Once a member, the person is imported as an OrgMembership with the member's roles.
    h.emulator.state.acceptInvitation(h.orgId, handmade.id);
    await h.newDeployment();
    plugin = await cloudmanagerProvider({ env: env() });
    const active = await methods(plugin).read(`${h.orgId}/dana@example.com`, urnOf(ORG_MEMBERSHIP_TOKEN, "dana"), {});
    expect(active.inputs).toEqual({
      orgId: h.orgId,
      username: "dana@example.com",
      roles: ["ORG_GROUP_CREATOR", "ORG_MEMBER"],
      teamIds: [],
    });
    expect(active.props).toMatchObject({ status: "ACTIVE" });
    await expect(methods(plugin).read(id, urnOf(ORG_INVITATION_TOKEN, "dana"), {})).rejects.toThrow(/RESOURCE_NOT_FOUND.*OrgMembership/s);
  });

  test("one person imported twice in one import is refused (IMPORTED_TWICE), whatever the type or letter case (issue 16)", async () => {
    const handmade = await h.outside.createInvitation(h.orgId, { username: "m1@example.com", roles: ["ORG_MEMBER"] });
    await h.newDeployment();
    plugin = await cloudmanagerProvider({ env: env() });
    const first = await methods(plugin).read(`${h.orgId}/${handmade.id}`, urnOf(ORG_INVITATION_TOKEN, "m1"), {});
    expect(first.props).toMatchObject({ status: "PENDING" });
    await expect(methods(plugin).read(`${h.orgId}/m1@example.com`, urnOf(ORG_MEMBERSHIP_TOKEN, "m1-membership"), {})).rejects.toThrow(
      /^IMPORTED_TWICE: m1@example.com .* already imported by .*m1"/,
    );
    await expect(methods(plugin).read(`${h.orgId}/M1@EXAMPLE.COM`, urnOf(ORG_MEMBERSHIP_TOKEN, "m1-upper"), {})).rejects.toThrow(
      /^IMPORTED_TWICE:/,
    );
  });

  test("an import id with more parts than the format is malformed, not 'not found' (issue 16)", async () => {
    await expect(methods(plugin).read(`${h.orgId}/m1@example.com/extra`, urnOf(ORG_MEMBERSHIP_TOKEN, "odd"), {})).rejects.toThrow(
      /^INVALID_RESOURCE_ID: .* is not an OrgMembership id/,
    );
  });

  test("a secret input stays secret in the inputs and outputs handed back", async () => {
    const m = methods(plugin);
    const urn = urnOf(ORG_INVITATION_TOKEN, "erin");
    const checked = await m.check(urn, {}, { orgId: h.orgId, username: secret("erin@example.com"), roles: ["ORG_MEMBER"] });
    expect(checked.inputs).toMatchObject({ username: secret("erin@example.com"), orgId: h.orgId });
    const created = await m.create(urn, checked.inputs);
    expect(created.outs).toMatchObject({ username: secret("erin@example.com"), status: "PENDING" });
    expect(h.emulator.state.invitations(h.orgId).map((i) => i.username)).toEqual(["erin@example.com"]);
  });

  test("credentials: the environment when stack config has none; stack config over the environment", async () => {
    const { credentials, baseUrl } = h.emulator;
    process.env[ENV_VARS.baseUrl] = baseUrl;
    process.env[ENV_VARS.publicKey] = credentials.publicKey;
    process.env[ENV_VARS.privateKey] = credentials.privateKey;
    plugin = await cloudmanagerProvider({ env: {} });
    await checkAndCreate(ORG_INVITATION_TOKEN, "frank", { orgId: h.orgId, username: "frank@example.com", roles: ["ORG_MEMBER"] });

    process.env[ENV_VARS.privateKey] = "wrong";
    plugin = await cloudmanagerProvider({ env: env() });
    await checkAndCreate(ORG_INVITATION_TOKEN, "gina", { orgId: h.orgId, username: "gina@example.com", roles: ["ORG_MEMBER"] });

    plugin = await cloudmanagerProvider({ env: { PULUMI_CONFIG: JSON.stringify({ privateKey: "also-wrong" }) } });
    await expect(
      methods(plugin).create(urnOf(ORG_INVITATION_TOKEN, "hank"), {
        orgId: h.orgId,
        username: "hank@example.com",
        roles: ["ORG_MEMBER"],
        teamIds: [],
      }),
    ).rejects.toThrow(/401/);
  });

  test("notices go to the engine for the resource whose call raised them, delivered before the call returns", async () => {
    const sent: { message: string; urn: string | undefined }[] = [];
    let flushed = 0;
    const notices: EngineNotices = {
      send: (message, urn) => void sent.push({ message, urn }),
      flush: async () => void flushed++,
    };
    try {
      plugin = await cloudmanagerProvider({ env: env(), notices });
      const urn = urnOf(ORG_INVITATION_TOKEN, "ivy");
      const checked = await methods(plugin).check(urn, {}, { orgId: h.orgId, username: "ivy@example.com", roles: ["ORG_FUTURE_ROLE"] });
      expect(checked.failures ?? []).toEqual([]);
      expect(sent).toHaveLength(1);
      expect(sent[0]?.urn).toBe(urn);
      expect(sent[0]?.message).toMatch(/^warning: cloudmanager: role "ORG_FUTURE_ROLE" is not one this provider knows/);
      expect(flushed).toBe(1);
    } finally {
      setNoticeSink((message) => h.notices.push(message));
    }
  });
});
