import { ChannelError } from "../../api/channel.ts";
import { type Event, eventText, headersJson } from "../../api/event.ts";
import {
  type OpenedStore,
  StoreFullError,
  type StoreReply,
  type StoreRequest,
  type WirePut,
  type WireRow,
  type Written,
} from "./store_protocol.ts";

/** A request sent and not yet answered. */
interface Pending {
  readonly resolve: (value: unknown) => void;
  readonly reject: (err: Error) => void;
}

/** A request as the caller writes it; the thread numbers it. */
type Request = StoreRequest extends infer R ? R extends unknown ? Omit<R, "id"> : never : never;

/**
 * A file channel's EventStore on a worker thread of its own: the SQLite
 * inserts, deletes, fsyncs and reads run there while this thread goes on
 * reading sockets. Requests are answered in the order they were sent, so
 * commits land in the order they were asked for. Bodies that arrived as
 * text cross as text and are encoded on the worker.
 */
export class StoreThread {
  /** The database file. */
  readonly path: string;
  readonly #worker: Worker;
  readonly #pending = new Map<number, Pending>();
  #nextId = 1;
  #failure: ChannelError | undefined;
  #count = 0;
  #lastSeq = 0;
  #pageSize = 0;
  #freePages = 0;

  private constructor(path: string) {
    this.path = path;
    this.#worker = new Worker(new URL("./store_worker.ts", import.meta.url).href, {
      type: "module",
      name: `file channel ${path}`,
    });
    this.#worker.onmessage = (message: MessageEvent<StoreReply>) => this.#answer(message.data);
    this.#worker.onerror = (event: ErrorEvent) => {
      event.preventDefault();
      this.#fail(new ChannelError(`The thread writing "${path}" failed: ${event.message}`));
    };
  }

  /**
   * Starts a worker and opens the database at `path` on it, its write-ahead
   * log kept to about `walLimitBytes`; rejects with the store's
   * ChannelError (and stops the worker) when it cannot.
   */
  static async open(path: string, walLimitBytes: number): Promise<StoreThread> {
    const thread = new StoreThread(path);
    try {
      const opened = await thread.#request({ op: "open", path, walLimitBytes }) as OpenedStore;
      thread.#count = opened.count;
      thread.#lastSeq = opened.lastSeq;
      thread.#pageSize = opened.pageSize;
      thread.#freePages = opened.freePages;
      return thread;
    } catch (err) {
      thread.#worker.terminate();
      throw err;
    }
  }

  /** Events held: committed puts not yet removed by a committed take. */
  get count(): number {
    return this.#count;
  }

  /** The highest sequence number committed (0 for a new database). */
  get lastSeq(): number {
    return this.#lastSeq;
  }

  /** The database's page size in bytes. */
  get pageSize(): number {
    return this.#pageSize;
  }

  /** Bytes of free pages inside the database, which new rows reuse, as of the last write. */
  get reusableBytes(): number {
    return this.#freePages * this.#pageSize;
  }

  /**
   * Inserts `puts` and deletes `takenSeqs` in one durable SQLite
   * transaction on the worker; resolves with the first put's sequence
   * number once it is on disk. On failure nothing changed; a full disk
   * rejects with StoreFullError.
   */
  async write(puts: readonly Event[], takenSeqs: readonly number[]): Promise<number> {
    const wire: WirePut[] = new Array(puts.length);
    for (let i = 0; i < puts.length; i++) wire[i] = wirePut(puts[i]);
    const { first, freePages } = await this.#request({
      op: "write",
      puts: wire,
      takes: takenSeqs,
    }) as Written;
    this.#freePages = freePages;
    this.#count += puts.length - takenSeqs.length;
    if (puts.length > 0) this.#lastSeq = first + puts.length - 1;
    return first;
  }

  /** Up to `limit` rows after `seq`, in order. */
  async readAfter(seq: number, limit: number): Promise<WireRow[]> {
    return await this.#request({ op: "read", after: seq, limit }) as WireRow[];
  }

  /**
   * Copies the write-ahead log into the database and truncates it to zero
   * bytes, after the requests before this; resolves with whether all of it
   * was copied.
   */
  async checkpoint(): Promise<boolean> {
    return await this.#request({ op: "checkpoint" }) as boolean;
  }

  /** Closes the database once the requests before this are done, and stops the worker. */
  async close(): Promise<void> {
    try {
      if (!this.#failure) await this.#request({ op: "close" });
    } finally {
      this.#worker.terminate();
      this.#fail(new ChannelError(`The channel's database "${this.path}" is closed`));
    }
  }

  #request(request: Request): Promise<unknown> {
    if (this.#failure) return Promise.reject(this.#failure);
    const id = this.#nextId++;
    return new Promise((resolve, reject) => {
      this.#pending.set(id, { resolve, reject });
      this.#worker.postMessage({ ...request, id } as StoreRequest);
    });
  }

  #answer(reply: StoreReply): void {
    const pending = this.#pending.get(reply.id);
    if (!pending) return;
    this.#pending.delete(reply.id);
    if (reply.ok) pending.resolve(reply.value);
    else if (reply.full) pending.reject(new StoreFullError(reply.message));
    else if (reply.channelError) pending.reject(new ChannelError(reply.message));
    else pending.reject(new Error(reply.message));
  }

  /** Ends every pending request with `err`; later requests fail with it too. */
  #fail(err: ChannelError): void {
    this.#failure ??= err;
    for (const pending of this.#pending.values()) pending.reject(err);
    this.#pending.clear();
  }
}

/** An event as it crosses: text stays text (encoded on the worker), headers become JSON. */
function wirePut(event: Event): WirePut {
  const headers = headersJson(event.headers);
  return [headers, eventText(event) ?? event.body];
}
