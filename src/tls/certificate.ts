/**
 * X.509 certificates as keystores hold them (DER), read with `node:crypto`.
 *
 * @module
 */
import { X509Certificate } from "node:crypto";
import type { CertificateInfo } from "./keystore_types.ts";
import { encodePem } from "./pem.ts";

/** Parses one DER certificate; throws TypeError when it is not one. */
export function parseCertificate(der: Uint8Array): X509Certificate {
  try {
    return new X509Certificate(der);
  } catch (err) {
    throw new TypeError(`Invalid certificate: ${err instanceof Error ? err.message : err}`);
  }
}

/** The subject, issuer, validity and PEM of `cert`. */
export function certificateInfo(cert: X509Certificate): CertificateInfo {
  return {
    subject: distinguishedName(cert.subject),
    issuer: distinguishedName(cert.issuer),
    notBefore: new Date(cert.validFrom),
    notAfter: new Date(cert.validTo),
    sha256: cert.fingerprint256,
    pem: encodePem("CERTIFICATE", new Uint8Array(cert.raw)),
  };
}

/**
 * The chain of `leaf` up to a self-issued certificate or the last one found
 * in `pool`, leaf first, following each certificate's issuer name as Java's
 * keystores do.
 */
export function buildChain(
  leaf: X509Certificate,
  pool: readonly X509Certificate[],
): X509Certificate[] {
  const chain = [leaf];
  let current = leaf;
  while (current.subject !== current.issuer) {
    const issuer = pool.find((candidate) =>
      !chain.some((c) => sameCertificate(c, candidate)) &&
      candidate.subject === current.issuer && current.checkIssued(candidate)
    );
    if (issuer === undefined) break;
    chain.push(issuer);
    current = issuer;
  }
  return chain;
}

/** Whether `a` and `b` are the same certificate (same DER). */
export function sameCertificate(a: X509Certificate, b: X509Certificate): boolean {
  return a.fingerprint256 === b.fingerprint256;
}

/** node:crypto's one-RDN-a-line form as `O=flume-ws, CN=localhost`. */
function distinguishedName(lines: string): string {
  return lines.split("\n").filter((line) => line !== "").join(", ");
}
