/**
 * A `websocket_server` source built from properties through the real
 * configuration path, writing into a real memory channel, plus WebSocket
 * clients (Deno's built-in one, and raw TCP for what it cannot send).
 *
 * @module
 */
import { SYSTEM_CLOCK } from "../../src/api/clock.ts";
import { CHANNEL_COUNTERS, CounterGroup, CounterRegistry } from "../../src/api/counters.ts";
import { MemoryChannel } from "../../src/channels/memory_channel.ts";
import type { RunningSource } from "../../src/core/components.ts";
import type { WebSocketServerSource } from "../../src/sources/websocket_server/mod.ts";
import { group, sourceFrom } from "../support/components.ts";
import { RecordingLog } from "../support/recording_log.ts";
import { withTimeout } from "../support/async.ts";

/** A started source, its channel, counters and log. */
export interface ServerHarness {
  readonly source: RunningSource;
  readonly channel: MemoryChannel;
  readonly counters: CounterGroup<string>;
  readonly log: RecordingLog;
  /** The port listened on. */
  readonly port: number;
  /** `ws://127.0.0.1:PORT` + `path`. */
  url(path?: string): string;
  /** Stops the source (and its sender). */
  stop(): Promise<void>;
}

/** Channel limits of a harness. */
export interface ChannelLimits {
  /** @default 100000 */
  readonly capacity?: number;
  /** @default 1000 */
  readonly transactionCapacity?: number;
}

/** Builds and starts `a1.sources.w1` (type websocket_server) on 127.0.0.1, port 0. */
export async function startServer(
  properties: Record<string, string>,
  limits: ChannelLimits = {},
): Promise<ServerHarness> {
  const channel = new MemoryChannel("c1", new CounterGroup("CHANNEL", "c1", CHANNEL_COUNTERS), {
    capacity: limits.capacity ?? 100_000,
    transactionCapacity: limits.transactionCapacity ?? 1000,
    keepAlive: 0,
  }, SYSTEM_CLOCK);
  const log = new RecordingLog();
  const registry = new CounterRegistry();
  const source = sourceFrom(
    "websocket_server",
    { bind: "127.0.0.1", port: "0", ...properties },
    [channel],
    { log, counters: registry },
  );
  await source.start();
  const port = (source.source as WebSocketServerSource).boundPort();
  return {
    source,
    channel,
    counters: group(registry, "SOURCE.w1"),
    log,
    port,
    url: (path = "/") => `ws://127.0.0.1:${port}${path}`,
    stop: async () => {
      await source.stop();
    },
  };
}

/** An open client, with what it was told on close. */
export interface Client {
  readonly ws: WebSocket;
  /** Resolves with the close event's code once the connection closed. */
  readonly closed: Promise<number>;
}

/** Opens a built-in WebSocket; rejects when the handshake fails. */
export async function openClient(
  url: string,
  options: { headers?: Record<string, string>; client?: Deno.HttpClient } = {},
): Promise<Client> {
  const ws = new WebSocket(url, options);
  const closed = new Promise<number>((resolve) => ws.onclose = (e) => resolve(e.code));
  await withTimeout(
    new Promise<void>((resolve, reject) => {
      ws.onopen = () => resolve();
      ws.onerror = (e) => reject(new Error(`WebSocket failed: ${(e as ErrorEvent).message}`));
    }),
    20_000,
    `opening ${url}`,
  );
  return { ws, closed };
}

/** Closes a client and waits for the close to complete. */
export async function closeClient(client: Client): Promise<void> {
  if (client.ws.readyState === WebSocket.OPEN) client.ws.close(1000);
  await withTimeout(client.closed, 20_000, "client close");
}

/** The HTTP status line and body the server answers to a raw handshake request. */
export async function rawHandshake(
  port: number,
  lines: readonly string[],
): Promise<{ status: number; text: string }> {
  const conn = await Deno.connect({ hostname: "127.0.0.1", port });
  try {
    await conn.write(new TextEncoder().encode(lines.join("\r\n") + "\r\n\r\n"));
    const chunks: Uint8Array[] = [];
    const buffer = new Uint8Array(4096);
    while (true) {
      const n = await withTimeout(conn.read(buffer), 20_000, "handshake answer");
      if (n === null) break;
      chunks.push(buffer.slice(0, n));
      const text = new TextDecoder().decode(concat(chunks));
      if (text.includes("\r\n\r\n") && /^HTTP\/1\.1 101/.test(text)) break;
    }
    const text = new TextDecoder().decode(concat(chunks));
    return { status: Number(text.slice(9, 12)), text };
  } finally {
    conn.close();
  }
}

/** A handshake request for `path` with `extra` header lines. */
export function upgradeLines(path: string, extra: readonly string[] = []): string[] {
  return [
    `GET ${path} HTTP/1.1`,
    "Host: 127.0.0.1",
    "Upgrade: websocket",
    "Connection: Upgrade",
    "Sec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==",
    "Sec-WebSocket-Version: 13",
    ...extra,
  ];
}

function concat(chunks: readonly Uint8Array[]): Uint8Array {
  const out = new Uint8Array(chunks.reduce((n, c) => n + c.length, 0));
  let at = 0;
  for (const c of chunks) {
    out.set(c, at);
    at += c.length;
  }
  return out;
}
