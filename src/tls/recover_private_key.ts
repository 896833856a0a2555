/**
 * Turns a keystore's protected private key back into PKCS#8 with the key's
 * password: Sun's JKS KeyProtector, JCEKS's PBEWithMD5AndTripleDES, and the
 * PKCS#8 EncryptedPrivateKeyInfo schemes of PKCS#12 and PEM.
 *
 * @module
 */
import { createDecipheriv, createHash, timingSafeEqual } from "node:crypto";
import {
  child,
  content,
  decryptPbe,
  fromBinary,
  integer,
  oid,
  parseAsn1,
  toBinary,
} from "./_forge.ts";
import { md5Iterate } from "./_md5.ts";
import { utf16be } from "./jks.ts";
import type { ProtectedKey } from "./keystore_types.ts";

/** sun.security.provider.KeyProtector (JKS). */
const JKS_KEY_PROTECTOR_OID = "1.3.6.1.4.1.42.2.17.1.1";
/** PBEWithMD5AndTripleDES, com.sun.crypto.provider.KeyProtector (JCEKS). */
const JCEKS_KEY_PROTECTOR_OID = "1.3.6.1.4.1.42.2.19.1";
const SALT_LENGTH = 20;
const DIGEST_LENGTH = 20;
const MAX_ITERATIONS = 10_000_000;

/**
 * The key as an unencrypted PKCS#8 PrivateKeyInfo (DER), or undefined when
 * `password` does not open it. Throws TypeError when the data is malformed
 * or uses a scheme flume-ws does not know.
 */
export function recoverPrivateKey(key: ProtectedKey, password: string): Uint8Array | undefined {
  if (key.protection === "none") return key.der;
  const info = parseAsn1(key.der);
  const algorithm = child(info, 0, "EncryptedPrivateKeyInfo");
  const encrypted = content(child(info, 1, "EncryptedPrivateKeyInfo"), "EncryptedPrivateKeyInfo");
  if (key.protection === "pkcs8") {
    const plain = decryptPbe(algorithm, encrypted, password);
    return plain === undefined ? undefined : fromBinary(plain);
  }
  const scheme = oid(child(algorithm, 0, "key protection"), "key protection");
  if (key.protection === "jks") {
    if (scheme !== JKS_KEY_PROTECTOR_OID) {
      throw new TypeError(`Unsupported JKS key protection ${scheme}`);
    }
    return recoverJksKey(fromBinary(encrypted), password);
  }
  if (scheme !== JCEKS_KEY_PROTECTOR_OID) {
    throw new TypeError(`Unsupported JCEKS key protection ${scheme}`);
  }
  const params = child(algorithm, 1, "PBE parameters");
  const salt = fromBinary(content(child(params, 0, "PBE parameters"), "PBE salt"));
  const iterations = integer(child(params, 1, "PBE parameters"), "PBE iteration count");
  return recoverJceksKey(fromBinary(encrypted), password, salt, iterations);
}

/**
 * JKS: salt (20 bytes), the key XORed with a SHA-1 keystream
 * (d₁ = SHA1(password ‖ salt), dᵢ₊₁ = SHA1(password ‖ dᵢ)), and
 * SHA1(password ‖ key) to check the result.
 */
function recoverJksKey(encrypted: Uint8Array, password: string): Uint8Array | undefined {
  if (encrypted.length < SALT_LENGTH + DIGEST_LENGTH) {
    throw new TypeError("Invalid JKS protected key: too short");
  }
  const passwordBytes = utf16be(password);
  const cipherText = encrypted.subarray(SALT_LENGTH, encrypted.length - DIGEST_LENGTH);
  const check = encrypted.subarray(encrypted.length - DIGEST_LENGTH);
  const plain = new Uint8Array(cipherText.length);
  let digest: Uint8Array = encrypted.subarray(0, SALT_LENGTH);
  for (let offset = 0; offset < plain.length; offset += DIGEST_LENGTH) {
    digest = createHash("sha1").update(passwordBytes).update(digest).digest();
    for (let i = 0; i < DIGEST_LENGTH && offset + i < plain.length; i++) {
      plain[offset + i] = cipherText[offset + i] ^ digest[i];
    }
  }
  const actual = createHash("sha1").update(passwordBytes).update(plain).digest();
  return timingSafeEqual(actual, check) ? plain : undefined;
}

/**
 * JCEKS: DESede/CBC/PKCS5Padding with key and IV from Sun's
 * PBEWithMD5AndTripleDES derivation: each half of the 8-byte salt (the
 * first reversed if both are equal) is hashed `iterations` times as
 * h = MD5(h ‖ password), giving 16 bytes each: 24 of key, 8 of IV. The
 * password bytes are its ASCII characters.
 */
function recoverJceksKey(
  encrypted: Uint8Array,
  password: string,
  salt: Uint8Array,
  iterations: number,
): Uint8Array | undefined {
  if (salt.length !== 8) throw new TypeError("Invalid JCEKS protected key: salt is not 8 bytes");
  if (iterations < 1 || iterations > MAX_ITERATIONS) {
    throw new TypeError(`Invalid JCEKS protected key: iteration count ${iterations}`);
  }
  if (!/^[\x20-\x7e]*$/.test(password)) {
    // Java's PBEKey refuses such passwords too, so no JCEKS key has one.
    return undefined;
  }
  const passwordBytes = new TextEncoder().encode(password);
  const halves = [salt.slice(0, 4), salt.slice(4)];
  if (timingSafeEqual(halves[0], halves[1])) halves[0].reverse();
  const derived = new Uint8Array(32);
  halves.forEach((half, i) => derived.set(md5Iterate(half, passwordBytes, iterations), i * 16));
  const decipher = createDecipheriv("des-ede3-cbc", derived.subarray(0, 24), derived.subarray(24));
  try {
    const plain = new Uint8Array([...decipher.update(encrypted), ...decipher.final()]);
    // A wrong password passes the padding check about once in 256 tries.
    parseAsn1(toBinary(plain));
    return plain;
  } catch {
    return undefined;
  }
}
