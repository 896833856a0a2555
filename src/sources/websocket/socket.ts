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
  /** Sends an RFC 6455 ping frame (our client, and the npm `ws` client). */
  ping?(payload: Uint8Array): void;
  /** Called with each pong frame's payload, where ping() exists. */
  onpong?: ((payload: Uint8Array) => void) | null;
  /** The subprotocol the server chose ("" for none), once open. */
  readonly protocol?: string;
  /** The extensions the server accepted (`permessage-deflate; …`, "" for none), once open. */
  readonly extensions?: string;
}

/** What a socket offers in its handshake beyond RFC 6455 itself. */
export interface SessionOffer {
  /** Sent in Sec-WebSocket-Protocol; the server must choose one. @default none */
  readonly subprotocols?: readonly string[];
  /** Offer permessage-deflate. @default false */
  readonly deflate?: boolean;
}

/** Opens one socket to `url` with the handshake headers. */
export type OpenSocket = (url: string, headers: readonly [string, string][]) => SocketLike;

interface WsClientOptions {
  headers: Record<string, string>;
  maxPayload: number;
  rejectUnauthorized: boolean;
  cert?: string;
  key?: string;
  perMessageDeflate: boolean;
}
/** The npm `ws` client as used here: SocketLike plus its pong event. */
type WsClient = SocketLike & {
  on(event: "pong", listener: (data: Uint8Array) => void): void;
};
type WsClientConstructor = new (
  url: string,
  protocols: string[],
  options: WsClientOptions,
) => WsClient;

/**
 * The npm `ws` client over `node:tls` with certificate verification off for
 * this socket only (Deno's built-in client can only switch it off for the
 * whole process). Used for `trustAllCerts = true`; loaded only then.
 */
export async function unverifiedSocket(
  maxMessageBytes: number,
  clientCertificate?: ClientCertificate,
  offer: SessionOffer = {},
): Promise<OpenSocket> {
  const Client = (await import("ws")).default as unknown as WsClientConstructor;
  return (url, headers) => {
    // maxPayload applies to the inflated size of a compressed message too.
    const client = new Client(url, [...(offer.subprotocols ?? [])], {
      headers: Object.fromEntries(headers),
      maxPayload: maxMessageBytes,
      rejectUnauthorized: false,
      cert: clientCertificate?.certChainPem,
      key: clientCertificate?.keyPem,
      perMessageDeflate: offer.deflate ?? false,
    });
    client.on("pong", (data) => client.onpong?.(new Uint8Array(data)));
    return client;
  };
}
