import { setImmediate } from "node:timers";
import type { ChannelProcessor } from "../../core/channel_processor.ts";
import type { Clock } from "../../core/clock.ts";
import type { CounterGroup } from "../../core/counters.ts";
import type { Event } from "../../core/event.ts";
import type { Log } from "../../core/log.ts";
import { Queue } from "../../core/queue.ts";

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
 * in order, and the put is retried with backoff; past `capacity` the newest
 * are dropped, counted (EventDroppedCount and ChannelWriteFail) and logged
 * at most every `warnEveryMs`. Events that arrive in one tick go to the
 * channel in one batch.
 */
export class Backlog {
  readonly #processor: ChannelProcessor;
  readonly #options: BacklogOptions;
  readonly #queue: Queue<Event> = new Queue(1024);
  #inflight = 0;
  #delivering: Promise<void> | undefined;
  #scheduled = false;
  #stop = new AbortController();
  #droppedSinceWarning = 0;
  #lastWarning = -Infinity;

  /** A backlog feeding `processor`. */
  constructor(processor: ChannelProcessor, options: BacklogOptions) {
    this.#processor = processor;
    this.#options = options;
  }

  /** Events waiting, including a batch being put. */
  get size(): number {
    return this.#queue.length + this.#inflight;
  }

  /** Queues an event for the channel; false when it was dropped (backlog full). */
  push(event: Event): boolean {
    if (this.#queue.length + this.#inflight >= this.#options.capacity) {
      this.#drop(1);
      return false;
    }
    this.#queue.push(event);
    if (!this.#delivering && !this.#scheduled) {
      this.#scheduled = true;
      setImmediate(() => {
        this.#scheduled = false;
        if (!this.#delivering && !this.#stop.signal.aborted) this.#delivering = this.#deliver();
      });
    }
    return true;
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
    this.#delivering = undefined;
    let left = 0;
    while (this.#queue.length > 0) {
      const batch = this.#take();
      try {
        await this.#processor.processEventBatch(batch);
        this.#accepted(batch.length);
      } catch (err) {
        left = batch.length + this.#queue.length;
        this.#options.log.error(
          `Channel refused events at shutdown: dropping ${left} event(s): ${describe(err)}`,
        );
        this.#inflight = 0;
        this.#queue.unshiftAll(batch);
        while (this.#queue.length > 0) this.#queue.shift();
        this.#drop(left, false);
        break;
      }
    }
    return left;
  }

  async #deliver(): Promise<void> {
    const { clock, counters, log } = this.#options;
    const base = this.#options.retryMs ?? 100;
    const max = this.#options.maxRetryMs ?? 5000;
    let failures = 0;
    try {
      while (this.#queue.length > 0 && !this.#stop.signal.aborted) {
        const batch = this.#take();
        try {
          await this.#processor.processEventBatch(batch);
          this.#accepted(batch.length);
          failures = 0;
        } catch (err) {
          this.#inflight = 0;
          this.#queue.unshiftAll(batch);
          counters.add("ChannelWriteFail");
          const wait = Math.min(base * 2 ** failures, max);
          failures++;
          if (failures === 1 || wait === max) {
            log.warn(
              `Channel refused ${batch.length} event(s), ${this.size} waiting in the backlog; ` +
                `retrying in ${wait} ms: ${describe(err)}`,
            );
          }
          await clock.sleep(wait, this.#stop.signal);
        }
        // Let the socket deliver more messages between batches.
        if (this.#queue.length > 0) await new Promise((resolve) => setImmediate(resolve));
      }
    } finally {
      this.#delivering = undefined;
    }
  }

  #take(): Event[] {
    const n = Math.min(this.#queue.length, this.#processor.maxBatch);
    const batch = new Array<Event>(n);
    for (let i = 0; i < n; i++) batch[i] = this.#queue.shift() as Event;
    this.#inflight = n;
    return batch;
  }

  #accepted(n: number): void {
    this.#inflight = 0;
    const c = this.#options.counters;
    c.add("EventAcceptedCount", n);
    c.add("AppendBatchAcceptedCount");
  }

  #drop(n: number, warn = true): void {
    const { counters, log, clock } = this.#options;
    counters.add("EventDroppedCount", n);
    counters.add("ChannelWriteFail", n);
    this.#droppedSinceWarning += n;
    const now = clock.now();
    if (warn && now - this.#lastWarning >= (this.#options.warnEveryMs ?? 10_000)) {
      log.warn(
        `Backlog full (${this.#options.capacity} events) while the channel is full: dropped ` +
          `${this.#droppedSinceWarning} event(s) since the last warning, ` +
          `${counters.get("EventDroppedCount")} in all`,
      );
      this.#droppedSinceWarning = 0;
      this.#lastWarning = now;
    }
  }
}

function describe(err: unknown): string {
  return err instanceof Error ? err.message : String(err);
}
