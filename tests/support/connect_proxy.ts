/**
 * A real HTTP CONNECT proxy on 127.0.0.1 (port 0) for tests: it reads the
 * CONNECT request, optionally demands Basic credentials (407 otherwise),
 * then tunnels bytes both ways. It counts tunnels and records the
 * requested targets and the Proxy-Authorization headers it saw.
 *
 * @module
 */

/** Options of {@linkcode ConnectProxy.start}. */
export interface ConnectProxyOptions {
  /** Demand `Proxy-Authorization: Basic base64(user:password)`. */
  readonly credentials?: { readonly user: string; readonly password: string };
}

/** A CONNECT request the proxy received. */
export interface ConnectRequest {
  /** `host:port` as requested. */
  readonly target: string;
  /** The Proxy-Authorization header, if any. */
  readonly authorization?: string;
  /** True when a tunnel was opened for it. */
  readonly tunnelled: boolean;
}

/** The proxy. */
export class ConnectProxy {
  /** Every CONNECT seen, in order. */
  readonly requests: ConnectRequest[] = [];
  readonly #listener: Deno.Listener;
  readonly #expected?: string;
  readonly #open = new Set<Deno.Conn>();
  readonly #tasks = new Set<Promise<void>>();
  readonly #accepting: Promise<void>;

  private constructor(listener: Deno.Listener, options: ConnectProxyOptions) {
    this.#listener = listener;
    const c = options.credentials;
    this.#expected = c ? `Basic ${btoa(`${c.user}:${c.password}`)}` : undefined;
    this.#accepting = this.#accept();
  }

  /** Listens on 127.0.0.1, port 0. */
  static start(options: ConnectProxyOptions = {}): ConnectProxy {
    return new ConnectProxy(Deno.listen({ hostname: "127.0.0.1", port: 0 }), options);
  }

  /** The port. */
  get port(): number {
    return (this.#listener.addr as Deno.NetAddr).port;
  }

  /** `http://127.0.0.1:PORT`, or with user info. */
  url(userInfo?: string): string {
    return `http://${userInfo ? `${userInfo}@` : ""}127.0.0.1:${this.port}`;
  }

  /** Tunnels opened so far. */
  get tunnels(): number {
    return this.requests.filter((r) => r.tunnelled).length;
  }

  /** Stops listening and closes every connection and tunnel. */
  async close(): Promise<void> {
    this.#listener.close();
    await this.#accepting;
    for (const conn of this.#open) _close(conn);
    await Promise.all([...this.#tasks]);
  }

  async #accept(): Promise<void> {
    try {
      for await (const conn of this.#listener) {
        this.#open.add(conn);
        const task = this.#serve(conn).finally(() => {
          _close(conn);
          this.#open.delete(conn);
          this.#tasks.delete(task);
        });
        this.#tasks.add(task);
      }
    } catch {
      // Listener closed.
    }
  }

  async #serve(client: Deno.Conn): Promise<void> {
    const head = await _readHead(client);
    if (head === undefined) return;
    const lines = head.split("\r\n");
    const match = /^CONNECT (\S+) HTTP\/1\.[01]$/.exec(lines[0]);
    if (match === null) {
      await _answer(client, "HTTP/1.1 405 Method Not Allowed\r\nContent-Length: 0\r\n\r\n");
      return;
    }
    const authorization = lines.find((l) => /^proxy-authorization:/i.test(l))
      ?.replace(/^[^:]*:\s*/, "");
    const target = match[1];
    if (this.#expected !== undefined && authorization !== this.#expected) {
      this.requests.push({ target, authorization, tunnelled: false });
      await _answer(
        client,
        "HTTP/1.1 407 Proxy Authentication Required\r\n" +
          'Proxy-Authenticate: Basic realm="test"\r\nContent-Length: 0\r\n\r\n',
      );
      return;
    }
    const at = target.lastIndexOf(":");
    let upstream: Deno.Conn;
    try {
      upstream = await Deno.connect({
        hostname: target.slice(0, at).replace(/^\[|\]$/g, ""),
        port: Number(target.slice(at + 1)),
      });
    } catch {
      this.requests.push({ target, authorization, tunnelled: false });
      await _answer(client, "HTTP/1.1 502 Bad Gateway\r\nContent-Length: 0\r\n\r\n");
      return;
    }
    this.#open.add(upstream);
    this.requests.push({ target, authorization, tunnelled: true });
    try {
      await _answer(client, "HTTP/1.1 200 Connection Established\r\n\r\n");
      // Either side ending ends the tunnel; both pipes are awaited, so no read is left behind.
      const pipes = [_pipe(client, upstream), _pipe(upstream, client)];
      await Promise.race(pipes);
      _close(upstream);
      _close(client);
      await Promise.all(pipes);
    } finally {
      _close(upstream);
      this.#open.delete(upstream);
    }
  }
}

/** Reads up to the blank line; undefined when the client left first. */
async function _readHead(conn: Deno.Conn): Promise<string | undefined> {
  let text = "";
  const buffer = new Uint8Array(1);
  // Byte by byte: nothing past the head is consumed (the client waits for our answer anyway).
  while (!text.endsWith("\r\n\r\n")) {
    let n: number | null;
    try {
      n = await conn.read(buffer);
    } catch {
      return undefined;
    }
    if (n === null) return undefined;
    text += String.fromCharCode(buffer[0]);
    if (text.length > 16384) return undefined;
  }
  return text.slice(0, -4);
}

async function _answer(conn: Deno.Conn, text: string): Promise<void> {
  const bytes = new TextEncoder().encode(text);
  try {
    for (let done = 0; done < bytes.length;) done += await conn.write(bytes.subarray(done));
  } catch {
    // The client left.
  }
}

async function _pipe(from: Deno.Conn, to: Deno.Conn): Promise<void> {
  const buffer = new Uint8Array(16384);
  try {
    while (true) {
      const n = await from.read(buffer);
      if (n === null) return;
      for (let done = 0; done < n;) done += await to.write(buffer.subarray(done, n));
    }
  } catch {
    // Either side closed.
  }
}

function _close(conn: Deno.Conn): void {
  try {
    conn.close();
  } catch {
    // Already closed.
  }
}
