/**
 * The server side of RFC 6455's framing, without I/O: a client's masked
 * frames decoded incrementally into messages, and the server's unmasked
 * frames encoded. (The WebSocket client source has the mirror image in
 * `src/sources/websocket/frames.ts`; component folders share no code, so
 * this is its own small codec.)
 *
 * @module
 */
import { concatBytes } from "../../util/bytes.ts";

/** The frame opcodes of RFC 6455 section 5.2. */
export const OPCODE = { continuation: 0, text: 1, binary: 2, close: 8, ping: 9, pong: 10 } as const;

/** A message decoded from a client's frames. */
export type ClientMessage =
  | { readonly kind: "text"; readonly text: string; readonly bytes: number }
  | { readonly kind: "binary"; readonly data: Uint8Array }
  | { readonly kind: "ping"; readonly payload: Uint8Array }
  | { readonly kind: "pong" }
  | { readonly kind: "close"; readonly code?: number; readonly reason: string };

/** What the client did against RFC 6455; `code` is the close code to answer with. */
export class FrameError extends Error {
  override name = "FrameError";
  /** 1002 protocol error, 1007 invalid UTF-8, 1009 message too big. */
  readonly code: number;
  /** The messages the same push completed before the violation, in order. */
  readonly messages: readonly ClientMessage[];

  /** An error answered with close code `code`. */
  constructor(code: number, message: string, messages: readonly ClientMessage[] = []) {
    super(message);
    this.code = code;
    this.messages = messages;
  }
}

/** Close code: the message was larger than maxMessageSize. */
export const TOO_BIG = 1009;

/** The most non-empty fragments one message may have. */
export const MAX_FRAGMENTS = 4096;
const PROTOCOL = 1002;
const INVALID_DATA = 1007;
const UTF8 = new TextDecoder("utf-8", { fatal: true, ignoreBOM: true });

/** Whether a client may send close code `code` (RFC 6455 section 7.4). */
function validCloseCode(code: number): boolean {
  return (code >= 1000 && code <= 1003) || (code >= 1007 && code <= 1011) ||
    (code >= 3000 && code <= 4999);
}

/**
 * Decodes one client's frames: a frame may come in any number of chunks
 * and a chunk may hold many frames. Every frame must be masked; a data
 * message (all its fragments) may hold at most `maxMessageBytes`, which is
 * checked from the frame header, before its payload is buffered. After a
 * close or a FrameError, push returns nothing.
 */
export class ClientFrameDecoder {
  readonly #max: number;
  #chunks: Uint8Array[] = [];
  #buffered = 0;
  /** Opcode of the fragmented message in progress, or 0. */
  #opcode = 0;
  #parts: Uint8Array[] = [];
  #partBytes = 0;
  #done = false;

  /** A decoder accepting data messages of at most `maxMessageBytes`. */
  constructor(maxMessageBytes: number) {
    this.#max = maxMessageBytes;
  }

  /** Bytes held: a frame not complete yet, and the fragments of a message in progress. */
  get buffered(): number {
    return this.#buffered + this.#partBytes;
  }

  /** The messages `chunk` completed; throws FrameError on a violation. */
  push(chunk: Uint8Array): ClientMessage[] {
    const out: ClientMessage[] = [];
    if (this.#done || chunk.length === 0) return out;
    this.#chunks.push(chunk);
    this.#buffered += chunk.length;
    try {
      while (!this.#done && this.#frame(out));
    } catch (err) {
      this.#done = true;
      this.#chunks = [];
      this.#parts = [];
      if (err instanceof FrameError) throw new FrameError(err.code, err.message, out);
      throw err;
    }
    return out;
  }

  /** Decodes the next frame if it is whole; false when more bytes are needed. */
  #frame(out: ClientMessage[]): boolean {
    if (this.#buffered < 2) return false;
    const head = this.#peek(Math.min(14, this.#buffered));
    const b0 = head[0];
    const b1 = head[1];
    const opcode = b0 & 0x0f;
    const fin = (b0 & 0x80) !== 0;
    this.#checkStart(b0, b1, opcode, fin);
    let length = b1 & 0x7f;
    const size = (length === 126 ? 4 : length === 127 ? 10 : 2) + 4;
    if (head.length < size) return false;
    if (length === 126) length = (head[2] << 8) | head[3];
    else if (length === 127) length = length64(head);
    if (opcode < 8) {
      const total = (opcode === 0 ? this.#partBytes : 0) + length;
      if (total > this.#max) {
        throw new FrameError(
          TOO_BIG,
          `The client sent a message of ${
            fin && opcode !== 0 ? "" : "at least "
          }${total} bytes, more than maxMessageSize ${this.#max}`,
        );
      }
    }
    if (this.#buffered < size + length) return false;
    const frame = this.#take(size + length);
    const mask = frame.subarray(size - 4, size);
    const payload = frame.subarray(size);
    for (let i = 0; i < payload.length; i++) payload[i] ^= mask[i & 3];
    if (opcode >= 8) this.#control(opcode, payload, out);
    else this.#data(opcode, fin, payload, out);
    return true;
  }

  #checkStart(b0: number, b1: number, opcode: number, fin: boolean): void {
    if ((b0 & 0x70) !== 0) {
      throw new FrameError(PROTOCOL, "The client set RSV bits (no extension was negotiated)");
    }
    if ((opcode > 2 && opcode < 8) || opcode > 10) {
      throw new FrameError(PROTOCOL, `The client sent reserved opcode ${opcode}`);
    }
    if ((b1 & 0x80) === 0) {
      throw new FrameError(PROTOCOL, "The client sent an unmasked frame (RFC 6455 section 5.1)");
    }
    if (opcode >= 8 && (!fin || (b1 & 0x7f) > 125)) {
      throw new FrameError(PROTOCOL, "The client sent a fragmented or oversized control frame");
    }
    if (opcode === 0 && this.#opcode === 0) {
      throw new FrameError(PROTOCOL, "The client sent a continuation with no message started");
    }
    if (opcode !== 0 && opcode < 8 && this.#opcode !== 0) {
      throw new FrameError(PROTOCOL, "The client started a message inside a fragmented one");
    }
  }

  #data(opcode: number, fin: boolean, payload: Uint8Array, out: ClientMessage[]): void {
    if (opcode !== 0 && fin) {
      out.push(message(opcode, payload));
      return;
    }
    if (opcode !== 0) this.#opcode = opcode;
    // Empty fragments add nothing; counting the others bounds what a client
    // can make us hold with endless tiny fragments of one message.
    if (payload.length > 0) {
      if (this.#parts.length >= MAX_FRAGMENTS) {
        throw new FrameError(
          TOO_BIG,
          `The client split a message into more than ${MAX_FRAGMENTS} fragments`,
        );
      }
      this.#parts.push(payload);
      this.#partBytes += payload.length;
    }
    if (!fin) return;
    const whole = concatBytes(this.#parts);
    const first = this.#opcode;
    this.#opcode = 0;
    this.#parts = [];
    this.#partBytes = 0;
    out.push(message(first, whole));
  }

  #control(opcode: number, payload: Uint8Array, out: ClientMessage[]): void {
    if (opcode === OPCODE.ping) {
      out.push({ kind: "ping", payload });
    } else if (opcode === OPCODE.pong) {
      out.push({ kind: "pong" });
    } else {
      this.#done = true;
      if (payload.length === 0) {
        out.push({ kind: "close", reason: "" });
        return;
      }
      const code = payload.length >= 2 ? (payload[0] << 8) | payload[1] : 0;
      if (!validCloseCode(code)) {
        throw new FrameError(PROTOCOL, `The client sent an invalid close code (${code})`);
      }
      out.push({ kind: "close", code, reason: text(payload.subarray(2), "close reason") });
    }
  }

  /** The first `n` buffered bytes, without consuming them. */
  #peek(n: number): Uint8Array {
    const first = this.#chunks[0];
    if (first.length >= n) return first.subarray(0, n);
    const out = new Uint8Array(n);
    let at = 0;
    for (const chunk of this.#chunks) {
      if (at >= n) break;
      const piece = chunk.subarray(0, n - at);
      out.set(piece, at);
      at += piece.length;
    }
    return out;
  }

  /** Consumes the first `n` buffered bytes, as one fresh array. */
  #take(n: number): Uint8Array {
    const all = concatBytes(this.#chunks);
    const frame = all.slice(0, n);
    const rest = all.subarray(n);
    this.#chunks = rest.length > 0 ? [rest] : [];
    this.#buffered = rest.length;
    return frame;
  }
}

function message(opcode: number, payload: Uint8Array): ClientMessage {
  return opcode === OPCODE.text
    ? { kind: "text", text: text(payload, "text message"), bytes: payload.length }
    : { kind: "binary", data: payload };
}

function text(bytes: Uint8Array, what: string): string {
  try {
    return UTF8.decode(bytes);
  } catch {
    throw new FrameError(INVALID_DATA, `The client sent a ${what} that is not valid UTF-8`);
  }
}

function length64(head: Uint8Array): number {
  if (head[2] >= 0x80) throw new FrameError(PROTOCOL, "The client sent a 64-bit length over 2^63");
  const high = ((head[2] << 24) | (head[3] << 16) | (head[4] << 8) | head[5]) >>> 0;
  const low = ((head[6] << 24) | (head[7] << 16) | (head[8] << 8) | head[9]) >>> 0;
  return high * 0x100000000 + low;
}

/** One unmasked FIN frame from the server. */
export function serverFrame(opcode: number, payload: Uint8Array): Uint8Array {
  const n = payload.length;
  const head = n < 126 ? 2 : n < 65536 ? 4 : 10;
  const frame = new Uint8Array(head + n);
  frame[0] = 0x80 | opcode;
  if (head === 2) {
    frame[1] = n;
  } else if (head === 4) {
    frame[1] = 126;
    frame[2] = n >>> 8;
    frame[3] = n & 0xff;
  } else {
    frame[1] = 127;
    new DataView(frame.buffer).setBigUint64(2, BigInt(n));
  }
  frame.set(payload, head);
  return frame;
}

/** A close frame with `code` and a reason cut to the 123 bytes that fit. */
export function closeFrame(code: number, reason = ""): Uint8Array {
  const payload = new Uint8Array(125);
  payload[0] = code >>> 8;
  payload[1] = code & 0xff;
  const { written } = new TextEncoder().encodeInto(reason, payload.subarray(2));
  return serverFrame(OPCODE.close, payload.subarray(0, 2 + written));
}
