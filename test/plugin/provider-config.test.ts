// The plugin's own configuration protocol (issue 18): CheckConfig checks an explicit provider's
// properties like stack config and hands the secret ones back marked secret; DiffConfig never
// replaces; Configure's properties reach the runtime; the default provider is told apart by its URN.
import type * as structTypes from "google-protobuf/google/protobuf/struct_pb";
import type * as provTypes from "@pulumi/pulumi/proto/provider_pb";
import { describe, expect, it } from "vitest";
import { checkConfig, checkProviderProperties, configOf, diffConfig, isExplicit } from "../../provider/plugin/provider-config";
import { readConfig, resolveConnection } from "../../provider/runtime/credentials";
import { fromPulumi } from "../../provider/runtime/from-pulumi";

const structproto = fromPulumi("google-protobuf/google/protobuf/struct_pb") as typeof structTypes;
const provproto = fromPulumi("./proto/provider_pb") as typeof provTypes;
const SECRET = "4dabf18193072939515e22adb298388d";
const ORG = "5f1b2c3d4e5f6a7b8c9d0e1f";

function checkRequest(news: Record<string, structTypes.JavaScriptValue>): provTypes.CheckRequest {
  const request = new provproto.CheckRequest();
  request.setUrn("urn:pulumi:dev::p::pulumi:providers:cloudmanager::beta");
  request.setNews(structproto.Struct.fromJavaScript(news));
  request.setOlds(structproto.Struct.fromJavaScript({}));
  return request;
}

describe("ProviderConfig_Check", () => {
  it("hands the private key and the client secret back marked secret, whatever the program marked", () => {
    const response = checkConfig(checkRequest({ publicKey: "pub", privateKey: "plain-private", baseUrl: "http://127.0.0.1:1" }));
    expect(response.getFailuresList()).toEqual([]);
    const inputs = response.getInputs()?.toJavaScript() ?? {};
    expect(inputs["publicKey"]).toBe("pub");
    expect(inputs["privateKey"]).toEqual({ [SECRET]: "1b47061264138c4ac30d75fd1eb44270", value: "plain-private" });
  });

  it("names a property that is not a setting, and half of a pair, with the same words as stack config", () => {
    expect(checkProviderProperties({ publicKey: "pub", privatekey: "x" })).toEqual([
      {
        property: "privatekey",
        reason: expect.stringMatching(
          /privatekey is not a setting of the cloudmanager provider; it takes publicKey, privateKey/,
        ) as unknown,
      },
    ]);
    const partial = checkProviderProperties({ publicKey: "pub" });
    expect(partial).toEqual([
      {
        property: "privateKey",
        reason: expect.stringMatching(/^CLOUDMANAGER_CREDENTIALS_MISSING: publicKey is set but privateKey is not/) as unknown,
      },
    ]);
    expect(checkProviderProperties({ baseUrl: "ftp://nope" })[0]?.property).toBe("baseUrl");
    expect(checkProviderProperties({ organizations: { [ORG]: { publicKey: "only" } } })[0]).toMatchObject({
      property: "organizations",
      reason: expect.stringMatching(new RegExp(`organization ${ORG} has credentials of its own but not a complete pair`)) as unknown,
    });
    // Values not known yet (preview) pass; the engine's own keys are not settings to check.
    expect(checkProviderProperties({ publicKey: "04da6b54-80e4-46f7-96ec-b56ff0331ba9", privateKey: "x", version: "0.1.0" })).toEqual([]);
  });
});

describe("ProviderConfig_Diff", () => {
  it("says which properties changed, and never that a replacement follows", () => {
    const request = new provproto.DiffRequest();
    request.setOlds(structproto.Struct.fromJavaScript({ publicKey: "old", privateKey: "s1", baseUrl: "http://a", version: "1" }));
    request.setNews(
      structproto.Struct.fromJavaScript({
        publicKey: "new",
        privateKey: { [SECRET]: "1b47061264138c4ac30d75fd1eb44270", value: "s2" },
        baseUrl: "http://a",
        version: "2",
      }),
    );
    const response = diffConfig(request);
    expect(response.getChanges()).toBe(provproto.DiffResponse.DiffChanges.DIFF_SOME);
    expect(response.getDiffsList()).toEqual(["privateKey", "publicKey"]);
    expect(response.getReplacesList()).toEqual([]);
    expect(response.getDetaileddiffMap().get("publicKey")?.getKind()).toBe(provproto.PropertyDiff.Kind.UPDATE);
    const same = new provproto.DiffRequest();
    same.setOlds(structproto.Struct.fromJavaScript({ publicKey: "k" }));
    same.setNews(structproto.Struct.fromJavaScript({ publicKey: "k" }));
    expect(diffConfig(same).getChanges()).toBe(provproto.DiffResponse.DiffChanges.DIFF_NONE);
  });
});

describe("ProviderConfig_Configure", () => {
  it("an explicit provider's properties (secrets unwrapped, organizations as an object) become the runtime's config", () => {
    const config = readConfig(
      configOf({
        publicKey: "pub",
        privateKey: { [SECRET]: "1b47061264138c4ac30d75fd1eb44270", value: "priv" },
        organizations: { [ORG]: { publicKey: "pub-o", privateKey: "priv-o" } },
      }),
    );
    expect(resolveConnection(config, {}).auth).toEqual({ kind: "apiKey", publicKey: "pub", privateKey: "priv" });
    expect(resolveConnection(config, {}, ORG).auth).toEqual({ kind: "apiKey", publicKey: "pub-o", privateKey: "priv-o" });
  });

  it("tells the default provider from an explicit one by its URN", () => {
    expect(isExplicit("urn:pulumi:dev::p::pulumi:providers:cloudmanager::default")).toBe(false);
    expect(isExplicit("urn:pulumi:dev::p::pulumi:providers:cloudmanager::default_0_1_0")).toBe(false);
    expect(isExplicit("urn:pulumi:dev::p::pulumi:providers:cloudmanager::beta")).toBe(true);
  });
});
