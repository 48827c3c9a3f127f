// Long strings on the gRPC wire of the provider process, encoded and decoded by Node's own UTF-8
// (issue 22, item 4). Both front doors hand our outputs to @pulumi/pulumi's servers, which encode
// them with google-protobuf 3.21 (the version @pulumi/pulumi depends on): its writeString pushes
// every byte of a string onto a JavaScript array, and its readString rebuilds strings from arrays of
// character codes. A roster over 20,000 members carries 3.8 MB of lines; each encode of them took
// about 70 MB and a preview with --refresh carries them three times (npm run bench:wire). Here, the
// long strings are written as the bytes `Buffer.from` makes and read with `Buffer#toString`: the
// same bytes on the wire, the same strings read back.
//
// Written by hand because no library replaces one method of google-protobuf's writer, and the wire
// codec belongs to @pulumi/pulumi (the dynamic-provider host is Pulumi's process). It is exact by
// construction: UTF-8 of a well-formed string is unique, and string and bytes fields share one wire
// form (length-delimited): every message encodes to the same bytes, every string read is the same,
// with the same exception and the reader left where google-protobuf leaves it. (One difference: a
// writer written to again after getResultBuffer, which google-protobuf's own total then miscounts so
// that the next getResultBuffer throws, works on the path; @pulumi/pulumi's serializeBinary takes a
// fresh writer for every message.) Whatever could differ keeps google-protobuf's own path, untouched: a value
// that is not a string, a string with a lone surrogate (which google-protobuf writes as it does), a
// field whose bytes are not valid UTF-8 or do not fit in the buffer (google-protobuf's reader may then
// read into the next field, and leaves its cursor there), a length prefix of five bytes, every short
// string. It is installed only when a self-check on a sample gives google-protobuf's own bytes and
// strings back, so a google-protobuf that changed its writer or reader is left as it is.

import { isUtf8 } from "node:buffer";
import type * as jspb from "google-protobuf";
import { fromPulumi } from "./from-pulumi";

/** Strings shorter than this (UTF-16 code units, or bytes on the way in) keep google-protobuf's path: the cost is in long ones. */
export const LONG_STRING = 1024;

/** What is patched: the copy of google-protobuf that @pulumi/pulumi's servers encode with. */
export type Protobuf = Pick<typeof jspb, "BinaryWriter" | "BinaryReader">;

type WriteString = (this: jspb.BinaryWriter, field: number, value?: string) => void;
type ReadString = (this: jspb.BinaryReader) => string;
type Reader<T> = (this: jspb.BinaryReader) => T;
/** A writer's and a reader's string methods. */
export interface StringMethods {
  writeString: WriteString;
  readString: ReadString;
}

/** How a protobuf was left: patched now, patched before, or left as it is (and why). */
export type WireStringsState = "installed" | "already installed" | `left: ${string}`;

// In the global registry: a second copy of this package in the same process sees the first's install.
const ORIGINALS = Symbol.for("pulumi-cloudmanager.wire-strings.originals");

/**
 * The prototypes' methods the path replaces or uses, as properties: they are taken off and put back,
 * and called with `call` on a writer or reader, never unbound.
 */
export interface StringPrototypes {
  writer: {
    writeString: WriteString;
    writeBytes: (this: jspb.BinaryWriter, field: number, value?: Uint8Array) => void;
    [ORIGINALS]?: StringMethods;
  };
  reader: {
    readString: ReadString;
    getBuffer: Reader<Uint8Array>;
    getCursor: Reader<number>;
    getFieldDecoder: Reader<jspb.BinaryDecoder>;
  };
}

/** The writer's and reader's prototypes of this copy of google-protobuf. */
export function stringPrototypes(protobuf: Protobuf): StringPrototypes {
  return {
    writer: protobuf.BinaryWriter.prototype,
    reader: protobuf.BinaryReader.prototype,
  };
}

const wellFormed = (value: string): boolean => (value as string & { isWellFormed(): boolean }).isWellFormed();

/** The copy @pulumi/pulumi's servers encode with. */
function pulumisProtobuf(): Protobuf {
  return fromPulumi("google-protobuf") as Protobuf;
}

/** The string methods of this copy (or subclass) as they were: still in place, or kept aside by installWireStrings. */
export function ownStringMethods(protobuf: Protobuf): StringMethods {
  const { writer, reader } = stringPrototypes(protobuf);
  const kept = Object.hasOwn(writer, ORIGINALS) ? writer[ORIGINALS] : undefined;
  return kept ?? { writeString: writer.writeString, readString: reader.readString };
}

/**
 * Gives google-protobuf's writer and reader the long-string path, once per copy of google-protobuf.
 * Never throws: the provider must run (more slowly) with a protobuf it cannot patch.
 */
export function installWireStrings(load: () => Protobuf = pulumisProtobuf): WireStringsState {
  let protobuf: Protobuf;
  try {
    protobuf = load();
  } catch (e) {
    return `left: google-protobuf not found (${e instanceof Error ? e.message : String(e)})`;
  }
  const prototypes = stringPrototypes(protobuf);
  const { writer, reader } = prototypes;
  if (Object.hasOwn(writer, ORIGINALS)) return "already installed";
  if (typeof (String.prototype as { isWellFormed?: unknown }).isWellFormed !== "function")
    return "left: this Node has no String#isWellFormed";
  const originals: StringMethods = { writeString: writer.writeString, readString: reader.readString };
  const fast = longStringPath(prototypes, originals);
  const problem = selfCheck(protobuf, originals, fast);
  if (problem !== undefined) return `left: ${problem}`;
  const changed: [object, PropertyKey, unknown][] = [
    [reader, "readString", fast.readString],
    [writer, "writeString", fast.writeString],
    [writer, ORIGINALS, originals],
  ];
  const problemSetting = setAll(changed);
  return problemSetting === undefined ? "installed" : `left: ${problemSetting}`;
}

/** Sets every property or none (a frozen prototype): each one set before the failure is put back as it was. */
function setAll(changes: readonly [object, PropertyKey, unknown][]): string | undefined {
  const done: [object, PropertyKey, PropertyDescriptor | undefined][] = [];
  try {
    for (const [target, key, value] of changes) {
      done.push([target, key, Object.getOwnPropertyDescriptor(target, key)]);
      if (!Reflect.set(target, key, value)) throw new Error(`${String(key)} cannot be set`);
    }
    return undefined;
  } catch (e) {
    for (const [target, key, before] of done.reverse()) {
      if (before === undefined) Reflect.deleteProperty(target, key);
      else Reflect.defineProperty(target, key, before);
    }
    return `its prototypes cannot be changed (${e instanceof Error ? e.message : String(e)})`;
  }
}

/**
 * The writer's and reader's string methods with the long-string path in front of google-protobuf's
 * own. The methods it uses are taken from the prototypes now: a subclass's override, or a later change
 * to a prototype, does not reach into the path.
 */
function longStringPath({ writer, reader }: StringPrototypes, originals: StringMethods): StringMethods {
  const { writeBytes } = writer;
  const { getBuffer, getCursor, getFieldDecoder } = reader;
  const writeString: WriteString = function (field, value) {
    if (typeof value !== "string" || value.length < LONG_STRING || !wellFormed(value)) {
      originals.writeString.call(this, field, value);
      return;
    }
    writeBytes.call(this, field, Buffer.from(value, "utf8"));
  };
  const readString: ReadString = function () {
    const buffer = getBuffer.call(this) as Uint8Array | null | undefined;
    // A reader with no buffer (new, or freed): google-protobuf's own path says so its way.
    if (buffer === null || buffer === undefined) return originals.readString.call(this);
    const field = delimitedAt(buffer, getCursor.call(this));
    if (field === undefined || field.end - field.start < LONG_STRING) return originals.readString.call(this);
    const bytes = Buffer.from(buffer.buffer, buffer.byteOffset + field.start, field.end - field.start);
    if (!isUtf8(bytes)) return originals.readString.call(this);
    // Moves the reader to the field's end, as google-protobuf's readString leaves it after valid UTF-8
    // (checking the wire type as it does); the decoder it hands out goes back to its cache.
    getFieldDecoder.call(this).free();
    return bytes.toString("utf8");
  };
  return { writeString, readString };
}

/**
 * Where the length-delimited field at `cursor` lies, read as google-protobuf reads a length prefix of at
 * most four bytes (lengths under 256 MB); undefined for a longer prefix, or a field that would not end
 * inside `buffer`: google-protobuf's own path reads those.
 */
function delimitedAt(buffer: Uint8Array, cursor: number): { start: number; end: number } | undefined {
  let length = 0;
  for (let i = 0; i < 4; i++) {
    const byte = buffer[cursor + i];
    if (byte === undefined) return undefined;
    length += (byte & 0x7f) * 2 ** (7 * i);
    if (byte < 0x80) {
      const start = cursor + i + 1;
      return start + length <= buffer.length ? { start, end: start + length } : undefined;
    }
  }
  return undefined;
}

/** A sample past the threshold with every UTF-8 length, written and read both ways; undefined when they agree. */
function selfCheck(protobuf: Protobuf, originals: StringMethods, fast: StringMethods): string | undefined {
  try {
    const unit = 'a\u00e9\u20ac\u{1f600}{"username":"x@example.com"}\n';
    const sample = unit.repeat(Math.ceil(LONG_STRING / unit.length));
    const encode = (writeString: WriteString) => {
      const writer = new protobuf.BinaryWriter();
      writeString.call(writer, 3, sample);
      writeString.call(writer, 4, "short");
      return Buffer.from(writer.getResultBuffer());
    };
    const ours = encode(fast.writeString);
    if (!ours.equals(encode(originals.writeString))) return "its writer's bytes differ from ours on a sample";
    const decode = (readString: ReadString) => {
      const reader = new protobuf.BinaryReader(ours);
      const read: string[] = [];
      while (reader.nextField()) read.push(readString.call(reader));
      return read;
    };
    const back = decode(fast.readString);
    const theirs = decode(originals.readString);
    if (back.length !== 2 || back[0] !== sample || back[1] !== "short" || back.join() !== theirs.join()) {
      return "its reader's strings differ from ours on a sample";
    }
    return undefined;
  } catch (e) {
    return `the self-check failed: ${e instanceof Error ? e.message : String(e)}`;
  }
}
