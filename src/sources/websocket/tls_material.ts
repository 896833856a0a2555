import type { ClientCertificate } from "../../tls/client_certificate.ts";
import { clientKey, parseKeyStore } from "../../tls/keystore.ts";
import { KeyStoreError } from "../../tls/keystore_error.ts";
import { fileErrorText } from "../../util/file_errors.ts";

/** The TLS material of one WebSocket source, read from its keystore. */
export interface TlsMaterial {
  /** Trusted CA certificates from the keystore (PEM), added to the system roots. */
  readonly caCertsPem: readonly string[];
  /** The keystore's private key and chain, for mutual TLS. */
  readonly clientCertificate?: ClientCertificate;
  /** `trustAllCerts = true`: no verification, for this source only. */
  readonly trustAll: boolean;
}

/** The WebSocket source's TLS settings. */
export interface TlsSettings {
  readonly trustAllCerts: boolean;
  readonly keyStorePath?: string;
  readonly keyStorePass?: string;
  readonly keyStoreType?: string;
  readonly keyPass?: string;
  readonly keyAlias?: string;
}

/**
 * Reads `keyStorePath` with `keyStorePass` (the seed used one store for
 * trusted CAs and its client key): trusted entries become CA certificates,
 * the private-key entry (`keyAlias` when there are several, decrypted with
 * `keyPass`, default `keyStorePass`) the client certificate. Throws
 * KeyStoreError naming the file when it cannot be read or opened.
 */
export function loadTlsMaterial(config: TlsSettings): TlsMaterial {
  const trustAll = config.trustAllCerts;
  const path = config.keyStorePath;
  if (!path) return { caCertsPem: [], trustAll };
  let bytes: Uint8Array;
  try {
    bytes = Deno.readFileSync(path);
  } catch (err) {
    throw new KeyStoreError(`Cannot read keystore "${path}": ${fileErrorText(err)}`, {
      path,
      cause: err,
    });
  }
  const password = config.keyStorePass ?? "";
  const store = parseKeyStore(bytes, { password, type: config.keyStoreType, path });
  const key = clientKey(store, {
    password,
    keyPassword: config.keyPass,
    alias: config.keyAlias?.trim(),
  });
  return {
    caCertsPem: store.caCertsPem,
    clientCertificate: key ? { certChainPem: key.certChainPem, keyPem: key.keyPem } : undefined,
    trustAll,
  };
}
