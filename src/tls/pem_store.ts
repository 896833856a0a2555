/**
 * Reads a PEM file as a keystore: `CERTIFICATE` blocks and at most a few
 * private keys (`PRIVATE KEY`, `ENCRYPTED PRIVATE KEY` opened with the
 * store password, or OpenSSL's traditional `RSA`/`EC PRIVATE KEY`).
 *
 * Each key's chain is the certificate whose public key matches it and that
 * certificate's issuers found in the file; every other certificate is
 * trusted. Aliases are `key-1`, `key-2`, … and `ca-1`, `ca-2`, … in file
 * order. Other blocks (CRLs, parameters) are ignored.
 *
 * @module
 */
import { createPrivateKey, type KeyObject, type X509Certificate } from "node:crypto";
import { Buffer } from "node:buffer";
import { IntegrityError, type RawEntry } from "./_raw_entry.ts";
import { buildChain, parseCertificate, sameCertificate } from "./certificate.ts";
import { decodePem, type PemBlock } from "./pem.ts";
import { recoverPrivateKey } from "./recover_private_key.ts";

/**
 * The entries of a PEM keystore. Throws IntegrityError when an encrypted key
 * does not open with `password`, TypeError when a block is malformed or the
 * file holds no certificate or key.
 */
export function parsePemStore(text: string, password: string): RawEntry[] {
  const blocks = decodePem(text);
  const certs = blocks.filter((b) => b.label === "CERTIFICATE").map((b) => parseCertificate(b.der));
  const keys = blocks.filter((b) => b.label.endsWith("PRIVATE KEY")).map((b) =>
    readKey(b, password)
  );
  if (certs.length === 0 && keys.length === 0) {
    throw new TypeError("Invalid PEM keystore: no CERTIFICATE or PRIVATE KEY block");
  }
  const entries: RawEntry[] = [];
  const inKeyChains: X509Certificate[] = [];
  keys.forEach((key, i) => {
    const leaf = certs.find((cert) => cert.checkPrivateKey(key));
    const chain = leaf === undefined ? [] : buildChain(leaf, certs);
    inKeyChains.push(...chain);
    const der = new Uint8Array(key.export({ type: "pkcs8", format: "der" }));
    entries.push({
      alias: `key-${i + 1}`,
      kind: "privateKey",
      chain,
      key: { protection: "none", der },
    });
  });
  certs.filter((cert) => !inKeyChains.some((c) => sameCertificate(c, cert))).forEach((cert, i) => {
    entries.push({ alias: `ca-${i + 1}`, kind: "trustedCertificate", chain: [cert] });
  });
  return entries;
}

function readKey(block: PemBlock, password: string): KeyObject {
  if (block.label === "ENCRYPTED PRIVATE KEY") {
    const der = recoverPrivateKey({ protection: "pkcs8", der: block.der }, password);
    if (der === undefined) throw new IntegrityError();
    return createPrivateKey({ key: Buffer.from(der), format: "der", type: "pkcs8" });
  }
  const encrypted = block.headers["Proc-Type"]?.includes("ENCRYPTED") === true;
  try {
    return createPrivateKey({ key: block.text, format: "pem", passphrase: password });
  } catch (err) {
    if (encrypted) throw new IntegrityError();
    throw new TypeError(`Invalid ${block.label}: ${err instanceof Error ? err.message : err}`);
  }
}
