/**
 * The benchmark's feed: a WebSocket server on raw TCP that is never the
 * bottleneck. It completes the handshake and then writes pre-encoded server
 * frames — either one prepared buffer of N frames in MB-sized slices
 * (throughput), or frames paced at R per second in small bursts, each
 * stamped at its send time (latency). It reports its own send rate.
 *
 * @module
 */
import { acceptKey, closeFrame, OPCODE, parseClientFrames } from "../tests/support/ws_frames.ts";
import { epochMicros, epochMs } from "./epoch_clock.ts";
import { encodeFrames, frameLength, stampFrame } from "./message_format.ts";

/** Send prepared frames as fast as the socket takes them. */
export interface BulkPlan {
  readonly kind: "bulk";
  /** Frames from `encodeFrames`, back to back. */
  readonly frames: Uint8Array;
  /** How many frames `frames` holds. */
  readonly messages: number;
  /** Bytes per write. @default 1 MiB */
  readonly chunkBytes?: number;
}

/** Send `rate` frames per second for `durationMs`, each stamped when sent. */
export interface PacedPlan {
  readonly kind: "paced";
  /** Message size in bytes. */
  readonly size: number;
  /** Messages per second. */
  readonly rate: number;
  readonly durationMs: number;
  /** Milliseconds between bursts. @default 1 */
  readonly tickMs?: number;
}

/** What one connection was sent. */
export type SendPlan = BulkPlan | PacedPlan;

/** The sender's own account of one connection. */
export interface SendReport {
  readonly messages: number;
  /** Frame bytes written (after the handshake); MB below are 10^6 bytes. */
  readonly bytes: number;
  /** Epoch milliseconds (sub-ms) just before the first frame byte was written. */
  readonly firstByteAt: number;
  /** Epoch milliseconds when the write of the last byte returned. */
  readonly lastByteAt: number;
  readonly seconds: number;
  readonly messagesPerSecond: number;
  readonly megabytesPerSecond: number;
}

const MIB = 1024 * 1024;
const ENCODER = new TextEncoder();

/**
 * A server on 127.0.0.1, port chosen by the OS. Each {@linkcode serve}
 * accepts one connection and sends it one plan; the connection then stays
 * open until the client closes it (a close frame is answered).
 */
export class FrameSender {
  readonly #listener: Deno.Listener<Deno.TcpConn, Deno.NetAddr>;
  readonly #readers = new Set<Promise<void>>();
  readonly #conns = new Set<Deno.TcpConn>();

  private constructor(listener: Deno.Listener<Deno.TcpConn, Deno.NetAddr>) {
    this.#listener = listener;
  }

  /** Listens on 127.0.0.1, on a free port. */
  static listen(): FrameSender {
    return new FrameSender(Deno.listen({ hostname: "127.0.0.1", port: 0 }));
  }

  /** The port listened on. */
  get port(): number {
    return this.#listener.addr.port;
  }

  /** `ws://127.0.0.1:PORT/`. */
  get url(): string {
    return `ws://127.0.0.1:${this.port}/`;
  }

  /**
   * Accepts the next connection, completes the WebSocket handshake and
   * sends `plan`; resolves with the send report once the last byte is
   * written. Rejects when the client goes away first.
   */
  async serve(plan: SendPlan): Promise<SendReport> {
    const conn = await this.#listener.accept();
    this.#conns.add(conn);
    conn.setNoDelay(true);
    const leftover = await handshake(conn);
    const writing = Promise.withResolvers<void>();
    const reader = this.#answerClose(conn, leftover, writing.promise);
    this.#readers.add(reader);
    void reader.finally(() => this.#readers.delete(reader));
    try {
      return plan.kind === "bulk" ? await sendBulk(conn, plan) : await sendPaced(conn, plan);
    } finally {
      writing.resolve();
    }
  }

  /** Stops listening and ends every connection. */
  async close(): Promise<void> {
    this.#listener.close();
    for (const conn of this.#conns) closeQuietly(conn);
    await Promise.all([...this.#readers]);
  }

  /** Reads client frames; answers a close frame (after our writes) and ends the connection. */
  async #answerClose(
    conn: Deno.TcpConn,
    leftover: Uint8Array,
    written: Promise<void>,
  ): Promise<void> {
    let buffer = leftover;
    const chunk = new Uint8Array(16 * 1024);
    try {
      for (;;) {
        const { frames, rest } = parseClientFrames(buffer);
        buffer = rest;
        const close = frames.find((f) => f.opcode === OPCODE.close);
        if (close) {
          await written;
          const code = close.payload.length >= 2
            ? (close.payload[0] << 8) | close.payload[1]
            : 1000;
          await writeAll(conn, closeFrame(code));
          return;
        }
        const n = await conn.read(chunk);
        if (n === null) return;
        const next = new Uint8Array(buffer.length + n);
        next.set(buffer);
        next.set(chunk.subarray(0, n), buffer.length);
        buffer = next;
      }
    } catch {
      // the client reset the connection
    } finally {
      this.#conns.delete(conn);
      closeQuietly(conn);
    }
  }
}

/** Reads the HTTP upgrade request and answers 101; returns bytes read past it. */
async function handshake(conn: Deno.TcpConn): Promise<Uint8Array> {
  const chunk = new Uint8Array(16 * 1024);
  let data = new Uint8Array(0);
  let end = -1;
  while (end < 0) {
    const n = await conn.read(chunk);
    if (n === null) throw new Error("Client closed the connection during the handshake");
    const next = new Uint8Array(data.length + n);
    next.set(data);
    next.set(chunk.subarray(0, n), data.length);
    data = next;
    end = headerEnd(data);
  }
  const head = new TextDecoder().decode(data.subarray(0, end));
  const key = /^sec-websocket-key:\s*(\S+)\s*$/im.exec(head)?.[1] ?? "";
  await writeAll(
    conn,
    ENCODER.encode(
      "HTTP/1.1 101 Switching Protocols\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n" +
        `Sec-WebSocket-Accept: ${await acceptKey(key)}\r\n\r\n`,
    ),
  );
  return data.slice(end + 4);
}

async function sendBulk(conn: Deno.TcpConn, plan: BulkPlan): Promise<SendReport> {
  const { frames } = plan;
  const chunk = plan.chunkBytes ?? MIB;
  const first = epochMs();
  for (let at = 0; at < frames.length;) {
    at += await conn.write(frames.subarray(at, Math.min(at + chunk, frames.length)));
  }
  return report(plan.messages, frames.length, first, epochMs());
}

async function sendPaced(conn: Deno.TcpConn, plan: PacedPlan): Promise<SendReport> {
  const { size, rate } = plan;
  const tickMs = plan.tickMs ?? 1;
  const total = Math.round((rate * plan.durationMs) / 1000);
  // Room for 50 ms of frames: a burst after a stall catches up over a few ticks.
  const room = Math.max(16, Math.ceil(rate / 20));
  const burst = encodeFrames(room, size);
  const length = frameLength(size);
  const start = performance.now();
  const first = epochMs();
  let sent = 0;
  while (sent < total) {
    const due = Math.min(total, Math.floor(((performance.now() - start) * rate) / 1000));
    const n = Math.min(due - sent, room);
    if (n > 0) {
      const tsMicros = epochMicros();
      for (let i = 0; i < n; i++) stampFrame(burst, i * length, { size, seq: sent + i, tsMicros });
      await writeAll(conn, burst.subarray(0, n * length));
      sent += n;
    }
    if (sent < total && n < room) await new Promise((resolve) => setTimeout(resolve, tickMs));
  }
  return report(total, total * length, first, epochMs());
}

function report(messages: number, bytes: number, first: number, last: number): SendReport {
  const seconds = Math.max(1e-6, (last - first) / 1000);
  return {
    messages,
    bytes,
    firstByteAt: first,
    lastByteAt: last,
    seconds,
    messagesPerSecond: messages / seconds,
    megabytesPerSecond: bytes / 1e6 / seconds,
  };
}

async function writeAll(conn: Deno.Conn, bytes: Uint8Array): Promise<void> {
  for (let at = 0; at < bytes.length;) at += await conn.write(bytes.subarray(at));
}

function headerEnd(data: Uint8Array): number {
  for (let i = 3; i < data.length; i++) {
    if (data[i - 3] === 13 && data[i - 2] === 10 && data[i - 1] === 13 && data[i] === 10) {
      return i - 3;
    }
  }
  return -1;
}

function closeQuietly(conn: Deno.Conn): void {
  try {
    conn.close();
  } catch {
    // already closed
  }
}
