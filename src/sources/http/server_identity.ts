import type { RawProperties } from "../../api/properties.ts";
import { loadServerKey, type ServerKey } from "../../tls/keystore_files.ts";
import type { HttpTlsSettings } from "./spec.ts";

/** The HTTPS server's certificate chain (leaf first) and PKCS#8 private key, PEM, for `Deno.serve`. */
export type ServerIdentity = ServerKey;

/**
 * Reads the server's key and chain from `keystore` once, during validation
 * (undefined without ssl). An unreadable keystore, a wrong password, or a
 * store without a private key is a PropertyError on `keystore`.
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
  return loadServerKey({
    property: "keystore",
    path: tls.keystore,
    password: tls.password,
    type: tls.type,
  });
}
