/**
 * Flume's `compression-type = deflate`: Netty's JZlibEncoder and
 * JZlibDecoder over the whole connection, below the Avro frames. Both
 * directions are one zlib stream (RFC 1950, deflate with a zlib header)
 * each; every write is sync-flushed, so the peer can inflate each frame as
 * soon as it arrives.
 *
 * @module
 */
import zlib from "node:zlib";
import { concatBytes } from "../util/bytes.ts";
import type { ByteStream } from "./byte_stream.ts";

/** Compresses what is written to `inner` and inflates what is read from it, at `level` (0–9). */
export function deflateStream(inner: ByteStream, level: number): ByteStream {
  const deflate = zlib.createDeflate({ level });
  const inflate = zlib.createInflate();
  const deflated: Uint8Array[] = [];
  const inflated: Uint8Array[] = [];
  let failure: Error | undefined;
  deflate.on("data", (chunk: Uint8Array) => deflated.push(chunk));
  inflate.on("data", (chunk: Uint8Array) => inflated.push(chunk));
  const fail = (err: Error): void => {
    failure ??= new Error(`Invalid compressed data: ${err.message}`, { cause: err });
  };
  deflate.on("error", fail);
  inflate.on("error", fail);
  let closed = false;
  return {
    async read(): Promise<Uint8Array | null> {
      while (inflated.length === 0) {
        if (failure) throw failure;
        const bytes = await inner.read();
        if (bytes === null) return null;
        if (closed) return null;
        inflate.write(bytes);
        await flush(inflate);
      }
      if (failure) throw failure;
      const out = concatBytes(inflated);
      inflated.length = 0;
      return out;
    },
    async write(bytes: Uint8Array): Promise<void> {
      if (failure) throw failure;
      deflate.write(bytes);
      await flush(deflate);
      const out = concatBytes(deflated);
      deflated.length = 0;
      await inner.write(out);
    },
    close(): void {
      if (closed) return;
      closed = true;
      inner.close();
      deflate.close();
      inflate.close();
    },
  };
}

/** Sync-flushes `stream`; resolves on an error too (the caller finds it recorded). */
function flush(stream: zlib.Deflate | zlib.Inflate): Promise<void> {
  return new Promise((resolve) => {
    const done = (): void => {
      stream.off("error", done);
      resolve();
    };
    stream.once("error", done);
    stream.flush(zlib.constants.Z_SYNC_FLUSH, done);
  });
}
