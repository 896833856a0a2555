import { setImmediate } from "node:timers";
import type { Channel } from "../api/channel.ts";
import type { Clock } from "../api/clock.ts";
import type { CounterGroup, SenderCounter, SourceCounter } from "../api/counters.ts";
import type { Event } from "../api/event.ts";
import type { Log } from "../api/log.ts";
import type { SourceSender } from "../api/source.ts";
import { Backoff } from "../util/backoff.ts";
import { errorMessage } from "../util/errors.ts";
import { Queue } from "../util/queue.ts";
import { BatchPutError, type ChannelProcessor } from "./channel_processor.ts";

/** Events that make a batch worth handing over at once, without waiting for the tick's end. */
const MIN_FLUSH_AT = 512;
/** A put slower than this (a durable channel's fsync) makes the next batches bigger. */
const SLOW_PUT_MS = 2;

/** Collaborators and limits of a Sender. */
export interface SenderOptions {
  /** Events held at most, including the batch being put (`backlogCapacity`). */
  readonly capacity: number;
  readonly counters: CounterGroup<SourceCounter | SenderCounter>;
  readonly log: Log;
  readonly clock: Clock;
  /** First wait after a refused put; doubles up to maxRetryMs. @default 100 */
  readonly retryMs?: number;
  /** @default 5000 */
  readonly maxRetryMs?: number;
  /** Least time between two drop warnings. @default 10000 */
  readonly warnEveryMs?: number;
}

/** A sendBatch() waiting for its last event to be accepted. */
interface Waiter {
  readonly upTo: number;
  readonly resolve: (accepted: boolean) => void;
}

/**
 * The framework's SourceSender: holds a source's events until the channels
 * accept them, in order. A batch goes to the channels in one transaction
 * each; when a required channel has room for only part of it, the part
 * that fits goes now and the rest waits its turn. A refused batch is
 * retried with backoff on exactly the channels that have not committed it,
 * so none gets it twice. Past `capacity` the newest events are dropped,
 * counted (EventDroppedCount and ChannelWriteFail) and logged: at once,
 * then in one summary per `warnEveryMs`. Events that arrive in one tick go
 * to the channels in one batch.
 */
export class Sender implements SourceSender {
  readonly #processor: ChannelProcessor;
  readonly #options: SenderOptions;
  readonly #queue: Queue<Event> = new Queue(1024);
  readonly #received;
  /** The batch being put, kept as it is until every channel took it. */
  #batch: Event[] | undefined;
  readonly #committed = new Set<Channel>();
  #delivering: Promise<void> | undefined;
  /** A put of the current batch is under way (the channels have not answered it yet). */
  #putting = false;
  #scheduled = false;
  /** Aborted at close: no new events, waits for room end. */
  readonly #stop = new AbortController();
  /** Aborted when the sender stops putting: at close, or once its hand-over ends. */
  readonly #halt = new AbortController();
  /** Set by handOverUntil(): close() goes on putting the backlog until this aborts. */
  #handOver: AbortSignal | undefined;
  #closing: Promise<number> | undefined;
  #unreported = 0;
  /**
   * How many waiting events start a put during a flood: MIN_FLUSH_AT, grown
   * (up to the channels' transaction size) while puts are slow, so that a
   * durable channel pays its fsync for big batches, not for many small ones.
   */
  #flushAt = MIN_FLUSH_AT;
  #lastWarning = -Infinity;
  #summary: Promise<void> | undefined;
  /** Events ever queued, and ever accepted: sendBatch() waits on these. */
  #queuedTotal = 0;
  #acceptedTotal = 0;
  #waiters: Waiter[] = [];
  /** The last tryBatch(): the next one starts after it. */
  #trying: Promise<void> = Promise.resolve();
  /** Woken at every accepted batch and at close: room may have been made. */
  #wakers: (() => void)[] = [];

  /** A sender feeding `processor`. */
  constructor(processor: ChannelProcessor, options: SenderOptions) {
    this.#processor = processor;
    this.#options = options;
    this.#received = options.counters.cell("EventReceivedCount");
  }

  get size(): number {
    return this.#queue.length + (this.#batch?.length ?? 0);
  }

  get paused(): boolean {
    return this.size >= this.#options.capacity;
  }

  async whenResumed(signal?: AbortSignal): Promise<void> {
    while (this.paused && !this.#stop.signal.aborted && !signal?.aborted) {
      await this.#progress(signal);
    }
  }

  send(event: Event): boolean {
    this.#received.value++;
    if (this.size >= this.#options.capacity || this.#stop.signal.aborted) {
      this.#drop(1);
      return false;
    }
    if (this.#processor.intercepts) {
      for (const kept of this.#processor.intercept([event])) this.#enqueue(kept);
    } else {
      this.#enqueue(event);
    }
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

  /**
   * Waits until the whole batch fits in the backlog (or the backlog is
   * empty: a batch larger than the backlog then goes alone), queues all of
   * it, and starts delivering it at once, so that a batch that fits the
   * channels goes in one transaction. Never drops while the sender is open.
   */
  async sendBatch(events: readonly Event[]): Promise<boolean> {
    const room = (): number => this.#options.capacity - this.size;
    while (!this.#stop.signal.aborted && this.size > 0 && room() < events.length) {
      await this.#progress();
    }
    this.#received.value += events.length;
    if (this.#stop.signal.aborted) {
      this.#options.log.error(
        `Source stopping: ${events.length} event(s) sent after the sender closed were dropped`,
      );
      this.#drop(events.length, false);
      return false;
    }
    const kept = this.#processor.intercepts ? this.#processor.intercept(events) : events;
    for (const event of kept) this.#enqueue(event);
    if (this.#acceptedTotal >= this.#queuedTotal) return true;
    this.#delivering ??= this.#deliver(true);
    const { promise, resolve } = Promise.withResolvers<boolean>();
    this.#waiters.push({ upTo: this.#queuedTotal, resolve });
    return promise;
  }

  tryBatch(events: readonly Event[]): Promise<boolean> {
    const result = this.#trying.then(() => this.#tryNow(events));
    this.#trying = result.then(() => {}, () => {});
    return result;
  }

  /** One tryBatch(): the whole batch in one put when it fits now, else nothing. */
  async #tryNow(events: readonly Event[]): Promise<boolean> {
    const { counters, log } = this.#options;
    this.#received.value += events.length;
    counters.add("AppendBatchReceivedCount");
    const kept = this.#stop.signal.aborted
      ? undefined
      : this.#processor.intercepts
      ? this.#processor.intercept(events)
      : events;
    const room = Math.min(this.#processor.maxBatch, this.#processor.room());
    if (kept === undefined || this.size > 0 || kept.length > room) {
      counters.add("ChannelWriteFail");
      return false;
    }
    try {
      await this.#processor.processEventBatch(kept);
    } catch (err) {
      counters.add("ChannelWriteFail");
      log.warn(`Channel refused a batch of ${kept.length} event(s): ${errorMessage(err)}`);
      return false;
    }
    counters.add("EventAcceptedCount", kept.length);
    counters.add("AppendBatchAcceptedCount");
    return true;
  }

  #enqueue(event: Event): void {
    this.#queue.push(event);
    this.#queuedTotal++;
  }

  /** Resolves at the next accepted batch, at close, or when `signal` aborts. */
  #progress(signal?: AbortSignal): Promise<void> {
    return new Promise((resolve) => {
      const done = (): void => {
        signal?.removeEventListener("abort", done);
        this.#wakers = this.#wakers.filter((w) => w !== done);
        resolve();
      };
      this.#wakers.push(done);
      signal?.addEventListener("abort", done, { once: true });
    });
  }

  #wake(): void {
    const wakers = this.#wakers;
    this.#wakers = [];
    for (const wake of wakers) wake();
  }

  /**
   * Makes {@linkcode Sender.close} go on putting the backlog into the
   * channels, with retries, while the sinks drain them, until the backlog
   * is empty or `signal` aborts (the agent's drain timeout), instead of
   * waiting for the put in progress and trying once more. Call it before
   * close().
   */
  handOverUntil(signal: AbortSignal): void {
    this.#handOver = signal;
  }

  /**
   * Takes no more events and hands the backlog over: by default it waits
   * for a put in progress, then tries once more; after
   * {@linkcode Sender.handOverUntil} it goes on until that signal. What the
   * channels have not accepted then is dropped, counted and logged; returns
   * that count. Calling it again returns the same answer.
   */
  close(): Promise<number> {
    return this.#closing ??= this.#handOver
      ? this.#closeHandingOver(this.#handOver)
      : this.#close();
  }

  async #close(): Promise<number> {
    this.#stop.abort();
    this.#halt.abort();
    this.#wake();
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
    this.#finishClose();
    return left;
  }

  /**
   * close() after handOverUntil(): puts the backlog, retrying, until it is
   * empty or `until` aborts; then drops what is left without waiting for a
   * put in progress (a commit that waits for room can wait keep-alive
   * seconds): that put's events are counted when it ends, accepted or
   * dropped.
   */
  async #closeHandingOver(until: AbortSignal): Promise<number> {
    this.#stop.abort();
    this.#wake();
    if (!until.aborted) {
      const ended = Promise.withResolvers<void>();
      const onEnd = (): void => ended.resolve();
      until.addEventListener("abort", onEnd, { once: true });
      try {
        while (this.size > 0 && !until.aborted) {
          this.#delivering ??= this.#deliver(true);
          await Promise.race([this.#delivering, ended.promise]);
        }
      } finally {
        until.removeEventListener("abort", onEnd);
      }
    }
    this.#halt.abort();
    while (this.#scheduled) await new Promise((resolve) => setImmediate(resolve));
    await this.#summary;
    // Between two puts the loop ends at once now that it is halted.
    if (!this.#putting) await this.#delivering;
    const putting = this.#putting ? this.#batch?.length ?? 0 : 0;
    const left = this.size - putting;
    if (left > 0) {
      while (this.#queue.length > 0) this.#queue.shift();
      if (!this.#putting) this.#batch = undefined;
      this.#options.log.error(
        `Drain timeout: dropped ${left} event(s) of the backlog that the channels had not ` +
          `accepted` +
          (putting > 0
            ? `; ${putting} more are in a put still under way: counted when it ends ` +
              `(lost if the agent exits first)`
            : ""),
      );
      this.#options.counters.add("EventDroppedCount", left);
      this.#options.counters.add("ChannelWriteFail", left);
    }
    if (putting > 0) void this.#settleLatePut(putting);
    this.#finishClose();
    return left;
  }

  /**
   * Counts the outcome of the put that was under way when the hand-over
   * ended: its events are accepted (logged) or dropped (counted and logged).
   */
  async #settleLatePut(putting: number): Promise<void> {
    const before = this.#acceptedTotal;
    await this.#delivering;
    const accepted = Math.min(putting, this.#acceptedTotal - before);
    const { log, counters } = this.#options;
    if (accepted > 0) {
      log.info(`${accepted} event(s) put at the drain timeout were accepted after all`);
    }
    const dropped = putting - accepted;
    if (dropped === 0) return;
    counters.add("EventDroppedCount", dropped);
    counters.add("ChannelWriteFail", dropped);
    log.error(`Stopping: dropped ${dropped} event(s) whose put the channels refused at shutdown`);
  }

  /** Reports drops not yet reported and answers the sendBatch() calls still waiting. */
  #finishClose(): void {
    if (this.#unreported > 0) this.#warnDrops();
    for (const waiter of this.#waiters) waiter.resolve(false);
    this.#waiters = [];
  }

  /** Delivers what is waiting after this turn of the event loop (a trickle). */
  #scheduleFlush(): void {
    if (this.#scheduled) return;
    this.#scheduled = true;
    setImmediate(() => {
      this.#scheduled = false;
      if (!this.#delivering && !this.#halt.signal.aborted && this.size > 0) {
        this.#delivering = this.#deliver(true);
      }
    });
  }

  /**
   * Puts the current batch (or the next one) on the channels that lack it.
   * A new batch is at most what every required channel has room for now
   * (at least one event, which then waits for room): the rest stays queued.
   */
  async #putNext(): Promise<void> {
    if (!this.#batch) {
      const room = this.#processor.room();
      const n = Math.max(1, Math.min(this.#queue.length, this.#processor.maxBatch, room));
      this.#batch = new Array<Event>(n);
      for (let i = 0; i < n; i++) this.#batch[i] = this.#queue.shift() as Event;
      this.#committed.clear();
      this.#options.counters.add("AppendBatchReceivedCount");
    }
    const started = this.#options.clock.now();
    this.#putting = true;
    try {
      await this.#processor.processEventBatch(this.#batch, { skip: this.#committed });
      const slow = this.#options.clock.now() - started >= SLOW_PUT_MS;
      this.#flushAt = slow
        ? Math.min(this.#flushAt * 2, this.#processor.maxBatch)
        : Math.max(MIN_FLUSH_AT, this.#flushAt >> 1);
    } catch (err) {
      if (err instanceof BatchPutError) { for (const c of err.committed) this.#committed.add(c); }
      throw err;
    } finally {
      this.#putting = false;
    }
    const c = this.#options.counters;
    c.add("EventAcceptedCount", this.#batch.length);
    c.add("AppendBatchAcceptedCount");
    const accepted = this.#batch.length;
    this.#batch = undefined;
    this.#accepted(accepted);
  }

  /** Wakes the sendBatch() calls whose events are all accepted, and paused sources. */
  #accepted(n: number): void {
    this.#acceptedTotal += n;
    if (this.#waiters.length > 0) {
      const done = this.#waiters.filter((w) => w.upTo <= this.#acceptedTotal);
      this.#waiters = this.#waiters.filter((w) => w.upTo > this.#acceptedTotal);
      for (const waiter of done) waiter.resolve(true);
    }
    if (this.#wakers.length > 0) this.#wake();
  }

  /**
   * Puts batches until the backlog is empty, or, in a flood (`all` false),
   * until fewer than the flush threshold wait: the rest go at the next flush.
   */
  async #deliver(all = false): Promise<void> {
    const { clock, counters, log } = this.#options;
    const backoff = new Backoff({
      initialMs: this.#options.retryMs ?? 100,
      maxMs: this.#options.maxRetryMs ?? 5000,
    });
    try {
      while (this.size > 0 && !this.#halt.signal.aborted) {
        if (!all && !this.#batch && this.#queue.length < this.#flushAt) {
          this.#scheduleFlush();
          break;
        }
        try {
          await this.#putNext();
          backoff.reset();
        } catch (err) {
          counters.add("ChannelWriteFail");
          if (this.#halt.signal.aborted) break; // closing: close() says what became of them
          this.#shrinkToRoom();
          const wait = backoff.next();
          if (backoff.failures === 1 || wait === (this.#options.maxRetryMs ?? 5000)) {
            log.warn(
              `Channel refused ${this.#batch?.length ?? 0} event(s), ${this.size} waiting in ` +
                `the backlog; retrying in ${wait} ms: ${errorMessage(err)}`,
            );
          }
          await clock.sleep(wait, this.#halt.signal);
        }
      }
    } finally {
      this.#delivering = undefined;
    }
  }

  /**
   * After a refused put that no channel committed yet: keep in the batch
   * only what the channels have room for now (at least one event) and put
   * the rest back at the head of the queue, in order, so that the next try
   * puts what fits instead of all or nothing.
   */
  #shrinkToRoom(): void {
    const batch = this.#batch;
    if (!batch || batch.length <= 1 || this.#committed.size > 0) return;
    const keep = Math.max(1, Math.min(batch.length, this.#processor.room()));
    if (keep === batch.length) return;
    this.#queue.unshiftAll(batch.slice(keep));
    this.#batch = batch.slice(0, keep);
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
