import { PropertyError, type RawProperties } from "../../api/properties.ts";
import { clientKey, KeyStoreError, parseKeyStore } from "../../tls/keystore.ts";
import { fileErrorText } from "../../util/file_errors.ts";
import type { HttpTlsSettings } from "./spec.ts";

/** The HTTPS server's certificate chain and private key, PEM, for `Deno.serve`. */
export interface ServerIdentity {
  /** The chain, leaf first. */
  readonly cert: string;
  /** The private key, PKCS#8. */
  readonly key: string;
}

/**
 * Reads the server's key and chain from `keystore` once, during validation
 * (undefined without ssl). An unreadable keystore, a wrong password, or a
 * store without exactly one private key is a PropertyError on `keystore`.
 */
export function loadServerIdentity(
  tls: HttpTlsSettings,
  props: RawProperties,
): ServerIdentity | undefined {
  if (!tls.ssl || tls.keystore === undefined) return undefined;
  // A password that did not resolve (an unset ${env:…}) is reported on its own line.
  if (
    tls.password === undefined && (props.has("keystore-password") || props.has("keystorePassword"))
  ) {
    return undefined;
  }
  const path = tls.keystore;
  let bytes: Uint8Array;
  try {
    bytes = Deno.readFileSync(path);
  } catch (err) {
    throw new PropertyError("keystore", `Cannot read keystore "${path}": ${fileErrorText(err)}`, {
      cause: err,
    });
  }
  const password = tls.password ?? "";
  try {
    const store = parseKeyStore(bytes, { password, type: tls.type, path });
    const key = clientKey(store, { password });
    if (key === undefined) {
      throw new PropertyError(
        "keystore",
        `Keystore "${path}" has no private key: HTTPS needs the server's key and certificate`,
        { hint: "a truststore is not enough: use the store holding the server's key entry" },
      );
    }
    return { cert: key.certChainPem, key: key.keyPem };
  } catch (err) {
    if (!(err instanceof KeyStoreError)) throw err;
    const wrongPassword = /wrong (key )?password/.test(err.message);
    throw new PropertyError("keystore", err.message, {
      cause: err,
      hint: wrongPassword ? "check keystore-password" : undefined,
    });
  }
}
