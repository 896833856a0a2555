/**
 * Keystores read in-process: JKS, JCEKS, PKCS#12 (current and legacy
 * encryption) and PEM become trusted CA certificates and a client key with
 * its chain, as PEM for `Deno.createHttpClient` and `Deno.connectTls`. No
 * Java is needed.
 *
 * The real format comes from the content (a PKCS#12 file named `.jks` is
 * read as PKCS#12, as Java does); the password is checked against the
 * store's integrity digest or MAC before anything is returned.
 *
 * ```ts
 * const store = await readKeyStore("client.jks", { password: "changeit" });
 * const client = clientKey(store, { password: "changeit" });
 * const http = Deno.createHttpClient({
 *   caCerts: [...store.caCertsPem],
 *   cert: client?.certChainPem,
 *   key: client?.keyPem,
 * });
 * ```
 *
 * @module
 */
import { Buffer } from "node:buffer";
import { createPrivateKey, type KeyObject } from "node:crypto";
import { IntegrityError, type RawEntry } from "./_raw_entry.ts";
import { certificateInfo, parseCertificate } from "./certificate.ts";
import { detectKeyStoreType } from "./detect_keystore_type.ts";
import { parseJks } from "./jks.ts";
import { KeyStoreError } from "./keystore_error.ts";
import {
  type ClientKeyMaterial,
  type KeyStore,
  type KeyStoreEntry,
  keyStoreTypeOf,
} from "./keystore_types.ts";
import { encodePem } from "./pem.ts";
import { parsePemStore } from "./pem_store.ts";
import { parsePkcs12 } from "./pkcs12.ts";
import { fileErrorText } from "../util/file_errors.ts";
import { recoverPrivateKey } from "./recover_private_key.ts";

export { detectKeyStoreType } from "./detect_keystore_type.ts";
export { KeyStoreError } from "./keystore_error.ts";
export * from "./keystore_types.ts";

/** Options of {@linkcode parseKeyStore}. */
export interface ParseKeyStoreOptions {
  /** The store password (keyStorePass); for PEM, the password of an encrypted key. */
  readonly password: string;
  /**
   * The configured type (keyStoreType). Informational: the content decides,
   * as Java accepts a PKCS#12 file declared JKS.
   *
   * @default undefined
   */
  readonly type?: string;
  /**
   * The file the bytes came from, for messages.
   *
   * @default undefined
   */
  readonly path?: string;
}

/** Options of {@linkcode readKeyStore}. */
export type ReadKeyStoreOptions = Omit<ParseKeyStoreOptions, "path">;

/** Options of {@linkcode clientKey}. */
export interface ClientKeyOptions {
  /** The store password, the key's password unless `keyPassword` is given. */
  readonly password: string;
  /**
   * The key's own password (keyPass), when it differs from the store's
   * (JKS and JCEKS allow that).
   *
   * @default password
   */
  readonly keyPassword?: string;
  /**
   * The private-key entry to use (keyAlias; case-insensitive). Needed when
   * the store holds several.
   *
   * @default the only private key
   */
  readonly alias?: string;
}

/**
 * Reads the keystore in `bytes`, checking its integrity with `password`.
 * Throws KeyStoreError when the format is unknown, the data is damaged or
 * the password is wrong; never returns part of a store.
 */
export function parseKeyStore(bytes: Uint8Array, options: ParseKeyStoreOptions): KeyStore {
  const { password, path } = options;
  const declaredType = options.type?.trim() || undefined;
  const type = detectKeyStoreType(bytes);
  if (type === undefined) {
    const detail = bytes.length === 0
      ? "the file is empty"
      : "unrecognized format: not JKS, JCEKS, PKCS12 or PEM";
    throw new KeyStoreError(`Cannot read ${describe(path)}: ${detail}`, { path });
  }
  let raw: RawEntry[];
  try {
    raw = type === "PKCS12"
      ? parsePkcs12(bytes, password)
      : type === "PEM"
      ? parsePemStore(new TextDecoder().decode(bytes), password)
      : parseJks(bytes, password);
  } catch (err) {
    const mismatch = declaredType !== undefined && keyStoreTypeOf(declaredType) !== type
      ? ` (declared ${declaredType})`
      : "";
    const detail = err instanceof IntegrityError
      ? "wrong password or corrupt keystore"
      : `corrupt or truncated keystore: ${
        String(err instanceof Error ? err.message : err).replace(/\.$/, "")
      }`;
    throw new KeyStoreError(`Cannot read ${type} ${describe(path)}${mismatch}: ${detail}`, {
      path,
      cause: err,
    });
  }
  const entries: KeyStoreEntry[] = raw
    .map((entry) => ({ ...entry, chain: entry.chain.map(certificateInfo) }))
    .sort((a, b) => a.alias < b.alias ? -1 : a.alias > b.alias ? 1 : 0);
  const caCertsPem = entries
    .filter((entry) => entry.kind === "trustedCertificate")
    .map((entry) => entry.chain[0].pem);
  return { type, declaredType, path, entries, caCertsPem };
}

/**
 * Reads and parses the keystore file at `path` (see
 * {@linkcode parseKeyStore}); a missing or unreadable file is a
 * KeyStoreError too.
 */
export async function readKeyStore(path: string, options: ReadKeyStoreOptions): Promise<KeyStore> {
  let bytes: Uint8Array;
  try {
    bytes = await Deno.readFile(path);
  } catch (err) {
    throw new KeyStoreError(`Cannot read ${describe(path)}: ${fileErrorText(err)}`, {
      path,
      cause: err,
    });
  }
  return parseKeyStore(bytes, { ...options, path });
}

/**
 * The client key and its certificate chain from a private-key entry:
 * `alias` picks one, otherwise the store's only one. `undefined` when the
 * store has no private key and no alias was asked for. Throws KeyStoreError
 * when the alias is not a private key, several keys leave the choice open,
 * the key password is wrong, or the key has no certificate.
 */
export function clientKey(
  store: KeyStore,
  options: ClientKeyOptions,
): ClientKeyMaterial | undefined {
  const where = describe(store.path);
  const keys = store.entries.filter((entry) => entry.kind === "privateKey");
  const aliases = keys.map((entry) => `"${entry.alias}"`).join(", ");
  let entry: KeyStoreEntry | undefined;
  if (options.alias !== undefined) {
    const wanted = options.alias.toLowerCase();
    entry = keys.find((key) => key.alias.toLowerCase() === wanted);
    if (entry === undefined) {
      const have = keys.length === 0 ? "it has none" : `it has ${aliases}`;
      throw new KeyStoreError(`No private key "${options.alias}" in ${where}: ${have}`, {
        path: store.path,
      });
    }
  } else if (keys.length > 1) {
    throw new KeyStoreError(
      `Several private keys in ${where} (${aliases}): choose one by alias (keyAlias)`,
      { path: store.path },
    );
  } else {
    entry = keys[0];
  }
  if (entry === undefined) return undefined;
  const { alias, chain, key } = entry;
  const fail = (detail: string, cause?: unknown): KeyStoreError =>
    new KeyStoreError(`Cannot use private key "${alias}" in ${where}: ${detail}`, {
      path: store.path,
      cause,
    });
  if (key === undefined || chain.length === 0) throw fail("it has no certificate");
  let keyObject: KeyObject;
  try {
    const der = recoverPrivateKey(key, options.keyPassword ?? options.password);
    if (der === undefined) throw fail("wrong key password");
    keyObject = createPrivateKey({ key: Buffer.from(der), format: "der", type: "pkcs8" });
  } catch (err) {
    if (err instanceof KeyStoreError) throw err;
    throw fail(`unreadable key: ${err instanceof Error ? err.message : err}`, err);
  }
  const leaf = parseCertificate(pemBody(chain[0].pem));
  if (!leaf.checkPrivateKey(keyObject)) throw fail("it does not match its certificate");
  return {
    alias,
    certChainPem: chain.map((cert) => cert.pem).join(""),
    keyPem: encodePem(
      "PRIVATE KEY",
      new Uint8Array(keyObject.export({ type: "pkcs8", format: "der" })),
    ),
  };
}

function describe(path: string | undefined): string {
  return path === undefined ? "keystore" : `keystore "${path}"`;
}

function pemBody(pem: string): Uint8Array {
  return new Uint8Array(Buffer.from(pem.replace(/-----[^-]+-----|\s/g, ""), "base64"));
}
