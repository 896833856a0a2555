import type { ClientCertificate } from "../../tls/client_certificate.ts";

/**
 * The part of the WebSocket API a connection uses: the shape of Deno's
 * built-in `WebSocket`, which our client (`frame_socket.ts`) and the npm
 * `ws` client used for `trustAllCerts` both have.
 */
export interface SocketLike {
  readonly readyState: number;
  binaryType: string;
  send(data: string): void;
  close(code?: number, reason?: string): void;
  onopen: ((event: unknown) => void) | null;
  onmessage: ((event: { data: unknown }) => void) | null;
  onerror: ((event: { message?: string }) => void) | null;
  onclose: ((event: { code: number; reason: string }) => void) | null;
  /** Stops reading the socket (our client, and the npm `ws` client); absent on the built-in one. */
  pause?(): void;
  /** Reads again after pause(). */
  resume?(): void;
  /** Drops the TCP connection at once (our client only). */
  terminate?(): void;
}

/** Opens one socket to `url` with the handshake headers. */
export type OpenSocket = (url: string, headers: readonly [string, string][]) => SocketLike;

interface WsClientOptions {
  headers: Record<string, string>;
  maxPayload: number;
  rejectUnauthorized: boolean;
  cert?: string;
  key?: string;
}
type WsClientConstructor = new (url: string, options: WsClientOptions) => SocketLike;

/**
 * The npm `ws` client over `node:tls` with certificate verification off for
 * this socket only (Deno's built-in client can only switch it off for the
 * whole process). Used for `trustAllCerts = true`; loaded only then.
 */
export async function unverifiedSocket(
  maxMessageBytes: number,
  clientCertificate?: ClientCertificate,
): Promise<OpenSocket> {
  const Client = (await import("ws")).default as unknown as WsClientConstructor;
  return (url, headers) =>
    new Client(url, {
      headers: Object.fromEntries(headers),
      maxPayload: maxMessageBytes,
      rejectUnauthorized: false,
      cert: clientCertificate?.certChainPem,
      key: clientCertificate?.keyPem,
    });
}
