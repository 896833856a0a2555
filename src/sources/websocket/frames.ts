/**
 * The WebSocket frame codec of RFC 6455, without I/O: a client's frames
 * encoded and masked, a server's frames decoded incrementally and checked
 * as the Autobahn test suite checks a client.
 *
 * @module
 */

/** The frame opcodes of RFC 6455 section 5.2. */
export const OPCODE = { continuation: 0, text: 1, binary: 2, close: 8, ping: 9, pong: 10 } as const;

/** A message decoded from the server's frames. */
export type Message =
  | { readonly kind: "text"; readonly text: string }
  | { readonly kind: "binary"; readonly data: Uint8Array }
  /** A permessage-deflate message (RSV1 set), all fragments joined, still compressed. */
  | { readonly kind: "deflated"; readonly binary: boolean; readonly data: Uint8Array }
  | { readonly kind: "ping"; readonly payload: Uint8Array }
  | { readonly kind: "pong"; readonly payload: Uint8Array }
  | { readonly kind: "close"; readonly code?: number; readonly reason: string };

/** What the server did against RFC 6455; `code` is the close code to send back. */
export class ProtocolError extends Error {
  override name = "ProtocolError";
  /** The close code to send: 1002 protocol error, 1007 invalid payload data, 1009 message too big. */
  readonly code: number;
  /** The messages decoded by the same push before the violation, in order. */
  readonly messages: readonly Message[];

  /** An error with the close code to send. */
  constructor(
    code: number,
    message: string,
    options?: { readonly messages?: readonly Message[] },
  ) {
    super(message);
    this.code = code;
    this.messages = options?.messages ?? [];
  }
}

/** Options of a {@linkcode FrameDecoder}. */
export interface FrameDecoderOptions {
  /** The largest message accepted (the sum of its fragments), bytes; a larger one fails with 1009. */
  readonly maxMessageBytes: number;
  /** permessage-deflate was negotiated: RSV1 marks a compressed message. @default false */
  readonly compressed?: boolean;
}

const PROTOCOL = 1002;
const INVALID_DATA = 1007;
const TOO_BIG = 1009;
/** The words of a too-large message's error, before the limit: the source counts these. */
export const TOO_LARGE = "more than maxMessageSize";
const OPCODES: readonly number[] = Object.values(OPCODE);
/** Opcode names by opcode, for messages. */
const NAMES: Readonly<Record<number, string>> = Object.fromEntries(
  Object.entries(OPCODE).map(([name, opcode]) => [opcode, name]),
);
const STREAM: { readonly stream: true } = Object.freeze({ stream: true });

/** Whether an endpoint may send close code `code` (RFC 6455 section 7.4, Autobahn case 7.9). */
function isValidCloseCode(code: number): boolean {
  return (code >= 1000 && code <= 1003) || (code >= 1007 && code <= 1011) ||
    (code >= 3000 && code <= 4999);
}

/** A ProtocolError with close code 1002. */
function violation(message: string): ProtocolError {
  return new ProtocolError(PROTOCOL, message);
}

/** A UTF-8 decoder that keeps a leading byte order mark; `fatal` throws on invalid input. */
function utf8Decoder(fatal: boolean): TextDecoder {
  return new TextDecoder("utf-8", { fatal, ignoreBOM: true });
}

/**
 * One FIN frame from the client, masked as RFC 6455 section 5.3 requires.
 * `mask` is 4 bytes, random by default.
 */
export function encodeClientFrame(
  opcode: number,
  payload: Uint8Array,
  mask?: Uint8Array,
): Uint8Array {
  if (!OPCODES.includes(opcode)) {
    throw new RangeError(`Invalid opcode "${opcode}": expected one of 0, 1, 2, 8, 9, 10`);
  }
  const length = payload.length;
  if (opcode >= 8 && length > 125) {
    throw new RangeError(`Invalid ${NAMES[opcode]} payload of ${length} bytes: at most 125`);
  }
  const key = mask ?? crypto.getRandomValues(new Uint8Array(4));
  if (key.length !== 4) throw new RangeError(`Invalid mask of ${key.length} bytes: expected 4`);
  const size = length < 126 ? 2 : length < 65536 ? 4 : 10;
  const frame = new Uint8Array(size + 4 + length);
  frame[0] = 0x80 | opcode;
  if (size === 2) {
    frame[1] = 0x80 | length;
  } else if (size === 4) {
    frame[1] = 0x80 | 126;
    frame[2] = length >>> 8;
    frame[3] = length;
  } else {
    frame[1] = 0x80 | 127;
    const high = Math.floor(length / 0x100000000);
    for (let i = 0; i < 4; i++) {
      frame[2 + i] = high >>> (24 - 8 * i);
      frame[6 + i] = length >>> (24 - 8 * i);
    }
  }
  frame.set(key, size);
  const body = size + 4;
  for (let i = 0; i < length; i++) frame[body + i] = payload[i] ^ key[i & 3];
  return frame;
}

/**
 * A close frame's payload: `code` big-endian, then `reason` in UTF-8 cut to
 * the 123 bytes that fit, never inside a character.
 */
export function encodeClose(code: number, reason: string): Uint8Array {
  if (!Number.isInteger(code) || !isValidCloseCode(code)) {
    throw new RangeError(
      `Invalid close code "${code}": expected 1000-1003, 1007-1011 or 3000-4999`,
    );
  }
  const payload = new Uint8Array(125);
  payload[0] = code >>> 8;
  payload[1] = code;
  const { written } = new TextEncoder().encodeInto(reason, payload.subarray(2));
  return payload.slice(0, 2 + written);
}

/**
 * Decodes a server's frames incrementally: a frame may be split over any
 * number of chunks, a chunk may hold many frames. Binary data and ping and
 * pong payloads may be views of the pushed chunks, and a frame split over
 * chunks is kept as views until it is whole: a pushed chunk must not be
 * written to afterwards. After a close message or a ProtocolError, push
 * returns nothing.
 */
export class FrameDecoder {
  readonly #maxMessageBytes: number;
  /** Decodes whole payloads: several times faster than a fatal decoder in Deno. */
  readonly #lenient: TextDecoder = utf8Decoder(false);
  readonly #whole: TextDecoder = utf8Decoder(true);
  readonly #stream: TextDecoder = utf8Decoder(true);
  readonly #header = new Uint8Array(10);
  #headerFill = 0;
  /** Whether a frame's payload is being read across chunks. */
  #inFrame = false;
  #frameB0 = 0;
  #frameLeft = 0;
  readonly #control = new Uint8Array(125);
  #controlFill = 0;
  /** The opcode of the data message in progress (fragmented or split over chunks), or 0. */
  #messageOpcode = 0;
  #messageBytes = 0;
  #texts: string[] = [];
  #parts: Uint8Array[] = [];
  #done = false;
  readonly #compressedAllowed: boolean;
  /** Whether the data message in progress is compressed (RSV1 on its first frame). */
  #compressed = false;

  /** A decoder for one connection. */
  constructor(options: FrameDecoderOptions) {
    const max = options.maxMessageBytes;
    if (!Number.isSafeInteger(max) || max < 1) {
      throw new RangeError(`Invalid maxMessageBytes "${max}": expected a positive whole number`);
    }
    this.#maxMessageBytes = max;
    this.#compressedAllowed = options.compressed ?? false;
  }

  /** The messages completed by `chunk`, in order; throws ProtocolError on a violation. */
  push(chunk: Uint8Array): Message[] {
    const out: Message[] = [];
    if (this.#done) return out;
    try {
      this.#scan(chunk, out);
    } catch (error) {
      this.#done = true;
      if (!(error instanceof ProtocolError)) throw error;
      throw new ProtocolError(error.code, error.message, { messages: out });
    }
    return out;
  }

  #scan(chunk: Uint8Array, out: Message[]): void {
    const end = chunk.length;
    let at = 0;
    while (at < end && !this.#done) {
      if (this.#inFrame) {
        at = this.#continueFrame(chunk, at, out);
        continue;
      }
      if (this.#headerFill > 0 || end - at < 2) {
        at = this.#fillHeader(chunk, at, out);
        continue;
      }
      const b0 = chunk[at];
      const b1 = chunk[at + 1];
      this.#checkStart(b0, b1);
      let length = b1 & 0x7f;
      const size = length === 126 ? 4 : length === 127 ? 10 : 2;
      if (end - at < size) {
        at = this.#fillHeader(chunk, at, out);
        continue;
      }
      if (size === 4) length = (chunk[at + 2] << 8) | chunk[at + 3];
      else if (size === 10) length = this.#length64(chunk, at + 2);
      at = this.#afterHeader(b0, length, chunk, at + size, out);
    }
  }

  /** Gathers a header split over chunks, then starts its frame. */
  #fillHeader(chunk: Uint8Array, at: number, out: Message[]): number {
    const header = this.#header;
    while (at < chunk.length) {
      header[this.#headerFill++] = chunk[at++];
      if (this.#headerFill < 2) continue;
      if (this.#headerFill === 2) this.#checkStart(header[0], header[1]);
      const code = header[1] & 0x7f;
      const size = code === 126 ? 4 : code === 127 ? 10 : 2;
      if (this.#headerFill < size) continue;
      this.#headerFill = 0;
      const length = size === 2
        ? code
        : size === 4
        ? (header[2] << 8) | header[3]
        : this.#length64(header, 2);
      return this.#afterHeader(header[0], length, chunk, at, out);
    }
    return at;
  }

  /** Checks the first two header bytes against the state. */
  #checkStart(b0: number, b1: number): void {
    if (this.#compressedAllowed && (b0 & 0x70) === 0x40) {
      const op = b0 & 0x0f;
      if (op !== 1 && op !== 2) {
        throw violation(
          `The server sent a ${
            NAMES[op] ?? `opcode ${op}`
          } frame with RSV1 set (only the first frame of a message marks it compressed, RFC 7692 section 6.1)`,
        );
      }
    } else if ((b0 & 0x70) !== 0) {
      const bits = [0x40, 0x20, 0x10].flatMap((bit, i) => (b0 & bit) !== 0 ? [`RSV${i + 1}`] : []);
      const set = bits.join(", ");
      throw violation(
        `The server sent a frame with ${set} set (no extension was negotiated, RFC 6455 section 5.2)`,
      );
    }
    const opcode = b0 & 0x0f;
    if ((opcode > 2 && opcode < 8) || opcode > 10) {
      throw violation(
        `The server sent a frame with reserved opcode ${opcode} (RFC 6455 section 5.2)`,
      );
    }
    if ((b1 & 0x80) !== 0) {
      throw violation(
        "The server sent a masked frame (servers must not mask frames, RFC 6455 section 5.1)",
      );
    }
    const name = NAMES[opcode];
    if (opcode >= 8) {
      if (b0 < 0x80) {
        throw violation(
          `The server sent a fragmented ${name} frame (control frames must not be fragmented, RFC 6455 section 5.5)`,
        );
      }
      if ((b1 & 0x7f) > 125) {
        throw violation(
          `The server sent a ${name} frame with more than 125 bytes of payload (RFC 6455 section 5.5)`,
        );
      }
    } else if (opcode === 0 && this.#messageOpcode === 0) {
      throw violation(
        "The server sent a continuation frame with no message in progress (RFC 6455 section 5.4)",
      );
    } else if (opcode !== 0 && this.#messageOpcode !== 0) {
      throw violation(
        `The server sent a new ${name} frame while a fragmented message was in progress (RFC 6455 section 5.4)`,
      );
    }
  }

  /** A 64-bit big-endian length at `buf[at]`. */
  #length64(buf: Uint8Array, at: number): number {
    if (buf[at] >= 0x80) {
      throw violation(
        "The server sent a 64-bit frame length with the most significant bit set (RFC 6455 section 5.2)",
      );
    }
    const high = (buf[at] << 24) | (buf[at + 1] << 16) | (buf[at + 2] << 8) | buf[at + 3];
    const low = buf[at + 4] * 0x1000000 + ((buf[at + 5] << 16) | (buf[at + 6] << 8) | buf[at + 7]);
    return high * 0x100000000 + low;
  }

  /** Handles the payload that follows a header at `chunk[at]`; returns where reading stopped. */
  #afterHeader(b0: number, length: number, chunk: Uint8Array, at: number, out: Message[]): number {
    const opcode = b0 & 0x0f;
    const complete = chunk.length - at >= length;
    if (opcode >= 8) {
      if (complete) {
        this.#controlMessage(opcode, chunk.subarray(at, at + length), out);
        return at + length;
      }
    } else {
      const unfragmented = opcode !== 0 && b0 >= 0x80;
      const total = opcode === 0 ? this.#messageBytes + length : length;
      if (total > this.#maxMessageBytes) throw this.#tooBig(total, unfragmented);
      if (opcode !== 0) this.#compressed = (b0 & 0x40) !== 0;
      if (unfragmented && complete) {
        const payload = chunk.subarray(at, at + length);
        out.push(
          this.#compressed
            ? { kind: "deflated", binary: opcode === 2, data: payload }
            : opcode === 1
            ? { kind: "text", text: this.#decodeWhole(payload, "text message") }
            : { kind: "binary", data: payload },
        );
        return at + length;
      }
      if (opcode !== 0) this.#messageOpcode = opcode;
      this.#messageBytes = total;
      if (complete) {
        this.#dataPiece(chunk.subarray(at, at + length), b0 >= 0x80, out);
        return at + length;
      }
    }
    this.#inFrame = true;
    this.#frameB0 = b0;
    this.#frameLeft = length;
    this.#controlFill = 0;
    return at;
  }

  /** Reads the next piece of a frame split over chunks. */
  #continueFrame(chunk: Uint8Array, at: number, out: Message[]): number {
    const take = Math.min(this.#frameLeft, chunk.length - at);
    const piece = chunk.subarray(at, at + take);
    this.#frameLeft -= take;
    const done = this.#frameLeft === 0;
    if (done) this.#inFrame = false;
    const opcode = this.#frameB0 & 0x0f;
    if (opcode >= 8) {
      this.#control.set(piece, this.#controlFill);
      this.#controlFill += take;
      if (done) this.#controlMessage(opcode, this.#control.slice(0, this.#controlFill), out);
    } else {
      this.#dataPiece(piece, done && this.#frameB0 >= 0x80, out);
    }
    return at + take;
  }

  /** Adds a piece to the data message in progress; `last` completes it. */
  #dataPiece(piece: Uint8Array, last: boolean, out: Message[]): void {
    if (this.#compressed) {
      if (piece.length > 0) this.#parts.push(piece);
      if (last) {
        out.push({ kind: "deflated", binary: this.#messageOpcode === 2, data: this.#joinParts() });
      }
    } else if (this.#messageOpcode === 1) {
      let text: string;
      try {
        text = last ? this.#stream.decode(piece) : this.#stream.decode(piece, STREAM);
      } catch {
        throw new ProtocolError(
          INVALID_DATA,
          "The server sent a text message that is not valid UTF-8",
        );
      }
      if (text.length > 0) this.#texts.push(text);
      if (last) out.push({ kind: "text", text: this.#texts.join("") });
    } else {
      if (piece.length > 0) this.#parts.push(piece);
      if (last) out.push({ kind: "binary", data: this.#joinParts() });
    }
    if (last) {
      this.#messageOpcode = 0;
      this.#compressed = false;
      this.#messageBytes = 0;
      this.#texts = [];
      this.#parts = [];
    }
  }

  /** The binary parts as one array, copied once (none when there is one part). */
  #joinParts(): Uint8Array {
    const parts = this.#parts;
    if (parts.length === 1) return parts[0];
    const data = new Uint8Array(this.#messageBytes);
    let at = 0;
    for (const part of parts) {
      data.set(part, at);
      at += part.length;
    }
    return data;
  }

  #controlMessage(opcode: number, payload: Uint8Array, out: Message[]): void {
    if (opcode === 9) {
      out.push({ kind: "ping", payload });
    } else if (opcode === 10) {
      out.push({ kind: "pong", payload });
    } else {
      out.push(this.#closeMessage(payload));
      this.#done = true;
    }
  }

  #closeMessage(payload: Uint8Array): Message {
    if (payload.length === 0) return { kind: "close", reason: "" };
    if (payload.length === 1) {
      throw violation(
        "The server sent a close frame with a 1-byte payload (a close code takes 2 bytes, RFC 6455 section 5.5.1)",
      );
    }
    const code = (payload[0] << 8) | payload[1];
    if (!isValidCloseCode(code)) {
      throw violation(
        `The server sent close code ${code}, which is reserved or invalid (RFC 6455 section 7.4)`,
      );
    }
    return { kind: "close", code, reason: this.#decodeWhole(payload.subarray(2), "close reason") };
  }

  /**
   * `bytes` as UTF-8, in one call unless the text holds U+FFFD; a
   * ProtocolError 1007 naming `what` if invalid. The lenient decoder turns
   * every invalid sequence into U+FFFD, so a text without one is valid and
   * only a text with one needs the fatal decoder's verdict.
   */
  #decodeWhole(bytes: Uint8Array, what: string): string {
    const text = this.#lenient.decode(bytes);
    if (!text.includes("\uFFFD")) return text;
    try {
      return this.#whole.decode(bytes);
    } catch {
      throw new ProtocolError(INVALID_DATA, `The server sent a ${what} that is not valid UTF-8`);
    }
  }

  #tooBig(total: number, unfragmented: boolean): ProtocolError {
    const max = this.#maxMessageBytes;
    return new ProtocolError(
      TOO_BIG,
      unfragmented
        ? `The server sent a ${total}-byte message, ${TOO_LARGE} ${max}`
        : `The server sent a message of at least ${total} bytes in fragments, ${TOO_LARGE} ${max}`,
    );
  }
}
