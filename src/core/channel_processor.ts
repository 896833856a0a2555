import { type Channel, ChannelError } from "../api/channel.ts";
import type { Event } from "../api/event.ts";
import type { Interceptor } from "../api/interceptor.ts";
import type { Log } from "../api/log.ts";
import type { ChannelSelector } from "../api/selector.ts";
import { errorMessage } from "../util/errors.ts";

/**
 * A batch that some required channels committed and one refused. A caller
 * that retries passes `committed` as `skip`, so that channels that already
 * have the events do not get them twice.
 */
export class BatchPutError extends ChannelError {
  override name = "BatchPutError";
  /** Required channels that committed the batch before the failure. */
  readonly committed: readonly Channel[];

  /** An error for a batch refused after `committed` took it. */
  constructor(message: string, committed: readonly Channel[], options?: ErrorOptions) {
    super(message, options);
    this.committed = committed;
  }
}

/** Options of {@linkcode ChannelProcessor.processEventBatch}. */
export interface PutOptions {
  /** Channels that already committed this batch (a retry). */
  readonly skip?: ReadonlySet<Channel>;
}

/** Collaborators of a ChannelProcessor. */
export interface ChannelProcessorOptions {
  /** Applied in order to every batch before the selector. @default none */
  readonly interceptors?: readonly Interceptor[];
  /** Called with the number of events the interceptors dropped from a batch. */
  readonly onIntercepted?: (dropped: number) => void;
}

/**
 * Flume's ChannelProcessor: a source's interceptors, and the put of its
 * events into the channels its selector names, one transaction per
 * channel, required channels first. A failure on a required channel rolls
 * that transaction back and throws BatchPutError, so the sender keeps the
 * events and retries; optional channels only log. The sender runs the
 * interceptors once, when a source hands events over, so that a retried or
 * split batch is never intercepted twice.
 */
export class ChannelProcessor {
  readonly #selector: ChannelSelector;
  readonly #log: Log;
  readonly #interceptors: readonly Interceptor[];
  readonly #onIntercepted: (dropped: number) => void;
  /** The largest batch every channel accepts in one transaction. */
  readonly maxBatch: number;

  /** A processor over the selector's channels. */
  constructor(selector: ChannelSelector, log: Log, options: ChannelProcessorOptions = {}) {
    this.#selector = selector;
    this.#log = log;
    this.#interceptors = options.interceptors ?? [];
    this.#onIntercepted = options.onIntercepted ?? (() => {});
    this.maxBatch = Math.min(...selector.channels.map((c) => c.transactionCapacity));
  }

  /** True when the source has interceptors. */
  get intercepts(): boolean {
    return this.#interceptors.length > 0;
  }

  /** Runs the interceptors in order; reports how many events they left out. */
  intercept(events: readonly Event[]): readonly Event[] {
    let batch = events;
    for (const interceptor of this.#interceptors) batch = interceptor.intercept(batch);
    if (batch.length < events.length) this.#onIntercepted(events.length - batch.length);
    return batch;
  }

  /** Events the required channels can all take now without waiting (Infinity without any). */
  room(): number {
    const required = this.#selector.fixed?.required ?? this.#selector.channels;
    let room = Infinity;
    for (const channel of required) room = Math.min(room, channel.room());
    return room;
  }

  /** Puts one event; see processEventBatch. */
  processEvent(event: Event): Promise<void> {
    return this.processEventBatch([event]);
  }

  /**
   * Puts the events (already intercepted), in order, into every channel not
   * in `skip`. Resolves once every required channel committed them; throws
   * BatchPutError (naming the channels that did commit) otherwise.
   */
  async processEventBatch(events: readonly Event[], options: PutOptions = {}): Promise<void> {
    if (events.length === 0) return;
    const { required, optional } = this.#route(events);
    const committed: Channel[] = [];
    for (const [channel, put] of required) {
      if (options.skip?.has(channel)) continue;
      try {
        await putBatch(channel, put);
      } catch (err) {
        throw new BatchPutError(
          `Unable to put batch on channel "${channel.name}": ${errorMessage(err)}`,
          committed,
          { cause: err },
        );
      }
      committed.push(channel);
    }
    for (const [channel, put] of optional) {
      if (options.skip?.has(channel)) continue;
      try {
        await putBatch(channel, put);
      } catch (err) {
        this.#log.warn(`Optional channel "${channel.name}" refused events: ${errorMessage(err)}`);
      }
    }
  }

  /** Each channel with the events the selector sends it, in order. */
  #route(events: readonly Event[]): {
    required: Map<Channel, readonly Event[]>;
    optional: Map<Channel, readonly Event[]>;
  } {
    const fixed = this.#selector.fixed;
    if (fixed) {
      return {
        required: new Map(fixed.required.map((c) => [c, events])),
        optional: new Map(fixed.optional.map((c) => [c, events])),
      };
    }
    const required = new Map<Channel, Event[]>();
    const optional = new Map<Channel, Event[]>();
    const add = (into: Map<Channel, Event[]>, channel: Channel, event: Event): void => {
      const list = into.get(channel);
      if (list) list.push(event);
      else into.set(channel, [event]);
    };
    for (const event of events) {
      for (const c of this.#selector.required(event)) add(required, c, event);
      for (const c of this.#selector.optional(event)) add(optional, c, event);
    }
    return { required, optional };
  }
}

async function putBatch(channel: Channel, events: readonly Event[]): Promise<void> {
  const tx = channel.getTransaction();
  try {
    tx.begin();
    tx.putAll(events);
    await tx.commit();
  } catch (err) {
    tx.rollback();
    throw err;
  } finally {
    tx.close();
  }
}
