import { setImmediate } from "node:timers";
import type { Channel } from "../../core/channel.ts";
import { BatchPutError, type ChannelProcessor } from "../../core/channel_processor.ts";
import type { Clock } from "../../core/clock.ts";
import type { CounterGroup } from "../../core/counters.ts";
import { errorMessage } from "../../core/errors.ts";
import type { Event } from "../../core/event.ts";
import type { Log } from "../../core/log.ts";
import { Queue } from "../../core/queue.ts";

/** Events that make a batch worth handing over at once, without waiting for the tick's end. */
const MIN_FLUSH_AT = 512;
/** A put slower than this (a durable channel's fsync) makes the next batches bigger. */
const SLOW_PUT_MS = 2;

/** Collaborators and limits of a Backlog. */
export interface BacklogOptions {
  /** Events held at most, including the batch being put. */
  readonly capacity: number;
  readonly counters: CounterGroup;
  readonly log: Log;
  readonly clock: Clock;
  /** First wait after a refused put; doubles up to maxRetryMs. @default 100 */
  readonly retryMs?: number;
  /** @default 5000 */
  readonly maxRetryMs?: number;
  /** Least time between two drop warnings. @default 10000 */
  readonly warnEveryMs?: number;
}

/**
 * Holds a push source's events until the channels accept them. A socket
 * cannot be paused, so events arriving while the channel is full wait here,
 * in order, and the put is retried with backoff — on the channels that have
 * not committed the batch yet, so none gets it twice. Past `capacity` the
 * newest are dropped, counted (EventDroppedCount and ChannelWriteFail) and
 * logged: at once, then in one summary per `warnEveryMs`. Events that arrive
 * in one tick go to the channel in one batch.
 */
export class Backlog {
  readonly #processor: ChannelProcessor;
  readonly #options: BacklogOptions;
  readonly #queue: Queue<Event> = new Queue(1024);
  /** The batch being put, kept as it is until every channel took it. */
  #batch: Event[] | undefined;
  readonly #committed = new Set<Channel>();
  #delivering: Promise<void> | undefined;
  #scheduled = false;
  readonly #stop = new AbortController();
  #unreported = 0;
  /**
   * How many waiting events start a put during a flood: MIN_FLUSH_AT, grown
   * (up to the channels' transaction size) while puts are slow, so that a
   * durable channel pays its fsync for big batches, not for many small ones.
   */
  #flushAt = MIN_FLUSH_AT;
  #lastWarning = -Infinity;
  #summary: Promise<void> | undefined;

  /** A backlog feeding `processor`. */
  constructor(processor: ChannelProcessor, options: BacklogOptions) {
    this.#processor = processor;
    this.#options = options;
  }

  /** Events waiting, including a batch being put. */
  get size(): number {
    return this.#queue.length + (this.#batch?.length ?? 0);
  }

  /** Queues an event for the channel; false when it was dropped (backlog full). */
  push(event: Event): boolean {
    if (this.size >= this.#options.capacity || this.#stop.signal.aborted) {
      this.#drop(1);
      return false;
    }
    this.#queue.push(event);
    if (this.#delivering) return true; // the loop takes it with the next batch
    if (this.#queue.length >= this.#flushAt) {
      // A flood: Deno delivers buffered frames back to back in microtasks and
      // timers wait until the socket runs dry, so hand batches over now.
      this.#delivering = this.#deliver();
    } else {
      this.#scheduleFlush();
    }
    return true;
  }

  /** Delivers what is waiting after this turn of the event loop (a trickle). */
  #scheduleFlush(): void {
    if (this.#scheduled) return;
    this.#scheduled = true;
    setImmediate(() => {
      this.#scheduled = false;
      if (!this.#delivering && !this.#stop.signal.aborted && this.size > 0) {
        this.#delivering = this.#deliver(true);
      }
    });
  }

  /**
   * Stops retrying: waits for a put in progress, then tries once more to
   * hand over what is left. What the channel still refuses is dropped,
   * counted and logged; returns that count.
   */
  async close(): Promise<number> {
    this.#stop.abort();
    await this.#delivering;
    while (this.#scheduled) await new Promise((resolve) => setImmediate(resolve));
    await this.#summary;
    let left = 0;
    while (this.size > 0) {
      try {
        await this.#putNext();
      } catch (err) {
        left = this.size;
        this.#batch = undefined;
        while (this.#queue.length > 0) this.#queue.shift();
        this.#options.log.error(
          `Channel refused events at shutdown: dropped ${left} event(s): ${errorMessage(err)}`,
        );
        this.#drop(left, false);
        break;
      }
    }
    if (this.#unreported > 0) this.#warnDrops();
    return left;
  }

  /** Puts the current batch (or the next one) on the channels that lack it. */
  async #putNext(): Promise<void> {
    if (!this.#batch) {
      const n = Math.min(this.#queue.length, this.#processor.maxBatch);
      this.#batch = new Array<Event>(n);
      for (let i = 0; i < n; i++) this.#batch[i] = this.#queue.shift() as Event;
      this.#committed.clear();
      this.#options.counters.add("AppendBatchReceivedCount");
    }
    const started = this.#options.clock.now();
    try {
      await this.#processor.processEventBatch(this.#batch, { skip: this.#committed });
      const slow = this.#options.clock.now() - started >= SLOW_PUT_MS;
      this.#flushAt = slow
        ? Math.min(this.#flushAt * 2, this.#processor.maxBatch)
        : Math.max(MIN_FLUSH_AT, this.#flushAt >> 1);
    } catch (err) {
      if (err instanceof BatchPutError) { for (const c of err.committed) this.#committed.add(c); }
      throw err;
    }
    const c = this.#options.counters;
    c.add("EventAcceptedCount", this.#batch.length);
    c.add("AppendBatchAcceptedCount");
    this.#batch = undefined;
  }

  /**
   * Puts batches until the backlog is empty, or, in a flood (`all` false),
   * until fewer than the flush threshold wait: the rest go at the next flush.
   */
  async #deliver(all = false): Promise<void> {
    const { clock, counters, log } = this.#options;
    const base = this.#options.retryMs ?? 100;
    const max = this.#options.maxRetryMs ?? 5000;
    let failures = 0;
    try {
      while (this.size > 0 && !this.#stop.signal.aborted) {
        if (!all && !this.#batch && this.#queue.length < this.#flushAt) {
          this.#scheduleFlush();
          break;
        }
        try {
          await this.#putNext();
          failures = 0;
        } catch (err) {
          counters.add("ChannelWriteFail");
          const wait = Math.min(base * 2 ** failures, max);
          failures++;
          if (failures === 1 || wait === max) {
            log.warn(
              `Channel refused ${this.#batch?.length ?? 0} event(s), ${this.size} waiting in ` +
                `the backlog; retrying in ${wait} ms: ${errorMessage(err)}`,
            );
          }
          await clock.sleep(wait, this.#stop.signal);
        }
      }
    } finally {
      this.#delivering = undefined;
    }
  }

  #drop(n: number, warn = true): void {
    const { counters, clock } = this.#options;
    counters.add("EventDroppedCount", n);
    counters.add("ChannelWriteFail", n);
    this.#unreported += n;
    if (!warn) return;
    const every = this.#options.warnEveryMs ?? 10_000;
    const wait = this.#lastWarning + every - clock.now();
    if (wait <= 0) this.#warnDrops();
    else if (!this.#summary) {
      // One summary at the end of the quiet period for what dropped meanwhile.
      this.#summary = clock.sleep(wait, this.#stop.signal).then(() => {
        this.#summary = undefined;
        if (this.#unreported > 0) this.#warnDrops();
      });
    }
  }

  #warnDrops(): void {
    const { counters, log, clock } = this.#options;
    log.warn(
      `Backlog full (${this.#options.capacity} events) while the channel is full: dropped ` +
        `${this.#unreported} event(s) since the last warning, ` +
        `${counters.get("EventDroppedCount")} in all`,
    );
    this.#unreported = 0;
    this.#lastWarning = clock.now();
  }
}
