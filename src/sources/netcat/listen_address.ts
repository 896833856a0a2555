import { int, string } from "../../api/properties.ts";

/** `bind` and `port` as Flume's netcat sources declare them (both required). */
export const LISTEN_PROPERTIES = {
  bind: string({ required: true, doc: "Host name or IP address to bind to" }),
  port: int({
    required: true,
    min: 0,
    max: 65535,
    doc: "Port to bind to; 0 picks a free one (logged as `Listening on HOST:PORT`)",
  }),
} as const;

/** `HOST:PORT`, with IPv6 addresses in brackets. */
export function formatAddress(hostname: string, port: number): string {
  return hostname.includes(":") ? `[${hostname}]:${port}` : `${hostname}:${port}`;
}

/**
 * The error for a socket that cannot listen on `where` (`HOST:PORT`), in
 * plain words: port in use, not an address of this machine, no privilege.
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
