import { type Channel, ChannelError } from "../api/channel.ts";
import { type CounterCell, CounterGroup } from "../api/counters.ts";
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

/**
 * What a source's channel processor counts, in the source's counter group:
 * events an optional channel refused (logged, never retried), and events
 * the selector sent to no channel at all (a multiplexing selector without
 * a default, for a header value it has no mapping for), which are lost.
 */
export const ROUTING_COUNTERS = ["OptionalChannelWriteFail", "EventUnroutedCount"] as const;

/** A counter of the channel processor. */
export type RoutingCounter = typeof ROUTING_COUNTERS[number];

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
  /** The source's counters, where the ROUTING_COUNTERS go. @default a group of its own */
  readonly counters?: CounterGroup<RoutingCounter>;
}

/**
 * Flume's ChannelProcessor: a source's interceptors, and the put of its
 * events into the channels its selector names, one transaction per
 * channel, required channels first. A failure on a required channel rolls
 * that transaction back and throws BatchPutError, so the sender keeps the
 * events and retries (on the required channels that lack them only);
 * optional channels are tried once the required ones all committed, and
 * their failures are logged and counted. An event the selector sends to
 * no channel is counted and logged, never silently lost. The sender runs the
 * interceptors once, when a source hands events over, so that a retried or
 * split batch is never intercepted twice.
 */
export class ChannelProcessor {
  readonly #selector: ChannelSelector;
  readonly #log: Log;
  readonly #interceptors: readonly Interceptor[];
  readonly #onIntercepted: (dropped: number) => void;
  readonly #optionalFailed: CounterCell;
  readonly #unrouted: CounterCell;
  /** The largest batch every channel accepts in one transaction. */
  readonly maxBatch: number;

  /** A processor over the selector's channels. */
  constructor(selector: ChannelSelector, log: Log, options: ChannelProcessorOptions = {}) {
    this.#selector = selector;
    this.#log = log;
    this.#interceptors = options.interceptors ?? [];
    this.#onIntercepted = options.onIntercepted ?? (() => {});
    const counters = options.counters ?? new CounterGroup("SOURCE", "", ROUTING_COUNTERS);
    this.#optionalFailed = counters.cell("OptionalChannelWriteFail");
    this.#unrouted = counters.cell("EventUnroutedCount");
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

  /**
   * Events that every channel an event may require can take now without
   * waiting (Infinity without any).
   */
  room(): number {
    const selector = this.#selector;
    const required = selector.fixed?.required ?? selector.requirable ?? selector.channels;
    let room = Infinity;
    for (const channel of required) room = Math.min(room, channel.room());
    return room;
  }

  /** Puts one event; see processEventBatch. */
  processEvent(event: Event): Promise<void> {
    return this.processEventBatch([event]);
  }

  /**
   * Puts the events (already intercepted), in order, into the channels the
   * selector names for each: the required ones not in `skip`, then the
   * optional ones. Resolves once every required channel committed them;
   * throws BatchPutError (naming the channels that did commit) otherwise,
   * before any optional channel was tried, so a retry tries those then.
   */
  async processEventBatch(events: readonly Event[], options: PutOptions = {}): Promise<void> {
    if (events.length === 0) return;
    const { required, optional, unrouted } = this.#route(events);
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
      try {
        await putBatch(channel, put);
      } catch (err) {
        this.#optionalFailed.value += put.length;
        this.#log.warn(
          `Optional channel "${channel.name}" refused ${put.length} event(s), not retried ` +
            `(${this.#optionalFailed.value} in all, counted as OptionalChannelWriteFail): ` +
            errorMessage(err),
        );
      }
    }
    if (unrouted > 0) this.#countUnrouted(unrouted);
  }

  /** Counts events that went to no channel; logs the 1st, 10th, 100th, … */
  #countUnrouted(n: number): void {
    const before = this.#unrouted.value;
    const after = this.#unrouted.value += n;
    const reported = before === 0 ? 0 : 10 ** Math.floor(Math.log10(before));
    if (before > 0 && after < reported * 10) return;
    this.#log.warn(
      `${n} event(s) matched no channel of the selector (no mapping for their header value ` +
        `and no selector.default) and were dropped; ${after} in all, counted as ` +
        `EventUnroutedCount`,
    );
  }

  /** Each channel with the events the selector sends it, in order, and how many go nowhere. */
  #route(events: readonly Event[]): {
    required: Map<Channel, readonly Event[]>;
    optional: Map<Channel, readonly Event[]>;
    unrouted: number;
  } {
    const fixed = this.#selector.fixed;
    if (fixed) {
      const nowhere = fixed.required.length === 0 && fixed.optional.length === 0;
      return {
        required: new Map(fixed.required.map((c) => [c, events])),
        optional: new Map(fixed.optional.map((c) => [c, events])),
        unrouted: nowhere ? events.length : 0,
      };
    }
    const required = new Map<Channel, Event[]>();
    const optional = new Map<Channel, Event[]>();
    const add = (into: Map<Channel, Event[]>, channel: Channel, event: Event): void => {
      const list = into.get(channel);
      if (list) list.push(event);
      else into.set(channel, [event]);
    };
    let unrouted = 0;
    for (const event of events) {
      const must = this.#selector.required(event);
      const may = this.#selector.optional(event);
      for (const c of must) add(required, c, event);
      for (const c of may) add(optional, c, event);
      if (must.length === 0 && may.length === 0) unrouted++;
    }
    return { required, optional, unrouted };
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
