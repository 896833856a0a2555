import { join, resolve } from "node:path";
import { ChannelError } from "../../api/channel.ts";
import type { Clock } from "../../api/clock.ts";
import type { ChannelCounter, CounterGroup } from "../../api/counters.ts";
import type { Event } from "../../api/event.ts";
import { type Log, SILENT_LOG } from "../../api/log.ts";
import { errorMessage } from "../../util/errors.ts";
import { Queue } from "../../util/queue.ts";
import { type ChannelStore, StoreChannel } from "../store_channel.ts";
import { DirectoryLock } from "./directory_lock.ts";
import { DATABASE_FILE, EventStore, type StoredEvent } from "./event_store.ts";
import { formatBytes, usableSpace } from "./free_space.ts";
import { FILE_CHANNEL_PROPERTIES } from "./spec.ts";

/** Events read from the database at a time when a take finds none in memory. */
const READ_AHEAD = 256;

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
 * survive kill -9 and power loss. Takes read ahead from the head without
 * deleting; a take's commit deletes its events, a rollback returns them to
 * the head in their original order. The directories are locked while the
 * channel is open.
 */
export class FileChannel extends StoreChannel<StoredEvent> {
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
    const store = new FileStore({
      name,
      checkpointDir,
      dataDirs,
      minimumRequiredSpace,
      log: options.log ?? SILENT_LOG,
    });
    super(name, counters, store, {
      capacity: options.capacity ?? defaults.capacity.default,
      transactionCapacity: options.transactionCapacity ?? defaults.transactionCapacity.default,
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

/** The state of an open store. */
interface OpenState {
  readonly db: EventStore;
  readonly locks: readonly DirectoryLock[];
  /** Events read from the database, not taken: rolled-back takes come back here. */
  buffer: Queue<StoredEvent>;
  /** The highest seq ever read into the buffer; later events are only in the database. */
  readCursor: number;
  /** Events taken by open transactions: still in the database and counted in size. */
  inflight: number;
}

/** Where a FileStore keeps its events. */
interface FileStoreOptions {
  readonly name: string;
  readonly checkpointDir: string;
  readonly dataDirs: readonly string[];
  readonly minimumRequiredSpace: number;
  readonly log: Log;
}

/** A file channel's storage: locked directories and the SQLite event store. */
class FileStore implements ChannelStore<StoredEvent> {
  readonly databasePath: string;
  readonly #options: FileStoreOptions;
  #open: OpenState | undefined;

  constructor(options: FileStoreOptions) {
    this.#options = options;
    this.databasePath = join(options.dataDirs[0], DATABASE_FILE);
  }

  get count(): number {
    return this.#open?.db.count ?? 0;
  }

  get takeable(): number {
    const open = this.#open;
    return open ? open.db.count - open.inflight : 0;
  }

  /**
   * Creates and locks the directories and opens the database. Rejects with
   * a ChannelError naming the directory or file when another channel or agent
   * holds them, when they cannot be created, or when the database is
   * unreadable.
   */
  open(): Promise<void> {
    if (this.#open) return Promise.resolve();
    const locks = this.#lockDirectories();
    try {
      this.#freeSpace(); // fails early when free space cannot be read
      const db = EventStore.open(this.databasePath);
      syncDirectory(this.#options.dataDirs[0]);
      this.#open = { db, locks, buffer: new Queue(READ_AHEAD), readCursor: 0, inflight: 0 };
      this.#options.log.info(
        `Channel ${this.#options.name} opened "${this.databasePath}" holding ${db.count} event(s)`,
      );
      return Promise.resolve();
    } catch (err) {
      for (const lock of locks) lock.release();
      return Promise.reject(err);
    }
  }

  /**
   * Closes the database and releases the locks. Events taken by open
   * transactions stay in the database and are delivered again next time.
   */
  close(): Promise<void> {
    const open = this.#open;
    this.#open = undefined;
    if (!open) return Promise.resolve();
    try {
      open.db.close();
      return Promise.resolve();
    } catch (err) {
      return Promise.reject(
        new ChannelError(`Cannot close "${this.databasePath}": ${errorMessage(err)}`, {
          cause: err,
        }),
      );
    } finally {
      for (const lock of open.locks) lock.release();
    }
  }

  take(): StoredEvent | undefined {
    const open = this.#require();
    if (open.buffer.length === 0 && this.takeable > 0) {
      for (const row of open.db.readAfter(open.readCursor, READ_AHEAD)) {
        open.buffer.push(row);
        open.readCursor = row.seq;
      }
    }
    const taken = open.buffer.shift();
    if (taken) open.inflight++;
    return taken;
  }

  eventOf(taken: StoredEvent): Event {
    return taken.event;
  }

  /** Refuses puts when the data directory's filesystem is short of space. */
  refusal(): string | undefined {
    const min = this.#options.minimumRequiredSpace;
    if (min === 0) return undefined;
    const free = this.#freeSpace();
    if (free >= min) return undefined;
    return `Refusing puts on channel "${this.#options.name}": "${this.#options.dataDirs[0]}" ` +
      `has ${formatBytes(free)} free, below minimumRequiredSpace ${formatBytes(min)}; ` +
      `free some space or lower minimumRequiredSpace`;
  }

  /** Writes the puts and deletes the takes in one durable SQLite transaction. */
  commit(puts: readonly Event[], takes: readonly StoredEvent[]): void {
    const open = this.#require();
    open.db.write(puts, takes.map((t) => t.seq));
    open.inflight -= takes.length;
  }

  /** Returns taken events to the head, in their original order. */
  rollback(takes: readonly StoredEvent[]): void {
    const open = this.#open;
    if (!open) return;
    const sorted = [...takes].sort((a, b) => a.seq - b.seq);
    const head = open.buffer.peek();
    if (head === undefined || sorted[sorted.length - 1].seq < head.seq) {
      open.buffer.unshiftAll(sorted);
    } else {
      open.buffer = mergeBySeq(open.buffer, sorted);
    }
    open.inflight -= takes.length;
  }

  #require(): OpenState {
    const open = this.#open;
    if (!open) throw new ChannelError(`Channel "${this.#options.name}" is not open`);
    return open;
  }

  /** Creates and locks checkpointDir and every data dir (each real directory once). */
  #lockDirectories(): DirectoryLock[] {
    const roles: [string, string][] = [
      ["checkpointDir", this.#options.checkpointDir],
      ...this.#options.dataDirs.map((d): [string, string] => ["dataDirs", d]),
    ];
    const locks: DirectoryLock[] = [];
    const seen = new Set<string>();
    try {
      for (const [role, dir] of roles) {
        const real = createDirectory(role, dir);
        if (seen.has(real)) continue;
        seen.add(real);
        locks.push(DirectoryLock.acquire(dir, role));
      }
    } catch (err) {
      for (const lock of locks) lock.release();
      throw err;
    }
    return locks;
  }

  /** Free bytes where the database lives; ChannelError when they cannot be read. */
  #freeSpace(): number {
    const dir = this.#options.dataDirs[0];
    try {
      return usableSpace(dir);
    } catch (err) {
      throw new ChannelError(`Cannot read the free space of "${dir}": ${errorMessage(err)}`, {
        cause: err,
      });
    }
  }
}

/** Creates `dir` with its parents; returns its real path. ChannelError when it cannot. */
function createDirectory(role: string, dir: string): string {
  try {
    Deno.mkdirSync(dir, { recursive: true });
    return Deno.realPathSync(dir);
  } catch (err) {
    throw new ChannelError(`Cannot create ${role} "${dir}": ${errorMessage(err)}`, { cause: err });
  }
}

/** Fsyncs a directory so that a file just created in it survives power loss; best effort. */
function syncDirectory(dir: string): void {
  try {
    const file = Deno.openSync(dir, { read: true });
    try {
      file.syncSync();
    } finally {
      file.close();
    }
  } catch {
    // Not every platform can open a directory; SQLite syncs what it writes.
  }
}

/** A queue of `queue`'s events and `sorted`'s, in seq order. */
function mergeBySeq(queue: Queue<StoredEvent>, sorted: readonly StoredEvent[]): Queue<StoredEvent> {
  const out = new Queue<StoredEvent>(queue.length + sorted.length);
  let i = 0;
  for (let next = queue.shift(); next !== undefined; next = queue.shift()) {
    while (i < sorted.length && sorted[i].seq < next.seq) out.push(sorted[i++]);
    out.push(next);
  }
  while (i < sorted.length) out.push(sorted[i++]);
  return out;
}
