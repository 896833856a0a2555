import { type Channel, ChannelError, type Transaction } from "../api/channel.ts";
import type { CounterGroup, SinkCounter } from "../api/counters.ts";
import type { Event } from "../api/event.ts";
import type { ComponentHealth } from "../api/health.ts";
import type { Status } from "../api/lifecycle.ts";
import type { Log } from "../api/log.ts";
import type { Delivery, Sink, SinkWriter } from "../api/sink.ts";
import { errorMessage } from "../util/errors.ts";

/**
 * The framework's side of every sink: one channel transaction per
 * process() — begin, take up to the writer's batchSize, hand a non-empty
 * batch to `deliver`, commit or roll back as it answers, close — and
 * Flume's sink counters. A channel error counts ChannelReadFail, a failed
 * delivery EventWriteFail; either rolls the batch back and throws, so that
 * the runner backs off. A short batch answers IDLE. It also counts its
 * failed batches in a row (a throw or a rollback; a commit of a non-empty
 * batch ends the run), for `/health`.
 */
export class BatchSink implements Sink {
  readonly name: string;
  readonly channel: Channel;
  readonly counters: CounterGroup<SinkCounter>;
  readonly writer: SinkWriter;
  readonly #log: Log;
  #failures = 0;
  #lastError: string | undefined;

  /** `writer` draining `channel`. */
  constructor(
    name: string,
    channel: Channel,
    writer: SinkWriter,
    options: { counters: CounterGroup<SinkCounter>; log: Log },
  ) {
    this.name = name;
    this.channel = channel;
    this.writer = writer;
    this.counters = options.counters;
    this.#log = options.log;
  }

  /** The most events one transaction takes. */
  get batchSize(): number {
    return this.writer.batchSize;
  }

  async start(): Promise<void> {
    await this.writer.start?.();
  }

  async stop(): Promise<void> {
    await this.writer.stop?.();
  }

  health(): ComponentHealth {
    return { consecutiveFailures: this.#failures, lastError: this.#lastError };
  }

  async process(): Promise<Status> {
    const c = this.counters;
    const batchSize = this.writer.batchSize;
    this.writer.beforeTake?.();
    const tx = this.channel.getTransaction();
    let events: Event[] = [];
    let open = false;
    let delivered = false;
    try {
      tx.begin();
      open = true;
      events = takeBatch(tx, batchSize);
      let delivery: Delivery = { outcome: "commit", drained: 0, attempted: 0 };
      if (events.length > 0) {
        try {
          delivery = await this.writer.deliver(events);
        } catch (err) {
          c.add("EventDrainAttemptCount", events.length);
          throw err;
        }
        delivered = true;
      }
      c.add("EventDrainAttemptCount", delivery.attempted ?? events.length);
      if (delivery.outcome === "commit") await tx.commit();
      else tx.rollback();
      const committed = delivery.outcome === "commit";
      c.add("EventDrainSuccessCount", delivery.drained ?? (committed ? events.length : 0));
      if (delivery.failed) c.add("EventWriteFail", delivery.failed);
      countBatch(c, events.length, batchSize);
      if (!committed) {
        const why = delivery.reason ?? "the sink rolled them back";
        this.#failed(
          `${why}; the ${events.length} event(s) stay in channel "${this.channel.name}"`,
        );
      } else if (events.length > 0) this.#failures = 0;
      if (delivery.backoff ?? !committed) return "BACKOFF";
      return events.length < batchSize ? "IDLE" : "READY";
    } catch (err) {
      if (open) tx.rollback();
      const failure = this.#failure(err, events.length, delivered);
      this.#failed(failure.message);
      throw failure;
    } finally {
      tx.close();
    }
  }

  /** Counts one more failed batch in a row, for health. */
  #failed(cause: string): void {
    this.#failures++;
    this.#lastError = cause;
  }

  /**
   * Counts a failed transaction as Flume does (ChannelReadFail for a
   * channel's error, else EventWriteFail) and says what happened to the events.
   */
  #failure(err: unknown, count: number, delivered: boolean): Error {
    const channelFailed = err instanceof ChannelError;
    this.counters.add(channelFailed ? "ChannelReadFail" : "EventWriteFail");
    const channel = `channel "${this.channel.name}"`;
    if (delivered && channelFailed) {
      this.#log.warn(
        `${count} event(s) were delivered but ${channel} did not commit their take: ` +
          `they will be delivered again`,
      );
      return new Error(
        `Failed to commit ${count} event(s) taken from ${channel}: ${errorMessage(err)}`,
        { cause: err },
      );
    }
    if (channelFailed) {
      return new Error(`Failed to take events from ${channel}: ${errorMessage(err)}`, {
        cause: err,
      });
    }
    return new Error(`${errorMessage(err)}; the ${count} event(s) stay in ${channel}`, {
      cause: err,
    });
  }
}

/** Takes up to `max` events, in order, from an open transaction. */
export function takeBatch(tx: Transaction, max: number): Event[] {
  const events: Event[] = [];
  while (events.length < max) {
    const event = tx.take();
    if (event === undefined) break;
    events.push(event);
  }
  return events;
}

/** Counts a batch of `taken` events as Flume's SinkCounter does: empty, underflow or complete. */
export function countBatch(
  counters: CounterGroup<SinkCounter>,
  taken: number,
  batchSize: number,
): void {
  if (taken === 0) counters.add("BatchEmptyCount");
  else if (taken < batchSize) counters.add("BatchUnderflowCount");
  else counters.add("BatchCompleteCount");
}
