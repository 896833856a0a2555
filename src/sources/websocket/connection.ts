import type { Clock } from "../../api/clock.ts";
import { errorMessage } from "../../util/errors.ts";
import type { Log } from "../../api/log.ts";
import { type HeartbeatOptions, Heartbeats } from "./heartbeat.ts";
import type { OpenSocket, SocketLike } from "./socket.ts";

/** What the handshake settled, as the source logs it. */
export interface OpenSession {
  /** The subprotocol the server chose ("" for none). */
  readonly protocol: string;
  /** The extensions the server accepted ("" for none). */
  readonly extensions: string;
}

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
  /** Heartbeats that expect an answer (pongMessage, protocol pings); none when undefined. */
  readonly heartbeats?: HeartbeatOptions;
  readonly clock: Clock;
  readonly log: Log;
  /** Aborting closes the connection (code 1000) and ends the attempt. */
  readonly signal: AbortSignal;
  /** Called once the handshake succeeded, before the init messages go out. */
  onOpen(session: OpenSession): void;
  /** Called for each answer to a heartbeat (a pongMessage reply, which is no event, or a pong frame). */
  onPong?(): void;
  /** Called for every frame: a string for text, bytes for binary. */
  onMessage(data: string | Uint8Array): void;
  /**
   * Back-pressure: while it says `paused` the socket stops reading (when it
   * can) until `whenResumed`. Without it, or with a socket that cannot
   * pause, every frame is handed on.
   */
  readonly pressure?: {
    readonly paused: boolean;
    whenResumed(signal?: AbortSignal): Promise<void>;
  };
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
  /** True when the server never answered our close and the socket was left behind. */
  readonly abandoned?: boolean;
  /** True when it was recycled because a heartbeat went unanswered (pongTimeout). */
  readonly pongTimedOut?: boolean;
}

/** How long a close waits for the server's answer when the agent stops. */
const STOP_CLOSE_WAIT_MS = 2000;

/**
 * Runs one WebSocket connection from handshake to close. Resolves (never
 * rejects) once the socket is closed, so that a caller never has two
 * connections open at once. The one exception is a peer that never answers
 * our close: after connectTimeout (2 s when stopping) the socket is
 * abandoned — its handlers are detached, so nothing it still delivers
 * reaches the agent, and a socket that can drop its TCP connection
 * (`terminate`) does; the outcome says so.
 */
export function runConnection(options: ConnectionOptions): Promise<ConnectionOutcome> {
  const { clock, signal } = options;
  const { promise, resolve } = Promise.withResolvers<ConnectionOutcome>();
  const life = new AbortController();
  let opened = false;
  let messages = 0;
  let cause: string | undefined;
  let heartbeats: Heartbeats | undefined;
  let pongTimedOut = false;

  let ws: SocketLike;
  try {
    ws = options.open(options.url, options.headers);
  } catch (err) {
    return Promise.resolve({ opened, messages, cause: errorMessage(err) });
  }
  ws.binaryType = "arraybuffer";

  const onAbort = (): void => close("agent stopping", 1000, STOP_CLOSE_WAIT_MS);
  let finished = false;
  /** True while the socket is paused for back-pressure: the quiet is ours, not the server's. */
  let pausedReading = false;
  let closing = false;
  const finish = (code: number, reason: string, abandoned = false): void => {
    if (finished) return;
    finished = true;
    ws.onopen =
      ws.onmessage =
      ws.onerror =
      ws.onclose =
        null;
    ws.onpong = null;
    life.abort();
    signal.removeEventListener("abort", onAbort);
    resolve({ opened, messages, code, reason, cause, abandoned, pongTimedOut });
  };
  /** When an unanswered close is given up on; a later, shorter wait (stopping) moves it up. */
  let giveUpAt = Infinity;
  const close = (why: string, code = 1000, waitMs = options.connectTimeoutMs): void => {
    cause ??= why;
    if (!closing) {
      closing = true;
      if (ws.readyState === WebSocket.OPEN) ws.close(code, why.slice(0, 120));
      else if (ws.readyState === WebSocket.CONNECTING) ws.close();
    }
    if (clock.now() + waitMs >= giveUpAt) return;
    giveUpAt = clock.now() + waitMs;
    // A dead peer may never answer the close: do not wait for it forever.
    void clock.sleep(waitMs, life.signal).then(() => {
      if (life.signal.aborted) return;
      finish(1006, "", true); // detaches the handlers first
      ws.terminate?.();
    });
  };

  ws.onopen = (): void => {
    opened = true;
    options.onOpen({ protocol: ws.protocol ?? "", extensions: ws.extensions ?? "" });
    if (options.heartbeats) {
      heartbeats = new Heartbeats(options.heartbeats, {
        socket: ws,
        clock,
        signal: life.signal,
        paused: () => pausedReading,
        onAnswer: () => options.onPong?.(),
        onTimeout: (why) => {
          pongTimedOut = true;
          close(why, 4000);
        },
        onNoPingFrames: () =>
          options.log.warn("protocolPingInterval: this client cannot send ping frames: none sent"),
      });
    }
    for (const text of options.initMessages) ws.send(text);
    if (options.ping) void heartbeat(options.ping.message, options.ping.intervalMs);
    if (options.idleTimeoutMs > 0) void watchIdle(options.idleTimeoutMs);
  };
  ws.onmessage = (event: { data: unknown }): void => {
    if (finished) return;
    messages++;
    const data = event.data;
    if (typeof data === "string" && heartbeats?.takesReply(data)) return; // a pong: no event
    options.onMessage(
      typeof data === "string" || data instanceof Uint8Array
        ? data
        : new Uint8Array(data as ArrayBuffer),
    );
    const pressure = options.pressure;
    if (pressure?.paused && ws.pause && !pausedReading) {
      // The channels are full: stop reading, so TCP holds the server back.
      pausedReading = true;
      heartbeats?.pausing();
      ws.pause();
      void pressure.whenResumed(life.signal).then(() => {
        pausedReading = false;
        if (!finished) ws.resume?.();
      });
    }
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
      if (!life.signal.aborted && ws.readyState === WebSocket.OPEN) {
        ws.send(text);
        heartbeats?.pingMessageSent();
      }
    }
  }

  /**
   * Recycles the connection once no message came for idleMs. It looks at the
   * message count every idleMs / 4 instead of reading the clock per message,
   * so it acts between idleMs and 1.25 × idleMs after the last message.
   */
  async function watchIdle(idleMs: number): Promise<void> {
    let seen = messages;
    let quietSince = clock.now();
    while (!life.signal.aborted) {
      // A socket paused for back-pressure is quiet by our choice: not idle.
      if (messages !== seen || pausedReading) {
        seen = messages;
        quietSince = clock.now();
      }
      const left = quietSince + idleMs - clock.now();
      if (left <= 0) {
        close(`no message for ${idleMs / 1000} s (idleTimeout)`, 4000);
        return;
      }
      await clock.sleep(Math.min(left, idleMs / 4), life.signal);
    }
  }

  return promise;
}
