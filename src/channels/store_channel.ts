import { type Channel, ChannelError, ChannelFullError, type Transaction } from "../api/channel.ts";
import type { Clock } from "../api/clock.ts";
import type { ChannelCounter, CounterGroup } from "../api/counters.ts";
import type { Event } from "../api/event.ts";
import { StagedTransaction } from "./staged_transaction.ts";
import { WakeSet } from "./wake_set.ts";

/**
 * Where a channel keeps its events: the seam between the transaction
 * semantics every channel shares and the storage that differs. `T` is
 * what a take records (an event, or an event with its row number).
 * Commits, opening and closing may be asynchronous, so storage can move
 * off the main thread without changing the seam; a take is synchronous
 * against what the store has read ahead, and `whenReadable` waits for more.
 */
export interface ChannelStore<T> {
  /** Events held, including those taken by transactions not yet committed. */
  readonly count: number;
  /** Events a take could get now. */
  readonly takeable: number;
  /** Opens the storage (files, locks). */
  open(): Promise<void>;
  /** Closes it; takes not committed are delivered again after the next open. */
  close(): Promise<void>;
  /** Takes the head event, if any. */
  take(): T | undefined;
  /** The event a take recorded. */
  eventOf(taken: T): Event;
  /** A reason the commit cannot happen now beyond the event count (bytes, disk space), or undefined. */
  refusal?(puts: readonly Event[], takes: readonly T[]): string | undefined;
  /** Whether the puts fit beside the count limit (byteCapacity); waits for room when not. @default true */
  fits?(puts: readonly Event[], takes: readonly T[]): boolean;
  /** Makes the puts visible and the takes final, in one step. */
  commit(puts: readonly Event[], takes: readonly T[]): Promise<void> | void;
  /** Returns taken events to the head, in their original order. */
  rollback(takes: readonly T[]): void;
  /**
   * Starts reading more events into memory when takes would soon find none
   * (a store whose reads are asynchronous); `whenReadable` calls it.
   */
  readAhead?(): void;
  /** Gives the store the function that wakes waiting takers when its reads bring events. */
  onReadable?(wake: () => void): void;
}

/** The sizes and names of a StoreChannel. */
export interface StoreChannelOptions {
  readonly capacity: number;
  readonly transactionCapacity: number;
  /** Milliseconds a commit waits for room before ChannelFullError. */
  readonly keepAliveMs: number;
  /** Flume's transaction class name, for its messages ("MemoryTransaction"). */
  readonly transactionName: string;
  /** Flume's ChannelFullException message for this channel, before the sizes. */
  readonly fullMessage: string;
  readonly clock: Clock;
  /** Usable before start() and after stop(), as Flume's memory channel. @default false */
  readonly alwaysOpen?: boolean;
}

/**
 * Flume's channel semantics over any ChannelStore: transactions staged
 * until commit, a commit that needs room waiting up to keep-alive for a
 * take to free it (then ChannelFullError; nothing is dropped), readers
 * woken on every put, and the size gauges. A transaction begun before the
 * channel was stopped and started again is refused.
 */
export class StoreChannel<T> implements Channel {
  readonly name: string;
  readonly counters: CounterGroup<ChannelCounter>;
  readonly capacity: number;
  readonly transactionCapacity: number;
  readonly keepAliveMs: number;
  readonly #store: ChannelStore<T>;
  readonly #clock: Clock;
  readonly #options: StoreChannelOptions;
  readonly #roomWaiters: WakeSet = new WakeSet();
  readonly #readers: WakeSet = new WakeSet();
  /** Changes at every start: a transaction belongs to the session it began in. */
  #session: object | undefined;
  #opened = false;
  /** Puts of commits under way: room they claimed while the store commits (it may be async). */
  #reserved = 0;
  /** How often stop() ran: a commit waiting for room gives up when the channel stops. */
  #stops = 0;

  /** A channel over `store`. */
  constructor(
    name: string,
    counters: CounterGroup<ChannelCounter>,
    store: ChannelStore<T>,
    options: StoreChannelOptions,
  ) {
    this.name = name;
    this.counters = counters;
    this.capacity = options.capacity;
    this.transactionCapacity = options.transactionCapacity;
    this.keepAliveMs = options.keepAliveMs;
    this.#store = store;
    this.#clock = options.clock;
    this.#options = options;
    // A memory channel works before start(), as Flume's does in its tests.
    if (options.alwaysOpen) this.#session = {};
    store.onReadable?.(() => this.#readers.wakeAll());
    counters.set("ChannelCapacity", this.capacity);
    counters.gauge("ChannelSize", () => this.size());
    counters.gauge("ChannelFillPercentage", () => (this.size() * 100) / this.capacity);
  }

  async start(): Promise<void> {
    if (this.#opened) return;
    await this.#store.open();
    this.#opened = true;
    if (!this.#options.alwaysOpen || !this.#session) this.#session = {};
  }

  async stop(): Promise<void> {
    const wasOpen = this.#opened;
    this.#opened = false;
    this.#stops++;
    if (!this.#options.alwaysOpen) this.#session = undefined;
    this.#roomWaiters.wakeAll();
    this.#readers.wakeAll();
    if (wasOpen) await this.#store.close();
  }

  getTransaction(): Transaction {
    let session: object | undefined;
    const store = this.#store;
    return new StagedTransaction<T>({
      flumeName: this.#options.transactionName,
      transactionCapacity: this.transactionCapacity,
      counters: this.counters,
      begin: () => {
        session = this.#require(undefined);
      },
      take: () => {
        this.#require(session);
        return store.take();
      },
      eventOf: (taken) => store.eventOf(taken),
      commit: (puts, takes) => this.#commit(session!, puts, takes),
      rollback: (takes) => {
        if (takes.length === 0 || session !== this.#session) return;
        store.rollback(takes);
        this.#readers.wakeAll();
      },
    });
  }

  size(): number {
    return this.#store.count;
  }

  room(): number {
    return Math.max(0, this.capacity - this.#store.count - this.#reserved);
  }

  whenReadable(signal: AbortSignal): Promise<void> {
    if (this.#store.takeable > 0) return Promise.resolve();
    this.#store.readAhead?.();
    return this.#readers.wait(signal);
  }

  /** Commits puts and takes once there is room, waiting up to keep-alive. */
  async #commit(session: object, puts: readonly Event[], takes: readonly T[]): Promise<void> {
    this.#require(session);
    const store = this.#store;
    const fits = (): boolean =>
      store.count + this.#reserved - takes.length + puts.length <= this.capacity &&
      (store.fits?.(puts, takes) ?? true);
    if (puts.length > 0 && !fits()) {
      const deadline = this.#clock.now() + this.keepAliveMs;
      const stops = this.#stops;
      // The last fits() and the commit below run with no await between them, so
      // two commits woken by the same take cannot both claim the room it freed.
      do {
        await this.#waitForRoom(deadline);
        this.#require(session);
        if (this.#stops !== stops) {
          // A channel usable while stopped (memory) keeps its session: end the wait anyway.
          throw new ChannelError(`Channel "${this.name}" stopped while a commit waited for room`);
        }
      } while (!fits());
    }
    const refusal = puts.length > 0 ? store.refusal?.(puts, takes) : undefined;
    if (refusal !== undefined) throw new ChannelError(refusal);
    // A store that commits asynchronously claims the room until it is done, so
    // that a second commit meanwhile sees it taken; a synchronous one is done.
    const committing = store.commit(puts, takes);
    if (committing instanceof Promise) {
      this.#reserved += puts.length;
      try {
        await committing;
      } finally {
        this.#reserved -= puts.length;
      }
    }
    if (takes.length > 0) this.#roomWaiters.wakeAll();
    if (puts.length > 0) this.#readers.wakeAll();
  }

  /** The current session, which must be `session` when one is given. */
  #require(session: object | undefined): object {
    const current = this.#session;
    if (!current) throw new ChannelError(`Channel "${this.name}" is not open`);
    if (session !== undefined && session !== current) {
      throw new ChannelError(`Channel "${this.name}" was reopened since this transaction began`);
    }
    return current;
  }

  /**
   * Waits until a committed take may have freed room, or until `deadline`;
   * throws ChannelFullError once the deadline has passed. The caller checks
   * for room again after every wait.
   */
  async #waitForRoom(deadline: number): Promise<void> {
    const left = deadline - this.#clock.now();
    if (left <= 0) {
      throw new ChannelFullError(
        `${this.#options.fullMessage}: channel "${this.name}" holds ` +
          `${this.size()} of ${this.capacity} events`,
      );
    }
    await this.#roomWaiters.sleep(this.#clock, left);
  }
}
