/**
 * How a listening source names the address it listens on, and why it
 * cannot listen there, in plain words.
 *
 * @module
 */

/** `HOST:PORT`, with IPv6 addresses in brackets. */
export function formatAddress(hostname: string, port: number): string {
  return hostname.includes(":") ? `[${hostname}]:${port}` : `${hostname}:${port}`;
}

/**
 * The error for a socket that cannot listen on `where` (`HOST:PORT`), in
 * plain words: port in use, not an address of this machine, no privilege.
 * Deno's errors and Node's codes (`node:dgram`) alike.
 */
export function listenError(err: unknown, where: string): Error {
  const code = (err as { code?: string } | undefined)?.code;
  const detail = err instanceof Deno.errors.AddrInUse || code === "EADDRINUSE"
    ? "the port is already in use (pick another, or 0 for any free one)"
    : err instanceof Deno.errors.AddrNotAvailable || code === "EADDRNOTAVAIL"
    ? "not an address of this machine (use 127.0.0.1, or 0.0.0.0 for every interface)"
    : err instanceof Deno.errors.PermissionDenied || code === "EACCES"
    ? "permission denied (ports below 1024 need privileges)"
    : err instanceof Error
    ? err.message
    : String(err);
  return new Error(`Cannot listen on ${where}: ${detail}`, { cause: err });
}
