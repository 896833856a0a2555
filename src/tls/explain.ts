const EXPLANATIONS: readonly (readonly [RegExp, string])[] = [
  [
    /UnknownIssuer/i,
    "the server's certificate is not issued by a trusted CA (add its CA to keyStorePath)",
  ],
  [/NotValidForName|not valid for name/i, "the server's certificate is for another host name"],
  [/Expired/i, "the server's certificate has expired"],
  [/NotValidYet/i, "the server's certificate is not valid yet"],
  [
    /CertificateRequired/i,
    "the server requires a client certificate (keyStorePath needs a private key)",
  ],
  [
    /BadCertificate|UnknownCA|AccessDenied|DecryptError/i,
    "the server refused the client certificate",
  ],
];

/**
 * Adds a plain-words reason to a TLS failure message from Deno (rustls), e.g.
 * `invalid peer certificate: UnknownIssuer`; other messages are returned as
 * they are.
 */
export function explainTlsFailure(message: string): string {
  const found = EXPLANATIONS.find(([pattern]) => pattern.test(message));
  return found ? `TLS: ${found[1]} (${message})` : message;
}
