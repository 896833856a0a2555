/**
 * Reads PKCS#12 (RFC 7292) keystores as Java and OpenSSL write them: the
 * current PBES2/AES-256 with an HMAC-SHA256 MAC and the legacy RC2-40/3DES
 * with an HMAC-SHA1 MAC. The MAC is checked with the password before any
 * entry is returned.
 *
 * Entries: a key bag is a private key named by its friendlyName, its chain
 * the certificate bag with the same localKeyId and that one's issuers. A
 * certificate bag carrying Java's trustedKeyUsage attribute is a trusted
 * certificate; so is one that is neither a key's certificate nor in a key's
 * chain (OpenSSL marks none). A secret bag is a secret key.
 *
 * @module
 */
import { createHmac, timingSafeEqual, type X509Certificate } from "node:crypto";
import {
  type Asn1,
  child,
  children,
  content,
  decryptPbe,
  forge,
  fromBinary,
  integer,
  oid,
  parseAsn1,
  TAG,
} from "./_forge.ts";
import { IntegrityError, type RawEntry } from "./_raw_entry.ts";
import { buildChain, parseCertificate, sameCertificate } from "./certificate.ts";

const OID = Object.freeze({
  data: "1.2.840.113549.1.7.1",
  encryptedData: "1.2.840.113549.1.7.6",
  keyBag: "1.2.840.113549.1.12.10.1.1",
  pkcs8ShroudedKeyBag: "1.2.840.113549.1.12.10.1.2",
  certBag: "1.2.840.113549.1.12.10.1.3",
  crlBag: "1.2.840.113549.1.12.10.1.4",
  secretBag: "1.2.840.113549.1.12.10.1.5",
  safeContentsBag: "1.2.840.113549.1.12.10.1.6",
  x509Certificate: "1.2.840.113549.1.9.22.1",
  friendlyName: "1.2.840.113549.1.9.20",
  localKeyId: "1.2.840.113549.1.9.21",
  /** Oracle's attribute marking a trusted certificate (keytool writes it). */
  trustedKeyUsage: "2.16.840.1.113894.746875.1.1",
});

/** MAC digest algorithms: OID → [node:crypto name, forge name, key length]. */
const MAC_DIGESTS: Readonly<Record<string, readonly [string, string, number]>> = {
  "1.3.14.3.2.26": ["sha1", "sha1", 20],
  "2.16.840.1.101.3.4.2.1": ["sha256", "sha256", 32],
  "2.16.840.1.101.3.4.2.2": ["sha384", "sha384", 48],
  "2.16.840.1.101.3.4.2.3": ["sha512", "sha512", 64],
};
const MAX_ITERATIONS = 10_000_000;
const MAX_NESTING = 8;

interface Bag {
  readonly type: string;
  readonly value: Asn1;
  readonly friendlyName?: string;
  readonly localKeyId?: string;
  readonly trusted: boolean;
}

/**
 * The entries of a PKCS#12 file. Throws IntegrityError when the MAC does not
 * match `password` (or, without a MAC, when decryption fails), RangeError
 * or TypeError when the data is malformed.
 */
export function parsePkcs12(bytes: Uint8Array, password: string): RawEntry[] {
  const pfx = parseAsn1(bytes);
  const version = integer(child(pfx, 0, "PFX"), "PFX version");
  if (version !== 3) throw new TypeError(`Unsupported PKCS#12 version ${version}`);
  const authSafe = child(pfx, 1, "PFX");
  if (oid(child(authSafe, 0, "ContentInfo"), "ContentInfo") !== OID.data) {
    throw new TypeError("Unsupported PKCS#12: public-key integrity mode");
  }
  const data = content(child(child(authSafe, 1, "ContentInfo"), 0, "ContentInfo"), "ContentInfo");
  const macData = children(pfx, "PFX")[2];
  if (macData !== undefined) verifyMac(macData, data, password);
  const bags: Bag[] = [];
  for (const info of children(parseAsn1(data), "AuthenticatedSafe")) {
    const type = oid(child(info, 0, "ContentInfo"), "ContentInfo");
    const body = child(child(info, 1, "ContentInfo"), 0, "ContentInfo");
    if (type === OID.data) {
      readSafeContents(content(body, "SafeContents"), bags, 0);
    } else if (type === OID.encryptedData) {
      readSafeContents(decryptContent(body, password), bags, 0);
    } else {
      throw new TypeError(`Unsupported PKCS#12 content type ${type}`);
    }
  }
  return entriesOf(bags);
}

function verifyMac(macData: Asn1, data: string, password: string): void {
  const digestInfo = child(macData, 0, "MacData");
  const algorithm = oid(child(child(digestInfo, 0, "DigestInfo"), 0, "DigestInfo"), "MAC");
  const digest = MAC_DIGESTS[algorithm];
  if (digest === undefined) throw new TypeError(`Unsupported PKCS#12 MAC algorithm ${algorithm}`);
  const [nodeName, forgeName, keyLength] = digest;
  const expected = fromBinary(content(child(digestInfo, 1, "DigestInfo"), "MAC"));
  const salt = content(child(macData, 1, "MacData"), "MAC salt");
  const countNode = children(macData, "MacData")[2];
  const iterations = countNode === undefined ? 1 : integer(countNode, "MAC iteration count");
  if (iterations < 1 || iterations > MAX_ITERATIONS) {
    throw new TypeError(`Invalid PKCS#12 MAC iteration count ${iterations}`);
  }
  const key = forge.pkcs12.generateKey(
    password,
    forge.util.createBuffer(salt, "raw"),
    3,
    iterations,
    keyLength,
    forge.md[forgeName].create(),
  );
  const actual = createHmac(nodeName, fromBinary(key.getBytes())).update(fromBinary(data)).digest();
  if (actual.length !== expected.length || !timingSafeEqual(actual, expected)) {
    throw new IntegrityError();
  }
}

/** EncryptedData: version, EncryptedContentInfo (type, algorithm, [0] ciphertext). */
function decryptContent(encryptedData: Asn1, password: string): string {
  const info = child(encryptedData, 1, "EncryptedData");
  const algorithm = child(info, 1, "EncryptedContentInfo");
  const ciphertext = content(child(info, 2, "EncryptedContentInfo"), "EncryptedContentInfo");
  const plain = decryptPbe(algorithm, ciphertext, password);
  if (plain === undefined) throw new IntegrityError();
  return plain;
}

function readSafeContents(der: string, bags: Bag[], depth: number): void {
  if (depth > MAX_NESTING) throw new TypeError("Invalid PKCS#12: SafeContents nested too deeply");
  for (const safeBag of children(parseAsn1(der), "SafeContents")) {
    const type = oid(child(safeBag, 0, "SafeBag"), "SafeBag");
    const value = child(child(safeBag, 1, "SafeBag"), 0, "SafeBag");
    if (type === OID.safeContentsBag) {
      readSafeContents(toDer(value), bags, depth + 1);
      continue;
    }
    const attributes = children(safeBag, "SafeBag")[2];
    bags.push({ type, value, ...readAttributes(attributes) });
  }
}

function readAttributes(
  set: Asn1 | undefined,
): { friendlyName?: string; localKeyId?: string; trusted: boolean } {
  let friendlyName: string | undefined;
  let localKeyId: string | undefined;
  let trusted = false;
  for (const attribute of set === undefined ? [] : children(set, "attributes")) {
    const type = oid(child(attribute, 0, "attribute"), "attribute");
    const value = children(child(attribute, 1, "attribute"), "attribute")[0];
    if (type === OID.trustedKeyUsage) trusted = true;
    if (value === undefined) continue;
    if (type === OID.friendlyName && value.type === TAG.BMP_STRING) {
      friendlyName = content(value, "friendlyName"); // forge decodes BMPString
    } else if (type === OID.localKeyId) {
      localKeyId = content(value, "localKeyId");
    }
  }
  return { friendlyName, localKeyId, trusted };
}

function entriesOf(bags: readonly Bag[]): RawEntry[] {
  let unnamed = 0;
  const aliasOf = (bag: Bag): string => bag.friendlyName ?? String(++unnamed);
  const certBags = bags.filter((bag) => bag.type === OID.certBag).map((bag) => ({
    bag,
    cert: certificateOf(bag.value),
  }));
  const pool = certBags.map(({ cert }) => cert);
  const entries: RawEntry[] = [];
  const inKeyChains: X509Certificate[] = [];
  for (const bag of bags) {
    if (bag.type === OID.keyBag || bag.type === OID.pkcs8ShroudedKeyBag) {
      const leaf = certBags.find((c) =>
        bag.localKeyId !== undefined && c.bag.localKeyId === bag.localKeyId
      );
      const chain = leaf === undefined ? [] : buildChain(leaf.cert, pool);
      inKeyChains.push(...chain);
      entries.push({
        alias: aliasOf(bag),
        kind: "privateKey",
        chain,
        key: {
          protection: bag.type === OID.keyBag ? "none" : "pkcs8",
          der: fromBinary(toDer(bag.value)),
        },
      });
    } else if (bag.type === OID.secretBag) {
      entries.push({ alias: aliasOf(bag), kind: "secretKey", chain: [] });
    } else if (bag.type !== OID.certBag && bag.type !== OID.crlBag) {
      throw new TypeError(`Unsupported PKCS#12 bag type ${bag.type}`);
    }
  }
  for (const { bag, cert } of certBags) {
    const trusted = bag.trusted ||
      (bag.localKeyId === undefined && !inKeyChains.some((c) => sameCertificate(c, cert)));
    if (trusted) entries.push({ alias: aliasOf(bag), kind: "trustedCertificate", chain: [cert] });
  }
  return entries;
}

/** CertBag: certId (X.509), [0] OCTET STRING with the DER certificate. */
function certificateOf(certBag: Asn1): X509Certificate {
  const type = oid(child(certBag, 0, "CertBag"), "CertBag");
  if (type !== OID.x509Certificate) throw new TypeError(`Unsupported certificate type ${type}`);
  const der = content(child(child(certBag, 1, "CertBag"), 0, "CertBag"), "CertBag");
  return parseCertificate(fromBinary(der));
}

function toDer(node: Asn1): string {
  return forge.asn1.toDer(node).getBytes();
}
