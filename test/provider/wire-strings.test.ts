// The provider process's long-string path on @pulumi/pulumi's gRPC wire (provider/runtime/wire-strings):
// every message it encodes must be the bytes google-protobuf's own writer makes, and every message it
// decodes the strings google-protobuf's own reader gives, whatever the strings hold; what could differ
// (a lone surrogate, bytes that are not UTF-8, a short string) goes google-protobuf's own way.

import { createRequire } from "node:module";
import type * as structTypes from "google-protobuf/google/protobuf/struct_pb";
import type * as provTypes from "@pulumi/pulumi/proto/provider_pb";
import { describe, expect, it } from "vitest";
import {
  installWireStrings,
  LONG_STRING,
  ownStringMethods,
  stringPrototypes,
  type Protobuf,
  type StringMethods,
} from "../../provider/runtime/wire-strings";

// The copies @pulumi/pulumi's servers use, as the provider process patches them.
const fromPulumi = createRequire(require.resolve("@pulumi/pulumi/package.json"));
const protobuf = fromPulumi("google-protobuf") as Protobuf;
const structproto = fromPulumi("google-protobuf/google/protobuf/struct_pb") as typeof structTypes;
const provproto = fromPulumi("./proto/provider_pb") as typeof provTypes;

const own = ownStringMethods(protobuf);
const installed = installWireStrings(() => protobuf);
const { writer, reader } = stringPrototypes(protobuf);

/** Runs `f` with google-protobuf's own string methods in place, then puts the long-string path back. */
function withOwnMethods<T>(f: () => T): T {
  const patched: StringMethods = { writeString: writer.writeString, readString: reader.readString };
  writer.writeString = own.writeString;
  reader.readString = own.readString;
  try {
    return f();
  } finally {
    writer.writeString = patched.writeString;
    reader.readString = patched.readString;
  }
}

/** A ReadResponse carrying `strings` as a Struct's values and keys, as the hosts answer a read. */
function readResponse(strings: readonly string[]): Uint8Array {
  const properties: Record<string, string> = {};
  strings.forEach((s, i) => {
    properties[`value${i}`] = s;
    properties[s.slice(0, 2000)] = `key${i}`;
  });
  const response = new provproto.ReadResponse();
  response.setId(strings[0] ?? "");
  response.setProperties(structproto.Struct.fromJavaScript(properties));
  return response.serializeBinary();
}

const decode = (bytes: Uint8Array) => {
  const response = provproto.ReadResponse.deserializeBinary(bytes);
  return { id: response.getId(), properties: response.getProperties()?.toJavaScript() };
};

const long = (unit: string) => unit.repeat(Math.ceil((LONG_STRING * 3) / unit.length));
const CORPUS: Record<string, string> = {
  empty: "",
  "short ASCII": "alice@example.com",
  "just under the threshold": "a".repeat(LONG_STRING - 1),
  "at the threshold": "a".repeat(LONG_STRING),
  "long JSON lines": long('{"username":"user00001@example.com","roles":["ORG_MEMBER"]}\n'),
  "long, two- and three-byte characters": long("é€ Zoë Ñandú 名前"),
  "long, surrogate pairs": long("🙂👩‍💻𝄞"),
  "long, a lone high surrogate inside": `${long("a")}\ud83d${long("b")}`,
  "long, a lone high surrogate at the end": `${long("a")}\ud83d`,
  "long, a lone low surrogate": `${long("a")}\ude00${long("b")}`,
  "long, a high surrogate before a non-surrogate": `${long("a")}\ud83dx${long("c")}`,
};

describe("the provider's long strings on the gRPC wire", () => {
  it("is installed on @pulumi/pulumi's google-protobuf, once", () => {
    expect(["installed", "already installed"]).toContain(installed);
    expect(installWireStrings(() => protobuf)).toBe("already installed");
    expect(writer.writeString).not.toBe(own.writeString);
    expect(reader.readString).not.toBe(own.readString);
  });

  it.each(Object.entries(CORPUS))("writes %s as google-protobuf's own writer does, and reads it back as its reader does", (_, value) => {
    const ours = Buffer.from(readResponse([value, `${value}tail`]));
    const theirs = Buffer.from(withOwnMethods(() => readResponse([value, `${value}tail`])));
    expect(ours.equals(theirs)).toBe(true);
    expect(decode(ours)).toEqual(withOwnMethods(() => decode(ours)));
  });

  it("reads well-formed long strings back exactly (Node's UTF-8, not google-protobuf's)", () => {
    const value = CORPUS["long, surrogate pairs"] ?? "";
    const bytes = readResponse([value]);
    expect(decode(bytes).id).toBe(value);
  });

  it("reads bytes that are not UTF-8 as google-protobuf's reader does (its own way, not Node's replacement character)", () => {
    // Field 1 (id), length-delimited, 3,000 bytes: ASCII with an invalid byte and a cut sequence.
    const body = Buffer.concat([Buffer.from("a".repeat(1500)), Buffer.from([0xff, 0xc3]), Buffer.from("b".repeat(1498))]);
    const length = [(body.length & 0x7f) | 0x80, body.length >> 7];
    const bytes = new Uint8Array(Buffer.concat([Buffer.from([0x0a, ...length]), body]));
    const theirs = withOwnMethods(() => decode(bytes).id);
    expect(decode(bytes).id).toBe(theirs);
    expect(theirs).not.toBe(body.toString("utf8"));
  });

  it("leaves a google-protobuf whose writer gives other bytes as it is", () => {
    class OtherWriter extends protobuf.BinaryWriter {
      override writeBytes(field: number, value?: Uint8Array): void {
        super.writeBytes(field + 1, value);
      }
    }
    const other = { ...protobuf, BinaryWriter: OtherWriter };
    const before = stringPrototypes(other).writer.writeString;
    expect(installWireStrings(() => other)).toBe("left: its writer's bytes differ from ours on a sample");
    expect(stringPrototypes(other).writer.writeString).toBe(before);
    expect(Object.hasOwn(OtherWriter.prototype, "writeString")).toBe(false);
  });

  it("leaves the wire as it is when google-protobuf cannot be loaded, without throwing", () => {
    const state = installWireStrings(() => {
      throw new Error("Cannot find module 'google-protobuf'");
    });
    expect(state).toBe("left: google-protobuf not found (Cannot find module 'google-protobuf')");
  });
});
