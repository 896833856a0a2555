/**
 * The messages between a file channel and the worker thread that owns its
 * SQLite database. Requests are answered in the order they were sent.
 *
 * @module
 */
import { ChannelError } from "../../api/channel.ts";

/**
 * A write the database refused for want of disk space (SQLITE_FULL):
 * nothing of it was written. It may succeed once space frees.
 */
export class StoreFullError extends ChannelError {
  override name = "StoreFullError";
}

/** A put as it crosses to the store's thread: headers as JSON, the body as bytes or as text. */
export type WirePut = readonly [headers: string, body: Uint8Array | string];

/** A stored row as it comes back: sequence number, headers as JSON, body bytes. */
export type WireRow = readonly [seq: number, headers: string, body: Uint8Array];

/** What the channel asks of the store's thread. */
export type StoreRequest =
  | {
    readonly op: "open";
    readonly id: number;
    readonly path: string;
    /** Most bytes the write-ahead log keeps between checkpoints. */
    readonly walLimitBytes: number;
  }
  | {
    readonly op: "write";
    readonly id: number;
    readonly puts: readonly WirePut[];
    readonly takes: readonly number[];
  }
  | { readonly op: "read"; readonly id: number; readonly after: number; readonly limit: number }
  | { readonly op: "checkpoint"; readonly id: number }
  | { readonly op: "close"; readonly id: number };

/** What `open` answers: the events held, the highest sequence number used, the page size. */
export interface OpenedStore {
  readonly count: number;
  readonly lastSeq: number;
  readonly pageSize: number;
  /** Pages the database holds free for new rows. */
  readonly freePages: number;
}

/** What `write` answers: the first put's sequence number, and the database's free pages after it. */
export interface Written {
  readonly first: number;
  readonly freePages: number;
}

/** The answer to one request: its value, or the failure's message. */
export type StoreReply =
  | { readonly id: number; readonly ok: true; readonly value: unknown }
  | {
    readonly id: number;
    readonly ok: false;
    readonly message: string;
    /** True when the failure was a ChannelError (a message meant for the user). */
    readonly channelError: boolean;
    /** True when it was a StoreFullError. */
    readonly full: boolean;
  };
