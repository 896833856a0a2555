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

/**
 * Turns a byte stream into frames: push what the socket read, take the
 * frames it completed. Throws FrameError on a negative count or length or
 * a frame beyond `maxFrameBytes`.
 */
export class FrameDecoder {
  readonly #max: number;
  #chunks: Uint8Array[] = [];
  #buffered = 0;
  /** Bytes the frame at the head needs before it can be complete. */
  #need = 8;

  /** A decoder with `options`' limits. */
  constructor(options: FrameDecoderOptions = {}) {
    this.#max = options.maxFrameBytes ?? 128 * 1024 * 1024;
  }

  /** Bytes held that do not make a whole frame yet. */
  get pending(): number {
    return this.#buffered;
  }

  /** Adds `bytes` and returns the frames now complete, in order. */
  push(bytes: Uint8Array): NettyFrame[] {
    if (bytes.length > 0) {
      this.#chunks.push(bytes);
      this.#buffered += bytes.length;
    }
    const frames: NettyFrame[] = [];
    if (this.#buffered < this.#need) return frames;
    let data = this.#chunks.length === 1 ? this.#chunks[0] : concatBytes(this.#chunks);
    let offset = 0;
    for (;;) {
      const next = this.#next(data, offset);
      if ("need" in next) {
        this.#need = next.need;
        break;
      }
      frames.push(next.frame);
      offset = next.end;
    }
    data = data.subarray(offset);
    this.#chunks = data.length > 0 ? [data] : [];
    this.#buffered = data.length;
    return frames;
  }

  /** The frame at `start`, or how many bytes from `start` it needs at least. */
  #next(
    data: Uint8Array,
    start: number,
  ): { frame: NettyFrame; end: number } | { need: number } {
    if (data.length - start < 8) return { need: 8 };
    const view = new DataView(data.buffer, data.byteOffset, data.byteLength);
    const serial = view.getInt32(start);
    const count = view.getInt32(start + 4);
    if (count < 0 || count > this.#max / 4) {
      throw new FrameError(`Invalid frame: ${count} buffers`);
    }
    let at = start + 8;
    let total = 0;
    const parts: [number, number][] = [];
    for (let i = 0; i < count; i++) {
      if (data.length - at < 4) return { need: at + 4 - start };
      const length = view.getInt32(at);
      if (length < 0) throw new FrameError(`Invalid frame: a buffer of ${length} bytes`);
      total += length;
      if (total > this.#max) {
        throw new FrameError(`Frame of more than ${this.#max} bytes refused`);
      }
      at += 4;
      if (data.length - at < length) return { need: at + length - start };
      parts.push([at, length]);
      at += length;
    }
    const payload = parts.length === 1
      ? data.slice(parts[0][0], parts[0][0] + parts[0][1])
      : concatBytes(parts.map(([from, length]) => data.subarray(from, from + length)));
    return { frame: { serial, payload }, end: at };
  }
}
