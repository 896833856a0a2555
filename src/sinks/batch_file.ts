import { dirname } from "node:path";
import { concatBytes } from "../util/bytes.ts";

/**
 * An append-only file whose appends are whole batches: each append is
 * written and flushed to disk (`fdatasync`) before it returns, and an append
 * that fails is cut off again, so the file ends with the last complete batch.
 */
export class BatchFile {
  /** Where the file is. */
  readonly path: string;
  readonly #file: Deno.FsFile;
  #size = 0;
  #damage: string | undefined;

  private constructor(path: string, file: Deno.FsFile) {
    this.path = path;
    this.#file = file;
  }

  /**
   * Creates a new, empty file at `path` and flushes its directory entry to
   * disk; rejects with `Deno.errors.AlreadyExists` when there is one, never
   * overwriting it.
   */
  static async create(path: string): Promise<BatchFile> {
    const file = await Deno.open(path, { append: true, createNew: true });
    await syncDirectory(dirname(path));
    return new BatchFile(path, file);
  }

  /** Bytes of the complete batches in the file. */
  get size(): number {
    return this.#size;
  }

  /**
   * Why the file must not be written to again, once an append found it
   * deleted or failed and could not cut the partial batch off; undefined
   * while the file is sound.
   */
  get damage(): string | undefined {
    return this.#damage;
  }

  /**
   * Writes `chunks` as one batch and flushes it to disk. On failure the
   * partial batch is cut off (or {@linkcode BatchFile.damage} says why it
   * could not be) and the error is rethrown. A file deleted while open
   * fails the append: its bytes would be lost on close.
   */
  async append(chunks: readonly Uint8Array[]): Promise<void> {
    if (this.#damage) throw new Error(`File "${this.path}" ${this.#damage}: not written to`);
    const bytes = concatBytes(chunks);
    try {
      for (let done = 0; done < bytes.length;) {
        const n = await this.#file.write(bytes.subarray(done));
        if (n <= 0) throw new Error(`Wrote 0 of ${bytes.length - done} bytes`);
        done += n;
      }
      await this.#file.syncData();
    } catch (err) {
      await this.#restore();
      throw err;
    }
    if ((await this.#file.stat()).nlink === 0) {
      this.#damage = "was deleted";
      throw new Error(`File "${this.path}" was deleted while open`);
    }
    this.#size += bytes.length;
  }

  /**
   * Whether the file has been deleted (no name links to it any more), so
   * that what it holds is gone once it is closed; false where the platform
   * does not count links.
   */
  isDeleted(): boolean {
    return this.#file.statSync().nlink === 0;
  }

  /** Closes the file. */
  close(): void {
    this.#file.close();
  }

  /** Cuts the file back to its complete batches (appends go to the end). */
  async #restore(): Promise<void> {
    try {
      await this.#file.truncate(this.#size);
      await this.#file.syncData();
    } catch {
      this.#damage = `may end with part of a failed batch after byte ${this.#size} ` +
        `(it could not be cut back)`;
    }
  }
}

/**
 * Flushes a directory's entries (a new file's name) to disk, where the
 * platform allows it (Linux and macOS do; Windows cannot open a directory).
 */
async function syncDirectory(path: string): Promise<void> {
  let dir: Deno.FsFile | undefined;
  try {
    dir = await Deno.open(path, { read: true });
    await dir.sync();
  } catch {
    // Best effort: the file's data is still flushed by every append.
  } finally {
    dir?.close();
  }
}
