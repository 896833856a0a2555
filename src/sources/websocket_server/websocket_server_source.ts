import type { Clock } from "../../api/clock.ts";
import { defineSource } from "../../api/component.ts";
import type { CounterCell, CounterGroup } from "../../api/counters.ts";
import type { Log } from "../../api/log.ts";
import type { Source, SourceSender } from "../../api/source.ts";
import { errorMessage } from "../../util/errors.ts";
import { type AdmissionRules, admit, normalOrigin } from "./admission.ts";
import { runSession, type SessionOutcome } from "./client_session.ts";
import {
  acceptBytes,
  headEnd,
  MAX_REQUEST_HEAD,
  parseRequestHead,
  type Refusal,
  refusalBytes,
} from "./handshake.ts";
import { formatAddress, listenError } from "../../util/listen_address.ts";
import { loadServerKey, type ServerKey } from "../../tls/keystore_files.ts";
import {
  checkWebSocketServer,
  WEBSOCKET_SERVER_COUNTERS,
  WEBSOCKET_SERVER_PROPERTIES,
} from "./spec.ts";
import { closeQuietly } from "../../util/close_quietly.ts";

/** The `websocket_server` source type. */
export const WEBSOCKET_SERVER_SOURCE = defineSource({
  type: "websocket_server",
  summary: "A WebSocket server (`ws://`, `wss://`): many clients connect, each message is an " +
    "event; while the channels are full it stops reading its clients",
  example: `
a1.sources = r1
a1.sources.r1.type = websocket_server
a1.sources.r1.bind = 0.0.0.0
a1.sources.r1.port = 8080
a1.sources.r1.path = /events
a1.sources.r1.allowedOrigins = https://app.example.com
a1.sources.r1.maxConnections = 1000
a1.sources.r1.maxMessageSize = 1048576
a1.sources.r1.clientAddressHeader = client
a1.sources.r1.connectionIdHeader = connection
a1.sources.r1.ssl = true
a1.sources.r1.keystore = /etc/flume/server.p12
a1.sources.r1.keystore-password = \${env:KEYSTORE_PASSWORD}
a1.sources.r1.keystore-type = PKCS12
a1.sources.r1.channels = c1`,
  properties: WEBSOCKET_SERVER_PROPERTIES,
  counters: WEBSOCKET_SERVER_COUNTERS,
  check: checkWebSocketServer,
  backlogCapacity: (config) => config.backlogCapacity,
  prepare: (config, props): ServerKey | undefined =>
    config.ssl && config.keystore !== undefined &&
      // A password that did not resolve (an unset ${env:…}) is reported on its own line.
      !(config["keystore-password"] === undefined && props.has("keystore-password"))
      ? loadServerKey({
        property: "keystore",
        path: config.keystore.trim(),
        password: config["keystore-password"],
        type: config["keystore-type"],
      })
      : undefined,
  create: ({ config, prepared, sender, log, clock, counters }) => {
    const origins = config.allowedOrigins;
    return new WebSocketServerSource(sender, {
      hostname: config.bind.trim(),
      port: config.port,
      rules: {
        path: config.path.trim(),
        origins: origins === undefined || origins.includes("*")
          ? undefined
          : new Set(origins.map(normalOrigin)),
        maxConnections: config.maxConnections,
      },
      maxMessageBytes: config.maxMessageSize,
      clientAddressHeader: config.clientAddressHeader?.trim() || undefined,
      connectionIdHeader: config.connectionIdHeader?.trim() || undefined,
      identity: prepared,
      log,
      clock,
      counters,
    });
  },
});

/** Settings and collaborators of a WebSocketServerSource. */
export interface WebSocketServerOptions {
  readonly hostname: string;
  /** 0 picks a free port: see {@linkcode WebSocketServerSource.boundPort}. */
  readonly port: number;
  readonly rules: AdmissionRules;
  readonly maxMessageBytes: number;
  /** Header for the client's `HOST:PORT`. @default none */
  readonly clientAddressHeader?: string;
  /** Header for the connection's UUID. @default none */
  readonly connectionIdHeader?: string;
  /** wss:// with this key and chain. @default plain ws:// */
  readonly identity?: ServerKey;
  readonly log: Log;
  readonly clock: Clock;
  readonly counters: CounterGroup<string>;
}

/** Longest time a client may take to send its handshake. */
const HANDSHAKE_TIMEOUT_MS = 10_000;
/** Longest wait, at stop, for the sessions to finish their close handshakes. */
const STOP_GRACE_MS = 3_000;
/** Least time between two warnings about refused handshakes. */
const WARN_EVERY_MS = 10_000;

/**
 * A WebSocket server on `Deno.listen` / `Deno.listenTls` with its own
 * RFC 6455 handshake and frame reader, so that it can stop reading a
 * client: each message becomes an event (text as text, binary as bytes)
 * in the order its client sent it; while the sender's backlog is full no
 * client is read, TCP's window fills and the clients' sends wait.
 */
export class WebSocketServerSource implements Source {
  readonly #sender: SourceSender;
  readonly #options: WebSocketServerOptions;
  #listener: Deno.Listener | undefined;
  #accepting: Promise<void> | undefined;
  /** Every TCP connection, handshaking or open, and the work serving it. */
  readonly #conns = new Map<Deno.Conn, Promise<void>>();
  /** The connections past their handshake: the open WebSockets. */
  readonly #sessions = new Set<Deno.Conn>();
  #stop = new AbortController();
  #refusedSince = 0;
  #lastWarning = -Infinity;
  readonly #bytes: CounterCell;

  /** A source sending through `sender`; it listens from start(). */
  constructor(sender: SourceSender, options: WebSocketServerOptions) {
    this.#sender = sender;
    this.#options = options;
    this.#bytes = options.counters.cell("MessageBytesReceivedCount");
  }

  /** The port listened on (the one picked when configured 0); 0 before start(). */
  boundPort(): number {
    return this.#listener ? (this.#listener.addr as Deno.NetAddr).port : 0;
  }

  /** Open WebSocket connections. */
  get openConnections(): number {
    return this.#sessions.size;
  }

  start(): Promise<void> {
    const { hostname, port, identity, log, counters } = this.#options;
    this.#stop = new AbortController();
    try {
      this.#listener = identity
        ? Deno.listenTls({
          hostname,
          port,
          transport: "tcp",
          cert: identity.cert,
          key: identity.key,
        })
        : Deno.listen({ hostname, port, transport: "tcp" });
    } catch (err) {
      throw listenError(err, formatAddress(hostname, port));
    }
    counters.gauge("OpenConnectionCount", () => this.#sessions.size);
    const addr = this.#listener.addr as Deno.NetAddr;
    log.info(`Listening on ${formatAddress(addr.hostname, addr.port)}${identity ? " (wss)" : ""}`);
    this.#accepting = this.#accept(this.#listener);
    return Promise.resolve();
  }

  /** Stops accepting, closes every session with 1001, and waits for them (briefly). */
  async stop(): Promise<void> {
    this.#stop.abort();
    this.#listener?.close();
    await this.#accepting;
    this.#listener = undefined;
    for (const conn of this.#conns.keys()) {
      if (!this.#sessions.has(conn)) closeQuietly(conn); // still handshaking
    }
    let timer: ReturnType<typeof setTimeout> | undefined;
    const late = new Promise<void>((resolve) => timer = setTimeout(resolve, STOP_GRACE_MS));
    await Promise.race([Promise.all(this.#conns.values()), late]);
    clearTimeout(timer);
    for (const conn of this.#conns.keys()) closeQuietly(conn);
    await Promise.all(this.#conns.values());
  }

  async #accept(listener: Deno.Listener): Promise<void> {
    try {
      for await (const conn of listener) {
        this.#conns.set(
          conn,
          this.#serve(conn).finally(() => {
            this.#conns.delete(conn);
            closeQuietly(conn);
          }),
        );
      }
    } catch (err) {
      if (!this.#stop.signal.aborted) {
        this.#options.log.error(`WebSocket server listener failed: ${errorMessage(err)}`);
      }
    }
  }

  /** Reads the handshake, answers it, and runs the session if it was accepted. */
  async #serve(conn: Deno.Conn): Promise<void> {
    const { log, rules } = this.#options;
    const peer = conn.remoteAddr as Deno.NetAddr;
    const who = formatAddress(peer.hostname, peer.port);
    let head: Uint8Array;
    let leftover: Uint8Array;
    try {
      const read = await readHead(conn);
      if (!("head" in read)) {
        if (read.refusal) await this.#refuse(conn, who, { refusal: read.refusal, why: read.why });
        else log.debug(`Client ${who} left before its handshake: ${read.why}`);
        return;
      }
      [head, leftover] = [read.head, read.leftover];
    } catch (err) {
      if (!this.#stop.signal.aborted) {
        log.debug(`Handshake from ${who} failed: ${errorMessage(err)}`);
      }
      return;
    }
    const request = parseRequestHead(head);
    if (request === undefined) {
      await this.#refuse(conn, who, {
        refusal: { status: 400, text: "Not an HTTP request" },
        why: "not an HTTP request",
      });
      return;
    }
    const verdict = admit(request, rules, this.#sessions.size);
    if (verdict) {
      await this.#refuse(conn, who, verdict);
      return;
    }
    if (this.#stop.signal.aborted) return;
    this.#sessions.add(conn); // counted at once, so that maxConnections holds
    try {
      await writeAll(conn, await acceptBytes(request.headers.get("sec-websocket-key")!));
      await this.#session(conn, who, leftover);
    } catch (err) {
      log.debug(`Connection from ${who} ended: ${errorMessage(err)}`);
    } finally {
      this.#sessions.delete(conn);
    }
  }

  async #session(conn: Deno.Conn, who: string, leftover: Uint8Array): Promise<void> {
    const { log, counters, clientAddressHeader, connectionIdHeader } = this.#options;
    const id = crypto.randomUUID();
    const headers: Record<string, string> = {};
    if (clientAddressHeader) headers[clientAddressHeader] = who;
    if (connectionIdHeader) headers[connectionIdHeader] = id;
    Object.freeze(headers);
    counters.add("ConnectionCreatedCount");
    log.debug(`Client ${who} connected (connection ${id})`);
    const outcome = await runSession(conn, {
      leftover,
      maxMessageBytes: this.#options.maxMessageBytes,
      headers,
      sender: this.#sender,
      signal: this.#stop.signal,
      bytes: this.#bytes,
    });
    counters.add("ConnectionClosedCount");
    this.#report(who, id, outcome);
  }

  #report(who: string, id: string, outcome: SessionOutcome): void {
    const { log, counters } = this.#options;
    const detail = `code ${outcome.code}, ${outcome.messages} message(s)`;
    if (outcome.error?.code === 1009) {
      counters.add("MessageTooLargeCount");
      log.warn(`Client ${who} ${outcome.error.message.slice("The client ".length)}: closed (1009)`);
    } else if (outcome.error) {
      counters.add("EventReadFail");
      log.warn(`Client ${who} broke the WebSocket protocol: ${outcome.error.message}: closed`);
    } else {
      const cause = outcome.cause ? ` (${outcome.cause})` : "";
      log.debug(`Client ${who} disconnected (connection ${id}): ${detail}${cause}`);
    }
  }

  /** Answers a refused handshake, counts it, and warns (one summary per WARN_EVERY_MS). */
  async #refuse(
    conn: Deno.Conn,
    who: string,
    verdict: { refusal: Refusal; why: string; counter?: string },
  ): Promise<void> {
    const { log, counters, clock } = this.#options;
    counters.add("ConnectionRefusedCount");
    if (verdict.counter) counters.add(verdict.counter);
    await writeAll(conn, refusalBytes(verdict.refusal)).catch(() => {});
    const line = `Refused a WebSocket handshake from ${who} with ${verdict.refusal.status}: ` +
      verdict.why;
    if (verdict.counter === undefined) {
      log.debug(line);
      return;
    }
    this.#refusedSince++;
    const now = clock.now();
    if (now - this.#lastWarning < WARN_EVERY_MS) return;
    log.warn(
      this.#refusedSince === 1
        ? line
        : `${line} (${this.#refusedSince} refused since the last warning)`,
    );
    this.#refusedSince = 0;
    this.#lastWarning = now;
  }
}

/** What reading a handshake's head gave. */
type HeadRead =
  | { readonly head: Uint8Array; readonly leftover: Uint8Array }
  | { readonly refusal?: Refusal; readonly why: string };

/** Reads up to the blank line ending the request head, within HANDSHAKE_TIMEOUT_MS. */
async function readHead(conn: Deno.Conn): Promise<HeadRead> {
  let timedOut = false;
  const timer = setTimeout(() => {
    timedOut = true;
    closeQuietly(conn);
  }, HANDSHAKE_TIMEOUT_MS);
  try {
    let buffered = new Uint8Array(0);
    const chunk = new Uint8Array(4096);
    while (true) {
      const n = await conn.read(chunk);
      if (n === null) return { why: "connection closed" };
      const next = new Uint8Array(buffered.length + n);
      next.set(buffered);
      next.set(chunk.subarray(0, n), buffered.length);
      buffered = next;
      const end = headEnd(buffered);
      if (end >= 0) return { head: buffered.subarray(0, end), leftover: buffered.slice(end) };
      if (buffered.length > MAX_REQUEST_HEAD) {
        return {
          refusal: { status: 431, text: `Request head over ${MAX_REQUEST_HEAD} bytes` },
          why: `request head over ${MAX_REQUEST_HEAD} bytes`,
        };
      }
    }
  } catch (err) {
    if (timedOut) return { why: `no handshake within ${HANDSHAKE_TIMEOUT_MS / 1000} s` };
    throw err;
  } finally {
    clearTimeout(timer);
  }
}

async function writeAll(conn: Deno.Conn, bytes: Uint8Array): Promise<void> {
  for (let done = 0; done < bytes.length;) done += await conn.write(bytes.subarray(done));
}
