/**
 * A connection's bytes, whatever carries them: a Deno socket (TCP or TLS),
 * a `node:tls` socket (for `trust-all-certs`), or a zlib layer over one.
 *
 * @module
 */
import type { Socket } from "node:net";

/** Reads and writes bytes in order. */
export interface ByteStream {
  /** The next bytes, or null at the end of the stream. */
  read(): Promise<Uint8Array | null>;
  /** Writes all of `bytes`. */
  write(bytes: Uint8Array): Promise<void>;
  /** Closes the connection (idempotent); a pending read ends. */
  close(): void;
}

const READ_SIZE = 64 * 1024;

/** A ByteStream over a Deno connection. */
export function connStream(conn: Deno.Conn): ByteStream {
  let closed = false;
  const buffer = new Uint8Array(READ_SIZE);
  return {
    async read(): Promise<Uint8Array | null> {
      const n = await conn.read(buffer);
      return n === null ? null : buffer.slice(0, n);
    },
    async write(bytes: Uint8Array): Promise<void> {
      for (let written = 0; written < bytes.length;) {
        written += await conn.write(bytes.subarray(written));
      }
    },
    close(): void {
      if (closed) return;
      closed = true;
      try {
        conn.close();
      } catch {
        // already closed
      }
    },
  };
}

/** A ByteStream over a connected `node:net` (or `node:tls`) socket. */
export function socketStream(socket: Socket): ByteStream {
  const chunks: Uint8Array[] = [];
  let ended = false;
  let failure: Error | undefined;
  let wake: (() => void) | undefined;
  const notify = (): void => {
    const w = wake;
    wake = undefined;
    w?.();
  };
  socket.on("data", (chunk: Uint8Array) => {
    chunks.push(new Uint8Array(chunk));
    socket.pause();
    notify();
  });
  socket.on("end", () => {
    ended = true;
    notify();
  });
  socket.on("close", () => {
    ended = true;
    notify();
  });
  socket.on("error", (err: Error) => {
    failure = err;
    notify();
  });
  return {
    async read(): Promise<Uint8Array | null> {
      while (chunks.length === 0) {
        if (failure) throw failure;
        if (ended) return null;
        socket.resume();
        await new Promise<void>((resolve) => (wake = resolve));
      }
      return chunks.shift()!;
    },
    write(bytes: Uint8Array): Promise<void> {
      if (failure) return Promise.reject(failure);
      return new Promise((resolve, reject) => {
        socket.write(bytes, (err?: Error | null) => (err ? reject(err) : resolve()));
      });
    },
    close(): void {
      ended = true;
      socket.destroy();
      notify();
    },
  };
}
