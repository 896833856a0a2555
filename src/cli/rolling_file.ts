/**
 * A log file that rolls by size, as log4j's RollingFileAppender (Flume's
 * LOGFILE appender) does: `flume.log` is the current file, `flume.log.1`
 * the newest backup, `flume.log.N` the oldest.
 *
 * @module
 */
import { dirname } from "node:path";
import { writeAllSync } from "./write_sync.ts";

/** Options of {@linkcode RollingFile.open}. */
export interface RollingFileOptions {
  /** Bytes the file may hold; a write that would pass it rolls first. */
  readonly maxFileSize: number;
  /** Backups kept (`PATH.1` … `PATH.N`); 0 starts the file afresh instead. */
  readonly maxBackupIndex: number;
}

const ENCODER = new TextEncoder();

/**
 * An append-only file written synchronously (each line is in the file when
 * `write` returns, so nothing is lost at exit). Before a write that would
 * take the file past `maxFileSize`, the backups shift up by one
 * (`PATH.N-1` → `PATH.N`, the oldest dropped), the file becomes `PATH.1`
 * and a new, empty file is opened. A file never passes `maxFileSize`
 * unless one line alone is larger.
 */
export class RollingFile implements Disposable {
  /** The current file's path. */
  readonly path: string;
  readonly #options: RollingFileOptions;
  #file: Deno.FsFile | undefined;
  #size: number;

  private constructor(path: string, file: Deno.FsFile, options: RollingFileOptions) {
    this.path = path;
    this.#file = file;
    this.#size = file.statSync().size;
    this.#options = options;
  }

  /**
   * Opens `path` for appending, creating it and its directory when
   * missing. Throws Deno's error when it cannot.
   */
  static open(path: string, options: RollingFileOptions): RollingFile {
    Deno.mkdirSync(dirname(path), { recursive: true });
    return new RollingFile(path, openAppend(path), options);
  }

  /** Bytes in the current file. */
  get size(): number {
    return this.#size;
  }

  /**
   * Appends `text`, rolling first when it would not fit. Throws Deno's
   * error when the file cannot be written or rolled; the next write opens
   * the file again.
   */
  write(text: string): void {
    const bytes = ENCODER.encode(text);
    if (this.#size > 0 && this.#size + bytes.length > this.#options.maxFileSize) this.#roll();
    const file = this.#file ??= this.#reopen();
    try {
      writeAllSync(file, bytes);
    } catch (err) {
      this.#drop();
      throw err;
    }
    this.#size += bytes.length;
  }

  /** Closes the file; a later write opens it again. */
  close(): void {
    this.#drop();
  }

  /** Same as {@linkcode close}. */
  [Symbol.dispose](): void {
    this.close();
  }

  #roll(): void {
    this.#drop();
    const { maxBackupIndex } = this.#options;
    if (maxBackupIndex > 0) {
      removeIfExists(`${this.path}.${maxBackupIndex}`);
      for (let i = maxBackupIndex - 1; i >= 1; i--) {
        renameIfExists(`${this.path}.${i}`, `${this.path}.${i + 1}`);
      }
      renameIfExists(this.path, `${this.path}.1`);
    } else {
      removeIfExists(this.path);
    }
    this.#file = this.#reopen();
  }

  #reopen(): Deno.FsFile {
    Deno.mkdirSync(dirname(this.path), { recursive: true });
    const file = openAppend(this.path);
    this.#size = file.statSync().size;
    return file;
  }

  #drop(): void {
    try {
      this.#file?.close();
    } catch {
      // Already closed: there is nothing left to release.
    }
    this.#file = undefined;
  }
}

function openAppend(path: string): Deno.FsFile {
  return Deno.openSync(path, { write: true, append: true, create: true });
}

function removeIfExists(path: string): void {
  try {
    Deno.removeSync(path);
  } catch (err) {
    if (!(err instanceof Deno.errors.NotFound)) throw err;
  }
}

function renameIfExists(from: string, to: string): void {
  try {
    Deno.renameSync(from, to);
  } catch (err) {
    if (!(err instanceof Deno.errors.NotFound)) throw err;
  }
}
