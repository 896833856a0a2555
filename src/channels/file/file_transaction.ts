import type { Event } from "../../core/event.ts";
import { StagedTransaction } from "../staged_transaction.ts";
import type { StoredEvent } from "./event_store.ts";
import type { FileChannel } from "./file_channel.ts";

/**
 * One transaction of a FileChannel (Flume's FileBackedTransaction). Puts
 * are staged in memory and written, with the deletion of the takes, in one
 * SQLite transaction inside commit(); nothing touches the database before.
 */
export class FileTransaction extends StagedTransaction<StoredEvent> {
  readonly #channel: FileChannel;
  /** The channel's open state at begin(): a reopened channel refuses this transaction. */
  #session: object | undefined;

  /** A new transaction of `channel`; call begin() first. */
  constructor(channel: FileChannel) {
    super("FileBackedTransaction", channel);
    this.#channel = channel;
  }

  protected override onBegin(): void {
    this.#session = this.#channel._session();
  }

  protected takeFromChannel(): StoredEvent | undefined {
    return this.#channel._take(this.#session!);
  }

  protected eventOf(taken: StoredEvent): Event {
    return taken.event;
  }

  protected commitToChannel(puts: readonly Event[], takes: readonly StoredEvent[]): Promise<void> {
    return this.#channel._commit(this.#session!, puts, takes);
  }

  protected rollbackInChannel(takes: readonly StoredEvent[]): void {
    this.#channel._rollback(this.#session!, takes);
  }
}
