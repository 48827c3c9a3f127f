// The provider process's long-string path on @pulumi/pulumi's gRPC wire (provider/runtime/wire-strings):
// every message it encodes must be the bytes google-protobuf's own writer makes, and every message it
// decodes the strings google-protobuf's own reader gives, whatever the strings hold; what could differ
// (a lone surrogate, bytes that are not UTF-8, a short string) goes google-protobuf's own way.

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
import { fromPulumi } from "../../provider/runtime/from-pulumi";

// The copies @pulumi/pulumi's servers use, as the provider process patches them.
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

  // Reads every field of `bytes` as a string with `readString`, then the reader's cursor and error
  // flag: what a message's next field would be read from.
  const readAll = (bytes: Uint8Array, readString: StringMethods["readString"]) => {
    const r = new protobuf.BinaryReader(bytes);
    const out: unknown[] = [];
    try {
      while (r.nextField()) out.push(readString.call(r));
    } catch (e) {
      out.push(`threw ${e instanceof Error ? e.message : String(e)}`);
    }
    return [...out, r.getCursor(), r.getError()];
  };
  const varint = (n: number) => {
    const out: number[] = [];
    for (; n > 0x7f; n = Math.floor(n / 128)) out.push((n & 0x7f) | 0x80);
    return [...out, n];
  };
  const A = Buffer.from("a".repeat(1500));
  const NEXT = [0x12, 10, ...Buffer.from("next-field")];
  const READS: Record<string, number[]> = {
    "valid, then another field": [0x0a, ...varint(1500), ...A, ...NEXT],
    "a two-byte lead as its last byte, then another field": [0x0a, ...varint(1501), ...A, 0xc3, ...NEXT],
    "a three-byte lead as its last byte, then another field": [0x0a, ...varint(1501), ...A, 0xe2, ...NEXT],
    "a four-byte lead as its last byte, then another field": [0x0a, ...varint(1501), ...A, 0xf0, ...NEXT],
    "a length past the buffer's end": [0x0a, ...varint(1600), ...A],
    "a five-byte length prefix": [0x0a, 0xdc, 0x8b, 0x80, 0x80, 0x00, ...A],
    "a varint field read as a string": [0x08, ...varint(1500), ...A],
    "a cut length prefix": [0x0a, 0xdc],
  };

  it.each(Object.entries(READS))(
    "reads a long field, %s, as google-protobuf's reader does, and leaves the reader where it does",
    (_, bytes) => {
      const message = new Uint8Array(bytes);
      expect(readAll(message, reader.readString)).toEqual(readAll(message, own.readString));
    },
  );

  it.each([
    ["a String object", Object("x".repeat(2000)) as unknown],
    ["a number", 12345],
  ])("writes %s as google-protobuf's writer does (or fails as it fails)", (_, value) => {
    const attempt = (writeString: StringMethods["writeString"]) => {
      const w = new protobuf.BinaryWriter();
      try {
        writeString.call(w, 1, value as string);
        return Buffer.from(w.getResultBuffer()).toString("hex");
      } catch (e) {
        return `threw ${e instanceof Error ? e.message : String(e)}`;
      }
    };
    expect(attempt(writer.writeString)).toBe(attempt(own.writeString));
  });

  it("takes the path for long strings only (google-protobuf's own methods see the short ones)", () => {
    const seen: string[] = [];
    class CountingWriter extends protobuf.BinaryWriter {
      override writeString(field: number, value?: string): void {
        seen.push(`write ${value?.length}`);
        super.writeString(field, value);
      }
    }
    class CountingReader extends protobuf.BinaryReader {
      override readString(): string {
        const value = super.readString();
        seen.push(`read ${value.length}`);
        return value;
      }
    }
    const counting = { BinaryWriter: CountingWriter, BinaryReader: CountingReader };
    expect(installWireStrings(() => counting)).toBe("installed");
    seen.length = 0;
    const w = new CountingWriter();
    w.writeString(1, "a".repeat(LONG_STRING));
    w.writeString(2, "short");
    const r = new CountingReader(w.getResultBuffer());
    const read: string[] = [];
    while (r.nextField()) read.push(r.readString());
    expect(read).toEqual(["a".repeat(LONG_STRING), "short"]);
    expect(seen).toEqual(["write 5", "read 5"]);
  });

  it("leaves a subclass's own writeString as it is when it writes other bytes", () => {
    class Prefixing extends protobuf.BinaryWriter {
      override writeString(field: number, value?: string): void {
        super.writeString(field, `prefix ${value}`);
      }
    }
    const override = stringPrototypes({ BinaryWriter: Prefixing, BinaryReader: protobuf.BinaryReader }).writer.writeString;
    expect(installWireStrings(() => ({ BinaryWriter: Prefixing, BinaryReader: protobuf.BinaryReader }))).toBe(
      "left: its writer's bytes differ from ours on a sample",
    );
    expect(stringPrototypes({ BinaryWriter: Prefixing, BinaryReader: protobuf.BinaryReader }).writer.writeString).toBe(override);
  });

  it("fails on a reader with no buffer as google-protobuf's reader does", () => {
    const attempt = (readString: StringMethods["readString"]) => {
      try {
        return readString.call(new protobuf.BinaryReader());
      } catch (e) {
        return `threw ${e instanceof Error ? e.message : String(e)}`;
      }
    };
    expect(attempt(reader.readString)).toBe(attempt(own.readString));
  });

  it("changes nothing when a prototype cannot be changed (frozen), and says so", () => {
    class Writer extends protobuf.BinaryWriter {}
    class Frozen extends protobuf.BinaryReader {}
    Object.freeze(Frozen.prototype);
    const state = installWireStrings(() => ({ BinaryWriter: Writer, BinaryReader: Frozen }));
    expect(state).toMatch(/^left: its prototypes cannot be changed \(readString cannot be set\)$/);
    expect(Object.getOwnPropertyNames(Writer.prototype)).toEqual(["constructor"]);
    expect(Object.getOwnPropertySymbols(Writer.prototype)).toEqual([]);

    // The last change fails (no new property on the writer's prototype): the first two are undone.
    class Own extends protobuf.BinaryWriter {
      override writeString(field: number, value?: string): void {
        super.writeString(field, value);
      }
    }
    const override = stringPrototypes({ BinaryWriter: Own, BinaryReader: protobuf.BinaryReader }).writer.writeString;
    Object.preventExtensions(Own.prototype);
    class Reader extends protobuf.BinaryReader {}
    const late = installWireStrings(() => ({ BinaryWriter: Own, BinaryReader: Reader }));
    expect(late).toBe("left: its prototypes cannot be changed (Symbol(pulumi-cloudmanager.wire-strings.originals) cannot be set)");
    expect(stringPrototypes({ BinaryWriter: Own, BinaryReader: Reader }).writer.writeString).toBe(override);
    expect(Object.getOwnPropertyNames(Reader.prototype)).toEqual(["constructor"]);
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
