/**
 * One Avro IPC connection as frames: whole frames read, frames written one
 * after another.
 *
 * @module
 */
import type { ByteStream } from "./byte_stream.ts";
import {
  encodeFrame,
  FrameDecoder,
  type FrameDecoderOptions,
  type NettyFrame,
} from "./netty_frame.ts";

/** Frames over a ByteStream. */
export class FramedConnection {
  readonly #stream: ByteStream;
  readonly #decoder: FrameDecoder;
  readonly #ready: NettyFrame[] = [];
  #writing: Promise<void> = Promise.resolve();

  /** Frames over `stream`, decoded within `options`' limits. */
  constructor(stream: ByteStream, options: FrameDecoderOptions = {}) {
    this.#stream = stream;
    this.#decoder = new FrameDecoder(options);
  }

  /** The next frame; null when the peer closed (between frames or, with bytes pending, within one). */
  async receive(): Promise<NettyFrame | null> {
    while (this.#ready.length === 0) {
      const bytes = await this.#stream.read();
      if (bytes === null) return null;
      this.#ready.push(...this.#decoder.push(bytes));
    }
    return this.#ready.shift()!;
  }

  /** Writes a frame after those written before it. */
  send(serial: number, payload: Uint8Array): Promise<void> {
    const bytes = encodeFrame(serial, payload);
    const next = this.#writing.then(() => this.#stream.write(bytes));
    this.#writing = next.catch(() => {});
    return next;
  }

  /** Closes the connection; a pending receive() ends. */
  close(): void {
    this.#stream.close();
  }
}
