/**
 * A WebSocket client of our own on `Deno.connect` / `Deno.connectTls`: it
 * reads the socket only while it is not paused, so a source whose channels
 * are full can stop reading and let TCP hold the server back. It speaks
 * RFC 6455: the upgrade handshake with its checks (`upgrade.ts`), masked
 * client frames and a validating frame decoder (`frames.ts`), pings
 * answered and sent, the close handshake; subprotocols and, when offered,
 * permessage-deflate (`permessage_deflate.ts`).
 *
 * @module
 */
import type { ClientCertificate } from "../../tls/client_certificate.ts";
import { concatBytes } from "../../util/bytes.ts";
import { errorMessage } from "../../util/errors.ts";
import {
  encodeClientFrame,
  encodeClose,
  FrameDecoder,
  type Message,
  OPCODE,
  ProtocolError,
} from "./frames.ts";
import type { ProxySettings } from "./proxy.ts";
import { openTunnel, startOriginTls } from "./proxy_tunnel.ts";
import { MessageInflater } from "./permessage_deflate.ts";
import type { OpenSocket, SessionOffer, SocketLike } from "./socket.ts";
import {
  checkUpgradeResponse,
  headEnd,
  MAX_RESPONSE_HEAD,
  newKey,
  upgradeRequest,
} from "./upgrade.ts";

/** The largest message accepted, as Deno's built-in client accepts (64 MiB). */
export const MAX_MESSAGE_BYTES = 64 * 1024 * 1024;
/** The most `maxMessageSize` may be set to: 1 GiB, held in memory while it arrives. */
export const MAX_MESSAGE_BYTES_LIMIT = 1024 * 1024 * 1024;

/**
 * Our own client (`frame_socket.ts`), which can stop reading its socket:
 * plain TCP for `ws://`, `Deno.connectTls` with the source's CA
 * certificates and client key for `wss://`.
 */
export function frameSocket(options: FrameSocketOptions): OpenSocket {
  return (url, headers) => new FrameSocket(url, headers, options);
}

/** WebSocket readyState values. */
const CONNECTING = 0;
const OPEN = 1;
const CLOSING = 2;
const CLOSED = 3;

/** Bytes asked of the socket per read. */
const READ_SIZE = 64 * 1024;

const ENCODER = new TextEncoder();

/** How a FrameSocket connects. */
export interface FrameSocketOptions {
  /** CA certificates (PEM) trusted beside the system roots, for `wss://`. */
  readonly caCerts?: readonly string[];
  /** Client certificate and key for mutual TLS. */
  readonly clientCertificate?: ClientCertificate;
  /** The largest message accepted; a larger one closes the connection with 1009. */
  readonly maxMessageBytes: number;
  /** Subprotocols and permessage-deflate to offer (inflated sizes count against maxMessageBytes). */
  readonly offer?: SessionOffer;
  /** The HTTP proxy to tunnel through for an endpoint (`proxy.ts`); none when undefined. */
  readonly proxyFor?: (endpoint: URL) => ProxySettings | undefined;
}

/**
 * One WebSocket connection with the event-handler shape of the built-in
 * `WebSocket` (what `connection.ts` drives), plus `pause()` / `resume()`
 * (stop and start reading the socket) and `terminate()` (drop the TCP
 * connection at once, which the built-in client cannot).
 */
export class FrameSocket implements SocketLike {
  binaryType = "arraybuffer";
  onopen: ((event: unknown) => void) | null = null;
  onmessage: ((event: { data: unknown }) => void) | null = null;
  onerror: ((event: { message?: string }) => void) | null = null;
  onclose: ((event: { code: number; reason: string }) => void) | null = null;
  onpong: ((payload: Uint8Array) => void) | null = null;
  #state = CONNECTING;
  #protocol = "";
  #extensions = "";
  /** Inflates compressed messages, when the server accepted permessage-deflate. */
  #inflater: MessageInflater | undefined;
  #serverNoContextTakeover = false;
  #conn: Deno.Conn | undefined;
  #writes: Promise<void> = Promise.resolve();
  #paused = false;
  #resume: (() => void) | undefined;
  /** Messages decoded but not delivered yet: a pause stops delivery between messages. */
  #pending: Message[] = [];
  #closeSent = false;
  #closed = false;
  readonly #abort = new AbortController();

  /** Connects to `url` (ws:// or wss://) with the handshake `headers`. */
  constructor(
    url: string,
    headers: readonly (readonly [string, string])[],
    options: FrameSocketOptions,
  ) {
    void this.#run(new URL(url), headers, options);
  }

  get readyState(): number {
    return this.#state;
  }

  /** The subprotocol the server chose ("" for none). */
  get protocol(): string {
    return this.#protocol;
  }

  /** The extensions the server accepted, as it wrote them ("" for none). */
  get extensions(): string {
    return this.#extensions;
  }

  /** Sends a ping frame (at most 125 bytes of payload). */
  ping(payload: Uint8Array): void {
    if (this.#state !== OPEN) return;
    this.#write(encodeClientFrame(OPCODE.ping, payload));
  }

  /** True while reading is paused. */
  get paused(): boolean {
    return this.#paused;
  }

  send(data: string): void {
    if (this.#state !== OPEN) return;
    this.#write(encodeClientFrame(OPCODE.text, ENCODER.encode(data)));
  }

  close(code = 1000, reason = ""): void {
    if (this.#state === CONNECTING) {
      this.#abort.abort();
      this.#finish(1006, "");
      return;
    }
    if (this.#state !== OPEN) return;
    this.#state = CLOSING;
    this.#sendClose(code, reason);
    // Read on to the server's close reply; what comes before it is handed on
    // (the source's sender takes it or drops it, counted).
    this.resume();
  }

  /** Stops reading the socket (and delivering messages) until resume(); only while open. */
  pause(): void {
    if (this.#state === OPEN) this.#paused = true;
  }

  /** Reads and delivers again. */
  resume(): void {
    this.#paused = false;
    const resume = this.#resume;
    this.#resume = undefined;
    resume?.();
  }

  /** Drops the TCP connection at once, without a close handshake. */
  terminate(): void {
    this.#abort.abort();
    this.#finish(1006, "");
    this.#dropConnection();
  }

  async #run(
    url: URL,
    headers: readonly (readonly [string, string])[],
    options: FrameSocketOptions,
  ): Promise<void> {
    let leftover: Uint8Array;
    try {
      const key = newKey();
      const request = upgradeRequest(url, headers, key, options.offer);
      this.#conn = await this.#connect(url, options);
      if (this.#closed) return this.#dropConnection();
      await writeAll(this.#conn, request);
      leftover = await this.#readHandshake(this.#conn, key, options.offer ?? {});
    } catch (err) {
      if (this.#closed) return this.#dropConnection();
      this.onerror?.({ message: errorMessage(err) });
      this.#finish(1006, "");
      return;
    }
    if (this.#closed) return this.#dropConnection();
    this.#state = OPEN;
    this.onopen?.({});
    const compressed = this.#extensions !== "";
    const decoder = new FrameDecoder({ maxMessageBytes: options.maxMessageBytes, compressed });
    if (compressed) {
      this.#inflater = new MessageInflater({
        maxMessageBytes: options.maxMessageBytes,
        noContextTakeover: this.#serverNoContextTakeover,
      });
    }
    try {
      if (leftover.length > 0) this.#pending = await this.#decode(decoder, leftover);
      while (!this.#closed) {
        await this.#deliverPending();
        if (this.#closed) break;
        // A fresh buffer per read: the decoder keeps views of a frame split across reads.
        const buffer = new Uint8Array(READ_SIZE);
        const n = await this.#conn.read(buffer);
        if (n === null) {
          this.#finish(1006, "");
          break;
        }
        this.#pending = await this.#decode(decoder, buffer.subarray(0, n));
      }
    } catch (err) {
      if (this.#closed) return;
      if (err instanceof ProtocolError) {
        this.onerror?.({ message: err.message });
        this.#sendClose(err.code, "");
        this.#finish(err.code, "");
        return;
      }
      this.onerror?.({ message: errorMessage(err) });
      this.#finish(1006, "");
    }
  }

  /**
   * Decodes a chunk. On a protocol violation the messages the chunk held
   * before it are delivered first, then the error goes on.
   */
  async #decode(decoder: FrameDecoder, chunk: Uint8Array): Promise<Message[]> {
    try {
      return decoder.push(chunk);
    } catch (err) {
      if (err instanceof ProtocolError) {
        this.#pending = [...err.messages];
        await this.#deliverPending();
      }
      throw err;
    }
  }

  /** Delivers the decoded messages in order, stopping (and resuming) at a pause. */
  async #deliverPending(): Promise<void> {
    let i = 0;
    const pending = this.#pending;
    while (i < pending.length && !this.#closed) {
      if (this.#paused) {
        await new Promise<void>((resolve) => this.#resume = resolve);
        continue;
      }
      const message = pending[i++];
      if (message.kind !== "deflated") {
        this.#handle(message);
        continue;
      }
      const inflated = await this.#inflater!.inflate(message.data, message.binary);
      if (!this.#closed) this.#handle(inflated);
    }
    this.#pending = [];
    while (this.#paused && !this.#closed) {
      await new Promise<void>((resolve) => this.#resume = resolve);
    }
  }

  #handle(message: Message): void {
    switch (message.kind) {
      case "text":
        this.onmessage?.({ data: message.text });
        return;
      case "binary":
        // A view into a 64 KiB read buffer: copied, so a small event does not keep it alive.
        this.onmessage?.({ data: message.data.slice() });
        return;
      case "ping":
        // A pong is owed to every ping until the server's close arrives (RFC 6455 5.5.2).
        this.#write(encodeClientFrame(OPCODE.pong, message.payload));
        return;
      case "pong":
        this.onpong?.(message.payload);
        return;
      case "close":
        if (!this.#closeSent) this.#sendClose(message.code ?? 1000, "");
        this.#finish(message.code ?? 1005, message.reason);
    }
  }

  async #connect(url: URL, options: FrameSocketOptions): Promise<Deno.Conn> {
    const hostname = url.hostname.replace(/^\[|\]$/g, "");
    const secure = url.protocol === "wss:";
    const port = url.port ? Number(url.port) : secure ? 443 : 80;
    const proxy = options.proxyFor?.(url);
    if (proxy !== undefined) {
      const tunnel = await openTunnel(proxy, { hostname, port }, this.#abort.signal);
      if (!secure) return tunnel;
      return await startOriginTls(tunnel, hostname, {
        caCerts: options.caCerts,
        cert: options.clientCertificate?.certChainPem,
        key: options.clientCertificate?.keyPem,
      }, this.#abort.signal);
    }
    if (!secure) return await Deno.connect({ hostname, port, signal: this.#abort.signal });
    // Deno.connectTls takes no signal: a close meanwhile stops waiting for it,
    // and a connection that arrives late is closed.
    const connecting = Deno.connectTls({
      hostname,
      port,
      caCerts: options.caCerts?.length ? [...options.caCerts] : undefined,
      cert: options.clientCertificate?.certChainPem,
      key: options.clientCertificate?.keyPem,
    } as Deno.ConnectTlsOptions);
    const aborted = new Promise<never>((_, reject) => {
      const onAbort = (): void => reject(new Error("Connection attempt cancelled"));
      if (this.#abort.signal.aborted) onAbort();
      else this.#abort.signal.addEventListener("abort", onAbort, { once: true });
    });
    aborted.catch(() => {}); // a close after the connection was made rejects it unobserved
    try {
      return await Promise.race([connecting, aborted]);
    } catch (err) {
      connecting.then((late) => late.close(), () => {});
      throw err;
    }
  }

  /** Reads the upgrade response and checks it; returns the bytes read past it. */
  async #readHandshake(conn: Deno.Conn, key: string, offer: SessionOffer): Promise<Uint8Array> {
    let buffered: Uint8Array = new Uint8Array(0);
    while (true) {
      const chunk = new Uint8Array(4096);
      const n = await conn.read(chunk);
      if (n === null) throw new Error("The server closed the connection during the handshake");
      buffered = concatBytes([buffered, chunk.subarray(0, n)]);
      const end = headEnd(buffered);
      if (end < 0) {
        if (buffered.length > MAX_RESPONSE_HEAD) {
          throw new Error(`The server's handshake response is over ${MAX_RESPONSE_HEAD} bytes`);
        }
        continue;
      }
      const outcome = await checkUpgradeResponse(buffered.subarray(0, end), key, offer);
      if (!outcome.ok) throw new Error(outcome.reason);
      this.#protocol = outcome.protocol ?? "";
      this.#extensions = outcome.deflate ? outcome.extensions ?? "" : "";
      this.#serverNoContextTakeover = outcome.deflate?.serverNoContextTakeover ?? false;
      return buffered.subarray(end);
    }
  }

  #sendClose(code: number, reason: string): void {
    if (this.#closeSent) return;
    this.#closeSent = true;
    this.#write(encodeClientFrame(OPCODE.close, encodeClose(code, reason)));
  }

  /** Queues a frame; writes go out in order, one at a time. */
  #write(frame: Uint8Array): void {
    const conn = this.#conn;
    if (!conn || this.#closed) return;
    this.#writes = this.#writes.then(() => writeAll(conn, frame)).catch(() => {});
  }

  /**
   * Ends the connection once: onclose runs and the TCP connection is
   * closed, after the frames queued (a close frame) went out, or at once
   * for an abnormal end (1006: the peer is gone, or we gave up on it), so
   * that a write the peer never reads cannot hold the socket open.
   */
  #finish(code: number, reason: string): void {
    if (this.#closed) return;
    this.#closed = true;
    this.#state = CLOSED;
    this.#inflater?.close();
    this.resume();
    if (code === 1006) this.#dropConnection();
    else void this.#writes.finally(() => this.#dropConnection());
    this.onclose?.({ code, reason });
  }

  #dropConnection(): void {
    try {
      this.#conn?.close();
    } catch {
      // Already closed.
    }
    this.#conn = undefined;
  }
}

async function writeAll(conn: Deno.Conn, bytes: Uint8Array): Promise<void> {
  for (let done = 0; done < bytes.length;) done += await conn.write(bytes.subarray(done));
}
