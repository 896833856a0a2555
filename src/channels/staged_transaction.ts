import { ChannelError, type Transaction } from "../core/channel.ts";
import type { CounterGroup } from "../core/counters.ts";
import type { Event } from "../core/event.ts";

/** "committing" lasts while a commit waits for room; nothing else may touch the transaction. */
type TxState = "new" | "open" | "committing" | "completed" | "closed";

/** What a staged transaction needs of its channel. */
export interface StagedChannel {
  /** Most events one transaction puts or takes. */
  readonly transactionCapacity: number;
  /** Where the put and take counters go. */
  readonly counters: CounterGroup;
}

/**
 * A transaction that stages its puts and takes until commit() hands them to
 * the channel, as Flume's BasicTransactionSemantics: the state machine, the
 * transactionCapacity checks and the attempt and success counters. A channel
 * implements the hooks that take, commit and roll back; `T` is what it
 * records of a take.
 */
export abstract class StagedTransaction<T> implements Transaction {
  readonly #flumeName: string;
  readonly #channel: StagedChannel;
  #state: TxState = "new";
  #puts: Event[] = [];
  #takes: T[] = [];
  #putAttempts = 0;
  #takeAttempts = 0;

  /** A new transaction of `channel`, named in errors as Flume's class `flumeName`. */
  constructor(flumeName: string, channel: StagedChannel) {
    this.#flumeName = flumeName;
    this.#channel = channel;
  }

  begin(): void {
    if (this.#state !== "new") throw new ChannelError(`Transaction already ${this.#state}`);
    this.onBegin();
    this.#state = "open";
  }

  put(event: Event): void {
    this.#requireOpen("put");
    this.#putAttempts++;
    if (this.#puts.length >= this.#channel.transactionCapacity) {
      throw new ChannelError(
        `Put queue for ${this.#flumeName} of capacity ${this.#channel.transactionCapacity} ` +
          `full, consider committing more frequently, increasing capacity or increasing ` +
          `thread count`,
      );
    }
    this.#puts.push(event);
    this.onPut(event);
  }

  putAll(events: readonly Event[]): void {
    for (const event of events) this.put(event);
  }

  take(): Event | undefined {
    this.#requireOpen("take");
    this.#takeAttempts++;
    if (this.#takes.length >= this.#channel.transactionCapacity) {
      throw new ChannelError(
        `Take list for ${this.#flumeName}, capacity ${this.#channel.transactionCapacity} ` +
          `full, consider committing more frequently, increasing capacity, or increasing ` +
          `thread count`,
      );
    }
    const taken = this.takeFromChannel();
    if (taken === undefined) return undefined;
    this.#takes.push(taken);
    return this.eventOf(taken);
  }

  async commit(): Promise<void> {
    this.#requireOpen("commit");
    this.#state = "committing";
    try {
      await this.commitToChannel(this.#puts, this.#takes);
    } catch (err) {
      this.#state = "open"; // refused: the caller rolls back
      throw err;
    }
    this.#state = "completed";
    const c = this.#channel.counters;
    c.add("EventPutSuccessCount", this.#puts.length);
    c.add("EventTakeSuccessCount", this.#takes.length);
    this.#finish();
  }

  rollback(): void {
    this.#requireOpen("rollback");
    this.rollbackInChannel(this.#takes);
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

  /** Runs in begin(), before the transaction opens; may throw to refuse it. */
  protected onBegin(): void {}

  /** Runs after `event` is staged by put(). */
  protected onPut(_event: Event): void {}

  /** Takes the channel's head event for this transaction, if any. */
  protected abstract takeFromChannel(): T | undefined;

  /** The event a take recorded as `taken`. */
  protected abstract eventOf(taken: T): Event;

  /** Hands the staged puts and takes to the channel; rejects to refuse the commit. */
  protected abstract commitToChannel(puts: readonly Event[], takes: readonly T[]): Promise<void>;

  /** Returns the takes to the channel. */
  protected abstract rollbackInChannel(takes: readonly T[]): void;

  /** Flushes the attempt counters and drops what was staged. */
  #finish(): void {
    const c = this.#channel.counters;
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
