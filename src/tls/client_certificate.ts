/** Client certificate and key for mutual TLS, PEM. */
export interface ClientCertificate {
  /** The certificate chain, leaf first. */
  readonly certChainPem: string;
  /** The private key (PKCS#8). */
  readonly keyPem: string;
}
