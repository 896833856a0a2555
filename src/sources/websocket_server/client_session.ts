/**
 * One client's WebSocket session after the handshake: frames read, messages
 * handed to the sender in order, pings answered, the close handshake. The
 * socket is read only while the sender takes events: that is the
 * back-pressure.
 *
 * @module
 */
import type { CounterCell } from "../../api/counters.ts";
import { type Event, TextEvent } from "../../api/event.ts";
import type { SourceSender } from "../../api/source.ts";
import { errorMessage } from "../../util/errors.ts";
import {
  ClientFrameDecoder,
  type ClientMessage,
  closeFrame,
  FrameError,
  OPCODE,
  serverFrame,
} from "./client_frames.ts";
import { closeQuietly } from "../../util/close_quietly.ts";

/** Bytes asked of the socket per read. */
const READ_SIZE = 64 * 1024;
/** Bytes of pongs and closes queued for a client that does not read them, before it is dropped. */
const MAX_QUEUED_WRITES = 1024 * 1024;

/** Longest wait for a close frame to go out to a client before its connection is dropped. */
const CLOSE_GRACE_MS = 2000;

/** How a session ended. */
export interface SessionOutcome {
  /** The close code: the client's, ours (1001 stopping, 1002/1007/1009 its fault), or 1006. */
  readonly code: number;
  /** Data messages handed to the sender. */
  readonly messages: number;
  /** Why we closed it (a protocol violation, a too-large message), if we did. */
  readonly error?: FrameError;
  /** A socket error that ended it, if any. */
  readonly cause?: string;
}

/** What a session needs. */
export interface SessionOptions {
  /** Bytes read past the handshake's head. */
  readonly leftover: Uint8Array;
  readonly maxMessageBytes: number;
  /** The events' headers, shared by every event of the connection (frozen). */
  readonly headers: Record<string, string>;
  readonly sender: SourceSender;
  /** Aborts when the source stops: the session closes with 1001. */
  readonly signal: AbortSignal;
  /** Payload bytes of the data messages received. */
  readonly bytes: CounterCell;
}

/**
 * Runs a session on `conn` until the client closes, breaks a rule, goes
 * away, or the source stops; the caller closes `conn` afterwards.
 */
export async function runSession(
  conn: Deno.Conn,
  options: SessionOptions,
): Promise<SessionOutcome> {
  return await new Session(conn, options).run();
}

class Session {
  readonly #conn: Deno.Conn;
  readonly #options: SessionOptions;
  readonly #decoder: ClientFrameDecoder;
  #writes: Promise<void> = Promise.resolve();
  #queued = 0;
  #closeSent = false;
  #messages = 0;
  #end: SessionOutcome | undefined;

  constructor(conn: Deno.Conn, options: SessionOptions) {
    this.#conn = conn;
    this.#options = options;
    this.#decoder = new ClientFrameDecoder(options.maxMessageBytes);
  }

  async run(): Promise<SessionOutcome> {
    const { signal } = this.#options;
    const onAbort = (): void => this.#stopping();
    signal.addEventListener("abort", onAbort, { once: true });
    try {
      let pending = this.#decode(this.#options.leftover);
      const buffer = new Uint8Array(READ_SIZE);
      while (this.#end === undefined) {
        await this.#deliver(pending);
        if (this.#end !== undefined || signal.aborted) break;
        const n = await this.#conn.read(buffer);
        if (n === null) {
          this.#finish({ code: 1006, messages: this.#messages, cause: "the client went away" });
          break;
        }
        pending = this.#decode(buffer.slice(0, n));
      }
    } catch (err) {
      this.#finish({ code: 1006, messages: this.#messages, cause: errorMessage(err) });
    } finally {
      signal.removeEventListener("abort", onAbort);
    }
    if (this.#end === undefined) this.#finish({ code: 1001, messages: this.#messages });
    // A close frame goes out first, unless the client is gone or reads nothing.
    if (this.#end!.code !== 1006) await settled(this.#writes, CLOSE_GRACE_MS);
    return this.#end!;
  }

  /** The messages of a chunk; on a violation, those before it, then the close. */
  #decode(chunk: Uint8Array): ClientMessage[] {
    try {
      return this.#decoder.push(chunk);
    } catch (err) {
      if (!(err instanceof FrameError)) throw err;
      return [...err.messages, { kind: "close", code: -err.code, reason: err.message }];
    }
  }

  /** Hands the messages on in order, waiting while the sender is paused. */
  async #deliver(messages: readonly ClientMessage[]): Promise<void> {
    const { sender, signal, headers, bytes } = this.#options;
    // Messages already read are handed on even after a stop or a drop: the
    // sender takes them or counts them as dropped, never silently lost.
    for (const message of messages) {
      switch (message.kind) {
        case "text":
        case "binary": {
          // Never send into a full backlog: wait for room (a stop wakes us; the
          // sender then counts what it refuses as dropped).
          while (sender.paused && !signal.aborted) await sender.whenResumed(signal);
          const event: Event = message.kind === "text"
            ? new TextEvent(message.text, headers)
            : { headers, body: message.data };
          bytes.value += message.kind === "text" ? message.bytes : message.data.length;
          this.#messages++;
          sender.send(event);
          break;
        }
        case "ping":
          this.#write(serverFrame(OPCODE.pong, message.payload));
          break;
        case "pong":
          break;
        case "close":
          this.#closed(message.code, message.reason);
          return;
      }
    }
  }

  /** A close from the client (code > 0), or our own for its violation (code < 0). */
  #closed(code: number | undefined, reason: string): void {
    if (code !== undefined && code < 0) {
      const error = new FrameError(-code, reason);
      this.#sendClose(-code, -code === 1009 ? "Message too big" : "Protocol error");
      this.#finish({ code: -code, messages: this.#messages, error });
      return;
    }
    this.#sendClose(code ?? 1000, "");
    this.#finish({ code: code ?? 1005, messages: this.#messages });
  }

  #stopping(): void {
    if (this.#end !== undefined) return;
    this.#sendClose(1001, "Server stopping");
    this.#finish({ code: 1001, messages: this.#messages });
    // Ends the read in progress once the close frame went out.
    void settled(this.#writes, CLOSE_GRACE_MS).then(() => closeQuietly(this.#conn));
  }

  #sendClose(code: number, reason: string): void {
    if (this.#closeSent) return;
    this.#closeSent = true;
    this.#write(closeFrame(code, reason));
  }

  /** Queues a frame; a client that lets them pile up is dropped. */
  #write(frame: Uint8Array): void {
    if (this.#end !== undefined) return;
    this.#queued += frame.length;
    if (this.#queued > MAX_QUEUED_WRITES) {
      this.#finish({ code: 1006, messages: this.#messages, cause: "the client reads nothing" });
      return;
    }
    const conn = this.#conn;
    this.#writes = this.#writes.then(async () => {
      for (let done = 0; done < frame.length;) done += await conn.write(frame.subarray(done));
      this.#queued -= frame.length;
    }).catch(() => {});
  }

  #finish(outcome: SessionOutcome): void {
    this.#end ??= outcome;
  }
}

/** Resolves when `promise` settles or after `ms`, whichever is first. */
async function settled(promise: Promise<void>, ms: number): Promise<void> {
  let timer: ReturnType<typeof setTimeout> | undefined;
  const late = new Promise<void>((resolve) => timer = setTimeout(resolve, ms));
  try {
    await Promise.race([promise, late]);
  } finally {
    clearTimeout(timer);
  }
}
