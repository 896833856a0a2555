/// <reference no-default-lib="true" />
/// <reference lib="deno.worker" />
/**
 * The worker thread that owns a file channel's SQLite database: it runs
 * the channel's commits (inserts, deletes and the fsync) and its reads,
 * one request at a time in the order they came, so the thread that reads
 * the sockets never waits for the disk.
 *
 * @module
 */
import { ChannelError } from "../../api/channel.ts";
import { errorMessage } from "../../util/errors.ts";
import { EventStore, type StoredPut } from "./event_store.ts";
import {
  type OpenedStore,
  StoreFullError,
  type StoreReply,
  type StoreRequest,
  type WirePut,
  type Written,
} from "./store_protocol.ts";

/** Answers one channel's requests against its database. */
class StoreServer {
  readonly #encoder = new TextEncoder();
  #store: EventStore | undefined;

  /** The answer to `request`; throws what the store threw. */
  handle(request: StoreRequest): unknown {
    switch (request.op) {
      case "open": {
        this.#store?.close();
        this.#store = EventStore.open(request.path, { walLimitBytes: request.walLimitBytes });
        const opened: OpenedStore = {
          count: this.#store.count,
          lastSeq: this.#store.lastSeq,
          pageSize: this.#store.pageSize,
          freePages: this.#store.freePages,
        };
        return opened;
      }
      case "write": {
        const store = this.#require();
        const first = store.write(request.puts.map((put) => this.#bytes(put)), request.takes);
        const written: Written = { first, freePages: store.freePages };
        return written;
      }
      case "read":
        return this.#require().readAfter(request.after, request.limit);
      case "checkpoint":
        return this.#require().checkpoint();
      case "close":
        this.#store?.close();
        this.#store = undefined;
        return null;
    }
  }

  #bytes(put: WirePut): StoredPut {
    const body = put[1];
    return typeof body === "string" ? [put[0], this.#encoder.encode(body)] : put as StoredPut;
  }

  #require(): EventStore {
    if (!this.#store) throw new ChannelError("The channel's database is not open");
    return this.#store;
  }
}

const server = new StoreServer();

self.onmessage = (message: MessageEvent<StoreRequest>): void => {
  const request = message.data;
  let reply: StoreReply;
  try {
    reply = { id: request.id, ok: true, value: server.handle(request) };
  } catch (err) {
    reply = {
      id: request.id,
      ok: false,
      message: err instanceof ChannelError ? err.message : errorMessage(err),
      channelError: err instanceof ChannelError,
      full: err instanceof StoreFullError,
    };
  }
  self.postMessage(reply);
};
