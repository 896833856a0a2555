import { resolve } from "node:path";
import type { Clock } from "../../api/clock.ts";
import type { ChannelCounter, CounterGroup } from "../../api/counters.ts";
import { type Log, SILENT_LOG } from "../../api/log.ts";
import { StoreChannel } from "../store_channel.ts";
import type { StoredEvent } from "./event_store.ts";
import { FileStore, MAX_READ_SIZE, walLimitFor } from "./file_store.ts";
import { FILE_CHANNEL_PROPERTIES } from "./spec.ts";

/** Options of a FileChannel, named as Flume names them; omitted ones take the declared defaults. */
export interface FileChannelOptions {
  /** A directory the channel locks, as Flume's checkpoint directory. */
  checkpointDir: string;
  /** Directories the channel locks; the database lives in the first. */
  dataDirs: readonly string[];
  /** @default 1000000 */
  capacity?: number;
  /** @default 10000 */
  transactionCapacity?: number;
  /** Seconds a commit waits for room. @default 3 */
  keepAlive?: number;
  /** The same in milliseconds, as the typed configuration holds it; wins over keepAlive. */
  keepAliveMs?: number;
  /** Free bytes the first data directory must keep; 0 turns the check off. @default 524288000 */
  minimumRequiredSpace?: number;
  /** Where the channel says what it found at start. @default SILENT_LOG */
  log?: Log;
}

/**
 * Flume's FileChannel on an embedded SQLite database: every commit is one
 * SQLite transaction, fsynced before commit() resolves, so committed events
 * survive kill -9 and power loss. The database lives on a worker thread of
 * its own (StoreThread), so commits and reads never stall the thread that
 * reads sockets. Takes come from memory: rows read ahead from the head, or,
 * while takers keep up, the committed puts themselves. A take's commit
 * deletes its events; a rollback returns them to the head in their original
 * order. The directories are locked while the channel is open.
 */
export class FileChannel extends StoreChannel<StoredEvent> {
  /** Committed events survive a restart: what stop() leaves here is delivered after the next start. */
  readonly durable: boolean = true;
  readonly minimumRequiredSpace: number;
  /** Absolute checkpoint directory. */
  readonly checkpointDir: string;
  /** Absolute data directories; the database is in the first. */
  readonly dataDirs: readonly string[];
  /** The database file. */
  readonly databasePath: string;

  /** A channel with Flume's defaults for omitted options; nothing is opened until start(). */
  constructor(
    name: string,
    counters: CounterGroup<ChannelCounter>,
    options: FileChannelOptions,
    clock: Clock,
  ) {
    if (options.dataDirs.length === 0) throw new RangeError("Invalid dataDirs: none given");
    const checkpointDir = resolve(options.checkpointDir);
    const dataDirs = options.dataDirs.map((d) => resolve(d));
    const defaults = FILE_CHANNEL_PROPERTIES;
    const minimumRequiredSpace = options.minimumRequiredSpace ??
      defaults.minimumRequiredSpace.default;
    const capacity = options.capacity ?? defaults.capacity.default;
    const transactionCapacity = options.transactionCapacity ??
      defaults.transactionCapacity.default;
    const store = new FileStore({
      name,
      checkpointDir,
      dataDirs,
      minimumRequiredSpace,
      readSize: Math.min(transactionCapacity, MAX_READ_SIZE),
      memoryLimit: 2 * Math.min(transactionCapacity, MAX_READ_SIZE),
      walLimitBytes: walLimitFor(minimumRequiredSpace),
      log: options.log ?? SILENT_LOG,
      clock,
    });
    super(name, counters, store, {
      capacity,
      transactionCapacity,
      keepAliveMs: options.keepAliveMs ??
        (options.keepAlive ?? defaults["keep-alive"].default) * 1000,
      transactionName: "FileBackedTransaction",
      fullMessage: "The channel has reached its capacity. This might be the result of a sink " +
        "on the channel having too low of batch size, a downstream system running slower than " +
        "normal, or that the channel capacity is just too low",
      clock,
    });
    this.minimumRequiredSpace = minimumRequiredSpace;
    this.checkpointDir = checkpointDir;
    this.dataDirs = dataDirs;
    this.databasePath = store.databasePath;
  }
}
