import {
  acceptKey,
  type ClientFrame,
  closeFrame,
  OPCODE,
  parseClientFrames,
  serverFrame,
  textFrame,
} from "./ws_frames.ts";

/** How the server answers the next handshakes. */
export type HandshakeMode =
  | { readonly kind: "accept" }
  | { readonly kind: "refuse"; readonly status: number }
  /** Accept the TCP connection and never answer. */
  | { readonly kind: "stall" }
  /** Answer 101 with a Sec-WebSocket-Accept that does not match the key (RFC 6455 4.1). */
  | { readonly kind: "wrong-accept" };

/**
 * What a connection does with the client's close frame: answer and end the
 * TCP connection (the usual server), answer and wait for the client to end
 * it, or ignore it (a dead or broken peer).
 */
export type CloseBehaviour = "answer-and-close" | "answer-and-wait" | "ignore";

/** One handshake the server saw. */
export interface Handshake {
  readonly path: string;
  readonly headers: Headers;
}

/** One accepted WebSocket connection, as the test drives it. */
export class ServerConnection {
  /** Text (string) and binary (bytes) messages the client sent, in order. */
  readonly received: (string | Uint8Array)[] = [];
  /** Payloads of the ping frames the client sent, in order. */
  readonly pings: Uint8Array[] = [];
  /** False: ping frames are recorded but not answered (a peer that stopped answering). */
  answerPings = true;
  /** Called with each text message the client sent (to answer a heartbeat, …). */
  onText: ((text: string) => void) | null = null;
  readonly #conn: Deno.Conn;
  readonly #onMessage: () => void;
  readonly #closeBehaviour: CloseBehaviour;
  #closed = false;
  /** performance.now() when the handshake completed. */
  readonly acceptedAt: number = performance.now();
  /** performance.now() when the TCP connection ended (either side). */
  endedAt: number | undefined;
  /** True once either side ended the connection. */
  get closedByEither(): boolean {
    return this.#closed;
  }
  /** Resolves when the TCP connection has ended. */
  readonly ended: Promise<void>;

  /** Wraps an upgraded TCP connection; `leftover` holds bytes read past the handshake. */
  constructor(
    conn: Deno.Conn,
    leftover: Uint8Array,
    options: { onMessage: () => void; closeBehaviour: CloseBehaviour },
  ) {
    this.#conn = conn;
    this.#onMessage = options.onMessage;
    this.#closeBehaviour = options.closeBehaviour;
    this.ended = this.#read(leftover);
  }

  /** Sends a text frame. */
  sendText(text: string): Promise<void> {
    return this.#write(textFrame(text));
  }

  /** Sends a binary frame. */
  sendBinary(bytes: Uint8Array): Promise<void> {
    return this.#write(serverFrame(OPCODE.binary, bytes));
  }

  /** Sends raw bytes (pre-encoded frames). */
  sendRaw(bytes: Uint8Array): Promise<void> {
    return this.#write(bytes);
  }

  /** Sends a close frame with `code`, then ends the TCP connection. */
  async close(code = 1000, reason = ""): Promise<void> {
    await this.#write(closeFrame(code, reason));
    this.abort();
  }

  /** Ends the TCP connection at once, with no close frame (a crash or reset). */
  abort(): void {
    if (this.#closed) return;
    this.#closed = true;
    this.endedAt = performance.now();
    try {
      this.#conn.close();
    } catch {
      // already closed by the peer
    }
  }

  async #write(bytes: Uint8Array): Promise<void> {
    if (this.#closed) return;
    try {
      let rest = bytes;
      while (rest.length > 0) rest = rest.subarray(await this.#conn.write(rest));
    } catch {
      this.abort();
    }
  }

  async #read(leftover: Uint8Array): Promise<void> {
    let buffer = leftover;
    const chunk = new Uint8Array(64 * 1024);
    try {
      while (!this.#closed) {
        const { frames, rest } = parseClientFrames(buffer);
        buffer = rest;
        for (const frame of frames) await this.#handle(frame);
        if (this.#closed) break;
        const n = await this.#conn.read(chunk);
        if (n === null) break;
        const next = new Uint8Array(buffer.length + n);
        next.set(buffer);
        next.set(chunk.subarray(0, n), buffer.length);
        buffer = next;
      }
    } catch {
      // reset by the peer or closed by us
    } finally {
      this.abort();
    }
  }

  async #handle(frame: ClientFrame): Promise<void> {
    if (frame.opcode === OPCODE.text) {
      const text = new TextDecoder().decode(frame.payload);
      this.received.push(text);
      this.#onMessage();
      this.onText?.(text);
    } else if (frame.opcode === OPCODE.binary) {
      this.received.push(frame.payload);
      this.#onMessage();
    } else if (frame.opcode === OPCODE.ping) {
      this.pings.push(frame.payload);
      this.#onMessage();
      if (this.answerPings) await this.#write(serverFrame(OPCODE.pong, frame.payload));
    } else if (frame.opcode === OPCODE.close) {
      if (this.#closeBehaviour === "ignore") return;
      await this.#write(serverFrame(OPCODE.close, frame.payload));
      if (this.#closeBehaviour === "answer-and-close") this.abort();
    }
  }
}

/**
 * A WebSocket server on loopback for tests, written on raw TCP so that it
 * can do what a well-behaved server never does: refuse handshakes with any
 * status, stall after accepting TCP, reset connections without a close
 * frame, and be killed and restarted on the same port.
 */
export class WsTestServer {
  /** Every handshake seen, accepted or not. */
  readonly handshakes: Handshake[] = [];
  /** Every accepted connection, in order. */
  readonly connections: ServerConnection[] = [];
  /** How the next handshakes are answered. */
  mode: HandshakeMode = { kind: "accept" };
  /** What new connections do with the client's close frame. */
  closeBehaviour: CloseBehaviour = "answer-and-close";
  /**
   * The Sec-WebSocket-Protocol answer to the client's offer (null without
   * one); none is sent when it returns undefined. @default no answer
   */
  answerProtocol?: (offered: string | null) => string | undefined;
  /** Called for each accepted connection (send frames, close, …). */
  onConnection?: (connection: ServerConnection) => void;
  #listener: Deno.Listener | undefined;
  #port = 0;
  #accepting: Promise<void> | undefined;
  readonly #open = new Set<Deno.Conn>();
  readonly #tasks = new Set<Promise<void>>();
  #waiters = new Set<() => void>();

  /** Starts listening on 127.0.0.1 on a free port (or `port`). */
  static async start(port = 0): Promise<WsTestServer> {
    const server = new WsTestServer();
    await server.#listen(port);
    return server;
  }

  /** The port, kept across kill and restart. */
  get port(): number {
    return this.#port;
  }

  /** `ws://127.0.0.1:PORT/path`. */
  url(path = "/"): string {
    return `ws://127.0.0.1:${this.#port}${path}`;
  }

  /** Every message every connection received, in connection order. */
  get received(): (string | Uint8Array)[] {
    return this.connections.flatMap((c) => c.received);
  }

  /** Resolves once `predicate` holds, re-checked on every server event. */
  async until(predicate: () => boolean, what = "condition", timeoutMs = 20_000): Promise<void> {
    const deadline = Date.now() + timeoutMs;
    while (!predicate()) {
      if (Date.now() > deadline) throw new Error(`Timed out waiting for ${what}`);
      await new Promise<void>((resolve) => {
        const timer = setTimeout(wake, 100);
        function wake(): void {
          clearTimeout(timer);
          resolve();
        }
        this.#waiters.add(wake);
      });
    }
  }

  /** Waits for the n-th accepted connection (1-based). */
  async connection(n: number): Promise<ServerConnection> {
    await this.until(() => this.connections.length >= n, `connection #${n}`);
    return this.connections[n - 1];
  }

  /** Stops listening and resets every open connection, as a crash would. */
  async kill(): Promise<void> {
    this.#listener?.close();
    this.#listener = undefined;
    await this.#accepting;
    for (const c of this.connections) c.abort();
    for (const conn of this.#open) {
      try {
        conn.close();
      } catch {
        // already closed
      }
    }
    this.#open.clear();
    await Promise.all([...this.#tasks]);
  }

  /** Listens again on the same port. */
  async restart(): Promise<void> {
    await this.#listen(this.#port);
  }

  /** Stops everything. */
  async close(): Promise<void> {
    await this.kill();
    await Promise.all(this.connections.map((c) => c.ended));
  }

  #wake(): void {
    for (const wake of this.#waiters) wake();
    this.#waiters.clear();
  }

  async #listen(port: number): Promise<void> {
    // A just-killed port can take a moment to be free again.
    for (let attempt = 0;; attempt++) {
      try {
        this.#listener = Deno.listen({ hostname: "127.0.0.1", port });
        break;
      } catch (err) {
        if (!(err instanceof Deno.errors.AddrInUse) || attempt > 50) throw err;
        await new Promise((resolve) => setTimeout(resolve, 20));
      }
    }
    this.#port = (this.#listener.addr as Deno.NetAddr).port;
    const listener = this.#listener;
    this.#accepting = (async () => {
      try {
        for await (const conn of listener) {
          this.#open.add(conn);
          const task = this.#serve(conn).finally(() => this.#tasks.delete(task));
          this.#tasks.add(task);
        }
      } catch {
        // listener closed
      }
    })();
  }

  async #serve(conn: Deno.Conn): Promise<void> {
    const buf = new Uint8Array(16 * 1024);
    let data = new Uint8Array(0);
    let end = -1;
    try {
      while (end < 0) {
        const n = await conn.read(buf);
        if (n === null) return;
        const next = new Uint8Array(data.length + n);
        next.set(data);
        next.set(buf.subarray(0, n), data.length);
        data = next;
        end = indexOfHeaderEnd(data);
      }
    } catch {
      return;
    }
    const [requestLine, ...lines] = new TextDecoder().decode(data.subarray(0, end)).split("\r\n");
    const headers = new Headers();
    for (const line of lines) {
      const colon = line.indexOf(":");
      if (colon > 0) headers.append(line.slice(0, colon).trim(), line.slice(colon + 1).trim());
    }
    this.handshakes.push({ path: requestLine.split(" ")[1] ?? "/", headers });
    this.#wake();
    const mode = this.mode;
    if (mode.kind === "stall") {
      await conn.read(buf).catch(() => null); // until the client gives up or we are killed
      this.#release(conn);
      return;
    }
    if (mode.kind === "refuse") {
      await writeAll(
        conn,
        `HTTP/1.1 ${mode.status} Refused\r\nContent-Length: 0\r\nConnection: close\r\n\r\n`,
      );
      this.#release(conn);
      return;
    }
    const key = headers.get("sec-websocket-key") ?? "";
    const accept = await acceptKey(mode.kind === "wrong-accept" ? `${key}x` : key);
    const protocol = this.answerProtocol?.(headers.get("sec-websocket-protocol"));
    await writeAll(
      conn,
      "HTTP/1.1 101 Switching Protocols\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n" +
        (protocol === undefined ? "" : `Sec-WebSocket-Protocol: ${protocol}\r\n`) +
        `Sec-WebSocket-Accept: ${accept}\r\n\r\n`,
    );
    const connection = new ServerConnection(conn, data.slice(end + 4), {
      onMessage: () => this.#wake(),
      closeBehaviour: this.closeBehaviour,
    });
    this.connections.push(connection);
    this.#wake();
    this.onConnection?.(connection);
    await connection.ended;
    this.#open.delete(conn);
    this.#wake();
  }

  #release(conn: Deno.Conn): void {
    this.#open.delete(conn);
    try {
      conn.close();
    } catch {
      // already closed
    }
  }
}

function indexOfHeaderEnd(data: Uint8Array): number {
  for (let i = 3; i < data.length; i++) {
    if (data[i - 3] === 13 && data[i - 2] === 10 && data[i - 1] === 13 && data[i] === 10) {
      return i - 3;
    }
  }
  return -1;
}

async function writeAll(conn: Deno.Conn, text: string): Promise<void> {
  let rest = new TextEncoder().encode(text);
  try {
    while (rest.length > 0) rest = rest.subarray(await conn.write(rest));
  } catch {
    // the client went away
  }
}
