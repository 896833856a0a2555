/**
 * Skips a Java-serialized object (JCEKS stores a secret key as a serialized
 * `SealedObject`): enough of the Object Serialization Stream Protocol to find
 * where the object ends, without building it.
 *
 * @module
 */
import type { ByteReader } from "./_byte_reader.ts";

const STREAM_MAGIC = 0xaced;
const TC_NULL = 0x70;
const TC_REFERENCE = 0x71;
const TC_CLASSDESC = 0x72;
const TC_OBJECT = 0x73;
const TC_STRING = 0x74;
const TC_ARRAY = 0x75;
const TC_CLASS = 0x76;
const TC_BLOCKDATA = 0x77;
const TC_ENDBLOCKDATA = 0x78;
const TC_BLOCKDATALONG = 0x7a;
const TC_LONGSTRING = 0x7c;
const TC_ENUM = 0x7e;
const SC_WRITE_METHOD = 0x01;
const SC_SERIALIZABLE = 0x02;
const SC_EXTERNALIZABLE = 0x04;
const SC_BLOCK_DATA = 0x08;
const MAX_DEPTH = 64;

const PRIMITIVE_SIZE: Readonly<Record<string, number>> = {
  B: 1,
  Z: 1,
  C: 2,
  S: 2,
  I: 4,
  F: 4,
  J: 8,
  D: 8,
};

interface ClassDesc {
  readonly name: string;
  readonly flags: number;
  readonly fields: readonly string[]; // type codes, in order
  readonly superDesc?: ClassDesc;
}

/** A handle's referent: a class description, or anything else. */
type Handle = ClassDesc | null;

/** Skips one serialization stream (magic, version, one object) at the reader's position. */
export function skipSerializedObject(reader: ByteReader): void {
  if (reader.u16() !== STREAM_MAGIC) throw new TypeError("Invalid serialized object: bad magic");
  reader.u16(); // version
  skipContent(reader, [], 0);
}

function skipContent(reader: ByteReader, handles: Handle[], depth: number): ClassDesc | undefined {
  if (depth > MAX_DEPTH) throw new TypeError("Invalid serialized object: nested too deeply");
  const tag = reader.u8();
  switch (tag) {
    case TC_NULL:
      return undefined;
    case TC_REFERENCE: {
      const handle = handles[reader.u32() - 0x7e0000];
      if (handle === undefined) throw new TypeError("Invalid serialized object: bad reference");
      return handle ?? undefined;
    }
    case TC_CLASSDESC:
      return readClassDesc(reader, handles, depth);
    case TC_STRING:
      handles.push(null);
      reader.bytes(reader.u16());
      return undefined;
    case TC_LONGSTRING:
      handles.push(null);
      reader.bytes(Number(reader.i64()));
      return undefined;
    case TC_CLASS:
      skipContent(reader, handles, depth + 1);
      handles.push(null);
      return undefined;
    case TC_ENUM:
      skipContent(reader, handles, depth + 1);
      handles.push(null);
      skipContent(reader, handles, depth + 1);
      return undefined;
    case TC_ARRAY: {
      const desc = requireDesc(skipContent(reader, handles, depth + 1));
      handles.push(null);
      const length = reader.i32();
      const element = desc.name.slice(1, 2);
      const size = PRIMITIVE_SIZE[element];
      if (size !== undefined) reader.bytes(length * size);
      else for (let i = 0; i < length; i++) skipContent(reader, handles, depth + 1);
      return undefined;
    }
    case TC_OBJECT: {
      const desc = requireDesc(skipContent(reader, handles, depth + 1));
      handles.push(null);
      skipClassData(reader, desc, handles, depth);
      return undefined;
    }
    case TC_BLOCKDATA:
      reader.bytes(reader.u8());
      return undefined;
    case TC_BLOCKDATALONG:
      reader.bytes(reader.u32());
      return undefined;
    default:
      throw new TypeError(`Invalid serialized object: unsupported tag 0x${tag.toString(16)}`);
  }
}

function readClassDesc(reader: ByteReader, handles: Handle[], depth: number): ClassDesc {
  const name = reader.utf();
  reader.bytes(8); // serialVersionUID
  const handle = handles.length;
  handles.push(null);
  const flags = reader.u8();
  const count = reader.u16();
  const fields: string[] = [];
  for (let i = 0; i < count; i++) {
    const code = String.fromCharCode(reader.u8());
    reader.utf(); // field name
    if (code === "L" || code === "[") skipContent(reader, handles, depth + 1); // class name
    fields.push(code);
  }
  skipAnnotation(reader, handles, depth);
  const superDesc = skipContent(reader, handles, depth + 1);
  const desc: ClassDesc = { name, flags, fields, superDesc };
  handles[handle] = desc;
  return desc;
}

function skipClassData(
  reader: ByteReader,
  desc: ClassDesc,
  handles: Handle[],
  depth: number,
): void {
  const hierarchy: ClassDesc[] = [];
  for (let d: ClassDesc | undefined = desc; d !== undefined; d = d.superDesc) hierarchy.unshift(d);
  for (const d of hierarchy) {
    if (d.flags & SC_EXTERNALIZABLE) {
      if (!(d.flags & SC_BLOCK_DATA)) {
        throw new TypeError(`Invalid serialized object: externalizable ${d.name}`);
      }
      skipAnnotation(reader, handles, depth);
      continue;
    }
    if (!(d.flags & SC_SERIALIZABLE)) continue;
    for (const code of d.fields) {
      const size = PRIMITIVE_SIZE[code];
      if (size !== undefined) reader.bytes(size);
      else skipContent(reader, handles, depth + 1);
    }
    if (d.flags & SC_WRITE_METHOD) skipAnnotation(reader, handles, depth);
  }
}

/** Contents up to and including TC_ENDBLOCKDATA. */
function skipAnnotation(reader: ByteReader, handles: Handle[], depth: number): void {
  for (;;) {
    const offset = reader.offset;
    if (reader.u8() === TC_ENDBLOCKDATA) return;
    // Step back and read the content the tag started.
    reader.seek(offset);
    skipContent(reader, handles, depth + 1);
  }
}

function requireDesc(desc: ClassDesc | undefined): ClassDesc {
  if (desc === undefined) throw new TypeError("Invalid serialized object: missing class");
  return desc;
}
