/**
 * Opens a TCP tunnel through an HTTP proxy (CONNECT, RFC 9110 section
 * 9.3.6), and TLS to the origin over it for `wss://`.
 *
 * @module
 */
import { concatBytes } from "../../util/bytes.ts";
import { explainNetworkError } from "../../util/net_errors.ts";
import { connectRefusal, connectRequest, type ProxySettings } from "./proxy.ts";
import { headEnd } from "./upgrade.ts";

/** The longest answer to CONNECT read before giving up, in bytes. */
const MAX_CONNECT_HEAD = 16384;

/** A failed CONNECT: the message names the proxy by host and port only. */
export class ProxyError extends Error {
  override name = "ProxyError";
}

/**
 * A TCP connection to `hostname:port` through `proxy`. Rejects with a
 * ProxyError (no credentials in it) when the proxy cannot be reached or
 * answers anything but 2xx; the connection is closed then.
 */
export async function openTunnel(
  proxy: ProxySettings,
  target: { readonly hostname: string; readonly port: number },
  signal?: AbortSignal,
): Promise<Deno.TcpConn> {
  let conn: Deno.TcpConn;
  try {
    conn = await Deno.connect({ hostname: proxy.hostname, port: proxy.port, signal });
  } catch (err) {
    throw new ProxyError(
      `proxy ${proxy.shown}: ${
        explainNetworkError(err, { hostname: proxy.hostname, port: proxy.port })
      }`,
    );
  }
  const onAbort = (): void => {
    try {
      conn.close();
    } catch {
      // Already closed.
    }
  };
  signal?.addEventListener("abort", onAbort, { once: true });
  if (signal?.aborted) onAbort();
  try {
    await _writeAll(
      conn,
      new TextEncoder().encode(connectRequest(proxy, target.hostname, target.port)),
    );
    const head = await _readHead(conn, proxy);
    const refusal = connectRefusal(proxy, head.text);
    if (refusal !== undefined) throw new ProxyError(refusal);
    if (head.extra > 0) {
      throw new ProxyError(`proxy ${proxy.shown} sent data before the tunnel was used`);
    }
    return conn;
  } catch (err) {
    try {
      conn.close();
    } catch {
      // Closed by the abort already.
    }
    if (err instanceof ProxyError) throw err;
    if (signal?.aborted) throw new Error("Connection attempt cancelled");
    throw new ProxyError(`proxy ${proxy.shown}: ${(err as Error).message}`);
  } finally {
    signal?.removeEventListener("abort", onAbort);
  }
}

/** TLS material for the origin, as `Deno.connectTls` takes it. */
export interface OriginTls {
  readonly caCerts?: readonly string[];
  readonly cert?: string;
  readonly key?: string;
}

/** TLS to the origin `hostname` over an open tunnel; an abort meanwhile closes the tunnel. */
export async function startOriginTls(
  conn: Deno.TcpConn,
  hostname: string,
  tls: OriginTls,
  signal?: AbortSignal,
): Promise<Deno.TlsConn> {
  const onAbort = (): void => {
    try {
      conn.close();
    } catch {
      // Already closed.
    }
  };
  signal?.addEventListener("abort", onAbort, { once: true });
  try {
    return await Deno.startTls(conn, {
      hostname,
      caCerts: tls.caCerts?.length ? [...tls.caCerts] : undefined,
      // Client certificates over startTls: passed on for runtimes that take them.
      ...(tls.cert !== undefined ? { cert: tls.cert, key: tls.key } : {}),
    } as Deno.StartTlsOptions);
  } catch (err) {
    onAbort();
    throw err;
  } finally {
    signal?.removeEventListener("abort", onAbort);
  }
}

/** Reads the proxy's response head byte chunks until the blank line. */
async function _readHead(
  conn: Deno.TcpConn,
  proxy: ProxySettings,
): Promise<{ text: string; extra: number }> {
  let buffered: Uint8Array = new Uint8Array(0);
  while (true) {
    const chunk = new Uint8Array(4096);
    const n = await conn.read(chunk);
    if (n === null) {
      throw new ProxyError(`proxy ${proxy.shown} closed the connection before answering CONNECT`);
    }
    buffered = concatBytes([buffered, chunk.subarray(0, n)]);
    const end = headEnd(buffered);
    if (end >= 0) {
      return {
        text: String.fromCharCode(...buffered.subarray(0, end)),
        extra: buffered.length - end,
      };
    }
    if (buffered.length > MAX_CONNECT_HEAD) {
      throw new ProxyError(
        `proxy ${proxy.shown} answered CONNECT with over ${MAX_CONNECT_HEAD} bytes`,
      );
    }
  }
}

async function _writeAll(conn: Deno.Conn, bytes: Uint8Array): Promise<void> {
  for (let done = 0; done < bytes.length;) done += await conn.write(bytes.subarray(done));
}
