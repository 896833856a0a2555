/**
 * The part of node-forge flume-ws uses, typed. forge does the PKCS#12
 * cryptography that `node:crypto` lacks in Deno (RC2-40, the PKCS#12 key
 * derivation) and parses BER, which PKCS#12 files may use. Forge works on
 * "binary strings" (one char per byte); {@linkcode toBinary} and
 * {@linkcode fromBinary} convert.
 *
 * @module
 */
import forgeModule from "node-forge";

/** A parsed ASN.1 value: primitive values are binary strings, constructed ones lists. */
export interface Asn1 {
  readonly tagClass: number;
  readonly type: number;
  readonly constructed: boolean;
  readonly value: string | Asn1[];
}

/** forge's byte buffer. */
export interface ByteBuffer {
  /** Reads (and consumes) every byte. */
  getBytes(): string;
  /** The bytes, without consuming them. */
  bytes(): string;
}

/** A started decryption. */
export interface Cipher {
  update(input: ByteBuffer): void;
  /** False when the padding is wrong (wrong password or damaged data). */
  finish(): boolean;
  readonly output: ByteBuffer;
}

/** A message digest (for the PKCS#12 key derivation). */
export interface MessageDigest {
  readonly algorithm: string;
}

interface Forge {
  readonly asn1: {
    fromDer(
      bytes: string,
      options: { strict: boolean; parseAllBytes: boolean; decodeBitStrings: boolean },
    ): Asn1;
    derToOid(bytes: string): string;
    toDer(node: Asn1): ByteBuffer;
  };
  readonly pki: {
    readonly pbe: {
      getCipher(oid: string, params: Asn1, password: string): Cipher;
    };
  };
  readonly pkcs12: {
    generateKey(
      password: string,
      salt: ByteBuffer,
      id: number,
      iterations: number,
      length: number,
      md: MessageDigest,
    ): ByteBuffer;
  };
  readonly md: Readonly<Record<string, { create(): MessageDigest }>>;
  readonly util: {
    createBuffer(bytes: string, encoding: "raw"): ByteBuffer;
    encodeUtf8(text: string): string;
  };
}

/** node-forge, as far as flume-ws uses it. */
export const forge: Forge = forgeModule as unknown as Forge;

/** The ASN.1 universal tag numbers flume-ws looks at. */
export const TAG = Object.freeze({
  INTEGER: 2,
  OCTET_STRING: 4,
  OID: 6,
  SEQUENCE: 16,
  SET: 17,
  BMP_STRING: 30,
});

/** `bytes` as a forge binary string. */
export function toBinary(bytes: Uint8Array): string {
  let text = "";
  for (let i = 0; i < bytes.length; i += 8192) {
    text += String.fromCharCode(...bytes.subarray(i, i + 8192));
  }
  return text;
}

/** A forge binary string as bytes. */
export function fromBinary(text: string): Uint8Array {
  const bytes = new Uint8Array(text.length);
  for (let i = 0; i < text.length; i++) bytes[i] = text.charCodeAt(i);
  return bytes;
}

/** Parses DER or BER (PKCS#12 allows BER); throws on truncated data and trailing bytes. */
export function parseAsn1(bytes: Uint8Array | string): Asn1 {
  const binary = typeof bytes === "string" ? bytes : toBinary(bytes);
  return forge.asn1.fromDer(binary, { strict: true, parseAllBytes: true, decodeBitStrings: false });
}

/** The children of a constructed value; throws TypeError for a primitive one. */
export function children(node: Asn1, what: string): Asn1[] {
  if (typeof node.value === "string") throw new TypeError(`Invalid ${what}: not constructed`);
  return node.value;
}

/** The `index`th child, which must exist. */
export function child(node: Asn1, index: number, what: string): Asn1 {
  const found = children(node, what)[index];
  if (found === undefined) throw new TypeError(`Invalid ${what}: missing element ${index}`);
  return found;
}

/** The content of a primitive value, or of a BER constructed string (its chunks joined). */
export function content(node: Asn1, what: string): string {
  if (typeof node.value === "string") return node.value;
  return node.value.map((chunk) => content(chunk, what)).join("");
}

/** The dotted form of an OBJECT IDENTIFIER. */
export function oid(node: Asn1, what: string): string {
  if (node.type !== TAG.OID || typeof node.value !== "string") {
    throw new TypeError(`Invalid ${what}: expected an object identifier`);
  }
  return forge.asn1.derToOid(node.value);
}

/** A non-negative INTEGER that fits a JavaScript number. */
export function integer(node: Asn1, what: string): number {
  if (node.type !== TAG.INTEGER || typeof node.value !== "string") {
    throw new TypeError(`Invalid ${what}: expected an integer`);
  }
  let value = 0;
  for (let i = 0; i < node.value.length; i++) value = value * 256 + node.value.charCodeAt(i);
  if (!Number.isSafeInteger(value)) throw new TypeError(`Invalid ${what}: integer too large`);
  return value;
}

/**
 * Decrypts `ciphertext` with a password-based scheme (PBES2 with PBKDF2 and
 * AES or 3DES; PKCS#12's pbeWithSHAAnd3-KeyTripleDES-CBC and
 * pbeWithSHAAnd40BitRC2-CBC). Returns undefined when the padding is wrong:
 * a wrong password, or damaged data.
 */
export function decryptPbe(
  algorithm: Asn1,
  ciphertext: string,
  password: string,
): string | undefined {
  const scheme = oid(child(algorithm, 0, "encryption algorithm"), "encryption algorithm");
  const params = child(algorithm, 1, "encryption algorithm");
  // PBKDF2 takes the password's UTF-8 bytes; the PKCS#12 derivation encodes
  // it as UTF-16 itself.
  const secret = scheme === PBES2_OID ? forge.util.encodeUtf8(password) : password;
  const cipher = forge.pki.pbe.getCipher(scheme, params, secret);
  cipher.update(forge.util.createBuffer(ciphertext, "raw"));
  return cipher.finish() ? cipher.output.getBytes() : undefined;
}

const PBES2_OID = "1.2.840.113549.1.5.13";
