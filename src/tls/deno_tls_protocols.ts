/**
 * The TLS versions Deno's TLS (rustls) offers, and how Java protocol lists
 * (`exclude-protocols`, `include-protocols`) compare with them: Deno always
 * offers both, so a list can be honoured only where it agrees.
 *
 * @module
 */

/** The protocols Deno offers, always both, as Java names them. */
export const DENO_TLS_PROTOCOLS: readonly string[] = ["TLSv1.2", "TLSv1.3"];

/** Of the `names` to exclude, those Deno offers anyway (as written). */
export function alwaysOffered(names: readonly string[]): string[] {
  return names.filter((name) => DENO_TLS_PROTOCOLS.includes(javaProtocol(name)));
}

/** Of Deno's protocols, those an include list of `names` leaves out (none for an empty list). */
export function leftOut(names: readonly string[]): string[] {
  if (names.length === 0) return [];
  const wanted = names.map(javaProtocol);
  return DENO_TLS_PROTOCOLS.filter((p) => !wanted.includes(p));
}

/** `tlsv1.2`, `TLS1.2` → `TLSv1.2`; other names as written, trimmed. */
function javaProtocol(name: string): string {
  const match = /^tlsv?(1\.[0-3])$/i.exec(name.trim());
  return match ? `TLSv${match[1]}` : name.trim();
}
