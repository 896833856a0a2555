import { getHeapStatistics } from "node:v8";
import type { Clock } from "../api/clock.ts";
import { defineChannel } from "../api/component.ts";
import type { ChannelCounter, CounterGroup } from "../api/counters.ts";
import { type Event, eventSize } from "../api/event.ts";
import { int } from "../api/properties.ts";
import { Queue } from "../util/queue.ts";
import { capacityProperties, checkCapacities } from "./capacity_properties.ts";
import { type ChannelStore, StoreChannel } from "./store_channel.ts";

/** Flume's "hard internal limit of about 200 GB" used when byteCapacity is 0. */
const UNLIMITED_BYTES = 200 * 1024 ** 3;

/** Options of a MemoryChannel, named as Flume names them; omitted ones take the declared defaults. */
export interface MemoryChannelOptions {
  /** @default 100 */
  capacity?: number;
  /** @default 100 */
  transactionCapacity?: number;
  /** Seconds a commit waits for room. @default 3 */
  keepAlive?: number;
  /** The same in milliseconds, as the typed configuration holds it; wins over keepAlive. */
  keepAliveMs?: number;
  /** Total body bytes; 0 means about 200 GB. @default 80 % of the V8 heap limit */
  byteCapacity?: number;
  /** Share of byteCapacity kept free for headers. @default 20 */
  byteCapacityBufferPercentage?: number;
}

/** The memory channel's properties, as Flume documents them. */
const MEMORY_PROPERTIES = {
  ...capacityProperties({ capacity: 100, transactionCapacity: 100 }),
  byteCapacity: int({
    min: 0,
    max: Number.MAX_SAFE_INTEGER,
    defaultText: "80% of the V8 heap limit",
    doc: "Most body bytes held; 0 means about 200 GB",
  }),
  byteCapacityBufferPercentage: int({
    default: 20,
    min: 0,
    max: 99,
    doc: "Percent of byteCapacity kept free for headers",
  }),
} as const;

/** The `memory` channel type. */
export const MEMORY_CHANNEL = defineChannel({
  type: "memory",
  aliases: ["org.apache.flume.channel.MemoryChannel"],
  summary: "Events in an in-memory queue; fast, lost if the agent dies",
  example: `
a1.channels = c1
a1.channels.c1.type = memory
a1.channels.c1.capacity = 10000
a1.channels.c1.transactionCapacity = 1000`,
  properties: MEMORY_PROPERTIES,
  check: checkCapacities,
  create: ({ name, config, counters, clock }) =>
    new MemoryChannel(name, counters, {
      capacity: config.capacity,
      transactionCapacity: config.transactionCapacity,
      keepAliveMs: config["keep-alive"],
      byteCapacity: config.byteCapacity,
      byteCapacityBufferPercentage: config.byteCapacityBufferPercentage,
    }, clock),
});

/**
 * Flume's MemoryChannel: a bounded in-memory queue with transactional puts
 * and takes. A commit that needs room waits up to keep-alive seconds, then
 * fails with ChannelFullError; nothing is dropped.
 */
export class MemoryChannel extends StoreChannel<Event> {
  /** Body bytes the channel holds at most, after the header buffer. */
  readonly byteLimit: number;

  /** A channel with Flume's defaults for omitted options. */
  constructor(
    name: string,
    counters: CounterGroup<ChannelCounter>,
    options: MemoryChannelOptions,
    clock: Clock,
  ) {
    const bytes = options.byteCapacity ?? Math.floor(getHeapStatistics().heap_size_limit * 0.8);
    const defaults = MEMORY_PROPERTIES;
    const buffer = options.byteCapacityBufferPercentage ??
      defaults.byteCapacityBufferPercentage.default;
    // Integer arithmetic: `bytes * (1 - buffer / 100)` rounds 1000 bytes at 7 % down to 929.
    const byteLimit = Math.floor(((bytes === 0 ? UNLIMITED_BYTES : bytes) * (100 - buffer)) / 100);
    super(name, counters, new MemoryStore(byteLimit), {
      capacity: options.capacity ?? defaults.capacity.default,
      transactionCapacity: options.transactionCapacity ?? defaults.transactionCapacity.default,
      keepAliveMs: options.keepAliveMs ??
        (options.keepAlive ?? defaults["keep-alive"].default) * 1000,
      transactionName: "MemoryTransaction",
      fullMessage: "Space for commit to queue couldn't be acquired. Sinks are likely not " +
        "keeping up with sources, or the buffer size is too tight",
      clock,
      alwaysOpen: true,
    });
    this.byteLimit = byteLimit;
  }
}

/** The events of a memory channel, with the body bytes held and taken. */
class MemoryStore implements ChannelStore<Event> {
  readonly #byteLimit: number;
  readonly #queue: Queue<Event> = new Queue(1024);
  #queuedBytes = 0;
  /** Events taken by open transactions: still counted against capacity. */
  #inflight = 0;
  #inflightBytes = 0;
  /** The last two event lists summed, and their sums (a commit's puts and takes). */
  #summed: readonly Event[] | undefined;
  #sum = 0;
  #summed2: readonly Event[] | undefined;
  #sum2 = 0;

  constructor(byteLimit: number) {
    this.#byteLimit = byteLimit;
  }

  get count(): number {
    return this.#queue.length + this.#inflight;
  }

  get takeable(): number {
    return this.#queue.length;
  }

  open(): Promise<void> {
    return Promise.resolve();
  }

  close(): Promise<void> {
    return Promise.resolve();
  }

  take(): Event | undefined {
    const event = this.#queue.shift();
    if (event) {
      const size = eventSize(event);
      this.#queuedBytes -= size;
      this.#inflight++;
      this.#inflightBytes += size;
    }
    return event;
  }

  eventOf(taken: Event): Event {
    return taken;
  }

  fits(puts: readonly Event[], takes: readonly Event[]): boolean {
    return this.#queuedBytes + this.#inflightBytes - this.#bytes(takes) + this.#bytes(puts) <=
      this.#byteLimit;
  }

  commit(puts: readonly Event[], takes: readonly Event[]): void {
    for (const event of puts) this.#queue.push(event);
    this.#queuedBytes += this.#bytes(puts);
    this.#inflight -= takes.length;
    this.#inflightBytes -= this.#bytes(takes);
  }

  /** The body bytes of a transaction's puts or takes, summed once for fits() and commit(). */
  #bytes(events: readonly Event[]): number {
    if (events === this.#summed) return this.#sum;
    if (events === this.#summed2) return this.#sum2;
    const n = bytes(events);
    this.#summed2 = this.#summed;
    this.#sum2 = this.#sum;
    this.#summed = events;
    this.#sum = n;
    return n;
  }

  rollback(takes: readonly Event[]): void {
    this.#queue.unshiftAll(takes);
    const taken = bytes(takes);
    this.#queuedBytes += taken;
    this.#inflight -= takes.length;
    this.#inflightBytes -= taken;
  }
}

function bytes(events: readonly Event[]): number {
  let n = 0;
  for (const event of events) n += eventSize(event);
  return n;
}
