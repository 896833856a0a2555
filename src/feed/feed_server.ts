import type { Log } from "../api/log.ts";
import { marketTick } from "./market_data.ts";
import { isSubscription } from "./subscription.ts";

/** Options of the demo feed. */
export interface FeedOptions {
  /** @default "127.0.0.1" */
  readonly hostname?: string;
  /** 0 picks a free port. @default 8765 */
  readonly port?: number;
  /** Messages per second per connection; 0 sends as fast as the socket takes them. @default 10 */
  readonly rate?: number;
  /** Messages per connection, then the feed goes quiet; undefined is unlimited. */
  readonly count?: number;
  /** Minimum message size in bytes. @default 0 (no padding) */
  readonly size?: number;
  /** Send binary frames (the JSON's UTF-8 bytes) instead of text. @default false */
  readonly binary?: boolean;
  readonly log: Log;
}

/** A running feed. */
export interface Feed {
  /** The port it listens on. */
  readonly port: number;
  /** Messages sent so far, over every connection. */
  sent(): number;
  /** Stops accepting, closes every connection and waits for the server to end. */
  close(): Promise<void>;
}

const ENCODER = new TextEncoder();

/** The longest part of a subscription the feed's log shows. */
const LOGGED_SUBSCRIPTION_CHARS = 200;

/**
 * A local WebSocket server for demos, tests and benchmarks: sends synthetic
 * market-data JSON to each client at `rate` per second and echoes back any
 * text a client sends (so the seed's echo example works offline), except a
 * subscription request (see {@linkcode isSubscription}): that is logged, not
 * echoed, so that a subscribing client gets ticks only.
 */
export function startFeed(options: FeedOptions): Promise<Feed> {
  const { log } = options;
  const rate = options.rate ?? 10;
  const sockets = new Set<WebSocket>();
  let sent = 0;
  const { promise: listening, resolve: onListen } = Promise.withResolvers<number>();
  const server = Deno.serve({
    hostname: options.hostname ?? "127.0.0.1",
    port: options.port ?? 8765,
    onListen: ({ port }) => onListen(port),
  }, (request) => {
    if (request.headers.get("upgrade")?.toLowerCase() !== "websocket") {
      return new Response("flume-ws demo feed: connect with a WebSocket client\n");
    }
    const { socket, response } = Deno.upgradeWebSocket(request);
    const stop = new AbortController();
    socket.onopen = (): void => {
      sockets.add(socket);
      log.info(`Client connected (${sockets.size} open)`);
      void send(socket, stop.signal);
    };
    socket.onmessage = (event: MessageEvent): void => {
      if (typeof event.data !== "string") return;
      if (isSubscription(event.data)) {
        const text = event.data.length > LOGGED_SUBSCRIPTION_CHARS
          ? `${event.data.slice(0, LOGGED_SUBSCRIPTION_CHARS)}…`
          : event.data;
        log.info(`Subscription received (every client gets every tick): ${text}`);
      } else if (socket.readyState === WebSocket.OPEN) {
        socket.send(event.data);
      }
    };
    socket.onclose = (): void => {
      stop.abort();
      sockets.delete(socket);
      log.info(`Client disconnected (${sockets.size} open)`);
    };
    socket.onerror = (): void => {};
    return response;
  });

  async function send(socket: WebSocket, signal: AbortSignal): Promise<void> {
    const tickMs = rate === 0 ? 0 : Math.max(10, 1000 / rate);
    const perTick = rate === 0 ? 1000 : Math.max(1, Math.round((rate * tickMs) / 1000));
    let seq = 0;
    const started = Date.now();
    while (!signal.aborted && socket.readyState === WebSocket.OPEN) {
      if (options.count !== undefined && seq >= options.count) return;
      const due = rate === 0 ? seq + perTick : Math.ceil(((Date.now() - started) * rate) / 1000);
      let n = Math.min(Math.max(due - seq, 0), perTick * 10);
      if (options.count !== undefined) n = Math.min(n, options.count - seq);
      for (let i = 0; i < n; i++, seq++) {
        const text = marketTick(seq, options.size ?? 0);
        socket.send(options.binary ? ENCODER.encode(text) : text);
      }
      sent += n;
      // Let the socket drain before queueing more when sending flat out.
      if (rate === 0 && socket.bufferedAmount > 1 << 20) await delay(1, signal);
      else await delay(tickMs, signal);
    }
  }

  return listening.then((port) => ({
    port,
    sent: () => sent,
    async close(): Promise<void> {
      for (const socket of sockets) {
        if (socket.readyState === WebSocket.OPEN) socket.close(1001, "feed stopping");
      }
      await server.shutdown();
    },
  }));
}

function delay(ms: number, signal: AbortSignal): Promise<void> {
  return new Promise((resolve) => {
    const done = (): void => {
      clearTimeout(timer);
      signal.removeEventListener("abort", done);
      resolve();
    };
    const timer = setTimeout(done, ms);
    signal.addEventListener("abort", done, { once: true });
  });
}
