import type { Clock } from "../../core/clock.ts";
import type { Log } from "../../core/log.ts";
import type { OpenSocket, SocketLike } from "./socket.ts";

/** Everything one connection attempt needs. */
export interface ConnectionOptions {
  readonly url: string;
  /** Opens the socket: Deno's built-in WebSocket, or the unverified client. */
  readonly open: OpenSocket;
  /** Handshake headers (Cookie, Authorization, …). */
  readonly headers: readonly [string, string][];
  /** Texts sent, in order, right after the open. */
  readonly initMessages: readonly string[];
  readonly connectTimeoutMs: number;
  /** Recycle the connection after this long without a message; 0 = never. */
  readonly idleTimeoutMs: number;
  /** Heartbeat text and interval; no heartbeat when undefined. */
  readonly ping?: { readonly message: string; readonly intervalMs: number };
  readonly clock: Clock;
  readonly log: Log;
  /** Aborting closes the connection (code 1000) and ends the attempt. */
  readonly signal: AbortSignal;
  /** Called once the handshake succeeded, before the init messages go out. */
  onOpen(): void;
  /** Called for every frame: a string for text, bytes for binary. */
  onMessage(data: string | Uint8Array): void;
}

/** How a connection attempt ended. */
export interface ConnectionOutcome {
  /** True when the handshake succeeded. */
  readonly opened: boolean;
  /** Frames received. */
  readonly messages: number;
  /** The close code and reason, when the connection had opened. */
  readonly code?: number;
  readonly reason?: string;
  /** Why it failed or was recycled, when it did. */
  readonly cause?: string;
}

/**
 * Runs one WebSocket connection from handshake to close. Resolves (never rejects) once the socket is closed, so that a
 * caller never has two connections open at once.
 */
export function runConnection(options: ConnectionOptions): Promise<ConnectionOutcome> {
  const { clock, signal } = options;
  const { promise, resolve } = Promise.withResolvers<ConnectionOutcome>();
  const life = new AbortController();
  let opened = false;
  let messages = 0;
  let cause: string | undefined;
  let lastMessageAt = clock.now();

  let ws: SocketLike;
  try {
    ws = options.open(options.url, options.headers);
  } catch (err) {
    return Promise.resolve({ opened, messages, cause: describe(err) });
  }
  ws.binaryType = "arraybuffer";

  const onAbort = (): void => close("agent stopping");
  let finished = false;
  const finish = (code: number, reason: string): void => {
    if (finished) return;
    finished = true;
    life.abort();
    signal.removeEventListener("abort", onAbort);
    resolve({ opened, messages, code, reason, cause });
  };
  const close = (why: string, code = 1000): void => {
    cause ??= why;
    if (ws.readyState === WebSocket.OPEN) ws.close(code, why.slice(0, 120));
    else if (ws.readyState === WebSocket.CONNECTING) ws.close();
    // A dead peer may never answer the close: do not wait for it forever.
    void clock.sleep(options.connectTimeoutMs, life.signal).then(() => {
      if (!life.signal.aborted) {
        cause += "; the server did not answer the close";
        finish(1006, "");
      }
    });
  };

  ws.onopen = (): void => {
    opened = true;
    lastMessageAt = clock.now();
    options.onOpen();
    for (const text of options.initMessages) ws.send(text);
    if (options.ping) void heartbeat(options.ping.message, options.ping.intervalMs);
    if (options.idleTimeoutMs > 0) void watchIdle(options.idleTimeoutMs);
  };
  ws.onmessage = (event: { data: unknown }): void => {
    messages++;
    lastMessageAt = clock.now();
    const data = event.data;
    options.onMessage(typeof data === "string" ? data : new Uint8Array(data as ArrayBuffer));
  };
  ws.onerror = (event: { message?: string }): void => {
    cause ??= event.message || "WebSocket error";
  };
  ws.onclose = (event: { code: number; reason: string }): void => finish(event.code, event.reason);
  signal.addEventListener("abort", onAbort, { once: true });
  if (signal.aborted) onAbort();

  // No answer within connectTimeout: give up this attempt.
  void clock.sleep(options.connectTimeoutMs, life.signal).then(() => {
    if (!life.signal.aborted && !opened) {
      close(`no handshake within ${options.connectTimeoutMs / 1000} s (connectTimeout)`);
    }
  });

  async function heartbeat(text: string, intervalMs: number): Promise<void> {
    while (!life.signal.aborted) {
      await clock.sleep(intervalMs, life.signal);
      if (!life.signal.aborted && ws.readyState === WebSocket.OPEN) ws.send(text);
    }
  }

  async function watchIdle(idleMs: number): Promise<void> {
    while (!life.signal.aborted) {
      const left = lastMessageAt + idleMs - clock.now();
      if (left <= 0) {
        close(`no message for ${idleMs / 1000} s (idleTimeout)`, 4000);
        return;
      }
      await clock.sleep(left, life.signal);
    }
  }

  return promise;
}

function describe(err: unknown): string {
  return err instanceof Error ? err.message : String(err);
}
