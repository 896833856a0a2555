/**
 * Reads Java's proprietary JKS and JCEKS keystores (same layout, different
 * magic number and key protection), checking the keyed SHA-1 digest that
 * ends the file.
 *
 * Layout (big-endian): magic, version (1 or 2), entry count; per entry a
 * tag (1 private key, 2 trusted certificate, 3 secret key — JCEKS only),
 * alias (Java UTF), creation time (ms); a private key is its protected
 * EncryptedPrivateKeyInfo and certificate chain, a trusted certificate one
 * certificate (version 2 prefixes each with its type, "X.509"), a secret key
 * a Java-serialized SealedObject. Last: SHA-1 over the password as UTF-16BE,
 * the bytes of "Mighty Aphrodite" and everything before the digest.
 *
 * @module
 */
import { createHash, timingSafeEqual } from "node:crypto";
import { ByteReader } from "./_byte_reader.ts";
import { skipSerializedObject } from "./_java_serialization.ts";
import { IntegrityError, type RawEntry } from "./_raw_entry.ts";
import { parseCertificate } from "./certificate.ts";
import { JCEKS_MAGIC, JKS_MAGIC } from "./detect_keystore_type.ts";
import type { KeyStoreEntryKind, ProtectedKey } from "./keystore_types.ts";

const TAG_PRIVATE_KEY = 1;
const TAG_TRUSTED_CERT = 2;
const TAG_SECRET_KEY = 3;
const DIGEST_LENGTH = 20;
const WHITENER = new TextEncoder().encode("Mighty Aphrodite");

interface UncheckedEntry {
  readonly alias: string;
  readonly kind: KeyStoreEntryKind;
  readonly chain: readonly Uint8Array[];
  readonly key?: ProtectedKey;
}

/**
 * The entries of a JKS or JCEKS keystore. Throws IntegrityError when the
 * digest does not match `password`, RangeError or TypeError when the data is
 * truncated or malformed.
 */
export function parseJks(bytes: Uint8Array, password: string): RawEntry[] {
  const reader = new ByteReader(bytes);
  const magic = reader.u32();
  if (magic !== JKS_MAGIC && magic !== JCEKS_MAGIC) {
    throw new TypeError("Invalid JKS keystore: bad magic number");
  }
  const jceks = magic === JCEKS_MAGIC;
  const version = reader.u32();
  if (version !== 1 && version !== 2) {
    throw new TypeError(`Invalid JKS keystore: unsupported version ${version}`);
  }
  const readCertificate = (): Uint8Array => {
    if (version === 2) {
      const type = reader.utf();
      if (type !== "X.509") throw new TypeError(`Unsupported certificate type "${type}"`);
    }
    return reader.bytes(reader.u32());
  };
  const count = reader.u32();
  const unchecked: UncheckedEntry[] = [];
  for (let i = 0; i < count; i++) {
    const tag = reader.u32();
    const alias = reader.utf();
    reader.i64(); // creation date
    if (tag === TAG_PRIVATE_KEY) {
      const der = reader.bytes(reader.u32()).slice();
      const chain: Uint8Array[] = [];
      for (let n = reader.u32(); n > 0; n--) chain.push(readCertificate());
      const protection = jceks ? "jceks" : "jks";
      unchecked.push({ alias, kind: "privateKey", chain, key: { protection, der } });
    } else if (tag === TAG_TRUSTED_CERT) {
      unchecked.push({ alias, kind: "trustedCertificate", chain: [readCertificate()] });
    } else if (tag === TAG_SECRET_KEY && jceks) {
      skipSerializedObject(reader);
      unchecked.push({ alias, kind: "secretKey", chain: [] });
    } else {
      throw new TypeError(`Invalid JKS keystore: unknown entry tag ${tag}`);
    }
  }
  const signed = bytes.subarray(0, reader.offset);
  const expected = reader.bytes(DIGEST_LENGTH);
  if (!timingSafeEqual(integrityDigest(password, signed), expected)) throw new IntegrityError();
  return unchecked.map((entry) => ({ ...entry, chain: entry.chain.map(parseCertificate) }));
}

/** The password as Java's char[] in UTF-16BE, as JKS's digest and key protection use it. */
export function utf16be(password: string): Uint8Array {
  const bytes = new Uint8Array(password.length * 2);
  for (let i = 0; i < password.length; i++) {
    bytes[2 * i] = password.charCodeAt(i) >> 8;
    bytes[2 * i + 1] = password.charCodeAt(i) & 0xff;
  }
  return bytes;
}

function integrityDigest(password: string, data: Uint8Array): Uint8Array {
  return createHash("sha1").update(utf16be(password)).update(WHITENER).update(data).digest();
}
