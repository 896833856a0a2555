/**
 * What a keystore holds once read, whatever its file format.
 *
 * @module
 */

/** The keystore formats flume-ws reads. */
export type KeyStoreType = "JKS" | "JCEKS" | "PKCS12" | "PEM";

/** The formats, in the order the documentation names them. */
export const KEY_STORE_TYPES: readonly KeyStoreType[] = Object.freeze([
  "JKS",
  "JCEKS",
  "PKCS12",
  "PEM",
]);

/** The readable facts of one X.509 certificate. */
export interface CertificateInfo {
  /** Subject distinguished name, as `O=flume-ws, CN=localhost`. */
  readonly subject: string;
  /** Issuer distinguished name, in the same form. */
  readonly issuer: string;
  /** Start of validity. */
  readonly notBefore: Date;
  /** End of validity. */
  readonly notAfter: Date;
  /** SHA-256 fingerprint, as colon-separated upper-case hex. */
  readonly sha256: string;
  /** The certificate as one PEM block, ending in a newline. */
  readonly pem: string;
}

/**
 * A private key as the keystore keeps it: `none` is a PKCS#8 PrivateKeyInfo;
 * `pkcs8` a PKCS#8 EncryptedPrivateKeyInfo (PKCS#12 and PEM); `jks` and
 * `jceks` the Sun KeyProtector and PBEWithMD5AndTripleDES encodings of
 * JKS and JCEKS.
 */
export interface ProtectedKey {
  /** How `der` is protected. */
  readonly protection: "none" | "pkcs8" | "jks" | "jceks";
  /** The key as stored (DER). */
  readonly der: Uint8Array;
}

/** The kinds of keystore entry. */
export type KeyStoreEntryKind = "trustedCertificate" | "privateKey" | "secretKey";

/** One named entry of a keystore. */
export interface KeyStoreEntry {
  /** The entry's name (keytool's alias; PKCS#12's friendlyName). */
  readonly alias: string;
  /** A trusted certificate, a private key with its certificate chain, or a secret key. */
  readonly kind: KeyStoreEntryKind;
  /** Leaf first; one certificate for a trusted entry; empty for a secret key. */
  readonly chain: readonly CertificateInfo[];
  /** The private key, still protected; only for `privateKey` entries. */
  readonly key?: ProtectedKey;
}

/** A keystore read and checked against its password. */
export interface KeyStore {
  /** What the file really is, from its content. */
  readonly type: KeyStoreType;
  /** The type the configuration named, if any (it may differ from `type`). */
  readonly declaredType?: string;
  /** The file the keystore was read from, if any. */
  readonly path?: string;
  /** Every entry, sorted by alias. */
  readonly entries: readonly KeyStoreEntry[];
  /** The PEM of every trusted-certificate entry, in entry order. */
  readonly caCertsPem: readonly string[];
}

/** A private key and its certificate chain, ready for `Deno.connectTls` or `createHttpClient`. */
export interface ClientKeyMaterial {
  /** The entry the key came from. */
  readonly alias: string;
  /** The certificate chain, leaf first, as concatenated PEM blocks. */
  readonly certChainPem: string;
  /** The private key, unencrypted PKCS#8 PEM. */
  readonly keyPem: string;
}

/**
 * The format a configured `keyStoreType` names, as Java spells it in any
 * case (`jks`, `JCEKS`, `PKCS12`, and `P12`/`PFX`/`PKCS#12` for PKCS12, `PEM`);
 * `undefined` for anything else.
 */
export function keyStoreTypeOf(name: string): KeyStoreType | undefined {
  const upper = name.trim().toUpperCase();
  if (upper === "P12" || upper === "PFX" || upper === "PKCS#12") return "PKCS12";
  return KEY_STORE_TYPES.find((type) => type === upper);
}
