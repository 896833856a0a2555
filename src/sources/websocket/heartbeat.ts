/**
 * Heartbeats that expect an answer: `pongMessage` replies to the
 * `pingMessage` texts, and pong frames answering RFC 6455 ping frames
 * (`protocolPingInterval`). A ping left unanswered for `pongTimeout`
 * recycles the connection.
 *
 * @module
 */
import type { Clock } from "../../api/clock.ts";
import type { SocketLike } from "./socket.ts";

/** Flags a `/…/flags` pongMessage may carry (stateless ones only: no g, no y). */
const FLAGS = /^[imsu]*$/;

/** The pattern and flags of a pongMessage written `/…/flags`, or undefined for plain text. */
function regexParts(spec: string): { source: string; flags: string } | undefined {
  if (!spec.startsWith("/")) return undefined;
  const end = spec.lastIndexOf("/");
  if (end <= 0) return undefined;
  return { source: spec.slice(1, end), flags: spec.slice(end + 1) };
}

/**
 * Why `spec` (a pongMessage) cannot be used, or undefined when it can: a
 * `/…/flags` value must be a valid JavaScript regular expression with
 * flags among i, m, s, u.
 */
export function pongMessageProblem(spec: string): string | undefined {
  const parts = regexParts(spec);
  if (parts === undefined) return undefined;
  if (!FLAGS.test(parts.flags)) {
    return `Invalid pongMessage regular expression flags "${parts.flags}": expected i, m, s or u`;
  }
  try {
    new RegExp(parts.source, parts.flags);
    return undefined;
  } catch (err) {
    return `Invalid pongMessage regular expression: ${(err as Error).message}`;
  }
}

/**
 * The test a text message passes to be the reply to a pingMessage: the
 * same text exactly, or, written `/…/flags`, a regular expression found
 * anywhere in it (anchor it with ^ and $ to match the whole text).
 */
export function pongMatcher(spec: string): (text: string) => boolean {
  const parts = regexParts(spec);
  if (parts === undefined || pongMessageProblem(spec) !== undefined) {
    return (text) => text === spec;
  }
  const pattern = new RegExp(parts.source, parts.flags);
  return (text) => pattern.test(text);
}

/** Options of a {@linkcode PongWatch}. */
export interface PongWatchOptions {
  /** What the answer is, for the cause: `a reply matching pongMessage`. */
  readonly answer: string;
  /** What was sent, for the cause: `a pingMessage`. */
  readonly ping: string;
  readonly timeoutMs: number;
  readonly clock: Clock;
  /** Ends the watch (the connection is over). */
  readonly signal: AbortSignal;
  /** True while the socket is paused for back-pressure: no answer can be read. */
  paused(): boolean;
  /** Called once when an answer is overdue, with the cause to log. */
  onTimeout(cause: string): void;
}

/**
 * Waits for the answer to the pings sent: the deadline runs from the first
 * ping not answered yet, and any answer clears it. A pause of the socket
 * (back-pressure) holds no answer back for good: a deadline that falls
 * while reading was paused starts over.
 */
export class PongWatch {
  readonly #options: PongWatchOptions;
  #waiting = false;
  #generation = 0;
  #pausedMeanwhile = false;
  #expired = false;

  /** A watch with no ping outstanding. */
  constructor(options: PongWatchOptions) {
    this.#options = options;
  }

  /** True while a ping waits for its answer. */
  get waiting(): boolean {
    return this.#waiting;
  }

  /** A ping went out: starts the deadline unless one is running. */
  sent(): void {
    if (this.#waiting || this.#expired || this.#options.signal.aborted) return;
    this.#waiting = true;
    this.#pausedMeanwhile = false;
    void this.#expire(++this.#generation);
  }

  /** The answer came: clears the deadline. */
  answered(): void {
    this.#waiting = false;
    this.#generation++;
  }

  /** The socket stopped reading: the running deadline will start over. */
  pausing(): void {
    this.#pausedMeanwhile = true;
  }

  async #expire(generation: number): Promise<void> {
    const { clock, signal, timeoutMs } = this.#options;
    while (true) {
      await clock.sleep(timeoutMs, signal);
      if (signal.aborted || generation !== this.#generation) return;
      if (!this.#options.paused() && !this.#pausedMeanwhile) break;
      this.#pausedMeanwhile = false; // reading resumed (or will): a full timeout again
    }
    this.#expired = true;
    this.#waiting = false;
    this.#options.onTimeout(
      `no ${this.#options.answer} within ${timeoutMs / 1000} s of ${this.#options.ping} ` +
        `(pongTimeout)`,
    );
  }
}

/** How a connection's answered heartbeats run. */
export interface HeartbeatOptions {
  /** The pingMessage reply test, when pongMessage is set. */
  readonly pongMessage?: (text: string) => boolean;
  /** Seconds between ping frames, in ms; 0 = none. */
  readonly protocolPingIntervalMs: number;
  /** How long an answer may take, in ms. */
  readonly pongTimeoutMs: number;
}

/** What a connection's heartbeats need from it. */
export interface HeartbeatWiring {
  readonly socket: SocketLike;
  readonly clock: Clock;
  /** Aborts when the connection ends. */
  readonly signal: AbortSignal;
  /** True while reading is paused for back-pressure. */
  paused(): boolean;
  /** An answer arrived (a matching reply or a pong frame). */
  onAnswer(): void;
  /** An answer is overdue: the connection is to be recycled. */
  onTimeout(cause: string): void;
  /** Called once when the socket cannot send ping frames. */
  onNoPingFrames(): void;
}

/** A connection's answered heartbeats, once it is open. */
export class Heartbeats {
  readonly #options: HeartbeatOptions;
  readonly #wiring: HeartbeatWiring;
  readonly #replies: PongWatch | undefined;
  readonly #pongs: PongWatch | undefined;

  /** Starts the ping frames (when asked for) and listens for pong frames. */
  constructor(options: HeartbeatOptions, wiring: HeartbeatWiring) {
    this.#options = options;
    this.#wiring = wiring;
    const watch = (answer: string, ping: string): PongWatch =>
      new PongWatch({
        answer,
        ping,
        timeoutMs: options.pongTimeoutMs,
        clock: wiring.clock,
        signal: wiring.signal,
        paused: wiring.paused,
        onTimeout: wiring.onTimeout,
      });
    if (options.pongMessage) this.#replies = watch("reply matching pongMessage", "a pingMessage");
    if (options.protocolPingIntervalMs > 0) {
      const socket = wiring.socket;
      if (socket.ping === undefined) {
        wiring.onNoPingFrames();
        return;
      }
      const pongs = watch("pong frame", "a ping frame");
      this.#pongs = pongs;
      socket.onpong = (): void => {
        if (!pongs.waiting) return; // unsolicited: a heartbeat of the server's, not an answer
        pongs.answered();
        wiring.onAnswer();
      };
      void this.#pingFrames(options.protocolPingIntervalMs, pongs);
    }
  }

  /** A pingMessage went out. */
  pingMessageSent(): void {
    this.#replies?.sent();
  }

  /** True when `text` is the reply to a pingMessage: it is then no event. */
  takesReply(text: string): boolean {
    const matches = this.#options.pongMessage;
    if (matches === undefined || this.#replies === undefined || !matches(text)) return false;
    if (this.#replies.waiting) this.#replies.answered();
    this.#wiring.onAnswer();
    return true;
  }

  /** The socket stopped reading for back-pressure. */
  pausing(): void {
    this.#replies?.pausing();
    this.#pongs?.pausing();
  }

  async #pingFrames(intervalMs: number, pongs: PongWatch): Promise<void> {
    const { clock, signal, socket } = this.#wiring;
    let sequence = 0;
    while (!signal.aborted) {
      await clock.sleep(intervalMs, signal);
      if (signal.aborted || socket.readyState !== WebSocket.OPEN) continue;
      socket.ping?.(new TextEncoder().encode(String(++sequence)));
      pongs.sent();
    }
  }
}
