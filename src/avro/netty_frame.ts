/**
 * The framing of Avro's NettyTransceiver, which Flume's NettyAvroRpcClient
 * and AvroSource use: a frame is a serial number (int32, big-endian), a
 * buffer count (int32), then each buffer as its length (int32) and bytes.
 * A response carries the serial of its request.
 *
 * @module
 */
import { concatBytes } from "../util/bytes.ts";

/** One frame: its serial and its buffers joined. */
export interface NettyFrame {
  readonly serial: number;
  readonly payload: Uint8Array;
}

/** The bytes of a frame holding `payload` as one buffer. */
export function encodeFrame(serial: number, payload: Uint8Array): Uint8Array {
  const bytes = new Uint8Array(12 + payload.length);
  const view = new DataView(bytes.buffer);
  view.setInt32(0, serial);
  view.setInt32(4, 1);
  view.setInt32(8, payload.length);
  bytes.set(payload, 12);
  return bytes;
}

/** Thrown for bytes that cannot be a frame (a wrong protocol, a hostile peer). */
export class FrameError extends Error {
  override name = "FrameError";
}

/** Limits of a {@linkcode FrameDecoder}. */
export interface FrameDecoderOptions {
  /** Most bytes in one frame, its buffers together. @default 134217728 (128 MiB) */
  readonly maxFrameBytes?: number;
}

/** Where the decoder is in the frame at the head of the stream. */
type DecodeState =
  | { readonly at: "head" }
  | {
    readonly at: "length" | "data";
    readonly serial: number;
    readonly count: number;
    /** The non-empty buffers complete so far. */
    readonly parts: Uint8Array[];
    /** How many buffers were read, empty ones included. */
    done: number;
    /** Bytes of the frame so far, each buffer's length field included. */
    total: number;
    /** The length of the buffer being read (at "data"). */
    length: number;
  };

/**
 * Turns a byte stream into frames: push what the socket read, take the
 * frames it completed. Throws FrameError on a negative count or length or
 * a frame beyond `maxFrameBytes` (its buffers and their length fields
 * together). Each byte is looked at once, however the peer splits a frame
 * into buffers and the socket splits it into reads.
 */
export class FrameDecoder {
  readonly #max: number;
  /** Bytes pushed and not yet read; the first from `#offset`. */
  #chunks: Uint8Array[] = [];
  #offset = 0;
  #buffered = 0;
  #state: DecodeState = { at: "head" };

  /** A decoder with `options`' limits. */
  constructor(options: FrameDecoderOptions = {}) {
    this.#max = options.maxFrameBytes ?? 128 * 1024 * 1024;
  }

  /** Bytes held that do not make a whole frame yet. */
  get pending(): number {
    return this.#buffered + (this.#state.at === "head" ? 0 : this.#state.total);
  }

  /** Adds `bytes` and returns the frames now complete, in order. */
  push(bytes: Uint8Array): NettyFrame[] {
    if (bytes.length > 0) {
      this.#chunks.push(bytes);
      this.#buffered += bytes.length;
    }
    const frames: NettyFrame[] = [];
    for (;;) {
      const state = this.#state;
      if (state.at === "head") {
        if (this.#buffered < 8) break;
        const head = new DataView(this.#read(8).buffer);
        const serial = head.getInt32(0);
        const count = head.getInt32(4);
        if (count < 0 || count > this.#max / 4) {
          throw new FrameError(`Invalid frame: ${count} buffers`);
        }
        if (count === 0) frames.push({ serial, payload: new Uint8Array(0) });
        else {
          this.#state = { at: "length", serial, count, parts: [], done: 0, total: 0, length: 0 };
        }
      } else if (state.at === "length") {
        if (this.#buffered < 4) break;
        const length = new DataView(this.#read(4).buffer).getInt32(0);
        if (length < 0) throw new FrameError(`Invalid frame: a buffer of ${length} bytes`);
        state.total += 4 + length;
        if (state.total > this.#max) {
          throw new FrameError(`Frame of more than ${this.#max} bytes refused`);
        }
        state.length = length;
        this.#state = { ...state, at: "data" };
      } else {
        if (this.#buffered < state.length) break;
        if (state.length > 0) state.parts.push(this.#read(state.length));
        state.done++;
        if (state.done === state.count) {
          const payload = state.parts.length === 1 ? state.parts[0] : concatBytes(state.parts);
          frames.push({ serial: state.serial, payload });
          this.#state = { at: "head" };
        } else {
          this.#state = { ...state, at: "length" };
        }
      }
    }
    return frames;
  }

  /** The next `n` buffered bytes, copied. */
  #read(n: number): Uint8Array {
    this.#buffered -= n;
    const first = this.#chunks[0];
    if (first.length - this.#offset >= n) {
      // A copy (not `slice`, which is a view on a node Buffer such as zlib's output).
      const out = new Uint8Array(n);
      out.set(first.subarray(this.#offset, this.#offset + n));
      this.#offset += n;
      if (this.#offset === first.length) {
        this.#chunks.shift();
        this.#offset = 0;
      }
      return out;
    }
    const out = new Uint8Array(n);
    let filled = 0;
    while (filled < n) {
      const chunk = this.#chunks[0];
      const take = Math.min(n - filled, chunk.length - this.#offset);
      out.set(chunk.subarray(this.#offset, this.#offset + take), filled);
      filled += take;
      this.#offset += take;
      if (this.#offset === chunk.length) {
        this.#chunks.shift();
        this.#offset = 0;
      }
    }
    return out;
  }
}
