import { resolve } from "node:path";
import { getHeapStatistics } from "node:v8";
import type { Clock } from "../../api/clock.ts";
import type { ChannelCounter, CounterGroup } from "../../api/counters.ts";
import { type Log, SILENT_LOG } from "../../api/log.ts";
import { FileStore, MAX_READ_SIZE, walLimitFor } from "../file/file_store.ts";
import { StoreChannel } from "../store_channel.ts";
import { SpillStore, type SpillTake } from "./spill_store.ts";
import { SPILLABLE_PROPERTIES } from "./spec.ts";

/** Flume's "hard internal limit of about 200 GB" used when byteCapacity is 0. */
const UNLIMITED_BYTES = 200 * 1024 ** 3;

/** Options of a SpillableMemoryChannel, named as Flume names them; omitted ones take the defaults. */
export interface SpillableMemoryChannelOptions {
  /** Most events in memory; 0 keeps every event on disk. @default 10000 */
  memoryCapacity?: number;
  /** Most events on disk; 0 turns the overflow off. @default 100000000 */
  overflowCapacity?: number;
  /** Milliseconds a commit waits for memory before it spills. @default 3000 */
  overflowTimeoutMs?: number;
  /** Percent of memory a take must free before commits wait overflowTimeout again. @default 5 */
  overflowDeactivationThreshold?: number;
  /** Body bytes in memory; 0 means about 200 GB. @default 80 % of the V8 heap limit */
  byteCapacity?: number;
  /** Share of byteCapacity kept free for headers. @default 20 */
  byteCapacityBufferPercentage?: number;
  /** Bytes one event counts for at least against byteCapacity. @default 500 */
  avgEventSize?: number;
  /** @default 100 */
  transactionCapacity?: number;
  /** Milliseconds a commit waits when memory and overflow are full. @default 3000 */
  keepAliveMs?: number;
  /** The overflow's checkpoint directory (locked); required with an overflow. */
  checkpointDir?: string;
  /** The overflow's data directories (locked; the database in the first); required with an overflow. */
  dataDirs?: readonly string[];
  /** Free bytes the first data directory must keep. @default 524288000 */
  minimumRequiredSpace?: number;
  /** Where the channel says what it holds and when it spills. @default SILENT_LOG */
  log?: Log;
}

/**
 * Flume's SpillableMemoryChannel: events in memory while it has room, on
 * disk (the file channel's SQLite store) once it has not, delivered in
 * commit order across both. When memory and disk are both full a commit
 * waits keep-alive for room, then fails with ChannelFullError; nothing is
 * dropped. Events on disk survive a restart (and come first after it);
 * events in memory do not.
 */
export class SpillableMemoryChannel extends StoreChannel<SpillTake> {
  readonly memoryCapacity: number;
  readonly overflowCapacity: number;
  /** Byte slots of avgEventSize that memory holds. */
  readonly byteSlots: number;
  /** Absolute overflow directories; undefined without an overflow. */
  readonly checkpointDir: string | undefined;
  readonly dataDirs: readonly string[] | undefined;
  readonly #store: SpillStore;

  /** A channel with Flume's defaults for omitted options; nothing is opened until start(). */
  constructor(
    name: string,
    counters: CounterGroup<ChannelCounter>,
    options: SpillableMemoryChannelOptions,
    clock: Clock,
  ) {
    const d = SPILLABLE_PROPERTIES;
    const memoryCapacity = options.memoryCapacity ?? d.memoryCapacity.default;
    const overflowCapacity = options.overflowCapacity ?? d.overflowCapacity.default;
    if (memoryCapacity === 0 && overflowCapacity === 0) {
      throw new RangeError("Invalid capacities: memoryCapacity and overflowCapacity are both 0");
    }
    const transactionCapacity = options.transactionCapacity ?? d.transactionCapacity.default;
    const avgEventSize = options.avgEventSize ?? d.avgEventSize.default;
    const byteSlots = slotsFor(
      options.byteCapacity ?? Math.floor(getHeapStatistics().heap_size_limit * 0.8),
      options.byteCapacityBufferPercentage ?? d.byteCapacityBufferPercentage.default,
      avgEventSize,
    );
    const log = options.log ?? SILENT_LOG;
    let overflow: FileStore | undefined;
    let checkpointDir: string | undefined;
    let dataDirs: string[] | undefined;
    if (overflowCapacity > 0) {
      if (!options.checkpointDir || !options.dataDirs?.length) {
        throw new RangeError("Invalid overflow: checkpointDir and dataDirs are required");
      }
      checkpointDir = resolve(options.checkpointDir);
      dataDirs = options.dataDirs.map((dir) => resolve(dir));
      const minimumRequiredSpace = options.minimumRequiredSpace ??
        d.minimumRequiredSpace.default;
      const readSize = Math.min(transactionCapacity, MAX_READ_SIZE);
      overflow = new FileStore({
        name,
        checkpointDir,
        dataDirs,
        minimumRequiredSpace,
        readSize,
        memoryLimit: 2 * readSize,
        walLimitBytes: walLimitFor(minimumRequiredSpace),
        log,
        clock,
      });
    }
    const store = new SpillStore({
      name,
      memoryCapacity,
      byteSlots,
      avgEventSize,
      overflowCapacity,
      overflow,
      overflowTimeoutMs: options.overflowTimeoutMs ?? d.overflowTimeout.default * 1000,
      deactivationPercent: options.overflowDeactivationThreshold ??
        d.overflowDeactivationThreshold.default,
      log,
      clock,
    });
    super(name, counters, store, {
      capacity: memoryCapacity + overflowCapacity,
      transactionCapacity,
      keepAliveMs: options.keepAliveMs ?? d["keep-alive"].default * 1000,
      transactionName: "SpillableMemoryTransaction",
      fullMessage: overflow
        ? "Spillable Memory Channel's memory and overflow are both full; sinks are likely not " +
          "keeping up with sources, or overflowCapacity is too low"
        : "Spillable Memory Channel's memory capacity has been reached and overflow is " +
          "disabled; consider increasing memoryCapacity",
      clock,
    });
    this.memoryCapacity = memoryCapacity;
    this.overflowCapacity = overflowCapacity;
    this.byteSlots = byteSlots;
    this.checkpointDir = checkpointDir;
    this.dataDirs = dataDirs;
    this.#store = store;
  }

  /**
   * True while the channel has an overflow and memory holds no event: then
   * everything it holds is on disk and survives a restart. Events in memory
   * are lost when the process ends.
   */
  get durable(): boolean {
    return this.overflowCapacity > 0 && this.#store.memoryCount === 0;
  }

  /** Events in memory, taken ones included. */
  memorySize(): number {
    return this.#store.memoryCount;
  }

  /** The events in memory: those on disk survive the process. */
  volatileSize(): number {
    return this.#store.memoryCount;
  }

  /** Events in the overflow on disk, taken ones included. */
  overflowSize(): number {
    return this.#store.overflowCount;
  }
}

/**
 * Byte slots memory holds, as Flume computes them: byteCapacity (0 meaning
 * about 200 GB) less the buffer percentage, in units of avgEventSize; no
 * limit when that leaves less than one.
 */
export function slotsFor(byteCapacity: number, bufferPercentage: number, avg: number): number {
  const bytes = byteCapacity === 0 ? UNLIMITED_BYTES : byteCapacity;
  const slots = Math.floor(Math.floor((bytes * (100 - bufferPercentage)) / 100) / avg);
  return slots < 1 ? Number.MAX_SAFE_INTEGER : slots;
}
