import { getHeapStatistics } from "node:v8";
import type { ComponentSpec } from "../config/component_spec.ts";
import { capacityProperties, checkCapacities } from "./capacity_properties.ts";
import { type Channel, ChannelFullError, type Transaction } from "../core/channel.ts";
import type { Clock } from "../core/clock.ts";
import type { ChannelDefinition, ComponentContext } from "../core/component.ts";
import { CHANNEL_COUNTERS, type CounterGroup } from "../core/counters.ts";
import { type Event, eventSize } from "../core/event.ts";
import { Queue } from "../core/queue.ts";
import { StagedTransaction } from "./staged_transaction.ts";
import { WakeSet } from "./wake_set.ts";

/** Flume's "hard internal limit of about 200 GB" used when byteCapacity is 0. */
const UNLIMITED_BYTES = 200 * 1024 ** 3;

/** Options of a MemoryChannel, named as Flume names them. */
export interface MemoryChannelOptions {
  /** @default 100 */
  capacity?: number;
  /** @default 100 */
  transactionCapacity?: number;
  /** Seconds a commit waits for room. @default 3 */
  keepAlive?: number;
  /** Total body bytes; 0 means about 200 GB. @default 80 % of the V8 heap limit */
  byteCapacity?: number;
  /** Share of byteCapacity kept free for headers. @default 20 */
  byteCapacityBufferPercentage?: number;
}

/** The memory channel's configuration, as Flume documents it. */
export const MEMORY_CHANNEL_SPEC: ComponentSpec = {
  category: "channel",
  type: "memory",
  aliases: ["org.apache.flume.channel.MemoryChannel"],
  summary: "Events in an in-memory queue; fast, lost if the agent dies",
  properties: [
    ...capacityProperties({ capacity: 100, transactionCapacity: 100 }),
    {
      name: "byteCapacity",
      kind: "int",
      min: 0,
      defaultText: "80% of the V8 heap limit",
      doc: "Most body bytes held; 0 means about 200 GB",
    },
    {
      name: "byteCapacityBufferPercentage",
      kind: "int",
      default: 20,
      min: 0,
      max: 99,
      doc: "Percent of byteCapacity kept free for headers",
    },
  ],
  check: checkCapacities,
};

/** The `memory` channel type. */
export const MEMORY_CHANNEL: ChannelDefinition = {
  spec: MEMORY_CHANNEL_SPEC,
  create(ctx: ComponentContext): Channel {
    const s = ctx.settings;
    return new MemoryChannel(ctx.name, ctx.counters.create("CHANNEL", ctx.name, CHANNEL_COUNTERS), {
      capacity: s.number("capacity"),
      transactionCapacity: s.number("transactionCapacity"),
      keepAlive: s.number("keep-alive"),
      byteCapacity: s.has("byteCapacity") ? s.number("byteCapacity") : undefined,
      byteCapacityBufferPercentage: s.number("byteCapacityBufferPercentage"),
    }, ctx.clock);
  },
};

/**
 * Flume's MemoryChannel: a bounded in-memory queue with transactional puts
 * and takes. A commit that needs room waits up to keep-alive seconds, then
 * fails with ChannelFullError; nothing is dropped.
 */
export class MemoryChannel implements Channel {
  readonly name: string;
  readonly counters: CounterGroup;
  readonly capacity: number;
  readonly transactionCapacity: number;
  readonly keepAliveMs: number;
  /** Body bytes the channel holds at most, after the header buffer. */
  readonly byteLimit: number;
  readonly #clock: Clock;
  readonly #queue: Queue<Event> = new Queue(1024);
  #queuedBytes = 0;
  /** Events taken by open transactions: still counted against capacity. */
  #inflight = 0;
  #inflightBytes = 0;
  readonly #roomWaiters: WakeSet = new WakeSet();
  readonly #readers: WakeSet = new WakeSet();

  /** A channel with Flume's defaults for omitted options. */
  constructor(name: string, counters: CounterGroup, options: MemoryChannelOptions, clock: Clock) {
    this.name = name;
    this.counters = counters;
    this.capacity = options.capacity ?? 100;
    this.transactionCapacity = options.transactionCapacity ?? 100;
    this.keepAliveMs = (options.keepAlive ?? 3) * 1000;
    const bytes = options.byteCapacity ?? Math.floor(getHeapStatistics().heap_size_limit * 0.8);
    const buffer = options.byteCapacityBufferPercentage ?? 20;
    // Integer arithmetic: `bytes * (1 - buffer / 100)` rounds 1000 bytes at 7 % down to 929.
    this.byteLimit = Math.floor(((bytes === 0 ? UNLIMITED_BYTES : bytes) * (100 - buffer)) / 100);
    this.#clock = clock;
    counters.set("ChannelCapacity", this.capacity);
    counters.gauge("ChannelSize", () => this.size());
    counters.gauge("ChannelFillPercentage", () => (this.size() * 100) / this.capacity);
  }

  start(): Promise<void> {
    return Promise.resolve();
  }

  stop(): Promise<void> {
    this.#roomWaiters.wakeAll();
    this.#readers.wakeAll();
    return Promise.resolve();
  }

  getTransaction(): Transaction {
    return new MemoryTransaction(this);
  }

  size(): number {
    return this.#queue.length + this.#inflight;
  }

  whenReadable(signal: AbortSignal): Promise<void> {
    if (this.#queue.length > 0) return Promise.resolve();
    return this.#readers.wait(signal);
  }

  /** @internal Removes the head event for a take. */
  _take(): Event | undefined {
    const event = this.#queue.shift();
    if (event) {
      this.#queuedBytes -= eventSize(event);
      this.#inflight++;
      this.#inflightBytes += eventSize(event);
    }
    return event;
  }

  /** @internal Commits puts and takes once there is room, waiting up to keep-alive. */
  async _commit(
    puts: readonly Event[],
    putBytes: number,
    takes: number,
    takeBytes: number,
  ): Promise<void> {
    const fits = (): boolean =>
      this.size() - takes + puts.length <= this.capacity &&
      this.#queuedBytes + this.#inflightBytes - takeBytes + putBytes <= this.byteLimit;
    if (puts.length > 0 && !fits()) {
      const deadline = this.#clock.now() + this.keepAliveMs;
      // The last fits() and the pushes below run with no await between them, so
      // two commits woken by the same take cannot both claim the room it freed.
      do {
        await this.#waitForRoom(deadline);
      } while (!fits());
    }
    for (const event of puts) this.#queue.push(event);
    this.#queuedBytes += putBytes;
    this.#inflight -= takes;
    this.#inflightBytes -= takeBytes;
    if (takes > 0) this.#roomWaiters.wakeAll();
    if (puts.length > 0) this.#readers.wakeAll();
  }

  /** @internal Returns taken events to the head, in order. */
  _rollback(takes: readonly Event[], takeBytes: number): void {
    if (takes.length === 0) return;
    this.#queue.unshiftAll(takes);
    this.#queuedBytes += takeBytes;
    this.#inflight -= takes.length;
    this.#inflightBytes -= takeBytes;
    this.#readers.wakeAll();
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
        `Space for commit to queue couldn't be acquired. Sinks are likely not keeping up ` +
          `with sources, or the buffer size is too tight: channel "${this.name}" holds ` +
          `${this.size()} of ${this.capacity} events`,
      );
    }
    await this.#roomWaiters.sleep(this.#clock, left);
  }
}

/** A transaction of a MemoryChannel; it keeps the body bytes of its puts and takes. */
class MemoryTransaction extends StagedTransaction<Event> {
  readonly #channel: MemoryChannel;
  #putBytes = 0;
  #takeBytes = 0;

  constructor(channel: MemoryChannel) {
    super("MemoryTransaction", channel);
    this.#channel = channel;
  }

  protected override onPut(event: Event): void {
    this.#putBytes += eventSize(event);
  }

  protected takeFromChannel(): Event | undefined {
    const event = this.#channel._take();
    if (event) this.#takeBytes += eventSize(event);
    return event;
  }

  protected eventOf(taken: Event): Event {
    return taken;
  }

  protected commitToChannel(puts: readonly Event[], takes: readonly Event[]): Promise<void> {
    return this.#channel._commit(puts, this.#putBytes, takes.length, this.#takeBytes);
  }

  protected rollbackInChannel(takes: readonly Event[]): void {
    this.#channel._rollback(takes, this.#takeBytes);
  }
}
