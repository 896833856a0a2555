/**
 * Keystores read once during validation: a listening source's key and
 * certificate chain (avro, http, websocket_server), a sink's trusted
 * certificates (avro).
 * Problems are PropertyErrors on the property naming the file.
 *
 * @module
 */
import { PropertyError } from "../api/properties.ts";
import { clientKey, type KeyStore, KeyStoreError, parseKeyStore } from "./keystore.ts";
import { fileErrorText } from "../util/file_errors.ts";

/** A server's certificate chain (leaf first) and private key, PEM, for `Deno.listenTls`. */
export interface ServerKey {
  readonly cert: string;
  readonly key: string;
}

/** Where a keystore is and how to open it. */
export interface StoreSettings {
  /** The property naming the file, for messages (`keystore`, `truststore`). */
  readonly property: string;
  readonly path: string;
  readonly password?: string;
  readonly type?: string;
}

/** Reads the server key and chain from `settings.path`. */
export function loadServerKey(settings: StoreSettings): ServerKey {
  const store = openStore(settings);
  const key = clientKey(store, { password: settings.password ?? "" });
  if (key === undefined) {
    throw new PropertyError(
      settings.property,
      `Keystore "${settings.path}" has no private key: TLS needs the server's key and certificate`,
      { hint: "a truststore is not enough: use the store holding the server's key entry" },
    );
  }
  return { cert: key.certChainPem, key: key.keyPem };
}

/** Reads the trusted CA certificates of `settings.path` (PEM). */
export function loadTrustedCerts(settings: StoreSettings): readonly string[] {
  const store = openStore(settings);
  if (store.caCertsPem.length === 0) {
    throw new PropertyError(
      settings.property,
      `Truststore "${settings.path}" holds no trusted certificate`,
    );
  }
  return store.caCertsPem;
}

function openStore(settings: StoreSettings): KeyStore {
  const { property, path } = settings;
  let bytes: Uint8Array;
  try {
    bytes = Deno.readFileSync(path);
  } catch (err) {
    throw new PropertyError(property, `Cannot read ${property} "${path}": ${fileErrorText(err)}`, {
      cause: err,
    });
  }
  try {
    return parseKeyStore(bytes, { password: settings.password ?? "", type: settings.type, path });
  } catch (err) {
    if (!(err instanceof KeyStoreError)) throw err;
    throw new PropertyError(property, err.message, {
      cause: err,
      hint: /wrong (key )?password/.test(err.message) ? `check ${property}-password` : undefined,
    });
  }
}
