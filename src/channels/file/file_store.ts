/**
 * The file channel's storage behind StoreChannel: locked directories, the
 * SQLite event store on its own thread, the events held in memory for
 * takers, and what it does when the disk fills.
 *
 * @module
 */
import { join } from "node:path";
import { ChannelError } from "../../api/channel.ts";
import type { Clock } from "../../api/clock.ts";
import { type Event, eventText } from "../../api/event.ts";
import type { Log } from "../../api/log.ts";
import { Backoff } from "../../util/backoff.ts";
import { errorMessage } from "../../util/errors.ts";
import { Queue } from "../../util/queue.ts";
import type { ChannelStore } from "../store_channel.ts";
import { DirectoryLock } from "./directory_lock.ts";
import { DATABASE_FILE, DEFAULT_WAL_LIMIT, parseHeaders, type StoredEvent } from "./event_store.ts";
import { StoreFullError } from "./store_protocol.ts";
import { StoreThread } from "./store_thread.ts";
import { formatBytes, usableSpace } from "./free_space.ts";

/**
 * Most rows read from the database at a time. The channel reads a
 * transaction's worth (up to this) whenever fewer are in memory, and keeps
 * at most twice that in memory.
 */
export const MAX_READ_SIZE = 10_000;
/** The smallest bound of the write-ahead log: 16 pages of 64 KiB. */
const MIN_WAL_LIMIT = 1024 * 1024;
/** Bytes an event costs on disk beyond its body and headers (row and JSON overhead), about. */
const EVENT_OVERHEAD = 24;
/** The first wait before deleting again the takes that a full disk kept from being deleted. */
const RETRY_DELETE_MS = 500;
/** The longest wait between those tries. */
const MAX_RETRY_DELETE_MS = 5000;

/** The state of an open store. */
interface OpenState {
  readonly db: StoreThread;
  readonly locks: readonly DirectoryLock[];
  /** Events in memory, not taken: read from the database, committed puts, rolled-back takes. */
  buffer: Queue<StoredEvent>;
  /** The highest seq ever brought into memory; later events are only in the database. */
  readCursor: number;
  /** Events taken by open transactions: still in the database and counted in size. */
  inflight: number;
  /** A read from the database is under way. */
  reading: boolean;
  /** Why the last read failed; thrown by the next take. */
  readError: Error | undefined;
  /**
   * Events whose take was committed while a full disk kept their rows from
   * being deleted: delivered, never handed out again, deleted as soon as
   * there is space. While there are any, takes find nothing.
   */
  undeleted: StoredEvent[] | undefined;
  /** The last delete of `undeleted` asked for: they run one at a time. */
  deleting: Promise<unknown>;
  /** A write-ahead log checkpoint has been asked for and not yet answered. */
  checkpointing: boolean;
  /** Puts are being refused for want of space (said once when it starts and once when it ends). */
  short: boolean;
  /** Aborted at close: ends the retries of the deletes. */
  readonly closing: AbortController;
}

/** Where a FileStore keeps its events. */
export interface FileStoreOptions {
  readonly name: string;
  readonly checkpointDir: string;
  readonly dataDirs: readonly string[];
  readonly minimumRequiredSpace: number;
  /** Rows read at a time, whenever fewer than this many are in memory. */
  readonly readSize: number;
  /** Most events held in memory for takers (committed puts join them while takers keep up). */
  readonly memoryLimit: number;
  /** Most bytes of the write-ahead log between checkpoints. */
  readonly walLimitBytes: number;
  readonly log: Log;
  readonly clock: Clock;
}

/**
 * A file channel's storage: locked directories and the SQLite event store
 * on a thread of its own. Takes come from memory: events read ahead from
 * the database, or, while takers keep up, the committed puts themselves
 * (the same events, not read back). Commits wait for the store's thread.
 */
export class FileStore implements ChannelStore<StoredEvent> {
  readonly databasePath: string;
  readonly #options: FileStoreOptions;
  #open: OpenState | undefined;
  #opening: Promise<void> | undefined;
  #wake: () => void = () => {};

  constructor(options: FileStoreOptions) {
    this.#options = options;
    this.databasePath = join(options.dataDirs[0], DATABASE_FILE);
  }

  get count(): number {
    return this.#open?.db.count ?? 0;
  }

  get takeable(): number {
    const open = this.#open;
    return open && !open.undeleted ? open.buffer.length : 0;
  }

  onReadable(wake: () => void): void {
    this.#wake = wake;
  }

  /**
   * Creates and locks the directories and opens the database. Rejects with
   * a ChannelError naming the directory or file when another channel or agent
   * holds them, when they cannot be created, or when the database is
   * unreadable.
   */
  open(): Promise<void> {
    if (this.#open) return Promise.resolve();
    return this.#opening ??= this.#openNow().finally(() => this.#opening = undefined);
  }

  async #openNow(): Promise<void> {
    const locks = this.#lockDirectories();
    try {
      this.#freeSpace(); // fails early when free space cannot be read
      const db = await StoreThread.open(this.databasePath, this.#options.walLimitBytes);
      syncDirectory(this.#options.dataDirs[0]);
      this.#open = {
        db,
        locks,
        buffer: new Queue(1024),
        readCursor: 0,
        inflight: 0,
        reading: false,
        readError: undefined,
        undeleted: undefined,
        deleting: Promise.resolve(),
        checkpointing: false,
        short: false,
        closing: new AbortController(),
      };
      this.#options.log.info(
        `Channel ${this.#options.name} opened "${this.databasePath}" holding ${db.count} event(s)`,
      );
      await this.#read(); // the first events are there for the first take
    } catch (err) {
      for (const lock of locks) lock.release();
      throw err;
    }
  }

  /**
   * Closes the database (after the commits under way) and releases the
   * locks. Events taken by open transactions stay in the database and are
   * delivered again next time, and so do delivered events that a full disk
   * kept from being deleted (that is logged).
   */
  async close(): Promise<void> {
    await this.#opening?.catch(() => {});
    const open = this.#open;
    this.#open = undefined;
    if (!open) return;
    open.closing.abort();
    try {
      const undeleted = open.undeleted?.length ?? 0;
      if (undeleted > 0 && !(await this.#deleteUndeleted(open))) {
        this.#options.log.warn(
          `Channel ${this.#options.name} closes with ${undeleted} delivered event(s) that it ` +
            `could not delete for want of space: they are delivered again after the next start`,
        );
      }
      await open.db.close();
      const held = open.db.count;
      this.#options.log.info(
        `Channel ${this.#options.name} closed "${this.databasePath}" holding ${held} event(s)` +
          (held > 0 ? " for the next start" : ""),
      );
    } catch (err) {
      throw new ChannelError(`Cannot close "${this.databasePath}": ${errorMessage(err)}`, {
        cause: err,
      });
    } finally {
      for (const lock of open.locks) lock.release();
    }
  }

  take(): StoredEvent | undefined {
    const open = this.#require();
    if (open.readError) {
      const err = open.readError;
      open.readError = undefined;
      throw err;
    }
    if (open.undeleted) return undefined;
    const taken = open.buffer.shift();
    if (taken) open.inflight++;
    if (this.#readDue(open)) void this.#read();
    return taken;
  }

  eventOf(taken: StoredEvent): Event {
    return taken.event;
  }

  /** Reads the next events from the database unless a read is under way or enough are in memory. */
  readAhead(): void {
    this.#read();
  }

  /** Whether a read should start: none under way, rows not in memory, memory below a read's worth. */
  #readDue(open: OpenState): boolean {
    return !open.reading && open.readCursor < open.db.lastSeq &&
      open.buffer.length < this.#options.readSize;
  }

  /** Starts a read when one is due; resolves once it has been answered (at once when none is). */
  #read(): Promise<void> {
    const open = this.#open;
    if (!open || !this.#readDue(open)) return Promise.resolve();
    const size = this.#options.readSize;
    open.reading = true;
    return open.db.readAfter(open.readCursor, size).then(
      (rows) => {
        if (this.#open !== open) return;
        open.reading = false;
        for (const [seq, headers, body] of rows) {
          if (seq <= open.readCursor) continue;
          open.buffer.push({
            seq,
            event: { headers: parseHeaders(this.databasePath, seq, headers), body },
          });
          open.readCursor = seq;
        }
        if (rows.length > 0) this.#wake();
      },
      (err) => {
        if (this.#open !== open) return;
        open.reading = false;
        open.readError = err instanceof Error ? err : new ChannelError(String(err));
        this.#wake();
      },
    );
  }

  /**
   * Refuses puts when the data directory's filesystem would keep less than
   * minimumRequiredSpace once they are stored; then the write-ahead log is
   * checkpointed and truncated, giving its space back.
   */
  refusal(puts: readonly Event[]): string | undefined {
    const min = this.#options.minimumRequiredSpace;
    if (min === 0) return undefined;
    const open = this.#require();
    const { name, dataDirs, log } = this.#options;
    // Pages that deleted rows left in the database are reused before the file grows.
    const reusable = open.db.reusableBytes;
    const free = this.#freeSpace();
    const needed = spaceFor(puts, open.db.pageSize);
    const where = `"${dataDirs[0]}" has ` +
      (reusable > 0 ? `${formatBytes(reusable)} of free database pages and ` : "") +
      `${formatBytes(free)} free`;
    if (free + reusable - needed >= min) {
      if (open.short) {
        open.short = false;
        log.info(`Channel ${name}: ${where}: accepting puts again`);
      }
      return undefined;
    }
    this.#checkpoint(open);
    const message = `Refusing puts on channel "${name}": ${where}, below minimumRequiredSpace ` +
      `${formatBytes(min)} once these ${puts.length} event(s) (about ${formatBytes(needed)}) ` +
      `are stored; free some space or lower minimumRequiredSpace`;
    if (!open.short) {
      open.short = true;
      log.warn(`${message} (takes go on)`);
    }
    return message;
  }

  /**
   * Writes the puts and deletes the takes in one durable SQLite transaction
   * on the store's thread. When every earlier event is in memory already,
   * the committed puts join it there instead of being read back. A take
   * whose deletes a full disk refuses still completes: its events were
   * delivered, so they are kept from takers and deleted once there is
   * space (until then, takes find nothing, so that at most this batch is
   * delivered again should the agent stop first).
   */
  async commit(puts: readonly Event[], takes: readonly StoredEvent[]): Promise<void> {
    const open = this.#require();
    const seqs = new Array<number>(takes.length);
    for (let i = 0; i < takes.length; i++) seqs[i] = takes[i].seq;
    let first: number;
    try {
      first = await open.db.write(puts, seqs);
    } catch (err) {
      if (!(err instanceof StoreFullError) || this.#open !== open) throw err;
      this.#checkpoint(open);
      if (puts.length > 0 || takes.length === 0) throw err;
      open.inflight -= takes.length;
      this.#keepUndeleted(open, takes, err);
      return;
    }
    open.inflight -= takes.length;
    if (puts.length === 0 || this.#open !== open) return;
    // Replies come in request order: a read asked for before this commit has
    // been answered; one asked for after it will bring these rows itself.
    const fits = open.buffer.length + puts.length <= this.#options.memoryLimit;
    if (!open.reading && open.readCursor === first - 1 && fits) {
      for (let i = 0; i < puts.length; i++) open.buffer.push({ seq: first + i, event: puts[i] });
      open.readCursor = first + puts.length - 1;
    } else {
      this.#read();
    }
  }

  /** Keeps delivered takes whose rows a full disk kept from being deleted; retries the delete. */
  #keepUndeleted(open: OpenState, takes: readonly StoredEvent[], err: StoreFullError): void {
    const retrying = open.undeleted !== undefined;
    open.undeleted = [...(open.undeleted ?? []), ...takes];
    this.#options.log.warn(
      `Channel ${this.#options.name}: ${err.message}: the ${takes.length} event(s) just ` +
        `delivered are deleted once there is space, and no events are handed out until then ` +
        `(should the agent stop first, they are delivered again after the next start)`,
    );
    if (!retrying) void this.#retryDeletes(open);
  }

  /** Deletes the kept takes again and again, backing off, until it succeeds or the store closes. */
  async #retryDeletes(open: OpenState): Promise<void> {
    const { clock, log, name } = this.#options;
    const backoff = new Backoff({ initialMs: RETRY_DELETE_MS, maxMs: MAX_RETRY_DELETE_MS });
    const since = clock.now();
    while (open.undeleted && !open.closing.signal.aborted) {
      await clock.sleep(backoff.next(), open.closing.signal);
      if (open.closing.signal.aborted) return;
      const count = open.undeleted.length;
      if (!(await this.#deleteUndeleted(open))) continue;
      const seconds = ((clock.now() - since) / 1000).toFixed(1);
      log.info(
        `Channel ${name} deleted the ${count} delivered event(s) it had kept for ${seconds} s ` +
          `while the disk was full: handing out events again`,
      );
      if (!open.undeleted) this.#wake();
    }
  }

  /** Tries once to delete the kept takes, after any delete under way; true when none are left. */
  #deleteUndeleted(open: OpenState): Promise<boolean> {
    const next = open.deleting.then(() => this.#deleteKept(open));
    open.deleting = next.catch(() => {});
    return next;
  }

  /** Deletes the kept takes once; true when none are left. */
  async #deleteKept(open: OpenState): Promise<boolean> {
    const kept = open.undeleted;
    if (!kept) return true;
    try {
      await open.db.write([], kept.map((e) => e.seq));
    } catch (err) {
      if (!(err instanceof StoreFullError)) {
        this.#options.log.warn(
          `Channel ${this.#options.name} cannot delete ${kept.length} delivered event(s): ` +
            errorMessage(err),
        );
      }
      return false;
    }
    const rest = (open.undeleted ?? kept).slice(kept.length);
    open.undeleted = rest.length > 0 ? rest : undefined;
    return open.undeleted === undefined;
  }

  /** Asks for a checkpoint that truncates the write-ahead log, unless one is under way. */
  #checkpoint(open: OpenState): void {
    if (open.checkpointing) return;
    open.checkpointing = true;
    open.db.checkpoint().then(
      (complete) => {
        if (!complete) this.#options.log.debug(`Checkpoint of "${this.databasePath}" incomplete`);
      },
      (err) => {
        this.#options.log.debug(
          `Cannot checkpoint "${this.databasePath}": ${errorMessage(err)}`,
        );
      },
    ).finally(() => open.checkpointing = false);
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

/**
 * The write-ahead log's bound for a channel that keeps `minimumRequiredSpace`
 * free: a quarter of it, between 1 and 64 MiB (64 MiB when the check is off).
 * Checkpointing needs about the log's size again, so the log must stay well
 * inside the space kept free.
 */
export function walLimitFor(minimumRequiredSpace: number): number {
  if (minimumRequiredSpace === 0) return DEFAULT_WAL_LIMIT;
  return Math.min(DEFAULT_WAL_LIMIT, Math.max(MIN_WAL_LIMIT, Math.floor(minimumRequiredSpace / 4)));
}

/** About the bytes storing `puts` takes on disk: bodies, headers, row overhead, two pages. */
function spaceFor(puts: readonly Event[], pageSize: number): number {
  let bytes = 2 * pageSize;
  for (const event of puts) {
    const text = eventText(event);
    bytes += (text === undefined ? event.body.byteLength : text.length) + EVENT_OVERHEAD;
    for (const key in event.headers) bytes += key.length + event.headers[key].length + 6;
  }
  return bytes;
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
