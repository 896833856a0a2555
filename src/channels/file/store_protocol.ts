/**
 * The messages between a file channel and the worker thread that owns its
 * SQLite database. Requests are answered in the order they were sent.
 *
 * @module
 */

/** A put as it crosses to the store's thread: headers as JSON, the body as bytes or as text. */
export type WirePut = readonly [headers: string, body: Uint8Array | string];

/** A stored row as it comes back: sequence number, headers as JSON, body bytes. */
export type WireRow = readonly [seq: number, headers: string, body: Uint8Array];

/** What the channel asks of the store's thread. */
export type StoreRequest =
  | { readonly op: "open"; readonly id: number; readonly path: string }
  | {
    readonly op: "write";
    readonly id: number;
    readonly puts: readonly WirePut[];
    readonly takes: readonly number[];
  }
  | { readonly op: "read"; readonly id: number; readonly after: number; readonly limit: number }
  | { readonly op: "close"; readonly id: number };

/** What `open` answers: the events held and the highest sequence number used. */
export interface OpenedStore {
  readonly count: number;
  readonly lastSeq: number;
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
  };
