import { ChannelError, type Transaction } from "../api/channel.ts";
import type { ChannelCounter, CounterGroup } from "../api/counters.ts";
import type { Event } from "../api/event.ts";

/** "committing" lasts while a commit waits for room; nothing else may touch the transaction. */
type TxState = "new" | "open" | "committing" | "completed" | "closed";

/**
 * What a staged transaction asks of its channel, as functions the channel
 * hands it (so that nothing of the channel's internals is public). `T` is
 * what the channel records of a take.
 */
export interface TransactionHooks<T> {
  /** Flume's class name for transactionCapacity messages ("MemoryTransaction"). */
  readonly flumeName: string;
  /** Most events one transaction puts or takes. */
  readonly transactionCapacity: number;
  /** Where the put and take counters go. */
  readonly counters: CounterGroup<ChannelCounter>;
  /** Runs in begin(); may throw to refuse the transaction. */
  begin(): void;
  /** Takes the channel's head event for this transaction, if any. */
  take(): T | undefined;
  /** The event a take recorded as `taken`. */
  eventOf(taken: T): Event;
  /** Hands the staged puts and takes to the channel; rejects to refuse the commit. */
  commit(puts: readonly Event[], takes: readonly T[]): Promise<void>;
  /** Returns the takes to the channel. */
  rollback(takes: readonly T[]): void;
}

/**
 * A transaction that stages its puts and takes until commit() hands them to
 * the channel, as Flume's BasicTransactionSemantics: the state machine, the
 * transactionCapacity checks and the attempt and success counters.
 */
export class StagedTransaction<T> implements Transaction {
  readonly #hooks: TransactionHooks<T>;
  #state: TxState = "new";
  #puts: Event[] = [];
  #takes: T[] = [];
  #putAttempts = 0;
  #takeAttempts = 0;

  /** A new transaction over `hooks`. */
  constructor(hooks: TransactionHooks<T>) {
    this.#hooks = hooks;
  }

  begin(): void {
    if (this.#state !== "new") throw new ChannelError(`Transaction already ${this.#state}`);
    this.#hooks.begin();
    this.#state = "open";
  }

  put(event: Event): void {
    this.#requireOpen("put");
    this.#putAttempts++;
    const capacity = this.#hooks.transactionCapacity;
    if (this.#puts.length >= capacity) {
      throw new ChannelError(
        `Put queue for ${this.#hooks.flumeName} of capacity ${capacity} ` +
          `full, consider committing more frequently, increasing capacity or increasing ` +
          `thread count`,
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
    const capacity = this.#hooks.transactionCapacity;
    if (this.#takes.length >= capacity) {
      throw new ChannelError(
        `Take list for ${this.#hooks.flumeName}, capacity ${capacity} ` +
          `full, consider committing more frequently, increasing capacity, or increasing ` +
          `thread count`,
      );
    }
    const taken = this.#hooks.take();
    if (taken === undefined) return undefined;
    this.#takes.push(taken);
    return this.#hooks.eventOf(taken);
  }

  async commit(): Promise<void> {
    this.#requireOpen("commit");
    this.#state = "committing";
    try {
      await this.#hooks.commit(this.#puts, this.#takes);
    } catch (err) {
      this.#state = "open"; // refused: the caller rolls back
      throw err;
    }
    this.#state = "completed";
    const c = this.#hooks.counters;
    c.add("EventPutSuccessCount", this.#puts.length);
    c.add("EventTakeSuccessCount", this.#takes.length);
    this.#finish();
  }

  rollback(): void {
    this.#requireOpen("rollback");
    this.#hooks.rollback(this.#takes);
    this.#state = "completed";
    this.#finish();
  }

  close(): void {
    if (this.#state === "committing") {
      throw new ChannelError("Cannot close: transaction is committing, await its commit first");
    }
    if (this.#state === "open") this.rollback();
    this.#state = "closed";
  }

  /** Flushes the attempt counters and drops what was staged. */
  #finish(): void {
    const c = this.#hooks.counters;
    c.add("EventPutAttemptCount", this.#putAttempts);
    c.add("EventTakeAttemptCount", this.#takeAttempts);
    this.#putAttempts = 0;
    this.#takeAttempts = 0;
    this.#puts = [];
    this.#takes = [];
  }

  #requireOpen(op: string): void {
    if (this.#state !== "open") {
      throw new ChannelError(`Cannot ${op}: transaction is ${this.#state}, not open`);
    }
  }
}
