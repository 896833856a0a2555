import { ChannelError, type Transaction } from "../../core/channel.ts";
import type { Event } from "../../core/event.ts";
import type { StoredEvent } from "./event_store.ts";
import type { FileChannel } from "./file_channel.ts";

/** "committing" lasts while a commit waits for room; nothing else may touch the transaction. */
type TxState = "new" | "open" | "committing" | "completed" | "closed";

/**
 * One transaction of a FileChannel (Flume's FileBackedTransaction). Puts
 * are staged in memory and written, with the deletion of the takes, in one
 * SQLite transaction inside commit(); nothing touches the database before.
 */
export class FileTransaction implements Transaction {
  readonly #channel: FileChannel;
  #state: TxState = "new";
  /** The channel's open state at begin(): a reopened channel refuses this transaction. */
  #session: object | undefined;
  #puts: Event[] = [];
  #takes: StoredEvent[] = [];
  #putAttempts = 0;
  #takeAttempts = 0;

  /** A new transaction of `channel`; call begin() first. */
  constructor(channel: FileChannel) {
    this.#channel = channel;
  }

  begin(): void {
    if (this.#state !== "new") throw new ChannelError(`Transaction already ${this.#state}`);
    this.#session = this.#channel._session();
    this.#state = "open";
  }

  put(event: Event): void {
    this.#requireOpen("put");
    this.#putAttempts++;
    if (this.#puts.length >= this.#channel.transactionCapacity) {
      throw new ChannelError(
        `Put queue for FileBackedTransaction of capacity ` +
          `${this.#channel.transactionCapacity} full, consider committing more frequently, ` +
          `increasing capacity or increasing thread count`,
      );
    }
    this.#puts.push(event);
  }

  putAll(events: readonly Event[]): void {
    for (const event of events) this.put(event);
  }

  take(): Event | undefined {
    this.#requireOpen("take");
    this.#takeAttempts++;
    if (this.#takes.length >= this.#channel.transactionCapacity) {
      throw new ChannelError(
        `Take list for FileBackedTransaction, capacity ${this.#channel.transactionCapacity} ` +
          `full, consider committing more frequently, increasing capacity, or increasing ` +
          `thread count`,
      );
    }
    const taken = this.#channel._take(this.#session!);
    if (taken === undefined) return undefined;
    this.#takes.push(taken);
    return taken.event;
  }

  async commit(): Promise<void> {
    this.#requireOpen("commit");
    this.#state = "committing";
    try {
      await this.#channel._commit(this.#session!, this.#puts, this.#takes);
    } catch (err) {
      this.#state = "open"; // refused: the caller rolls back
      throw err;
    }
    this.#state = "completed";
    const c = this.#channel.counters;
    c.add("EventPutSuccessCount", this.#puts.length);
    c.add("EventTakeSuccessCount", this.#takes.length);
    this.#flushAttempts();
    this.#puts = [];
    this.#takes = [];
  }

  rollback(): void {
    this.#requireOpen("rollback");
    this.#channel._rollback(this.#session!, this.#takes);
    this.#state = "completed";
    this.#flushAttempts();
    this.#puts = [];
    this.#takes = [];
  }

  close(): void {
    if (this.#state === "committing") {
      throw new ChannelError("Cannot close: transaction is committing, await its commit first");
    }
    if (this.#state === "open") this.rollback();
    this.#state = "closed";
  }

  #flushAttempts(): void {
    const c = this.#channel.counters;
    c.add("EventPutAttemptCount", this.#putAttempts);
    c.add("EventTakeAttemptCount", this.#takeAttempts);
    this.#putAttempts = 0;
    this.#takeAttempts = 0;
  }

  #requireOpen(op: string): void {
    if (this.#state !== "open") {
      throw new ChannelError(`Cannot ${op}: transaction is ${this.#state}, not open`);
    }
  }
}
