import { DatabaseSync, type StatementSync } from "node:sqlite";
import { ChannelError } from "../../api/channel.ts";
import { errorMessage } from "../../util/errors.ts";
import type { Event } from "../../api/event.ts";
import { StoreFullError, type WireRow } from "./store_protocol.ts";

/** The database's file name in the first data directory. */
export const DATABASE_FILE = "flume-ws-channel.db";

/** `PRAGMA application_id` of a flume-ws channel database: "FLWS". */
const APPLICATION_ID = 0x464c5753;
/** `PRAGMA user_version`: the schema below. */
const SCHEMA_VERSION = 1;
/** SQLite's page size for a new database: its largest. */
const PAGE_SIZE = 65536;
/** Rows per multi-row INSERT: one call per 32 events instead of 32 calls. */
const INSERT_CHUNK = 32;
/** SQLite's own bound of the write-ahead log, in pages: the log is never let grow beyond it. */
const SQLITE_AUTOCHECKPOINT_PAGES = 1000;
/** SQLite's result code for a write that found the disk full. */
const SQLITE_FULL = 13;
const SCHEMA = "CREATE TABLE events (" +
  "seq INTEGER PRIMARY KEY, headers TEXT NOT NULL, body BLOB NOT NULL) STRICT";

/** A put as the store writes it: headers as JSON, body bytes. */
export type StoredPut = readonly [headers: string, body: Uint8Array];

/** Options of {@linkcode EventStore.open}. */
export interface EventStoreOptions {
  /**
   * Most bytes the write-ahead log grows to before it is checkpointed into
   * the database, and the size it is cut back to after that: what the
   * database needs beyond its own size. At least one page, at most SQLite's
   * own 1000 pages. @default 67108864 (64 MiB)
   */
  readonly walLimitBytes?: number;
}

/** The write-ahead log's default bound: about SQLite's own 1000 pages of the 64 KiB pages used here. */
export const DEFAULT_WAL_LIMIT = 64 * 1024 * 1024;

/** An event as stored, with its position in the channel. */
export interface StoredEvent {
  /** Increases with commit order; the channel's order. */
  readonly seq: number;
  readonly event: Event;
}

/**
 * The events of one file channel in an SQLite database: one row per
 * committed event, keyed by a sequence number that grows with commit
 * order. A channel commit is one SQLite transaction (its puts inserted,
 * its takes deleted) written to the WAL and fsynced before it returns
 * (`synchronous = FULL`). Every call is synchronous, so no SQLite
 * transaction is ever open across an await.
 *
 * Errors are ChannelErrors that name the file.
 */
export class EventStore {
  /** The database file. */
  readonly path: string;
  readonly #db: DatabaseSync;
  readonly #insert: StatementSync;
  readonly #insertChunk: StatementSync;
  readonly #delete: StatementSync;
  readonly #read: StatementSync;
  readonly #freelist: StatementSync;
  /** The database's page size in bytes. */
  readonly pageSize: number;
  #nextSeq: number;
  #count: number;

  private constructor(path: string, db: DatabaseSync, pageSize: number) {
    this.path = path;
    this.#db = db;
    this.pageSize = pageSize;
    const insert = "INSERT INTO events (seq, headers, body) VALUES ";
    this.#insert = db.prepare(`${insert}(?, ?, ?)`);
    this.#insertChunk = db.prepare(insert + new Array(INSERT_CHUNK).fill("(?, ?, ?)").join(", "));
    this.#delete = db.prepare("DELETE FROM events WHERE seq BETWEEN ? AND ?");
    this.#freelist = db.prepare("PRAGMA freelist_count");
    this.#read = db.prepare(
      "SELECT seq, headers, body FROM events WHERE seq > ? ORDER BY seq LIMIT ?",
    );
    // Rows as arrays are a third cheaper to read; Deno's StatementSync type lacks the method.
    (this.#read as unknown as { setReturnArrays(on: boolean): void }).setReturnArrays(true);
    const stats = db.prepare("SELECT count(*) AS count, coalesce(max(seq), 0) AS last FROM events")
      .get();
    this.#count = Number(stats?.count);
    this.#nextSeq = Number(stats?.last) + 1;
  }

  /**
   * Opens (creating when absent) the database at `path`, takes SQLite's
   * exclusive lock on it, and checks that it is a readable flume-ws channel
   * database. Throws ChannelError saying what to do when it is not. The
   * write-ahead log is kept to about `walLimitBytes`: checkpointed into
   * the database once it holds that much, and cut back to it afterwards,
   * so that a filling disk is not filled by the log.
   */
  static open(path: string, options: EventStoreOptions = {}): EventStore {
    let db: DatabaseSync | undefined;
    try {
      db = new DatabaseSync(path);
      // Takes effect only when the file is new. Big pages write a batch of
      // events in far fewer WAL frames: three times the 4 KiB default's rate
      // for 2 KiB events, a fifth more for 200 B ones (measured, see README).
      db.exec(`PRAGMA page_size = ${PAGE_SIZE}`);
      // Exclusive: a second connection, even one that ignored the directory
      // lock, gets "database is locked" instead of a share of the file.
      db.exec("PRAGMA locking_mode = EXCLUSIVE");
      const mode = db.prepare("PRAGMA journal_mode = WAL").get()?.journal_mode;
      if (mode !== "wal") throw new Error(`Journal mode "${mode}" instead of "wal"`);
      db.exec("PRAGMA synchronous = FULL");
      initialize(path, db);
      const pageSize = Number(db.prepare("PRAGMA page_size").get()?.page_size);
      const limit = Math.floor((options.walLimitBytes ?? DEFAULT_WAL_LIMIT) / pageSize);
      const pages = Math.min(SQLITE_AUTOCHECKPOINT_PAGES, Math.max(1, limit));
      db.exec(`PRAGMA wal_autocheckpoint = ${pages}`);
      db.exec(`PRAGMA journal_size_limit = ${pages * pageSize}`);
      const check = db.prepare("PRAGMA quick_check(1)").get()?.quick_check;
      if (check !== "ok") {
        const detail = String(check).replace("*** in database main ***", "").trim();
        throw new Error(`Damaged database (integrity check: ${detail.replace(/\s*\n\s*/g, "; ")})`);
      }
      return new EventStore(path, db, pageSize);
    } catch (err) {
      try {
        db?.close();
      } catch {
        // Already failing: the first error is the one to report.
      }
      if (err instanceof ChannelError) throw err;
      throw openError(path, err);
    }
  }

  /** Events held: committed puts not yet removed by a committed take. */
  get count(): number {
    return this.#count;
  }

  /** The highest sequence number used (0 for a new database). */
  get lastSeq(): number {
    return this.#nextSeq - 1;
  }

  /** Pages the database holds free for new rows (deleted rows give theirs back). */
  get freePages(): number {
    return Number(this.#freelist.get()?.freelist_count);
  }

  /** Up to `limit` rows after `seq`, in order (headers still as JSON). */
  readAfter(seq: number, limit: number): WireRow[] {
    let rows: unknown[][];
    try {
      rows = this.#read.all(seq, limit) as unknown[] as unknown[][];
    } catch (err) {
      throw new ChannelError(`Cannot read from "${this.path}": ${errorMessage(err)}`, {
        cause: err,
      });
    }
    for (const [seq, headers, body] of rows) {
      if (typeof seq !== "number" || typeof headers !== "string" || !(body instanceof Uint8Array)) {
        throw new ChannelError(`Malformed event row ${seq} in "${this.path}"`);
      }
    }
    return rows as unknown[] as WireRow[];
  }

  /**
   * Inserts `puts` (headers as JSON, body bytes) after every event held and
   * deletes the events at `takenSeqs`, in one SQLite transaction that is on
   * disk when this returns; returns the sequence number of the first put.
   * On failure nothing changes and ChannelError is thrown.
   */
  write(puts: readonly StoredPut[], takenSeqs: readonly number[]): number {
    const first = this.#nextSeq;
    if (puts.length === 0 && takenSeqs.length === 0) return first;
    let seq = first;
    try {
      this.#db.exec("BEGIN IMMEDIATE");
      const values: (number | string | Uint8Array)[] = [];
      let i = 0;
      for (; i + INSERT_CHUNK <= puts.length; i += INSERT_CHUNK) {
        values.length = 0;
        for (let k = i; k < i + INSERT_CHUNK; k++) {
          values.push(seq++, puts[k][0], puts[k][1]);
        }
        this.#insertChunk.run(...values);
      }
      for (; i < puts.length; i++) {
        this.#insert.run(seq++, puts[i][0], puts[i][1]);
      }
      let deleted = 0;
      for (const [from, to] of ranges(takenSeqs)) {
        deleted += Number(this.#delete.run(from, to).changes);
      }
      if (deleted !== takenSeqs.length) {
        throw new Error(`Expected to delete ${takenSeqs.length} taken event(s), found ${deleted}`);
      }
      this.#db.exec("COMMIT");
    } catch (err) {
      try {
        if (this.#db.isTransaction) this.#db.exec("ROLLBACK");
      } catch {
        // SQLite rolls back on its own when the ROLLBACK itself fails.
      }
      const Failure = isFull(err) ? StoreFullError : ChannelError;
      throw new Failure(`Cannot commit to "${this.path}": ${errorMessage(err)}`, { cause: err });
    }
    this.#nextSeq = seq;
    this.#count += puts.length - takenSeqs.length;
    return first;
  }

  /**
   * Copies the write-ahead log into the database and truncates the log to
   * zero bytes, giving its space back (`wal_checkpoint(TRUNCATE)`); returns
   * whether the whole log was copied. Throws ChannelError (StoreFullError
   * for a full disk) when it cannot.
   */
  checkpoint(): boolean {
    try {
      const row = this.#db.prepare("PRAGMA wal_checkpoint(TRUNCATE)").get();
      return Number(row?.busy) === 0;
    } catch (err) {
      const Failure = isFull(err) ? StoreFullError : ChannelError;
      throw new Failure(`Cannot checkpoint "${this.path}": ${errorMessage(err)}`, { cause: err });
    }
  }

  /** Closes the database (checkpointing its WAL); safe to call twice. */
  close(): void {
    if (this.#db.isOpen) this.#db.close();
  }
}

/** Creates the schema in a new database; checks the marks of an existing one. */
function initialize(path: string, db: DatabaseSync): void {
  // A write transaction also takes the exclusive lock at once.
  db.exec("BEGIN IMMEDIATE");
  try {
    const appId = db.prepare("PRAGMA application_id").get()?.application_id;
    const version = Number(db.prepare("PRAGMA user_version").get()?.user_version);
    const tables = Number(db.prepare("SELECT count(*) AS n FROM sqlite_schema").get()?.n);
    if (appId === 0 && tables === 0) {
      db.exec(`PRAGMA application_id = ${APPLICATION_ID}`);
      db.exec(`PRAGMA user_version = ${SCHEMA_VERSION}`);
      db.exec(SCHEMA);
    } else if (appId !== APPLICATION_ID) {
      throw new ChannelError(
        `Cannot open "${path}": not a flume-ws file channel database; ` +
          `point dataDirs at a directory of its own`,
      );
    } else if (version !== SCHEMA_VERSION) {
      throw new ChannelError(
        `Cannot open "${path}": schema version ${version}, this flume-ws reads ` +
          `${SCHEMA_VERSION}; run the flume-ws that wrote it until the channel is empty`,
      );
    }
    db.exec("COMMIT");
  } catch (err) {
    if (db.isTransaction) db.exec("ROLLBACK");
    throw err;
  }
}

/** The error for a database that cannot be opened, with what to do about it. */
function openError(path: string, err: unknown): ChannelError {
  const message = errorMessage(err);
  const corrupt = /not a database|malformed|corrupt|damaged/i.test(message);
  const locked = /database is locked|busy/i.test(message);
  const advice = corrupt
    ? `; move it aside (with its -wal file, if any) to start the channel empty; ` +
      `the events in it are lost`
    : locked
    ? "; another channel or agent has it open"
    : "";
  return new ChannelError(`Cannot open "${path}": ${message}${advice}`, { cause: err });
}

/** Whether an SQLite error says the disk (or the database's size limit) is full. */
function isFull(err: unknown): boolean {
  const errcode = (err as { errcode?: unknown }).errcode;
  return errcode === SQLITE_FULL || /database or disk is full/i.test(errorMessage(err));
}

/** Parses stored headers; a corrupt value is a ChannelError naming the row. */
export function parseHeaders(path: string, seq: number, text: string): Record<string, string> {
  if (text === "{}") return {};
  try {
    const headers = JSON.parse(text);
    if (headers !== null && typeof headers === "object" && !Array.isArray(headers)) {
      return headers;
    }
  } catch {
    // Reported below.
  }
  throw new ChannelError(`Malformed headers of event ${seq} in "${path}": ${text.slice(0, 80)}`);
}

/** Sorted runs of consecutive numbers, as [first, last] pairs. */
export function ranges(seqs: readonly number[]): [number, number][] {
  const sorted = [...seqs].sort((a, b) => a - b);
  const out: [number, number][] = [];
  for (const seq of sorted) {
    const last = out[out.length - 1];
    if (last && seq === last[1] + 1) last[1] = seq;
    else out.push([seq, seq]);
  }
  return out;
}
