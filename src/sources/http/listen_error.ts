/**
 * The error for a server that cannot listen on `where` (`HOST:PORT`), in
 * plain words: port in use, not an address of this machine, no privilege.
 */
export function listenError(err: unknown, where: string): Error {
  const detail = err instanceof Deno.errors.AddrInUse
    ? "the port is already in use (pick another, or 0 for any free one)"
    : err instanceof Deno.errors.AddrNotAvailable
    ? "not an address of this machine (use 127.0.0.1, or 0.0.0.0 for every interface)"
    : err instanceof Deno.errors.PermissionDenied
    ? "permission denied (ports below 1024 need privileges)"
    : err instanceof Error
    ? err.message
    : String(err);
  return new Error(`Cannot listen on ${where}: ${detail}`, { cause: err });
}
