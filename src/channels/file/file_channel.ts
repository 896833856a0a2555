import { join, resolve } from "node:path";
import {
  type Channel,
  ChannelError,
  ChannelFullError,
  type Transaction,
} from "../../core/channel.ts";
import type { Clock } from "../../core/clock.ts";
import type { CounterGroup } from "../../core/counters.ts";
import { errorMessage } from "../../core/errors.ts";
import type { Event } from "../../core/event.ts";
import { type Log, SILENT_LOG } from "../../core/log.ts";
import { Queue } from "../../core/queue.ts";
import { DirectoryLock } from "./directory_lock.ts";
import { DATABASE_FILE, EventStore, type StoredEvent } from "./event_store.ts";
import { formatBytes, usableSpace } from "./free_space.ts";
import { FileTransaction } from "./file_transaction.ts";
import { WakeSet } from "../wake_set.ts";

/** Events read from the database at a time when a take finds none in memory. */
const READ_AHEAD = 256;

/** Options of a FileChannel, named as Flume names them. */
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
  /** Free bytes the first data directory must keep; 0 turns the check off. @default 524288000 */
  minimumRequiredSpace?: number;
  /** Where the channel says what it found at start. @default SILENT_LOG */
  log?: Log;
}

/** The state of an open channel; a transaction belongs to one. */
interface OpenState {
  readonly store: EventStore;
  readonly locks: readonly DirectoryLock[];
  /** Events read from the database, not taken: rolled-back takes come back here. */
  buffer: Queue<StoredEvent>;
  /** The highest seq ever read into the buffer; later events are only in the database. */
  readCursor: number;
  /** Events taken by open transactions: still in the database and counted in size. */
  inflight: number;
}

/**
 * Flume's FileChannel on an embedded SQLite database: every commit is one
 * SQLite transaction, fsynced before commit() resolves, so committed events
 * survive kill -9 and power loss. Takes read ahead from the head without
 * deleting; a take's commit deletes its events, a rollback returns them to
 * the head in their original order. The directories are locked while the
 * channel is open.
 */
export class FileChannel implements Channel {
  readonly name: string;
  readonly counters: CounterGroup;
  readonly capacity: number;
  readonly transactionCapacity: number;
  readonly keepAliveMs: number;
  readonly minimumRequiredSpace: number;
  /** Absolute checkpoint directory. */
  readonly checkpointDir: string;
  /** Absolute data directories; the database is in the first. */
  readonly dataDirs: readonly string[];
  /** The database file. */
  readonly databasePath: string;
  readonly #clock: Clock;
  readonly #log: Log;
  #open: OpenState | undefined;
  readonly #roomWaiters: WakeSet = new WakeSet();
  readonly #readers: WakeSet = new WakeSet();

  /** A channel with Flume's defaults for omitted options; nothing is opened until start(). */
  constructor(name: string, counters: CounterGroup, options: FileChannelOptions, clock: Clock) {
    if (options.dataDirs.length === 0) throw new RangeError("Invalid dataDirs: none given");
    this.name = name;
    this.counters = counters;
    this.capacity = options.capacity ?? 1000000;
    this.transactionCapacity = options.transactionCapacity ?? 10000;
    this.keepAliveMs = (options.keepAlive ?? 3) * 1000;
    this.minimumRequiredSpace = options.minimumRequiredSpace ?? 524288000;
    this.checkpointDir = resolve(options.checkpointDir);
    this.dataDirs = options.dataDirs.map((d) => resolve(d));
    this.databasePath = join(this.dataDirs[0], DATABASE_FILE);
    this.#clock = clock;
    this.#log = options.log ?? SILENT_LOG;
    counters.set("ChannelCapacity", this.capacity);
    counters.gauge("ChannelSize", () => this.size());
    counters.gauge("ChannelFillPercentage", () => (this.size() * 100) / this.capacity);
  }

  /**
   * Creates and locks the directories and opens the database. Rejects with
   * a ChannelError naming the directory or file when another channel or agent
   * holds them, when they cannot be created, or when the database is
   * unreadable.
   */
  start(): Promise<void> {
    try {
      this.#openAll();
      return Promise.resolve();
    } catch (err) {
      return Promise.reject(err);
    }
  }

  /**
   * Closes the database and releases the locks. Events taken by open
   * transactions stay in the database and are delivered again next time.
   */
  stop(): Promise<void> {
    const open = this.#open;
    this.#open = undefined;
    this.#roomWaiters.wakeAll();
    this.#readers.wakeAll();
    if (!open) return Promise.resolve();
    try {
      open.store.close();
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

  getTransaction(): Transaction {
    return new FileTransaction(this);
  }

  size(): number {
    return this.#open?.store.count ?? 0;
  }

  whenReadable(signal: AbortSignal): Promise<void> {
    if (this.#takeable() > 0) return Promise.resolve();
    return this.#readers.wait(signal);
  }

  /** @internal The open state a new transaction works on; ChannelError when closed. */
  _session(): object {
    return this.#require(undefined);
  }

  /** @internal Takes the head event for a transaction of `session`. */
  _take(session: object): StoredEvent | undefined {
    const open = this.#require(session);
    if (open.buffer.length === 0 && this.#takeable() > 0) {
      for (const row of open.store.readAfter(open.readCursor, READ_AHEAD)) {
        open.buffer.push(row);
        open.readCursor = row.seq;
      }
    }
    const taken = open.buffer.shift();
    if (taken) open.inflight++;
    return taken;
  }

  /**
   * @internal Writes a transaction's puts and deletes its takes in one
   * durable SQLite transaction, once there is room (waiting up to
   * keep-alive) and enough free space.
   */
  async _commit(
    session: object,
    puts: readonly Event[],
    takes: readonly StoredEvent[],
  ): Promise<void> {
    let open = this.#require(session);
    const fits = (): boolean => open.store.count - takes.length + puts.length <= this.capacity;
    if (puts.length > 0 && !fits()) {
      const deadline = this.#clock.now() + this.keepAliveMs;
      // The last fits() and the write below run with no await between them, so
      // two commits woken by the same take cannot both claim the room it freed.
      do {
        await this.#waitForRoom(deadline);
        open = this.#require(session);
      } while (!fits());
    }
    if (puts.length > 0) this.#checkFreeSpace();
    open.store.write(puts, takes.map((t) => t.seq));
    open.inflight -= takes.length;
    if (takes.length > 0) this.#roomWaiters.wakeAll();
    if (puts.length > 0) this.#readers.wakeAll();
  }

  /** @internal Returns taken events to the head, in their original order. */
  _rollback(session: object, takes: readonly StoredEvent[]): void {
    const open = this.#open;
    if (takes.length === 0 || open !== session || !open) return;
    const sorted = [...takes].sort((a, b) => a.seq - b.seq);
    const head = open.buffer.peek();
    if (head === undefined || sorted[sorted.length - 1].seq < head.seq) {
      open.buffer.unshiftAll(sorted);
    } else {
      open.buffer = mergeBySeq(open.buffer, sorted);
    }
    open.inflight -= takes.length;
    this.#readers.wakeAll();
  }

  /** Locks the directories and opens the database, unless already open. */
  #openAll(): void {
    if (this.#open) return;
    const locks = this.#lockDirectories();
    try {
      this.#freeSpace(); // fails early when free space cannot be read
      const store = EventStore.open(this.databasePath);
      syncDirectory(this.dataDirs[0]);
      this.#open = { store, locks, buffer: new Queue(READ_AHEAD), readCursor: 0, inflight: 0 };
      this.#log.info(
        `Channel ${this.name} opened "${this.databasePath}" holding ${store.count} event(s)`,
      );
    } catch (err) {
      for (const lock of locks) lock.release();
      throw err;
    }
  }

  /** Events that a take could get now. */
  #takeable(): number {
    const open = this.#open;
    return open ? open.store.count - open.inflight : 0;
  }

  /** The open state, which must be `session` when one is given. */
  #require(session: object | undefined): OpenState {
    const open = this.#open;
    if (!open) throw new ChannelError(`Channel "${this.name}" is not open`);
    if (session !== undefined && session !== open) {
      throw new ChannelError(`Channel "${this.name}" was reopened since this transaction began`);
    }
    return open;
  }

  /** Creates and locks checkpointDir and every data dir (each real directory once). */
  #lockDirectories(): DirectoryLock[] {
    const roles: [string, string][] = [
      ["checkpointDir", this.checkpointDir],
      ...this.dataDirs.map((d): [string, string] => ["dataDirs", d]),
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
    try {
      return usableSpace(this.dataDirs[0]);
    } catch (err) {
      throw new ChannelError(
        `Cannot read the free space of "${this.dataDirs[0]}": ${errorMessage(err)}`,
        { cause: err },
      );
    }
  }

  /** Refuses a commit of puts when the data directory's filesystem is short of space. */
  #checkFreeSpace(): void {
    if (this.minimumRequiredSpace === 0) return;
    const free = this.#freeSpace();
    if (free < this.minimumRequiredSpace) {
      throw new ChannelError(
        `Refusing puts on channel "${this.name}": "${this.dataDirs[0]}" has ` +
          `${formatBytes(free)} free, below minimumRequiredSpace ` +
          `${
            formatBytes(this.minimumRequiredSpace)
          }; free some space or lower minimumRequiredSpace`,
      );
    }
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
        `The channel has reached its capacity. This might be the result of a sink on the ` +
          `channel having too low of batch size, a downstream system running slower than ` +
          `normal, or that the channel capacity is just too low: channel "${this.name}" holds ` +
          `${this.size()} of ${this.capacity} events`,
      );
    }
    await this.#roomWaiters.sleep(this.#clock, left);
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
