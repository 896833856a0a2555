import type { KeyStoreType } from "./keystore_types.ts";

/** The first four bytes of a JKS file. */
export const JKS_MAGIC = 0xfeedfeed;
/** The first four bytes of a JCEKS file. */
export const JCEKS_MAGIC = 0xcececece;

const DER_SEQUENCE = 0x30;
const PEM_BEGIN = "-----BEGIN ";

/**
 * The real format of a keystore, from its content as Java's KeyStore does
 * (a PKCS#12 file named `.jks` is PKCS#12): the JKS (`FEEDFEED`) and JCEKS
 * (`CECECECE`) magic numbers, a DER SEQUENCE for PKCS#12, or a
 * `-----BEGIN ` line for PEM. `undefined` when it is none of them.
 */
export function detectKeyStoreType(bytes: Uint8Array): KeyStoreType | undefined {
  if (bytes.length >= 4) {
    const magic = new DataView(bytes.buffer, bytes.byteOffset, 4).getUint32(0);
    if (magic === JKS_MAGIC) return "JKS";
    if (magic === JCEKS_MAGIC) return "JCEKS";
  }
  if (bytes.length >= 2 && bytes[0] === DER_SEQUENCE) return "PKCS12";
  const text = new TextDecoder("latin1").decode(bytes.subarray(0, 64 * 1024));
  if (text.includes(PEM_BEGIN)) return "PEM";
  return undefined;
}
