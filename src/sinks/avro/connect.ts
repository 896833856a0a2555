import tls from "node:tls";
import { type ByteStream, connStream, socketStream } from "../../avro/byte_stream.ts";
import { deflateStream } from "../../avro/deflate_stream.ts";
import { closeQuietly } from "../../util/close_quietly.ts";

/** Where and how an avro sink connects. */
export interface ConnectOptions {
  readonly hostname: string;
  readonly port: number;
  /** Milliseconds for TCP, TLS (and, in the client, the first call). */
  readonly timeoutMs: number;
  /** TLS; absent: plain TCP. */
  readonly tls?: {
    /** Trusted CA certificates (PEM); empty: Deno's default roots. */
    readonly caCerts: readonly string[];
    /** `trust-all-certs`: no verification, for this connection only (node:tls). */
    readonly trustAll: boolean;
  };
  /** `compression-type = deflate` at this level. */
  readonly deflateLevel?: number;
}

/** Opens the connection (TCP, TLS and the zlib layer); throws on failure or after `timeoutMs`. */
export async function openStream(options: ConnectOptions): Promise<ByteStream> {
  const abort = new AbortController();
  const timer = setTimeout(() => abort.abort(), options.timeoutMs);
  let stream: ByteStream;
  try {
    stream = await withTimeout(rawStream(options, abort.signal), abort.signal, options);
  } finally {
    clearTimeout(timer);
  }
  return options.deflateLevel === undefined ? stream : deflateStream(stream, options.deflateLevel);
}

async function rawStream(options: ConnectOptions, signal: AbortSignal): Promise<ByteStream> {
  const { hostname, port } = options;
  if (!options.tls) {
    const conn = await Deno.connect({ hostname, port, signal });
    conn.setNoDelay(true);
    return connStream(conn);
  }
  if (options.tls.trustAll) return await trustAllStream(hostname, port, signal);
  const conn = await Deno.connectTls({
    hostname,
    port,
    caCerts: options.tls.caCerts.length > 0 ? [...options.tls.caCerts] : undefined,
  });
  // A peer that accepts TCP and never finishes the handshake: the timeout closes it.
  const onAbort = (): void => closeQuietly(conn);
  if (signal.aborted) onAbort();
  signal.addEventListener("abort", onAbort, { once: true });
  try {
    await conn.handshake();
  } catch (err) {
    closeQuietly(conn);
    throw err;
  } finally {
    signal.removeEventListener("abort", onAbort);
  }
  return connStream(conn);
}

function trustAllStream(
  hostname: string,
  port: number,
  signal: AbortSignal,
): Promise<ByteStream> {
  return new Promise((resolve, reject) => {
    const onAbort = (): void => {
      socket.destroy();
      reject(new Error("timed out"));
    };
    const socket = tls.connect({
      host: hostname,
      port,
      servername: /^[\d.]+$|:/.test(hostname) ? undefined : hostname,
      rejectUnauthorized: false,
    }, () => {
      signal.removeEventListener("abort", onAbort);
      socket.off("error", reject);
      socket.setNoDelay(true);
      resolve(socketStream(socket));
    });
    socket.once("error", (err) => {
      signal.removeEventListener("abort", onAbort);
      reject(err);
    });
    if (signal.aborted) onAbort();
    else signal.addEventListener("abort", onAbort, { once: true });
  });
}

/** `connecting`, or a timeout error once `signal` aborts (a late connection is closed). */
async function withTimeout(
  connecting: Promise<ByteStream>,
  signal: AbortSignal,
  options: ConnectOptions,
): Promise<ByteStream> {
  let onAbort: (() => void) | undefined;
  const aborted = new Promise<never>((_, reject) => {
    onAbort = (): void =>
      reject(
        new Error(
          `No connection to ${options.hostname}:${options.port} within ${options.timeoutMs} ms`,
        ),
      );
    signal.addEventListener("abort", onAbort, { once: true });
  });
  aborted.catch(() => {});
  try {
    return await Promise.race([connecting, aborted]);
  } catch (err) {
    connecting.then((late) => late.close(), () => {});
    throw err;
  } finally {
    signal.removeEventListener("abort", onAbort!);
  }
}
